"""The one shape of EmDia's form dialogs: errors under their fields, a general error line,
Save/Cancel, and a single ``submit`` that puts any refusal where the user will see it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QTimer, SignalInstance
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QPushButton,
    QWidget,
)

from app.errors import ConflictError, EmDiaError
from ui import ops
from ui.widgets.form import FieldErrors, error_label
from ui.widgets.screen import fit_to_screen

T = TypeVar("T")

PREVIEW_DELAY_MS = 200  # a preview follows the typing without recomputing at every key


class FormDialog(QDialog):
    def __init__(
        self,
        object_name: str,
        title: str,
        save_text: str,
        parent: QWidget | None = None,
        *,
        save_is_default: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.general_error = error_label()
        self.errors = FieldErrors(self.general_error)
        # Inside the dialog from the start: a default set on a button not yet in a dialog is
        # lost, and Qt then made the first button after the focused field the default — Enter
        # in an amount pressed the quick-fill button beside it instead of saving.
        self.buttons = QDialogButtonBox(self)
        self.save_button: QPushButton = self.buttons.addButton(
            save_text, QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setObjectName("save")
        self.cancel_button: QPushButton = self.buttons.addButton(
            self.tr("Cancelar"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.cancel_button.setObjectName("cancel")
        # A destructive action (an estorno) is never the default button.
        (self.save_button if save_is_default else self.cancel_button).setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)

    def showEvent(self, event: QShowEvent) -> None:
        fit_to_screen(self)  # a 1366×768 notebook has no room for the size asked on a big one
        super().showEvent(event)

    def preview_while_typing(self, refresh: Callable[[], None], *changed: SignalInstance) -> QTimer:
        """Call ``refresh`` once the user pauses: each of ``changed`` restarts the wait."""
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(PREVIEW_DELAY_MS)
        timer.timeout.connect(refresh)
        for signal in changed:
            signal.connect(lambda *_args: timer.start())
        return timer

    def save(self) -> None:  # pragma: no cover - every dialog overrides it
        raise NotImplementedError

    def reload(self) -> None:
        """Show the record as it is now (after another PC saved it). Editing dialogs override."""

    def ask_reload(self, exc: ConflictError) -> bool:
        """Another PC saved this record first: offer to reload it (discarding what was typed
        here) or to keep the form as it is. Nothing was saved either way."""
        box = QMessageBox(self)
        box.setObjectName("conflict")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Registro alterado em outro computador"))
        box.setText(self.tr("Outro usuário alterou este registro — recarregar?"))
        box.setInformativeText(exc.message)
        reload_button = box.addButton(self.tr("Recarregar"), QMessageBox.ButtonRole.AcceptRole)
        reload_button.setObjectName("reload")
        keep = box.addButton(self.tr("Continuar editando"), QMessageBox.ButtonRole.RejectRole)
        keep.setObjectName("keep")
        box.setDefaultButton(reload_button)
        box.exec()
        return box.clickedButton() is reload_button

    def submit(self, action: Callable[[], T]) -> T | None:
        """Run ``action`` through ``ui.ops``; on a refusal show why (under the field, or on
        top) and return None."""
        self.errors.clear()
        return ops.call(self, action, on_error=self.refused)

    def refused(self, exc: EmDiaError) -> None:
        self.errors.refused(exc)
        if isinstance(exc, ConflictError) and self.ask_reload(exc):
            self.reload()
            self.general_error.setText(
                self.tr("Recarregado: esta é a versão atual. Refaça suas alterações e salve.")
            )
            self.general_error.show()
