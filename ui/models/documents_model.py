"""Lazy table of archived documents (Documentos → Arquivo, and a patient's documents)."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.dates import format_date
from app.domain.documents import ArchivedDocument
from ui.models.paged_model import PagedTableModel


def document_cells(d: ArchivedDocument) -> list[str]:
    return [
        str(d.id),
        d.generated_at.strftime("%d/%m/%Y %H:%M"),
        d.kind_label,
        d.patient_name,
        str(d.contract_id or ""),
        format_date(d.as_of),
        d.sha256[:12],
    ]


DOCUMENT_HEADERS = (
    "Nº",
    "Gerado em",
    "Documento",
    "Paciente",
    "Contrato",
    "Valores de",
    "Conferência",  # the file's fingerprint (SHA-256): it shows nobody changed the archived PDF
)


class DocumentTableModel(PagedTableModel[ArchivedDocument]):
    HEADERS = DOCUMENT_HEADERS

    def cells(self, item: ArchivedDocument) -> Sequence[str]:
        return document_cells(item)
