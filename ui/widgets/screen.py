"""Windows that open within the screen the clinic has: a dialog asks for a comfortable size,
and gets no more than the screen leaves once the taskbar and its title bar are counted."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

TITLE_BAR = QSize(0, 32)  # the system's title bar sits above the size a window asks for


def screen_of(window: QWidget) -> QScreen:
    """The screen ``window`` opens on: for a dialog that Qt is going to centre on its parent
    (one not moved yet), the parent's; else the one under the window.

    Asked of the application, never with ``window.screen()`` (nor ``windowHandle().screen()``):
    PySide makes the object whose method returned a QObject the owner of that QObject's Python
    object, so after ``window.screen()`` the Python object of the application's QScreen
    belongs to ``window``. A window Python owns (one without a parent, or a dialog after
    ``exec()``, which hands it to Python) that is left in a reference cycle is cleared by the
    cyclic garbage collector together with that QScreen object, in no fixed order — and if the
    QScreen object is cleared first, PySide gives it to Python and deletes the application's
    screen with it. The next window Qt places reads the freed screen: a segmentation fault.
    ``screenAt`` and ``primaryScreen`` are static, so what they return has no owner."""
    parent = window.parentWidget()
    if parent is not None and not window.testAttribute(Qt.WidgetAttribute.WA_Moved):
        window = parent
    centre = window.mapToGlobal(window.rect().center())
    return QGuiApplication.screenAt(centre) or QGuiApplication.primaryScreen()


def room_for(widget: QWidget) -> QSize:
    """What the screen ``widget`` opens on leaves for its contents (taskbar and title bar out)."""
    return screen_of(widget).availableGeometry().size() - TITLE_BAR


def opening_size(asked: QSize, room: QSize) -> QSize:
    """The size asked for, capped by the room there is."""
    return asked.boundedTo(room)


def fit_to_screen(widget: QWidget) -> None:
    """Shrink ``widget`` to the screen's room if it asked for more (never below its minimum)."""
    size = opening_size(widget.size(), room_for(widget))
    if size != widget.size():
        widget.resize(size.expandedTo(widget.minimumSizeHint()))
