"""ui.ops, the one lane from the window to the services: results come back on the main thread,
refusals go where the screen shows them (or to the reporter), bugs are logged and shown
politely, slow work can be cancelled."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.errors import EmDiaError, ValidationError
from app.logging_setup import configure_logging
from app.progress import IsCancelled, Progress
from tests.ui.helpers import cancel_progress
from ui import ops, tasks
from ui.errors import ErrorReporter

Shown = list[tuple[str, str, bool]]


def capture(reporter: ErrorReporter) -> Shown:
    """Make ``reporter`` the active one and record what it would show."""
    shown: Shown = []
    reporter.show = lambda _parent, title, text, critical: shown.append((title, text, critical))
    reporter.activate()
    return shown


@pytest.fixture
def shown(tmp_path: Path) -> Shown:
    return capture(ErrorReporter(tmp_path / "emdia.log"))


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def refuse() -> int:
    raise ValidationError.single("cpf", "CPF: inválido.")


def test_a_quick_call_returns_its_result(parent: QWidget, shown: Shown) -> None:
    assert ops.call(parent, lambda: 42) == 42
    assert ops.attempt(parent, lambda: None) is True
    assert shown == []


def test_a_refusal_goes_to_the_screen_that_has_a_place_for_it(
    parent: QWidget, shown: Shown
) -> None:
    placed: list[EmDiaError] = []
    assert ops.call(parent, refuse, on_error=placed.append) is None
    assert [type(e) for e in placed] == [ValidationError]
    assert placed[0].message == "CPF: inválido."
    assert shown == []  # not also in a message box


def test_a_refusal_with_no_place_on_screen_goes_to_the_reporter(
    parent: QWidget, shown: Shown
) -> None:
    assert ops.attempt(parent, refuse) is False
    assert shown == [("EmDia", "CPF: inválido.", False)]


def test_a_bug_is_logged_shown_politely_and_the_screen_can_tidy_up(
    parent: QWidget, tmp_path: Path
) -> None:
    log_file = configure_logging(tmp_path / "logs")
    shown = capture(ErrorReporter(log_file))
    placed: list[EmDiaError] = []

    def bug() -> int:
        raise KeyError("segredo interno")

    assert ops.call(parent, bug, on_error=placed.append) is None
    [(title, text, critical)] = shown
    assert critical and "erro inesperado" in title
    assert str(log_file) in text and "segredo interno" not in text
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback" in logged and "segredo interno" in logged
    assert [type(e) for e in placed] == [ops.Unexpected]


def test_a_screen_may_pass_a_refusal_on_to_the_reporter(parent: QWidget, shown: Shown) -> None:
    def bug() -> int:
        raise KeyError("segredo interno")

    def only_some(exc: EmDiaError) -> None:
        ops.settle(exc, parent)  # no place for it here after all

    ops.call(parent, refuse, on_error=only_some)
    ops.call(parent, bug, on_error=only_some)
    assert [(title, critical) for title, _text, critical in shown] == [
        ("EmDia", False),
        ("EmDia — erro inesperado", True),  # once: the bug is not shown again
    ]


def test_slow_work_runs_off_the_ui_thread_and_answers_on_it(
    qtbot: QtBot, parent: QWidget, shown: Shown
) -> None:
    main = threading.get_ident()
    ran_on: list[int] = []
    answered_on: list[tuple[int, str]] = []

    def job(progress: Progress, _cancelled: IsCancelled) -> str:
        ran_on.append(threading.get_ident())
        progress(1, 1)
        return "pronto"

    ops.start(parent, job, on_success=lambda r: answered_on.append((threading.get_ident(), r)))
    qtbot.waitUntil(lambda: bool(answered_on), timeout=5000)
    assert ran_on != [main]
    assert answered_on == [(main, "pronto")]
    assert shown == []


def test_slow_work_refused_reaches_on_error_on_the_ui_thread(
    qtbot: QtBot, parent: QWidget, shown: Shown
) -> None:
    main = threading.get_ident()
    placed: list[tuple[int, str]] = []

    def job(_progress: Progress, _cancelled: IsCancelled) -> int:
        return refuse()

    ops.start(
        parent,
        job,
        on_success=pytest.fail,
        on_error=lambda e: placed.append((threading.get_ident(), e.message)),
    )
    qtbot.waitUntil(lambda: bool(placed), timeout=5000)
    assert placed == [(main, "CPF: inválido.")]
    assert shown == []


def test_cancelar_stops_slow_work(
    qtbot: QtBot, parent: QWidget, shown: Shown, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks, "SHOW_AFTER_MS", 0)
    placed: list[str] = []

    def job(_progress: Progress, cancelled: IsCancelled) -> str:
        for _ in range(500):
            if cancelled():
                raise EmDiaError("Cancelado; nada foi gravado.")
            time.sleep(0.01)
        return "terminou"

    ops.start(
        parent,
        job,
        on_success=pytest.fail,
        on_error=lambda e: placed.append(e.message),
        progress="Trabalhando…",
    )
    cancel_progress(qtbot, parent)
    qtbot.waitUntil(lambda: bool(placed), timeout=5000)
    assert placed == ["Cancelado; nada foi gravado."]
    assert shown == []


def test_a_screen_closed_meanwhile_is_not_called_back(qtbot: QtBot, shown: Shown) -> None:
    parent = QWidget()
    release = threading.Event()
    finished = threading.Event()

    def job(_progress: Progress, _cancelled: IsCancelled) -> str:
        release.wait(5)
        finished.set()
        return "tarde demais"

    called: list[str] = []
    ops.start(parent, job, on_success=called.append, on_error=lambda e: called.append(""))
    parent.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(parent), timeout=3000)
    release.set()
    qtbot.waitUntil(finished.is_set, timeout=5000)
    qtbot.wait(100)  # the queued answer has been delivered (and dropped)
    assert called == [] and shown == []
