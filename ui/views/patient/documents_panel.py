"""Documents on a patient's page: the row of "Imprimir" buttons for the selected contract (only
those that would be true today), with the last resorts of collection — negativação and the
dossiê — set apart at its end; and the archive of what was generated for the patient."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QVBoxLayout, QWidget

from app.domain.catalog import DocumentKind
from app.domain.contracts import ContractView
from app.domain.documents import CONTRACT_KINDS, ArchivedDocument, contract_documents
from ui.models.documents_model import DOCUMENT_HEADERS, document_cells
from ui.models.rows_model import Row, RowsTableModel
from ui.widgets.tables import lay_out_with_buttons, make_table

# The buttons' texts for the documents printed from a contract.
BUTTON_TEXTS = {
    DocumentKind.CONTRATO: "Contrato",
    DocumentKind.CARNE: "Carnê com PIX",
    DocumentKind.EXTRATO: "Extrato",
    DocumentKind.NOTIFICACAO: "Notificação",  # the extrajudicial one, the only kind there is
    DocumentKind.AVISO_NEGATIVACAO: "Aviso de negativação",
}
PRINT_TIP = "Gera, arquiva e abre o PDF do contrato selecionado."


class PrintBar(QWidget):
    """``status`` says what was generated, opened or printed — or why not."""

    document_requested = Signal(str)  # the DocumentKind of the button

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printBar")
        self.buttons: dict[DocumentKind, QPushButton] = {}
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Imprimir:")))
        for kind in CONTRACT_KINDS:  # in the order the desk needs them
            button = QPushButton(self.tr(BUTTON_TEXTS[kind]))
            button.setObjectName(f"doc_{kind}")
            button.setToolTip(self.tr(PRINT_TIP))
            button.clicked.connect(lambda _checked=False, k=kind: self.document_requested.emit(k))
            self.buttons[kind] = button
            row.addWidget(button)
        row.addStretch(1)
        # The contract goes to the patient's phone and comes back signed (gov.br or e-CPF).
        # Short words: the row fits a 1280-pixel screen.
        self.signature_button = QPushButton(self.tr("Assinatura"))
        self.signature_button.setObjectName("signature")
        self.signature_button.setToolTip(self.tr("Assinatura eletrônica do contrato"))
        menu = QMenu(self.signature_button)
        self.send_action = menu.addAction(self.tr("Enviar contrato para assinatura…"))
        self.send_action.setToolTip(
            self.tr("Gera o contrato, salva o PDF para enviar ao paciente e mostra como assinar.")
        )
        self.receive_action = menu.addAction(self.tr("Receber documento assinado…"))
        self.signature_button.setMenu(menu)
        row.addWidget(self.signature_button)
        # The last resorts of collection sit apart from the everyday buttons of the header.
        self.negativacao_button = QPushButton(self.tr("Negativação…"))
        self.negativacao_button.setObjectName("negativacao")
        self.dossie_button = QPushButton(self.tr("Dossiê de cobrança…"))
        self.dossie_button.setObjectName("dossie")
        row.addWidget(self.negativacao_button)
        row.addWidget(self.dossie_button)
        # On its own line: a long message wraps there instead of widening the window.
        self.status = QLabel()
        self.status.setObjectName("documentsStatus")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.status)

    def offer_for(self, view: ContractView | None) -> None:
        """Offer only the documents the contract allows today (no carnê without open
        installments, no notification without an overdue one — the answers ``emdia
        documents`` gives); a disabled button says why in its tooltip."""
        self.send_action.setEnabled(view is not None)
        if view is None:
            for button in self.buttons.values():
                button.setEnabled(False)
                button.setToolTip(self.tr(PRINT_TIP))
            return
        summary = view.summary
        refusals = contract_documents(
            summary.id, summary.status, view.lines, view.as_of, view.letter
        )
        for kind, button in self.buttons.items():
            why = refusals[kind]
            button.setEnabled(why is None)
            button.setToolTip(self.tr(PRINT_TIP) if why is None else why)


class ArchivePanel(QWidget):
    """Every document generated for the patient, newest first: open or print the exact
    archived file."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("archivePanel")
        self.model = RowsTableModel(DOCUMENT_HEADERS)
        self.table = make_table(self.model, "patientDocuments", (60, 135, 200, 200, 70, 90))
        self.open_button = QPushButton(self.tr("Abrir"))
        self.open_button.setObjectName("openDocument")
        self.print_button = QPushButton(self.tr("Imprimir…"))
        self.print_button.setObjectName("printDocument")
        lay_out_with_buttons(self, self.table, self.open_button, self.print_button)

    def show_documents(self, documents: list[ArchivedDocument]) -> None:
        self.model.set_rows(
            [Row(document_cells(d), key=d.id, tooltip=d.file_path) for d in documents]
        )

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.key(index.row()) if index.isValid() else None
