"""The payments of the selected contract and their reversals: nothing is ever deleted, a reversal
is a counter-entry that says why (a bounced cheque, a payment typed twice…)."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from app.domain.catalog import label
from app.domain.contracts import ContractView, PaymentView
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.domain.reversals import REVERSAL_CODES
from ui.models.rows_model import COLOURS, Row, RowsTableModel
from ui.widgets.tables import lay_out_with_buttons, make_table


class PaymentsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paymentsPanel")
        self.payments: tuple[PaymentView, ...] = ()
        self.model = RowsTableModel(
            ("Lançamento", "Data", "Valor", "Forma", "Referência", "Parcelas", "Situação"),
            right_aligned=(2,),
        )
        self.table = make_table(self.model, "payments", (105, 90, 110, 80, 150, 90))
        self.receipt_button = QPushButton(self.tr("Recibo do pagamento selecionado"))
        self.receipt_button.setObjectName("receipt")
        self.reverse_button = QPushButton(self.tr("Estornar pagamento selecionado"))
        self.reverse_button.setObjectName("reverse")
        lay_out_with_buttons(self, self.table, self.receipt_button, self.reverse_button)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._offer())
        self._offer()

    def show_contract(self, view: ContractView | None) -> None:
        self.payments = view.payments if view is not None else ()
        self.model.set_rows([self._row(p) for p in self.payments])
        self._offer()

    def _offer(self) -> None:
        """What the buttons can do with the selected line; when nothing, the tooltip says why."""
        payment = self.selected()
        self.receipt_button.setEnabled(payment is not None and not payment.is_reversal)
        self.receipt_button.setToolTip(
            self.tr("Nenhum pagamento neste contrato.")
            if not self.payments
            else self.tr("Selecione um pagamento na lista.")
            if payment is None
            else self.tr("Um estorno não tem recibo.")
            if payment.is_reversal
            else ""
        )
        self.reverse_button.setEnabled(payment is not None and payment.is_effective)
        self.reverse_button.setToolTip(
            self.tr("Nenhum pagamento para estornar.")
            if not self.payments
            else self.tr("Selecione o pagamento a estornar.")
            if payment is None
            else self.tr("Este lançamento já é um estorno ou já foi estornado.")
            if not payment.is_effective
            else ""
        )

    def select(self, payment_id: int) -> None:
        rows = [p.id for p in self.payments]
        if payment_id in rows:
            self.table.selectRow(rows.index(payment_id))

    def selected(self) -> PaymentView | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        payment_id = self.model.key(index.row())
        return next((p for p in self.payments if p.id == payment_id), None)

    def _row(self, p: PaymentView) -> Row:
        if p.is_reversal:
            status = self.tr("estorno de {id}: {why}").format(
                id=p.reverses_payment_id, why=REVERSAL_CODES.get(p.reversal_code, p.reason)
            )
            colour = COLOURS["estorno"]
        elif p.reversed_by_id:
            status, colour = self.tr("estornado"), COLOURS["estornado"]
        else:
            status, colour = self.tr("válido"), None
        numbers = ", ".join("entrada" if n == 0 else str(n) for n in p.installments)
        return Row(
            [str(p.id), format_date(p.paid_on), format_brl(p.amount_cents), label(p.method),
             p.reference, numbers, status],
            key=p.id,
            colour=colour,
            tooltip=p.reason,
        )  # fmt: skip
