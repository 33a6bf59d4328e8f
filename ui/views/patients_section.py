"""Pacientes: the searchable list, and one patient's page on top of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QStackedWidget, QWidget

from app.bootstrap import Services
from ui.documents import DocumentDesk
from ui.views.patients_view import PatientsView

if TYPE_CHECKING:  # the page's module (and the dialogs it opens) loads with the first patient
    from ui.views.patient.page import PatientPage


class PatientsSection(QStackedWidget):
    def __init__(
        self, services: Services, desk: DocumentDesk | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("PatientsSection")
        self.services = services
        self.list = PatientsView(services.patients, lambda: services.transfer)
        self.desk = desk
        self._page: PatientPage | None = None
        self.addWidget(self.list)
        self.list.open_patient.connect(self.show_patient)

    @property
    def page(self) -> PatientPage:
        """Built when the first patient is opened (a faster start, bench/bench_app.py)."""
        if self._page is None:
            from ui.views.patient.page import PatientPage

            self._page = PatientPage(self.services, self.desk)
            self.addWidget(self._page)
            self._page.back.connect(self.show_list)
        return self._page

    def open_page(self) -> PatientPage | None:
        """The patient page if one was opened already (without building it)."""
        return self._page

    def show_patient(self, patient_id: int, contract_id: int | None = None) -> None:
        self.page.open(patient_id, contract_id)
        self.setCurrentWidget(self.page)

    def show_list(self) -> None:
        self.list.model.refresh()
        self.setCurrentWidget(self.list)
        self.list.search.setFocus()
