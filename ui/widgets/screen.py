"""Windows that open within the screen the clinic has: a dialog asks for a comfortable size,
and gets no more than the screen leaves once the taskbar and its title bar are counted."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

TITLE_BAR = QSize(0, 32)  # the system's title bar sits above the size a window asks for


def room_for(widget: QWidget) -> QSize:
    """What the screen under ``widget`` leaves for its contents (taskbar and title bar out)."""
    return widget.screen().availableGeometry().size() - TITLE_BAR


def opening_size(asked: QSize, room: QSize) -> QSize:
    """The size asked for, capped by the room there is."""
    return asked.boundedTo(room)


def fit_to_screen(widget: QWidget) -> None:
    """Shrink ``widget`` to the screen's room if it asked for more (never below its minimum)."""
    size = opening_size(widget.size(), room_for(widget))
    if size != widget.size():
        widget.resize(size.expandedTo(widget.minimumSizeHint()))
