"""Cobrança: the collection desk, one tab per way of working — "Cobrança de hoje" (the régua's
drafted messages for this morning) first, then "Inadimplentes" (the overdue worklist), then
"Conciliação bancária" (the bank statement's credits registered as payments)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from app.bootstrap import Services
from ui.views.bank_view import BankView
from ui.views.overdue_view import OverdueView
from ui.views.today.view import TodayView


class CollectionSection(QTabWidget):
    open_patient = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CollectionSection")
        self.today = TodayView(services)
        self.addTab(self.today, self.tr("Cobrança de hoje"))
        self.overdue = OverdueView(services)
        self.addTab(self.overdue, self.tr("Inadimplentes"))
        self.overdue.open_patient.connect(self.open_patient)
        self.bank = BankView(services)
        self.addTab(self.bank, self.tr("Conciliação bancária"))
        self.bank.open_patient.connect(self.open_patient)
        self.currentChanged.connect(lambda _i: self.refresh())

    def refresh(self) -> None:
        """Recompute the visible tab (payments may have arrived or changed balances)."""
        current = self.currentWidget()
        if current is self.today:
            self.today.load()
        elif current is self.overdue:
            self.overdue.refresh()
        elif current is self.bank:
            self.bank.refresh()
