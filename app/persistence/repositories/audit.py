"""The audit log: appended inside each use case's transaction, searched by the viewer. Nothing
here updates or deletes a line (the database refuses it too)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select

from app.domain.audit import AuditEntry, AuditQuery
from app.persistence import models
from app.persistence.repositories._sql import Repository


def _filtered(stmt: Select[Any], query: AuditQuery) -> Select[Any]:
    a = models.AuditLog
    if query.username:
        stmt = stmt.where(a.username == query.username)
    if query.text.strip():
        like = f"%{query.text.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(a.action).like(like), func.lower(a.entity).like(like)))
    if query.entity:
        stmt = stmt.where(a.entity == query.entity)
    if query.entity_id is not None:
        stmt = stmt.where(a.entity_id == query.entity_id)
    if query.since is not None:
        stmt = stmt.where(a.at >= datetime.combine(query.since, time.min))
    if query.until is not None:
        stmt = stmt.where(a.at < datetime.combine(query.until + timedelta(days=1), time.min))
    return stmt


class AuditRepository(Repository):
    def append(self, row: models.AuditLog) -> None:
        """One more line, written with the caller's transaction (or not at all)."""
        self._add(row, flush=False)

    def search(self, query: AuditQuery, offset: int, limit: int) -> list[AuditEntry]:
        """Newest first."""
        a = models.AuditLog
        stmt = _filtered(select(a), query).order_by(a.at.desc(), a.id.desc())
        return [
            AuditEntry(r.id, r.at, r.username, r.action, r.entity, r.entity_id, r.before, r.after)
            for r in self.session.scalars(stmt.offset(offset).limit(limit))
        ]

    def count(self, query: AuditQuery) -> int:
        stmt = _filtered(select(func.count()).select_from(models.AuditLog), query)
        return int(self.session.scalar(stmt) or 0)

    def usernames(self) -> list[str]:
        """Everyone who appears in the log, alphabetically."""
        a = models.AuditLog
        stmt = select(a.username).distinct().order_by(a.username)
        return [u for u in self.session.scalars(stmt) if u]
