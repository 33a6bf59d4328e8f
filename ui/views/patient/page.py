"""A patient's page: who they are, their contracts, every installment updated to today, payments
and reversals, the documents printed (and those that came back signed electronically), the
contacts about money (with promises) and the acordos.

The page lays out its panels and answers their buttons; what it asks of the services goes
through ``ui.ops``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QSplitter, QTabWidget, QVBoxLayout, QWidget

from app.bootstrap import Services
from app.domain.catalog import ContractStatus
from app.domain.contracts import ContractView
from app.domain.documents import ArchivedDocument, generated_text
from app.domain.patients import Patient
from app.domain.signatures import SignedDocument
from app.errors import EmDiaError
from app.progress import IsCancelled, Progress
from app.services.base import Permission
from app.services.dossie import DossieResult
from app.services.overdue import CollectionStatus
from ui import ops
from ui.dialogs.agreement_dialog import AgreementDialog
from ui.dialogs.contract_dialog import ContractDialog
from ui.dialogs.contract_terms_dialog import ContractTermsDialog
from ui.dialogs.credit_check_dialog import CreditCheckDialog
from ui.dialogs.negativacao_dialog import NegativacaoDialog
from ui.dialogs.patient_dialog import PatientDialog
from ui.dialogs.payment_dialog import PaymentDialog
from ui.dialogs.reversal_dialog import ReversalDialog
from ui.documents import DocumentDesk, act_on
from ui.signing import SignatureDesk
from ui.views.patient.contracts_panel import ContractsPanel
from ui.views.patient.documents_panel import ArchivePanel, PrintBar
from ui.views.patient.header import PatientHeader
from ui.views.patient.payments_panel import PaymentsPanel
from ui.widgets.agreements_panel import AgreementsPanel
from ui.widgets.contact_history import ContactHistory

ARCHIVE_TAB = 1


class PatientPage(QWidget):
    back = Signal()
    document_generated = Signal(object)  # ArchivedDocument
    dossie_done = Signal(object)  # DossieResult, or the error that stopped it

    def __init__(
        self, services: Services, desk: DocumentDesk | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("PatientPage")
        self.services = services
        self.desk = desk or DocumentDesk(lambda: services.archive, self)
        self.signing = SignatureDesk(services.signatures, self.desk, self)
        self.signed: list[SignedDocument] = []  # the patient's documents signed electronically
        self.patient: Patient | None = None
        self.contract: ContractView | None = None
        self.standing: CollectionStatus | None = None
        self.choose_folder: Callable[[QWidget], str] = _choose_folder  # replaceable by tests

        self.header = PatientHeader()
        self.print_bar = PrintBar()
        self.contracts = ContractsPanel()
        self.payments = PaymentsPanel()
        self.archive = ArchivePanel()
        self.contacts = ContactHistory(services.contacts)
        self.agreements = AgreementsPanel(services.agreements, services.documents)
        self.bottom_tabs = QTabWidget()
        self.bottom_tabs.setObjectName("bottomTabs")
        self.bottom_tabs.addTab(self.payments, self.tr("Pagamentos e estornos"))
        self.bottom_tabs.addTab(self.archive, self.tr("Documentos gerados"))
        self.bottom_tabs.addTab(self.contacts, self.tr("Contatos de cobrança"))
        self.bottom_tabs.addTab(self.agreements, self.tr("Acordos"))
        split = QSplitter(self.contracts.orientation())
        split.addWidget(self.contracts)
        split.addWidget(self.bottom_tabs)
        split.setSizes([430, 190])
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.print_bar)
        layout.addWidget(split, 1)
        self._connect()

    def _connect(self) -> None:
        header = self.header
        header.back_button.clicked.connect(self.back.emit)
        header.edit_button.clicked.connect(self.edit_patient)
        header.contract_button.clicked.connect(self.new_contract)
        header.edit_contract_button.clicked.connect(self.edit_contract)
        header.pay_button.clicked.connect(self.receive_payment)
        header.agreement_button.clicked.connect(self.new_agreement)
        header.suspend_button.clicked.connect(self.toggle_suspension)
        self.contracts.contract_selected.connect(self.show_contract)
        self.payments.reverse_button.clicked.connect(self.reverse_selected)
        self.payments.receipt_button.clicked.connect(self.receipt_for_selected)
        self.print_bar.document_requested.connect(self.generate)
        self.print_bar.negativacao_button.clicked.connect(self.open_negativacao)
        self.print_bar.dossie_button.clicked.connect(self.export_dossie)
        self.print_bar.send_action.triggered.connect(self.send_contract_for_signing)
        self.print_bar.receive_action.triggered.connect(self.receive_signed)
        self.signing.finished.connect(self._signed_received)
        self.agreements.signing_requested.connect(self.send_confession_for_signing)
        self.archive.open_button.clicked.connect(self.open_selected_document)
        self.archive.print_button.clicked.connect(self.print_selected_document)
        self.archive.table.activated.connect(lambda _index: self.open_selected_document())
        self.agreements.changed.connect(lambda: self._reload_after_agreement(None))
        self.agreements.document_generated.connect(self._generated)
        self.agreements.credit_check_requested.connect(self.new_credit_check)

    # --- loading ------------------------------------------------------------------------
    def open(self, patient_id: int, contract_id: int | None = None) -> None:
        patient = ops.call(self, lambda: self.services.patients.get(patient_id))
        if patient is None:
            return
        self.patient = patient
        self.header.show_patient(patient)
        self.print_bar.status.clear()
        self._load_signed()
        self._load_contracts(contract_id)
        self.load_documents()
        self.contacts.load(patient_id)
        self.agreements.load(patient_id)
        self._show_signed_agreements()

    def refresh_contacts(self) -> None:
        if self.patient is not None:
            self.contacts.load(self.patient.id)

    def _load_contracts(self, select_id: int | None = None) -> None:
        assert self.patient is not None
        patient_id = self.patient.id
        found = ops.call(
            self,
            lambda: (
                self.services.overdue.status(patient_id),
                self.services.contracts.for_patient(patient_id),
            ),
        )
        if found is None:
            return
        standing, summaries = found
        self.show_standing(standing)
        self.header.offer_contracts(
            bool(summaries), any(c.status is ContractStatus.ACTIVE for c in summaries)
        )
        if select_id is None and standing.row is not None:
            # Several contracts: open on the one with money overdue, the reason for most visits.
            select_id = standing.row.debt.contract_ids[0]
        selected = self.contracts.show_contracts(summaries, patient_id, select_id)
        if selected is None:
            self.contract = None
            self.payments.show_contract(None)
            self.print_bar.offer_for(None)
            return
        self.show_contract(selected)

    def show_contract(self, contract_id: int) -> None:
        view = ops.call(self, lambda: self.services.contracts.get(contract_id))
        if view is None:
            return
        self.contract = view
        self.contracts.show_lines(view)
        self.contracts.show_signatures([s for s in self.signed if s.contract_id == contract_id])
        self.payments.show_contract(view)
        self.print_bar.offer_for(view)

    def show_standing(self, status: CollectionStatus) -> None:
        self.standing = status
        may_suspend = self.services.actor.can(Permission.SUSPEND_TREATMENTS)
        self.header.show_standing(status, may_suspend)

    def toggle_suspension(self) -> None:
        """The person decides; the system only suggests (a suggestion, never automatic). Audited."""
        assert self.patient is not None and self.standing is not None
        patient_id, suspend = self.patient.id, not self.standing.suspended
        status = ops.call(self, lambda: self.services.overdue.set_suspension(patient_id, suspend))
        if status is not None:
            self.show_standing(status)

    # --- documents ----------------------------------------------------------------------
    def load_documents(self) -> None:
        if self.patient is None:
            return
        patient_id = self.patient.id
        documents = ops.call(self, lambda: self.services.archive.for_patient(patient_id))
        if documents is None:
            return
        self.archive.show_documents(documents)
        self.bottom_tabs.setTabText(
            ARCHIVE_TAB, self.tr("Documentos gerados ({n})").format(n=len(documents))
        )

    def generate(self, kind: str) -> ArchivedDocument | None:
        """Generate, archive and open one document for the selected contract."""
        if self.contract is None:
            return None
        contract_id = self.contract.summary.id
        found = ops.call(
            self,
            lambda: self.services.documents.generate(kind, contract_id=contract_id),
            on_error=ops.show_in(self.print_bar.status),
        )
        return self._generated(found[0]) if found else None

    def receipt_for_selected(self) -> ArchivedDocument | None:
        payment = self.payments.selected()
        if payment is None:
            self.print_bar.status.setText(self.tr("Selecione um pagamento na lista."))
            return None
        return self.receipt_for(payment.id)

    def receipt_for(self, payment_id: int) -> ArchivedDocument | None:
        """Generate, archive and open the recibo of one payment."""
        document = ops.call(
            self,
            lambda: self.services.documents.receipt(payment_id),
            on_error=ops.show_in(self.print_bar.status),
        )
        return self._generated(document) if document is not None else None

    def _receipt_said(self, payment_id: int) -> str:
        """Receber pagamento's "Imprimir recibo": what happened, for the dialog to say."""
        self.receipt_for(payment_id)
        return self.print_bar.status.text()

    def _generated(self, document: ArchivedDocument) -> ArchivedDocument:
        """Archived: list it, open it like every Imprimir button, say so."""
        self.load_documents()
        self.archive.table.selectRow(0)
        said = [
            self.tr("{done} (documento {id}).").format(
                done=generated_text(document.kind), id=document.id
            )
        ]
        ops.call(
            self, lambda: self.desk.open(document.id), on_error=lambda e: said.append(e.message)
        )
        self.print_bar.status.setText(" ".join(said))
        self.document_generated.emit(document)
        return document

    def open_selected_document(self) -> None:
        act_on(
            self.print_bar.status,
            self.desk.open,
            self.archive.selected_id(),
            self.tr("Aberto: {result}"),
        )

    def print_selected_document(self) -> None:
        act_on(
            self.print_bar.status,
            lambda document_id: self.desk.print(document_id, self),
            self.archive.selected_id(),
            self.tr("Impressão enviada ({result} página(s))."),
        )

    # --- electronic signatures ---------------------------------------------------------------
    def _load_signed(self) -> None:
        assert self.patient is not None
        patient_id = self.patient.id
        found = ops.call(self, lambda: self.services.signatures.for_patient(patient_id))
        self.signed = found if found is not None else []

    def _show_signed_agreements(self) -> None:
        notes: dict[int, str] = {}
        for s in reversed(self.signed):  # oldest first: the latest signature wins
            if s.agreement_id is not None:
                notes[s.agreement_id] = s.note
        self.agreements.show_signatures(notes)

    def send_contract_for_signing(self) -> None:
        """The selected contract, as a PDF for the patient to sign on gov.br or with an e-CPF."""
        if self.contract is None:
            return
        contract_id = self.contract.summary.id
        if self.signing.send(self, self.print_bar.status, contract_id=contract_id):
            self.load_documents()

    def send_confession_for_signing(self, agreement_id: int) -> None:
        if self.signing.send(self, self.agreements.status, agreement_id=agreement_id):
            self.load_documents()

    def receive_signed(self) -> None:
        """The PDF the patient sent back: checked, archived beside its original, reported."""
        self.signing.receive(self, self.print_bar.status)

    def _signed_received(self, result: object) -> None:
        if self.patient is None or isinstance(result, EmDiaError):
            return
        self._load_signed()
        self.load_documents()
        self._show_signed_agreements()
        if self.contract is not None:
            self.show_contract(self.contract.summary.id)

    # --- the header's buttons -----------------------------------------------------------------
    def edit_patient(self) -> None:
        assert self.patient is not None
        dialog = PatientDialog(
            self.services.patients, self.patient.id, self, lgpd=self.services.lgpd
        )
        if dialog.exec() or dialog.anonymized:
            self.open(self.patient.id, self._contract_id())

    def new_contract(self) -> None:
        assert self.patient is not None
        patient_id, agreements = self.patient.id, self.services.agreements
        dialog = ContractDialog(
            self.services.contracts,
            patient_id,
            self.patient.name,
            self.services.clock.today(),
            self,
            credit_reminder=lambda total: agreements.credit_reminder(patient_id, total),
        )
        if dialog.exec() and dialog.saved is not None:
            self._load_contracts(dialog.saved.summary.id)

    def edit_contract(self) -> None:
        if self.contract is None:
            return
        dialog = ContractTermsDialog(self.services.contracts, self.contract.summary.id, self)
        if dialog.exec() and dialog.saved is not None:
            self._load_contracts(dialog.saved.summary.id)

    def receive_payment(self) -> None:
        assert self.patient is not None
        patient_id = self.patient.id
        summaries = ops.call(self, lambda: self.services.contracts.for_patient(patient_id))
        if summaries is None:
            return
        dialog = PaymentDialog(
            self.services.payments,
            self.services.contracts,
            [c for c in summaries if c.status is ContractStatus.ACTIVE],
            self.services.clock.today(),
            self._contract_id(),
            self,
            print_receipt=self._receipt_said,
        )
        if dialog.exec() and dialog.saved is not None:
            self._load_contracts(dialog.contract_id())
            self.payments.select(dialog.saved.payment_id)  # its recibo is one click away
            self.bottom_tabs.setCurrentWidget(self.payments)

    def reverse_selected(self) -> None:
        payment = self.payments.selected()
        if payment is None or not payment.is_effective:
            self.contracts.summary.setText(
                self.tr("Selecione um pagamento válido na lista para estornar.")
            )
            return
        if ReversalDialog(self.services.payments, payment, self).exec():
            self._load_contracts(self._contract_id())

    def _contract_id(self) -> int | None:
        return self.contract.summary.id if self.contract else None

    # --- acordos --------------------------------------------------------------------------------
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
        if not dialog.exec() or dialog.saved is None:
            return
        saved = dialog.saved
        self._reload_after_agreement(saved.contract_id)
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
        self._show_signed_agreements()

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

    # --- the last resorts: negativação and the dossiê ---------------------------------------
    def open_negativacao(self) -> None:
        """The checklist (everyone) and the inclusion/removal (gestor) of this patient's debt."""
        assert self.patient is not None
        contract_id = self._contract_id()
        dialog = NegativacaoDialog(self.services, self.patient.id, contract_id, self)
        if dialog.exec() and dialog.saved is not None:
            self._load_contracts(contract_id)
            self.print_bar.status.setText(
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

        def job(progress: Progress, cancelled: IsCancelled) -> DossieResult:
            return dossie.export(patient_id, Path(folder), progress, cancelled)

        label = self.tr("Montando o dossiê de cobrança…")
        self.print_bar.status.setText(label)
        ops.start(
            self,
            job,
            on_success=self._dossie_exported,
            on_error=self._dossie_failed,
            progress=label,
        )

    def _dossie_exported(self, result: DossieResult) -> None:
        text = self.tr("Dossiê gravado em {path} ({n} documento(s) arquivado(s) copiados).").format(
            path=result.path, n=result.copied
        )
        if result.skipped:
            text += self.tr(" Não copiados: {ids}.").format(
                ids=", ".join(f"{i} ({why})" for i, why in result.skipped)
            )
        self.print_bar.status.setText(text)
        self.load_documents()
        self.dossie_done.emit(result)

    def _dossie_failed(self, exc: EmDiaError) -> None:
        self.print_bar.status.setText(exc.message)
        self.dossie_done.emit(exc)


def _choose_folder(parent: QWidget) -> str:
    return QFileDialog.getExistingDirectory(parent, parent.tr("Pasta para o dossiê de cobrança"))
