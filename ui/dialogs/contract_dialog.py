"""Novo contrato: the plan is previewed live (dates on business days, exact centavos)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import PaymentMethod, label
from app.domain.contracts import MAX_INSTALLMENTS, ContractForm, ContractView
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.domain.schedule import add_months
from app.errors import EmDiaError
from app.services.contracts import ContractService
from ui import ops
from ui.models.rows_model import Row, RowsTableModel
from ui.widgets.form import in_one_line
from ui.widgets.form_dialog import FormDialog
from ui.widgets.tables import make_table

PREVIEW_DELAY_MS = 200


class ContractDialog(FormDialog):
    def __init__(
        self,
        service: ContractService,
        patient_id: int,
        patient_name: str,
        today: date,
        parent: QWidget | None = None,
        *,
        credit_reminder: Callable[[int], str | None] | None = None,
    ) -> None:
        super().__init__(
            "ContractDialog", f"Novo contrato — {patient_name}", "Registrar contrato", parent
        )
        self.service = service
        self.patient_id = patient_id
        self.saved: ContractView | None = None
        # Seed 001: consult SPC/Serasa before a plan; a note, never a block.
        self.credit_reminder = credit_reminder
        self.credit_note = QLabel()
        self.credit_note.setObjectName("credit_note")
        self.credit_note.setWordWrap(True)
        self.credit_note.setStyleSheet("color: #7a4a00;")
        self.credit_note.hide()

        form = QFormLayout()
        self.description = QLineEdit()
        self.description.setObjectName("description")
        self.description.setPlaceholderText(self.tr("Uso interno; nunca aparece em mensagens"))
        self.total = QLineEdit()
        self.total.setObjectName("total")
        self.total.setPlaceholderText("1.200,00")
        self.down_payment = QLineEdit()
        self.down_payment.setObjectName("down_payment")
        self.down_payment.setPlaceholderText(self.tr("0,00 (opcional)"))
        self.down_paid_now = QCheckBox(self.tr("Entrada paga agora, na recepção"))
        self.down_paid_now.setObjectName("down_paid_now")
        self.down_paid_now.setChecked(True)
        self.installments = QSpinBox()
        self.installments.setObjectName("installments")
        self.installments.setRange(1, MAX_INSTALLMENTS)
        self.installments.setValue(1)
        self.installments.setSuffix("x")
        self.first_due = QLineEdit(format_date(add_months(today, 1, today.day)))
        self.first_due.setObjectName("first_due")
        self.method = QComboBox()
        self.method.setObjectName("method")
        for method in PaymentMethod:
            self.method.addItem(label(method), method.value)
        self.guarantor_cpf = QLineEdit()
        self.guarantor_cpf.setObjectName("guarantor_cpf")
        self.guarantor_cpf.setPlaceholderText(self.tr("opcional — já cadastrado em Pacientes"))

        self.errors.add_row(form, self.tr("Tratamento"), self.description)
        self.errors.add_row(form, self.tr("Valor total*"), self.total, "total")
        down_row = QWidget()
        down_box = QHBoxLayout(down_row)
        down_box.setContentsMargins(0, 0, 0, 0)
        down_box.addWidget(self.down_payment, 1)
        down_box.addWidget(self.down_paid_now)
        self.errors.add_row(form, self.tr("Entrada"), down_row, "down_payment")
        self.errors.widgets["down_payment"] = self.down_payment
        self.errors.add_row(form, self.tr("Parcelas*"), self.installments, "installments")
        self.errors.add_row(form, self.tr("1º vencimento*"), self.first_due, "first_due")
        self.errors.add_row(form, self.tr("Forma de pagamento"), self.method, "method")
        self.errors.add_row(form, self.tr("CPF do fiador"), self.guarantor_cpf, "guarantor_cpf")

        signing = QGroupBox(self.tr("Assinatura (título executivo: devedor + 2 testemunhas)"))
        sign_form = QFormLayout(signing)
        self.signed_on = QLineEdit()
        self.signed_on.setObjectName("signed_on")
        self.signed_on.setPlaceholderText("dd/mm/aaaa")
        self.errors.add_row(sign_form, self.tr("Assinado em"), self.signed_on, "signed_on")
        self.witnesses: list[tuple[QLineEdit, QLineEdit]] = []
        for n in (1, 2):
            name, cpf = QLineEdit(), QLineEdit()
            name.setObjectName(f"witness{n}_name")
            cpf.setObjectName(f"witness{n}_cpf")
            name.setPlaceholderText(self.tr("Nome"))
            cpf.setPlaceholderText("CPF")
            row = QWidget()
            box = QHBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(name, 2)
            box.addWidget(cpf, 1)
            self.errors.add_row(
                sign_form, self.tr("Testemunha {n}").format(n=n), row, f"witness{n}_cpf"
            )
            self.errors.widgets[f"witness{n}_cpf"] = cpf
            self.witnesses.append((name, cpf))

        self.preview_model = RowsTableModel(("Nº", "Vencimento", "Valor", ""), right_aligned=(2,))
        self.preview = make_table(self.preview_model, "preview", (70, 100, 100))
        self.preview_note = QLabel()
        self.preview_note.setObjectName("preview_note")
        self.preview_note.setWordWrap(True)

        left = QVBoxLayout()
        left.addWidget(self.general_error)
        left.addLayout(form)
        left.addWidget(signing)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("Plano de pagamento (prévia)")))
        right.addWidget(self.preview, 1)
        right.addWidget(self.preview_note)
        right.addWidget(self.credit_note)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        self.resize(980, 600)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(PREVIEW_DELAY_MS)
        self._debounce.timeout.connect(self.refresh_preview)
        for edit in (self.total, self.down_payment, self.first_due):
            edit.textChanged.connect(self._debounce.start)
        self.installments.valueChanged.connect(self._debounce.start)
        self.total.setFocus()
        self.refresh_preview()

    def form(self) -> ContractForm:
        (w1_name, w1_cpf), (w2_name, w2_cpf) = self.witnesses
        return ContractForm(
            total=self.total.text(),
            down_payment=self.down_payment.text(),
            installments=str(self.installments.value()),
            first_due=self.first_due.text(),
            method=str(self.method.currentData()),
            description=self.description.text(),
            guarantor_cpf=self.guarantor_cpf.text(),
            signed_on=self.signed_on.text(),
            witness1_name=w1_name.text(),
            witness1_cpf=w1_cpf.text(),
            witness2_name=w2_name.text(),
            witness2_cpf=w2_cpf.text(),
            down_paid_now=self.down_paid_now.isChecked(),
        )

    def refresh_preview(self) -> None:
        self._debounce.stop()
        form = self.form()
        planned = ops.call(
            self, lambda: self.service.preview(self.patient_id, form), on_error=self._no_plan
        )
        if planned is None:
            return
        rows = []
        for item in planned:
            number = self.tr("entrada") if item.number == 0 else str(item.number)
            note = (
                self.tr("era {d}").format(d=item.due_date.strftime("%d/%m")) if item.moved else ""
            )
            rows.append(
                Row(
                    [
                        number,
                        format_date(item.effective_due_date),
                        format_brl(item.amount_cents),
                        note,
                    ]
                )
            )
        self.preview_model.set_rows(rows)
        total = sum(item.amount_cents for item in planned)
        reminder = self.credit_reminder(total) if self.credit_reminder is not None else None
        self.credit_note.setText(reminder or "")
        self.credit_note.setVisible(bool(reminder))
        self.preview_note.setText(
            self.tr(
                "{n} lançamentos somando {total}. Vencimentos em fim de semana ou feriado "
                "passam para o dia útil seguinte."
            ).format(n=len(planned), total=format_brl(total))
        )

    def _no_plan(self, exc: EmDiaError) -> None:
        self.preview_model.set_rows([])
        self.preview_note.setText(self.tr("Para ver o plano: ") + in_one_line(exc))

    def save(self) -> None:
        form = self.form()
        saved = self.submit(lambda: self.service.create(self.patient_id, form))
        if saved is not None:
            self.saved = saved
            self.accept()
