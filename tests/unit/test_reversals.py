"""Estorno rules (pure): what may be reversed, the reason's code, the counter-entry (amount,
credit, date, reason and every allocation negated) and what follows once the reversed payment
stops counting (installments open again, the contract active again, charges again, the
negativação's debt unpaid, the promise broken)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.catalog import ContractStatus
from app.domain.law import (
    ChargePolicy,
    InstallmentLedger,
    InstallmentTerms,
    Settlement,
    Standing,
    Status,
    all_settled,
    contract_status,
    standing,
    updated_debt,
)
from app.domain.negativacao import debt_paid_on
from app.domain.promises import (
    PaymentFact,
    PromiseRecord,
    PromiseStatus,
    promise_status,
    with_payments,
)
from app.domain.reversals import (
    MAX_REASON,
    REVERSAL_CODES,
    AllocationRecord,
    PaymentRecord,
    check_reversible,
    counter_entry,
    reversal_code_for,
)
from app.errors import FieldError, ValidationError

TODAY = date(2026, 3, 16)

# A payment of R$ 151,26 on 10/03/2026 that settled installment 21 (due 02/02) 36 days late
# (R$ 100,00 principal + R$ 2,00 multa + R$ 1,20 juros, 100,00 × 1 % × 36/30 = R$ 103,20), paid
# installment 22 early with its punctuality discount (R$ 50,00 principal, R$ 2,50 forgiven:
# R$ 47,50 in money) and left R$ 0,56 of credit: 103,20 + 47,50 + 0,56 = 151,26.
PAYMENT = PaymentRecord(
    id=7,
    contract_id=3,
    paid_on=date(2026, 3, 10),
    amount_cents=15_126,
    credit_cents=56,
    method="pix",
    reference="E123",
)
ALLOCATIONS = (
    AllocationRecord(21, principal_cents=10_000, fine_cents=200, interest_cents=120),
    AllocationRecord(22, principal_cents=5_000, discount_cents=250),
)


# --- the reason ------------------------------------------------------------------------------


def test_a_typed_bounced_cheque_is_recognised_without_a_code() -> None:
    assert reversal_code_for("", "Cheque DEVOLVIDO pelo banco") == "cheque_devolvido"
    assert reversal_code_for(" Erro_Lancamento ", "") == "erro_lancamento"


def test_an_unknown_code_is_refused_naming_the_choices() -> None:
    assert reversal_code_for("engano", "") == FieldError(
        "code",
        "Motivo do estorno: 'engano' não existe; use cheque_devolvido, erro_lancamento, outro.",
    )


def test_another_reason_must_be_described() -> None:
    # No code and no cheque: "outro", which needs at least 5 characters of reason.
    assert reversal_code_for("", " dup ") == FieldError(
        "reason", "Motivo: descreva por que o pagamento está sendo estornado."
    )
    assert reversal_code_for("", "pagamento duplicado") == "outro"


# --- what may be reversed ----------------------------------------------------------------------


def test_an_effective_payment_may_be_reversed() -> None:
    check_reversible(PAYMENT)  # raises nothing


def test_an_estorno_is_never_reversed() -> None:
    estorno = PaymentRecord(8, 3, TODAY, -15_126, reverses_payment_id=7)
    with pytest.raises(ValidationError) as refused:
        check_reversible(estorno)
    assert list(refused.value.errors) == [
        FieldError("payment", "Pagamento 8 já é um estorno; não se estorna um estorno.")
    ]


def test_a_payment_is_reversed_only_once() -> None:
    reversed_ = PaymentRecord(7, 3, TODAY, 15_126, reversed_by_id=8)
    with pytest.raises(ValidationError) as refused:
        check_reversible(reversed_)
    assert list(refused.value.errors) == [
        FieldError("payment", "Pagamento 7 já foi estornado (lançamento 8).")
    ]


def test_a_payment_reversed_on_another_pc_while_waiting_for_the_lock_says_so() -> None:
    reversed_ = PaymentRecord(7, 3, TODAY, 15_126, reversed_by_id=9)
    with pytest.raises(ValidationError) as refused:
        check_reversible(reversed_, just_now=True)
    assert list(refused.value.errors) == [
        FieldError(
            "payment", "Pagamento 7 acabou de ser estornado em outro computador (lançamento 9)."
        )
    ]


# --- the counter-entry -------------------------------------------------------------------------


def test_the_counter_entry_negates_amount_credit_and_every_allocation() -> None:
    entry = counter_entry(PAYMENT, ALLOCATIONS, "erro_lancamento", "", TODAY)
    assert (entry.reverses_payment_id, entry.contract_id) == (7, 3)
    assert (entry.amount_cents, entry.credit_cents) == (-15_126, -56)
    assert (entry.method, entry.reference, entry.code) == ("pix", "E123", "erro_lancamento")
    assert entry.allocations == (
        AllocationRecord(21, principal_cents=-10_000, fine_cents=-200, interest_cents=-120),
        AllocationRecord(22, principal_cents=-5_000, discount_cents=-250),
    )
    # What the allocations moved in money, and the credit, make up the amount: -103,20 - 47,50
    # - 0,56 = -151,26.
    money = sum(
        a.principal_cents + a.fine_cents + a.interest_cents + a.correction_cents - a.discount_cents
        for a in entry.allocations
    )
    assert money + entry.credit_cents == entry.amount_cents


def test_the_estorno_is_dated_today_and_never_before_the_payment() -> None:
    assert counter_entry(PAYMENT, (), "outro", "duplicado", TODAY).paid_on == TODAY
    # A payment dated after "today" (a run with --today in the past) is reversed on its date.
    assert counter_entry(PAYMENT, (), "outro", "duplicado", date(2026, 3, 1)).paid_on == date(
        2026, 3, 10
    )


def test_the_reason_is_the_typed_text_else_the_codes_label_and_is_stored_cut() -> None:
    assert (
        counter_entry(PAYMENT, (), "cheque_devolvido", "  ", TODAY).reason
        == (REVERSAL_CODES["cheque_devolvido"])
    )
    long = "x" * (MAX_REASON + 20)
    entry = counter_entry(PAYMENT, (), "outro", f" {long} ", TODAY)
    assert entry.reason == long  # the audit log keeps all of it
    assert entry.stored_reason == "x" * 300


amounts = st.integers(min_value=0, max_value=10_000_000)


@given(
    st.lists(
        st.builds(
            AllocationRecord,
            st.integers(min_value=1, max_value=10**6),
            amounts,
            amounts,
            amounts,
            amounts,
            amounts,
        ),
        max_size=12,
    )
)
def test_a_payment_and_its_estorno_add_up_to_nothing_on_every_installment(
    allocations: list[AllocationRecord],
) -> None:
    entry = counter_entry(PAYMENT, allocations, "outro", "duplicado", TODAY)
    for original, counter in zip(allocations, entry.allocations, strict=True):
        assert counter.installment_id == original.installment_id
        assert (
            original.principal_cents + counter.principal_cents,
            original.fine_cents + counter.fine_cents,
            original.interest_cents + counter.interest_cents,
            original.correction_cents + counter.correction_cents,
            original.discount_cents + counter.discount_cents,
        ) == (0, 0, 0, 0, 0)


# --- what follows once the reversed payment stops counting -----------------------------------

DUE = date(2026, 2, 2)  # a Monday, a business day
TERMS = InstallmentTerms(1, DUE, DUE, 10_000, key=21)
PAID_LATE = Settlement(
    date(2026, 3, 10), principal_cents=10_000, fine_cents=200, interest_cents=120
)


def test_the_installment_it_paid_is_open_again() -> None:
    assert standing(InstallmentLedger(TERMS, (PAID_LATE,))) == Standing(10_000, date(2026, 3, 10))
    assert standing(InstallmentLedger(TERMS, ())) == Standing(0, None)


def test_an_earlier_partial_payment_still_counts() -> None:
    earlier = Settlement(date(2026, 2, 2), principal_cents=4_000)
    assert standing(InstallmentLedger(TERMS, (earlier,))) == Standing(4_000, None)
    assert standing(InstallmentLedger(TERMS, (earlier, PAID_LATE))).settled_on == date(2026, 3, 10)


def test_a_settled_contract_is_active_again_and_other_statuses_stay() -> None:
    paid = [InstallmentLedger(TERMS, (PAID_LATE,))]
    reopened = [InstallmentLedger(TERMS, ())]
    assert contract_status(ContractStatus.ACTIVE, paid) is ContractStatus.SETTLED
    assert contract_status(ContractStatus.SETTLED, reopened) is ContractStatus.ACTIVE
    assert contract_status(ContractStatus.RENEGOTIATED, reopened) is ContractStatus.RENEGOTIATED
    assert contract_status(ContractStatus.CANCELLED, paid) is ContractStatus.CANCELLED


def test_an_installment_replaced_by_an_acordo_is_not_left_to_pay() -> None:
    renegotiated = InstallmentLedger(InstallmentTerms(2, DUE, DUE, 5_000, renegotiated=True))
    assert all_settled([InstallmentLedger(TERMS, (PAID_LATE,)), renegotiated])
    assert not all_settled([InstallmentLedger(TERMS, ()), renegotiated])


def test_charges_run_again_and_the_negativacao_debt_is_no_longer_paid() -> None:
    # Without the reversed payment, on 16/03 the installment is 42 days late: multa 2 % (200)
    # and juros 1 % a.m. pro rata die, 10 000 × 1 % × 42 / 30 = 140.
    policy = ChargePolicy(fine_bp=200, interest_monthly_bp=100)
    paid = updated_debt(TERMS, (PAID_LATE,), TODAY, policy)
    reopened = updated_debt(TERMS, (), TODAY, policy)
    assert paid.status is Status.PAGO_COM_ATRASO and paid.total_cents == 0
    assert (reopened.days_late, reopened.fine_cents, reopened.interest_cents) == (42, 200, 140)
    assert reopened.total_cents == 10_340
    included = date(2026, 3, 5)
    assert debt_paid_on([paid], included) == date(2026, 3, 10)
    assert debt_paid_on([reopened], included) is None


def test_a_promise_the_payment_kept_is_broken_once_its_day_has_passed() -> None:
    promise = PromiseRecord(
        made_on=date(2026, 3, 5), promised_on=date(2026, 3, 10), amount_cents=15_126
    )
    payment = PaymentFact(PAYMENT.paid_on, PAYMENT.amount_cents)
    assert promise_status(with_payments(promise, [payment], TODAY), TODAY) is PromiseStatus.KEPT
    assert promise_status(with_payments(promise, [], TODAY), TODAY) is PromiseStatus.BROKEN
