"""Editar contrato: the internal description and the signature details (signing date and the two
witnesses, often filled in after the patient signs). Money and the plan never change here."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.domain.contracts import ContractTermsForm, ContractView
from app.domain.dates import format_date
from app.domain.identity import format_cpf
from app.services.contracts import ContractService
from ui import ops
from ui.widgets.form_dialog import FormDialog


class ContractTermsDialog(FormDialog):
    def __init__(
        self, service: ContractService, contract_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__("ContractTermsDialog", f"Editar contrato {contract_id}", "Salvar", parent)
        self.service = service
        self.contract_id = contract_id
        self.version = 0
        self.saved: ContractView | None = None
        form = QFormLayout()
        self.description = QLineEdit()
        self.description.setObjectName("description")
        self.description.setPlaceholderText(self.tr("Uso interno; nunca aparece em mensagens"))
        self.signed_on = QLineEdit()
        self.signed_on.setObjectName("signed_on")
        self.signed_on.setPlaceholderText("dd/mm/aaaa")
        self.errors.add_row(form, self.tr("Tratamento"), self.description)
        self.errors.add_row(form, self.tr("Assinado em"), self.signed_on, "signed_on")
        self.witness_fields: list[tuple[QLineEdit, QLineEdit]] = []
        for n in (1, 2):
            name, cpf = QLineEdit(), QLineEdit()
            name.setObjectName(f"witness{n}_name")
            cpf.setObjectName(f"witness{n}_cpf")
            cpf.setPlaceholderText("000.000.000-00")
            self.errors.add_row(
                form, self.tr("Testemunha {n}").format(n=n), name, name.objectName()
            )
            self.errors.add_row(form, self.tr("CPF"), cpf, cpf.objectName())
            self.witness_fields.append((name, cpf))
        note = QLabel(
            self.tr(
                "Valores, parcelas e vencimentos não mudam depois de registrados; para mudar o "
                "plano, faça um acordo."
            )
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.general_error)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.resize(520, 360)
        self.reload()

    def reload(self) -> None:
        view = ops.call(self, lambda: self.service.get(self.contract_id))
        if view is not None:
            self.load(view)

    def load(self, view: ContractView) -> None:
        self.version = view.version
        self.description.setText(view.description)
        self.signed_on.setText(format_date(view.signed_on))
        witnesses = [*view.witnesses, ("", ""), ("", "")]
        for (name_edit, cpf_edit), (name, cpf) in zip(self.witness_fields, witnesses, strict=False):
            name_edit.setText(name)
            cpf_edit.setText(format_cpf(cpf))

    def form(self) -> ContractTermsForm:
        (n1, c1), (n2, c2) = self.witness_fields
        return ContractTermsForm(
            description=self.description.text(),
            signed_on=self.signed_on.text(),
            witness1_name=n1.text(),
            witness1_cpf=c1.text(),
            witness2_name=n2.text(),
            witness2_cpf=c2.text(),
        )

    def save(self) -> None:
        form = self.form()
        saved = self.submit(lambda: self.service.update_terms(self.contract_id, form, self.version))
        if saved is not None:
            self.saved = saved
            self.accept()
