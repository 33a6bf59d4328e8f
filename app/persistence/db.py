"""Engine creation with the pragmas a desktop clinic database needs, and the translation of the
database's low-level failures into messages a clinic can act on.

SQLite: WAL (readers never block the writer), foreign keys enforced, a busy timeout so a second
window or the CLI waits instead of failing, and ``synchronous=FULL`` so a payment the app reported
as saved survives a power cut. With a key the file is opened through SQLCipher (``sqlcipher3``):
same SQLite, every page encrypted. PostgreSQL needs none of this (encryption at rest is the
server's job there).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import DatabaseError
from app.security.keys import DataKey

BUSY_TIMEOUT_MS = 10_000

# SQLite's page cache per connection, in KiB (a negative cache_size): 64 MiB, where SQLite's
# default is 2 MiB. A clinic's file of a few thousand patients fits in it whole; at 20,000
# patients (≈ 160 MB) it holds what the worklist and Início read, so a second look finds its
# pages decoded in memory instead of asking the operating system for each again (and, with
# SQLCipher, decrypting each again). Memory is taken only as pages are read.
PAGE_CACHE_KIB = 65_536


def make_engine(url: str, key: DataKey | None = None, **kwargs: Any) -> Engine:
    if key is not None:
        from sqlcipher3 import dbapi2 as sqlcipher

        kwargs["module"] = sqlcipher
    # A failed statement's message never carries its values (names, CPFs, password hashes):
    # errors end up in the log file.
    kwargs.setdefault("hide_parameters", True)
    try:
        engine = create_engine(url, **kwargs)
    except (ImportError, NoSuchModuleError) as exc:
        raise missing_driver(url) from exc
    if engine.dialect.name == "sqlite":

        def on_connect(dbapi_connection: Any, _record: object) -> None:
            _sqlite_pragmas(dbapi_connection, key)

        event.listen(engine, "connect", on_connect)
    elif engine.dialect.name == "postgresql":
        from app.persistence.models import add_postgresql_predicates
        from app.persistence.repositories._sql import IdArray

        add_postgresql_predicates()
        dumper = id_array_dumper()

        def on_pg_connect(dbapi_connection: Any, _record: object) -> None:
            dbapi_connection.adapters.register_dumper(IdArray, dumper)

        event.listen(engine, "connect", on_pg_connect)
    return engine


def id_array_dumper() -> type[Any]:
    """psycopg's dumper of an ``IdArray``: the ids joined into the array's text at once and
    sent typed ``integer[]``, so the server folds it into a constant (its hashed ``= ANY``
    lookup). psycopg's own list dumper checks every element through Python, and a text
    parameter cast by the SQL is not folded (``= ANY`` then parses the array again for each
    row: measured 3 s instead of 0.05 s on one query at 80,000 patients)."""
    from psycopg.adapt import Dumper
    from psycopg.postgres import types

    class IdArrayDumper(Dumper):
        oid = types["int4"].array_oid

        def dump(self, obj: list[int]) -> bytes:
            return ("{" + ",".join(map(str, obj)) + "}").encode()

    return IdArrayDumper


def missing_driver(url: str) -> DatabaseError:
    """The database URL names a driver this installation does not have (pt-BR)."""
    scheme = url.partition("://")[0]
    return DatabaseError(
        f"Endereço do banco: '{scheme}://…' precisa de um driver que não está instalado. O EmDia "
        "fala com o PostgreSQL pelo psycopg: use postgresql+psycopg://usuario@servidor/banco "
        "e, se o psycopg faltar, reinstale o EmDia com o suporte a servidor "
        "(pip install 'emdia[postgres]')."
    )


def _sqlite_pragmas(dbapi_connection: Any, key: DataKey | None) -> None:
    cursor = dbapi_connection.cursor()
    try:
        if key is not None:
            cursor.execute("PRAGMA cipher_log_level = NONE")
            cursor.execute(key.pragma)  # must be the first statement on the connection
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


# --- what went wrong, in words a clinic can act on ---------------------------------------------

_RESTORE = (
    "Nada foi alterado nele. Se o problema continuar, restaure o último backup "
    "(Configurações → Usuários e backups → Restaurar, ou `emdia backup restore ARQUIVO`)."
)


def explain(exc: BaseException, where: Path | str | None) -> DatabaseError | None:
    """Map a driver error to a pt-BR ``DatabaseError``; ``None`` when it is not one we know."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    place = f" ({where})" if where else ""
    if "readonly" in text or "read-only" in text:
        return DatabaseError(
            f"O banco de dados{place} está somente para leitura: o EmDia não consegue gravar "
            "nele. Verifique as permissões do arquivo e da pasta (ou se o pendrive está "
            "travado contra gravação). Nada foi salvo desta última ação."
        )
    if "disk is full" in text or "database or disk is full" in text or "no space" in text:
        return DatabaseError(
            f"O disco do banco de dados{place} está cheio. Nada desta última ação foi salvo; o "
            "que já estava salvo continua salvo. Libere espaço (esvazie a lixeira, apague "
            "arquivos grandes) e tente de novo."
        )
    if "unable to open database" in text or "cannot open" in text:
        return DatabaseError(
            f"Não foi possível abrir o banco de dados{place}. A pasta existe e está acessível? "
            "(um pendrive ou unidade de rede desconectada causa isso)."
        )
    if "file is not a database" in text or "malformed" in text or "not a database" in text:
        return DatabaseError(
            f"O arquivo do banco de dados{place} está danificado ou não é um banco do EmDia "
            f"(ou a chave de criptografia não confere). {_RESTORE}"
        )
    if "disk i/o error" in text:
        return DatabaseError(
            f"Erro de leitura/gravação no disco do banco de dados{place}. Nada desta última "
            f"ação foi salvo. Verifique o disco ou o pendrive. {_RESTORE}"
        )
    if "database is locked" in text or "database is busy" in text:
        return DatabaseError(
            "O banco de dados está ocupado por outra janela ou computador há mais de "
            f"{BUSY_TIMEOUT_MS // 1000} segundos. Tente de novo em instantes; nada foi salvo."
        )
    return None
