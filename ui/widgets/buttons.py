"""Push buttons made the one way EmDia makes them: known by an object name (tests and the
style sheet find them by it), with what a click does."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton


def push_button(name: str, text: str, on_click: Callable[[], object] | None = None) -> QPushButton:
    """``text`` comes translated (``self.tr("…")`` at the call site)."""
    button = QPushButton(text)
    button.setObjectName(name)
    if on_click is not None:
        button.clicked.connect(lambda _checked=False: on_click())
    return button
