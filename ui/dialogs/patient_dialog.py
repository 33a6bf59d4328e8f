"""Cadastro de paciente: add or edit, with every problem shown under its field."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.dates import format_date
from app.domain.identity import (
    UFS,
    cpf_while_typing,
    digits,
    format_cep,
    format_cpf,
    format_phone,
    phone_while_typing,
)
from app.domain.patients import Patient, PatientForm, PersonRef, ResponsibleForm
from app.services.base import Permission
from app.services.lgpd import LgpdService
from app.services.patients import PatientService
from ui import ops
from ui.widgets.form import format_while_typing, line_edit, side_by_side, whatsapp_follows
from ui.widgets.form_dialog import FormDialog


class PatientDialog(FormDialog):
    def __init__(
        self,
        service: PatientService,
        patient_id: int | None = None,
        parent: QWidget | None = None,
        *,
        lgpd: LgpdService | None = None,
    ) -> None:
        super().__init__(
            "PatientDialog",
            "Novo paciente" if patient_id is None else "Editar paciente",
            "Salvar",
            parent,
        )
        self.service = service
        self.lgpd = lgpd
        self.anonymized = False
        # Replaceable by tests: where to save the export, and the "are you sure?".
        self.ask_export_path = self._ask_export_path
        self.confirm_anonymize = self._confirm_anonymize
        self.patient_id = patient_id
        self.version = 0
        self.saved: Patient | None = None
        self.found_responsible: PersonRef | None = None
        columns = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        left.addWidget(self._personal_box())
        left.addWidget(self._contact_box())
        left.addStretch(1)
        right.addWidget(self._address_box())
        right.addWidget(self._responsible_box())
        right.addStretch(1)

        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notes")
        self.notes.setPlaceholderText(self.tr("Uso interno da clínica; não vai em mensagens."))
        self.notes.setFixedHeight(56)

        self.lgpd_button = self._lgpd_button()
        layout = QVBoxLayout(self)
        layout.addWidget(self.general_error)
        layout.addLayout(columns)
        layout.addWidget(QLabel(self.tr("Observações internas")))
        layout.addWidget(self.notes)
        layout.addWidget(self.buttons)
        self.resize(960, 640)

        if patient_id is not None:
            self.reload()
        self.name.setFocus()

    # --- layout -------------------------------------------------------------------------
    def _lgpd_button(self) -> QPushButton | None:
        """The data subject's rights (LGPD art. 18): export everything, anonymise.
        Only for a saved patient, and only for who may (gestor, admin)."""
        lgpd = self.lgpd
        if self.patient_id is None or lgpd is None or not lgpd.actor.can(Permission.LGPD):
            return None
        button = self.buttons.addButton(self.tr("LGPD…"), QDialogButtonBox.ButtonRole.ActionRole)
        button.setObjectName("lgpd")
        menu = QMenu(button)
        menu.addAction(self.tr("Exportar todos os dados (JSON)…"), self.export_data)
        menu.addAction(self.tr("Anonimizar este paciente…"), self.anonymize)
        button.setMenu(menu)
        return button

    def _personal_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Dados pessoais"))
        form = QFormLayout(box)
        self.name = line_edit("name", self.tr("Nome e sobrenome"))
        self.cpf = line_edit("cpf", "000.000.000-00")
        self.birth_date = line_edit("birth_date", "dd/mm/aaaa")
        self.errors.add_row(form, self.tr("Nome completo*"), self.name, "name")
        self.errors.add_row(form, self.tr("CPF"), self.cpf, "cpf")
        self.errors.add_row(form, self.tr("Nascimento"), self.birth_date, "birth_date")
        format_while_typing(self.cpf, cpf_while_typing)
        return box

    def _contact_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Contato"))
        form = QFormLayout(box)
        self.phone = line_edit("phone", "(19) 98765-4321")
        self.phone_whatsapp = QCheckBox(self.tr("WhatsApp"))
        self.phone_whatsapp.setObjectName("phone_whatsapp")
        self.phone_alt = line_edit("phone_alt", self.tr("opcional"))
        self.phone_alt_whatsapp = QCheckBox(self.tr("WhatsApp"))
        self.phone_alt_whatsapp.setObjectName("phone_alt_whatsapp")
        self.email = line_edit("email", "nome@provedor.com.br")
        self.errors.add_row(
            form, self.tr("Telefone"), side_by_side(self.phone, self.phone_whatsapp), "phone"
        )
        self.errors.widgets["phone"] = self.phone
        self.errors.add_row(
            form,
            self.tr("Outro telefone"),
            side_by_side(self.phone_alt, self.phone_alt_whatsapp),
            "phone_alt",
        )
        self.errors.widgets["phone_alt"] = self.phone_alt
        self.errors.add_row(form, self.tr("E-mail"), self.email, "email")
        for phone, whatsapp in (
            (self.phone, self.phone_whatsapp),
            (self.phone_alt, self.phone_alt_whatsapp),
        ):
            format_while_typing(phone, phone_while_typing)
            whatsapp_follows(phone, whatsapp)

        optout = QWidget()
        row = QHBoxLayout(optout)
        row.setContentsMargins(0, 0, 0, 0)
        self.opt_out_whatsapp = QCheckBox(self.tr("WhatsApp"))
        self.opt_out_sms = QCheckBox(self.tr("SMS"))
        self.opt_out_email = QCheckBox(self.tr("E-mail"))
        self.opt_out_phone = QCheckBox(self.tr("Ligação"))
        for name, check in (
            ("opt_out_whatsapp", self.opt_out_whatsapp),
            ("opt_out_sms", self.opt_out_sms),
            ("opt_out_email", self.opt_out_email),
            ("opt_out_phone", self.opt_out_phone),
        ):
            check.setObjectName(name)
            row.addWidget(check)
        row.addStretch(1)
        form.addRow(self.tr("Não contatar por"), optout)

        self.confirmed_label = QLabel(
            self.tr("Novo cadastro: os dados contam como confirmados hoje.")
        )
        self.confirmed_label.setObjectName("confirmed_label")
        self.confirm_today = QCheckBox(self.tr("Confirmei os dados de contato com o paciente hoje"))
        self.confirm_today.setObjectName("confirm_today")
        self.confirm_today.setVisible(self.patient_id is not None)
        form.addRow(self.tr("Confirmação"), self.confirmed_label)
        form.addRow("", self.confirm_today)
        return box

    def _address_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Endereço"))
        form = QFormLayout(box)
        self.zip_code = line_edit("zip_code", "00000-000")
        self.street = line_edit("street", self.tr("Rua, avenida…"))
        self.number = line_edit("number")
        self.complement = line_edit("complement", self.tr("apto, bloco…"))
        self.district = line_edit("district")
        self.city = line_edit("city")
        self.state = QComboBox()
        self.state.setObjectName("state")
        self.state.addItems(["", *UFS])
        self.errors.add_row(form, self.tr("CEP"), self.zip_code, "zip_code")
        self.errors.add_row(form, self.tr("Logradouro"), self.street)
        self.errors.add_row(form, self.tr("Número"), self.number)
        self.errors.add_row(form, self.tr("Complemento"), self.complement)
        self.errors.add_row(form, self.tr("Bairro"), self.district)
        self.errors.add_row(form, self.tr("Cidade"), self.city)
        self.errors.add_row(form, self.tr("UF"), self.state, "state")
        return box

    def _responsible_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Responsável financeiro"))
        outer = QVBoxLayout(box)
        self.has_responsible = QCheckBox(
            self.tr("Outra pessoa paga por este paciente (pai, mãe, cônjuge…)")
        )
        self.has_responsible.setObjectName("has_responsible")
        outer.addWidget(self.has_responsible)
        self.responsible_panel = QWidget()
        form = QFormLayout(self.responsible_panel)
        form.setContentsMargins(0, 0, 0, 0)
        self.responsible_cpf = line_edit("responsible_cpf", "000.000.000-00")
        self.responsible_found = QLabel()
        self.responsible_found.setObjectName("responsible_found")
        self.responsible_found.setWordWrap(True)
        self.responsible_name = line_edit("responsible_name", self.tr("Nome e sobrenome"))
        self.responsible_phone = line_edit("responsible_phone", "(19) 98765-4321")
        self.responsible_whatsapp = QCheckBox(self.tr("WhatsApp"))
        self.responsible_whatsapp.setObjectName("responsible_whatsapp")
        self.responsible_email = line_edit("responsible_email", "nome@provedor.com.br")
        self.errors.add_row(form, self.tr("CPF*"), self.responsible_cpf, "responsible_cpf")
        form.addRow("", self.responsible_found)
        self.errors.add_row(form, self.tr("Nome"), self.responsible_name, "responsible_name")
        self.errors.add_row(
            form,
            self.tr("Telefone"),
            side_by_side(self.responsible_phone, self.responsible_whatsapp),
            "responsible_phone",
        )
        self.errors.widgets["responsible_phone"] = self.responsible_phone
        self.errors.add_row(form, self.tr("E-mail"), self.responsible_email, "responsible_email")
        self.same_address = QCheckBox(self.tr("Mora no mesmo endereço do paciente"))
        self.same_address.setObjectName("responsible_same_address")
        self.same_address.setChecked(True)
        self.same_address.setToolTip(
            self.tr("A notificação e o aviso de negativação vão para o endereço de quem paga.")
        )
        form.addRow(self.tr("Endereço"), self.same_address)
        form.addRow("", self._responsible_address())
        format_while_typing(self.responsible_cpf, cpf_while_typing)
        format_while_typing(self.responsible_phone, phone_while_typing)
        whatsapp_follows(self.responsible_phone, self.responsible_whatsapp)
        outer.addWidget(self.responsible_panel)
        self.responsible_panel.setEnabled(False)
        self.has_responsible.toggled.connect(self.responsible_panel.setEnabled)
        self.responsible_cpf.editingFinished.connect(self.look_up_responsible)
        self.responsible_cpf.textChanged.connect(self._cpf_typed)
        return box

    def _responsible_address(self) -> QWidget:
        """The responsável's own address, asked only when it is not the patient's: compact, so
        the dialog still fits a 768-pixel screen."""
        self.responsible_address = QWidget()
        self.responsible_address.setObjectName("responsibleAddress")
        form = QFormLayout(self.responsible_address)
        form.setContentsMargins(0, 0, 0, 0)
        self.responsible_street = line_edit("responsible_street", self.tr("Rua, número, apto"))
        self.responsible_district = line_edit("responsible_district", self.tr("Bairro"))
        self.responsible_city = line_edit("responsible_city", self.tr("Cidade"))
        self.responsible_state = QComboBox()
        self.responsible_state.setObjectName("responsible_state")
        self.responsible_state.addItems(["", *UFS])
        self.responsible_zip = line_edit("responsible_zip_code", "CEP")
        self.responsible_zip.setMaximumWidth(100)
        form.addRow(side_by_side(self.responsible_street, self.responsible_district, (2, 1)))
        place = QWidget()
        row = QHBoxLayout(place)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.responsible_city, 1)
        row.addWidget(self.responsible_state)
        row.addWidget(self.responsible_zip)
        form.addRow(place)
        self.errors.widgets["responsible_zip_code"] = self.responsible_zip
        self.errors.widgets["responsible_state"] = self.responsible_state
        self.responsible_address.hide()
        self.same_address.toggled.connect(
            lambda same: self.responsible_address.setVisible(not same)
        )
        return self.responsible_address

    # --- behaviour ----------------------------------------------------------------------
    def _cpf_typed(self, text: str) -> None:
        if len(digits(text)) == 11 or self.found_responsible is not None:
            self.look_up_responsible()

    def look_up_responsible(self) -> None:
        """Typing a known CPF links that person; an unknown one asks for the new person's data."""
        text = self.responsible_cpf.text().strip()
        person = ops.call(self, lambda: self.service.find_by_cpf(text)) if text else None
        self.found_responsible = person
        new_person_fields = (
            self.responsible_name,
            self.responsible_phone,
            self.responsible_whatsapp,
            self.responsible_email,
        )
        for widget in new_person_fields:
            widget.setEnabled(person is None)
        # A person already registered keeps their own address; a new one is asked for it.
        self.same_address.setEnabled(person is None)
        if person is not None:
            self.responsible_name.setText(person.name)
            self.responsible_phone.setText(format_phone(person.phone))
            self.responsible_whatsapp.setChecked(person.phone_whatsapp)
            self.responsible_email.setText(person.email)
            self.responsible_found.setText(
                self.tr("Cadastro encontrado: {name} (código {id}).").format(
                    name=person.name, id=person.id
                )
            )
        elif text:
            self.responsible_found.setText(
                self.tr("CPF ainda não cadastrado: preencha os dados abaixo.")
            )
        else:
            self.responsible_found.clear()

    def reload(self) -> None:
        patient_id = self.patient_id
        if patient_id is None:
            return
        patient = ops.call(self, lambda: self.service.get(patient_id))
        if patient is not None:
            self.load(patient)

    def load(self, patient: Patient) -> None:
        d = patient.data
        self.version = patient.version
        self.name.setText(d.name)
        self.cpf.setText(format_cpf(d.cpf))
        self.birth_date.setText(format_date(d.birth_date))
        self.phone.setText(format_phone(d.phone))
        self.phone_whatsapp.setChecked(d.phone_whatsapp)
        self.phone_alt.setText(format_phone(d.phone_alt))
        self.phone_alt_whatsapp.setChecked(d.phone_alt_whatsapp)
        self.email.setText(d.email)
        self.zip_code.setText(format_cep(d.zip_code))
        self.street.setText(d.street)
        self.number.setText(d.number)
        self.complement.setText(d.complement)
        self.district.setText(d.district)
        self.city.setText(d.city)
        self.state.setCurrentText(d.state)
        self.opt_out_whatsapp.setChecked(d.opt_out_whatsapp)
        self.opt_out_sms.setChecked(d.opt_out_sms)
        self.opt_out_email.setChecked(d.opt_out_email)
        self.opt_out_phone.setChecked(d.opt_out_phone)
        self.notes.setPlainText(d.notes)
        confirmed = format_date(patient.data_confirmed_on) or self.tr("nunca")
        self.confirmed_label.setText(self.tr("Última confirmação: {date}").format(date=confirmed))
        self.has_responsible.setChecked(patient.responsible is not None)
        if patient.responsible is not None:
            self.responsible_cpf.setText(format_cpf(patient.responsible.cpf))
            self.look_up_responsible()
        if patient.dependents:
            names = ", ".join(p.name for p in patient.dependents)
            self.setWindowTitle(
                self.tr("Editar paciente")
                + " — "
                + self.tr("responsável por {names}").format(names=names)
            )

    def form(self) -> PatientForm:
        responsible = None
        if self.has_responsible.isChecked():
            new = self.found_responsible is None
            own = new and not self.same_address.isChecked()
            responsible = ResponsibleForm(
                cpf=self.responsible_cpf.text(),
                name=self.responsible_name.text() if new else "",
                phone=self.responsible_phone.text() if new else "",
                phone_whatsapp=self.responsible_whatsapp.isChecked(),
                email=self.responsible_email.text() if new else "",
                same_address=new and self.same_address.isChecked(),
                street=self.responsible_street.text() if own else "",
                district=self.responsible_district.text() if own else "",
                city=self.responsible_city.text() if own else "",
                state=self.responsible_state.currentText() if own else "",
                zip_code=self.responsible_zip.text() if own else "",
            )
        return PatientForm(
            name=self.name.text(),
            cpf=self.cpf.text(),
            birth_date=self.birth_date.text(),
            phone=self.phone.text(),
            phone_whatsapp=self.phone_whatsapp.isChecked(),
            phone_alt=self.phone_alt.text(),
            phone_alt_whatsapp=self.phone_alt_whatsapp.isChecked(),
            email=self.email.text(),
            street=self.street.text(),
            number=self.number.text(),
            complement=self.complement.text(),
            district=self.district.text(),
            city=self.city.text(),
            state=self.state.currentText(),
            zip_code=self.zip_code.text(),
            opt_out_whatsapp=self.opt_out_whatsapp.isChecked(),
            opt_out_sms=self.opt_out_sms.isChecked(),
            opt_out_email=self.opt_out_email.isChecked(),
            opt_out_phone=self.opt_out_phone.isChecked(),
            notes=self.notes.toPlainText(),
            confirm_data_today=self.confirm_today.isChecked(),
            responsible=responsible,
        )

    def save(self) -> None:
        if self.has_responsible.isChecked() and self.found_responsible is None:
            self.look_up_responsible()
        form = self.form()
        if self.patient_id is None:
            saved = self.submit(lambda: self.service.create(form))
        else:
            patient_id = self.patient_id
            saved = self.submit(lambda: self.service.update(patient_id, form, self.version))
        if saved is not None:
            self.saved = saved
            self.accept()

    # --- LGPD -----------------------------------------------------------------------------
    def _ask_export_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Exportar dados do paciente"),
            f"paciente-{self.patient_id}.json",
            self.tr("JSON (*.json)"),
        )
        return path

    def _confirm_anonymize(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Anonimizar paciente"),
            self.tr(
                "Os dados pessoais (nome, CPF, contatos, endereço, observações) serão "
                "substituídos para sempre; contratos e pagamentos ficam, sem identificar a "
                "pessoa. Continuar?"
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    def export_data(self) -> None:
        path = self.ask_export_path()
        lgpd, patient_id = self.lgpd, self.patient_id
        if not path or lgpd is None or patient_id is None:
            return
        if ops.attempt(
            self,
            lambda: lgpd.export_patient_file(patient_id, path),
            on_error=ops.show_in(self.general_error),
        ):
            self.general_error.setText(self.tr("Dados exportados para {path}.").format(path=path))
            self.general_error.show()

    def anonymize(self) -> None:
        lgpd, patient_id = self.lgpd, self.patient_id
        if lgpd is None or patient_id is None or not self.confirm_anonymize():
            return
        if not ops.attempt(
            self,
            lambda: lgpd.anonymize_patient(patient_id),
            on_error=ops.show_in(self.general_error),
        ):
            return
        self.anonymized = True
        self.reject()
