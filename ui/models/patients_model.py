"""Lazy table of patients: pages of rows fetched as the user scrolls (fetchMore)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain.dates import format_date
from app.domain.identity import format_cpf, format_phone
from app.domain.patients import PatientListItem
from app.services.patients import PatientService

Index = QModelIndex | QPersistentModelIndex

PAGE = 200


class PatientTableModel(QAbstractTableModel):
    HEADERS = (
        "Nome",
        "CPF",
        "Telefone",
        "WhatsApp",
        "E-mail",
        "Cidade",
        "Responsável financeiro",
        "Dados confirmados em",
    )

    def __init__(self, service: PatientService) -> None:
        super().__init__()
        self.service = service
        self.query = ""
        self.total = 0
        self.rows: list[PatientListItem] = []

    # --- loading ------------------------------------------------------------------------
    def set_query(self, text: str) -> None:
        self.beginResetModel()
        self.query = text
        self.total = self.service.count(text)
        self.rows = self.service.search(text, 0, PAGE)
        self.endResetModel()

    def refresh(self) -> None:
        self.set_query(self.query)

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

    # --- Qt model API -------------------------------------------------------------------
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
        item = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                item.name,
                format_cpf(item.cpf),
                format_phone(item.phone),
                "sim" if item.phone and item.phone_whatsapp else "",
                item.email,
                item.city,
                item.responsible_name,
                format_date(item.data_confirmed_on),
            )
            return values[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        return None

    def patient_id(self, row: int) -> int:
        return self.rows[row].id
