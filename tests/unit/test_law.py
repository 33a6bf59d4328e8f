"""One named test per legal rule (DESIGN.md §4)."""

from __future__ import annotations

from app.domain import law


def test_fine_above_two_percent_is_refused() -> None:
    error = law.check_fine_bp(250)
    assert error is not None
    assert "art. 52 §1" in error.message
    assert error.field == "fine_percent"


def test_fine_of_exactly_two_percent_is_allowed() -> None:
    assert law.check_fine_bp(200) is None


def test_negative_fine_is_refused() -> None:
    assert law.check_fine_bp(-1) is not None


def test_interest_above_one_percent_a_month_is_refused() -> None:
    error = law.check_interest_monthly_bp(101)
    assert error is not None
    assert "22.626" in error.message


def test_interest_of_one_percent_a_month_is_allowed() -> None:
    assert law.check_interest_monthly_bp(100) is None


def test_defaults_are_within_the_law() -> None:
    assert law.check_fine_bp(law.DEFAULT_FINE_BP) is None
    assert law.check_interest_monthly_bp(law.DEFAULT_INTEREST_MONTHLY_BP) is None
