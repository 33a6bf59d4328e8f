"""A figure on Início: what it is, the amount, and how it was counted (a line below)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class Card(QFrame):
    def __init__(self, name: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("kpi", True)
        self.caption = QLabel(caption)
        self.caption.setObjectName("kpiCaption")
        self.value = QLabel("—")
        self.value.setObjectName("kpiValue")
        self.note = QLabel()
        self.note.setObjectName("kpiNote")
        self.note.setWordWrap(True)
        self.box = QVBoxLayout(self)
        self.box.setSpacing(2)
        for widget in (self.caption, self.value, self.note):
            self.box.addWidget(widget)

    def set(self, value: str, note: str) -> None:
        self.value.setText(value)
        self.note.setText(note)
