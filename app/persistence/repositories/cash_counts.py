"""Conferências do caixa (``cash_count``): each count of the drawer, never changed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.domain.reports.cash import UNKNOWN_USER, CashCount
from app.persistence import models
from app.persistence.repositories._sql import Repository


class CashCountRepository(Repository):
    def add(self, row: models.CashCount) -> models.CashCount:
        return self._add(row)

    def between(self, start: date, end: date) -> list[CashCount]:
        """Every count of the days from ``start`` to ``end``, in the order they were made."""
        cc, u = models.CashCount, models.User
        stmt = (
            select(cc.day, cc.expected_cents, cc.counted_cents, u.username, cc.created_at, cc.note)
            .outerjoin(u, u.id == cc.user_id)
            .where(cc.day >= start, cc.day <= end)
            .order_by(cc.created_at, cc.id)
        )
        return [
            CashCount(day, expected, counted, user or UNKNOWN_USER, at, note)
            for day, expected, counted, user, at, note in self.session.execute(stmt)
        ]
