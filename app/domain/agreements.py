"""acordo (renegociação): chosen open installments become one new plan, computed from the debt
``law.updated_debt`` gives on the day of the proposal.

- The origin is itemised per installment (principal, multa, juros, correção): it is what the
  *termo de confissão de dívida* confesses (CPC art. 784 III), so it must add up to the centavo.
- A discount is applied to the charges first, then to the principal: the clinic forgives what it
  earned by the delay before it gives up what it sold (and CC art. 354 settles charges first).
- The new plan follows the contracts' rules (``schedule.plan``): an optional entrada due on the
  day of the agreement, then N monthly parcelas split exactly (remainder centavos on the first
  ones), due dates moved to the next business day.
- "Ofereça opções" (mudar a data de vencimento, parcelar o total, um plano menor) is
  ``options``: 2–3 plans side by side for the same debt.

Pure: no database, no clock (the caller passes ``as_of``/``today``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain import limits
from app.domain.business_calendar import BusinessCalendar
from app.domain.catalog import AgreementStatus
from app.domain.contracts import MAX_INSTALLMENTS
from app.domain.dates import parse_date
from app.domain.law import DebtLine
from app.domain.money import format_brl, money_in_form
from app.domain.schedule import PlannedInstallment, plan
from app.domain.text import parse_int
from app.errors import FieldError, ValidationError

# An accepted acordo is "não cumprido" once one of its parcelas is more than this many days
# overdue: the same 30 days after which the régua sends the notificação extrajudicial (D+30,
# the bureaus' 30 days) — a patient who let a renegotiated parcela reach that point has broken
# the deal.
BROKEN_AFTER_DAYS = 30

# The first parcela of an acordo is due within this many days: a renegotiation that starts
# paying months later is a new loan, not an agreement on an overdue debt.
MAX_FIRST_DUE_DAYS = 90

LABELS = {
    "installment_ids": "Parcelas",
    "discount": "Desconto",
    "down_payment": "Entrada",
    "count": "Número de parcelas",
    "first_due": "Primeiro vencimento",
}


@dataclass(frozen=True)
class OriginLine:
    """One open installment chosen for the acordo, updated on the proposal's date."""

    installment_id: int
    contract_id: int
    contract_count: int  # the original contract's number of parcelas ("3/10")
    line: DebtLine

    @property
    def label(self) -> str:
        number = "Entrada" if self.line.number == 0 else f"{self.line.number}/{self.contract_count}"
        return f"Contrato {self.contract_id} · {number}"


@dataclass(frozen=True)
class DebtTotals:
    """The chosen debt itemised (sums of ``updated_debt`` lines)."""

    principal_cents: int
    fine_cents: int
    interest_cents: int
    correction_cents: int

    @property
    def charges_cents(self) -> int:
        return self.fine_cents + self.interest_cents + self.correction_cents

    @property
    def total_cents(self) -> int:
        return self.principal_cents + self.charges_cents


def debt_of(origin: Sequence[OriginLine]) -> DebtTotals:
    return DebtTotals(
        principal_cents=sum(o.line.open_principal_cents for o in origin),
        fine_cents=sum(o.line.fine_cents for o in origin),
        interest_cents=sum(o.line.interest_cents for o in origin),
        correction_cents=sum(o.line.correction_cents for o in origin),
    )


def folded_charges_cents(charges_cents: int, discount_on_charges_cents: int) -> int:
    """The multa, juros and correção confessed and kept after the discount: they become part of
    the new parcelas, and juros de mora never run on them again (no interest on interest,
    Súmula 121 STF; ``law.interest_share_of``)."""
    return max(0, charges_cents - discount_on_charges_cents)


@dataclass(frozen=True)
class AgreementForm:
    """What the receptionist typed (dialog or CLI): amounts in pt-BR, the date as typed."""

    installment_ids: tuple[int, ...] = ()
    discount: str = ""
    down_payment: str = ""
    count: str = "1"
    first_due: str = ""
    notes: str = ""


@dataclass(frozen=True)
class AgreementTerms:
    discount_cents: int
    down_payment_cents: int
    count: int
    first_due: date
    notes: str = ""


