"""The business calendar: weekends, the days its sources close, composed with the clinic's own
days; and the clinic's calendar built from the ``holidays`` package (lazily)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from app.adapters.business_days import business_calendar, closed_days
from app.domain.business_calendar import BusinessCalendar, FixedDays

# March 2026: Monday 2, 9, 16, 23, 30; Saturday 7, 14, 21, 28.
FOUNDING_DAY = date(2026, 3, 19)  # a Thursday
CITY = BusinessCalendar.of({FOUNDING_DAY: "Aniversário da cidade"})


def test_an_empty_calendar_closes_only_on_weekends() -> None:
    weekends_only = BusinessCalendar()
    assert weekends_only.is_business_day(date(2026, 3, 20))  # Friday
    assert not weekends_only.is_business_day(date(2026, 3, 21))  # Saturday
    assert not weekends_only.is_business_day(date(2026, 3, 22))  # Sunday
    assert weekends_only.holiday_name(date(2026, 3, 21)) is None  # a weekend is not a holiday


def test_a_day_a_source_names_is_closed_and_keeps_its_name() -> None:
    assert not CITY.is_business_day(FOUNDING_DAY)
    assert CITY.holiday_name(FOUNDING_DAY) == "Aniversário da cidade"
    assert CITY.holiday_name(date(2026, 3, 18)) is None
    assert CITY.holiday_name(date(2027, 3, 19)) is None  # a fixed date is of its own year only


def test_the_next_business_day_skips_holidays_and_weekends() -> None:
    # Thursday 19 closed → Friday 20; Saturday 21 → Monday 23; a business day is itself.
    assert CITY.next_business_day(FOUNDING_DAY) == date(2026, 3, 20)
    assert CITY.next_business_day(date(2026, 3, 21)) == date(2026, 3, 23)
    assert CITY.next_business_day(date(2026, 3, 18)) == date(2026, 3, 18)


def test_counting_business_days_leaves_out_the_start_and_closed_days() -> None:
    # From Tuesday 17: Wed 18 (1), Thu 19 closed, Fri 20 (2), Mon 23 (3), Tue 24 (4), Wed 25 (5).
    assert CITY.business_days_after(date(2026, 3, 17), 5) == date(2026, 3, 25)
    assert CITY.business_days_between(date(2026, 3, 17), date(2026, 3, 25)) == 5
    assert CITY.business_days_between(date(2026, 3, 25), date(2026, 3, 17)) == 0
    assert CITY.business_days_after(date(2026, 3, 17), 0) == date(2026, 3, 17)


def test_more_days_are_added_without_changing_the_calendar_they_extend() -> None:
    carnival = date(2026, 2, 17)
    both = CITY.plus({carnival: "Carnaval"})
    assert not both.is_business_day(carnival) and not both.is_business_day(FOUNDING_DAY)
    assert CITY.is_business_day(carnival)  # frozen: CITY itself is unchanged
    assert CITY.plus({}) is CITY


def test_when_two_sources_name_a_day_the_first_names_it() -> None:
    national = BusinessCalendar.of({date(2026, 4, 21): "Tiradentes"})
    assert national.plus({date(2026, 4, 21): "outro nome"}).holiday_name(date(2026, 4, 21)) == (
        "Tiradentes"
    )


def test_fixed_days_are_values() -> None:
    days = {FOUNDING_DAY: "Aniversário da cidade"}
    assert FixedDays.of(days) == FixedDays.of(list(days.items()))
    assert BusinessCalendar.of(days) == CITY
    assert FixedDays.of(days)(2026) == days and FixedDays.of(days)(2025) == {}


# --- the clinic's calendar, from the holidays package ------------------------------------------


def test_the_package_gives_national_state_and_bank_closed_days_by_their_pt_br_names() -> None:
    sp = closed_days("SP", 2026)
    assert sp[date(2026, 4, 21)] == "Tiradentes"
    assert sp[date(2026, 7, 9)] == "Revolução Constitucionalista"  # São Paulo only
    assert date(2026, 7, 9) not in closed_days("RJ", 2026)
    assert date(2026, 2, 16) in sp and date(2026, 6, 4) in sp  # Carnaval, Corpus Christi
    assert sp[date(2026, 12, 31)] == "Véspera de Ano-Novo"  # banks do not open on 31/12
    assert set(closed_days("", 2026)) < set(sp)


def test_the_clinics_own_days_join_the_countrys() -> None:
    campinas = business_calendar("SP", {date(2026, 12, 8): "Nossa Senhora da Conceição"})
    assert campinas.holiday_name(date(2026, 12, 8)) == "Nossa Senhora da Conceição"
    assert campinas.holiday_name(date(2026, 7, 9)) == "Revolução Constitucionalista"
    assert business_calendar("SP").is_business_day(date(2026, 12, 8))  # a Tuesday


def test_the_holidays_package_is_not_loaded_until_a_year_is_asked_for() -> None:
    # Start-up: the rules and the adapter load; the slow package waits for the first question.
    code = (
        "import sys, app.domain.schedule, app.domain.negativacao, app.domain.contacts\n"
        "from app.adapters.business_days import business_calendar\n"
        "calendar = business_calendar('SP')\n"
        "assert 'holidays' not in sys.modules, 'loaded at import'\n"
        "from datetime import date\n"
        "assert not calendar.is_business_day(date(2026, 4, 21))\n"
        "assert 'holidays' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
