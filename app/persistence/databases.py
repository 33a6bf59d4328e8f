"""A whole database as the services that manage it see it (Configurações → Banco de dados,
``emdia db``, ``emdia self-check``): where it is, which schema it has, how many rows, whether
SQLite finds it intact, and copying it into another — without handing anyone an engine or a URL
object. Database URLs stay plain text outside this module."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from app.domain.audit import AuditIntegrity
from app.errors import EmDiaError
from app.persistence import models
from app.persistence.db import make_engine, make_session_factory
from app.persistence.maintenance import CopyReport, copy_all_rows, table_counts
from app.persistence.migrate import SchemaState, schema_state, upgrade_to_head
from app.persistence.repositories.audit import audit_integrity
from app.persistence.uow import UnitOfWork
from app.progress import IsCancelled, Progress
from app.security.keys import DataKey

# --- database URLs as text ----------------------------------------------------------------------


def backend_of(url: str) -> str | None:
    """``"sqlite"``, ``"postgresql"``…; ``None`` when ``url`` is not a database URL at all."""
    try:
        return make_url(url).get_backend_name()
    except (ArgumentError, ValueError):
        return None


def shown_url(url: str) -> str:
    """The URL as it may be shown or logged: never the password (of a URL that cannot even be
    read, only the part before ``://``)."""
    if backend_of(url) is None:
        return url.partition("://")[0] + "://…"
    return make_url(url).render_as_string(hide_password=True)


def location_of(url: str) -> str:
    """The file path, or ``host:port/database`` of a server."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.host or 'localhost'}{port}/{parsed.database or ''}"


def same_database(url: str, other: str) -> bool:
    return make_url(url) == make_url(other)


def postgres_url(host: str, port: int, database: str, user: str, password: str) -> str:
    """The URL of a PostgreSQL database (through psycopg), password included."""
    return URL.create(
        "postgresql+psycopg",
        username=user,
        password=password or None,
        host=host,
        port=port,
        database=database,
    ).render_as_string(hide_password=False)


# --- one open database ----------------------------------------------------------------------------


def unreachable(shown: str, exc: BaseException) -> EmDiaError:
    """Why a server could not be reached, with what to check (pt-BR)."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    detail = reason[0] if reason else type(exc).__name__
    return EmDiaError(
        f"Não foi possível conectar a {shown}: {detail}. Confira servidor, porta, usuário e "
        "senha, e se o PostgreSQL aceita conexões desta rede (pg_hba.conf)."
    )


class Database:
    """One database, opened lazily (nothing connects before the first question)."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    @classmethod
    def open(
        cls, url: str, key: DataKey | None = None, *, connect_timeout: int | None = None
    ) -> Database:
        """``connect_timeout`` (seconds) applies to a server: a wrong address fails fast."""
        if connect_timeout is not None and backend_of(url) == "postgresql":
            engine = make_engine(url, key, connect_args={"connect_timeout": connect_timeout})
        else:
            engine = make_engine(url, key)
        return cls(engine, url)

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.dispose()

    def dispose(self) -> None:
        """Close every connection (before the file is replaced, or when done with a server)."""
        self.engine.dispose()

    @contextmanager
    def connecting(self) -> Iterator[None]:
        """Talking to another database: not reaching it (server off, wrong password, no route)
        leaves as a pt-BR ``EmDiaError`` naming it and what to check."""
        try:
            yield
        except DBAPIError as exc:
            raise unreachable(shown_url(self.url), exc) from exc

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def schema_state(self) -> SchemaState:
        return schema_state(self.engine)

    def upgrade_to_head(self) -> None:
        upgrade_to_head(self.engine)

    def table_counts(self) -> dict[str, int]:
        """Rows per table of EmDia's schema."""
        with self.engine.connect() as conn:
            return table_counts(conn)

    def server_version(self) -> str:
        """What the server says it is (PostgreSQL's ``version()``; ``SQLite x.y.z`` for a file)."""
        with self.engine.connect() as conn:
            if self.is_sqlite:
                return "SQLite " + str(conn.execute(text("SELECT sqlite_version()")).scalar())
            return str(conn.execute(text("SELECT version()")).scalar() or "")

    def audit_integrity(self) -> AuditIntegrity:
        """The audit log's chain verified line by line, and the triggers that protect it."""
        with self.engine.connect() as conn:
            return audit_integrity(conn)

    def append_audit(self, row: models.AuditLog) -> None:
        """One audit line written straight into this database, chained after its last one (a
        restore records itself in the file it brings back)."""
        with UnitOfWork(make_session_factory(self.engine)) as uow:
            uow.audit.append(row)
            uow.commit()

    def patient_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM patient")).scalar() or 0)

    def integrity(self) -> str:
        """``"ok"``, or what SQLite's ``quick_check`` found wrong (a server answering is ok)."""
        with self.engine.connect() as conn:
            if self.is_sqlite:
                return str(conn.execute(text("PRAGMA quick_check")).scalar())
            conn.execute(text("SELECT 1"))
            return "ok"

    def copy_into(
        self, target: Database, progress: Progress | None, cancelled: IsCancelled | None
    ) -> CopyReport:
        """Every row of this database into ``target`` (empty, same schema). All or nothing."""
        return copy_all_rows(self.engine, target.engine, progress, cancelled)
