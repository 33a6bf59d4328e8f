"""Form rows with a pt-BR error message right under the field it is about."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.errors import EmDiaError, ValidationError

ERROR_STYLE = "color: #b3261e; font-size: 11px;"


def secret_line(name: str) -> QLineEdit:
    """A line edit for a password or frase-senha (never shown while typed)."""
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class FieldErrors:
    """Maps the services' field keys to the widgets and their error labels."""

    def __init__(self, general: QLabel | None = None) -> None:
        self.labels: dict[str, QLabel] = {}
        self.widgets: dict[str, QWidget] = {}
        self.general = general

    def add_row(
        self, form: QFormLayout, label: str, widget: QWidget, key: str | None = None
    ) -> QWidget:
        """Add ``label: widget`` to ``form``; with ``key``, an error label goes under it."""
        if key is None:
            form.addRow(label, widget)
            return widget
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"error_{key}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        box.addWidget(error)
        form.addRow(label, holder)
        self.labels[key] = error
        self.widgets[key] = widget
        return holder

    def clear(self) -> None:
        for key, label in self.labels.items():
            label.clear()
            label.hide()
            self.widgets[key].setProperty("invalid", False)
            self.widgets[key].setStyleSheet("")
        if self.general is not None:
            self.general.clear()
            self.general.hide()

    def show(self, error: ValidationError) -> None:
        """Put each message under its field (others in the general label); focus the first."""
        self.clear()
        first: QWidget | None = None
        leftovers: list[str] = []
        for field_error in error.errors:
            label = self.labels.get(field_error.field)
            if label is None:
                leftovers.append(field_error.message)
                continue
            text = f"{label.text()}\n{field_error.message}" if label.text() else field_error.message
            label.setText(text)
            label.show()
            widget = self.widgets[field_error.field]
            widget.setStyleSheet("border: 1px solid #b3261e;")
            first = first or widget
        if leftovers and self.general is not None:
            self.general.setText("\n".join(leftovers))
            self.general.show()
        if first is not None:
            first.setFocus()

    def message_for(self, key: str) -> str:
        label = self.labels.get(key)
        return label.text() if label is not None and not label.isHidden() else ""

    def attempt(self, action: Callable[[], object]) -> bool:
        """Run a save/submit: field errors go under their fields, any other refusal to the
        general label. ``True`` when it went through."""
        self.clear()
        try:
            action()
        except ValidationError as exc:
            self.show(exc)
            return False
        except EmDiaError as exc:
            if self.general is not None:
                self.general.setText(exc.message)
                self.general.show()
            return False
        return True
