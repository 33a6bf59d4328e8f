"""Does a screen fit the clinic's PC? The controls a person uses must be inside the window, not
cut by a panel around them and not squeezed below the size their text needs; a wrapped text
shows all its lines. What sits in a scroll area (a table's rows, a long form) counts as
reachable: it scrolls."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

# The clinic's screens: a 1366×768 notebook with a 40-pixel taskbar, and a 1280×720 one.
SCREENS = (QSize(1366, 728), QSize(1280, 720))
TITLE_BAR = 32  # the system's title bar of a dialog sits above its own size
CONTROLS = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QPlainTextEdit,
    QTextEdit,
    QTabBar,
)


def fits(size: QSize, room: QSize) -> bool:
    return size.width() <= room.width() and size.height() <= room.height()


def _scrolls(widget: QWidget, top: QWidget) -> bool:
    """Inside a scroll area's viewport (or a tab bar's own scrolling): reached by scrolling."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if parent.objectName() == "qt_scrollarea_viewport" or isinstance(parent, QTabBar):
            return True
        parent = parent.parentWidget()
    return False


def _name(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, (QAbstractButton, QLineEdit)) else ""
    return f"{type(widget).__name__}#{widget.objectName() or '?'}" + (f" '{text}'" if text else "")


def _wraps_short(label: QLabel, top: QWidget) -> bool:
    """A wrapped text given fewer lines than it needs: its last lines are not shown."""
    return (
        label.wordWrap()
        and bool(label.text())
        and label.isVisibleTo(top)
        and not _scrolls(label, top)
        and label.height() < label.heightForWidth(label.width())
    )


def _short(label: QLabel) -> str:
    needs = label.heightForWidth(label.width())
    return f"QLabel '{label.text()[:40]}…' cut: {label.height()} px high, its text needs {needs}"


def cut_off(top: QWidget) -> list[str]:
    """Every visible control of ``top`` that a person could not fully see or use, and every
    wrapped text whose last lines are cut."""
    problems = [_short(label) for label in top.findChildren(QLabel) if _wraps_short(label, top)]
    for widget in top.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisibleTo(top):
            continue
        if _scrolls(widget, top):
            continue
        rect = QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())
        if not top.rect().contains(rect):
            problems.append(f"{_name(widget)} outside the window at {rect}")
            continue
        hint = widget.minimumSizeHint()
        if widget.width() < hint.width() or widget.height() < min(hint.height(), 16):
            problems.append(f"{_name(widget)} squeezed to {widget.size()} (needs {hint})")
            continue
        parent = widget.parentWidget()
        while parent is not None and parent is not top:
            inside = QRect(widget.mapTo(parent, QPoint(0, 0)), widget.size())
            if not parent.rect().contains(inside):
                problems.append(f"{_name(widget)} cut by {_name(parent)}")
                break
            parent = parent.parentWidget()
    return problems
