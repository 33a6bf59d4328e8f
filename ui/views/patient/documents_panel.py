"""Documents on a patient's page: the row of "Imprimir" buttons for the selected contract (only
those that would be true today), with the last resorts of collection — negativação and the
dossiê — set apart at its end; and the archive of what was generated for the patient."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.domain.catalog import DocumentKind
from app.domain.contracts import ContractView
from app.domain.documents import ArchivedDocument
from ui.models.documents_model import DOCUMENT_HEADERS, document_cells
from ui.models.rows_model import Row, RowsTableModel
from ui.widgets.tables import lay_out_with_buttons, make_table

# The documents printed from a contract, in the order a receptionist needs them.
CONTRACT_DOCUMENTS = (
    (DocumentKind.CONTRATO, "Contrato"),
    (DocumentKind.CARNE, "Carnê com PIX"),
    (DocumentKind.EXTRATO, "Extrato"),
    (DocumentKind.NOTIFICACAO, "Notificação extrajudicial"),
    (DocumentKind.AVISO_NEGATIVACAO, "Aviso de negativação"),
)


class PrintBar(QWidget):
    """``status`` says what was generated, opened or printed — or why not."""

    document_requested = Signal(str)  # the DocumentKind of the button

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printBar")
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.tr("Imprimir:")))
        for kind, text in CONTRACT_DOCUMENTS:
            button = QPushButton(self.tr(text))
            button.setObjectName(f"doc_{kind}")
            button.setToolTip(self.tr("Gera, arquiva e abre o PDF do contrato selecionado."))
            button.clicked.connect(lambda _checked=False, k=kind: self.document_requested.emit(k))
            self.buttons[kind] = button
            row.addWidget(button)
        self.status = QLabel()
        self.status.setObjectName("documentsStatus")
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        # The last resorts of collection sit apart from the everyday buttons of the header.
        self.negativacao_button = QPushButton(self.tr("Negativação…"))
        self.negativacao_button.setObjectName("negativacao")
        self.dossie_button = QPushButton(self.tr("Dossiê de cobrança…"))
        self.dossie_button.setObjectName("dossie")
        row.addWidget(self.negativacao_button)
        row.addWidget(self.dossie_button)

    def offer_for(self, view: ContractView | None) -> None:
        """Offer only documents that would be true today: no carnê without open installments,
        no notification without an overdue one."""
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
        for kind, button in self.buttons.items():
            button.setEnabled(enabled[kind])


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
