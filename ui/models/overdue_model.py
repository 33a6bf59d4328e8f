"""Lazy table of the overdue worklist (Cobrança → Inadimplentes).

The worklist is computed once off the UI thread; filtering and sorting it produce a list of
references, and the view receives it a page at a time (``fetchMore``), like every other list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.domain.catalog import label
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.domain.risk import FLAG_LABELS, Segment
from app.domain.worklist import OverdueRow, SortKey, Worklist, WorklistQuery
from ui.models.paged_model import PagedTableModel

Index = QModelIndex | QPersistentModelIndex

# Calm for the forgetful, warm for the late, strong only for high risk.
SEGMENT_COLOURS = {
    Segment.ESQUECIDO: "#1f6b5e",
    Segment.ESPORADICO: "#4d6b1f",
    Segment.FREQUENTE: "#9a5b00",
    Segment.DIFICULDADE: "#8a4b00",
    Segment.ALTO_RISCO: "#b3261e",
}

COLUMNS: tuple[tuple[str, SortKey], ...] = (
    ("#", SortKey.PRIORITY),
    ("Paciente", SortKey.PATIENT),
    ("Responsável", SortKey.PAYER),
    ("Desde", SortKey.OLDEST_DUE),
    ("Dias", SortKey.DAYS_LATE),
    ("Principal", SortKey.OVERDUE),
    ("Atualizado", SortKey.UPDATED),
    ("Segmento", SortKey.SEGMENT),
    ("Risco", SortKey.SCORE),
    ("Último contato", SortKey.LAST_CONTACT),
    ("Sinais", SortKey.FLAGS),  # last: the chips take the room that is left
)
FLAGS_COLUMN = 10
# On a narrow screen these give way first (their facts are in the panel beside the list).
HIDE_FIRST = (9, 3, 5, 2, 7)

HEADER_TIPS = {
    2: "Responsável financeiro: quem é cobrado, quando não é o próprio paciente.",
    3: "Vencimento da parcela em atraso mais antiga.",
    0: "Posição na lista como está agora. Clique para ordenar pela prioridade: valor "
    "atualizado × peso do atraso (1–30 dias ×1, 31–60 ×2, 61–90 ×3, 90+ ×4).",
    5: "Principal das parcelas vencidas ainda em aberto.",
    6: "O que quita as parcelas vencidas hoje: principal + multa + juros + correção.",
    8: "Risco de 0 a 100: soma dos pesos listados no painel ao lado.",
}

FlagsRole = int(Qt.ItemDataRole.UserRole) + 1


# A row with only prescribed money is shown, greyed: it is no longer collected.
PRESCRITA_COLOUR = "#8a8a8a"


class OverdueTableModel(PagedTableModel[OverdueRow]):
    HEADERS = tuple(name for name, _ in COLUMNS)
    RIGHT_ALIGNED = (0, 4, 5, 6, 8)

    def __init__(self) -> None:
        super().__init__(self._page, self._count)
        self.worklist = Worklist(as_of=date.min)
        self.filters = WorklistQuery()
        self.selected: list[OverdueRow] = []

    # --- what is shown ------------------------------------------------------------------
    def show(self, worklist: Worklist, filters: WorklistQuery) -> None:
        self.worklist = worklist
        self.apply(filters)

    def apply(self, filters: WorklistQuery) -> None:
        self.filters = filters
        self.selected = self.worklist.select(filters)
        self.set_query(filters.text)

    def _page(self, _text: str, offset: int, limit: int) -> list[OverdueRow]:
        return self.selected[offset : offset + limit]

    def _count(self, _text: str) -> int:
        return len(self.selected)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header clicks: column 0 ascending is the priority order (rank 1 first)."""
        key = COLUMNS[column][1]
        ascending = order == Qt.SortOrder.AscendingOrder
        # Priority points sort biggest first when the rank column reads 1, 2, 3…
        descending = ascending if key is SortKey.PRIORITY else not ascending
        self.apply(replace(self.filters, sort=key, descending=descending))

    # --- cells --------------------------------------------------------------------------
    def cells(self, r: OverdueRow) -> Sequence[str]:
        return (
            str(r.rank),
            r.patient_name,
            "" if r.payer_is_patient else r.payer_name,
            format_date(r.oldest_due_date),
            str(r.days_late),
            format_brl(r.overdue_cents),
            # Only prescribed money (CC art. 206 §5 I): nothing to collect, say so.
            self.tr("prescrita") if r.prescrita else format_brl(r.updated_cents),
            r.assessment.segment_label,
            str(r.score),
            _contact(r),
            ", ".join(FLAG_LABELS[f] for f in r.flags),
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if column == 0 and role == Qt.ItemDataRole.DisplayRole:
            return str(index.row() + 1)  # the place in the list shown, whatever its order
        if role == Qt.ItemDataRole.ForegroundRole and row.prescrita:
            return QBrush(QColor(PRESCRITA_COLOUR))
        if role == Qt.ItemDataRole.ForegroundRole and column in (7, 8):
            return QBrush(QColor(SEGMENT_COLOURS[row.segment]))
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return f"Prioridade {row.rank} de {len(self.worklist.rows)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(f"+{r.points}  {r.text}" for r in row.assessment.reasons)
        if role == Qt.ItemDataRole.UserRole:
            return row.patient_id
        if role == FlagsRole:
            return [FLAG_LABELS[f] for f in row.flags]
        return super().data(index, role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(section)
        return super().headerData(section, orientation, role)


def _contact(r: OverdueRow) -> str:
    if r.last_contact_at is None:
        return ""
    text = format_date(r.last_contact_at.date())
    return f"{text} · {label(r.last_contact_outcome)}" if r.last_contact_outcome else text
