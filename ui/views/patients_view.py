"""Pacientes: search as you type by name, CPF or phone; add and edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.patients import PatientService
from ui.models.patients_model import PatientTableModel
from ui.widgets.search import SearchBox
from ui.widgets.tables import make_table

if TYPE_CHECKING:  # the import/export code loads when it is first used, not with the list
    from app.services.transfer import TransferService


class PatientsView(QWidget):
    """The list. Enter / double-click opens the patient's page (``open_patient``)."""

    open_patient = Signal(int)

    def __init__(
        self,
        service: PatientService,
        transfer: Callable[[], TransferService] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("PatientsView")
        self.service = service
        self.transfer = transfer
        self.model = PatientTableModel(service)

        title = QLabel(self.tr("Pacientes"))
        title.setObjectName("viewTitle")
        self.search = SearchBox(self.tr("Buscar por nome, CPF ou telefone…  (Ctrl+F)"))
        self.new_button = QPushButton(self.tr("Novo paciente  (Ctrl+N)"))
        self.new_button.setObjectName("newPatient")
        self.count_label = QLabel()
        self.count_label.setObjectName("count")

        self.table = make_table(self.model, "patientsTable", (250, 115, 130, 80, 230, 105, 210))

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        if transfer is not None:
            self.import_button = QPushButton(self.tr("Importar planilha…"))
            self.import_button.setObjectName("importPatients")
            self.export_button = QPushButton(self.tr("Exportar…"))
            self.export_button.setObjectName("exportPatients")
            self.import_button.clicked.connect(self.import_patients)
            self.export_button.clicked.connect(self.export_patients)
            top.addWidget(self.import_button)
            top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)

        self.search.searched.connect(self.run_search)
        self.search.returnPressed.connect(self._open_first)
        self.new_button.clicked.connect(self.add_patient)
        self.table.activated.connect(self._open_index)
        QShortcut(QKeySequence.StandardKey.New, self).activated.connect(self.add_patient)
        QShortcut(QKeySequence.StandardKey.Find, self).activated.connect(self.focus_search)

        self.run_search()

    def run_search(self, _text: str = "") -> None:
        self.model.set_query(self.search.text())
        total = self.model.total
        if total == 0 and self.search.text().strip():
            self.count_label.setText(self.tr("Nenhum paciente encontrado para esta busca."))
        elif total == 1:
            self.count_label.setText(self.tr("1 paciente"))
        else:
            self.count_label.setText(
                self.tr("{n} pacientes").format(n=f"{total:,}".replace(",", "."))
            )

    def _open_first(self) -> None:
        self.run_search()
        if self.model.rowCount() > 0:
            self.table.selectRow(0)
            self.open_patient.emit(self.model.patient_id(0))

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_patient.emit(self.model.patient_id(index.row()))

    def add_patient(self) -> None:
        from ui.dialogs.patient_dialog import PatientDialog

        dialog = PatientDialog(self.service, None, self)
        if dialog.exec() and dialog.saved is not None:
            self.search.blockSignals(True)
            self.search.setText(dialog.saved.name)
            self.search.blockSignals(False)
            self.run_search()
            self.open_patient.emit(dialog.saved.id)

    def import_patients(self) -> None:
        from ui.views.transfer_panel import open_import_wizard

        assert self.transfer is not None
        open_import_wizard(self.transfer(), "patients", self, lambda _report: self.run_search())

    def export_patients(self) -> None:
        from ui.views.transfer_panel import export_to_file

        assert self.transfer is not None
        export_to_file(self.transfer(), "patients", self, self.count_label.setText)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
