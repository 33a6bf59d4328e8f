"""Estornar pagamento: a counter-entry with a reason; nothing is deleted."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import label
from app.domain.contracts import PaymentView
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.domain.reversals import REVERSAL_CODES
from app.services.payments import PaymentService, ReversalResult
from ui.widgets.form_dialog import FormDialog


class ReversalDialog(FormDialog):
    def __init__(
        self, service: PaymentService, payment: PaymentView, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "ReversalDialog", "Estornar pagamento", "Estornar", parent, save_is_default=False
        )
        self.service = service
        self.payment = payment
        self.saved: ReversalResult | None = None
        summary = QLabel(
            self.tr(
                "Pagamento {id} de {date}: {amount} ({method}). O estorno cria um lançamento "
                "contrário; o pagamento original continua no histórico e as parcelas voltam a "
                "ficar em aberto."
            ).format(
                id=payment.id,
                date=format_date(payment.paid_on),
                amount=format_brl(payment.amount_cents),
                method=label(payment.method),
            )
        )
        summary.setWordWrap(True)
        self.code = QComboBox()
        self.code.setObjectName("code")
        for code, text in REVERSAL_CODES.items():
            self.code.addItem(text, code)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(self.tr('detalhe (obrigatório em "Outro motivo")'))
        form = QFormLayout()
        self.errors.add_row(form, self.tr("Motivo"), self.code, "code")
        self.errors.add_row(form, self.tr("Detalhe"), self.reason, "reason")
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.general_error)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(520, 220)

    def save(self) -> None:
        reason, code = self.reason.text(), str(self.code.currentData())
        saved = self.submit(lambda: self.service.reverse(self.payment.id, reason, code))
        if saved is not None:
            self.saved = saved
            self.accept()
