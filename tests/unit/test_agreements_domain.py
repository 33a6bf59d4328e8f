"""acordo computation (pure): the total is the chosen debt less the discount to the centavo, the
discount eats charges before principal, the plan adds up, options, validation, "não cumprido"."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.adapters.business_days import business_calendar
from app.domain.agreements import (
    AgreementForm,
    AgreementTerms,
    OriginLine,
    PlanInstallment,
    broken_on,
    compute,
    debt_of,
    options,
    split_discount,
    validate,
)
from app.domain.law import DebtLine, Status
from app.errors import ValidationError

TODAY = date(2026, 3, 16)
SP = business_calendar("SP")


def line(
    principal: int, fine: int = 0, interest: int = 0, correction: int = 0, key: int = 1
) -> OriginLine:
    debt = DebtLine(
        number=key,
        due_date=date(2026, 1, 10),
        effective_due_date=date(2026, 1, 12),
        principal_cents=principal,
        paid_cents=0,
        days_late=63,
        fine_cents=fine,
        interest_cents=interest,
        correction_cents=correction,
        discount_cents=0,
        total_cents=principal + fine + interest + correction,
        status=Status.VENCIDO,
        settled_on=None,
        key=key,
    )
    return OriginLine(installment_id=key, contract_id=7, contract_count=10, line=debt)


origin_lines = st.lists(
    st.tuples(
        st.integers(1, 500_000),
        st.integers(0, 10_000),
        st.integers(0, 30_000),
        st.integers(0, 5_000),
    ),
    min_size=1,
    max_size=8,
).map(lambda rows: [line(p, f, i, c, key=n + 1) for n, (p, f, i, c) in enumerate(rows)])


@settings(max_examples=200, deadline=None)
@given(origin_lines, st.data())
def test_agreement_total_is_the_chosen_debt_less_the_discount_to_the_centavo(
    origin: list[OriginLine], data: st.DataObject
) -> None:
    debt = debt_of(origin).total_cents
    discount = data.draw(st.integers(0, debt - 1))
    total = debt - discount
    down = data.draw(st.integers(0, total - 1))
    count = data.draw(st.integers(1, min(60, total - down)))
    terms = AgreementTerms(discount, down, count, date(2026, 4, 10))
    plan = compute(origin, terms, TODAY, SP)
    assert plan.total_cents == debt - discount
    assert plan.discount_cents == discount
    assert plan.principal_cents + plan.charges_cents == plan.total_cents
    assert sum(p.amount_cents for p in plan.parcels) == plan.total_cents - down
    assert sum(p.amount_cents for p in plan.schedule) == plan.total_cents
    amounts = [p.amount_cents for p in plan.parcels]
    assert max(amounts) - min(amounts) <= 1 and amounts == sorted(amounts, reverse=True)
    assert all(p.effective_due_date.weekday() < 5 for p in plan.schedule)


@given(origin_lines, st.data())
def test_the_discount_takes_charges_before_principal(
    origin: list[OriginLine], data: st.DataObject
) -> None:
    debt = debt_of(origin)
    discount = data.draw(st.integers(0, debt.total_cents))
    on_charges, on_principal = split_discount(discount, debt)
    assert on_charges + on_principal == discount
    assert on_principal == 0 or on_charges == debt.charges_cents


def test_three_installments_become_six_parcelas_with_the_remainder_first() -> None:
    origin = [
        line(30000, 600, 960, key=1),
        line(30000, 600, 630, key=2),
        line(30000, 600, 340, key=3),
    ]
    terms = validate(
        AgreementForm((1, 2, 3), discount="20,00", count="6", first_due="10/04/2026"), origin, TODAY
    )
    plan = compute(origin, terms, TODAY, SP)
    assert plan.debt.total_cents == 93730 and plan.total_cents == 91730
    assert [p.amount_cents for p in plan.parcels] == [15289, 15289, 15288, 15288, 15288, 15288]
    # 10/05/2026 is a Sunday: that parcela falls due on Monday 11/05.
    assert plan.parcels[1].effective_due_date == date(2026, 5, 11)


def test_options_offer_a_new_date_and_smaller_parcelas_beside_the_typed_plan() -> None:
    origin = [line(90000, 1800, 1930)]
    terms = AgreementTerms(0, 10000, 6, date(2026, 4, 10))
    found = options(origin, terms, TODAY, SP)
    assert [o.key for o in found] == ["nova_data", "proposta", "parcelas_menores"]
    assert [o.plan.count for o in found] == [1, 6, 12]
    assert {o.plan.total_cents for o in found} == {93730}
    single = options(origin, AgreementTerms(0, 0, 1, date(2026, 4, 10)), TODAY, SP)
    assert [o.key for o in single] == ["proposta", "parcelas_menores"]


def test_invalid_terms_name_each_field_in_portuguese() -> None:
    origin = [line(30000, 600)]
    with pytest.raises(ValidationError) as refused:
        validate(
            AgreementForm((1,), discount="306,00", down_payment="abc", count="61",
                          first_due="31/02/2026"),
            origin,
            TODAY,
        )  # fmt: skip
    messages = {e.field: e.message for e in refused.value.errors}
    assert set(messages) == {"discount", "down_payment", "count", "first_due"}
    assert messages["discount"].startswith("Desconto: R$ 306,00 precisa ser menor")
    with pytest.raises(ValidationError, match="até 90 dias"):
        validate(AgreementForm((1,), count="2", first_due="2026-07-01"), origin, TODAY)
    with pytest.raises(ValidationError, match="Entrada: R\\$ 306,00 não pode"):
        validate(AgreementForm((1,), down_payment="306,00", first_due="2026-04-01"), origin, TODAY)


def test_an_agreement_breaks_the_day_a_parcela_passes_thirty_days_unpaid() -> None:
    due = date(2026, 4, 10)
    unpaid = [PlanInstallment(due, None), PlanInstallment(date(2026, 5, 11), None)]
    assert broken_on(unpaid, due + timedelta(days=30)) is None
    assert broken_on(unpaid, due + timedelta(days=31)) == date(2026, 5, 11)
    paid_late_but_in_time = [PlanInstallment(due, due + timedelta(days=20))]
    assert broken_on(paid_late_but_in_time, date(2026, 9, 1)) is None
    paid_too_late = [PlanInstallment(due, due + timedelta(days=45))]
    assert broken_on(paid_too_late, date(2026, 9, 1)) == date(2026, 5, 11)
