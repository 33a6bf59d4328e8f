"""The Qt binding itself, as EmDia uses it all day.

PySide6 6.12.0 returns ``None`` from every C++ method that returns nothing without taking a
reference to it. On Python 3.12 and later ``None`` is immortal and nothing happens; on Python
3.11, EmDia's Python, each such call takes one reference from ``None`` for good, and after a
few tens of thousands of them the interpreter aborts ("Fatal Python error: none_dealloc:
deallocating None"). The idle lock restarts its timer on every mouse move and key press: a
receptionist moving the mouse for a few minutes closed EmDia without a word. EmDia requires a
PySide6 without the fault (``pyproject.toml``); these tests fail on one that has it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

CALLS = 2_000


def test_a_qt_method_that_returns_nothing_leaves_none_alone(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        label.setText("R$ 1.234,56")  # a method returning void: ``None`` in Python
        label.update()
    lost = before - sys.getrefcount(None)  # 0 where None is immortal (Python 3.12+)
    assert lost < CALLS // 10, f"{lost} references to None lost in {2 * CALLS} calls"


MOUSE_ON_THE_WINDOW = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication, QMainWindow
    from ui.idle import IdleWatcher

    app = QApplication(sys.argv)
    window = QMainWindow()
    window.show()
    watcher = IdleWatcher(5, window)  # the window's idle lock: 5 minutes
    for n in range(int(sys.argv[1])):
        point = QPointF(10 + n % 300, 10 + n % 200)
        move = QMouseEvent(
            QEvent.Type.MouseMove, point, point, Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
        )
        # What Qt does with each move the window system delivers: the application's event
        # filters see it first (sending it from Python would be a second call into Qt).
        watcher.eventFilter(window, move)
    print("still here", flush=True)
    """
)


def test_the_window_survives_an_hour_of_mouse_moves() -> None:
    """Two hundred thousand mouse moves seen by the window's idle lock (about an hour of a
    hand on the mouse): the process is still there to say so."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", MOUSE_ON_THE_WINDOW, "200000"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0 and "still here" in done.stdout, done.stderr[-2000:]
