"""Lazy table of patients (search by name, CPF or phone)."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.dates import format_date
from app.domain.identity import format_cpf, format_phone
from app.domain.patients import PatientListItem
from app.services.patients import PatientService
from ui.models.paged_model import PAGE, PagedTableModel

__all__ = ["PAGE", "PatientTableModel"]


class PatientTableModel(PagedTableModel[PatientListItem]):
    HEADERS = (
        "Nome",
        "CPF",
        "Telefone",
        "WhatsApp",
        "E-mail",
        "Cidade",
        "Responsável financeiro",
        "Dados confirmados em",
    )

    def __init__(self, service: PatientService) -> None:
        super().__init__(service.search, service.count)

    def cells(self, item: PatientListItem) -> Sequence[str]:
        return (
            item.name,
            format_cpf(item.cpf),
            format_phone(item.phone),
            "sim" if item.phone and item.phone_whatsapp else "",
            item.email,
            item.city,
            item.responsible_name,
            format_date(item.data_confirmed_on),
        )

    def patient_id(self, row: int) -> int:
        return self.rows[row].id
