"""Where EmDia keeps its files, and which database it opens.

Order of precedence for the database: ``--db PATH|URL`` on the command line, then the
``EMDIA_DB_URL`` environment variable, then the clinic's server chosen in Configurações → Banco de
dados (saved in ``banco.json`` in the data folder), then ``emdia.db`` (or ``emdia-demo.db`` for the
demo clinic) in the user data folder given by platformdirs. ``EMDIA_HOME`` moves the whole data
folder (tests and portable installs use it).
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "EmDia"
DB_FILE_NAME = "emdia.db"
DEMO_DB_FILE_NAME = "emdia-demo.db"
DB_SETTING_FILE_NAME = "banco.json"

# How the database was chosen (shown in Configurações → Banco de dados and `emdia db show`).
SOURCE_FLAG, SOURCE_ENV, SOURCE_SETTING, SOURCE_DEFAULT = "--db", "EMDIA_DB_URL", "banco.json", ""


@dataclass(frozen=True)
class Config:
    db_url: str
    data_dir: Path
    log_dir: Path
    backup_dir: Path
    documents_dir: Path
    demo: bool = False
    db_source: str = SOURCE_DEFAULT

    @property
    def local_db_url(self) -> str:
        """This PC's own database file (where the clinic's data lives without a server)."""
        return url_for(str(self.data_dir / (DEMO_DB_FILE_NAME if self.demo else DB_FILE_NAME)))

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        """The database file for a SQLite URL (``None`` for in-memory or other engines)."""
        return sqlite_file(self.db_url)


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL (``None`` for in-memory or other engines)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    rest = url[len(prefix) :].split("?", 1)[0].removeprefix("file:")
    if not rest or rest == ":memory:":
        return None
    return Path(rest)


def clinic_exists(db: str | None) -> bool:
    """Whether the window started with ``--db db`` (or none) opens a clinic that exists already
    — a server, or a database file with something in it — as ``load_config`` would choose it,
    read without SQLAlchemy or the keyring: the start paints the login on this answer, before
    they are imported. (A new file, the first run, asks something else first.)"""
    data_dir = data_dir_from_env()
    chosen = db or os.environ.get("EMDIA_DB_URL")
    if not chosen and (data_dir / DB_SETTING_FILE_NAME).is_file():
        return True  # this PC opens the clinic's server (Configurações → Banco de dados)
    url = url_for(chosen or str(data_dir / DB_FILE_NAME))
    if not url.startswith("sqlite"):
        return True
    path = sqlite_file(url)
    try:
        return path is not None and path.stat().st_size > 0
    except OSError:
        return False


def data_dir_from_env() -> Path:
    home = os.environ.get("EMDIA_HOME")
    if home:
        return Path(home).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=True))


# PostgreSQL URLs as other programs write them: EmDia talks to the server through psycopg.
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def url_for(path_or_url: str) -> str:
    """``--db`` accepts a file path or an SQLAlchemy URL (``postgresql+psycopg://…``); a plain
    ``postgresql://`` URL (SQLAlchemy would look for psycopg2) means the same server."""
    for scheme in _POSTGRES_SCHEMES:
        if path_or_url.startswith(scheme):
            return "postgresql+psycopg://" + path_or_url[len(scheme) :]
    if "://" in path_or_url:
        return path_or_url
    return "sqlite:///" + Path(path_or_url).expanduser().resolve().as_posix()


def saved_db_url(data_dir: Path) -> str | None:
    """The clinic server this PC was set to use (Configurações → Banco de dados), if any."""
    try:
        saved = json.loads((data_dir / DB_SETTING_FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    url = saved.get("url") if isinstance(saved, dict) else None
    if not url:
        return None
    if saved.get("password_in_keyring"):
        from sqlalchemy.engine import make_url

        from app.security.keystore import load_server_password

        parsed = make_url(str(url))
        password = load_server_password(_server_account(str(url)))
        if password is not None:
            return parsed.set(password=password).render_as_string(hide_password=False)
    return str(url)


def _server_account(url: str) -> str:
    """The keyring entry of a server: who and where, never the password."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return (
        f"{parsed.username or ''}@{parsed.host or ''}:{parsed.port or ''}/{parsed.database or ''}"
    )


def save_db_url(data_dir: Path, url: str | None) -> Path:
    """Remember the database this PC opens from now on (``None``: back to its own file)."""
    path = data_dir / DB_SETTING_FILE_NAME
    data_dir.mkdir(parents=True, exist_ok=True)
    if url is None:
        path.unlink(missing_ok=True)
        return path
    saved: dict[str, object] = {"url": url}
    if "://" in url and not url.startswith("sqlite"):
        from sqlalchemy.engine import make_url

        from app.security.keystore import store_server_password

        parsed = make_url(url)
        # The server's password goes to the OS keyring (Windows Credential Manager) when there is
        # one, so the data folder holds no secret; without a keyring it stays in the file, which
        # only this user may read.
        if parsed.password and store_server_password(_server_account(url), str(parsed.password)):
            saved = {
                "url": parsed._replace(password=None).render_as_string(
                    hide_password=False
                ),  # set() ignores None
                "password_in_keyring": True,
            }
    path.write_text(json.dumps(saved, indent=2), encoding="utf-8")
    with contextlib.suppress(OSError):
        path.chmod(0o600)
    return path


def load_config(db: str | None = None, *, demo: bool = False) -> Config:
    data_dir = data_dir_from_env()
    env_url = os.environ.get("EMDIA_DB_URL")
    saved = None if demo else saved_db_url(data_dir)
    source = SOURCE_DEFAULT
    if db:
        url, source = url_for(db), SOURCE_FLAG
    elif env_url and not demo:
        url, source = url_for(env_url), SOURCE_ENV
    elif saved:
        url, source = url_for(saved), SOURCE_SETTING
    else:
        url = url_for(str(data_dir / (DEMO_DB_FILE_NAME if demo else DB_FILE_NAME)))
    if os.environ.get("EMDIA_LOG_DIR"):
        log_dir = Path(os.environ["EMDIA_LOG_DIR"])
    elif os.environ.get("EMDIA_HOME"):
        log_dir = data_dir / "logs"
    else:
        log_dir = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    return Config(
        db_url=url,
        data_dir=data_dir,
        log_dir=log_dir,
        backup_dir=data_dir / "backups",
        documents_dir=data_dir / "documentos",
        demo=demo,
        db_source=source,
    )
