"""Contratos: every contract, searchable by patient name, CPF or contract number."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.services.contracts import ContractService
from ui.models.contracts_model import ContractTableModel
from ui.widgets.search import SearchBox
from ui.widgets.tables import make_table


class ContractsView(QWidget):
    open_contract = Signal(int, int)  # patient id, contract id

    def __init__(self, service: ContractService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ContractsView")
        self.model = ContractTableModel(service)
        title = QLabel(self.tr("Contratos"))
        title.setObjectName("viewTitle")
        self.search = SearchBox(self.tr("Buscar por paciente, CPF ou número do contrato…"))
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        hint = QLabel(self.tr("Para um novo contrato, abra o paciente em Pacientes."))
        self.table = make_table(
            self.model, "contractsTable", (70, 220, 170, 90, 105, 65, 75, 75, 120)
        )
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(hint)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)
        self.search.searched.connect(self.run_search)
        self.table.activated.connect(self._open)
        self.run_search()

    def run_search(self, _text: str = "") -> None:
        self.model.set_query(self.search.text())
        self.count_label.setText(self.tr("{n} contratos").format(n=self.model.total))

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            c = self.model.summary(index.row())
            self.open_contract.emit(c.patient_id, c.id)
