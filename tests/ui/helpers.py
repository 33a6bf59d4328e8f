"""Driving real widgets as a person does: typing (accents included) and modal dialogs; the
launcher of a clinic's first start."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QProgressDialog,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.clock import FixedClock
from app.config import load_config
from ui.dialogs.setup import SetupDialog
from ui.errors import ErrorReporter
from ui.main import Launcher
from ui.main_window import MainWindow

D = TypeVar("D", bound=QDialog)


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """``QTest.keyClicks`` only knows ASCII (it asserts on 'ç'); other characters go as key
    events carrying their text — what a pt-BR keyboard's dead keys end up sending."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def replace_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Select all and type over, as a user does with Ctrl+A."""
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    type_text(qtbot, widget, text)


def drive_modal(
    open_it: Callable[[], None], kind: type[D], act: Callable[[D], None], timeout_ms: int = 5000
) -> D:
    """Run ``open_it`` (which shows a modal dialog with ``exec``), then ``act`` on the dialog.

    If ``act`` fails or leaves the dialog open, the dialog is rejected so the test fails instead
    of hanging."""
    seen: list[D] = []
    waited = [0]

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            if waited[0] < timeout_ms:
                waited[0] += 25
                QTimer.singleShot(25, poll)
            return
        seen.append(dialog)
        try:
            act(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, poll)
    open_it()
    assert seen, f"{kind.__name__} never opened"
    return seen[0]


def tick(qtbot: QtBot, box: QAbstractButton) -> None:
    """Click a check box where a person clicks: on its indicator (a wide box's centre may be
    past its text, where Qt does not count the click)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def launcher_for(config_path: Path) -> tuple[Launcher, list[tuple[str, str, bool]]]:
    """The window's launcher on ``config_path`` (16/03/2026, no automatic backups), and the
    list where the error reporter's messages land instead of a message box."""
    reporter = ErrorReporter(config_path.parent / "x.log")
    shown: list[tuple[str, str, bool]] = []
    reporter.show = lambda _p, title, text, critical: shown.append((title, text, critical))
    launcher = Launcher(
        load_config(str(config_path)),
        FixedClock(date(2026, 3, 16)),
        reporter,
        auto_backup=False,
    )
    return launcher, shown


def take_over(qtbot: QtBot, window: MainWindow, username: str, password: str) -> None:
    """On the locked window, *Trocar de usuário* and enter as someone else."""
    dialog = window.lock_dialog
    assert dialog is not None and dialog.switch is not None
    qtbot.mouseClick(dialog.switch, Qt.MouseButton.LeftButton)
    type_text(qtbot, dialog.username, username)
    type_text(qtbot, dialog.password, password)
    qtbot.mouseClick(dialog.enter, Qt.MouseButton.LeftButton)


def type_first_admin(qtbot: QtBot, dialog: SetupDialog) -> None:
    """The clinic's first admin, as the dentist types her name and user (no password yet)."""
    type_text(qtbot, dialog.full_name, "Dra. Conceição Araújo")
    dialog.username.clear()
    type_text(qtbot, dialog.username, "conceicao")


def cancel_progress(qtbot: QtBot, parent: QWidget, timeout_ms: int = 10_000) -> None:
    """Click Cancelar on the progress dialog of ``parent``'s background work once it shows."""
    dialog = parent.findChild(QProgressDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=timeout_ms)
    cancel = dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancelar"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
