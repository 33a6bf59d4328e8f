"""Lazy table of contracts for the Contratos section (pages fetched as the user scrolls)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain.catalog import label
from app.domain.contracts import ContractSummary
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.services.contracts import ContractService
from ui.models.rows_model import RIGHT

Index = QModelIndex | QPersistentModelIndex

PAGE = 200
STATUS = {
    "active": "ativo",
    "settled": "quitado",
    "renegotiated": "renegociado",
    "cancelled": "cancelado",
}


class ContractTableModel(QAbstractTableModel):
    HEADERS = (
        "Contrato",
        "Paciente",
        "Responsável",
        "Início",
        "Total",
        "Parcelas",
        "Forma",
        "Situação",
        "Saldo (principal)",
        "Próximo vencimento",
    )
    MONEY = (4, 8)

    def __init__(self, service: ContractService) -> None:
        super().__init__()
        self.service = service
        self.query = ""
        self.total = 0
        self.rows: list[ContractSummary] = []

    def set_query(self, text: str) -> None:
        self.beginResetModel()
        self.query = text
        self.total = self.service.count(text)
        self.rows = self.service.search(text, 0, PAGE)
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more = self.service.search(self.query, len(self.rows), PAGE)
        if not more:
            self.total = len(self.rows)
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                str(c.id),
                c.patient_name,
                c.responsible_name,
                format_date(c.created_on),
                format_brl(c.total_cents),
                f"{c.installments}x",
                label(c.method),
                STATUS.get(c.status, c.status),
                format_brl(c.open_principal_cents),
                format_date(c.next_due),
            )[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.MONEY:
            return int(RIGHT.value)
        return None

    def summary(self, row: int) -> ContractSummary:
        return self.rows[row]
