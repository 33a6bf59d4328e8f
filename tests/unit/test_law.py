"""One named test per rule of app/domain/law.py and schedule.py (the limits cite their law)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.adapters.business_days import business_calendar
from app.domain import law
from app.domain.law import (
    ChargePolicy,
    CorrectionTable,
    InstallmentLedger,
    InstallmentTerms,
    Settlement,
    Status,
    allocate,
    updated_debt,
)
from app.domain.schedule import add_months, plan
from app.errors import FieldError

POLICY = ChargePolicy(fine_bp=200, interest_monthly_bp=100)
SP = business_calendar("SP")


def terms(amount: int = 10_000, due: date = date(2026, 2, 2), number: int = 1) -> InstallmentTerms:
    return InstallmentTerms(number, due, SP.next_business_day(due), amount, key=number)


# --- limits ------------------------------------------------------------------------------


def test_fine_above_two_percent_is_refused() -> None:
    error = law.check_fine_bp(250)
    assert error is not None and "art. 52 §1" in error.message and error.field == "fine_percent"


def test_fine_of_exactly_two_percent_is_allowed() -> None:
    assert law.check_fine_bp(200) is None


def test_negative_rates_are_refused() -> None:
    assert law.check_fine_bp(-1) == FieldError(
        "fine_percent", "Multa: o percentual não pode ser negativo."
    )
    assert law.check_interest_monthly_bp(-1) == FieldError(
        "interest_monthly_percent", "Juros de mora: o percentual não pode ser negativo."
    )
    assert law.check_punctuality_discount_bp(-1) == FieldError(
        "punctuality_discount_percent",
        "Desconto por pontualidade: o percentual não pode ser negativo.",
    )
    assert law.check_fine_bp(0) is None  # zero is "no multa", not a negative rate


def test_interest_above_one_percent_a_month_is_refused() -> None:
    error = law.check_interest_monthly_bp(101)
    assert error is not None and "22.626" in error.message


def test_interest_of_one_percent_a_month_is_allowed() -> None:
    assert law.check_interest_monthly_bp(100) is None


def test_punctuality_discount_above_ten_percent_is_refused() -> None:
    assert law.check_punctuality_discount_bp(1000) is None
    error = law.check_punctuality_discount_bp(1001)
    assert error is not None and "multa disfarçada" in error.message


# --- updated debt ------------------------------------------------------------------------


def test_hand_computation_45_days_late() -> None:
    # R$ 100,00 due 02/02/2026, on 19/03/2026: multa 2 % = 2,00; juros 1 % a.m. × 45/30 = 1,50.
    line = updated_debt(terms(), (), date(2026, 3, 19), POLICY)
    assert line.days_late == 45
    assert (line.fine_cents, line.interest_cents, line.total_cents) == (200, 150, 10_350)
    assert line.status is Status.VENCIDO


def test_fine_is_capped_at_two_percent_and_charged_once() -> None:
    month_late = updated_debt(terms(), (), date(2026, 3, 4), POLICY)
    year_late = updated_debt(terms(), (), date(2027, 2, 2), POLICY)
    assert month_late.fine_cents == year_late.fine_cents == 200


def test_interest_is_simple_pro_rata_die() -> None:
    one_day = updated_debt(terms(amount=300_000), (), date(2026, 2, 3), POLICY)
    assert one_day.interest_cents == 100  # 3.000,00 × 1 % / 30
    ninety = updated_debt(terms(amount=300_000), (), date(2026, 5, 3), POLICY)
    assert ninety.interest_cents == 9_000  # no interest on interest: 3 × 30,00


def test_interest_starts_the_day_after_the_effective_due_date() -> None:
    on_due = updated_debt(terms(), (), date(2026, 2, 2), POLICY)
    assert (on_due.days_late, on_due.fine_cents, on_due.interest_cents) == (0, 0, 0)
    assert on_due.status is Status.A_VENCER


def test_payment_on_next_business_day_after_holiday_is_not_late() -> None:
    # 21/04/2026 is Tiradentes (national holiday): due moves to 22/04.
    t = terms(due=date(2026, 4, 21))
    assert t.effective_due_date == date(2026, 4, 22)
    paid = Settlement(date(2026, 4, 22), principal_cents=10_000)
    line = updated_debt(t, (paid,), date(2026, 5, 30), POLICY)
    assert line.status is Status.PAGO and line.total_cents == 0


def test_due_date_on_a_weekend_moves_to_monday() -> None:
    assert SP.next_business_day(date(2026, 5, 2)) == date(2026, 5, 4)  # Saturday → Monday


def test_state_holiday_and_bank_closing_days_move_the_due_date() -> None:
    assert not SP.is_business_day(date(2026, 7, 9))  # Revolução Constitucionalista (SP)
    assert business_calendar("RJ").is_business_day(date(2026, 7, 9))
    assert not SP.is_business_day(date(2026, 2, 16))  # Carnaval: banks closed
    assert not SP.is_business_day(date(2026, 12, 31))  # no bank service on 31/12


def test_late_partial_payment_settles_charges_before_principal() -> None:
    # CC art. 354: juros first, then capital.
    ledger = InstallmentLedger(terms())
    result = allocate(5_000, date(2026, 3, 19), [ledger], POLICY)
    [(_, s)] = result.lines
    assert (s.interest_cents, s.fine_cents, s.principal_cents) == (150, 200, 4_650)


def test_after_a_late_partial_payment_interest_runs_only_on_what_remains() -> None:
    # 30 days late: 1,00 of interest and 2,00 of fine, both paid with 46,50 of principal.
    s1 = Settlement(date(2026, 3, 4), principal_cents=4_650, fine_cents=200, interest_cents=100)
    line = updated_debt(terms(), (s1,), date(2026, 4, 3), POLICY)
    assert line.fine_cents == 0  # the fine was paid, and is charged only once
    assert line.interest_cents == 54  # 53,50 × 1 % × 30/30 = 0,535, rounded half-up
    assert line.status is Status.PARCIAL


def test_correction_by_index_accrues_per_whole_month() -> None:
    table = CorrectionTable({date(2026, 2, 1): 50, date(2026, 3, 1): 100})
    policy = ChargePolicy(fine_bp=0, interest_monthly_bp=0, correction=table)
    line = updated_debt(terms(), (), date(2026, 4, 10), policy)
    assert line.correction_cents == 151  # 100,00 × (1,005 × 1,01 − 1) = 1,505 → 1,51
    assert table.missing_months(date(2026, 2, 2), date(2026, 5, 1)) == [date(2026, 4, 1)]


def test_punctuality_discount_only_by_the_due_date() -> None:
    policy = ChargePolicy(punctuality_discount_bp=500)
    before = updated_debt(terms(), (), date(2026, 2, 2), policy)
    after = updated_debt(terms(), (), date(2026, 2, 3), policy)
    assert (before.discount_cents, before.total_cents) == (500, 9_500)
    assert after.discount_cents == 0


def test_punctuality_discount_is_granted_when_the_payment_settles_on_time() -> None:
    policy = ChargePolicy(punctuality_discount_bp=500)
    result = allocate(9_500, date(2026, 2, 1), [InstallmentLedger(terms())], policy)
    [(_, s)] = result.lines
    assert (s.principal_cents, s.discount_cents, s.money_cents) == (10_000, 500, 9_500)
    short = allocate(9_000, date(2026, 2, 1), [InstallmentLedger(terms())], policy)
    assert short.lines[0][1].discount_cents == 0


def test_waived_charges_are_recorded_as_discount() -> None:
    result = allocate(
        10_000, date(2026, 3, 19), [InstallmentLedger(terms())], POLICY, waive_charges=True
    )
    [(_, s)] = result.lines
    assert (s.fine_cents, s.interest_cents, s.discount_cents, s.principal_cents) == (
        200,
        150,
        350,
        10_000,
    )


def test_allocation_goes_oldest_first_and_keeps_the_rest_as_credit() -> None:
    ledgers = [InstallmentLedger(terms(due=date(2026, 3, 2), number=2)), InstallmentLedger(terms())]
    result = allocate(25_000, date(2026, 1, 20), ledgers, POLICY)
    assert [t.number for t, _ in result.lines] == [1, 2]
    assert result.credit_cents == 5_000


def test_renegotiated_installment_owes_nothing_here() -> None:
    t = InstallmentTerms(1, date(2026, 2, 2), date(2026, 2, 2), 10_000, renegotiated=True)
    line = updated_debt(t, (), date(2026, 6, 1), POLICY)
    assert line.status is Status.RENEGOCIADO and line.total_cents == 0 and not line.is_open


def test_paid_late_status() -> None:
    paid = Settlement(date(2026, 2, 10), principal_cents=10_000, fine_cents=200, interest_cents=27)
    assert updated_debt(terms(), (paid,), date(2026, 3, 1), POLICY).status is Status.PAGO_COM_ATRASO


# --- plans -------------------------------------------------------------------------------


def test_plan_splits_exactly_with_entrada_and_month_ends() -> None:
    items = plan(100_000, 10_000, 3, date(2026, 1, 31), SP, down_payment_due=date(2026, 1, 10))
    assert [i.number for i in items] == [0, 1, 2, 3]
    assert [i.amount_cents for i in items] == [10_000, 30_000, 30_000, 30_000]
    assert items[2].due_date == date(2026, 2, 28)  # no 31st in February
    assert items[3].due_date == date(2026, 3, 31)
    assert sum(i.amount_cents for i in items) == 100_000


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1, 31) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3, 15) == date(2027, 2, 15)


# --- properties --------------------------------------------------------------------------

amounts = st.integers(min_value=1, max_value=5_000_000)
days = st.integers(min_value=-40, max_value=800)


@st.composite
def ledgers(draw: st.DrawFn) -> list[InstallmentLedger]:
    n = draw(st.integers(min_value=1, max_value=8))
    first = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 400)))
    result = []
    for i in range(n):
        due = add_months(first, i, first.day)
        amount = draw(amounts)
        settled = draw(st.integers(min_value=0, max_value=amount))
        settlements: tuple[Settlement, ...] = ()
        if settled:
            settlements = (
                Settlement(due - timedelta(days=draw(st.integers(0, 5))), principal_cents=settled),
            )
        result.append(
            InstallmentLedger(InstallmentTerms(i + 1, due, due, amount, key=i + 1), settlements)
        )
    return result


@settings(max_examples=300, deadline=None)
@given(
    ledgers(),
    st.integers(min_value=1, max_value=50_000_000),
    days,
    st.booleans(),
    st.integers(0, 200),
    st.integers(0, 100),
    st.integers(0, 1000),
)
def test_allocation_never_creates_or_loses_a_centavo(
    books: list[InstallmentLedger],
    amount: int,
    offset: int,
    waive: bool,
    fine: int,
    interest: int,
    discount: int,
) -> None:
    policy = ChargePolicy(
        fine_bp=fine, interest_monthly_bp=interest, punctuality_discount_bp=discount
    )
    paid_on = books[0].terms.effective_due_date + timedelta(days=offset)
    result = allocate(amount, paid_on, books, policy, waive_charges=waive)
    assert result.allocated_cents + result.credit_cents == amount
    assert result.credit_cents >= 0
    for ledger_terms, s in result.lines:
        ledger = next(b for b in books if b.terms.number == ledger_terms.number)
        before = updated_debt(ledger.terms, ledger.settlements, paid_on, policy)
        assert s.money_cents <= before.total_cents
        assert 0 <= s.principal_cents <= before.open_principal_cents
        assert min(s.fine_cents, s.interest_cents, s.correction_cents, s.discount_cents) >= 0


@settings(max_examples=200, deadline=None)
@given(ledgers(), days)
def test_paying_the_updated_total_settles_every_installment(
    books: list[InstallmentLedger], offset: int
) -> None:
    paid_on = books[0].terms.effective_due_date + timedelta(days=offset)
    total = sum(updated_debt(b.terms, b.settlements, paid_on, POLICY).total_cents for b in books)
    if total == 0:
        return
    result = allocate(total, paid_on, books, POLICY)
    assert result.credit_cents == 0
    by_number = {t.number: s for t, s in result.lines}
    for b in books:
        extra = (by_number[b.terms.number],) if b.terms.number in by_number else ()
        line = updated_debt(b.terms, (*b.settlements, *extra), paid_on, POLICY)
        assert line.total_cents == 0 and not line.is_open


@settings(max_examples=200, deadline=None)
@given(amounts, st.integers(0, 900))
def test_debt_never_decreases_while_nothing_is_paid(amount: int, late: int) -> None:
    t = terms(amount=amount)
    earlier = updated_debt(t, (), t.effective_due_date + timedelta(days=late), POLICY)
    later = updated_debt(t, (), t.effective_due_date + timedelta(days=late + 1), POLICY)
    assert later.total_cents >= earlier.total_cents >= amount
