"""The clinic's ``BusinessCalendar`` from the ``holidays`` package: the national holidays, those
of the clinic's UF, and the days banks do not open.

Banks follow the FEBRABAN calendar: besides the public holidays they close on Carnival Monday and
Tuesday, on Corpus Christi and on 31 December, so a boleto or transfer due then can only be paid
the next banking day. Municipal holidays are not in the package (nor known offline): the clinic
adds its city's dates with ``extra`` (``BusinessCalendar.plus``).

The package takes ~150 ms to import and ~200 ms more to build its first year: both happen on the
first question about a year (the first plan, countdown or contact check), never at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from app.domain.business_calendar import BusinessCalendar

# Optional holidays (English names in the package) on which banks are closed.
_BANK_CLOSED_OPTIONAL = ("Carnival", "Corpus Christi")
BANKS_CLOSED = "bancos fechados"  # the name of a closed day the package names in no language


@lru_cache(maxsize=256)
def closed_days(state: str, year: int) -> Mapping[date, str]:
    """Every day of ``year`` on which banks are closed in ``state`` (any UF; "" = national
    holidays only), with its pt-BR name."""
    import holidays  # loaded on the first question about a year, not at start-up (slow import)

    subdiv = state or None
    public = holidays.country_holidays("BR", subdiv=subdiv, years=year)
    optional = holidays.country_holidays("BR", subdiv=subdiv, years=year, categories=("optional",))
    days = set(public)
    days.update(d for d, name in optional.items() if any(k in name for k in _BANK_CLOSED_OPTIONAL))
    days.add(date(year, 12, 31))
    names: dict[date, str] = {}
    for categories in (("public",), ("optional",)):
        found = holidays.country_holidays(
            "BR", subdiv=subdiv, years=year, categories=categories, language="pt_BR"
        )
        for day, name in found.items():
            names.setdefault(day, name)
    return {day: names.get(day, BANKS_CLOSED) for day in sorted(days)}


@dataclass(frozen=True)
class CountryHolidays:
    """A calendar source: the closed days of ``state`` (``closed_days``), one year at a time."""

    state: str = ""

    def __call__(self, year: int) -> Mapping[date, str]:
        return closed_days(self.state, year)


def business_calendar(state: str, extra: Mapping[date, str] | None = None) -> BusinessCalendar:
    """The business days of a clinic in ``state``: national and state holidays, bank-closed days
    and the clinic's own ``extra`` closed days."""
    return BusinessCalendar((CountryHolidays(state),)).plus(extra or {})
