"""Where the clinic's data lives, and moving it (Configurações → Banco de dados, ``emdia db``).

A clinic starts on one PC with a SQLite file. When a second PC arrives, the data moves to a
PostgreSQL server on the clinic's network ("usar servidor da clínica"): the server is tested,
migrated to the same schema, the local data is copied into it (ids and sequences included) and
this PC is set to open it. The way back is the same copy in the other direction, into a new
local file (``emdia db copy --to ARQUIVO.db --use``), or simply ``emdia db use local``, which
opens this PC's old file again as it was on the day of the move.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.config import SOURCE_DEFAULT, SOURCE_ENV, SOURCE_FLAG, SOURCE_SETTING, save_db_url, url_for
from app.domain.text import parse_int
from app.errors import EmDiaError, FieldError, ValidationError
from app.persistence.databases import (
    Database,
    backend_of,
    location_of,
    postgres_url,
    same_database,
    shown_url,
)
from app.persistence.maintenance import CopyReport
from app.persistence.migrate import head_revision
from app.progress import IsCancelled, Progress
from app.services.base import Context, Permission, Service

__all__ = [
    "CopyRefused",
    "DatabaseInfo",
    "DatabaseService",
    "ServerCheck",
    "location_of",
    "server_url",
]

CONNECT_TIMEOUT_S = 5

SOURCE_LABELS = {
    SOURCE_FLAG: "escolhido na linha de comando (--db)",
    SOURCE_ENV: "escolhido pela variável de ambiente EMDIA_DB_URL",
    SOURCE_SETTING: "escolhido em Configurações → Banco de dados",
    SOURCE_DEFAULT: "o arquivo deste computador (padrão)",
}


class CopyRefused(EmDiaError):
    pass


@dataclass(frozen=True)
class DatabaseInfo:
    engine: str  # "SQLite" | "PostgreSQL"
    location: str  # file path, or host:port/database (never the password)
    source: str  # how it was chosen, pt-BR
    on_server: bool
    local_file: str  # this PC's own file, kept when a server is used
    backup_dir: str
    tables: dict[str, int]

    @property
    def patients(self) -> int:
        return self.tables.get("patient", 0)


@dataclass(frozen=True)
class ServerCheck:
    url: str
    shown: str  # the URL without the password
    server_version: str
    schema: str | None  # Alembic revision on the server (None: empty database)
    head: str
    patients: int

    @property
    def empty(self) -> bool:
        return self.schema is None or self.patients == 0

    @property
    def ready_to_use(self) -> bool:
        """Another PC already moved the clinic there: this one can just start using it."""
        return self.schema == self.head and self.patients > 0

    @property
    def summary(self) -> str:
        if self.schema is None:
            state = "banco vazio, pronto para receber os dados da clínica"
        elif self.patients == 0:
            state = "banco do EmDia sem pacientes, pronto para receber os dados da clínica"
        elif self.schema != self.head:
            state = (
                f"banco do EmDia em outra versão (revisão {self.schema}; esta é {self.head}): "
                "atualize o EmDia em todos os computadores"
            )
        else:
            state = f"banco do EmDia já em uso, com {self.patients} pacientes"
        return f"Conectado a {self.shown} ({self.server_version}): {state}."


def server_url(host: str, port: str, database: str, user: str, password: str) -> str:
    """The PostgreSQL URL from the fields of the guided form (each checked, in pt-BR)."""
    errors: list[FieldError] = []
    host, database, user = host.strip(), database.strip(), user.strip()
    if not host:
        errors.append(FieldError("host", "Servidor: informe o nome ou o IP do computador."))
    number = 5432
    if port.strip():
        number = parse_int(port) or 0
        if not 1 <= number <= 65535:
            errors.append(FieldError("port", "Porta: um número de 1 a 65535 (padrão 5432)."))
    if not database:
        errors.append(FieldError("database", "Banco: informe o nome do banco, como emdia."))
    if not user:
        errors.append(FieldError("user", "Usuário: informe o usuário do PostgreSQL."))
    if errors:
        raise ValidationError(errors)
    return postgres_url(host, number, database, user, password)


class DatabaseService(Service):
    def __init__(self, ctx: Context, database: Database) -> None:
        super().__init__(ctx)
        self.database = database

    def info(self) -> DatabaseInfo:
        config = self.ctx.config
        sqlite = backend_of(config.db_url) == "sqlite"
        tables = self.database.table_counts()
        return DatabaseInfo(
            engine="SQLite" if sqlite else "PostgreSQL",
            location=location_of(config.db_url),
            source=SOURCE_LABELS.get(config.db_source, config.db_source),
            on_server=not sqlite,
            local_file=location_of(config.local_db_url),
            backup_dir=str(config.backup_dir),
            tables=tables,
        )

    def check(self, url: str) -> ServerCheck:
        """Connect to ``url`` (a few seconds at most) and say what is there; nothing changes."""
        url = self._target_url(url)
        with self._open(url) as server, server.connecting():
            version = server.server_version()
            state = server.schema_state()
            patients = server.patient_count() if state.current is not None else 0
        return ServerCheck(
            url=url,
            shown=shown_url(url),
            server_version=" ".join(version.split()[:2]),
            schema=state.current,
            head=state.head,
            patients=patients,
        )

    def copy_to(
        self,
        url: str,
        progress: Progress | None = None,
        cancelled: IsCancelled | None = None,
    ) -> CopyReport:
        """Copy this clinic into an empty database at ``url`` (a PostgreSQL server, or a new
        SQLite file for the way back), after migrating it to the same schema. All or nothing."""
        self.require(Permission.BACKUPS)  # the whole clinic's data leaves this file: admin
        url = self._target_url(url)
        if same_database(url, self.ctx.config.db_url):
            raise CopyRefused("Destino: é o mesmo banco que está aberto agora.")
        if not self.database.schema_state().at_head:
            raise CopyRefused("Este banco não está na versão atual: abra o EmDia antes de copiar.")
        with self._open(url) as target:
            with target.connecting():
                state = target.schema_state()
                if state.current is not None and state.current != head_revision():
                    raise CopyRefused(
                        f"Destino: já tem um banco do EmDia em outra versão ({state.current})."
                    )
                target.upgrade_to_head()
                existing = sum(target.table_counts().values())
            if existing:
                raise CopyRefused(
                    f"Destino: {shown_url(url)} já tem dados ({existing} registros). Para não "
                    "misturar clínicas, a cópia só vai para um banco vazio. Se outro computador "
                    "já levou a clínica para lá, use o servidor sem copiar."
                )
            return self.database.copy_into(target, progress, cancelled)

    def use(self, url: str | None) -> Path:
        """Open ``url`` from the next start on (``None``: this PC's own file again)."""
        self.require(Permission.BACKUPS)
        if self.ctx.config.demo:
            # The demo clinic has its own file; the choice of database belongs to the real one.
            raise CopyRefused(
                "Na clínica de demonstração não se escolhe o banco: abra a sua clínica para "
                "passar a usar o servidor."
            )
        target = None if url is None else self._target_url(url)
        if target is not None and same_database(target, self.ctx.config.local_db_url):
            target = None
        return save_db_url(self.ctx.config.data_dir, target)

    # --- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _target_url(url: str) -> str:
        url = url_for(url.strip())
        backend = backend_of(url)
        if backend is None:
            raise ValidationError.single(
                "url", f"Endereço do banco: '{shown_url(url)}' não é válido."
            )
        if backend not in ("sqlite", "postgresql"):
            raise ValidationError.single(
                "url", "Endereço do banco: use um arquivo .db ou postgresql+psycopg://…"
            )
        return url

    @staticmethod
    def _open(url: str) -> Database:
        return Database.open(url, connect_timeout=CONNECT_TIMEOUT_S)
