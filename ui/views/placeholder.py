"""A section that is not built yet says so plainly — it never pretends."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class PlaceholderView(QWidget):
    def __init__(self, title: str, coming: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PlaceholderView")
        heading = QLabel(title)
        heading.setObjectName("viewTitle")
        notice = QLabel(
            self.tr("Esta seção ainda não está pronta nesta versão do EmDia.") + "\n\n" + coming
        )
        notice.setObjectName("placeholderText")
        notice.setWordWrap(True)
        notice.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(notice)
        layout.addStretch(1)
