"""The one shape of EmDia's form dialogs: errors under their fields, a general error line,
Save/Cancel, and a single ``submit`` that puts any refusal where the user will see it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QWidget

from app.errors import EmDiaError, ValidationError
from ui.widgets.form import ERROR_STYLE, FieldErrors

T = TypeVar("T")


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
        self.general_error = QLabel()
        self.general_error.setObjectName("error_general")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.errors = FieldErrors(self.general_error)
        self.buttons = QDialogButtonBox()
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

    def save(self) -> None:  # pragma: no cover - every dialog overrides it
        raise NotImplementedError

    def submit(self, action: Callable[[], T]) -> T | None:
        """Run ``action``; on a refusal show why (under the field, or on top) and return None."""
        self.errors.clear()
        try:
            return action()
        except ValidationError as exc:
            self.errors.show(exc)
        except EmDiaError as exc:
            self.general_error.setText(exc.message)
            self.general_error.show()
        return None
