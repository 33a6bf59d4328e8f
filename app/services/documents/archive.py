"""The archive of every generated PDF (Documentos, the patient page's list): search it, and hand
back the exact file that was printed or sent — checked against its SHA-256 first."""

from __future__ import annotations

from pathlib import Path

from app.domain.documents import ArchivedDocument
from app.errors import EmDiaError, NotFoundError
from app.services.base import Permission, Service
from app.services.documents.filing import MISSING, file_state


class DocumentArchiveService(Service):
    def for_patient(self, patient_id: int) -> list[ArchivedDocument]:
        """Every document of the patient (or paid by them), newest first."""
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            return uow.documents.for_patient(patient_id)

    def search(self, text: str = "", offset: int = 0, limit: int = 100) -> list[ArchivedDocument]:
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            return uow.documents.search(text, offset, limit)

    def count(self, text: str = "") -> int:
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            return uow.documents.count(text)

    def get(self, document_id: int) -> ArchivedDocument:
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            found = uow.documents.get(document_id)
        if found is None:
            raise NotFoundError(f"Documento {document_id} não encontrado.")
        return found

    def archived_file(self, document_id: int) -> Path:
        """The archived file, checked against its SHA-256: the exact bytes that were sent."""
        document = self.get(document_id)
        path = Path(document.file_path)
        state = file_state(document)
        if state == MISSING:
            raise EmDiaError(
                f"Documento {document_id}: o arquivo {path} não existe mais. Ele pode ter sido "
                "movido ou apagado fora do EmDia; restaure-o do backup."
            )
        if state is not None:
            raise EmDiaError(
                f"Documento {document_id}: o arquivo {path} foi alterado depois de gerado (o "
                "SHA-256 não confere). Restaure-o do backup."
            )
        return path
