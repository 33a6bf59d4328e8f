"""Reading the audit log (Configurações → Auditoria, for gestores and admins).

Writing happens through ``Service.audit`` inside each use case's transaction; nobody can change or
delete a line afterwards (the database refuses it, migration 0003).
"""

from __future__ import annotations

from app.domain.audit import AuditEntry, AuditQuery
from app.services.base import Permission, Service

__all__ = ["AuditEntry", "AuditQuery", "AuditService"]


class AuditService(Service):
    def search(
        self, query: AuditQuery | None = None, offset: int = 0, limit: int = 200
    ) -> list[AuditEntry]:
        """Newest first."""
        self.require(Permission.AUDIT)
        with self.uow() as uow:
            return uow.audit.search(query or AuditQuery(), offset, limit)

    def count(self, query: AuditQuery | None = None) -> int:
        self.require(Permission.AUDIT)
        with self.uow() as uow:
            return uow.audit.count(query or AuditQuery())

    def usernames(self) -> list[str]:
        """Everyone who appears in the log (for the viewer's filter)."""
        self.require(Permission.AUDIT)
        with self.uow() as uow:
            return uow.audit.usernames()
