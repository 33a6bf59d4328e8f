"""The one place that knows what day it is — in two senses that must not be confused.

- The **rules' date** (``Context.clock``): the day fees, the régua, risk and documents are
  computed for. The CLI's ``--today`` may pin it (a :class:`FixedClock`) so a simulation or a
  report can be reproduced.
- The **real time** (``Context.wall_clock``): when something was recorded — a document archived,
  a contact logged, an agreement made, a backup taken. It is evidence (the 10 days after an aviso
  prévio count from it), so no user flag ever pins it: the CLI and the window always pass the
  computer's clock (:class:`SystemClock`); only tests inject another.

Domain code never calls ``date.today()``: services receive both clocks.
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
    """The computer's clock."""

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
