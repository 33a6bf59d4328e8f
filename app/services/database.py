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

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from app.config import SOURCE_DEFAULT, SOURCE_ENV, SOURCE_FLAG, SOURCE_SETTING, save_db_url, url_for
from app.errors import EmDiaError, FieldError, ValidationError
from app.persistence.db import make_engine
from app.persistence.maintenance import (
    Cancelled,
    CopyCancelled,
    CopyReport,
    Progress,
    copy_all_rows,
    table_counts,
)
from app.persistence.migrate import head_revision, schema_state, upgrade_to_head
from app.services.base import Context, Permission, Service

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


def shown_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def location_of(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.host or 'localhost'}{port}/{parsed.database or ''}"


def server_url(host: str, port: str, database: str, user: str, password: str) -> str:
    """The PostgreSQL URL from the fields of the guided form (each checked, in pt-BR)."""
    errors: list[FieldError] = []
    host, database, user = host.strip(), database.strip(), user.strip()
    if not host:
        errors.append(FieldError("host", "Servidor: informe o nome ou o IP do computador."))
    number = 5432
    if port.strip():
        try:
            number = int(port.strip())
        except ValueError:
            number = 0
        if not 1 <= number <= 65535:
            errors.append(FieldError("port", "Porta: um número de 1 a 65535 (padrão 5432)."))
    if not database:
        errors.append(FieldError("database", "Banco: informe o nome do banco, como emdia."))
    if not user:
        errors.append(FieldError("user", "Usuário: informe o usuário do PostgreSQL."))
    if errors:
        raise ValidationError(errors)
    return URL.create(
        "postgresql+psycopg",
        username=user,
        password=password or None,
        host=host,
        port=number,
        database=database,
    ).render_as_string(hide_password=False)


def _connection_problem(shown: str, exc: BaseException) -> EmDiaError:
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    detail = reason[0] if reason else type(exc).__name__
    return EmDiaError(
        f"Não foi possível conectar a {shown}: {detail}. Confira servidor, porta, usuário e "
        "senha, e se o PostgreSQL aceita conexões desta rede (pg_hba.conf)."
    )


class DatabaseService(Service):
    def __init__(self, ctx: Context, engine: Engine) -> None:
        super().__init__(ctx)
        self.engine = engine

    def info(self) -> DatabaseInfo:
        config = self.ctx.config
        url = make_url(config.db_url)
        sqlite = url.get_backend_name() == "sqlite"
        with self.engine.connect() as conn:
            tables = table_counts(conn)
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
        shown = shown_url(url)
        engine = self._engine_for(url)
        try:
            with engine.connect() as conn:
                version = str(conn.execute(text("SELECT version()")).scalar() or "")
            state = schema_state(engine)
            patients = 0
            if state.current is not None:
                with engine.connect() as conn:
                    patients = int(conn.execute(text("SELECT count(*) FROM patient")).scalar() or 0)
        except DBAPIError as exc:
            raise _connection_problem(shown, exc) from exc
        finally:
            engine.dispose()
        return ServerCheck(
            url=url,
            shown=shown,
            server_version=" ".join(version.split()[:2]),
            schema=state.current,
            head=state.head,
            patients=patients,
        )

    def copy_to(
        self,
        url: str,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> CopyReport:
        """Copy this clinic into an empty database at ``url`` (a PostgreSQL server, or a new
        SQLite file for the way back), after migrating it to the same schema. All or nothing."""
        self.require(Permission.BACKUPS)  # the whole clinic's data leaves this file: admin
        url = self._target_url(url)
        if make_url(url) == make_url(self.ctx.config.db_url):
            raise CopyRefused("Destino: é o mesmo banco que está aberto agora.")
        current = schema_state(self.engine)
        if not current.at_head:
            raise CopyRefused("Este banco não está na versão atual: abra o EmDia antes de copiar.")
        target = self._engine_for(url)
        try:
            try:
                state = schema_state(target)
                if state.current is not None and state.current != head_revision():
                    raise CopyRefused(
                        f"Destino: já tem um banco do EmDia em outra versão ({state.current})."
                    )
                upgrade_to_head(target)
                with target.connect() as conn:
                    existing = sum(table_counts(conn).values())
            except DBAPIError as exc:
                raise _connection_problem(shown_url(url), exc) from exc
            if existing:
                raise CopyRefused(
                    f"Destino: {shown_url(url)} já tem dados ({existing} registros). Para não "
                    "misturar clínicas, a cópia só vai para um banco vazio. Se outro computador "
                    "já levou a clínica para lá, use o servidor sem copiar."
                )
            try:
                return copy_all_rows(self.engine, target, progress, cancelled)
            except CopyCancelled:
                raise CopyRefused("Cópia cancelada; nada foi gravado no destino.") from None
        finally:
            target.dispose()

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
        if target is not None and make_url(target) == make_url(self.ctx.config.local_db_url):
            target = None
        return save_db_url(self.ctx.config.data_dir, target)

    # --- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _target_url(url: str) -> str:
        url = url_for(url.strip())
        try:
            backend = make_url(url).get_backend_name()
        except ArgumentError:
            raise ValidationError.single(
                "url", f"Endereço do banco: '{shown_url(url)}' não é válido."
            ) from None
        if backend not in ("sqlite", "postgresql"):
            raise ValidationError.single(
                "url", "Endereço do banco: use um arquivo .db ou postgresql+psycopg://…"
            )
        return url

    @staticmethod
    def _engine_for(url: str) -> Engine:
        if make_url(url).get_backend_name() == "postgresql":
            return make_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
        return make_engine(url)
