"""The one place that knows what day it is.

Domain code never calls ``date.today()``: services receive a :class:`Clock`, and the CLI's
``--today`` swaps in a :class:`FixedClock` so fees, the régua and documents can be reproduced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Protocol


class Clock(Protocol):
    def today(self) -> date: ...

    def now(self) -> datetime:
        """Local wall-clock time (naive), used for contact-hour rules and timestamps."""
        ...


class SystemClock:
    def today(self) -> date:
        return date.today()

    def now(self) -> datetime:
        return datetime.now()


@dataclass(frozen=True)
class FixedClock:
    """A clock pinned to one day; the time of day is real unless ``at`` is given."""

    day: date
    at: time | None = None

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        moment = self.at if self.at is not None else datetime.now().time()
        return datetime.combine(self.day, moment)
