"""Extrato: every installment of a contract with its updated situation on the date, every payment
and estorno, and the totals (what was contracted, paid, late and what settles it today)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from app.documents.common import contract_ref, days, installment_label, payment_rows
from app.documents.layout import (
    brl,
    build,
    esc,
    key_values,
    para,
    person_line,
    spacer,
    table,
)
from app.documents.model import ContractFacts, Letterhead
from app.domain.catalog import label
from app.domain.dates import format_date
from app.domain.law import STATUS_LABELS

TITLE = "Extrato do contrato"


def render(target: str | Path | BinaryIO, letterhead: Letterhead, facts: ContractFacts) -> None:
    as_of = format_date(letterhead.as_of)
    count = facts.installments_count
    open_lines = [ln for ln in facts.lines if ln.is_open]
    overdue = sum(ln.total_cents for ln in facts.lines if ln.is_overdue)
    effective = [p for p in facts.payments if p.is_effective]
    people = [("Contratante", person_line(facts.debtor))]
    if not facts.debtor_is_patient:
        people.append(("Paciente", esc(facts.patient.name)))
    summary = [
        ("Contrato", f"{esc(contract_ref(facts))} · situação: {esc(label(facts.status)).lower()}"),
        ("Valor contratado", brl(facts.total_cents)),
        ("Total pago", brl(sum(p.amount_cents - p.credit_cents for p in effective))),
        ("Em atraso", brl(overdue)),
        ("Saldo para quitação", f"<b>{brl(sum(ln.total_cents for ln in open_lines))}</b>"),
    ]
    credit = sum(p.credit_cents for p in effective)
    if credit:
        summary.append(("Crédito do pagador", brl(credit)))
    story: list[Flowable] = [
        para(TITLE.upper(), "title"),
        para(f"Valores atualizados em {as_of}", "subtitle"),
        key_values(people + summary, label_width=45 * mm),
        para("Parcelas", "h2"),
        _installments(facts),
        para(
            "Pago: principal da parcela já quitado. Multa, juros e correção: encargos de atraso "
            "ainda não pagos, conforme o contrato. Em aberto: o valor para pagamento em "
            f"{as_of}.",
            "small",
        ),
        para("Pagamentos e estornos", "h2"),
    ]
    if facts.payments:
        story.append(
            table(
                ["Lançamento", "Data", "Valor", "Forma", "Parcelas", "Situação"],
                payment_rows(facts.payments, count),
                [19, 16, 18, 14, 18, 45],
                right=[2],
            )
        )
    else:
        story.append(para("Nenhum pagamento registrado até esta data.", "body"))
    story.append(spacer(3))
    story.append(
        para(
            "Estornos são contra-lançamentos: o pagamento estornado deixa de contar e nada é "
            "apagado. Dúvidas sobre este extrato: fale com a clínica.",
            "small",
        )
    )
    build(target, letterhead, TITLE, story, subject=f"Contrato {facts.id}")


def _installments(facts: ContractFacts) -> Flowable:
    count = facts.installments_count
    rows = [
        [
            installment_label(ln.number, count),
            format_date(ln.effective_due_date),
            brl(ln.principal_cents),
            brl(ln.paid_cents),
            STATUS_LABELS[ln.status],
            days(ln.days_late),
            brl(ln.fine_cents),
            brl(ln.interest_cents),
            brl(ln.correction_cents),
            brl(ln.total_cents) if ln.is_open else "–",
        ]
        for ln in facts.lines
    ]
    open_lines = [ln for ln in facts.lines if ln.is_open]
    total = [
        "Total", "",
        brl(sum(ln.principal_cents for ln in facts.lines)),
        brl(sum(ln.paid_cents for ln in facts.lines)),
        "", "",
        brl(sum(ln.fine_cents for ln in open_lines)),
        brl(sum(ln.interest_cents for ln in open_lines)),
        brl(sum(ln.correction_cents for ln in open_lines)),
        brl(sum(ln.total_cents for ln in open_lines)),
    ]  # fmt: skip
    return table(
        ["Parcela", "Vencimento", "Valor", "Pago", "Situação", "Atraso", "Multa", "Juros",
         "Correção", "Em aberto"],
        rows,
        [13, 17, 18, 18, 21, 12, 14, 14, 15, 19],
        right=[2, 3, 5, 6, 7, 8, 9],
        total=total,
        font_size=7.6,
    )  # fmt: skip
