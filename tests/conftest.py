"""Shared fixtures: a migrated SQLite database per test (copied from one template), a fixed
clock, and an isolated EmDia home so tests never touch the real user folders."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import pytest
from keyring.backends import fail

from app.bootstrap import Services, bootstrap
from app.clock import FixedClock, SystemClock
from app.config import Config, load_config
from app.persistence.db import make_engine
from app.persistence.migrate import upgrade_to_head
from tests.memory_keyring import MemoryKeyring
from tests.pg import PgServer, pg_server_or_skip

TODAY = date(2026, 3, 16)  # a Monday


@pytest.fixture(autouse=True)
def emdia_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "emdia-home"
    monkeypatch.setenv("EMDIA_HOME", str(home))
    monkeypatch.delenv("EMDIA_DB_URL", raising=False)
    monkeypatch.delenv("EMDIA_LOG_DIR", raising=False)
    return home


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets an empty in-memory OS keyring (never the developer's real one)."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production argon2 costs ~0.1 s and 64 MiB per hash on purpose; tests hash hundreds of
    times, so they use the same algorithm with tiny costs."""
    from argon2 import PasswordHasher

    from app.security import keys, passwords

    monkeypatch.setattr(
        passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    monkeypatch.setattr(keys, "KDF", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


@pytest.fixture
def no_keyring(memory_keyring: MemoryKeyring) -> Iterator[None]:
    """A computer without any keyring backend (a bare Linux box, CI)."""
    keyring.set_keyring(fail.Keyring())
    yield


@dataclass
class ComputerClock:
    """What the computer's clock reads in a test (``SystemClock``: the real time the CLI and the
    window record evidence at). Starts on ``TODAY`` at 10:00; a test moves it with ``set``."""

    day: date = TODAY
    at: time = time(10, 0)

    def set(self, day: date, at: time = time(10, 0)) -> None:
        self.day, self.at = day, at


@pytest.fixture(autouse=True)
def computer_clock(monkeypatch: pytest.MonkeyPatch) -> ComputerClock:
    """Tests never depend on the day they run: the computer's clock reads ``TODAY``."""
    reading = ComputerClock()
    monkeypatch.setattr(SystemClock, "today", lambda _self: reading.day)
    monkeypatch.setattr(SystemClock, "now", lambda _self: datetime.combine(reading.day, reading.at))
    return reading


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TODAY, time(10, 0))


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated empty database per test session; tests get copies (fast)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine("sqlite:///" + path.as_posix())
    upgrade_to_head(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def db_path(tmp_path: Path, template_db: Path) -> Path:
    path = tmp_path / "emdia-test.db"
    shutil.copyfile(template_db, path)
    return path


@pytest.fixture
def config(db_path: Path) -> Config:
    return load_config(str(db_path))


@pytest.fixture
def services(config: Config, clock: FixedClock) -> Iterator[Services]:
    svc = bootstrap(config, clock)
    yield svc
    svc.close()


@pytest.fixture
def demo_services(services: Services) -> Services:
    services.demo.create(patients=120, seed=7)
    return services


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server handing out fresh databases (skipped without EMDIA_TEST_PG_URL)."""
    server = pg_server_or_skip()
    yield server
    server.close()


STAFF_PASSWORD = "senha-forte-1"


@pytest.fixture
def staff(services: Services) -> Services:
    """The services' database with an admin, a gestor and a recepção (``STAFF_PASSWORD``)."""
    from app.services.users import UserForm

    for username, role in (("admin", "admin"), ("gestor", "gestor"), ("recepcao", "recepcao")):
        services.users.create(UserForm(username, username.title(), role, STAFF_PASSWORD))
    return services
