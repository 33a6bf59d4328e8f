"""Consulta de crédito: record that SPC/Serasa/Boa Vista was consulted (date, result, who) —
EmDia makes no online call; the receptionist consults the bureau's portal and records the
answer here."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from app.domain.credit_checks import BUREAUS, CreditCheckForm, CreditCheckView
from app.domain.dates import format_date
from app.services.agreements import AgreementService
from ui.widgets.form_dialog import FormDialog


class CreditCheckDialog(FormDialog):
    def __init__(
        self,
        service: AgreementService,
        patient_id: int,
        patient_name: str,
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "CreditCheckDialog", f"Consulta de crédito — {patient_name}", "Registrar", parent
        )
        self.service = service
        self.patient_id = patient_id
        self.saved: CreditCheckView | None = None
        self.bureau = QComboBox()
        self.bureau.setObjectName("bureau")
        for key, text in BUREAUS.items():
            self.bureau.addItem(text, key)
        self.bureau.setCurrentIndex(1)  # Serasa: the one most clinics use
        self.checked_on = QLineEdit(format_date(today))
        self.checked_on.setObjectName("checked_on")
        self.result_edit = QLineEdit()
        self.result_edit.setObjectName("result")
        self.result_edit.setPlaceholderText(self.tr("nada consta · 2 restrições, R$ 850,00 · …"))
        self.notes = QLineEdit()
        self.notes.setObjectName("notes")
        form = QFormLayout()
        self.errors.add_row(form, self.tr("Birô"), self.bureau, "bureau")
        self.errors.add_row(form, self.tr("Data da consulta*"), self.checked_on, "checked_on")
        self.errors.add_row(form, self.tr("Resultado*"), self.result_edit, "result")
        self.errors.add_row(form, self.tr("Observações"), self.notes)
        layout = QVBoxLayout(self)
        layout.addWidget(self.general_error)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(520, 240)
        self.result_edit.setFocus()

    def save(self) -> None:
        form = CreditCheckForm(
            str(self.bureau.currentData()),
            self.checked_on.text(),
            self.result_edit.text(),
            self.notes.text(),
        )
        saved = self.submit(lambda: self.service.add_credit_check(self.patient_id, form))
        if saved is not None:
            self.saved = saved
            self.accept()
