"""Extratos em lote, for the accountant: the extrato of every contract with a payment or an
estorno in the period — the same document as the patient page's Extrato — each archived, in the
background with Cancelar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.bootstrap import Services
from app.errors import EmDiaError
from app.progress import IsCancelled, Progress
from app.services.documents.batch import BatchResult
from ui import ops
from ui.documents import DocumentDesk
from ui.widgets.buttons import push_button


class StatementsPanel(QWidget):
    finished = Signal(object)  # BatchResult

    def __init__(
        self, services: Services, desk: DocumentDesk, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("statementsPanel")
        self.services = services
        self.desk = desk
        self.result: BatchResult | None = None
        hint = QLabel(
            self.tr(
                "Gera o extrato de cada contrato com pagamento ou estorno no período escolhido "
                "acima (valores atualizados hoje), para o contador. Cada PDF fica arquivado em "
                "Documentos e na página do paciente."
            )
        )
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        self.generate = push_button("generateStatements", self.tr("Gerar extratos"))
        self.folder = push_button("statementsFolder", self.tr("Abrir pasta"), self.open_folder)
        self.folder.setEnabled(False)
        self.summary = QLabel()
        self.summary.setObjectName("statementsSummary")
        self.summary.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.generate)
        buttons.addWidget(self.folder)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    def run(self, start: date, end: date) -> None:
        self.generate.setEnabled(False)
        self.summary.setText(self.tr("Gerando extratos…"))
        batch = self.services.document_batch

        def job(progress: Progress, cancelled: IsCancelled) -> BatchResult:
            return batch.statements(start, end, progress, cancelled)

        ops.start(
            self,
            job,
            on_success=self._done,
            on_error=self._failed,
            progress=self.tr("Gerando os extratos do período…"),
        )

    def _done(self, result: BatchResult) -> None:
        self.result = result
        self.generate.setEnabled(True)
        self.folder.setEnabled(bool(result.documents))
        text = self.tr("{n} extrato(s) gerado(s) e arquivado(s).").format(n=len(result.documents))
        if not result.candidates:
            text = self.tr("Nenhum contrato teve pagamento ou estorno no período.")
        if result.cancelled:
            text += " " + self.tr("Cancelado: os já gerados continuam arquivados.")
        if result.skipped:
            reasons = "; ".join(f"contrato {cid}: {why}" for cid, why in result.skipped[:5])
            text += " " + self.tr("Não gerados: {r}").format(r=reasons)
        if result.documents:
            folder = Path(result.documents[0].file_path).parent
            text += " " + self.tr("Arquivos em {folder}.").format(folder=folder)
        self.summary.setText(text)
        self.finished.emit(result)

    def _failed(self, exc: EmDiaError) -> None:
        self.generate.setEnabled(True)
        self.summary.setText(self.tr("Os extratos não foram gerados: {m}").format(m=exc.message))

    def open_folder(self) -> None:
        if self.result and self.result.documents:
            document_id = self.result.documents[0].id
            ops.call(
                self, lambda: self.desk.open_folder(document_id), on_error=ops.show_in(self.summary)
            )
