"""Contratos: every contract, searchable by patient name, CPF or contract number, filtered by
status or to those with an installment overdue (their next due date in red)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import ContractStatus, label
from app.services.contracts import ContractService
from ui.models.contracts_model import ContractQuery, ContractTableModel
from ui.widgets.search import SearchBox
from ui.widgets.tables import make_table


class ContractsView(QWidget):
    open_contract = Signal(int, int)  # patient id, contract id

    def __init__(
        self, service: ContractService, today: Callable[[], date], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ContractsView")
        self.model = ContractTableModel(service, today)
        title = QLabel(self.tr("Contratos"))
        title.setObjectName("viewTitle")
        self.search = SearchBox(self.tr("Buscar por paciente, CPF ou número do contrato…"))
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        hint = QLabel(self.tr("Para um novo contrato, abra o paciente em Pacientes."))
        self.table = make_table(
            self.model, "contractsTable", (70, 220, 170, 90, 105, 65, 75, 75, 120)
        )
        self.status = QComboBox()
        self.status.setObjectName("statusFilter")
        self.status.addItem(self.tr("Todas as situações"), None)
        for status in ContractStatus:
            self.status.addItem(label(status), status.value)
        self.overdue = QCheckBox(self.tr("Só com parcela em atraso"))
        self.overdue.setObjectName("overdueOnly")
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.status)
        top.addWidget(self.overdue)
        top.addWidget(hint)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)
        self.search.searched.connect(self.run_search)
        self.status.currentIndexChanged.connect(lambda _i: self.run_search())
        self.overdue.toggled.connect(lambda _on: self.run_search())
        self.table.activated.connect(self._open)
        self.run_search()

    def run_search(self, _text: str = "") -> None:
        status = self.status.currentData()
        self.model.set_query(
            ContractQuery(
                self.search.text(),
                ContractStatus(status) if status else None,
                self.overdue.isChecked(),
            )
        )
        total = self.model.total
        self.count_label.setText(
            self.tr("1 contrato") if total == 1 else self.tr("{n} contratos").format(n=total)
        )

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            c = self.model.summary(index.row())
            self.open_contract.emit(c.patient_id, c.id)
