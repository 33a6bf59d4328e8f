"""Start-up: back up the database file, then bring the schema to Alembic's head.

Used by the GUI and the CLI alike (via ``app.bootstrap``). A database stamped with a revision
this version of EmDia does not know was made by a newer EmDia: it is refused, untouched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

import migrations
from app.errors import DatabaseError
from app.persistence.sqlite_files import copy_database
from app.security.keys import DataKey

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(migrations.__file__).resolve().parent


def alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RuntimeError("no Alembic head")
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str

    @property
    def at_head(self) -> bool:
        return self.current == self.head


def schema_state(engine: Engine) -> SchemaState:
    return SchemaState(current=current_revision(engine), head=head_revision())


def known_revisions() -> set[str]:
    """Every schema revision this version of EmDia can open."""
    return _known_revisions()


def _known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def backup_sqlite(
    source: Path, backup_dir: Path, label: str, now: datetime, key: DataKey | None = None
) -> Path:
    """Consistent copy of a live SQLite file through the online backup API (WAL-safe); the
    copy of an encrypted database is encrypted with the same key."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = backup_dir / f"{source.stem}-{label}-{now:%Y%m%d-%H%M%S}.db"
    copy_database(source, target, key)
    return target


@dataclass(frozen=True)
class PrepareReport:
    previous: str | None
    head: str
    backup: Path | None

    @property
    def migrated(self) -> bool:
        return self.previous != self.head


def upgrade_to_head(engine: Engine) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def prepare_database(
    engine: Engine,
    *,
    sqlite_path: Path | None,
    backup_dir: Path,
    now: datetime,
    key: DataKey | None = None,
) -> PrepareReport:
    """Back up (when there is something to lose) and migrate to head. Idempotent."""
    if sqlite_path is not None:
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    state = schema_state(engine)
    if state.current is not None and state.current not in _known_revisions():
        raise DatabaseError(
            "Este banco de dados foi criado por uma versão mais nova do EmDia "
            f"(revisão {state.current}). Atualize o EmDia neste computador; "
            "o banco não foi alterado."
        )
    backup = None
    if not state.at_head:
        if state.current is not None and sqlite_path is not None and sqlite_path.exists():
            backup = backup_sqlite(sqlite_path, backup_dir, f"antes-de-{state.head}", now, key)
            log.info("backup before migration: %s", backup)
        log.info("migrating schema %s -> %s", state.current, state.head)
        upgrade_to_head(engine)
    return PrepareReport(previous=state.current, head=state.head, backup=backup)
