"""The worklist and the dashboard give the same answers on PostgreSQL (multi-PC clinics) as on
SQLite: same demo clinic, same day, same rows, same figures."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from app.bootstrap import bootstrap
from app.clock import FixedClock
from app.config import load_config
from app.persistence import migrate
from app.persistence.db import make_engine
from bench.bench_worklist import canonical

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("postgres")]


def test_postgresql_and_sqlite_agree(tmp_path: Path) -> None:
    url = os.environ.get("EMDIA_TEST_PG_URL")
    if not url:
        if os.environ.get("EMDIA_REQUIRE_PG"):
            pytest.fail("EMDIA_REQUIRE_PG is set but EMDIA_TEST_PG_URL is not")
        pytest.skip("no PostgreSQL server configured (EMDIA_TEST_PG_URL)")
    from alembic import command

    clock = FixedClock(date(2026, 3, 16))
    cfg = migrate.alembic_config()

    def empty_postgresql() -> None:
        engine = make_engine(url)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        engine.dispose()

    answers = []
    for target in (str(tmp_path / "clinic.db"), url):
        if target == url:
            empty_postgresql()
        services = bootstrap(load_config(target), clock)
        try:
            services.demo.create(patients=60, seed=11)
            answers.append(
                (
                    canonical(services.overdue.worklist()),
                    services.dashboard.summary(),
                    canonical(services.overdue.worklist(date(2026, 1, 20))),
                )
            )
        finally:
            services.close()
    empty_postgresql()
    sqlite, postgresql = answers
    assert sqlite[0] and sqlite == postgresql
