"""A patient's page: who they are, their contracts, every installment updated to today,
payments and reversals, and the contacts about money (with promises)."""

from __future__ import annotations

import html
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.bootstrap import Services
from app.domain.catalog import DocumentKind, label
from app.domain.contracts import REVERSAL_CODES, ContractView, PaymentView
from app.domain.dates import format_date
from app.domain.documents import KIND_LABELS, ArchivedDocument
from app.domain.identity import format_cpf, format_phone
from app.domain.law import STATUS_LABELS
from app.domain.money import format_brl
from app.domain.patients import Patient
from app.domain.risk import FLAG_LABELS
from app.errors import EmDiaError
from app.services.base import Permission
from app.services.overdue import CollectionStatus
from ui.dialogs.agreement_dialog import AgreementDialog
from ui.dialogs.contract_dialog import ContractDialog
from ui.dialogs.contract_terms_dialog import ContractTermsDialog
from ui.dialogs.credit_check_dialog import CreditCheckDialog
from ui.dialogs.negativacao_dialog import NegativacaoDialog
from ui.dialogs.patient_dialog import PatientDialog
from ui.dialogs.payment_dialog import PaymentDialog
from ui.dialogs.reversal_dialog import ReversalDialog
from ui.documents import DocumentDesk, act_on
from ui.models.contracts_model import STATUS
from ui.models.documents_model import DOCUMENT_HEADERS, document_cells
from ui.models.overdue_model import SEGMENT_COLOURS
from ui.models.rows_model import COLOURS, Row, RowsTableModel
from ui.tasks import TaskRunner, run_with_progress
from ui.widgets.agreements_panel import AgreementsPanel
from ui.widgets.chips import chips_html
from ui.widgets.contact_history import ContactHistory
from ui.widgets.tables import make_table

# The documents printed from a contract, in the order a receptionist needs them.
CONTRACT_DOCUMENTS = (
    (DocumentKind.CONTRATO, "Contrato"),
    (DocumentKind.CARNE, "Carnê com PIX"),
    (DocumentKind.EXTRATO, "Extrato"),
    (DocumentKind.NOTIFICACAO, "Notificação extrajudicial"),
    (DocumentKind.AVISO_NEGATIVACAO, "Aviso de negativação"),
)


