"""The quick answer of ``is_prescrita`` (fewer than 365 × 5 days late: not prescrita) agrees with
the calendar rule (CC art. 206 §5 I: five years from the due date) on every due date of a span
that crosses leap years and the non-leap 2100."""

from __future__ import annotations

from datetime import date, timedelta

from app.domain.law import DebtLine, Status
from app.domain.prescription import FEWEST_DAYS_TO_PRESCRIBE, is_prescribed, is_prescrita


def line(due: date, days_late: int) -> DebtLine:
    return DebtLine(
        number=1, due_date=due, effective_due_date=due, principal_cents=10_000, paid_cents=0,
        days_late=days_late, fine_cents=0, interest_cents=0, correction_cents=0,
        discount_cents=0, total_cents=10_000, status=Status.VENCIDO, settled_on=None,
    )  # fmt: skip


def test_the_quick_answer_never_disagrees_with_the_calendar() -> None:
    assert FEWEST_DAYS_TO_PRESCRIBE == 1825
    due = date(2019, 1, 1)
    checked = 0
    while due < date(2101, 12, 31):
        for days in range(1823, 1830):
            on = due + timedelta(days=days)
            assert is_prescrita(line(due, days)) == is_prescribed(due, on), (due, days)
            checked += 1
        due += timedelta(days=1)
    assert checked > 200_000


def test_exactly_five_years_without_a_29_february_is_1825_days_and_prescribes() -> None:
    # 01/03/2097 → 01/03/2102 holds only February 2100, which has no 29th.
    due = date(2097, 3, 1)
    assert (date(2102, 3, 1) - due).days == 1825
    assert is_prescrita(line(due, 1825)) and not is_prescrita(line(due, 1824))
    # 10/01/2020 → 10/01/2025 holds two 29 Februaries (2020 and 2024): 1,827 days.
    assert (date(2025, 1, 10) - date(2020, 1, 10)).days == 1827
    assert not is_prescrita(line(date(2020, 1, 10), 1826))
    assert is_prescrita(line(date(2020, 1, 10), 1827))
