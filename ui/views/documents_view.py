"""Documentos: notifications in batch, the archive of every PDF ever generated, and the signed
PDFs patients send back (*Receber documento assinado*).

The batch runs in the background (``ui.ops``) with a progress bar and Cancelar; the window
stays usable meanwhile, and a summary says what was generated, what was skipped and why.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_brl
from app.errors import EmDiaError
from app.progress import IsCancelled, Progress
from app.services.documents.archive import DocumentArchiveService
from app.services.documents.batch import BatchResult, DocumentBatchService
from ui import ops
from ui.documents import DocumentDesk, act_on
from ui.models.documents_model import DocumentTableModel
from ui.signing import SignatureDesk
from ui.widgets.buttons import push_button
from ui.widgets.search import SearchBox
from ui.widgets.tables import make_table

DEFAULT_MIN_DAYS = 30  # the régua's notificação extrajudicial step is D+30


class DocumentsView(QWidget):
    batch_finished = Signal(object)  # BatchResult

    def __init__(
        self,
        batch: DocumentBatchService,
        archive: DocumentArchiveService,
        desk: DocumentDesk | None = None,
        parent: QWidget | None = None,
        *,
        signing: SignatureDesk | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("DocumentsView")
        self.batch = batch
        self.archive = archive
        self.desk = desk or DocumentDesk(lambda: archive, self)
        self.signing = signing
        self.last_result: BatchResult | None = None

        title = QLabel(self.tr("Documentos"))
        title.setObjectName("viewTitle")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self._batch_box())
        layout.addWidget(self._archive_box(), 1)
        self.refresh()

    # --- building ---------------------------------------------------------------------------
    def _batch_box(self) -> QGroupBox:
        """Notificações for everyone late by more than N days, in one go."""
        box = QGroupBox(self.tr("Notificações extrajudiciais em lote"))
        self.min_days = QSpinBox()
        self.min_days.setObjectName("minDaysLate")
        self.min_days.setRange(1, 3650)
        self.min_days.setValue(DEFAULT_MIN_DAYS)
        self.min_days.setSuffix(self.tr(" dias"))
        self.batch_button = push_button(
            "generateBatch", self.tr("Gerar notificações"), self.generate_batch
        )
        self.candidates_label = QLabel()
        self.candidates_label.setObjectName("candidates")
        self.batch_summary = QLabel()
        self.batch_summary.setObjectName("batchSummary")
        self.batch_summary.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Gerar notificações para todos com mais de")))
        row.addWidget(self.min_days)
        row.addWidget(QLabel(self.tr("de atraso")))
        row.addWidget(self.batch_button)
        row.addWidget(self.candidates_label, 1)
        hint = QLabel(
            self.tr(
                "Uma notificação por contrato, com os valores atualizados hoje (principal, "
                "multa, juros e correção) e prazo de 7 dias para pagamento. Cada PDF fica "
                "arquivado e aparece na página do paciente."
            )
        )
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        layout = QVBoxLayout(box)
        layout.addLayout(row)
        layout.addWidget(hint)
        layout.addWidget(self.batch_summary)
        self.min_days.valueChanged.connect(lambda _v: self.count_candidates())
        return box

    def _archive_box(self) -> QGroupBox:
        """Every PDF ever generated, searchable; open, print or show its folder."""
        box = QGroupBox(self.tr("Arquivo de documentos gerados"))
        self.search = SearchBox(self.tr("Buscar por paciente, CPF, nº do contrato ou tipo…"))
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        self.model = DocumentTableModel(self.archive.search, self.archive.count)
        self.table = make_table(self.model, "documentsTable", (60, 135, 200, 240, 70, 90))
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.open_button = push_button("openDocument", self.tr("Abrir"), self.open_selected)
        self.print_button = push_button("printDocument", self.tr("Imprimir…"), self.print_selected)
        self.folder_button = push_button(
            "openFolder", self.tr("Abrir pasta"), self.open_selected_folder
        )
        buttons = QHBoxLayout()
        for button in (self.open_button, self.print_button, self.folder_button):
            buttons.addWidget(button)
        buttons.addWidget(self.status, 1)
        self.receive_button = push_button(
            "receiveSigned", self.tr("Receber documento assinado…"), self.receive_signed
        )
        self.receive_button.setVisible(self.signing is not None)
        buttons.addWidget(self.receive_button)
        if self.signing is not None:
            self.signing.finished.connect(lambda _result: self.run_search())
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(box)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.search.searched.connect(self.run_search)
        self.table.activated.connect(self._activated)
        return box

    # --- archive --------------------------------------------------------------------------
    def refresh(self) -> None:
        self.run_search()
        self.count_candidates()

    def run_search(self, _text: str = "") -> None:
        self.model.set_query(self.search.text())
        self.count_label.setText(self.tr("{n} documentos").format(n=self.model.total))

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.item(index.row()).id if index.isValid() else None

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.table.selectRow(index.row())
            self.open_selected()

    def open_selected(self) -> None:
        act_on(self.status, self.desk.open, self.selected_id(), self.tr("Aberto: {result}"))

    def receive_signed(self) -> None:
        """A PDF a patient signed and sent back: checked and archived beside its original."""
        if self.signing is not None:
            self.signing.receive(self, self.status)

    def open_selected_folder(self) -> None:
        act_on(self.status, self.desk.open_folder, self.selected_id(), self.tr("Pasta: {result}"))

    def print_selected(self) -> None:
        act_on(
            self.status,
            lambda document_id: self.desk.print(document_id, self),
            self.selected_id(),
            self.tr("Impressão enviada ({result} página(s))."),
        )

    # --- batch ----------------------------------------------------------------------------
    def count_candidates(self) -> None:
        days = self.min_days.value()
        candidates = ops.call(
            self,
            lambda: self.batch.overdue_candidates(days),
            on_error=ops.show_in(self.candidates_label),
        )
        if candidates is not None:
            self.candidates_label.setText(
                self.tr("{n} contrato(s) com parcela vencida há mais de {d} dias").format(
                    n=len(candidates), d=days
                )
            )

    def generate_batch(self) -> None:
        days = self.min_days.value()
        self.batch_button.setEnabled(False)
        self.batch_summary.setText(self.tr("Gerando notificações…"))

        batch = self.batch

        def job(progress: Progress, cancelled: IsCancelled) -> BatchResult:
            return batch.notifications(days, progress, cancelled)

        ops.start(
            self,
            job,
            on_success=self._batch_done,
            on_error=self._batch_failed,
            progress=self.tr("Gerando notificações extrajudiciais…"),
        )

    def _batch_done(self, result: BatchResult) -> None:
        self.last_result = result
        self.batch_button.setEnabled(True)
        parts = [
            self.tr("{n} notificação(ões) gerada(s), somando {total} atualizados.").format(
                n=len(result.documents), total=format_brl(result.total_cents)
            )
        ]
        if result.cancelled:
            parts.append(
                self.tr(
                    "Cancelado: {left} contrato(s) ficaram sem notificação; as já geradas "
                    "continuam arquivadas."
                ).format(left=result.candidates - len(result.documents) - len(result.skipped))
            )
        if result.skipped:
            reasons = "; ".join(f"contrato {cid}: {why}" for cid, why in result.skipped[:5])
            parts.append(self.tr("Não geradas: {r}").format(r=reasons))
        if result.documents:
            folder = Path(result.documents[0].file_path).parent
            parts.append(self.tr("Arquivos em {folder}.").format(folder=folder))
        self.batch_summary.setText(" ".join(parts))
        self.refresh()
        self.batch_finished.emit(result)

    def _batch_failed(self, exc: EmDiaError) -> None:
        self.batch_button.setEnabled(True)
        self.batch_summary.setText(
            self.tr("As notificações não foram geradas: {m}").format(m=exc.message)
        )
