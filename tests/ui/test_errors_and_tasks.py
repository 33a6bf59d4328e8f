from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.clock import FixedClock
from app.config import load_config
from app.errors import ValidationError
from app.logging_setup import configure_logging
from ui.errors import ErrorReporter
from ui.main import Launcher
from ui.tasks import TaskRunner, run_with_progress

Shown = list[tuple[str, str, bool]]


def capture(reporter: ErrorReporter) -> Shown:
    shown: Shown = []
    reporter.show = lambda _parent, title, text, critical: shown.append((title, text, critical))
    return shown


def test_unexpected_error_is_logged_and_shown_politely(tmp_path: Path) -> None:
    log_file = configure_logging(tmp_path / "logs")
    reporter = ErrorReporter(log_file)
    shown = capture(reporter)
    try:
        raise RuntimeError("segredo interno")
    except RuntimeError as exc:
        reporter.excepthook(type(exc), exc, exc.__traceback__)
    [(title, text, critical)] = shown
    assert critical and "erro inesperado" in title
    assert str(log_file) in text
    assert "Traceback" not in text and "segredo interno" not in text
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback" in logged and "segredo interno" in logged


def test_expected_error_shows_its_own_message(tmp_path: Path) -> None:
    reporter = ErrorReporter(tmp_path / "x.log")
    shown = capture(reporter)
    reporter.report(ValidationError.single("cpf", "CPF: inválido."))
    assert shown == [("EmDia", "CPF: inválido.", False)]


def test_background_task_reports_progress_and_result(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    runner = TaskRunner()
    results: list[object] = []

    def job(progress, cancelled):  # type: ignore[no-untyped-def]
        for i in range(1, 4):
            progress(i, 3)
        return "pronto"

    _task, dialog = run_with_progress(
        runner, parent, "Trabalhando…", job, results.append, pytest.fail
    )
    qtbot.waitUntil(lambda: results == ["pronto"], timeout=5000)
    assert dialog.value() in (3, -1)


def test_background_task_can_be_cancelled(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    runner = TaskRunner()
    errors: list[BaseException] = []

    def job(progress, cancelled):  # type: ignore[no-untyped-def]
        for _ in range(500):
            if cancelled():
                raise InterruptedError("cancelado")
            time.sleep(0.01)
        return "terminou"

    _task, dialog = run_with_progress(runner, parent, "Lento…", job, pytest.fail, errors.append)
    qtbot.waitUntil(dialog.isVisible, timeout=3000)  # shown after its minimum duration
    cancel = dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancelar"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=5000)
    assert isinstance(errors[0], InterruptedError)


def test_launcher_fills_the_demo_in_the_background(qtbot: QtBot, tmp_path: Path) -> None:
    config = load_config(str(tmp_path / "demo.db"), demo=True)
    reporter = ErrorReporter(tmp_path / "x.log")
    shown = capture(reporter)
    launcher = Launcher(config, FixedClock(date(2026, 3, 16)), reporter)
    launcher.ask_login = lambda *_a: pytest.fail("the demo opens with no login prompt")
    launcher.ask_unlock = lambda *_a: pytest.fail("the demo is not encrypted: no key prompt")
    assert launcher.open()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=30000)
    assert launcher.window is not None
    qtbot.addWidget(launcher.window)
    assert shown == []
    assert "DEMO" in launcher.window.windowTitle()
    assert launcher.window.patients_view.model.total >= 300
    assert launcher.services is not None and launcher.services.actor.username == "admin"
    # Closing runs the closing backup first, then the window really closes; only then may the
    # database close under it.
    window = launcher.window
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30000)
    assert launcher.runner.wait(30000)
    launcher.services.close()
