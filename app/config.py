"""Where EmDia keeps its files, and which database it opens.

Order of precedence for the database: ``--db PATH|URL`` on the command line, then the
``EMDIA_DB_URL`` environment variable, then ``emdia.db`` (or ``emdia-demo.db`` for the demo clinic)
in the user data folder given by platformdirs. ``EMDIA_HOME`` moves the whole data folder (tests
and portable installs use it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "EmDia"
DB_FILE_NAME = "emdia.db"
DEMO_DB_FILE_NAME = "emdia-demo.db"


@dataclass(frozen=True)
class Config:
    db_url: str
    data_dir: Path
    log_dir: Path
    backup_dir: Path
    documents_dir: Path
    demo: bool = False

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        """The database file for a SQLite URL (``None`` for in-memory or other engines)."""
        prefix = "sqlite:///"
        if not self.db_url.startswith(prefix):
            return None
        rest = self.db_url[len(prefix) :].split("?", 1)[0].removeprefix("file:")
        if not rest or rest == ":memory:":
            return None
        return Path(rest)


def data_dir_from_env() -> Path:
    home = os.environ.get("EMDIA_HOME")
    if home:
        return Path(home).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=True))


def url_for(path_or_url: str) -> str:
    """``--db`` accepts a file path or an SQLAlchemy URL (``postgresql+psycopg://…``)."""
    if "://" in path_or_url:
        return path_or_url
    return "sqlite:///" + Path(path_or_url).expanduser().resolve().as_posix()


def load_config(db: str | None = None, *, demo: bool = False) -> Config:
    data_dir = data_dir_from_env()
    env_url = os.environ.get("EMDIA_DB_URL")
    if db:
        url = url_for(db)
    elif env_url and not demo:
        url = url_for(env_url)
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
    )
