"""Timestamps stored in the database are naive UTC (portable between SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
