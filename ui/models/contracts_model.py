"""Lazy table of contracts for the Contratos section."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from app.domain.catalog import ContractStatus, label
from app.domain.contracts import ContractSummary
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.services.contracts import ContractService
from ui.models.paged_model import Index, QueryTableModel

LATE = "#b3261e"
NEXT_DUE_COLUMN = 9


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


@dataclass(frozen=True)
class ContractQuery:
    """Contratos' filters: the search text, one status (``None``: all), only overdue ones."""

    text: str = ""
    status: ContractStatus | None = None
    overdue: bool = False


class ContractTableModel(QueryTableModel[ContractSummary, ContractQuery]):
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

    def __init__(self, service: ContractService, today: Callable[[], date]) -> None:
        super().__init__(
            lambda q, offset, limit: service.search(
                q.text, offset, limit, status=q.status, overdue=q.overdue
            ),
            lambda q: service.count(q.text, status=q.status, overdue=q.overdue),
            ContractQuery(),
        )
        self.today = today

    def cells(self, c: ContractSummary) -> Sequence[str]:
        return (str(c.id), c.patient_name, c.responsible_name, *terms_cells(c))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A next due date already past is red: that installment is overdue."""
        if index.isValid() and index.column() == NEXT_DUE_COLUMN and self._late(index.row()):
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(LATE))
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Vencido: esta parcela está em atraso."
        return super().data(index, role)

    def _late(self, row: int) -> bool:
        due = self.rows[row].next_due
        return due is not None and due < self.today()

    def summary(self, row: int) -> ContractSummary:
        return self.rows[row]
