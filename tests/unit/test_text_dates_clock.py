from __future__ import annotations

from datetime import date, datetime, time

import pytest

from app.clock import FixedClock
from app.domain.dates import age_on, format_date, parse_date
from app.domain.text import fold
from app.errors import FieldError


def test_fold_removes_accents_case_and_extra_spaces() -> None:
    assert fold("  João  DA Conceição ") == "joao da conceicao"


def test_dates_accept_br_and_iso() -> None:
    assert parse_date("05/04/1980", "d", "Data") == date(1980, 4, 5)
    assert parse_date("1980-04-05", "d", "Data") == date(1980, 4, 5)
    bad = parse_date("31/02/2026", "d", "Data")
    assert isinstance(bad, FieldError) and "31/02/2026" in bad.message
    assert format_date(date(2026, 1, 2)) == "02/01/2026"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("14032015", date(2015, 3, 14)),  # the digits alone, as typed on the numeric keypad
        ("140315", date(2015, 3, 14)),
        ("14/3/15", date(2015, 3, 14)),  # a two-digit year: 00–29 is 20xx
        ("5/4/80", date(1980, 4, 5)),  # … and 30–99 is 19xx (a birth date)
        ("14-03-2015", date(2015, 3, 14)),
        ("14.03.2015", date(2015, 3, 14)),
        (" 14/03/2015 ", date(2015, 3, 14)),
    ],
)
def test_dates_are_read_the_way_people_type_them(typed: str, meant: date) -> None:
    assert parse_date(typed, "d", "Data") == meant


@pytest.mark.parametrize(
    "typed", ["1403201", "14/3", "32/01/2026", "14/13/15", "2015-3-14x", "abc"]
)
def test_what_is_not_a_date_says_so(typed: str) -> None:
    refused = parse_date(typed, "d", "Data de nascimento")
    assert isinstance(refused, FieldError) and refused.field == "d"
    assert refused.message.startswith("Data de nascimento:")


def test_age_counts_birthdays() -> None:
    assert age_on(date(2008, 3, 17), date(2026, 3, 16)) == 17
    assert age_on(date(2008, 3, 16), date(2026, 3, 16)) == 18


def test_fixed_clock_pins_the_day() -> None:
    clock = FixedClock(date(2026, 3, 16), time(9, 30))
    assert clock.today() == date(2026, 3, 16)
    assert clock.now() == datetime(2026, 3, 16, 9, 30)
    # Without a time of day only the day is pinned: the hour is the real one.
    assert FixedClock(date(2026, 3, 16)).now().date() == date(2026, 3, 16)
