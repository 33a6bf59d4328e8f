"""IPCA month by month, typed in by the user (no internet: EmDia never downloads it)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_percent
from app.domain.schedule import add_months
from app.errors import EmDiaError
from app.services.indexes import IndexService
from ui import ops
from ui.widgets.form import ERROR_STYLE, in_one_line


class IndexEditor(QWidget):
    def __init__(self, service: IndexService, index: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("IndexEditor")
        self.service = service
        self.index = index
        heading = QLabel(
            self.tr(
                "Variação mensal do {name} (%), para a correção monetária — copie do site do "
                "IBGE, um mês por linha."
            ).format(name=index.upper())
        )
        heading.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("indexTable")
        self.table.setHorizontalHeaderLabels([self.tr("Mês (mm/aaaa)"), self.tr("Variação (%)")])
        self.table.verticalHeader().hide()
        self.table.setColumnWidth(0, 140)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.add_button = QPushButton(self.tr("Adicionar mês"))
        self.add_button.setObjectName("addMonth")
        self.save_button = QPushButton(self.tr("Salvar índice"))
        self.save_button.setObjectName("saveIndex")
        self.status = QLabel()
        self.status.setObjectName("indexStatus")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add_month)
        self.save_button.clicked.connect(self.save)
        self.load()

    def load(self) -> None:
        values = ops.call(self, lambda: self.service.values(self.index))
        if values is None:
            return
        self.table.setRowCount(0)
        for month, bp in values:
            self._append(f"{month:%m/%Y}", format_percent(bp).removesuffix(" %"))

    def _append(self, month: str, variation: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(month))
        self.table.setItem(row, 1, QTableWidgetItem(variation))

    def add_month(self) -> None:
        last = self.table.item(self.table.rowCount() - 1, 0) if self.table.rowCount() else None
        month = date(2026, 1, 1)
        if last is not None:
            mm, _, yyyy = last.text().partition("/")
            if mm.isdigit() and yyyy.isdigit():
                month = add_months(date(int(yyyy), int(mm), 1), 1, 1)
        self._append(f"{month:%m/%Y}", "")
        cell = self.table.item(self.table.rowCount() - 1, 1)
        if self.table.isVisible() and cell is not None:  # open it for typing straight away
            self.table.editItem(cell)

    def pairs(self) -> dict[str, str]:
        result = {}
        for row in range(self.table.rowCount()):
            month, variation = self.table.item(row, 0), self.table.item(row, 1)
            if month is not None and month.text().strip():
                result[month.text().strip()] = variation.text() if variation else ""
        return result

    def save(self) -> None:
        self.status.setStyleSheet("")
        pairs = self.pairs()
        count = ops.call(
            self, lambda: self.service.set_values(self.index, pairs), on_error=self._refused
        )
        if count is None:
            return
        self.status.setText(self.tr("{n} meses salvos.").format(n=count))
        self.load()

    def _refused(self, exc: EmDiaError) -> None:
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(self.tr("Nada foi salvo: ") + in_one_line(exc))
