"""Timestamps stored in the database are naive UTC (portable between SQLite and PostgreSQL);
clocks (``app.clock``) and people read local time."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def as_utc(local: datetime) -> datetime:
    """A clock's local (naive) time as it is stored: naive UTC."""
    return local.astimezone(UTC).replace(tzinfo=None)


def local_day(stored: datetime) -> date:
    """The local calendar day of a stored (naive UTC) timestamp."""
    return stored.replace(tzinfo=UTC).astimezone().date()
