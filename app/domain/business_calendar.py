"""The days nothing falls due and nobody is called about money: weekends, holidays and the days
banks are closed — a value the rules receive, never a library they import.

A ``BusinessCalendar`` answers from its *sources*: each source gives, for one year, the closed
days and their pt-BR names. The country's national and state holidays (and the FEBRABAN
bank-closed days) come from ``app.adapters.business_days``, the only module that knows the
``holidays`` package; days the package cannot know — the clinic's city's own holidays — are
added with :meth:`BusinessCalendar.plus`. Years are asked for one at a time, as a rule reaches
them, so a source can be lazy (the package is slow to load and is not loaded at start-up).

Rules (``schedule.plan``, the negativação countdown, the contact hours, the acordo's plan) take
the calendar as an argument: a test can hand them a calendar of a few dates it wrote itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

# One year of closed days: day → its pt-BR name ("Tiradentes", "bancos fechados"…).
YearDays = Callable[[int], Mapping[date, str]]


@dataclass(frozen=True)
class FixedDays:
    """Closed days given one by one — a test's holidays, or the clinic's municipal ones."""

    days: tuple[tuple[date, str], ...]
    _by_year: dict[int, dict[date, str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_year: dict[int, dict[date, str]] = {}
        for day, name in self.days:
            by_year.setdefault(day.year, {})[day] = name
        object.__setattr__(self, "_by_year", by_year)

    @classmethod
    def of(cls, days: Mapping[date, str] | Iterable[tuple[date, str]]) -> FixedDays:
        items = days.items() if isinstance(days, Mapping) else days
        return cls(tuple(sorted(items)))

    def __call__(self, year: int) -> Mapping[date, str]:
        return self._by_year.get(year, {})


@dataclass(frozen=True)
class OwnHoliday:
    """A day the clinic's city closes that no library knows: every year on ``day``/``month``
    (the city's anniversary, its patron saint) or, with ``year``, once."""

    day: int
    month: int
    year: int | None = None
    name: str = "feriado municipal"

    def on(self, year: int) -> date | None:
        """This holiday in ``year`` (None when it is another year's, or 29/02 of a common
        year)."""
        if self.year is not None and self.year != year:
            return None
        try:
            return date(year, self.month, self.day)
        except ValueError:
            return None

    @property
    def key(self) -> str:
        """How it is stored: ``MM-DD`` (every year) or ``AAAA-MM-DD``."""
        md = f"{self.month:02d}-{self.day:02d}"
        return md if self.year is None else f"{self.year:04d}-{md}"

    @property
    def text(self) -> str:
        """How people read and type it: ``20/01 São Sebastião``, ``13/06/2026 Ponto``."""
        when = f"{self.day:02d}/{self.month:02d}" + ("" if self.year is None else f"/{self.year}")
        return f"{when} {self.name}"


@dataclass(frozen=True)
class OwnHolidays:
    """A calendar source of the clinic's own holidays, year by year."""

    holidays: tuple[OwnHoliday, ...]

    def __call__(self, year: int) -> Mapping[date, str]:
        return {day: h.name for h in self.holidays if (day := h.on(year)) is not None}


@dataclass(frozen=True)
class BusinessCalendar:
    """Saturdays and Sundays, plus every day a source names, are not business days.

    ``BusinessCalendar()`` knows weekends only. When two sources name the same day, the first
    one's name is shown."""

    sources: tuple[YearDays, ...] = ()

    @classmethod
    def of(cls, days: Mapping[date, str]) -> BusinessCalendar:
        """A calendar of exactly these closed days (and weekends)."""
        return cls((FixedDays.of(days),))

    def plus(self, days: Mapping[date, str]) -> BusinessCalendar:
        """This calendar with more closed days (the clinic's own holidays)."""
        if not days:
            return self
        return BusinessCalendar((*self.sources, FixedDays.of(days)))

    def with_holidays(self, holidays: Iterable[OwnHoliday]) -> BusinessCalendar:
        """This calendar with the clinic's own holidays (municipal ones, every year or once)."""
        own = tuple(holidays)
        if not own:
            return self
        return BusinessCalendar((*self.sources, OwnHolidays(own)))

    def holiday_name(self, day: date) -> str | None:
        """The pt-BR name of the holiday (or bank-closed day) on ``day``, or None on a normal
        day. Weekends are not holidays."""
        for source in self.sources:
            name = source(day.year).get(day)
            if name is not None:
                return name
        return None

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday_name(day) is None

    def next_business_day(self, day: date) -> date:
        """``day`` itself when it is a business day, else the first business day after it."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def business_days_after(self, start: date, count: int) -> date:
        """The ``count``-th business day after ``start`` (``start`` itself never counts)."""
        day = start
        done = 0
        while done < count:
            day += timedelta(days=1)
            if self.is_business_day(day):
                done += 1
        return day

    def business_days_between(self, start: date, end: date) -> int:
        """Business days ``d`` with ``start < d <= end`` (0 when ``end <= start``)."""
        return sum(
            1
            for n in range(start.toordinal() + 1, end.toordinal() + 1)
            if self.is_business_day(date.fromordinal(n))
        )
