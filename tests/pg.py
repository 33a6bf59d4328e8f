"""Fresh PostgreSQL databases for tests, copied from one migrated template (fast: a file copy on
the server instead of running every migration per test).

Each pytest-xdist worker has its own template and database names, so workers never collide.
"""

from __future__ import annotations

import itertools
import os
import uuid

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from app.persistence.db import make_engine
from app.persistence.migrate import upgrade_to_head


def pg_url_or_skip() -> str:
    url = os.environ.get("EMDIA_TEST_PG_URL")
    if not url:
        if os.environ.get("EMDIA_REQUIRE_PG"):
            pytest.fail("EMDIA_REQUIRE_PG is set but EMDIA_TEST_PG_URL is not")
        pytest.skip("no PostgreSQL server configured (EMDIA_TEST_PG_URL)")
    return url


class PgServer:
    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.prefix = f"emdia_{worker}_{uuid.uuid4().hex[:6]}"
        self.template = f"{self.prefix}_tpl"
        self._counter = itertools.count()
        self.admin: Engine = make_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
        self._create(self.template, template=None)
        engine = make_engine(self._url_of(self.template))
        try:
            upgrade_to_head(engine)
        finally:
            engine.dispose()

    def _url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _create(self, name: str, template: str | None) -> None:
        clause = f" TEMPLATE {template}" if template else ""
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))

    def fresh_database(self) -> str:
        """A new, migrated, empty database; returns its SQLAlchemy URL."""
        name = f"{self.prefix}_{next(self._counter)}"
        self._create(name, self.template)
        return self._url_of(name)

    def empty_database(self) -> str:
        """A new database with no schema at all (for copying into, or migrating from scratch)."""
        name = f"{self.prefix}_{next(self._counter)}"
        self._create(name, None)
        return self._url_of(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        self.drop(self._url_of(self.template))
        self.admin.dispose()


def pg_server_or_skip() -> PgServer:
    return PgServer(pg_url_or_skip())
