"""Payment plans: split a total into installments and date them on business days.

A due date on a weekend or holiday moves to the next business day, and paying on that day is not
late. Holidays are national and state ones (``holidays`` package, the clinic's UF) plus the days
banks do not open (FEBRABAN calendar: Carnival Monday and Tuesday, Corpus Christi, 31 December),
because a boleto or transfer due then can only be paid the next banking day. Municipal holidays
are not known offline.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from app.domain.money import split_cents

_BANK_CLOSED_OPTIONAL = ("Carnival", "Corpus Christi")


@lru_cache(maxsize=256)
def _closed_days(state: str, year: int) -> frozenset[date]:
    subdiv = state or None
    import holidays  # loaded on the first plan, not at start-up (its import is slow)

    public = holidays.country_holidays("BR", subdiv=subdiv, years=year)
    optional = holidays.country_holidays("BR", subdiv=subdiv, years=year, categories=("optional",))
    days = set(public)
    days.update(d for d, name in optional.items() if any(k in name for k in _BANK_CLOSED_OPTIONAL))
    days.add(date(year, 12, 31))
    return frozenset(days)


@lru_cache(maxsize=64)
def _closed_day_names(state: str, year: int) -> dict[date, str]:
    subdiv = state or None
    import holidays  # loaded on first use, not at start-up (its import is slow)

    names: dict[date, str] = {}
    for categories in (("public",), ("optional",)):
        found = holidays.country_holidays(
            "BR", subdiv=subdiv, years=year, categories=categories, language="pt_BR"
        )
        for day, name in found.items():
            names.setdefault(day, name)
    closed = _closed_days(state, year)
    return {day: names.get(day, "bancos fechados") for day in closed}


def holiday_name(day: date, state: str = "") -> str | None:
    """The pt-BR name of the holiday (or bank-closed day) on ``day``, or None on a normal day.
    Weekends are not holidays."""
    return _closed_day_names(state, day.year).get(day)


def is_business_day(day: date, state: str = "") -> bool:
    return day.weekday() < 5 and day not in _closed_days(state, day.year)


def next_business_day(day: date, state: str = "") -> date:
    """``day`` itself when it is a business day, else the first business day after it."""
    while not is_business_day(day, state):
        day += timedelta(days=1)
    return day


def add_months(start: date, months: int, day: int) -> date:
    """The ``day`` of the month ``months`` after ``start``; the month's last day when shorter."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class PlannedInstallment:
    number: int  # 0 = entrada (down payment)
    due_date: date  # as contracted
    effective_due_date: date  # moved to a business day
    amount_cents: int

    @property
    def moved(self) -> bool:
        return self.due_date != self.effective_due_date


def plan(
    total_cents: int,
    down_payment_cents: int,
    installments: int,
    first_due: date,
    state: str = "",
    *,
    down_payment_due: date | None = None,
    due_day: int | None = None,
) -> list[PlannedInstallment]:
    """Entrada (number 0, when any) plus ``installments`` monthly parcelas of the rest.

    The rest is split exactly (remainder cents on the first parcelas); parcelas fall on
    ``due_day`` (default: the day of ``first_due``) of each month.
    """
    if installments < 1:
        raise ValueError("installments must be >= 1")
    if not 0 <= down_payment_cents < total_cents or total_cents <= 0:
        raise ValueError("need 0 <= down payment < total and total > 0")
    day = due_day or first_due.day
    result: list[PlannedInstallment] = []
    if down_payment_cents:
        due = down_payment_due or first_due
        result.append(PlannedInstallment(0, due, next_business_day(due, state), down_payment_cents))
    amounts = split_cents(total_cents - down_payment_cents, installments)
    for i, amount in enumerate(amounts):
        due = first_due if i == 0 else add_months(first_due, i, day)
        result.append(PlannedInstallment(i + 1, due, next_business_day(due, state), amount))
    return result
