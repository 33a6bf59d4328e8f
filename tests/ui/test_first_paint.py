"""The start window: painted before the heavy imports, gone when the first real window shows;
the command line never opens it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.clock import FixedClock
from app.services.base import Actor
from tests.conftest import STAFF_PASSWORD
from tests.ui.helpers import launcher_for
from ui.first_paint import (
    PAINTED,
    asks_login_first,
    opens_window,
    quicker_feature_check,
    show_early_login,
    show_start_window,
    take_early_login,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("argv", "opens"),
    [
        ([], True),
        (["gui"], True),
        (["--db", "clinica.db", "gui"], True),
        (["gui", "--demo"], True),
        (["gui", "--help"], False),
        (["--version"], False),
        (["--db", "clinica.db", "report", "overdue", "--json"], False),
        (["patients", "list"], False),
    ],
)
def test_only_the_window_gets_a_start_window(argv: list[str], opens: bool) -> None:
    assert opens_window(argv) is opens


def test_the_start_window_closes_when_a_real_window_shows(qtbot: QtBot) -> None:
    start = show_start_window()
    assert start.isVisible() and start.painted
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    qtbot.waitUntil(lambda: not start.isVisible())


def test_the_quicker_feature_check_answers_as_pysides_own() -> None:
    import _sqlite3
    import json.decoder

    import sqlalchemy.sql.compiler
    from shibokensupport import feature

    import app.config
    import ui.main_window

    quicker_feature_check()
    quicker = feature._mod_uses_pyside
    assert getattr(quicker, "quicker", False)
    quicker_feature_check()  # twice: still one layer over PySide6's own
    assert feature._mod_uses_pyside is quicker
    own = quicker.__closure__[0].cell_contents  # PySide6's check, kept for the rest
    modules = [ui.main_window, app.config, sqlalchemy.sql.compiler, json.decoder, sys, _sqlite3]
    assert [quicker(m) for m in modules] == [own(m) for m in modules]
    assert [quicker(m) for m in modules] == [True, False, False, False, False, False]


def painted_then(tmp_path: Path, **env: str) -> tuple[str, str]:
    """Start the window (as the installer's entry point does) on a 5-patient demo clinic with
    ``env`` and ``EMDIA_EXIT_WHEN_READY``: which window was painted first (``login`` or
    ``start``) and what the start printed last, after checking the paint came first."""
    base = {**os.environ, "EMDIA_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    base = {k: v for k, v in base.items() if k not in ("EMDIA_USER", "EMDIA_PASSWORD")}
    entry = [sys.executable, str(ROOT / "installer" / "emdia_entry.py"), "--db"]
    db = str(tmp_path / "clinica.db")
    subprocess.run([*entry, db, "demo", "--patients", "5"], env=base, check=True, cwd=ROOT)
    done = subprocess.run(
        [*entry, db, "gui"],
        env={**base, "EMDIA_EXIT_WHEN_READY": "1", **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    (painted, first, what), (last, at) = [line.split() for line in done.stdout.splitlines()]
    assert painted == PAINTED and float(first) <= float(at), done.stderr
    return what, last


def test_a_start_from_the_command_paints_before_the_window_is_ready(tmp_path: Path) -> None:
    """A scripted start (user and password in the environment): the start window first, the
    main window ready after it."""
    assert painted_then(tmp_path, EMDIA_USER="admin", EMDIA_PASSWORD="demo") == ("start", "ready")


def test_a_start_that_asks_for_the_login_paints_the_login_first(tmp_path: Path) -> None:
    """A clinic's start: the login is what is painted first (before the database layer is
    imported), and it answers once the database is open."""
    assert painted_then(tmp_path) == ("login", "login")


@pytest.mark.parametrize(
    ("argv", "env", "existing", "asks"),
    [
        (["--db", "{db}", "gui"], {}, True, True),
        (["--db={db}"], {}, True, True),
        (["--db", "{db}", "gui"], {}, False, False),  # a new file: the first run
        (["--db", "{db}", "gui", "--demo"], {}, True, False),
        (["--db", "{db}"], {"EMDIA_USER": "admin", "EMDIA_PASSWORD": "x"}, True, False),
        (["--db", "postgresql://emdia@servidor/clinica"], {}, False, True),
        ([], {}, True, True),  # this PC's own database, in EMDIA_HOME
        ([], {}, False, False),
    ],
)
def test_the_login_is_painted_first_only_for_a_clinic_that_exists(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    env: dict[str, str],
    existing: bool,
    asks: bool,
) -> None:
    from app.config import DB_FILE_NAME

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("EMDIA_HOME", str(home))
    for name in ("EMDIA_USER", "EMDIA_PASSWORD", "EMDIA_DB_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    db = tmp_path / "clinica.db"
    if existing:
        for path in (db, home / DB_FILE_NAME):
            path.write_bytes(b"SQLite format 3\0")
    assert asks_login_first([a.format(db=db) for a in argv]) is asks


def test_this_pc_set_to_the_clinics_server_paints_the_login_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.config import DB_SETTING_FILE_NAME

    monkeypatch.setenv("EMDIA_HOME", str(tmp_path))
    monkeypatch.delenv("EMDIA_DB_URL", raising=False)
    assert not asks_login_first([])
    (tmp_path / DB_SETTING_FILE_NAME).write_text('{"url": "postgresql+psycopg://x@y/z"}')
    assert asks_login_first([])


def test_entrar_pressed_while_the_database_opens_logs_in_once_it_is_ready(
    qtbot: QtBot, staff: Services
) -> None:
    dialog = show_early_login()
    qtbot.addWidget(dialog)
    assert take_early_login() is dialog and take_early_login() is None
    qtbot.keyClicks(dialog.username, "gestor")
    qtbot.keyClicks(dialog.password, STAFF_PASSWORD)
    qtbot.mouseClick(dialog.enter, Qt.MouseButton.LeftButton)
    assert dialog.opening.isVisible() and dialog.isVisible() and dialog.actor is None
    dialog.ready(staff.login, "")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.actor is not None and dialog.actor.username == "gestor"
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_the_launcher_logs_in_with_what_was_typed_in_the_early_login(
    qtbot: QtBot, staff: Services
) -> None:
    path = staff.config.sqlite_path
    assert path is not None
    dialog = show_early_login()
    take_early_login()
    qtbot.keyClicks(dialog.username, "recepcao")
    qtbot.keyClicks(dialog.password, STAFF_PASSWORD)
    qtbot.mouseClick(dialog.enter, Qt.MouseButton.LeftButton)  # before the database is open
    launcher, shown = launcher_for(path)
    launcher.early_login = dialog
    assert launcher.open(), shown
    assert launcher.window is not None and launcher.services is not None
    qtbot.addWidget(launcher.window)
    assert launcher.services.actor.username == "recepcao"
    launcher.runner.wait()
    launcher.services.close()


def test_sair_on_the_early_login_does_not_open_the_window(qtbot: QtBot, staff: Services) -> None:
    path = staff.config.sqlite_path
    assert path is not None
    dialog = show_early_login()
    take_early_login()
    qtbot.mouseClick(dialog.findChild(QPushButton, "quit"), Qt.MouseButton.LeftButton)
    launcher, shown = launcher_for(path)
    launcher.early_login = dialog
    assert not launcher.open()
    assert launcher.window is None and shown == []
    assert launcher.services is not None
    launcher.services.close()


def test_the_early_login_closes_before_the_passphrase_is_asked(
    qtbot: QtBot, tmp_path: Path, no_keyring: None, clock: FixedClock
) -> None:
    """An encrypted clinic whose key is not remembered asks its passphrase first: the login
    painted at start goes away (nothing typed there counts), and a login comes after."""
    from app.bootstrap import bootstrap
    from app.config import load_config
    from app.security import unlock
    from app.services.users import UserForm

    db = tmp_path / "clinica.db"
    key = unlock.new_protection(db, "frase da clínica 1")
    services = bootstrap(load_config(str(db)), clock, key=key)
    services.users.create(UserForm("admin", "Admin", "admin", STAFF_PASSWORD))
    services.close()
    early = show_early_login()
    take_early_login()
    launcher, shown = launcher_for(db)
    launcher.early_login = early
    seen: list[bool] = []

    def answer_unlock(_where, try_secret):  # type: ignore[no-untyped-def]
        seen.append(early.isVisible())
        return try_secret("frase da clínica 1"), False

    launcher.ask_unlock = answer_unlock
    launcher.ask_login = lambda svc, hint: svc.login("admin", STAFF_PASSWORD) is not None
    assert launcher.open(), shown
    assert seen == [False] and early.login is None
    assert launcher.window is not None and launcher.services is not None
    qtbot.addWidget(launcher.window)
    launcher.runner.wait()
    launcher.services.close()


def test_the_start_backup_begins_once_the_main_window_has_painted(
    qtbot: QtBot, staff: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The start backup runs on another thread of the same interpreter: begun with the window
    still unpainted, it would slow the first paint the clinic waits for."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    path = staff.config.sqlite_path
    assert path is not None
    seen: list[str] = []

    class Paints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            painted = event.type() == QEvent.Type.Paint and isinstance(watched, MainWindow)
            if painted and "painted" not in seen:
                seen.append("painted")
            return False

    monkeypatch.setattr(MainWindow, "start_backup", lambda _window, kind: seen.append(kind))
    paints = Paints()
    application = QApplication.instance()
    assert application is not None
    application.installEventFilter(paints)
    try:
        launcher, shown = launcher_for(path)
        launcher.auto_backup = True
        launcher.ask_login = lambda svc, _hint: svc.login("gestor", STAFF_PASSWORD) is not None
        assert launcher.open(), shown
        assert launcher.window is not None and launcher.services is not None
        qtbot.addWidget(launcher.window)
        assert seen == []  # shown, not yet painted: nothing started
        qtbot.waitUntil(lambda: "inicio" in seen)
        assert seen == ["painted", "inicio"]
    finally:
        application.removeEventFilter(paints)
    launcher.window.auto_backup = False
    launcher.runner.wait()
    launcher.services.close()


def test_what_waits_for_the_first_paint_runs_once_and_not_never(qtbot: QtBot) -> None:
    """A window opened minimized paints only when restored: the start backup waits for the
    first paint at most a few seconds, and never runs twice."""
    from ui.main import AfterFirstPaint

    calls: list[str] = []
    never_shown = QWidget()
    qtbot.addWidget(never_shown)
    AfterFirstPaint(never_shown, lambda: calls.append("not painted"), at_most_ms=50)
    shown = QWidget()
    qtbot.addWidget(shown)
    AfterFirstPaint(shown, lambda: calls.append("painted"), at_most_ms=300)
    shown.show()
    qtbot.waitUntil(lambda: len(calls) == 2)
    shown.repaint()
    qtbot.wait(400)  # past both limits
    assert sorted(calls) == ["not painted", "painted"]


def test_the_password_is_checked_on_a_worker_while_the_window_loads(staff: Services) -> None:
    """The login's argon2id check runs on another thread while this one imports the main
    window; its answer, or its refusal, comes back as if the login had been called here."""
    from app.errors import LoginRefused
    from ui.main import login_loading_window

    threads: list[threading.Thread] = []

    def login(username: str, password: str) -> Actor:
        threads.append(threading.current_thread())
        return staff.login(username, password)

    actor = login_loading_window(login, "gestor", STAFF_PASSWORD)
    assert actor.username == "gestor" and staff.actor == actor
    assert threads and threads[0] is not threading.main_thread()
    assert "ui.main_window" in sys.modules
    with pytest.raises(LoginRefused):
        login_loading_window(login, "gestor", "senha errada")


def test_a_scripted_start_with_a_wrong_password_says_so_and_opens_nothing(
    qtbot: QtBot, staff: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = staff.config.sqlite_path
    assert path is not None
    monkeypatch.setenv("EMDIA_USER", "recepcao")
    monkeypatch.setenv("EMDIA_PASSWORD", "senha errada")
    launcher, shown = launcher_for(path)
    assert not launcher.open()
    assert launcher.window is None
    [(_title, text, _critical)] = shown
    assert "senha" in text.lower()
    launcher.runner.wait()
    if launcher.services is not None:
        launcher.services.close()


def test_a_window_start_leaves_garbage_to_the_window_from_its_first_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The window collects cyclic garbage on its UI thread with automatic collection off; a
    start that opens it turns automatic collection off before its imports, a command line job
    keeps it."""
    import gc

    import app.cli
    from ui import first_paint

    seen: list[tuple[str, bool]] = []

    def command_line(_args: list[str]) -> int:
        seen.append(("command", gc.isenabled()))
        return 0

    monkeypatch.setattr(first_paint, "asks_login_first", lambda _args: False)
    monkeypatch.setattr(
        first_paint, "show_start_window", lambda: seen.append(("start window", gc.isenabled()))
    )
    monkeypatch.setattr(app.cli, "main", command_line)
    was_enabled = gc.isenabled()
    try:
        gc.enable()
        assert first_paint.main(["--db", "x.db", "gui"]) == 0
        assert seen == [("start window", False), ("command", False)]
        gc.enable()
        seen.clear()
        assert first_paint.main(["--db", "x.db", "report", "overdue"]) == 0
        assert seen == [("command", True)]
    finally:
        (gc.enable if was_enabled else gc.disable)()