class PatientPage(QWidget):
    back = Signal()
    document_generated = Signal(object)  # ArchivedDocument
    dossie_done = Signal(object)  # DossieResult, or the exception that stopped it

    def __init__(
        self, services: Services, desk: DocumentDesk | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("PatientPage")
        self.services = services
        self.desk = desk or DocumentDesk(services.documents, self)
        self.patient: Patient | None = None
        self.contract: ContractView | None = None

        self.back_button = QPushButton(self.tr("← Pacientes"))
        self.back_button.setObjectName("back")
        self.title = QLabel()
        self.title.setObjectName("viewTitle")
        self.details = QLabel()
        self.details.setObjectName("details")
        self.details.setWordWrap(True)
        self.edit_button = QPushButton(self.tr("Editar cadastro"))
        self.edit_button.setObjectName("edit")
        self.contract_button = QPushButton(self.tr("Novo contrato"))
        self.contract_button.setObjectName("newContract")
        self.pay_button = QPushButton(self.tr("Receber pagamento"))
        self.pay_button.setObjectName("receive")
        self.agreement_button = QPushButton(self.tr("Nova proposta de acordo"))
        self.agreement_button.setObjectName("newAgreement")
        self.agreement_button.setToolTip(
            self.tr("Renegociar parcelas em atraso: opções lado a lado e termo de confissão.")
        )
        # Collection standing: overdue, risk and "suspender novos tratamentos" (seed 002).
        self.standing = QLabel()
        self.standing.setObjectName("standing")
        self.standing.setTextFormat(Qt.TextFormat.RichText)
        self.standing.setWordWrap(True)
        self.suspend_button = QPushButton()
        self.suspend_button.setObjectName("suspend")
        self.collection: CollectionStatus | None = None
        self.edit_contract_button = QPushButton(self.tr("Editar contrato"))
        self.edit_contract_button.setObjectName("editContract")
        # Issue 10: negativação (gestor; recepção sees the checklist) and the dossiê for a lawyer.
        self.negativacao_button = QPushButton(self.tr("Negativação…"))
        self.negativacao_button.setObjectName("negativacao")
        self.dossie_button = QPushButton(self.tr("Dossiê de cobrança…"))
        self.dossie_button.setObjectName("dossie")
        self.choose_folder: Callable[[QWidget], str] = _choose_folder
        self.runner = TaskRunner(self)

        self.contracts_model = RowsTableModel(
            ("Contrato", "Início", "Total", "Parcelas", "Forma", "Situação", "Saldo (principal)",
             "Próximo vencimento"),
            right_aligned=(2, 6),
        )  # fmt: skip
        self.contracts_table = make_table(
            self.contracts_model, "contracts", (80, 90, 110, 70, 90, 90, 130)
        )
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.lines_model = RowsTableModel(
            ("Nº", "Vencimento", "Valor", "Pago", "Situação", "Atraso", "Multa", "Juros",
             "Correção", "Atualizado hoje"),
            right_aligned=(2, 3, 5, 6, 7, 8, 9),
        )  # fmt: skip
        self.lines_table = make_table(
            self.lines_model, "installments", (60, 95, 100, 100, 120, 60, 80, 80, 80)
        )
        self.payments_model = RowsTableModel(
            ("Lançamento", "Data", "Valor", "Forma", "Referência", "Parcelas", "Situação"),
            right_aligned=(2,),
        )
        self.payments_table = make_table(
            self.payments_model, "payments", (105, 90, 110, 80, 150, 90)
        )
        self.reverse_button = QPushButton(self.tr("Estornar pagamento selecionado"))
        self.reverse_button.setObjectName("reverse")
        self.receipt_button = QPushButton(self.tr("Recibo do pagamento selecionado"))
        self.receipt_button.setObjectName("receipt")

        self.document_buttons: dict[str, QPushButton] = {}
        for kind, text in CONTRACT_DOCUMENTS:
            button = QPushButton(self.tr(text))
            button.setObjectName(f"doc_{kind}")
            button.setToolTip(self.tr("Gera, arquiva e abre o PDF do contrato selecionado."))
            button.clicked.connect(lambda _checked=False, k=kind: self.generate(k))
            self.document_buttons[kind] = button
        self.documents_status = QLabel()
        self.documents_status.setObjectName("documentsStatus")
        self.documents_status.setWordWrap(True)
        self.documents_model = RowsTableModel(DOCUMENT_HEADERS)
        self.documents_table = make_table(
            self.documents_model, "patientDocuments", (60, 135, 200, 200, 70, 90)
        )
        self.open_document_button = QPushButton(self.tr("Abrir"))
        self.open_document_button.setObjectName("openDocument")
        self.print_document_button = QPushButton(self.tr("Imprimir…"))
        self.print_document_button.setObjectName("printDocument")

        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addWidget(self.title, 1)
        for button in (
            self.edit_button,
            self.contract_button,
            self.edit_contract_button,
            self.pay_button,
            self.agreement_button,
            self.suspend_button,
        ):
            header.addWidget(button)
        lines_box = QWidget()
        lines_layout = QVBoxLayout(lines_box)
        lines_layout.setContentsMargins(0, 0, 0, 0)
        lines_layout.addWidget(self.summary)
        lines_layout.addWidget(self.lines_table, 1)
        self.bottom_tabs = QTabWidget()
        self.bottom_tabs.setObjectName("bottomTabs")
        self.bottom_tabs.addTab(
            _panel(self.payments_table, self.receipt_button, self.reverse_button),
            self.tr("Pagamentos e estornos"),
        )
        self.bottom_tabs.addTab(
            _panel(self.documents_table, self.open_document_button, self.print_document_button),
            self.tr("Documentos gerados"),
        )
        self.contacts = ContactHistory(services.collection)
        self.bottom_tabs.addTab(self.contacts, self.tr("Contatos de cobrança"))
        self.agreements = AgreementsPanel(services.agreements, services.documents)
        self.bottom_tabs.addTab(self.agreements, self.tr("Acordos"))
        print_row = QHBoxLayout()
        print_row.addWidget(QLabel(self.tr("Imprimir:")))
        for button in self.document_buttons.values():
            print_row.addWidget(button)
        print_row.addWidget(self.documents_status, 1)
        # The last resorts of collection sit apart from the everyday buttons of the header.
        print_row.addWidget(self.negativacao_button)
        print_row.addWidget(self.dossie_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.contracts_table)
        split.addWidget(lines_box)
        split.addWidget(self.bottom_tabs)
        split.setSizes([120, 310, 190])
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.details)
        layout.addWidget(self.standing)
        layout.addLayout(print_row)
        layout.addWidget(split, 1)

        self.back_button.clicked.connect(self.back.emit)
        self.edit_button.clicked.connect(self.edit_patient)
        self.contract_button.clicked.connect(self.new_contract)
        self.pay_button.clicked.connect(self.receive_payment)
        self.edit_contract_button.clicked.connect(self.edit_contract)
        self.reverse_button.clicked.connect(self.reverse_selected)
        self.receipt_button.clicked.connect(self.receipt_for_selected)
        self.open_document_button.clicked.connect(self.open_selected_document)
        self.print_document_button.clicked.connect(self.print_selected_document)
        self.documents_table.activated.connect(lambda _index: self.open_selected_document())
        self.suspend_button.clicked.connect(self.toggle_suspension)
        self.agreement_button.clicked.connect(self.new_agreement)
        self.agreements.changed.connect(lambda: self._reload_after_agreement(None))
        self.agreements.document_generated.connect(self._generated)
        self.agreements.credit_check_requested.connect(self.new_credit_check)
        self.negativacao_button.clicked.connect(self.open_negativacao)
        self.dossie_button.clicked.connect(self.export_dossie)
        self.contracts_table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: (
                self.show_contract(self.contracts_model.key(current.row()))
                if current.isValid()
                else None
            )
        )

    # --- loading ------------------------------------------------------------------------
    def open(self, patient_id: int, contract_id: int | None = None) -> None:
        self.patient = self.services.patients.get(patient_id)
        d = self.patient.data
        self.title.setText(self.patient.name)
        parts = [f"CPF {format_cpf(d.cpf)}" if d.cpf else self.tr("sem CPF")]
        if d.phone:
            parts.append(format_phone(d.phone) + (" (WhatsApp)" if d.phone_whatsapp else ""))
        if self.patient.responsible:
            parts.append(
                self.tr("Responsável financeiro: {name}").format(name=self.patient.responsible.name)
            )
        if self.patient.dependents:
            names = ", ".join(p.name for p in self.patient.dependents)
            parts.append(self.tr("Responsável por: {names}").format(names=names))
        self.details.setText("  ·  ".join(parts))
        self.documents_status.clear()
        self._load_contracts(contract_id)
        self.load_documents()
        self.contacts.load(patient_id)
        self.agreements.load(patient_id)

    def refresh_contacts(self) -> None:
        if self.patient is not None:
            self.contacts.load(self.patient.id)

    def _load_contracts(self, select_id: int | None = None) -> None:
        assert self.patient is not None
        self.show_standing(self.services.overdue.status(self.patient.id))
        summaries = self.services.contracts.for_patient(self.patient.id)
        rows = [
            Row(
                [
                    str(c.id),
                    format_date(c.created_on),
                    format_brl(c.total_cents),
                    f"{c.installments}x",
                    label(c.method),
                    STATUS.get(c.status, c.status),
                    format_brl(c.open_principal_cents),
                    format_date(c.next_due),
                ],
                key=c.id,
                tooltip=self.tr("Paciente: {name}").format(name=c.patient_name)
                if c.patient_id != self.patient.id
                else "",
            )
            for c in summaries
        ]
        self.contracts_model.set_rows(rows)
        self.pay_button.setEnabled(any(c.status == "active" for c in summaries))
        self.edit_contract_button.setEnabled(bool(summaries))
        if not rows:
            self.contract = None
            self.lines_model.set_rows([])
            self.payments_model.set_rows([])
            self.summary.setText(self.tr('Nenhum contrato ainda. Use "Novo contrato".'))
            self._enable_documents()
            return
        keys = [r.key for r in rows]
        index = keys.index(select_id) if select_id in keys else 0
        self.contracts_table.selectRow(index)
        self.show_contract(keys[index])

    def show_contract(self, contract_id: int) -> None:
        view = self.services.contracts.get(contract_id)
        self.contract = view
        lines = []
        for ln in view.lines:
            status = STATUS_LABELS[ln.status]
            tooltip = ""
            if ln.effective_due_date != ln.due_date:
                tooltip = self.tr(
                    "Vencimento contratado {d}, passou para o dia útil seguinte."
                ).format(d=format_date(ln.due_date))
            if ln.discount_cents:
                tooltip += self.tr(" Desconto de pontualidade de {v} até o vencimento.").format(
                    v=format_brl(ln.discount_cents)
                )
            lines.append(
                Row(
                    [
                        self.tr("entrada") if ln.number == 0 else str(ln.number),
                        format_date(ln.effective_due_date),
                        format_brl(ln.principal_cents),
                        format_brl(ln.paid_cents),
                        status,
                        str(ln.days_late) if ln.days_late else "",
                        format_brl(ln.fine_cents) if ln.fine_cents else "",
                        format_brl(ln.interest_cents) if ln.interest_cents else "",
                        format_brl(ln.correction_cents) if ln.correction_cents else "",
                        format_brl(ln.total_cents) if ln.is_open else "",
                    ],
                    key=ln.number,
                    colour=COLOURS.get(status),
                    tooltip=tooltip.strip(),
                )
            )
        self.lines_model.set_rows(lines)
        text = self.tr(
            "Contrato {id} — valores atualizados em {date}: em atraso {overdue}; para "
            "quitar tudo hoje {total}."
        ).format(
            id=view.summary.id,
            date=format_date(view.as_of),
            overdue=format_brl(view.overdue_cents),
            total=format_brl(view.total_due_cents),
        )
        if view.credit_cents:
            text += self.tr(" Crédito do paciente: {c}.").format(c=format_brl(view.credit_cents))
        self.summary.setText(text)
        self.payments_model.set_rows([self._payment_row(p) for p in view.payments])
        self._enable_documents()

    def _enable_documents(self) -> None:
        """Offer only documents that would be true today: no carnê without open installments,
        no notification without an overdue one."""
        view = self.contract
        active = view is not None and view.summary.status == "active"
        overdue = active and view is not None and any(ln.is_overdue for ln in view.lines)
        open_lines = active and view is not None and any(ln.is_open for ln in view.lines)
        enabled: dict[str, bool] = {
            DocumentKind.CONTRATO: view is not None,
            DocumentKind.EXTRATO: view is not None,
            DocumentKind.CARNE: open_lines,
            DocumentKind.NOTIFICACAO: overdue,
            DocumentKind.AVISO_NEGATIVACAO: overdue,
        }
        for kind, button in self.document_buttons.items():
            button.setEnabled(bool(enabled[kind]))
        self.receipt_button.setEnabled(view is not None and bool(view.payments))

    # --- documents ----------------------------------------------------------------------
    def load_documents(self) -> None:
        if self.patient is None:
            return
        documents = self.services.documents.for_patient(self.patient.id)
        self.documents_model.set_rows(
            [Row(document_cells(d), key=d.id, tooltip=d.file_path) for d in documents]
        )
        self.bottom_tabs.setTabText(1, self.tr("Documentos gerados ({n})").format(n=len(documents)))

    def generate(self, kind: str) -> ArchivedDocument | None:
        """Generate, archive and open one document for the selected contract."""
        if self.contract is None:
            return None
        try:
            [document] = self.services.documents.generate(
                kind, contract_id=self.contract.summary.id
            )
        except EmDiaError as exc:
            self.documents_status.setText(exc.message)
            return None
        return self._generated(document)

    def receipt_for_selected(self) -> ArchivedDocument | None:
        payment = self.selected_payment()
        if payment is None:
            self.documents_status.setText(self.tr("Selecione um pagamento na lista."))
            return None
        try:
            document = self.services.documents.receipt(payment.id)
        except EmDiaError as exc:
            self.documents_status.setText(exc.message)
            return None
        return self._generated(document)

    def _generated(self, document: ArchivedDocument) -> ArchivedDocument:
        self.load_documents()
        self.documents_table.selectRow(0)
        text = self.tr("{kind} gerado e arquivado (documento {id}).").format(
            kind=KIND_LABELS[document.kind], id=document.id
        )
        try:
            self.desk.open(document.id)
        except EmDiaError as exc:
            text += " " + exc.message
        self.documents_status.setText(text)
        self.document_generated.emit(document)
        return document

    def selected_document_id(self) -> int | None:
        index = self.documents_table.currentIndex()
        return self.documents_model.key(index.row()) if index.isValid() else None

    def open_selected_document(self) -> None:
        act_on(
            self.documents_status,
            self.desk.open,
            self.selected_document_id(),
            self.tr("Aberto: {result}"),
        )

    def print_selected_document(self) -> None:
        act_on(
            self.documents_status,
            lambda document_id: self.desk.print(document_id, self),
            self.selected_document_id(),
            self.tr("Impressão enviada ({result} página(s))."),
        )

    def _payment_row(self, p: PaymentView) -> Row:
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

    def show_standing(self, status: CollectionStatus) -> None:
        """Overdue money, risk and the suspension of new treatments, in the header."""
        self.collection = status
        row = status.row
        parts = []
        if row is not None:
            a = row.assessment
            parts.append(
                self.tr(
                    "Em atraso: <b>{u}</b> (atualizado) há {d} dias · "
                    "<span style='color:{c}'>{s}</span> · risco {r}/100"
                ).format(
                    u=format_brl(row.updated_cents),
                    d=row.days_late,
                    c=SEGMENT_COLOURS[a.segment],
                    s=html.escape(a.segment_label),
                    r=a.score,
                )
            )
            if a.flags:
                parts.append(chips_html([FLAG_LABELS[f] for f in a.flags]))
            self.standing.setToolTip("\n".join(f"+{r.points}  {r.text}" for r in a.reasons))
        else:
            self.standing.setToolTip("")
        if status.suspended:
            text = self.tr("Novos tratamentos suspensos")
            if row is None:
                text += self.tr(" — nada mais em atraso: pode liberar")
            parts.append(
                f"<span style='background-color:#fbe3e1; color:#8c1d18'>"
                f"&nbsp;<b>{text}</b>&nbsp;</span>"
            )
        elif status.suspension_suggested:
            parts.append(
                "<span style='background-color:#fdf0d5; color:#7a4a00'>&nbsp;"
                + self.tr("Sugestão: suspender novos tratamentos (atraso de {d} dias)").format(
                    d=row.days_late if row else 0
                )
                + "&nbsp;</span>"
            )
        self.standing.setText("  ".join(parts))
        self.standing.setVisible(bool(parts))
        self.suspend_button.setText(
            self.tr("Liberar novos tratamentos")
            if status.suspended
            else self.tr("Suspender novos tratamentos")
        )
        self.suspend_button.setVisible(status.suspended or row is not None)
        self.agreement_button.setEnabled(row is not None)  # only overdue money is renegotiated
        allowed = self.services.actor.can(Permission.SUSPEND_TREATMENTS)
        self.suspend_button.setEnabled(allowed)
        self.suspend_button.setToolTip(
            "" if allowed else self.tr("Só o gestor ou dentista decide a suspensão.")
        )

    def toggle_suspension(self) -> None:
        """The person decides; the system only suggests (seed 002). Audited."""
        assert self.patient is not None and self.collection is not None
        self.show_standing(
            self.services.overdue.set_suspension(self.patient.id, not self.collection.suspended)
        )

    # --- actions ------------------------------------------------------------------------
    def edit_patient(self) -> None:
        assert self.patient is not None
        dialog = PatientDialog(
            self.services.patients, self.patient.id, self, lgpd=self.services.lgpd
        )
        if dialog.exec() or dialog.anonymized:
            self.open(self.patient.id, self.contract.summary.id if self.contract else None)

    def new_contract(self) -> None:
        assert self.patient is not None
        patient_id = self.patient.id
        dialog = ContractDialog(
            self.services.contracts,
            self.patient.id,
            self.patient.name,
            self.services.clock.today(),
            self,
            credit_reminder=lambda total: self.services.agreements.credit_reminder(
                patient_id, total
            ),
        )
        if dialog.exec() and dialog.saved is not None:
            self._load_contracts(dialog.saved.summary.id)

    def new_agreement(self) -> None:
        """Nova proposta de acordo; accepted, the confissão opens like every Imprimir button."""
        assert self.patient is not None
        dialog = AgreementDialog(
            self.services.agreements,
            self.services.documents,
            self.patient.id,
            self.patient.name,
            self.services.clock.today(),
            self,
        )
        if dialog.exec() and dialog.saved is not None:
            self._reload_after_agreement(dialog.saved.contract_id)
            saved = dialog.saved
            self.agreements.status.setText(
                self.tr("Acordo {id}: {s}.").format(id=saved.id, s=saved.status_label)
            )
            self.bottom_tabs.setCurrentWidget(self.agreements)
            if dialog.document is not None:
                self._generated(dialog.document)

    def _reload_after_agreement(self, contract_id: int | None) -> None:
        assert self.patient is not None
        self._load_contracts(contract_id)
        self.load_documents()
        self.agreements.load(self.patient.id)

    def new_credit_check(self) -> None:
        assert self.patient is not None
        dialog = CreditCheckDialog(
            self.services.agreements,
            self.patient.id,
            self.patient.name,
            self.services.clock.today(),
            self,
        )
        if dialog.exec():
            self.agreements.load(self.patient.id)

    def edit_contract(self) -> None:
        if self.contract is None:
            return
        dialog = ContractTermsDialog(self.services.contracts, self.contract.summary.id, self)
        if dialog.exec() and dialog.saved is not None:
            self._load_contracts(dialog.saved.summary.id)

    def receive_payment(self) -> None:
        assert self.patient is not None
        active = [
            c for c in self.services.contracts.for_patient(self.patient.id) if c.status == "active"
        ]
        current = self.contract.summary.id if self.contract else None
        dialog = PaymentDialog(
            self.services.payments,
            self.services.contracts,
            active,
            self.services.clock.today(),
            current,
            self,
        )
        if dialog.exec() and dialog.saved is not None:
            self._load_contracts(dialog.contract_id())

    # --- negativação and the dossiê (issue 10) ---------------------------------------------
    def open_negativacao(self) -> None:
        """The checklist (everyone) and the inclusion/removal (gestor) of this patient's debt."""
        assert self.patient is not None
        contract_id = self.contract.summary.id if self.contract else None
        dialog = NegativacaoDialog(self.services, self.patient.id, contract_id, self)
        if dialog.exec() and dialog.saved is not None:
            self._load_contracts(contract_id)
            self.documents_status.setText(
                self.tr("Negativação {id}: {status}.").format(
                    id=dialog.saved.id, status=dialog.saved.status
                )
            )

    def export_dossie(self) -> None:
        """One ZIP for a lawyer or the Juizado Especial Cível, built off the UI thread."""
        assert self.patient is not None
        folder = self.choose_folder(self)
        if not folder:
            return
        patient_id, dossie = self.patient.id, self.services.dossie

        def job(progress: Any, cancelled: Any) -> object:
            return dossie.export(patient_id, Path(folder), progress, cancelled)

        self.documents_status.setText(self.tr("Montando o dossiê de cobrança…"))
        run_with_progress(
            self.runner,
            self,
            self.tr("Montando o dossiê de cobrança…"),
            job,
            self._dossie_exported,
            self._dossie_failed,
        )

    def _dossie_exported(self, result: Any) -> None:
        text = self.tr("Dossiê gravado em {path} ({n} documento(s) arquivado(s) copiados).").format(
            path=result.path, n=result.copied
        )
        if result.skipped:
            text += self.tr(" Não copiados: {ids}.").format(
                ids=", ".join(f"{i} ({why})" for i, why in result.skipped)
            )
        self.documents_status.setText(text)
        self.load_documents()
        self.dossie_done.emit(result)

    def _dossie_failed(self, exc: BaseException) -> None:
        if isinstance(exc, EmDiaError):
            self.documents_status.setText(exc.message)
        else:
            self.documents_status.setText(self.tr("Não foi possível montar o dossiê."))
            sys.excepthook(type(exc), exc, exc.__traceback__)
        self.dossie_done.emit(exc)

    def selected_payment(self) -> PaymentView | None:
        if self.contract is None:
            return None
        index = self.payments_table.currentIndex()
        if not index.isValid():
            return None
        payment_id = self.payments_model.key(index.row())
        return next((p for p in self.contract.payments if p.id == payment_id), None)

    def reverse_selected(self) -> None:
        payment = self.selected_payment()
        if payment is None or not payment.is_effective:
            self.summary.setText(self.tr("Selecione um pagamento válido na lista para estornar."))
            return
        dialog = ReversalDialog(self.services.payments, payment, self)
        if dialog.exec():
            assert self.contract is not None
            self._load_contracts(self.contract.summary.id)


def _choose_folder(parent: QWidget) -> str:
    return QFileDialog.getExistingDirectory(parent, parent.tr("Pasta para o dossiê de cobrança"))


def _panel(table: QWidget, *buttons: QPushButton) -> QWidget:
    """A table with its action buttons right-aligned above it."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    layout.addLayout(row)
    layout.addWidget(table, 1)
    return box
