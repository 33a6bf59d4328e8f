"""A read-only table of pre-formatted rows: small lists (installments, payments, previews)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

Index = QModelIndex | QPersistentModelIndex

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

# Status colours: calm for paid, warm for attention, strong only for what is late.
COLOURS = {
    "vencido": "#b3261e",
    "parcial": "#9a5b00",
    "pago": "#1f6b5e",
    "pago com atraso": "#1f6b5e",
    "a vencer": "#333333",
    "renegociado": "#6b6b6b",
    "estornado": "#6b6b6b",
    "estorno": "#6b6b6b",
}


@dataclass
class Row:
    cells: Sequence[str]
    key: Any = None
    colour: str | None = None
    tooltip: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class RowsTableModel(QAbstractTableModel):
    def __init__(self, headers: Sequence[str], right_aligned: Sequence[int] = ()) -> None:
        super().__init__()
        self.headers = list(headers)
        self.right_aligned = set(right_aligned)
        self.rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.right_aligned:
            return int(RIGHT.value)
        if role == Qt.ItemDataRole.ForegroundRole and row.colour:
            return QBrush(QColor(row.colour))
        if role == Qt.ItemDataRole.ToolTipRole and row.tooltip:
            return row.tooltip
        if role == Qt.ItemDataRole.UserRole:
            return row.key
        return None

    def key(self, row: int) -> Any:
        return self.rows[row].key
