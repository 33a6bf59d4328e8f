"""Lazy table of contracts for the Contratos section."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.catalog import label
from app.domain.contracts import ContractSummary
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.services.contracts import ContractService
from ui.models.paged_model import PagedTableModel


def terms_cells(c: ContractSummary) -> tuple[str, ...]:
    """A contract's terms and where it stands: início, total, parcelas, forma, situação, saldo
    and próximo vencimento (the columns every list of contracts shows)."""
    return (
        format_date(c.created_on),
        format_brl(c.total_cents),
        f"{c.installments}x",
        label(c.method),
        label(c.status).lower(),
        format_brl(c.open_principal_cents),
        format_date(c.next_due),
    )


class ContractTableModel(PagedTableModel[ContractSummary]):
    HEADERS = (
        "Contrato",
        "Paciente",
        "Responsável",
        "Início",
        "Total",
        "Parcelas",
        "Forma",
        "Situação",
        "Saldo (principal)",
        "Próximo vencimento",
    )
    RIGHT_ALIGNED = (4, 8)

    def __init__(self, service: ContractService) -> None:
        super().__init__(service.search, service.count)

    def cells(self, c: ContractSummary) -> Sequence[str]:
        return (str(c.id), c.patient_name, c.responsible_name, *terms_cells(c))

    def summary(self, row: int) -> ContractSummary:
        return self.rows[row]
