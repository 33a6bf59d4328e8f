"""Alembic environment shared by the app (``app.persistence.migrate``) and the ``alembic`` CLI.

The app passes an open connection in ``config.attributes["connection"]``; the CLI builds one from
``EMDIA_DB_URL`` or ``sqlalchemy.url``. SQLite gets batch mode (ALTER TABLE by copy).
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from app.persistence.db import make_engine
from app.persistence.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = os.environ.get("EMDIA_DB_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("Defina EMDIA_DB_URL ou sqlalchemy.url para rodar o Alembic.")
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("EmDia runs migrations online only (use `emdia self-check` / the app).")
run_migrations_online()