@dataclass(frozen=True)
class AgreementPlan:
    """The computed acordo: the origin, the discount split, the new total and its plan."""

    as_of: date
    origin: tuple[OriginLine, ...]
    debt: DebtTotals
    discount_on_charges_cents: int
    discount_on_principal_cents: int
    down_payment_cents: int
    count: int
    first_due: date
    schedule: tuple[PlannedInstallment, ...]  # entrada (number 0) when any, then 1..count

    @property
    def discount_cents(self) -> int:
        return self.discount_on_charges_cents + self.discount_on_principal_cents

    @property
    def total_cents(self) -> int:
        """What the patient confesses and will pay: the chosen debt less the discount."""
        return self.debt.total_cents - self.discount_cents

    @property
    def principal_cents(self) -> int:
        """Principal kept after the discount (the agreement's ``principal_cents``)."""
        return self.debt.principal_cents - self.discount_on_principal_cents

    @property
    def charges_cents(self) -> int:
        """Charges kept after the discount (the agreement's ``charges_cents``)."""
        return self.debt.charges_cents - self.discount_on_charges_cents

    @property
    def parcels(self) -> tuple[PlannedInstallment, ...]:
        return tuple(p for p in self.schedule if p.number > 0)

    @property
    def discount_bp(self) -> int:
        """The discount as a share of the chosen debt (basis points, rounded up: a limit of 10 %
        is passed by R$ 0,01 over it)."""
        if self.debt.total_cents == 0:
            return 0
        return -(-self.discount_cents * 10_000 // self.debt.total_cents)


def split_discount(discount_cents: int, debt: DebtTotals) -> tuple[int, int]:
    """(on charges, on principal): the charges are forgiven first."""
    on_charges = min(discount_cents, debt.charges_cents)
    return on_charges, discount_cents - on_charges


def compute(
    origin: Sequence[OriginLine], terms: AgreementTerms, as_of: date, calendar: BusinessCalendar
) -> AgreementPlan:
    """The acordo for ``origin`` with validated ``terms`` (see ``validate``)."""
    debt = debt_of(origin)
    on_charges, on_principal = split_discount(terms.discount_cents, debt)
    total = debt.total_cents - terms.discount_cents
    schedule = plan(
        total,
        terms.down_payment_cents,
        terms.count,
        terms.first_due,
        calendar,
        down_payment_due=as_of,
    )
    return AgreementPlan(
        as_of=as_of,
        origin=tuple(origin),
        debt=debt,
        discount_on_charges_cents=on_charges,
        discount_on_principal_cents=on_principal,
        down_payment_cents=terms.down_payment_cents,
        count=terms.count,
        first_due=terms.first_due,
        schedule=tuple(schedule),
    )


def validate(form: AgreementForm, origin: Sequence[OriginLine], today: date) -> AgreementTerms:
    """Typed terms for ``origin`` (already resolved from ``form.installment_ids``), or one
    ValidationError listing every field to fix, in pt-BR."""
    errors: list[FieldError] = []
    if not origin:
        errors.append(
            FieldError("installment_ids", "Parcelas: escolha ao menos uma parcela em aberto.")
        )
    debt = debt_of(origin).total_cents
    discount = money_in_form(form.discount, "discount", LABELS["discount"], errors)
    if origin and discount >= debt:
        errors.append(
            FieldError(
                "discount",
                f"Desconto: {format_brl(discount)} precisa ser menor que a dívida atualizada "
                f"({format_brl(debt)}); perdoar tudo não é um acordo.",
            )
        )
    total = debt - discount
    down = money_in_form(form.down_payment, "down_payment", LABELS["down_payment"], errors)
    if origin and down and discount < debt and down >= total:
        errors.append(
            FieldError(
                "down_payment",
                f"Entrada: {format_brl(down)} não pode ser igual ou maior que o total do acordo "
                f"({format_brl(total)}); para pagar tudo de uma vez, receba o pagamento.",
            )
        )
    parsed_count = parse_int(form.count)
    count = parsed_count or 0
    if parsed_count is None:
        errors.append(FieldError("count", "Número de parcelas: informe um número inteiro, como 6."))
    else:
        if not 1 <= count <= MAX_INSTALLMENTS:
            errors.append(
                FieldError("count", f"Número de parcelas: use de 1 a {MAX_INSTALLMENTS}.")
            )
        elif origin and total > 0 and total - down < count:
            errors.append(
                FieldError(
                    "count", "Número de parcelas: cada parcela precisa de pelo menos R$ 0,01."
                )
            )
    first_due = today
    parsed = parse_date(form.first_due, "first_due", LABELS["first_due"])
    if isinstance(parsed, FieldError):
        errors.append(parsed)
    elif parsed < today:
        errors.append(FieldError("first_due", "Primeiro vencimento: não pode ser antes de hoje."))
    elif parsed > today + timedelta(days=MAX_FIRST_DUE_DAYS):
        errors.append(
            FieldError(
                "first_due",
                f"Primeiro vencimento: use uma data em até {MAX_FIRST_DUE_DAYS} dias a partir "
                "de hoje.",
            )
        )
    else:
        first_due = parsed
    problem = limits.text_problem(form.notes or "", "Observações", limits.NOTE)
    if problem is not None:
        errors.append(FieldError("notes", problem))
    if errors:
        raise ValidationError(errors)
    return AgreementTerms(discount, down, count, first_due, (form.notes or "").strip())


@dataclass(frozen=True)
class AgreementOption:
    """One column of "compare options" (a patient chooses among options)."""

    key: str
    title: str
    hint: str
    plan: AgreementPlan


def options(
    origin: Sequence[OriginLine], terms: AgreementTerms, as_of: date, calendar: BusinessCalendar
) -> list[AgreementOption]:
    """The plan as typed, and the usual alternatives for the same debt and discount:
    a new due date (everything on the first due date, one parcela) and smaller parcelas (twice
    as many, up to the contracts' maximum). Alternatives equal to the typed plan are left out."""

    def with_count(count: int) -> AgreementPlan:
        fitted = min(count, MAX_INSTALLMENTS, total - terms.down_payment_cents)
        return compute(
            origin,
            AgreementTerms(
                terms.discount_cents, terms.down_payment_cents, max(1, fitted), terms.first_due
            ),
            as_of,
            calendar,
        )

    total = debt_of(origin).total_cents - terms.discount_cents
    typed = compute(origin, terms, as_of, calendar)
    found = [
        AgreementOption(
            "nova_data", "Nova data", "tudo em uma parcela no primeiro vencimento", with_count(1)
        ),
        AgreementOption("proposta", f"{terms.count}× (proposta)", "como digitado", typed),
        AgreementOption(
            "parcelas_menores",
            "Parcelas menores",
            "o dobro de parcelas, cada uma menor",
            with_count(terms.count * 2),
        ),
    ]
    result: list[AgreementOption] = []
    for option in found:
        if option.key != "proposta" and option.plan.count == terms.count:
            continue
        result.append(option)
    return result


# --- a broken agreement ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlanInstallment:
    """A parcela of the contract an acordo created, as far as "broken" needs it."""

    effective_due_date: date
    settled_on: date | None


def broken_on(installments: Sequence[PlanInstallment], as_of: date) -> date | None:
    """The day the acordo became "não cumprido" (a parcela more than ``BROKEN_AFTER_DAYS``
    overdue), if that day is not after ``as_of``; ``None`` while it is kept."""
    days: list[date] = []
    for inst in installments:
        breaks = inst.effective_due_date + timedelta(days=BROKEN_AFTER_DAYS + 1)
        if breaks <= as_of and (inst.settled_on is None or inst.settled_on >= breaks):
            days.append(breaks)
    return min(days) if days else None


# --- what the screens and the CLI read ------------------------------------------------------

# A proposta above the clinic's discount limit, not approved yet: shown as a status of its own.
AWAITING_APPROVAL = "awaiting_approval"

STATUS_LABELS: dict[str, str] = {
    AgreementStatus.PROPOSED: "proposta",
    AWAITING_APPROVAL: "aguardando aprovação do gestor",
    AgreementStatus.ACCEPTED: "aceito",
    AgreementStatus.BROKEN: "não cumprido",
    AgreementStatus.CANCELLED: "cancelado",
}


@dataclass(frozen=True)
class OriginItem:
    """One original installment as the acordo recorded it (values on the acordo's date)."""

    installment_id: int
    contract_id: int
    label: str
    due_date: date
    days_late: int
    principal_cents: int
    fine_cents: int
    interest_cents: int
    correction_cents: int
    total_cents: int


@dataclass(frozen=True)
class ScheduleItem:
    number: int  # 0 = entrada
    due_date: date
    effective_due_date: date
    amount_cents: int


@dataclass(frozen=True)
class AgreementView:
    id: int
    patient_id: int
    patient_name: str
    debtor_id: int  # who confesses the debt: the responsável financeiro, or the patient
    debtor_name: str
    status: AgreementStatus
    needs_approval: bool  # above the clinic's discount limit and not approved yet
    as_of: date
    principal_cents: int  # chosen debt, open principal
    fine_cents: int
    interest_cents: int
    correction_cents: int
    discount_on_charges_cents: int
    discount_on_principal_cents: int
    down_payment_cents: int
    count: int
    first_due: date
    origin: tuple[OriginItem, ...]
    schedule: tuple[ScheduleItem, ...]
    contract_id: int | None  # the contract of the new plan, once accepted
    accepted_on: date | None
    broken_on: date | None
    created_by: str
    approved_by: str
    notes: str

    @property
    def charges_cents(self) -> int:
        return self.fine_cents + self.interest_cents + self.correction_cents

    @property
    def debt_cents(self) -> int:
        return self.principal_cents + self.charges_cents

    @property
    def discount_cents(self) -> int:
        return self.discount_on_charges_cents + self.discount_on_principal_cents

    @property
    def total_cents(self) -> int:
        return self.debt_cents - self.discount_cents

    @property
    def folded_charges_cents(self) -> int:
        """Charges confessed into the new plan, which earn no new juros."""
        return folded_charges_cents(self.charges_cents, self.discount_on_charges_cents)

    @property
    def status_key(self) -> str:
        return AWAITING_APPROVAL if self.needs_approval else self.status

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status_key, self.status_key)


@dataclass(frozen=True)
class OpenInstallment:
    """An installment the acordo dialog offers: open, with its updated amount today."""

    origin: OriginLine
    patient_name: str  # whose treatment (the patient's or a dependent's contract)

    @property
    def line(self) -> DebtLine:
        return self.origin.line
