"""On top of Cobrança de hoje: paid debts still negativadas. The removal is due within 5 business
days of the payment (Súmula 548 STJ); a late one is red."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.dates import format_date
from app.services.negativacao import NegativacaoView
from ui.models.rows_model import Row, RowsTableModel
from ui.widgets.tables import make_table

WAITING_COLOUR = "#9a5b00"
LATE_COLOUR = "#b3261e"


class RemovalsPanel(QWidget):
    """Hidden while nothing is to be removed. ``removal_requested`` carries the patient and the
    contract of the chosen row (the gestor records the removal in the negativação dialog)."""

    removal_requested = Signal(int, object)  # patient id, contract id (or None)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("removalsBox")
        self.views: list[NegativacaoView] = []
        self.title = QLabel()
        self.title.setObjectName("removalsTitle")
        self.model = RowsTableModel(("Retirar negativação", "Birô", "Prazo"))
        self.table = make_table(self.model, "removalsTable", (220, 130))
        self.table.setMaximumHeight(120)
        self.record_button = QPushButton(self.tr("Registrar retirada…"))
        self.record_button.setObjectName("recordRemoval")
        self.record_button.setToolTip(self.tr("Só o gestor registra a retirada."))
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.record_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.table)
        self.record_button.clicked.connect(self.record_removal)
        self.hide()

    def show_removals(self, views: list[NegativacaoView], may_record: bool) -> None:
        self.views = list(views)
        self.model.set_rows([self._row(v) for v in self.views])
        late = sum(1 for v in self.views if v.countdown and v.countdown.overdue)
        title = self.tr("<b>Retirar negativação</b>: {n} dívida(s) já paga(s)").format(
            n=len(self.views)
        )
        if late:
            title += self.tr(
                " — <span style='color:{c}'><b>{late} com o prazo vencido</b></span>"
            ).format(c=LATE_COLOUR, late=late)
        self.title.setText(title)
        self.setVisible(bool(self.views))
        self.record_button.setEnabled(may_record)

    def _row(self, view: NegativacaoView) -> Row:
        clock = view.countdown
        is_late = clock is not None and clock.overdue
        return Row(
            [view.row.patient_name, view.bureau_label, clock.text if clock else ""],
            key=view.id,
            colour=LATE_COLOUR if is_late else WAITING_COLOUR,
            tooltip=self.tr(
                "Pago em {paid}; incluído em {inc} (protocolo {p}). A retirada é obrigatória em "
                "até 5 dias úteis após o pagamento (Súmula 548 do STJ)."
            ).format(
                paid=format_date(clock.paid_on) if clock else "",
                inc=format_date(view.row.included_on),
                p=view.row.protocol or "—",
            ),
        )

    def record_removal(self) -> None:
        """The selected row (the first when none is selected)."""
        index = self.table.currentIndex()
        row = index.row() if index.isValid() else 0
        if 0 <= row < len(self.views):
            view = self.views[row]
            self.removal_requested.emit(view.row.patient_id, view.row.contract_id)
