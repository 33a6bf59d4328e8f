"""The ``emdia`` command's entry point: when it will open the window, a small start window is
painted first — before the database layer, the services and the window's code are imported
(about as long again as Qt itself) — so a double-click shows EmDia at once. It closes by itself
as soon as the first real window (unlock, login, first run, the main window or an error) is
shown. Any other command goes straight to the command line, without Qt.

Only the standard library (and ``app.launch``, which reads the command line with it) is imported
here at module level: the command line must keep working on a machine without a display.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from typing import Any

from app.launch import opens_window

PAINTED = "painted"  # printed with the time of the first paint when EMDIA_EXIT_WHEN_READY is set


def show_start_window() -> Any:
    """A plain window with EmDia's name and "Abrindo…", painted now. Returns it (kept alive by
    the caller); it closes itself when another window appears."""
    from PySide6.QtCore import QEvent, QObject, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

    application = QApplication.instance() or QApplication(sys.argv)

    class StartWindow(QWidget):
        def __init__(self) -> None:
            super().__init__(None, Qt.WindowType.SplashScreen)
            self.setObjectName("StartWindow")
            self.setWindowTitle("EmDia")
            name = QLabel("EmDia")
            name.setStyleSheet("font-size: 28px; font-weight: bold; color: #0b5394;")
            note = QLabel("Abrindo o banco de dados…")
            layout = QVBoxLayout(self)
            layout.setContentsMargins(40, 28, 40, 28)
            layout.addWidget(name, alignment=Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(note, alignment=Qt.AlignmentFlag.AlignCenter)
            self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
            self.setStyleSheet("#StartWindow { background: white; border: 1px solid #9aa5b1; }")
            self.adjustSize()
            screen = QGuiApplication.primaryScreen()
            if screen is not None:  # in the middle of the screen, where the window will open
                self.move(screen.availableGeometry().center() - self.rect().center())
            self.painted = False

        def paintEvent(self, event: Any) -> None:
            super().paintEvent(event)
            if not self.painted:
                self.painted = True
                if os.environ.get("EMDIA_EXIT_WHEN_READY"):
                    print(f"{PAINTED} {time.time():.6f}", flush=True)

    class CloseOnNextWindow(QObject):
        """Closes the start window when any other top-level window is shown."""

        def __init__(self, window: QWidget) -> None:
            super().__init__(window)
            self.window = window

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (
                event.type() == QEvent.Type.Show
                and isinstance(watched, QWidget)
                and watched.isWindow()
                and watched is not self.window
            ):
                application.removeEventFilter(self)
                self.window.close()
            return False

    window = StartWindow()
    application.installEventFilter(CloseOnNextWindow(window))
    window.show()
    window.repaint()  # painted now: the event loop starts only once everything is imported
    application.processEvents()
    return window


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    start_window = show_start_window() if opens_window(args) else None
    from app.cli import main as command_line

    try:
        return command_line(args)
    finally:
        del start_window
