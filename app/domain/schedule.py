"""Payment plans: split a total into installments and date them on business days.

A due date on a weekend or holiday moves to the next business day, and paying on that day is not
late. Which days are business days is the caller's ``BusinessCalendar`` (the clinic's: national
and state holidays of its UF and the days banks do not open — ``app.adapters.business_days``).
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from app.domain.business_calendar import BusinessCalendar
from app.domain.money import split_cents


def add_months(start: date, months: int, day: int) -> date:
    """The ``day`` of the month ``months`` after ``start``; the month's last day when shorter."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day, monthrange(year, month)[1]))


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
    calendar: BusinessCalendar,
    *,
    down_payment_due: date | None = None,
    due_day: int | None = None,
) -> list[PlannedInstallment]:
    """Entrada (number 0, when any) plus ``installments`` monthly parcelas of the rest.

    The rest is split exactly (remainder cents on the first parcelas); parcelas fall on
    ``due_day`` (default: the day of ``first_due``) of each month; a date ``calendar`` says is
    not a business day moves to the next one (the effective due date).
    """
    if installments < 1:
        raise ValueError("installments must be >= 1")
    if not 0 <= down_payment_cents < total_cents or total_cents <= 0:
        raise ValueError("need 0 <= down payment < total and total > 0")
    day = due_day or first_due.day
    result: list[PlannedInstallment] = []
    if down_payment_cents:
        due = down_payment_due or first_due
        result.append(
            PlannedInstallment(0, due, calendar.next_business_day(due), down_payment_cents)
        )
    amounts = split_cents(total_cents - down_payment_cents, installments)
    for i, amount in enumerate(amounts):
        due = first_due if i == 0 else add_months(first_due, i, day)
        result.append(PlannedInstallment(i + 1, due, calendar.next_business_day(due), amount))
    return result
