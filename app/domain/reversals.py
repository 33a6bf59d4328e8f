"""Estorno (payment reversal): which payments may be reversed, why, and the counter-entry that
cancels one.

Nothing money-related is ever deleted. An estorno is a new payment line pointing at the one it
cancels, with the opposite amount and credit and, installment by installment, the opposite of
every allocation: added together, the payment and its estorno leave every installment exactly as
if the payment had never been made. The reversed payment is then no longer *effective* (neither
an estorno nor reversed), and everything computed from effective payments follows on its own:

- the installments it had paid are open again (``law.standing``) and a settled contract is
  active again (``law.contract_status``);
- the updated debt (``law.updated_debt``) charges multa and juros again from the due date;
- a promise it had kept is broken again once its date has passed (``promises``);
- a negativação whose debt it had paid is no longer due for removal (``negativacao``).

Pure: the caller passes the payment and its allocations as stored, and ``today``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.domain import limits
from app.errors import FieldError, ValidationError

CHEQUE_BOUNCED = "cheque_devolvido"  # the estorno's code that counts in the risk analysis
REVERSAL_CODES = {
    CHEQUE_BOUNCED: "Cheque devolvido",
    "erro_lancamento": "Lançamento errado",
    "outro": "Outro motivo",
}
MAX_REASON = 300  # what the payment line keeps of the reason (the audit log keeps all of it)


def reversal_code_for(code: str, reason: str) -> str | FieldError:
    """The structured reason of an estorno; a typed "cheque devolvido" is recognised (it counts
    against the patient in the risk analysis)."""
    code = (code or "").strip().lower()
    text = (reason or "").strip()
    if not code:
        code = (
            "cheque_devolvido" if "cheque" in text.lower() and "devolv" in text.lower() else "outro"
        )
    if code not in REVERSAL_CODES:
        choices = ", ".join(REVERSAL_CODES)
        return FieldError("code", f"Motivo do estorno: '{code}' não existe; use {choices}.")
    problem = limits.text_problem(text, "Motivo", limits.COLUMNS["payment.reason"])
    if problem is not None:
        return FieldError("reason", problem)
    if code == "outro" and len(text) < 5:
        return FieldError("reason", "Motivo: descreva por que o pagamento está sendo estornado.")
    return code


@dataclass(frozen=True)
class PaymentRecord:
    """A payment line as stored: money received, or (``reverses_payment_id``) an estorno."""

    id: int
    contract_id: int
    paid_on: date
    amount_cents: int
    credit_cents: int = 0
    method: str = ""
    reference: str = ""
    reverses_payment_id: int | None = None  # set on an estorno: the payment it cancels
    reversed_by_id: int | None = None  # set on a payment once its estorno is recorded


@dataclass(frozen=True)
class AllocationRecord:
    """What one payment line put on one installment (negative on an estorno)."""

    installment_id: int
    principal_cents: int = 0
    fine_cents: int = 0
    interest_cents: int = 0
    correction_cents: int = 0
    discount_cents: int = 0

    def negated(self) -> AllocationRecord:
        return AllocationRecord(
            self.installment_id,
            -self.principal_cents,
            -self.fine_cents,
            -self.interest_cents,
            -self.correction_cents,
            -self.discount_cents,
        )


def check_reversible(payment: PaymentRecord, *, just_now: bool = False) -> None:
    """Refuse (``ValidationError`` on ``payment``) what may not be reversed: an estorno, and a
    payment already reversed. ``just_now``: the check made again once the contract is locked, when
    another PC may have reversed it while this one waited — said so."""
    if payment.reverses_payment_id is not None:
        raise ValidationError.single(
            "payment", f"Pagamento {payment.id} já é um estorno; não se estorna um estorno."
        )
    if payment.reversed_by_id is not None:
        when = "acabou de ser estornado em outro computador" if just_now else "já foi estornado"
        raise ValidationError.single(
            "payment", f"Pagamento {payment.id} {when} (lançamento {payment.reversed_by_id})."
        )


@dataclass(frozen=True)
class CounterEntry:
    """The estorno to record: a payment line that cancels ``reverses_payment_id``."""

    reverses_payment_id: int
    contract_id: int
    paid_on: date
    amount_cents: int
    credit_cents: int
    method: str
    reference: str
    code: str
    reason: str  # as typed (or the code's label when nothing was typed)
    allocations: tuple[AllocationRecord, ...]

    @property
    def stored_reason(self) -> str:
        return self.reason[:MAX_REASON]


def counter_entry(
    payment: PaymentRecord,
    allocations: Iterable[AllocationRecord],
    code: str,
    reason: str,
    today: date,
) -> CounterEntry:
    """The estorno of ``payment`` (checked with ``check_reversible``; ``code`` from
    ``reversal_code_for``): the opposite amount, credit and allocations, the same method and
    reference, dated today — or the payment's own date when that is later, so an estorno never
    comes before what it cancels."""
    return CounterEntry(
        reverses_payment_id=payment.id,
        contract_id=payment.contract_id,
        paid_on=max(today, payment.paid_on),
        amount_cents=-payment.amount_cents,
        credit_cents=-payment.credit_cents,
        method=payment.method,
        reference=payment.reference,
        code=code,
        reason=(reason or "").strip() or REVERSAL_CODES[code],
        allocations=tuple(a.negated() for a in allocations),
    )
