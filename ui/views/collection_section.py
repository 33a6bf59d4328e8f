"""Cobrança: tabs of the collection work — "Cobrança de hoje" first (the worklist of
inadimplentes, issue 5, is the next tab)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from app.bootstrap import Services
from ui.errors import ErrorReporter
from ui.tasks import TaskRunner
from ui.views.today_view import TodayView


class CollectionSection(QTabWidget):
    def __init__(
        self,
        services: Services,
        reporter: ErrorReporter | None = None,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("CollectionSection")
        self.today = TodayView(services, reporter, runner)
        self.addTab(self.today, self.tr("Cobrança de hoje"))

    def refresh(self) -> None:
        """The section was opened: today's list is recomputed (payments may have arrived)."""
        if self.currentWidget() is self.today:
            self.today.load()
