"""Reading the audit log (Configurações → Auditoria, for gestores and admins) and checking it
was not tampered with.

Writing happens through ``Service.audit`` inside each use case's transaction; nobody can change or
delete a line afterwards (the database refuses it, migrations 0003 and 0012), and each line is
sealed to the one before it, so a change made around those triggers shows (``verify``).
"""

from __future__ import annotations

from app.domain.audit import AuditEntry, AuditIntegrity, AuditQuery
from app.services.base import Permission, Service

__all__ = ["AuditEntry", "AuditIntegrity", "AuditQuery", "AuditService"]


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

    def verify(self) -> AuditIntegrity:
        """Every line's seal and link, and the triggers that protect the table: where the
        chain breaks (line and date) and which protection is missing."""
        self.require(Permission.AUDIT)
        with self.uow() as uow:
            return uow.audit.integrity()
