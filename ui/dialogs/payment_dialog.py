"""Receber pagamento: how the money will be applied is shown before anything is saved — the
installment the patient says they are paying first (CC art. 352), else the oldest first.

Enter registers the amount typed (Registrar pagamento is the default button; the one-click
amounts never are). Once registered, the dialog stays open on what was done with "Imprimir
recibo" of that very payment, then closes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import PaymentMethod, label
from app.domain.contracts import ContractSummary, ContractView, PaymentForm
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.errors import EmDiaError
from app.services.contracts import ContractService
from app.services.payments import PaymentResult, PaymentService
from ui import ops
from ui.models.rows_model import Row, RowsTableModel
from ui.widgets.form import in_one_line, line_edit
from ui.widgets.form_dialog import FormDialog
from ui.widgets.tables import make_table


class PaymentDialog(FormDialog):
    def __init__(
        self,
        payments: PaymentService,
        contracts: ContractService,
        choices: list[ContractSummary],
        today: date,
        contract_id: int | None = None,
        parent: QWidget | None = None,
        *,
        prefill: PaymentPrefill | None = None,
        print_receipt: Callable[[int], str] | None = None,
    ) -> None:
        super().__init__("PaymentDialog", "Receber pagamento", "Registrar pagamento", parent)
        self.payments = payments
        self.contracts = contracts
        self.today = today
        self.saved: PaymentResult | None = None
        self.view: ContractView | None = None
        self.prefill = prefill
        self.print_receipt = print_receipt  # payment id → what happened, for the done line

        layout = QVBoxLayout(self)
        layout.addWidget(self.general_error)
        layout.addLayout(self._payment_form(choices, contract_id, today))
        self.order_note = QLabel()
        self.order_note.setObjectName("order_note")
        self.order_note.setWordWrap(True)
        layout.addWidget(self.order_note)
        layout.addWidget(self._allocation_preview(), 1)
        layout.addWidget(self.preview_note)
        layout.addWidget(self._done_line())
        layout.addWidget(self.buttons)
        self.resize(820, 560)

        self._debounce = self.preview_while_typing(
            self.refresh_preview,
            self.amount.textChanged,
            self.paid_on.textChanged,
            self.waive.toggled,
            self.keep_credit.toggled,
            self.chosen.currentIndexChanged,
        )
        self.contract.currentIndexChanged.connect(self._contract_changed)
        self.overdue_button.clicked.connect(lambda: self._fill("overdue"))
        self.next_button.clicked.connect(lambda: self._fill("next"))
        self.all_button.clicked.connect(lambda: self._fill("all"))
        self._contract_changed()
        if prefill is not None:
            self._use(prefill)
        self.amount.setFocus()
        self.amount.selectAll()

    # --- building ---------------------------------------------------------------------------
    def _payment_form(
        self, choices: list[ContractSummary], contract_id: int | None, today: date
    ) -> QFormLayout:
        """Which contract, how much (with one-click amounts), when, how."""
        self.contract = QComboBox()
        self.contract.setObjectName("contract")
        for c in choices:
            self.contract.addItem(
                self.tr("Contrato {id} — {total} em {n}x").format(
                    id=c.id, total=format_brl(c.total_cents), n=c.installments
                ),
                c.id,
            )
        if contract_id is not None:
            self.contract.setCurrentIndex(max(0, self.contract.findData(contract_id)))
        self.situation = QLabel()
        self.situation.setObjectName("situation")
        self.situation.setWordWrap(True)
        amount_row = self._amount_row()
        self.paid_on = line_edit("paid_on")
        self.paid_on.setText(format_date(today))
        self.method = QComboBox()
        self.method.setObjectName("method")
        for method in PaymentMethod:
            self.method.addItem(label(method), method.value)
        self.reference = line_edit("reference", self.tr("nº do comprovante, cheque, autorização…"))
        self.waive = QCheckBox(self.tr("Dispensar multa e juros (fica registrado como desconto)"))
        self.waive.setObjectName("waive_charges")
        self.keep_credit = QCheckBox(self.tr("Guardar o que sobrar como crédito do paciente"))
        self.keep_credit.setObjectName("keep_credit")
        self.reason = line_edit(
            "reason", self.tr("só para data além do prazo da clínica (gestor): por quê?")
        )
        form = QFormLayout()
        self.errors.add_row(form, self.tr("Contrato"), self.contract, "contract")
        form.addRow("", self.situation)
        self.errors.add_row(form, self.tr("Valor recebido*"), amount_row, "amount")
        self.errors.widgets["amount"] = self.amount
        self.errors.add_row(form, self.tr("Data*"), self.paid_on, "paid_on")
        self.errors.add_row(form, self.tr("Forma"), self.method, "method")
        self.errors.add_row(form, self.tr("Referência"), self.reference, "reference")
        self.errors.add_row(
            form, self.tr("Parcela indicada pelo paciente"), self._chosen_box(), "installment"
        )
        self.errors.add_row(form, self.tr("Motivo (retroativo)"), self.reason, "reason")
        form.addRow("", self.waive)
        form.addRow("", self.keep_credit)
        return form

    def _amount_row(self) -> QWidget:
        self.amount = line_edit("amount")
        self.overdue_button = QPushButton(self.tr("Valor em atraso"))
        self.overdue_button.setObjectName("fill_overdue")
        self.next_button = QPushButton(self.tr("Próxima parcela"))
        self.next_button.setObjectName("fill_next")
        self.all_button = QPushButton(self.tr("Quitar tudo"))
        self.all_button.setObjectName("fill_all")
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.amount, 1)
        for button in (self.overdue_button, self.next_button, self.all_button):
            # Enter in the amount registers it: a quick-fill is clicked, never pressed by Enter.
            button.setAutoDefault(False)
            box.addWidget(button)
        return row

    def _done_line(self) -> QWidget:
        """After registering: what was done, and the receipt of that payment."""
        self.done_text = QLabel()
        self.done_text.setObjectName("done")
        self.done_text.setWordWrap(True)
        self.receipt_button = QPushButton(self.tr("Imprimir recibo"))
        self.receipt_button.setObjectName("printReceipt")
        self.receipt_button.clicked.connect(self._print_receipt)
        self.close_button = QPushButton(self.tr("Fechar"))
        self.close_button.setObjectName("close")
        self.close_button.clicked.connect(self.accept)
        row = QWidget()
        row.setObjectName("doneLine")
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.done_text, 1)
        box.addWidget(self.receipt_button)
        box.addWidget(self.close_button)
        row.hide()
        self.done_line = row
        return row

    def _chosen_box(self) -> QComboBox:
        """Which installment the patient says they are paying (CC art. 352); none: the oldest
        first (art. 355). A PIX code of the installment in the reference says the same."""
        self.chosen = QComboBox()
        self.chosen.setObjectName("installment")
        self.chosen.setToolTip(
            self.tr(
                "O paciente pode dizer qual parcela está pagando (Código Civil art. 352): ela é "
                "quitada primeiro (encargos, depois o principal); o que sobrar vai para as mais "
                "antigas. Sem indicação, as mais antigas primeiro (art. 355)."
            )
        )
        return self.chosen

    def _fill_chosen(self, view: ContractView) -> None:
        self.chosen.blockSignals(True)
        self.chosen.clear()
        self.chosen.addItem(self.tr("nenhuma — as mais antigas primeiro"), "")
        for line in view.lines:
            if line.is_open:
                name = self.tr("entrada") if line.number == 0 else str(line.number)
                self.chosen.addItem(
                    self.tr("{n} — vence {due} — {total}").format(
                        n=name,
                        due=format_date(line.effective_due_date),
                        total=format_brl(line.total_cents),
                    ),
                    str(line.number),
                )
        self.chosen.blockSignals(False)

    def _allocation_preview(self) -> QWidget:
        """How the money will be applied (interest, fine, correction, then principal)."""
        self.preview_model = RowsTableModel(
            ("Parcela", "Juros", "Multa", "Correção", "Principal", "Desconto", "Situação depois"),
            right_aligned=(1, 2, 3, 4, 5),
        )
        self.preview = make_table(self.preview_model, "allocation", (70, 90, 90, 90, 100, 90))
        self.preview_note = QLabel()
        self.preview_note.setObjectName("preview_note")
        self.preview_note.setWordWrap(True)
        return self.preview

    def contract_id(self) -> int:
        return int(self.contract.currentData())

    def _use(self, prefill: PaymentPrefill) -> None:
        """Start from what the caller knows (Cobrança de hoje: the debt, PIX, today)."""
        index = self.contract.findData(prefill.contract_id)
        if index >= 0:
            self.contract.setCurrentIndex(index)
        if prefill.amount_cents:
            self.amount.setText(format_brl(prefill.amount_cents, symbol=False))
        method = self.method.findData(prefill.method.value)
        if method >= 0:
            self.method.setCurrentIndex(method)
        self.refresh_preview()

    def _contract_changed(self) -> None:
        if self.contract.count() == 0:
            self.situation.setText(self.tr("Este paciente não tem contrato ativo."))
            self.save_button.setEnabled(False)
            return
        view = self.contracts.get(self.contract_id())
        self.view = view
        self._fill_chosen(view)
        self.situation.setText(
            self.tr("Hoje: {overdue} em atraso; {total} para quitar o contrato.").format(
                overdue=format_brl(view.overdue_cents), total=format_brl(view.total_due_cents)
            )
        )
        self._fill("overdue" if view.overdue_cents else "next")

    def _fill(self, which: str) -> None:
        view = self.view
        if view is None:
            return
        open_lines = [line for line in view.lines if line.is_open]
        amounts = {
            "overdue": view.overdue_cents,
            "next": open_lines[0].total_cents if open_lines else 0,
            "all": view.total_due_cents,
        }
        cents = amounts[which]
        self.amount.setText(format_brl(cents, symbol=False) if cents else "")
        self.refresh_preview()

    def form(self) -> PaymentForm:
        return PaymentForm(
            contract_id=self.contract_id() if self.contract.count() else 0,
            amount=self.amount.text(),
            paid_on=self.paid_on.text(),
            method=str(self.method.currentData()),
            reference=self.reference.text(),
            waive_charges=self.waive.isChecked(),
            keep_credit=self.keep_credit.isChecked(),
            reason=self.reason.text(),
            installment=str(self.chosen.currentData() or ""),
        )

    def refresh_preview(self) -> None:
        self._debounce.stop()
        if self.view is None:
            return
        form = self.form()
        allocation = ops.call(self, lambda: self.payments.preview(form), on_error=self._no_plan)
        if allocation is None:
            return
        open_after = {line.number: line for line in self.view.lines}
        rows = []
        for terms, s in allocation.lines:
            before = open_after[terms.number]
            settled = s.principal_cents >= before.open_principal_cents
            rows.append(
                Row(
                    [
                        self.tr("entrada") if terms.number == 0 else str(terms.number),
                        format_brl(s.interest_cents),
                        format_brl(s.fine_cents),
                        format_brl(s.correction_cents),
                        format_brl(s.principal_cents),
                        format_brl(s.discount_cents),
                        self.tr("quitada") if settled else self.tr("parcial"),
                    ]
                )
            )
        self.preview_model.set_rows(rows)
        self._show_order(allocation.chosen)
        note = ""
        if allocation.credit_cents:
            note = self.tr("Sobram {credit}: ").format(credit=format_brl(allocation.credit_cents))
            note += (
                self.tr("ficarão como crédito do paciente.")
                if self.keep_credit.isChecked()
                else self.tr("confira o valor ou marque para guardar como crédito.")
            )
        self.preview_note.setText(note)

    def _show_order(self, chosen: int | None) -> None:
        """Say in which order the money goes — the debtor's choice shown, not hidden."""
        if chosen is None:
            self.order_note.setText(
                self.tr("Como o valor será aplicado (parcelas mais antigas primeiro):")
            )
            return
        name = self.tr("a entrada") if chosen == 0 else self.tr("a parcela {n}").format(n=chosen)
        self.order_note.setText(
            self.tr(
                "Como o valor será aplicado — {name} primeiro, indicada pelo paciente (Código "
                "Civil art. 352); o que sobrar, nas mais antigas:"
            ).format(name=name)
        )

    def _no_plan(self, exc: EmDiaError) -> None:
        self.preview_model.set_rows([])
        self._show_order(None)
        self.preview_note.setText(in_one_line(exc))

    def save(self) -> None:
        if self.saved is not None:
            return  # already registered: Enter now prints or closes, it never pays twice
        form = self.form()
        saved = self.submit(lambda: self.payments.add(form))
        if saved is None:
            return
        self.saved = saved
        if self.print_receipt is None:
            self.accept()
            return
        self._show_done(saved)

    def _show_done(self, saved: PaymentResult) -> None:
        """The form freezes on what was registered; Imprimir recibo is the next key press."""
        for widget in self.findChildren(QWidget):
            if widget.parentWidget() is self and widget not in (self.done_line, self.preview):
                widget.setEnabled(False)
        self.buttons.hide()
        self.done_text.setText(
            self.tr("Pagamento de {amount} registrado (lançamento {id}).").format(
                amount=format_brl(saved.amount_cents), id=saved.payment_id
            )
            + (self.tr(" Contrato quitado.") if saved.contract_settled else "")
        )
        self.done_line.show()
        self.receipt_button.setDefault(True)
        self.receipt_button.setFocus()

    def _print_receipt(self) -> None:
        if self.saved is None or self.print_receipt is None:
            return
        self.done_text.setText(self.print_receipt(self.saved.payment_id))
        self.close_button.setDefault(True)
        self.close_button.setFocus()

    def reject(self) -> None:
        """Esc after registering still means "done": the caller reloads what was paid."""
        if self.saved is not None:
            self.accept()
        else:
            super().reject()


@dataclass(frozen=True)
class PaymentPrefill:
    """What a payment starts from when the caller knows the debt (contract, amount, method)."""

    contract_id: int
    amount_cents: int
    method: PaymentMethod = PaymentMethod.PIX
