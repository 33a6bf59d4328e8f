"""Shared fixtures: a migrated SQLite database per test (copied from one template), a fixed
clock, and an isolated EmDia home so tests never touch the real user folders."""

from __future__ import annotations

import os
import shutil
import sys
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

# How long background work a test left running may take to end before the test fails for it.
BACKGROUND_GRACE_MS = 60_000


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Work a test started off the UI thread (the closing backup its window began when pytest-qt
    closed it, a worklist still computing) ends here: after the test's widgets are closed and
    before its fixtures close the database under that work — and never runs on into the next
    test, where a thread finishing against freed objects can take the whole worker down."""
    if "PySide6.QtCore" not in sys.modules:
        return  # no Qt in this worker yet: no thread pool to wait for
    from PySide6.QtCore import QCoreApplication, QThreadPool

    pool = QThreadPool.globalInstance()
    application = QCoreApplication.instance()
    for _ in range(10):  # a result delivered below may start more work (close → backup)
        if not pool.waitForDone(BACKGROUND_GRACE_MS):
            pytest.fail(
                f"{item.nodeid}: background work still running {BACKGROUND_GRACE_MS // 1000} s "
                "after the test ended",
                pytrace=False,
            )
        if application is None:
            break
        application.processEvents()  # the finished tasks' results, queued for this thread
        if pool.activeThreadCount() == 0:
            break
    from ui import garbage

    if garbage.installed():  # by the UI tests' fixture, as the window does (ui/garbage.py)
        garbage.collect_due()  # what the timer would have collected, before the next test


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


@pytest.fixture
def pg_empty_url(pg_server: PgServer) -> Iterator[str]:
    """A PostgreSQL database of this test's own with no schema at all (migrations run from
    scratch on it), dropped afterwards: PostgreSQL tests never share a database, so they run in
    parallel like the rest."""
    url = pg_server.empty_database()
    yield url
    pg_server.drop(url)


STAFF_PASSWORD = "senha-forte-1"


@pytest.fixture
def staff(services: Services) -> Services:
    """The services' database with an admin, a gestor and a recepção (``STAFF_PASSWORD``)."""
    from app.services.users import UserForm

    for username, role in (("admin", "admin"), ("gestor", "gestor"), ("recepcao", "recepcao")):
        services.users.create(UserForm(username, username.title(), role, STAFF_PASSWORD))
    return services
