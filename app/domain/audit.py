"""The audit log as the viewer and ``emdia audit`` read it: one line, and the filters of a search.

Lines are written inside each use case's transaction and never changed afterwards (the database
refuses it), so a line is a plain frozen record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime  # UTC, naive (as stored)
    username: str
    action: str
    entity: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class AuditQuery:
    """Filters of the viewer; empty values mean "any". Dates are UTC days, inclusive."""

    username: str = ""
    text: str = ""  # matched against action and entity
    entity: str = ""
    entity_id: int | None = None
    since: date | None = None
    until: date | None = None
