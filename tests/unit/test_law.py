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


def test_correction_counts_the_due_month_pro_rata_and_the_following_months_in_full() -> None:
    table = CorrectionTable({date(2026, 2, 1): 50, date(2026, 3, 1): 100})
    policy = ChargePolicy(fine_bp=0, interest_monthly_bp=0, correction=table)
    line = updated_debt(terms(), (), date(2026, 4, 10), policy)
    # Due 02/02: February counts its 26 days after the due date (of 28), March in full, April
    # (the month asked, index not yet published) not at all:
    # 100,00 × ((1 + 0,5 % × 26/28) × 1,01 − 1) = 1,4689 → 1,47
    assert line.correction_cents == 147
    assert line.correction_missing == ()


def test_three_days_late_do_not_carry_the_whole_month_of_correction() -> None:
    table = CorrectionTable({date(2026, 1, 1): 310})
    policy = ChargePolicy(fine_bp=0, interest_monthly_bp=0, correction=table)
    due = date(2026, 1, 28)
    line = updated_debt(InstallmentTerms(1, due, due, 10_000), (), date(2026, 2, 5), policy)
    assert line.correction_cents == 30  # 100,00 × 3,10 % × 3/31 = 0,30 (not 3,10)


def test_a_correction_month_never_typed_is_listed_not_silently_zero() -> None:
    table = CorrectionTable({date(2026, 2, 1): 50})
    policy = ChargePolicy(fine_bp=0, interest_monthly_bp=0, correction=table)
    line = updated_debt(terms(), (), date(2026, 5, 10), policy)
    assert line.correction_missing == (date(2026, 3, 1), date(2026, 4, 1))
    assert table.missing_months(date(2026, 2, 2), date(2026, 5, 1)) == [
        date(2026, 3, 1),
        date(2026, 4, 1),
    ]
    on_time = updated_debt(terms(), (), date(2026, 2, 1), policy)
    assert law.missing_index_months([line, on_time]) == (date(2026, 3, 1), date(2026, 4, 1))
    paid = updated_debt(terms(), (Settlement(date(2026, 2, 2), 10_000),), date(2026, 5, 1), policy)
    assert paid.correction_missing == ()  # nothing open: nothing to correct


def test_the_day_count_of_the_juros_is_stated_per_day_and_per_year() -> None:
    """The 30-day month is the contract's convention, not a law: the documents spell it out."""
    assert law.interest_terms(100) == (
        "1 % ao mês, simples, contados por dia corrido de atraso à razão de 1/30 da taxa "
        "mensal (0,0333 % ao dia): 12 % em 360 dias de atraso, 12,17 % em 365"
    )
    assert law.interest_terms(50).endswith(
        "(0,0167 % ao dia): 6 % em 360 dias de atraso, 6,08 % em 365"
    )
    assert law.interest_terms(0) == "sem juros de mora"


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


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=50_000_000),
    st.integers(min_value=-60, max_value=4_000),
    st.integers(0, 200),
    st.integers(0, 100),
    st.integers(0, 1000),
    st.booleans(),
    st.sampled_from([law.WHOLE_SHARE, law.Fraction(1), law.Fraction(2, 3)]),
)
def test_an_installment_nobody_paid_costs_what_the_whole_computation_says(
    amount: int,
    late: int,
    fine: int,
    interest: int,
    discount: int,
    renegotiated: bool,
    share: object,
) -> None:
    """``updated_debt`` answers the late, untouched installment (no payment, no correction index,
    the whole share) without its settlements' loop: the same line as the whole computation,
    on every day around the due date and for any terms."""
    policy = ChargePolicy(
        fine_bp=fine,
        interest_monthly_bp=interest,
        punctuality_discount_bp=discount,
        interest_share=share,  # type: ignore[arg-type]
    )
    t = terms(amount=amount)._replace(renegotiated=renegotiated)
    on = t.effective_due_date + timedelta(days=late)
    assert updated_debt(t, (), on, policy) == law._updated_debt(t, (), on, policy)


def test_the_untouched_installments_answer_is_the_rules_own() -> None:
    """The shortcut changes no figure of the hand computation (multa 2 %, juros 1 % a.m. pro
    rata die) and leaves the other cases to the whole computation."""
    on = date(2026, 3, 19)
    assert law._late_untouched(terms(), 45, POLICY) == law._updated_debt(terms(), (), on, POLICY)
    assert law._late_untouched(terms(), 45, POLICY).total_cents == 10_350
    partly = (Settlement(date(2026, 3, 1), principal_cents=5_000),)
    assert updated_debt(terms(), partly, on, POLICY).status is Status.PARCIAL


