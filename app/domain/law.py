"""What a clinic may charge a late patient, and how a payment is applied — one module, each rule
cited, each with a named test in ``tests/unit/test_law.py``.

Amounts are integer centavos; rates are integer basis points (1 % = 100 bp). Intermediate sums
are exact fractions, rounded half-up once per component at the end.

The same ``updated_debt`` feeds the patient screen, ``emdia debt``, messages, the PIX amount,
notifications, agreements and reports: there is no second formula anywhere.

Settlements: every allocation of a payment to an installment records what it *extinguished*
(principal, fine, interest, correction) and how much of that was forgiven rather than paid in
money (``discount_cents``: a punctuality discount or charges waived by the clinic).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple

from app.domain.catalog import ContractStatus
from app.domain.money import format_percent
from app.errors import FieldError

# --- limits ---------------------------------------------------------------------------------

# CDC art. 52 §1: the late fine on consumer credit may not exceed 2 % of the installment.
MAX_FINE_BP = 200

# Juros de mora convencionais between a clinic and a consumer: at most 1 % a.m., simple
# (Decreto 22.626/1933 "Lei de Usura" arts. 1 and 4, with CC arts. 406 and 591).
MAX_INTEREST_MONTHLY_BP = 100

# A punctuality discount is a commercial reward, not a disguised fine: kept modest so that losing
# it plus the 2 % fine cannot look like a penalty above the CDC cap (PROCON guidance).
MAX_PUNCTUALITY_DISCOUNT_BP = 1000

DEFAULT_FINE_BP = 200
DEFAULT_INTEREST_MONTHLY_BP = 100

# Interest runs per day of delay and the month counts as 30 days: 1 % a.m. is 1/30 % per
# calendar day (12 % a year, simple). That is a convention of the contract, which states it
# (docs/adr/0005-thirty-day-month.md); no law fixes the month's length — CC art. 406 sets the
# legal rate that applies when none was agreed, not how an agreed rate is counted per day.
DAYS_PER_MONTH = 30


def check_fine_bp(bp: int, field: str = "fine_percent") -> FieldError | None:
    if bp < 0:
        return FieldError(field, "Multa: o percentual não pode ser negativo.")
    if bp > MAX_FINE_BP:
        return FieldError(
            field,
            f"Multa: {format_percent(bp)} passa do máximo de {format_percent(MAX_FINE_BP)} "
            "permitido pelo Código de Defesa do Consumidor (art. 52 §1). Use até 2.",
        )
    return None


def check_interest_monthly_bp(
    bp: int, field: str = "interest_monthly_percent"
) -> FieldError | None:
    if bp < 0:
        return FieldError(field, "Juros de mora: o percentual não pode ser negativo.")
    if bp > MAX_INTEREST_MONTHLY_BP:
        return FieldError(
            field,
            f"Juros de mora: {format_percent(bp)} ao mês passa do máximo de "
            f"{format_percent(MAX_INTEREST_MONTHLY_BP)} ao mês (Lei de Usura, Decreto "
            "22.626/1933, e Código Civil arts. 406 e 591). Use até 1.",
        )
    return None


def check_punctuality_discount_bp(
    bp: int, field: str = "punctuality_discount_percent"
) -> FieldError | None:
    if bp < 0:
        return FieldError(field, "Desconto por pontualidade: o percentual não pode ser negativo.")
    if bp > MAX_PUNCTUALITY_DISCOUNT_BP:
        return FieldError(
            field,
            "Desconto por pontualidade: use no máximo "
            f"{format_percent(MAX_PUNCTUALITY_DISCOUNT_BP)} — um desconto maior, perdido no "
            "atraso, funciona como multa disfarçada.",
        )
    return None


# --- inputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorrectionTable:
    """Monthly variations of a price index (e.g. IPCA) in basis points, keyed by month start.

    CC art. 389 (Lei 14.905/2024): without another agreed index, debts are corrected by IPCA.

    A period of delay (from the day after ``start`` to ``end``) is corrected month by month: the
    month ``start`` falls in counts *pro rata* — only its days after ``start`` (3 days late
    carry 3/31 of January, not all of it) —, the months after it in full, and the month of
    ``end`` not at all (its index is published only the next month). A month missing from the
    table is not silently 0 %: it is listed by ``missing_months`` and every screen and document
    that shows the correction says so.
    """

    variations: Mapping[date, int] = field(default_factory=dict)

    def factor(self, start: date, end: date) -> Fraction:
        """Accumulated factor of the period: ``Π (1 + variation × days counted / days of the
        month)`` over the months it covers (a missing month counts 0 — see ``missing_months``)."""
        result = Fraction(1)
        for month, share in _month_shares(start, end):
            result *= 1 + Fraction(self.variations.get(month, 0), 10_000) * share
        return result

    def missing_months(self, start: date, end: date) -> list[date]:
        """The months the period needs and the table does not have."""
        return [m for m, _ in _month_shares(start, end) if m not in self.variations]


def _month_shares(start: date, end: date) -> Iterable[tuple[date, Fraction]]:
    """(month, share of it) for the months from ``start``'s up to ``end``'s (exclusive): the
    first month by its days after ``start``, the others whole."""
    year, month = start.year, start.month
    first = True
    while (year, month) < (end.year, end.month):
        length = calendar.monthrange(year, month)[1]
        days = length - start.day if first else length
        if days > 0:
            yield date(year, month, 1), Fraction(days, length)
        first = False
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


# The interest share of almost every contract (one object: ``updated_debt`` tells it by
# identity, without comparing Fractions for each installment).
WHOLE_SHARE = Fraction(1)


@dataclass(frozen=True)
class ChargePolicy:
    """The contract's terms for late payment (snapshotted from the clinic when signed).

    ``interest_share``: the part of each installment on which juros de mora run. 1 for a sale;
    for the plan of an acordo, the share of principal in it — the multa, juros and correção
    confessed and folded into the new parcelas earn no new juros (no interest on interest,
    Súmula 121 STF; ``interest_share_of``)."""

    fine_bp: int = DEFAULT_FINE_BP
    interest_monthly_bp: int = DEFAULT_INTEREST_MONTHLY_BP
    punctuality_discount_bp: int = 0
    correction: CorrectionTable | None = None
    interest_share: Fraction = WHOLE_SHARE


def interest_share_of(total_cents: int, interest_free_cents: int) -> Fraction:
    """The share of a plan that bears juros de mora when ``interest_free_cents`` of its total are
    charges already confessed (an acordo): ``(total − free) / total``, 1 without any."""
    if interest_free_cents <= 0 or total_cents <= 0:
        return WHOLE_SHARE
    return Fraction(max(0, total_cents - interest_free_cents), total_cents)


# ``NEW_TUPLE(SomeNamedTuple, fields)`` builds a named tuple from all its fields, in order, in C.
# A named tuple's own constructor is a Python function: one call more for each of the tens of
# thousands built when the overdue money is computed (about 5 % of Início at 20,000 patients,
# measured with the installments' terms and lines built either way). Only for those: the
# fields have no defaults here, and a field added to the class must be added to the call (the
# tests comparing the lines with ``_updated_debt``'s catch a missing one).
NEW_TUPLE = tuple.__new__


class InstallmentTerms(NamedTuple):
    """An installment as contracted (a named tuple: one per overdue installment is read each time
    the overdue money is computed)."""

    number: int
    due_date: date
    effective_due_date: date  # next business day: paying on it is not late
    amount_cents: int
    renegotiated: bool = False
    key: int = 0  # the caller's id for the installment (database id)


class Settlement(NamedTuple):
    """What one effective (not reversed) payment extinguished on one installment. (A named
    tuple, immutable: the overdue money reads one per allocation of every partly paid overdue
    installment — 32,000 at 80,000 patients — and a tuple is built about three times faster
    than a frozen dataclass.)"""

    paid_on: date
    principal_cents: int = 0
    fine_cents: int = 0
    interest_cents: int = 0
    correction_cents: int = 0
    discount_cents: int = 0  # part of the above forgiven, not paid in money

    @property
    def money_cents(self) -> int:
        return (
            self.principal_cents
            + self.fine_cents
            + self.interest_cents
            + self.correction_cents
            - self.discount_cents
        )


class Status(StrEnum):
    A_VENCER = "a_vencer"
    VENCIDO = "vencido"
    PARCIAL = "parcial"
    PAGO = "pago"
    PAGO_COM_ATRASO = "pago_com_atraso"
    RENEGOCIADO = "renegociado"


# Still to be paid (a tuple: membership is by identity here, and an overdue line is VENCIDO
# nine times in ten; a set would hash the member in Python each time).
_OPEN_STATUSES = (Status.VENCIDO, Status.A_VENCER, Status.PARCIAL)

STATUS_LABELS = {
    Status.A_VENCER: "a vencer",
    Status.VENCIDO: "vencido",
    Status.PARCIAL: "parcial",
    Status.PAGO: "pago",
    Status.PAGO_COM_ATRASO: "pago com atraso",
    Status.RENEGOCIADO: "renegociado",
}


class DebtLine(NamedTuple):
    """An installment's situation on ``as_of``: what is open and what it costs today.

    (A named tuple, immutable like the frozen dataclasses here: one is built for every overdue
    installment of the clinic each time the overdue money is computed, and a tuple is built
    about three times faster.)"""

    number: int
    due_date: date
    effective_due_date: date
    principal_cents: int  # as contracted
    paid_cents: int  # principal extinguished so far
    days_late: int
    fine_cents: int  # unpaid
    interest_cents: int  # unpaid
    correction_cents: int  # unpaid
    discount_cents: int  # punctuality discount available if paid today
    total_cents: int  # what settles it today
    status: Status
    settled_on: date | None
    key: int = 0
    # Months the correction index needed and the table lacks (first day of each): the
    # correction shown is partial until they are typed.
    correction_missing: tuple[date, ...] = ()

    @property
    def open_principal_cents(self) -> int:
        return self.principal_cents - self.paid_cents

    @property
    def charges_cents(self) -> int:
        return self.fine_cents + self.interest_cents + self.correction_cents

    @property
    def is_open(self) -> bool:
        return self.status in _OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.days_late > 0 and self.status in _OPEN_STATUSES


# --- the rules ----------------------------------------------------------------------------


_ZERO = Fraction(0)


def _round(value: Fraction) -> int:
    """Half-up rounding to the centavo (non-negative amounts)."""
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def _percent_of(cents: int, bp: int) -> int:
    """``cents × bp / 10,000`` rounded half-up, in exact integers (non-negative inputs)."""
    return (cents * bp + 5_000) // 10_000


def fine_for(open_principal_cents: int, fine_bp: int) -> int:
    """Multa: once per installment, on the principal unpaid at the due date (CDC art. 52 §1)."""
    return _percent_of(open_principal_cents, fine_bp)


_INTEREST_DENOMINATOR = 10_000 * DAYS_PER_MONTH


def interest_units(principal_cents: int, monthly_bp: int, days: int) -> int:
    """Juros de mora simples, pro rata die: principal × rate × days / 30 (the contract's 30-day
    month, ``DAYS_PER_MONTH``), in exact units of 1/300,000 centavo (sum them, then
    ``_round_units`` once)."""
    return principal_cents * monthly_bp * days


def interest_terms(monthly_bp: int) -> str:
    """The day count of the juros de mora, as the contract, the notificação and the confissão
    state it: ``1 % ao mês, simples, contados por dia corrido de atraso à razão de 1/30 da taxa
    mensal (0,0333 % ao dia): 12 % em 360 dias de atraso, 12,17 % em 365``."""
    if monthly_bp <= 0:
        return "sem juros de mora"
    daily = _round(Fraction(monthly_bp * 100, DAYS_PER_MONTH))  # 1/10,000 % per day
    daily_text = f"{daily // 10_000},{daily % 10_000:04d}"
    year_365 = Fraction(monthly_bp * 365, DAYS_PER_MONTH)  # basis points over 365 days
    return (
        f"{format_percent(monthly_bp)} ao mês, simples, contados por dia corrido de atraso à "
        f"razão de 1/{DAYS_PER_MONTH} da taxa mensal ({daily_text} % ao dia): "
        f"{format_percent(monthly_bp * 12)} em 360 dias de atraso, "
        f"{format_percent(_round(year_365))} em 365"
    )


def _round_units(units: int) -> int:
    return (units + _INTEREST_DENOMINATOR // 2) // _INTEREST_DENOMINATOR


def punctuality_discount_for(open_principal_cents: int, discount_bp: int) -> int:
    """Desconto por pontualidade on what is still open, for paying by the due date."""
    return _percent_of(open_principal_cents, discount_bp)


def updated_debt(
    terms: InstallmentTerms,
    settlements: Sequence[Settlement],
    as_of: date,
    policy: ChargePolicy,
) -> DebtLine:
    """Updated debt of one installment on ``as_of``:
    principal − paid + multa (once) + juros (days late) + correção − what was already settled.

    Interest runs from the day after the effective due date on the principal still open in each
    period between payments; a late payment settles charges before principal (CC art. 354), so
    after it interest runs only on what remains.
    """
    due = terms.effective_due_date
    if (
        not settlements
        and as_of > due
        and policy.correction is None
        and policy.interest_share is WHOLE_SHARE
        and terms.amount_cents > 0
        and not terms.renegotiated
    ):
        return _late_untouched(terms, (as_of - due).days, policy)
    return _updated_debt(terms, settlements, as_of, policy)


def _late_untouched(terms: InstallmentTerms, days: int, policy: ChargePolicy) -> DebtLine:
    """``updated_debt`` of an installment ``days`` late with nothing paid on it, under a policy
    without correction index on a whole interest share: what nine in ten overdue installments
    of a clinic are. The rules are the same (multa on the whole principal, juros on it for
    every day late, nothing settled, no discount after the due date); this only leaves out the
    settlements' loop, the correction and the share (``_updated_debt`` is the whole
    computation; a property test holds the two equal)."""
    amount = terms.amount_cents
    fine = fine_for(amount, policy.fine_bp)
    interest = _round_units(interest_units(amount, policy.interest_monthly_bp, days))
    # Every field, in order, built in C (``NEW_TUPLE``): this runs once per overdue installment.
    fields = (
        terms.number,
        terms.due_date,
        terms.effective_due_date,
        amount,
        0,
        days,
        fine,
        interest,
        0,
        0,
        amount + fine + interest,
        Status.VENCIDO,
        None,
        terms.key,
        (),
    )
    return NEW_TUPLE(DebtLine, fields)


def _updated_debt(
    terms: InstallmentTerms,
    settlements: Sequence[Settlement],
    as_of: date,
    policy: ChargePolicy,
) -> DebtLine:
    """``updated_debt``, every case."""
    due = terms.effective_due_date
    # One pass over the settlements made by ``as_of`` (this runs for every overdue installment
    # of the clinic when the worklist is built: one loop instead of a generator per sum).
    principal_paid = fine_paid = interest_paid = correction_paid = principal_by_due = 0
    last_paid_on: date | None = None
    late_settlements: list[Settlement] = []
    for st in settlements:
        if st.paid_on > as_of:
            continue
        principal_paid += st.principal_cents
        fine_paid += st.fine_cents
        interest_paid += st.interest_cents
        correction_paid += st.correction_cents
        if last_paid_on is None or st.paid_on > last_paid_on:
            last_paid_on = st.paid_on
        if st.paid_on <= due:
            principal_by_due += st.principal_cents
        else:
            late_settlements.append(st)
    open_principal = terms.amount_cents - principal_paid
    settled_on = last_paid_on if open_principal <= 0 else None

    fine_accrued = 0
    interest_accrued = 0
    correction_accrued = _ZERO  # exact Fraction; only added to with a correction index
    missing: set[date] = set()
    principal_at_due = terms.amount_cents - principal_by_due
    if as_of > due and principal_at_due > 0:
        fine_accrued = fine_for(principal_at_due, policy.fine_bp)
        balance, since = principal_at_due, due
        if len(late_settlements) > 1:
            late_settlements.sort(key=lambda s: s.paid_on)
        for s in [*late_settlements, None]:
            until = as_of if s is None else s.paid_on
            if balance > 0 and until > since:
                days = (until - since).days
                interest_accrued += interest_units(balance, policy.interest_monthly_bp, days)
                if policy.correction is not None:
                    factor = policy.correction.factor(since, until)
                    correction_accrued += balance * (factor - 1)
                    missing.update(policy.correction.missing_months(since, until))
            if s is not None:
                balance -= s.principal_cents
                since = until

    # (Conditional expressions instead of max(0, …): this runs for every overdue installment.)
    fine = fine_accrued - fine_paid if fine_accrued > fine_paid else 0
    share = policy.interest_share
    if share is not WHOLE_SHARE and share != 1:
        interest_accrued = _round(Fraction(interest_accrued, _INTEREST_DENOMINATOR) * share)
    else:
        interest_accrued = _round_units(interest_accrued)
    interest = interest_accrued - interest_paid if interest_accrued > interest_paid else 0
    # Without an index the accrued correction is exactly 0: skip the Fraction rounding.
    correction_total = _round(correction_accrued) if policy.correction is not None else 0
    correction = correction_total - correction_paid if correction_total > correction_paid else 0
    days_late = (as_of - due).days if open_principal > 0 and as_of > due else 0
    discount = 0
    if open_principal > 0 and as_of <= due and policy.punctuality_discount_bp:
        discount = punctuality_discount_for(open_principal, policy.punctuality_discount_bp)

    if terms.renegotiated:
        status = Status.RENEGOCIADO
    elif open_principal <= 0:
        late = settled_on is not None and settled_on > due
        status = Status.PAGO_COM_ATRASO if late else Status.PAGO
    elif principal_paid > 0:
        status = Status.PARCIAL
    elif as_of > due:
        status = Status.VENCIDO
    else:
        status = Status.A_VENCER

    owed = (
        0
        if terms.renegotiated
        else (open_principal if open_principal > 0 else 0) + fine + interest + correction
    )
    return DebtLine(
        number=terms.number,
        due_date=terms.due_date,
        effective_due_date=due,
        principal_cents=terms.amount_cents,
        paid_cents=principal_paid,
        days_late=0 if terms.renegotiated else days_late,
        fine_cents=0 if terms.renegotiated else fine,
        interest_cents=0 if terms.renegotiated else interest,
        correction_cents=0 if terms.renegotiated else correction,
        discount_cents=0 if terms.renegotiated else discount,
        total_cents=owed - (0 if terms.renegotiated else discount),
        status=status,
        settled_on=settled_on,
        key=terms.key,
        correction_missing=tuple(sorted(missing)) if open_principal > 0 else (),
    )


def missing_index_months(lines: Iterable[DebtLine]) -> tuple[date, ...]:
    """Every month of the correction index that these lines needed and nobody typed."""
    return tuple(sorted({m for line in lines for m in line.correction_missing}))


def correction_partial_text(missing: Sequence[date]) -> str:
    """What the debt screen, ``emdia debt`` and the documents say while index months are
    missing: the correction shown is partial — never a silent 0 %."""
    months = ", ".join(f"{m:%m/%Y}" for m in missing)
    which = "faltam os índices de" if len(missing) > 1 else "falta o índice de"
    return (
        f"Correção monetária parcial: {which} {months}, que não foram aplicados (digite-os "
        "em Configurações → Cobrança ou com `emdia index set`)."
    )


# --- applying a payment -------------------------------------------------------------------


@dataclass(frozen=True)
class InstallmentLedger:
    """An installment with the settlements of its effective payments so far."""

    terms: InstallmentTerms
    settlements: tuple[Settlement, ...] = ()


@dataclass(frozen=True)
class Allocation:
    lines: tuple[tuple[InstallmentTerms, Settlement], ...]
    credit_cents: int  # money left over after every open installment was settled
    chosen: int | None = None  # the installment the debtor named (CC art. 352), if any

    @property
    def allocated_cents(self) -> int:
        return sum(s.money_cents for _, s in self.lines)


def imputation_order(
    ledgers: Sequence[InstallmentLedger], chosen: int | None = None
) -> list[InstallmentLedger]:
    """The order a payment settles the installments in.

    The debtor may say which installment they are paying (CC art. 352): that one comes first.
    When they said nothing, the oldest first — by effective due date, then number (CC art. 355:
    the debt due first). What is left after the named installment goes on to the others oldest
    first: the debtor named only that one, so for the rest art. 355 applies (to keep the rest
    apart, the desk registers two payments)."""
    ordered = sorted(ledgers, key=lambda ld: (ld.terms.effective_due_date, ld.terms.number))
    if chosen is None:
        return ordered
    named = [ld for ld in ordered if ld.terms.number == chosen]
    return named + [ld for ld in ordered if ld.terms.number != chosen]


def choice_problem(
    chosen: int, paid_on: date, ledgers: Sequence[InstallmentLedger], policy: ChargePolicy
) -> FieldError | None:
    """Why the installment the debtor named cannot take this payment (pt-BR), or None: it must
    exist in the contract and still be open (not paid, not replaced by an acordo)."""
    name = "a entrada" if chosen == 0 else f"a parcela {chosen}"
    ledger = next((ld for ld in ledgers if ld.terms.number == chosen), None)
    if ledger is None:
        numbers = ", ".join(str(ld.terms.number) for ld in ledgers)
        return FieldError(
            "installment", f"Parcela indicada: o contrato não tem {name} (parcelas: {numbers})."
        )
    if ledger.terms.renegotiated:
        return FieldError(
            "installment", f"Parcela indicada: {name} foi renegociada em acordo; pague o acordo."
        )
    if not updated_debt(ledger.terms, ledger.settlements, paid_on, policy).is_open:
        return FieldError(
            "installment",
            f"Parcela indicada: {name} já está paga; deixe em branco para as mais antigas "
            "primeiro.",
        )
    return None


def allocate(
    amount_cents: int,
    paid_on: date,
    ledgers: Sequence[InstallmentLedger],
    policy: ChargePolicy,
    *,
    waive_charges: bool = False,
    chosen: int | None = None,
) -> Allocation:
    """Apply a payment: the installment the debtor named first (``chosen``, CC art. 352), else
    oldest installment first (``imputation_order``, CC art. 355).

    On each installment charges go before principal — interest, then fine, then correction —
    (CC art. 354: "primeiro nos juros vencidos, e depois no capital"); a punctuality discount is
    granted only when the payment settles the installment by its due date; ``waive_charges``
    forgives the charges (recorded as discount, never silently). Whatever is left is credit.
    Never creates or loses a centavo: ``allocated_cents + credit_cents == amount_cents``.
    """
    if amount_cents <= 0:
        raise ValueError("amount must be positive")
    remaining = amount_cents
    lines: list[tuple[InstallmentTerms, Settlement]] = []
    for ledger in imputation_order(ledgers, chosen):
        if remaining <= 0:
            break
        if ledger.terms.renegotiated:
            continue
        debt = updated_debt(ledger.terms, ledger.settlements, paid_on, policy)
        if not debt.is_open:
            continue
        paid: dict[str, int] = {"interest": 0, "fine": 0, "correction": 0}
        discount = 0
        for name, due_amount in (
            ("interest", debt.interest_cents),
            ("fine", debt.fine_cents),
            ("correction", debt.correction_cents),
        ):
            if waive_charges:
                paid[name] = due_amount
                discount += due_amount
            else:
                paid[name] = min(remaining, due_amount)
                remaining -= paid[name]
        principal = 0
        open_principal = debt.open_principal_cents
        if debt.discount_cents and remaining >= open_principal - debt.discount_cents:
            principal = open_principal
            discount += debt.discount_cents
            remaining -= open_principal - debt.discount_cents
        else:
            principal = min(remaining, open_principal)
            remaining -= principal
        settlement = Settlement(
            paid_on=paid_on,
            principal_cents=principal,
            fine_cents=paid["fine"],
            interest_cents=paid["interest"],
            correction_cents=paid["correction"],
            discount_cents=discount,
        )
        if settlement.money_cents or discount:
            lines.append((ledger.terms, settlement))
    return Allocation(lines=tuple(lines), credit_cents=remaining, chosen=chosen)


def contract_debt(
    ledgers: Sequence[InstallmentLedger], as_of: date, policy: ChargePolicy
) -> list[DebtLine]:
    return [updated_debt(ld.terms, ld.settlements, as_of, policy) for ld in ledgers]


# --- what the payments add up to (re-read after each payment and estorno; test_reversals.py) --


@dataclass(frozen=True)
class Standing:
    """An installment's principal paid so far and the day it was fully paid (None while open)."""

    paid_cents: int
    settled_on: date | None


def standing(ledger: InstallmentLedger) -> Standing:
    """Recomputed from the settlements of the effective payments after every payment and every
    estorno, never adjusted by hand: a reversed payment's settlements are gone, so what it had
    paid is open again. Fully paid on the day of the last settlement."""
    paid = sum(s.principal_cents for s in ledger.settlements)
    done = bool(ledger.settlements) and paid >= ledger.terms.amount_cents
    return Standing(paid, max(s.paid_on for s in ledger.settlements) if done else None)


def all_settled(ledgers: Iterable[InstallmentLedger]) -> bool:
    """Nothing left to pay: every installment fully paid or replaced by an acordo."""
    return all(ld.terms.renegotiated or standing(ld).settled_on is not None for ld in ledgers)


def contract_status(
    current: ContractStatus, ledgers: Sequence[InstallmentLedger]
) -> ContractStatus:
    """An active contract with nothing left to pay is settled; a settled one with an installment
    open again (an estorno) is active again. Renegotiated and cancelled contracts keep theirs."""
    if current not in (ContractStatus.ACTIVE, ContractStatus.SETTLED):
        return current
    return ContractStatus.SETTLED if all_settled(ledgers) else ContractStatus.ACTIVE
