"""The worklist and the dashboard give the same answers on PostgreSQL (multi-PC clinics) as on
SQLite: same demo clinic, same day, same rows, same figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.bootstrap import bootstrap
from app.clock import FixedClock
from app.config import load_config
from bench.bench_worklist import canonical

pytestmark = pytest.mark.postgres


def test_postgresql_and_sqlite_agree(tmp_path: Path, pg_empty_url: str) -> None:
    clock = FixedClock(date(2026, 3, 16))
    answers = []
    for target in (str(tmp_path / "clinic.db"), pg_empty_url):
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
    sqlite, postgresql = answers
    assert sqlite[0] and sqlite == postgresql
