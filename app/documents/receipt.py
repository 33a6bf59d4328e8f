"""Recibo de pagamento: who paid, how much (in figures and in words — num2words pt_BR), how, on
which date, for which installments, and the clinic's CNPJ/CPF; the patient as beneficiary when
someone else pays (what the Receita Federal asks of a health-expense receipt). A reversed
payment has no receipt: the service refuses it."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from app.adapters.words import amount_in_words
from app.documents.common import installment_label
from app.documents.layout import (
    brl,
    build,
    clinic_id,
    clinic_signer,
    esc,
    key_values,
    method_label,
    name_and_cpf,
    para,
    person_line,
    place_and_date,
    signatures,
    spacer,
    table,
)
from app.documents.model import Letterhead, ReceiptFacts
from app.domain.dates import format_date

TITLE = "Recibo de pagamento"


def render(target: str | Path | BinaryIO, letterhead: Letterhead, facts: ReceiptFacts) -> None:
    clinic = letterhead.clinic
    payment = facts.payment
    contract = facts.contract
    count = contract.installments_count
    numbers = ", ".join(installment_label(a.number, count) for a in facts.allocations)
    what = (
        f"pagamento da(s) parcela(s) {numbers} do contrato de prestação de serviços nº "
        f"{contract.id}"
        if numbers
        else f"crédito no contrato de prestação de serviços nº {contract.id}"
    )
    details = [
        ("Valor", f"<b>{brl(payment.amount_cents)}</b>"),
        ("Data do pagamento", format_date(payment.paid_on)),
        ("Forma de pagamento", esc(method_label(payment.method))),
    ]
    if payment.reference:
        details.append(("Referência", esc(payment.reference)))
    if not contract.debtor_is_patient:
        details.append(("Beneficiário(a) dos serviços", name_and_cpf(contract.patient)))
    story: list[Flowable] = [
        para(f"{TITLE.upper()} Nº {payment.id}", "title"),
        para(f"{brl(payment.amount_cents)}", "subtitle"),
        spacer(2),
        para(
            f"Recebemos de {person_line(contract.debtor)}, a importância de "
            f"<b>{brl(payment.amount_cents)}</b> "
            f"({esc(amount_in_words(payment.amount_cents))}), referente ao {what}."
        ),
        spacer(3),
        key_values(details, label_width=56 * mm),
    ]
    if facts.allocations:
        parts = [(a, a.settlement) for a in facts.allocations]
        rows = [
            [
                installment_label(a.number, count),
                format_date(a.due_date),
                brl(st.principal_cents),
                brl(st.fine_cents),
                brl(st.interest_cents),
                brl(st.correction_cents),
                brl(st.discount_cents) if st.discount_cents else "–",
                brl(st.money_cents),
            ]
            for a, st in parts
        ]
        total = [
            "Total", "",
            brl(sum(st.principal_cents for _a, st in parts)),
            brl(sum(st.fine_cents for _a, st in parts)),
            brl(sum(st.interest_cents for _a, st in parts)),
            brl(sum(st.correction_cents for _a, st in parts)),
            brl(sum(st.discount_cents for _a, st in parts)),
            brl(sum(st.money_cents for _a, st in parts)),
        ]  # fmt: skip
        story += [
            para("Como o valor foi aplicado", "h2"),
            table(
                [
                    "Parcela",
                    "Vencimento",
                    "Principal",
                    "Multa",
                    "Juros",
                    "Correção",
                    "Desconto",
                    "Pago",
                ],
                rows,
                [14, 18, 18, 15, 15, 15, 15, 18],
                right=[2, 3, 4, 5, 6, 7],
                total=total,
            ),
        ]
    if payment.credit_cents:
        story.append(
            para(
                f"Do valor recebido, {brl(payment.credit_cents)} ficou como crédito do(a) "
                "pagador(a) para pagamentos futuros.",
                "body",
            )
        )
    story += [
        spacer(4),
        para(
            "Para clareza, firmamos o presente recibo, que dá quitação somente do valor acima "
            "recebido." + (f" Emitente: {esc(clinic_id(clinic))}." if clinic_id(clinic) else "")
        ),
        spacer(3),
        para(place_and_date(letterhead), "right"),
        spacer(2),
        signatures([clinic_signer(clinic, "Recebedor(a)")]),
    ]
    build(target, letterhead, TITLE, story, subject=f"Pagamento {payment.id}")
