"""Start-up: back up the database file, then bring the schema to Alembic's head.

Used by the GUI and the CLI alike (via ``app.bootstrap``). A database stamped with a revision
this version of EmDia does not know was made by a newer EmDia: it is refused, untouched.

Start-up speed: on every start but the first after an update, the database is already at head.
That is checked with one query and a scan of the migration files' ``revision`` lines, without
importing Alembic (a fifth of the window's start-up time); Alembic is loaded only to migrate.
The migration scripts are found next to the ``migrations`` package, which the installer ships
as plain files beside the frozen program (installer/emdia.spec).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

import migrations
from app.errors import DatabaseError
from app.persistence.sqlite_files import copy_database
from app.security.keys import DataKey

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(migrations.__file__).resolve().parent
VERSIONS_DIR = MIGRATIONS_DIR / "versions"


def alembic_config() -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    if not (MIGRATIONS_DIR / "env.py").exists():
        raise DatabaseError(
            f"Instalação incompleta: faltam os arquivos de migração em {MIGRATIONS_DIR}. "
            "Reinstale o EmDia."
        )
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


_QUOTED = re.compile(r"""["']([^"']+)["']""")
_LINE = re.compile(r"^(revision|down_revision)\b[^=]*=(.*)$", re.MULTILINE)


def head_revision() -> str:
    """The newest revision, from the scripts' ``revision``/``down_revision`` lines (the one no
    other script revises). A test checks it against Alembic's own answer."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for script in VERSIONS_DIR.glob("*.py"):
        for key, value in _LINE.findall(script.read_text(encoding="utf-8")):
            (revisions if key == "revision" else revised).update(_QUOTED.findall(value))
    heads = revisions - revised
    if len(heads) != 1:  # pragma: no cover - two heads: a merge revision is missing
        raise DatabaseError(f"Migrações com mais de uma ponta: {sorted(heads)}.")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return None if found is None else str(found)


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
    from alembic.script import ScriptDirectory

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
    from alembic import command

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
    if state.current is not None and not state.at_head and state.current not in _known_revisions():
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
