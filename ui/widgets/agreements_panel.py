"""The patient's Acordos tab: every acordo with its status (proposta, aguardando aprovação,
aceito, não cumprido), the gestor's approval, acceptance, the confissão, and the consultas de
crédito recorded for the person."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.agreements import AWAITING_APPROVAL, AgreementView
from app.domain.catalog import AgreementStatus
from app.domain.dates import format_date
from app.domain.documents import ArchivedDocument
from app.domain.money import format_brl
from app.errors import EmDiaError
from app.services.agreements import AgreementService
from app.services.base import Permission
from app.services.documents.single import DocumentService
from ui import ops
from ui.models.rows_model import Row, RowsTableModel
from ui.widgets.tables import make_table

STATUS_COLOURS = {
    AgreementStatus.BROKEN: "#b3261e",
    AWAITING_APPROVAL: "#9a5b00",
    AgreementStatus.ACCEPTED: "#1f6b5e",
}


class AgreementsPanel(QWidget):
    changed = Signal()  # an acordo was accepted: contracts and installments changed
    document_generated = Signal(object)  # ArchivedDocument (the confissão)
    credit_check_requested = Signal()
    signing_requested = Signal(int)  # the acordo whose confissão goes for signing

    def __init__(
        self,
        service: AgreementService,
        documents: DocumentService,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("AgreementsPanel")
        self.service = service
        self.documents = documents
        self.patient_id: int | None = None
        self.views: list[AgreementView] = []
        self.signed: dict[int, str] = {}  # acordo → "assinado eletronicamente por …"
        self.model = RowsTableModel(
            ("Acordo", "Data", "Situação", "Dívida", "Desconto", "Total", "Plano", "Contrato",
             "Não cumprido em", "Assinatura"),
            right_aligned=(3, 4, 5),
        )  # fmt: skip
        self.table = make_table(self.model, "agreements", (60, 85, 190, 100, 90, 100, 70, 70, 110))
        self.approve_button = QPushButton(self.tr("Aprovar desconto"))
        self.approve_button.setObjectName("approveAgreement")
        self.accept_button = QPushButton(self.tr("Aceitar acordo"))
        self.accept_button.setObjectName("acceptAgreement")
        self.confession_button = QPushButton(self.tr("Imprimir confissão"))
        self.confession_button.setObjectName("confession")
        self.signing_button = QPushButton(self.tr("Enviar para assinatura…"))
        self.signing_button.setObjectName("sendConfession")
        self.signing_button.setToolTip(
            self.tr("Salva a confissão em PDF para o devedor assinar no gov.br ou com e-CPF.")
        )
        self.credit_button = QPushButton(self.tr("Registrar consulta de crédito…"))
        self.credit_button.setObjectName("creditCheck")
        self.status = QLabel()
        self.status.setObjectName("agreementsStatus")
        self.status.setWordWrap(True)
        self.credit = QLabel()
        self.credit.setObjectName("creditChecks")
        self.credit.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        for button in (
            self.approve_button,
            self.accept_button,
            self.confession_button,
            self.signing_button,
            self.credit_button,
        ):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.credit)
        self.approve_button.clicked.connect(lambda: self._act(self.service.approve))
        self.accept_button.clicked.connect(self.accept_selected)
        self.confession_button.clicked.connect(self.print_confession)
        self.signing_button.clicked.connect(self._request_signing)
        self.credit_button.clicked.connect(self.credit_check_requested.emit)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())

    def load(self, patient_id: int) -> None:
        self.patient_id = patient_id
        found = ops.call(
            self,
            lambda: (self.service.for_patient(patient_id), self.service.credit_checks(patient_id)),
            on_error=self._unavailable,
        )
        if found is None:
            return
        self.views, checks = found
        self.model.set_rows([self._row(v) for v in self.views])
        if self.views:
            self.table.selectRow(0)
        if checks:
            last = checks[0]
            self.credit.setText(
                self.tr("Última consulta de crédito: {b} em {d} — {r} ({u}).").format(
                    b=last.bureau_label, d=format_date(last.checked_on), r=last.result, u=last.user
                )
            )
        else:
            self.credit.setText(self.tr("Nenhuma consulta de crédito registrada."))
        self._enable()

    def _unavailable(self, exc: EmDiaError) -> None:
        self.views = []
        self.model.set_rows([])
        self.status.setText(exc.message)
        self._enable()

    def _row(self, v: AgreementView) -> Row:
        return Row(
            [
                str(v.id),
                format_date(v.as_of),
                v.status_label,
                format_brl(v.debt_cents),
                format_brl(v.discount_cents) if v.discount_cents else "",
                format_brl(v.total_cents),
                ("entrada + " if v.down_payment_cents else "") + f"{v.count}x",
                str(v.contract_id or ""),
                format_date(v.broken_on),
                self.signed.get(v.id, ""),
            ],
            key=v.id,
            colour=STATUS_COLOURS.get(v.status_key),
            tooltip="; ".join(o.label for o in v.origin),
        )

    def selected(self) -> AgreementView | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        key = self.model.key(index.row())
        return next((v for v in self.views if v.id == key), None)

    def _enable(self) -> None:
        view = self.selected()
        proposed = view is not None and view.status is AgreementStatus.PROPOSED
        may_approve = self.service.actor.can(Permission.APPROVE_RENEGOTIATION)
        self.approve_button.setVisible(may_approve)
        self.approve_button.setEnabled(proposed and view is not None and view.needs_approval)
        self.accept_button.setEnabled(proposed and view is not None and not view.needs_approval)
        self.accept_button.setToolTip(
            self.tr("Aguardando a aprovação do gestor: o desconto passa do limite da clínica.")
            if proposed and view is not None and view.needs_approval
            else self.tr("O paciente concordou: gera o contrato do acordo e a confissão.")
        )
        self.confession_button.setEnabled(view is not None and view.contract_id is not None)
        self.signing_button.setEnabled(self.confession_button.isEnabled())

    def _act(self, action: Callable[[int], AgreementView]) -> None:
        view = self.selected()
        if view is None or self.patient_id is None:
            return
        done = ops.call(self, lambda: action(view.id), on_error=ops.show_in(self.status))
        if done is None:
            return
        self.load(self.patient_id)
        self.status.setText(self.tr("Acordo {id}: {s}.").format(id=done.id, s=done.status_label))

    def accept_selected(self) -> None:
        view = self.selected()
        if view is None:
            return
        self._act(self.service.accept)
        self.select(view.id)
        accepted = self.selected()
        if accepted is not None and accepted.status is AgreementStatus.ACCEPTED:
            self.print_confession()  # as the proposal dialog does: signed on the spot
            self.changed.emit()

    def select(self, agreement_id: int) -> None:
        ids = [v.id for v in self.views]
        if agreement_id in ids:
            self.table.selectRow(ids.index(agreement_id))

    def show_signatures(self, signed: dict[int, str]) -> None:
        """Which acordos' confissões came back signed electronically (acordo → its note)."""
        self.signed = signed
        current = self.selected()
        self.model.set_rows([self._row(v) for v in self.views])
        if current is not None:
            self.select(current.id)

    def _request_signing(self) -> None:
        view = self.selected()
        if view is not None:
            self.signing_requested.emit(view.id)

    def print_confession(self) -> ArchivedDocument | None:
        view = self.selected()
        if view is None:
            return None
        document = ops.call(
            self, lambda: self.documents.confession(view.id), on_error=ops.show_in(self.status)
        )
        if document is None:
            return None
        self.document_generated.emit(document)
        return document
