"""The ``emdia`` command's entry point: when it will open the window, something is painted
first — before the database layer, the services and the window's code are imported (about as
long again as Qt itself) — so a double-click shows EmDia at once:

- the **login**, when the start opens a clinic that exists (``app.config.clinic_exists``): what
  is typed while the rest loads is kept (the window system holds the keys until the dialog
  reads them), and the launcher hands the dialog its database (``take_early_login``);
- otherwise a small **start window** (the demo, the first run, a scripted start), which closes
  by itself as soon as the first real window (unlock, first run, the main window or an error)
  is shown.

Any other command goes straight to the command line, without Qt.

Only the standard library (and ``app.launch``, which reads the command line with it) is imported
here at module level: the command line must keep working on a machine without a display.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

from app.launch import db_option, opens_window

# Printed when EMDIA_EXIT_WHEN_READY is set: ``painted <epoch seconds> <login|start>``.
PAINTED = "painted"
_early_login: list[Any] = []  # the login painted at start, until the launcher takes it


def _announce_paint(what: str) -> None:
    if os.environ.get("EMDIA_EXIT_WHEN_READY"):
        print(f"{PAINTED} {time.time():.6f} {what}", flush=True)


def quicker_feature_check() -> None:
    """Make Qt's import hook cheap for the rest of the start.

    Once PySide6 is loaded, its ``__feature__`` support asks of every module imported after it
    whether the module uses PySide6, by ``inspect.getsource`` and a search for "PySide6". That
    tokenizes each file: over the ~800 modules a start imports (SQLAlchemy's big ones
    included) ≈ 0.1 s, about a tenth of the start. The same question is answered here by
    searching the file's bytes; anything else (a built-in, a module with no source file, a
    frozen build's) still goes to PySide6's own check. A test compares both answers."""
    try:
        from shibokensupport import feature  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - PySide6 reorganized; the start only costs more
        return
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None or getattr(original, "quicker", False):
        return

    def uses_pyside(module: Any) -> bool:
        file = getattr(module, "__file__", None)
        if isinstance(file, str) and file.endswith(".py"):
            try:
                with open(file, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return bool(original(module))

    uses_pyside.quicker = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside


def asks_login_first(argv: Sequence[str]) -> bool:
    """Whether this start will ask for a login: a clinic that exists, not the demo, not a start
    scripted with ``EMDIA_USER``/``EMDIA_PASSWORD``. (An encrypted clinic whose key is not
    remembered asks its passphrase first: the login then closes and comes back after it.)"""
    if "--demo" in argv or (os.environ.get("EMDIA_USER") and os.environ.get("EMDIA_PASSWORD")):
        return False
    from app.config import clinic_exists

    return clinic_exists(db_option(argv))


def _application() -> Any:
    """The QApplication, with EmDia's stylesheet from the start (the window sets the same)."""
    from PySide6.QtWidgets import QApplication

    import resources

    quicker_feature_check()

    application = QApplication.instance() or QApplication(sys.argv)
    if isinstance(application, QApplication):
        application.setStyleSheet(resources.path("style.qss").read_text(encoding="utf-8"))
    return application


def show_early_login() -> Any:
    """The login dialog, painted now, before the database is open (``LoginDialog`` with no
    ``login`` yet). Returns it; ``take_early_login`` hands it to the launcher."""
    from PySide6.QtCore import QEvent, QObject

    from ui.dialogs.login import LoginDialog

    application = _application()

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                _announce_paint("login")
            return False

    dialog = LoginDialog(None)
    dialog.installEventFilter(FirstPaint(dialog))
    dialog.show()
    dialog.repaint()  # painted now: the event loop starts only once everything is imported
    application.processEvents()
    _early_login[:] = [dialog]
    return dialog


def take_early_login() -> Any:
    """The login painted at start (once), or None."""
    return _early_login.pop() if _early_login else None


def show_start_window() -> Any:
    """A plain window with EmDia's name and "Abrindo…", painted now. Returns it (kept alive by
    the caller); it closes itself when another window appears."""
    from PySide6.QtCore import QEvent, QObject, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

    quicker_feature_check()
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
                _announce_paint("start")

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
    start_window = None
    if opens_window(args):
        # The window collects cyclic garbage on its UI thread (``ui.garbage``), with automatic
        # collection off. Off from here already: the start's imports make about 120,000
        # objects, none of them garbage, which the collector would otherwise walk some two
        # hundred times (the whole heap once) before the window exists — a tenth of the start.
        gc.disable()
        start_window = show_early_login() if asks_login_first(args) else show_start_window()
    from app.cli import main as command_line

    try:
        return command_line(args)
    finally:
        del start_window
