"""Blocks several documents share: the parties of a contract and its installment table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.platypus import Flowable

from app.documents.layout import (
    CONTENT_WIDTH,
    brl,
    clinic_contacts,
    esc,
    method_label,
    para,
    table,
)
from app.documents.model import ContractFacts, Letterhead
from app.domain.contracts import PaymentView
from app.domain.dates import format_date
from app.domain.law import (
    DebtLine,
    correction_partial_text,
    interest_terms,
    missing_index_months,
)
from app.domain.money import format_percent
from app.domain.pix import display_key
from app.domain.reversals import REVERSAL_CODES

# Documents never name the treatment (health data, LGPD art. 11); the contract may say what kind
# of service.
SERVICE_KIND = "serviços odontológicos"


def installment_label(number: int, count: int) -> str:
    return "Entrada" if number == 0 else f"{number}/{count}"


def plan_table(plan: Sequence[tuple[int, date, int]], count: int) -> Flowable:
    """A payment plan as the contract and the confissão de dívida print it: one row per
    (number, effective due date, amount) — parcela, vencimento, valor — and the total."""
    rows = [
        [installment_label(number, count), format_date(due), brl(cents)]
        for number, due, cents in plan
    ]
    total = ["Total", "", brl(sum(cents for _number, _due, cents in plan))]
    return table(
        ["Parcela", "Vencimento", "Valor"], rows, [30, 35, 35], right=[2], total=total,
        width=CONTENT_WIDTH * 0.55,
    )  # fmt: skip


def payment_rows(payments: Sequence[PaymentView], count: int) -> list[list[str]]:
    """Payments and estornos by date, as the extrato and the dossiê list them: lançamento, data,
    valor, forma, parcelas, situação (válido, estornado, or the estorno and why)."""
    rows = []
    for p in sorted(payments, key=lambda p: (p.paid_on, p.id)):
        if p.is_reversal:
            why = REVERSAL_CODES.get(p.reversal_code, "") or p.reason
            situation = f"estorno de {p.reverses_payment_id}: {why}"
        elif p.reversed_by_id:
            situation = f"estornado (lançamento {p.reversed_by_id})"
        else:
            situation = "válido"
        parcels = ", ".join(installment_label(n, count) for n in p.installments)
        rows.append([str(p.id), format_date(p.paid_on), brl(p.amount_cents),
                     method_label(p.method), parcels, situation])  # fmt: skip
    return rows


def contract_ref(facts: ContractFacts) -> str:
    """How a letter names the contract: with the day the debtor signed it — never the day it
    was registered or printed; without a recorded signing date, it says so."""
    name = f"contrato de prestação de serviços nº {facts.id}"
    if facts.signed_on is None:
        return f"{name} (data de assinatura não registrada)"
    return f"{name}, assinado em {format_date(facts.signed_on)}"


def charges_sentence(facts: ContractFacts) -> str:
    """The contract's late-payment terms in one sentence (the values stored on the contract),
    with the day count of the juros (``law.interest_terms``)."""
    text = (
        f"multa de {format_percent(facts.fine_bp)} sobre a parcela em atraso (CDC art. 52, §1º) "
        f"e juros de mora de {interest_terms(facts.interest_monthly_bp)}"
    )
    if facts.correction_index == "ipca":
        text += ", com correção monetária pelo IPCA"
    return text


def note_of(lines: Sequence[DebtLine]) -> list[Flowable]:
    """A plain note under a debt table when the IPCA correction printed is partial (index
    months never typed) — a missing month is never silently 0 %; nothing otherwise."""
    missing = missing_index_months(lines)
    return [para(esc(correction_partial_text(missing)), "small")] if missing else []


def debt_table(lines: Sequence[DebtLine], count: int, *, total_label: str = "Total") -> Flowable:
    """Overdue installments itemised: days late, principal still open, multa, juros, correção
    and the updated total (notification and negativação notice)."""
    rows = [
        [
            installment_label(line.number, count),
            format_date(line.effective_due_date),
            days(line.days_late),
            brl(line.open_principal_cents),
            brl(line.fine_cents),
            brl(line.interest_cents),
            brl(line.correction_cents),
            brl(line.total_cents),
        ]
        for line in lines
    ]
    total = [
        total_label, "", "",
        brl(sum(ln.open_principal_cents for ln in lines)),
        brl(sum(ln.fine_cents for ln in lines)),
        brl(sum(ln.interest_cents for ln in lines)),
        brl(sum(ln.correction_cents for ln in lines)),
        brl(sum(ln.total_cents for ln in lines)),
    ]  # fmt: skip
    return table(
        ["Parcela", "Vencimento", "Atraso", "Principal", "Multa", "Juros", "Correção", "Total"],
        rows,
        [15, 20, 15, 21, 17, 17, 17, 22],
        right=[2, 3, 4, 5, 6, 7],
        total=total,
    )


def payment_ways(letterhead: Letterhead) -> str:
    """How to pay and whom to talk to: PIX key, the desk, phone and e-mail (markup)."""
    clinic = letterhead.clinic
    ways = []
    if clinic.pix_key:
        ways.append(f"por PIX para a chave <b>{esc(display_key(clinic.pix_key))}</b>")
    ways.append("no balcão da clínica")
    text = "O pagamento pode ser feito " + ", ou ".join(ways) + "."
    contacts = clinic_contacts(clinic)
    if contacts:
        text += f" Para conversar sobre o débito: {esc(contacts)}."
    return text


def days(count: int) -> str:
    return "–" if count <= 0 else ("1 dia" if count == 1 else f"{count} dias")
