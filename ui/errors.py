"""The one place errors reach the user.

An ``EmDiaError`` is expected: its pt-BR message is shown as is. Anything else is a bug: it goes
to the log file with its traceback and the user sees a polite message naming that file — never a
traceback in a dialog.

The open window's reporter is the *active* one (``active()``): ``ui.ops`` sends what a screen
has no place for to it, and exceptions escaping Qt slots reach it through ``sys.excepthook``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.errors import EmDiaError

log = logging.getLogger("emdia.ui")


def polite_message(log_file: Path | None) -> str:
    where = f"\n\nOs detalhes foram gravados em:\n{log_file}" if log_file else ""
    return (
        "Algo deu errado e o EmDia não conseguiu concluir esta ação. Nenhum dado foi perdido: "
        "o que já estava salvo continua salvo. Tente de novo; se acontecer outra vez, envie o "
        f"arquivo de registro ao suporte.{where}"
    )


class ErrorReporter:
    """Shows errors; ``show`` is replaceable so tests can see what would have been shown."""

    def __init__(self, log_file: Path | None = None) -> None:
        self.log_file = log_file
        self.show: Callable[[QWidget | None, str, str, bool], None] = self._message_box

    @staticmethod
    def _message_box(parent: QWidget | None, title: str, text: str, critical: bool) -> None:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Critical if critical else QMessageBox.Icon.Warning)
        box.setWindowTitle(title)
        box.setText(text)
        box.exec()

    def report(self, exc: BaseException, parent: QWidget | None = None) -> None:
        if isinstance(exc, EmDiaError):
            self.show(parent, "EmDia", exc.message, False)
            return
        log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
        self.show(parent, "EmDia — erro inesperado", polite_message(self.log_file), True)

    def excepthook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        """Exceptions escaping Qt slots land here (installed as ``sys.excepthook``)."""
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        exc.__traceback__ = tb
        self.report(exc, QApplication.activeWindow())

    def activate(self) -> None:
        """Make this the reporter ``ui.ops`` uses (the main window does, on opening)."""
        global _active
        _active = self

    def install(self) -> None:
        """Also catch what escapes a Qt slot (the application's start does this once)."""
        sys.excepthook = self.excepthook
        self.activate()


_active: ErrorReporter | None = None


def active() -> ErrorReporter:
    """The reporter of the open window; before any window, a plain one."""
    return _active or ErrorReporter()
