"""Search-as-you-type box: emits ``searched`` a moment after the user stops typing."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

SEARCH_DELAY_MS = 150


class SearchBox(QLineEdit):
    searched = Signal(str)

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("search")
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.flush)
        self.textChanged.connect(self._debounce.start)

    def flush(self) -> None:
        """Search now (Enter, or a caller that cannot wait)."""
        self._debounce.stop()
        self.searched.emit(self.text())
