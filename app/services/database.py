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
from app.security import keystore, unlock
from app.security.keys import DataKey, KeyFile, key_file_path
from app.services.base import Context, Permission, Service

__all__ = [
    "CopyRefused",
    "CopyResult",
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


PROTECTION_NONE, PROTECTION_SAME_KEY, PROTECTION_NEW_KEY = "", "mesma-chave", "nova-chave"


@dataclass(frozen=True)
class CopyResult(CopyReport):
    """What was copied, and how a new file is protected (``PROTECTION_*``; the recovery key
    of a new key, shown once)."""

    protection: str = PROTECTION_NONE
    recovery_code: str = ""


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (``None`` for a server)."""
    if backend_of(url) != "sqlite":
        return None
    location = location_of(url)
    return None if location in ("", ":memory:") else Path(location)


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
        """Connect to ``url`` (a few seconds at most) and say what is there; nothing changes —
        a database file that does not exist is not created (an empty file would look like a
        clinic with no data)."""
        url = self._target_url(url)
        file = sqlite_file(url)
        key = None
        if file is not None:
            if not file.is_file() or file.stat().st_size == 0:
                raise ValidationError.single(
                    "url",
                    f"Arquivo do banco: {file} não existe (ou está vazio); nada foi criado. "
                    "Confira o caminho — para copiar esta clínica para um arquivo novo, use "
                    "emdia db copy --to ARQUIVO.db.",
                )
            key = unlock.resolve_key(file)  # EMDIA_PASSPHRASE or this PC's keyring
        with self._open(url, key) as server, server.connecting():
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
        *,
        passphrase: str | None = None,
    ) -> CopyResult:
        """Copy this clinic into an empty database at ``url`` (a PostgreSQL server, or a new
        SQLite file for the way back), after migrating it to the same schema. All or nothing.

        A new file is encrypted from its first byte: with this clinic's key when it is
        encrypted (the same frase-senha and recovery key open it), else — unless this is the
        demo — with a new key (``passphrase`` wraps it where there is no keyring; its recovery
        key comes back in the result). A plain copy of a clinic is never written."""
        self.require(Permission.BACKUPS)  # the whole clinic's data leaves this file: admin
        url = self._target_url(url)
        if same_database(url, self.ctx.config.db_url):
            raise CopyRefused("Destino: é o mesmo banco que está aberto agora.")
        if not self.database.schema_state().at_head:
            raise CopyRefused("Este banco não está na versão atual: abra o EmDia antes de copiar.")
        file = sqlite_file(url)
        if file is None:
            return CopyResult(self._copy(url, None, progress, cancelled).counts)
        if file.exists() and file.stat().st_size > 0:
            raise CopyRefused(
                f"Destino: {file} já existe e já tem dados. Para não misturar clínicas, a cópia "
                "só vai para um arquivo novo."
            )
        if not file.parent.is_dir():
            raise CopyRefused(f"Destino: a pasta {file.parent} não existe.")
        key, protection, code = self._protect_copy(file, passphrase)
        try:
            report = self._copy(url, key, progress, cancelled)
        except BaseException:
            for leftover in (file, key_file_path(file)) if code or key else (file,):
                leftover.unlink(missing_ok=True)
            raise
        return CopyResult(report.counts, protection, code)

    def _protect_copy(self, file: Path, passphrase: str | None) -> tuple[DataKey | None, str, str]:
        """The key of the new file, what it is (``PROTECTION_*``) and the recovery key to show
        (only for a new key)."""
        source = self.ctx.config.sqlite_path
        if self.ctx.key is not None:
            keyfile = (KeyFile.load(key_file_path(source)) if source else None) or KeyFile.new(
                self.ctx.key
            )
            keyfile.save(key_file_path(file))
            keystore.store_key(keyfile.db_id, self.ctx.key)
            return self.ctx.key, PROTECTION_SAME_KEY, ""
        with self.uow() as uow:
            clinic = uow.clinic.get()
            demo = clinic is not None and clinic.is_demo
        if demo:
            return None, PROTECTION_NONE, ""  # fictitious people: the demo stays open
        unlock.check_new_passphrase(passphrase, None)
        key = unlock.new_protection(file, passphrase or None)
        return key, PROTECTION_NEW_KEY, key.recovery_code()

    def _copy(
        self,
        url: str,
        key: DataKey | None,
        progress: Progress | None,
        cancelled: IsCancelled | None,
    ) -> CopyReport:
        with self._open(url, key) as target:
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
    def _open(url: str, key: DataKey | None = None) -> Database:
        return Database.open(url, key, connect_timeout=CONNECT_TIMEOUT_S)
