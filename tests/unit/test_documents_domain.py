"""What documents say: deadlines and references (domain), amounts in words (num2words), long
dates."""

from __future__ import annotations

from datetime import date

import pytest

from app.adapters.words import amount_in_words
from app.domain.dates import format_date_long
from app.domain.documents import (
    negativacao_earliest,
    notification_deadline,
    reference,
)


def test_notification_deadline_is_at_most_seven_days() -> None:
    assert notification_deadline(date(2026, 3, 16)) == date(2026, 3, 23)
    assert notification_deadline(date(2026, 3, 16), 1) == date(2026, 3, 17)
    for days in (0, 8):
        with pytest.raises(ValueError):
            notification_deadline(date(2026, 3, 16), days)


def test_negativacao_comes_at_least_ten_days_after_the_notice() -> None:
    # CDC art. 43 §2: at least 10 calendar days' notice; a notice dated 16/03 allows 26/03.
    assert negativacao_earliest(date(2026, 3, 16)) == date(2026, 3, 26)
    assert negativacao_earliest(date(2026, 2, 25)) == date(2026, 3, 7)  # across February


def test_reference_names_kind_number_and_date() -> None:
    assert reference("notificacao", 123, date(2026, 3, 16)) == "NOT-000123-20260316"


@pytest.mark.parametrize(
    ("cents", "words"),
    [
        (0, "zero reais"),
        (1, "um centavo"),
        (50, "cinquenta centavos"),
        (100, "um real"),
        (15_050, "cento e cinquenta reais e cinquenta centavos"),
        (200_000_000, "dois milhões de reais"),
    ],
)
def test_amount_in_words_is_portuguese(cents: int, words: str) -> None:
    assert amount_in_words(cents) == words


def test_a_negative_amount_has_no_words() -> None:
    with pytest.raises(ValueError):
        amount_in_words(-1)


def test_long_date_is_portuguese() -> None:
    assert format_date_long(date(2026, 3, 1)) == "1 de março de 2026"
