"""Cobrança: the collection desk, one tab per way of working.

"Inadimplentes" (the overdue worklist) lives here; "Cobrança de hoje" (the régua's messages) is
added as another tab by its own module.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from app.bootstrap import Services
from ui.views.overdue_view import OverdueView


class CollectionSection(QTabWidget):
    open_patient = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CollectionSection")
        self.overdue = OverdueView(services)
        self.addTab(self.overdue, self.tr("Inadimplentes"))
        self.overdue.open_patient.connect(self.open_patient)
        self.currentChanged.connect(lambda _i: self.refresh())

    def refresh(self) -> None:
        """Recompute the visible tab (payments may have changed balances meanwhile)."""
        current = self.currentWidget()
        if current is self.overdue:
            self.overdue.refresh()
