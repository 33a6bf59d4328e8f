"""Electronic signatures at the desk (the patient page, the Acordos tab, Documentos): *Enviar
para assinatura* saves the archived PDF where the user chooses and shows the message to send
with it; *Receber documento assinado* checks the file off the UI thread and shows what was
verified.

The file dialogs are attributes tests replace: a test never pops a native dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QWidget

from app.errors import EmDiaError
from app.progress import IsCancelled, Progress
from app.services.signatures import Received, SignatureService, SigningPackage, signing_file_name
from ui import ops
from ui.dialogs.signature_dialogs import SignatureReportDialog, SigningMessageDialog
from ui.documents import DocumentDesk

PDF_FILTER = "PDF (*.pdf)"


def _ask_save_path(parent: QWidget, suggested: str) -> str:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path, _filter = QFileDialog.getSaveFileName(
        parent, parent.tr("Salvar o PDF para assinatura"), str(Path(folder) / suggested), PDF_FILTER
    )
    return path


def _ask_signed_file(parent: QWidget) -> str:
    path, _filter = QFileDialog.getOpenFileName(
        parent, parent.tr("PDF assinado que o paciente devolveu"), "", PDF_FILTER
    )
    return path


def _show(dialog: QDialog) -> None:
    dialog.exec()


class SignatureDesk(QObject):
    finished = Signal(object)  # Received (archived, or checked again), or the refusal

    def __init__(
        self, service: SignatureService, documents: DocumentDesk, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.documents = documents  # opens the signed PDF from the report
        self.ask_save_path: Callable[[QWidget, str], str] = _ask_save_path
        self.ask_signed_file: Callable[[QWidget], str] = _ask_signed_file
        self.show: Callable[[QDialog], None] = _show

    def send(
        self,
        parent: QWidget,
        status: QLabel,
        *,
        contract_id: int | None = None,
        agreement_id: int | None = None,
    ) -> SigningPackage | None:
        """Ask where to save, generate and archive the document, save it there, show the
        message; refusals go to ``status``."""
        kind, number = ("contrato", contract_id) if contract_id else ("acordo", agreement_id)
        path = self.ask_save_path(parent, signing_file_name(kind, number or 0))
        if not path:
            return None
        package = ops.call(
            parent,
            lambda: self.service.send_for_signing(
                Path(path), contract_id=contract_id, agreement_id=agreement_id
            ),
            on_error=ops.show_in(status),
        )
        if package is not None:
            status.setText(
                status.tr("PDF para assinatura salvo em {path}.").format(path=package.path)
            )
            self.show(SigningMessageDialog(package, parent))
        return package

    def receive(self, parent: QWidget, status: QLabel) -> None:
        """Ask for the signed PDF and check it off the UI thread; the report opens when done,
        a refusal (with its reason) goes to ``status``."""
        path = self.ask_signed_file(parent)
        if not path:
            return
        service = self.service

        def job(_progress: Progress, _cancelled: IsCancelled) -> Received:
            return service.receive(Path(path))

        status.setText(
            status.tr("Conferindo as assinaturas de {name}…").format(name=Path(path).name)
        )
        ops.start(
            parent,
            job,
            on_success=lambda received: self._received(parent, status, received),
            on_error=lambda exc: self._refused(status, exc),
        )

    def _received(self, parent: QWidget, status: QLabel, received: Received) -> None:
        signed = received.signed
        status.setText(
            status.tr("Recebido (documento {id}): {note}.").format(
                id=signed.document_id, note=signed.note
            )
        )
        self.finished.emit(received)
        dialog = SignatureReportDialog(received, parent)
        dialog.open_button.clicked.connect(
            lambda: ops.call(
                dialog,
                lambda: self.documents.open(signed.document_id),
                on_error=ops.show_in(dialog.notes),
            )
        )
        self.show(dialog)

    def _refused(self, status: QLabel, exc: EmDiaError) -> None:
        status.setText(exc.message)
        self.finished.emit(exc)
