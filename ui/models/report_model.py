"""One table of a report on screen: the rows as the paper prints them (``cell_text``), amounts
right-aligned, negative money (estornos) in red, the totals row in bold at the end."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.domain.columns import Kind
from app.domain.reports.view import ReportTable, row_texts

Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
NEGATIVE = "#b3261e"
TOTAL_BACKGROUND = "#eef3f1"


class ReportTableModel(QAbstractTableModel):
    def __init__(self, table: ReportTable | None = None) -> None:
        super().__init__()
        self.table: ReportTable | None = None
        self.texts: list[list[str]] = []
        self.bold = QFont()
        self.bold.setBold(True)
        if table is not None:
            self.show_table(table)

    def show_table(self, table: ReportTable) -> None:
        self.beginResetModel()
        self.table = table
        rows = [*table.rows, *([table.total] if table.total is not None else [])]
        self.texts = [row_texts(table.columns, row) for row in rows]
        self.endResetModel()

    def has_total(self) -> bool:
        return self.table is not None and self.table.total is not None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.texts)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.table is None:
            return 0
        return len(self.table.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self.table is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.table.columns[section].header
        return None

    def _value(self, index: Index) -> object:
        assert self.table is not None
        row = index.row()
        cells = self.table.rows[row] if row < len(self.table.rows) else self.table.total
        return cells[index.column()] if cells is not None else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.table is None:
            return None
        kind = self.table.columns[index.column()].kind
        is_total = self.has_total() and index.row() == len(self.texts) - 1
        if role == Qt.ItemDataRole.DisplayRole:
            return self.texts[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and kind is not Kind.TEXT:
            return int(RIGHT.value)
        if role == Qt.ItemDataRole.FontRole and is_total:
            return self.bold
        if role == Qt.ItemDataRole.BackgroundRole and is_total:
            return QBrush(QColor(TOTAL_BACKGROUND))
        if role == Qt.ItemDataRole.ForegroundRole and kind is Kind.MONEY:
            value = self._value(index)
            if isinstance(value, int) and value < 0:
                return QBrush(QColor(NEGATIVE))
        return None
