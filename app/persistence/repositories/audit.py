"""The audit log: appended inside each use case's transaction, sealed into a chain as that
transaction commits, searched by the viewer, verified by ``self-check`` and Auditoria. Nothing
here updates or deletes a line (the database refuses it too).

Two PCs on one PostgreSQL server must never chain two lines to the same predecessor (a fork):
:meth:`AuditRepository.seal` takes the chain's lock — a transaction-level advisory lock on
PostgreSQL, the database's write lock on SQLite — reads the last seal, and writes this
transaction's lines after it; the lock holds until the commit, so the next writer reads this
transaction's last seal. It is the last lock a transaction takes (after its other changes are
flushed), so it never waits for a row while holding it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Select, String, func, or_, select, text, type_coerce
from sqlalchemy.orm import Session

from app.domain.audit import (
    GENESIS,
    AuditEntry,
    AuditIntegrity,
    AuditLink,
    AuditQuery,
    canonical,
    seal,
    verify_chain,
)
from app.persistence import models
from app.persistence.repositories._sql import Repository, begin_write

# pg_advisory_xact_lock key of the chain ("emdia_au" in ASCII): one writer at a time appends.
CHAIN_LOCK = 0x656D6469615F6175


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
    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._pending: list[tuple[models.AuditLog, models.Document | None]] = []

    def append(self, row: models.AuditLog, *, subject: models.Document | None = None) -> None:
        """One more line, written with the caller's transaction (or not at all).

        ``subject``: the record the line is about, when it gets its id only as the transaction
        commits (a batch writes its documents then); the line takes that id."""
        self._pending.append((row, subject))

    def seal(self) -> None:
        """Chain this transaction's lines after the last one written and add them (the unit of
        work calls this as it commits)."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        self.session.flush()  # every other change first: its ids, and its row locks
        previous = self._last_seal()
        for row, subject in pending:
            if subject is not None:
                row.entity_id = subject.id
            row.prev_hash = previous
            row.hash = previous = seal(
                previous,
                canonical(
                    row.at,
                    row.user_id,
                    row.username,
                    row.action,
                    row.entity,
                    row.entity_id,
                    row.before,
                    row.after,
                ),
            )
            self.session.add(row)
        self.session.flush()

    def _last_seal(self) -> str:
        """The newest line's seal, read under the chain's lock (held until the commit)."""
        conn = self.session.connection()
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
        else:
            begin_write(self.session)
        a = models.AuditLog
        last = self.session.scalar(select(a.hash).order_by(a.id.desc()).limit(1))
        return last if last is not None else GENESIS

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

    def integrity(self) -> AuditIntegrity:
        return audit_integrity(self.session.connection())


# --- verification (the repository above, and ``self-check`` through ``Database``) ---------------


def _json(value: Any) -> Any:
    """A before/after value as stored: text from SQLite, already decoded by PostgreSQL's driver.
    Text that is not JSON (written by hand) is kept as it is: its line's seal will not match."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def links(conn: Connection) -> Iterator[AuditLink]:
    """Every line with what its seal covers, oldest first, read in pages."""
    a = models.AuditLog.__table__.c
    stmt = select(
        a.id,
        a.at,
        a.user_id,
        a.username,
        a.action,
        a.entity,
        a.entity_id,
        type_coerce(a.before, String()),
        type_coerce(a.after, String()),
        a.prev_hash,
        a.hash,
    ).order_by(a.id)
    for row in conn.execution_options(yield_per=2000).execute(stmt):
        yield AuditLink(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            row[6],
            _json(row[7]),
            _json(row[8]),
            row[9],
            row[10],
        )


# The triggers that refuse changes to the log, and what each one refuses (pt-BR).
SQLITE_GUARDS = {
    "audit_log_no_update": ("BEFORE UPDATE ON AUDIT_LOG", "alterar"),
    "audit_log_no_delete": ("BEFORE DELETE ON AUDIT_LOG", "apagar"),
    "audit_log_no_replace": ("BEFORE INSERT ON AUDIT_LOG", "substituir (REPLACE)"),
}
POSTGRES_GUARDS = {
    "audit_log_append_only": (("UPDATE", "DELETE"), "alterar ou apagar"),
    "audit_log_no_truncate": (("TRUNCATE",), "esvaziar (TRUNCATE)"),
}
ENABLED = ("O", "A")  # pg_trigger.tgenabled: fires (origin, always); D is disabled


def _guard_problem(name: str, what: str, state: str) -> str:
    return (
        f"Auditoria: a proteção do banco que impede {what} linhas (gatilho {name}) {state} "
        "fora do EmDia. Alguém mexeu no banco de dados diretamente: confira o registro e peça "
        "ao suporte para recriá-la."
    )


def guard_problems(conn: Connection) -> list[str]:
    """What is missing from the triggers that make the log append-only."""
    if conn.dialect.name == "postgresql":
        return _postgres_guards(conn)
    rows = conn.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
        {"t": "audit_log"},
    ).all()
    found = {str(name): str(sql or "") for name, sql in rows}
    problems = []
    for name, (event, what) in SQLITE_GUARDS.items():
        sql = " ".join(found.get(name, "").upper().split())
        if event not in sql or "RAISE(ABORT" not in sql:
            problems.append(_guard_problem(name, what, "foi removida ou alterada"))
    return problems


def _postgres_guards(conn: Connection) -> list[str]:
    rows = conn.execute(
        text(
            "SELECT t.tgname, t.tgenabled, pg_get_triggerdef(t.oid), p.prosrc "
            "FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgrelid = 'audit_log'::regclass AND NOT t.tgisinternal"
        )
    ).all()
    found = {str(r[0]): (str(r[1]), str(r[2]).upper(), str(r[3]).upper()) for r in rows}
    problems = []
    for name, (events, what) in POSTGRES_GUARDS.items():
        if name not in found:
            problems.append(_guard_problem(name, what, "foi removida"))
            continue
        enabled, definition, body = found[name]
        if not all(e in definition for e in events) or "RAISE EXCEPTION" not in body:
            problems.append(_guard_problem(name, what, "foi alterada"))
        elif enabled not in ENABLED:
            problems.append(_guard_problem(name, what, "está desativada"))
    return problems


def audit_integrity(conn: Connection) -> AuditIntegrity:
    """The chain verified line by line, and the triggers that protect it."""
    return AuditIntegrity(verify_chain(links(conn)), tuple(guard_problems(conn)))
