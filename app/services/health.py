"""``emdia self-check``: is this installation healthy? (versions, database, schema, and an audit
log nobody tampered with: every line's seal and the triggers that protect the table)."""

from __future__ import annotations

import platform
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version

import app
from app.config import Config
from app.persistence.databases import Database, backend_of, shown_url
from app.persistence.migrate import head_revision
from app.persistence.sqlite_files import is_encrypted

_PACKAGES = ("SQLAlchemy", "alembic", "PySide6-Essentials", "reportlab", "sqlcipher3", "keyring")


@dataclass(frozen=True)
class HealthReport:
    emdia_version: str
    python_version: str
    packages: dict[str, str]
    database: str
    engine: str
    database_exists: bool
    schema_current: str | None
    schema_head: str
    schema_at_head: bool
    integrity: str
    encrypted: bool
    patients: int | None
    audit_ok: bool | None  # None: not checked (no database, or a schema to migrate first)
    audit: str
    data_dir: str
    log_dir: str
    problems: list[str]

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "healthy": self.healthy}


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "não instalado"


def check(config: Config, database: Database, *, key_problem: str | None = None) -> HealthReport:
    """Inspect without changing anything (a missing SQLite file is not created). An encrypted
    database is read with the key it was opened with; ``key_problem`` says why there is none."""
    problems: list[str] = []
    path = config.sqlite_path
    exists = path.exists() if path is not None else True
    current: str | None = None
    head = head_revision()
    integrity = "não verificado"
    patients: int | None = None
    audit_ok: bool | None = None
    audit = "não verificada"
    encrypted = path is not None and is_encrypted(path)
    if key_problem:
        problems.append(key_problem)
    elif not exists:
        problems.append(
            f"Banco de dados ainda não existe em {path}. Abra o EmDia ou rode `emdia demo`."
        )
    else:
        try:
            state = database.schema_state()
            current = state.current
            integrity = database.integrity()
            if integrity != "ok":
                problems.append(f"Verificação de integridade do SQLite falhou: {integrity}")
            if state.at_head:
                patients = database.patient_count()
                log = database.audit_integrity()
                audit_ok = log.ok
                audit = (
                    f"íntegra ({log.entries} linhas encadeadas)"
                    if log.ok
                    else "com problemas (veja abaixo)"
                )
                problems.extend(log.problems())
            if not state.at_head:
                problems.append(
                    f"Esquema do banco na revisão {current or 'nenhuma'}, esperado {head}: "
                    "abra o EmDia para atualizar (um backup é feito antes)."
                )
        except Exception as exc:  # reported, not raised: self-check must always answer
            problems.append(f"Não foi possível abrir o banco de dados: {exc}")
    return HealthReport(
        emdia_version=app.__version__,
        python_version=platform.python_version(),
        packages={name: _package_version(name) for name in _PACKAGES},
        database=shown_url(config.db_url),
        engine=backend_of(config.db_url) or "",
        database_exists=exists,
        schema_current=current,
        schema_head=head,
        schema_at_head=current == head,
        integrity=integrity,
        encrypted=encrypted,
        patients=patients,
        audit_ok=audit_ok,
        audit=audit,
        data_dir=str(config.data_dir),
        log_dir=str(config.log_dir),
        problems=problems,
    )
