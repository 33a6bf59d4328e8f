"""The integration suite runs every ``services`` test twice: on SQLite (one clinic PC) and on a
real PostgreSQL server (a clinic with several PCs), each test on a fresh, migrated database.

PostgreSQL comes from ``EMDIA_TEST_PG_URL`` (``.ci/run`` starts a throw-away server); without it
the PostgreSQL variants are skipped, unless ``EMDIA_REQUIRE_PG=1`` says they must run. Slow tests
(the 20,000-patient demo) run on SQLite only: the bench measures PostgreSQL at that size.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.bootstrap import Services, bootstrap
from app.clock import FixedClock
from app.config import Config, load_config
from tests.pg import PgServer

BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_backend" not in metafunc.fixturenames:
        return
    slow = metafunc.definition.get_closest_marker("slow") is not None
    # Files, pages and encryption keys are SQLite's: the server does those itself.
    sqlite_only = metafunc.definition.get_closest_marker("sqlite_only") is not None
    params = [pytest.param("sqlite", id="sqlite")]
    if not (slow or sqlite_only):
        params.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))
    metafunc.parametrize("db_backend", params)


@pytest.fixture
def backend_config(
    db_backend: str, config: Config, request: pytest.FixtureRequest
) -> Iterator[Config]:
    if db_backend == "sqlite":
        yield config
        return
    server: PgServer = request.getfixturevalue("pg_server")
    url = server.fresh_database()
    try:
        yield load_config(url)
    finally:
        server.drop(url)


@pytest.fixture
def services(backend_config: Config, clock: FixedClock) -> Iterator[Services]:
    svc = bootstrap(backend_config, clock)
    yield svc
    svc.close()
