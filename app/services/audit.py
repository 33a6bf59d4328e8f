"""Reading the audit log (Configurações → Auditoria, for gestores and admins).

Writing happens through ``Service.audit`` inside each use case's transaction; nobody can change or
delete a line afterwards (the database refuses it, migration 0003).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select

from app.persistence import models
from app.services.base import Permission, Service


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


class AuditService(Service):
    def search(
        self, query: AuditQuery | None = None, offset: int = 0, limit: int = 200
    ) -> list[AuditEntry]:
        self.require(Permission.AUDIT)
        query = query or AuditQuery()
        a = models.AuditLog
        stmt = _filtered(select(a), query).order_by(a.at.desc(), a.id.desc())
        with self.uow() as uow:
            rows = uow.session.scalars(stmt.offset(offset).limit(limit))
            return [
                AuditEntry(
                    r.id, r.at, r.username, r.action, r.entity, r.entity_id, r.before, r.after
                )
                for r in rows
            ]

    def count(self, query: AuditQuery | None = None) -> int:
        self.require(Permission.AUDIT)
        stmt = _filtered(select(func.count()).select_from(models.AuditLog), query or AuditQuery())
        with self.uow() as uow:
            return int(uow.session.scalar(stmt) or 0)

    def usernames(self) -> list[str]:
        """Everyone who appears in the log (for the viewer's filter)."""
        self.require(Permission.AUDIT)
        with self.uow() as uow:
            stmt = select(models.AuditLog.username).distinct().order_by(models.AuditLog.username)
            return [u for u in uow.session.scalars(stmt) if u]