# --- the debtor's choice of installment (CC arts. 352-355) -----------------------------------


def three_parcels() -> list[InstallmentLedger]:
    return [
        InstallmentLedger(InstallmentTerms(n, due, due, 10_000, key=n))
        for n, due in ((1, date(2026, 1, 5)), (2, date(2026, 2, 5)), (3, date(2026, 3, 5)))
    ]


def test_a_payment_naming_an_installment_settles_that_one_first() -> None:
    # Paying exactly parcela 3 (not yet due on 01/03: 100,00) must not go to parcela 1.
    result = allocate(10_000, date(2026, 3, 1), three_parcels(), POLICY, chosen=3)
    assert [(t.number, s.principal_cents) for t, s in result.lines] == [(3, 10_000)]
    assert result.chosen == 3 and result.credit_cents == 0


def test_the_named_installment_pays_its_charges_before_its_principal() -> None:
    # Parcela 2, due 05/02, paid 07/03 (30 days): juros 1,00 then multa 2,00, then principal.
    result = allocate(5_000, date(2026, 3, 7), three_parcels(), POLICY, chosen=2)
    [(t, s)] = result.lines
    assert (t.number, s.interest_cents, s.fine_cents, s.principal_cents) == (2, 100, 200, 4_700)


def test_without_a_choice_the_oldest_installment_is_paid_first() -> None:
    result = allocate(10_000, date(2026, 1, 5), three_parcels(), POLICY)
    assert [t.number for t, _ in result.lines] == [1]
    assert result.chosen is None


def test_what_the_named_installment_leaves_goes_to_the_others_oldest_first() -> None:
    result = allocate(15_000, date(2026, 1, 5), three_parcels(), POLICY, chosen=3)
    assert [(t.number, s.principal_cents) for t, s in result.lines] == [(3, 10_000), (1, 5_000)]


def test_naming_a_paid_or_missing_installment_is_refused() -> None:
    ledgers = three_parcels()
    paid = [
        InstallmentLedger(ledgers[0].terms, (Settlement(date(2026, 1, 5), 10_000),)),
        *ledgers[1:],
    ]
    problem = law.choice_problem(1, date(2026, 2, 1), paid, POLICY)
    assert problem == FieldError(
        "installment",
        "Parcela indicada: a parcela 1 já está paga; deixe em branco para as mais antigas "
        "primeiro.",
    )
    missing = law.choice_problem(7, date(2026, 2, 1), ledgers, POLICY)
    assert missing == FieldError(
        "installment", "Parcela indicada: o contrato não tem a parcela 7 (parcelas: 1, 2, 3)."
    )
    assert law.choice_problem(2, date(2026, 2, 1), ledgers, POLICY) is None


@settings(max_examples=200, deadline=None)
@given(
    amount=st.integers(min_value=1, max_value=60_000),
    chosen=st.sampled_from([None, 1, 2, 3]),
    day=st.integers(min_value=0, max_value=120),
)
def test_a_named_installment_never_creates_or_loses_a_centavo(
    amount: int, chosen: int | None, day: int
) -> None:
    paid_on = date(2026, 1, 1) + timedelta(days=day)
    result = allocate(amount, paid_on, three_parcels(), POLICY, chosen=chosen)
    assert result.allocated_cents + result.credit_cents == amount
    if chosen is not None and result.lines:
        assert result.lines[0][0].number == chosen


# --- no interest on interest in an acordo (Súmula 121 STF) -----------------------------------


def test_charges_folded_into_an_acordo_earn_no_new_interest() -> None:
    # A parcela of 110,00 of which 10,00 are confessed charges: juros run on 100,00 only.
    share = law.interest_share_of(11_000, 1_000)
    policy = ChargePolicy(fine_bp=0, interest_monthly_bp=100, interest_share=share)
    due = date(2026, 1, 5)
    line = updated_debt(InstallmentTerms(1, due, due, 11_000), (), date(2026, 2, 4), policy)
    assert line.interest_cents == 100  # 110,00 × 100/110 × 1 % × 30/30 = 1,00 (not 1,10)
    assert law.interest_share_of(11_000, 0) == 1
