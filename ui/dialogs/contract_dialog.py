"""Novo contrato: the plan is previewed live (dates on business days, exact centavos)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

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
from ui.widgets.form import in_one_line, line_edit, side_by_side
from ui.widgets.form_dialog import FormDialog
from ui.widgets.tables import make_table


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
        # Consult SPC/Serasa before a plan; a note, never a block.
        self.credit_reminder = credit_reminder
        left = QVBoxLayout()
        left.addWidget(self.general_error)
        left.addLayout(self._plan_form(today))
        left.addWidget(self._signing_box())
        left.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(self._preview_column(), 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        self.resize(980, 600)

        self._debounce = self.preview_while_typing(
            self.refresh_preview,
            self.total.textChanged,
            self.down_payment.textChanged,
            self.first_due.textChanged,
            self.installments.valueChanged,
        )
        self.total.setFocus()
        self.refresh_preview()

    # --- building ---------------------------------------------------------------------------
    def _plan_form(self, today: date) -> QFormLayout:
        """What was sold and how it is paid: total, entrada, parcelas, first due date."""
        self.description = line_edit(
            "description", self.tr("Uso interno; nunca aparece em mensagens")
        )
        self.total = line_edit("total", "1.200,00")
        self.down_payment = line_edit("down_payment", self.tr("0,00 (opcional)"))
        self.down_paid_now = QCheckBox(self.tr("Entrada paga agora, na recepção"))
        self.down_paid_now.setObjectName("down_paid_now")
        self.down_paid_now.setChecked(True)
        self.installments = QSpinBox()
        self.installments.setObjectName("installments")
        self.installments.setRange(1, MAX_INSTALLMENTS)
        self.installments.setValue(1)
        self.installments.setSuffix("x")
        self.first_due = line_edit("first_due")
        self.first_due.setText(format_date(add_months(today, 1, today.day)))
        self.method = QComboBox()
        self.method.setObjectName("method")
        for method in PaymentMethod:
            self.method.addItem(label(method), method.value)
        self.guarantor_cpf = line_edit(
            "guarantor_cpf", self.tr("opcional — já cadastrado em Pacientes")
        )
        form = QFormLayout()
        self.errors.add_row(form, self.tr("Tratamento"), self.description)
        self.errors.add_row(form, self.tr("Valor total*"), self.total, "total")
        self.errors.add_row(
            form, self.tr("Entrada"), side_by_side(self.down_payment, self.down_paid_now),
            "down_payment",
        )  # fmt: skip
        self.errors.widgets["down_payment"] = self.down_payment
        self.errors.add_row(form, self.tr("Parcelas*"), self.installments, "installments")
        self.errors.add_row(form, self.tr("1º vencimento*"), self.first_due, "first_due")
        self.errors.add_row(form, self.tr("Forma de pagamento"), self.method, "method")
        self.errors.add_row(form, self.tr("CPF do fiador"), self.guarantor_cpf, "guarantor_cpf")
        return form

    def _signing_box(self) -> QGroupBox:
        """Signed by the debtor and two witnesses, a contract is a título executivo
        extrajudicial (CPC art. 784 III)."""
        box = QGroupBox(self.tr("Assinatura (título executivo: devedor + 2 testemunhas)"))
        form = QFormLayout(box)
        self.signed_on = line_edit("signed_on", "dd/mm/aaaa")
        self.errors.add_row(form, self.tr("Assinado em"), self.signed_on, "signed_on")
        self.witnesses: list[tuple[QLineEdit, QLineEdit]] = []
        for n in (1, 2):
            name = line_edit(f"witness{n}_name", self.tr("Nome"))
            cpf = line_edit(f"witness{n}_cpf", "CPF")
            row = side_by_side(name, cpf, stretch=(2, 1))
            key = f"witness{n}_cpf"
            self.errors.add_row(form, self.tr("Testemunha {n}").format(n=n), row, key)
            self.errors.widgets[key] = cpf
            self.witnesses.append((name, cpf))
        return box

    def _preview_column(self) -> QVBoxLayout:
        """The plan as it will be registered, recomputed while typing."""
        self.preview_model = RowsTableModel(("Nº", "Vencimento", "Valor", ""), right_aligned=(2,))
        self.preview = make_table(self.preview_model, "preview", (70, 100, 100))
        self.preview_note = QLabel()
        self.preview_note.setObjectName("preview_note")
        self.preview_note.setWordWrap(True)
        self.credit_note = QLabel()
        self.credit_note.setObjectName("credit_note")
        self.credit_note.setWordWrap(True)
        self.credit_note.setStyleSheet("color: #7a4a00;")
        self.credit_note.hide()
        column = QVBoxLayout()
        column.addWidget(QLabel(self.tr("Plano de pagamento (prévia)")))
        column.addWidget(self.preview, 1)
        column.addWidget(self.preview_note)
        column.addWidget(self.credit_note)
        return column

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
