"""Estornar pagamento: a counter-entry with a reason; nothing is deleted."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import label
from app.domain.contracts import REVERSAL_CODES, PaymentView
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.errors import EmDiaError, ValidationError
from app.services.payments import PaymentService, ReversalResult
from ui.widgets.form import ERROR_STYLE, FieldErrors


class ReversalDialog(QDialog):
    def __init__(
        self, service: PaymentService, payment: PaymentView, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ReversalDialog")
        self.setWindowTitle(self.tr("Estornar pagamento"))
        self.service = service
        self.payment = payment
        self.saved: ReversalResult | None = None
        general = QLabel()
        general.setStyleSheet(ERROR_STYLE)
        general.setWordWrap(True)
        general.hide()
        self.general_error = general
        self.errors = FieldErrors(general)
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
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            self.tr("Estornar"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setObjectName("save")
        cancel = buttons.addButton(self.tr("Cancelar"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setDefault(True)  # a destructive action is never the default
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(general)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(520, 220)

    def save(self) -> None:
        self.errors.clear()
        try:
            self.saved = self.service.reverse(
                self.payment.id, self.reason.text(), str(self.code.currentData())
            )
        except ValidationError as exc:
            self.errors.show(exc)
            return
        except EmDiaError as exc:
            self.general_error.setText(exc.message)
            self.general_error.show()
            return
        self.accept()
