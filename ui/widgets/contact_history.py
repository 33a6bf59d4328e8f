"""A patient's contact history: every contact about money (all channels, outcomes, who) and
the promises with whether they were kept — the evidence of polite collection."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.errors import EmDiaError
from app.services.collection.contact_log import ContactLogService
from ui import ops
from ui.models.rows_model import Row, RowsTableModel
from ui.widgets.tables import make_table

PROMISE_COLOURS = {"quebrada": "#b3261e", "cumprida": "#1f6b5e"}


class ContactHistory(QWidget):
    def __init__(self, service: ContactLogService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ContactHistory")
        self.service = service
        self.model = RowsTableModel(
            ("Quando", "Canal", "Passo", "Resultado", "Promessa", "Quem", "Observação")
        )
        self.table = make_table(self.model, "contacts", (125, 80, 150, 120, 270, 200))
        self.empty = QLabel()
        self.empty.setObjectName("contactsEmpty")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)

    def load(self, patient_id: int) -> None:
        views = ops.call(self, lambda: self.service.history(patient_id), on_error=self._unavailable)
        if views is None:
            return
        self.model.set_rows(
            [
                Row(
                    [
                        f"{v.at:%d/%m/%Y %H:%M}",
                        v.channel,
                        v.step,
                        v.outcome,
                        v.promise,
                        v.who,
                        v.note,
                    ],
                    key=v.id,
                    colour=next(
                        (c for word, c in PROMISE_COLOURS.items() if f"({word})" in v.promise),
                        None,
                    ),
                )
                for v in views
            ]
        )
        self.empty.setText(
            self.tr("Nenhum contato de cobrança registrado.")
            if not views
            else self.tr("{n} contato(s) registrado(s).").format(n=len(views))
        )

    def _unavailable(self, exc: EmDiaError) -> None:
        """The history is kept from who may not see it (recepção sees it; nobody locked out)."""
        self.model.set_rows([])
        self.empty.setText(exc.message)
