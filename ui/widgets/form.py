"""Form rows with a pt-BR error message right under the field it is about."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.identity import digits, looks_mobile
from app.errors import EmDiaError, ValidationError
from ui import ops

ERROR_STYLE = "color: #b3261e; font-size: 11px;"


def error_label(name: str = "error_general") -> QLabel:
    """The red, word-wrapped line where a refusal that is not about one field is shown."""
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def in_one_line(exc: EmDiaError) -> str:
    """A refusal as one line (a preview's note): the fields' messages side by side."""
    if isinstance(exc, ValidationError):
        return " ".join(e.message for e in exc.errors)
    return exc.message


def line_edit(name: str, placeholder: str = "") -> QLineEdit:
    """A line edit known by ``name`` (tests and error labels find it by that name)."""
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    return edit


def side_by_side(first: QWidget, second: QWidget, stretch: tuple[int, int] = (1, 0)) -> QWidget:
    """Two widgets on one form row (an amount and its tick box, a name and its CPF)."""
    row = QWidget()
    box = QHBoxLayout(row)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(first, stretch[0])
    box.addWidget(second, stretch[1])
    return row


def format_while_typing(edit: QLineEdit, formatter: Callable[[str], str]) -> None:
    """Reformat what the person types (a CPF's dots, a phone's brackets and dash) as they type,
    the cursor staying after the same digit."""

    def reformat(text: str) -> None:
        shown = formatter(text)
        if shown == text:
            return
        before = len(digits(text[: edit.cursorPosition()]))
        edit.setText(shown)
        edit.setCursorPosition(_after_digits(shown, before))

    edit.textEdited.connect(reformat)


def _after_digits(text: str, count: int) -> int:
    """The position right after the ``count``-th digit of ``text`` (its end when fewer)."""
    seen = 0
    for position, char in enumerate(text):
        if seen == count:
            return position
        seen += char.isdigit()
    return len(text)


def whatsapp_follows(phone: QLineEdit, box: QCheckBox) -> None:
    """The WhatsApp tick follows the number typed — on for a cell number, off for a landline —
    until the person ticks or unticks it themselves."""
    decided = [False]

    def follow(text: str) -> None:
        if not decided[0]:
            box.setChecked(looks_mobile(text))

    box.clicked.connect(lambda _checked: decided.__setitem__(0, True))
    phone.textEdited.connect(follow)


def secret_line(name: str) -> QLineEdit:
    """A line edit for a password or frase-senha (never shown while typed)."""
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class FieldErrors:
    """Maps the services' field keys to the widgets and their error labels."""

    def __init__(self, general: QLabel) -> None:
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
        holder = self.holder(widget, key)
        form.addRow(label, holder)
        return holder

    def holder(self, widget: QWidget, key: str) -> QWidget:
        """``widget`` with its error label under it, for a row that is not a form's."""
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
        self.labels[key] = error
        self.widgets[key] = widget
        return holder

    def clear(self) -> None:
        for key, label in self.labels.items():
            label.clear()
            label.hide()
            self.widgets[key].setProperty("invalid", False)
            self.widgets[key].setStyleSheet("")
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
        if leftovers:
            self.general.setText("\n".join(leftovers))
            self.general.show()
        if first is not None:
            first.setFocus()

    def message_for(self, key: str) -> str:
        label = self.labels.get(key)
        return label.text() if label is not None and not label.isHidden() else ""

    def refused(self, exc: EmDiaError) -> None:
        """An ``on_error`` for ``ui.ops``: field errors under their fields, any other refusal in
        the general label."""
        if isinstance(exc, ValidationError):
            self.show(exc)
            return
        self.general.setText(exc.message)
        self.general.show()

    def attempt(self, action: Callable[[], object]) -> bool:
        """Run a save/submit through ``ui.ops``, refusals shown by ``refused``. ``True`` when it
        went through."""
        self.clear()
        return ops.attempt(self.general, action, on_error=self.refused)
