"""Relatórios: the owner's numbers and the desk's cash closing — choose a report and a period,
read the figures, the chart and the tables, print it on A4 (archived like every document) or
export it to a spreadsheet. The same ``ReportService`` as ``emdia report KIND``.

Each report is computed off the UI thread (the largest clinics take a second or two). The desk
(recepção) sees only today's fechamento de caixa: the service refuses the rest, and the screen
offers only what it would allow.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.bootstrap import Services
from app.domain.documents import ArchivedDocument
from app.domain.reports.cash import CashCount, CashReport
from app.domain.reports.period import (
    GRANULARITY_LABELS,
    REPORT_TITLES,
    Granularity,
    ReportForm,
    ReportKind,
    default_period,
)
from app.domain.reports.view import ReportView
from app.errors import EmDiaError
from app.progress import IsCancelled, Progress
from app.services.reports import ReportResult
from ui import ops
from ui.documents import DocumentDesk
from ui.models.report_model import ReportTableModel
from ui.views.reports.cash_count import CashCountPanel
from ui.views.reports.statements import StatementsPanel
from ui.widgets.buttons import push_button
from ui.widgets.report_chart import ReportChartView
from ui.widgets.tables import make_table

STATEMENTS = "extratos"  # the combo's entry for the batch of extratos (not a report view)
CHOICES: tuple[tuple[str, str], ...] = (
    *((k.value, REPORT_TITLES[k]) for k in ReportKind),
    (STATEMENTS, "Extratos em lote (contador)"),
)


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class ReportsSection(QWidget):
    loaded = Signal(object)  # the ReportResult on screen
    printed = Signal(object)  # the ArchivedDocument
    exported = Signal(int)  # rows written

    def __init__(
        self, services: Services, desk: DocumentDesk, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ReportsSection")
        self.services = services
        self.desk = desk
        self.result: ReportResult | None = None
        self.busy = False
        self.full_access = True
        self._opened = False
        title = QLabel(self.tr("Relatórios"))
        title.setObjectName("viewTitle")
        self.summary = QLabel()
        self.summary.setObjectName("reportSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._report_page())
        self.statements = StatementsPanel(services, desk)
        self.statements.generate.clicked.connect(
            lambda _checked=False: self.statements.run(*self.period())
        )
        self.pages.addWidget(self.statements)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(self._filters())
        layout.addWidget(self.status)
        layout.addWidget(self.summary)
        layout.addWidget(self.pages, 1)
        self._kind_changed()

    # --- building ---------------------------------------------------------------------------
    def _filters(self) -> QHBoxLayout:
        """Which report, which days, grouped how — and what to do with it."""
        self.kind = QComboBox()
        self.kind.setObjectName("reportKind")
        for value, text in CHOICES:
            self.kind.addItem(self.tr(text), value)
        self.kind.setMinimumContentsLength(24)
        self.start = self._date_edit("reportFrom")
        self.end = self._date_edit("reportTo")
        self.granularity = QComboBox()
        self.granularity.setObjectName("reportGranularity")
        for g in Granularity:
            self.granularity.addItem(self.tr(GRANULARITY_LABELS[g]), g.value)
        self.granularity_label = QLabel(self.tr("por"))
        self.run_button = push_button("runReport", self.tr("Gerar"), self.run)
        self.print_button = push_button("printReport", self.tr("Imprimir"), self.print_report)
        self.export_button = push_button(
            "exportReport", self.tr("Exportar…"), self.choose_export_file
        )
        row = QHBoxLayout()
        row.addWidget(self.kind)
        row.addWidget(QLabel(self.tr("de")))
        row.addWidget(self.start)
        row.addWidget(QLabel(self.tr("até")))
        row.addWidget(self.end)
        row.addWidget(self.granularity_label)
        row.addWidget(self.granularity)
        row.addWidget(self.run_button)
        row.addStretch(1)
        row.addWidget(self.print_button)
        row.addWidget(self.export_button)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        return row

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        return edit

    def _report_page(self) -> QWidget:
        """The chart above the tables (one tab each), the cash count under the caixa."""
        self.chart = ReportChartView()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reportTables")
        self.models: list[ReportTableModel] = []
        self.tables: list[QTableView] = []
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.chart)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([230, 330])
        self.cash_count = CashCountPanel(self.services)
        self.cash_count.counted.connect(lambda _count: self.run())
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split, 1)
        layout.addWidget(self.cash_count)
        return page

    # --- who may see what -------------------------------------------------------------------
    def apply_permissions(self, full_access: bool) -> None:
        """The desk: only today's fechamento de caixa (the service refuses anything else)."""
        changed = full_access != self.full_access
        self.full_access = full_access
        choices = CHOICES if full_access else CHOICES[:1]
        if self.kind.count() != len(choices):
            with _quiet(self.kind):
                self.kind.clear()
                for value, text in choices:
                    self.kind.addItem(self.tr(text), value)
        if changed or not full_access:  # the desk is always back on today's closing
            self._kind_changed()

    # --- choosing ---------------------------------------------------------------------------
    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def period(self) -> tuple[date, date]:
        return pydate(self.start.date()), pydate(self.end.date())

    def _kind_changed(self) -> None:
        value = self.current_kind()
        today = self.services.clock.today()
        kind = ReportKind.RECEBIMENTOS if value == STATEMENTS else ReportKind(value)
        start, end = default_period(kind, today)
        self.start.setDate(qdate(start))
        self.end.setDate(qdate(end))
        locked = not self.full_access
        self.start.setEnabled(not locked)
        self.end.setEnabled(not locked)
        is_statements = value == STATEMENTS
        self.pages.setCurrentIndex(1 if is_statements else 0)
        for widget in (self.run_button, self.print_button, self.export_button, self.summary):
            widget.setVisible(not is_statements)
        show_granularity = value == ReportKind.RECEBIMENTOS.value
        self.granularity_label.setVisible(show_granularity)
        self.granularity.setVisible(show_granularity)
        self.cash_count.setVisible(False)
        self._clear()
        if self._opened and not is_statements:
            self.run()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._opened:
            self._opened = True
            if self.current_kind() != STATEMENTS:
                self.run()

    def _clear(self) -> None:
        self.result = None
        self.summary.setText("")
        self.status.setText("")
        self.chart.show_chart(None)
        self.tabs.clear()
        self.models, self.tables = [], []
        self.print_button.setEnabled(False)
        self.export_button.setEnabled(False)

    # --- computing --------------------------------------------------------------------------
    def form(self) -> ReportForm:
        start, end = self.period()
        granularity = (
            str(self.granularity.currentData())
            if self.current_kind() == ReportKind.RECEBIMENTOS.value
            else ""
        )
        return ReportForm(self.current_kind(), start.isoformat(), end.isoformat(), granularity)

    def run(self) -> None:
        if self.busy or self.current_kind() == STATEMENTS:
            return
        self.busy = True
        self.run_button.setEnabled(False)
        self.status.setText(self.tr("Calculando…"))
        form = self.form()
        reports = self.services.reports

        def job(progress: Progress, _cancelled: IsCancelled) -> ReportResult:
            return reports.run(form, progress)

        ops.start(
            self,
            job,
            on_success=self._loaded,
            on_error=self._failed,
            progress=self.tr("Calculando o relatório…"),
        )

    def _failed(self, exc: EmDiaError) -> None:
        self.busy = False
        self.run_button.setEnabled(True)
        self._clear()
        self.status.setText(exc.message)

    def _loaded(self, result: ReportResult) -> None:
        self.busy = False
        self.run_button.setEnabled(True)
        self.status.setText("")
        self.show_result(result)
        self.loaded.emit(result)

    def show_result(self, result: ReportResult) -> None:
        self.result = result
        view = result.view
        self.summary.setText(summary_html(view))
        self.chart.show_chart(view.chart)
        self.tabs.clear()
        self.models, self.tables = [], []
        for index, table in enumerate(view.tables):
            model = ReportTableModel(table)
            widget = make_table(model, f"reportTable{index}", stretch_last=False)
            widget.resizeColumnsToContents()
            self.models.append(model)
            self.tables.append(widget)
            self.tabs.addTab(widget, table.title)
        self.print_button.setEnabled(True)
        self.export_button.setEnabled(True)
        self._show_cash_count(result)

    def _show_cash_count(self, result: ReportResult) -> None:
        report = result.report
        single_day = result.request.period.start == result.request.period.end
        visible = isinstance(report, CashReport) and single_day
        self.cash_count.setVisible(visible)
        if isinstance(report, CashReport) and single_day:
            day = report.period.start
            last: CashCount | None = report.counts[-1] if report.counts else None
            self.cash_count.show_day(day, report.expected_cash(day), last)

    # --- paper and spreadsheet --------------------------------------------------------------
    def print_report(self) -> None:
        """Generate the A4 PDF (archived like every document) and open it to print."""
        result = self.result
        if result is None:
            return
        reports, desk = self.services.reports, self.desk

        def job(_progress: Progress, _cancelled: IsCancelled) -> ArchivedDocument:
            return reports.print(result)

        def printed(document: ArchivedDocument) -> None:
            self.status.setText(
                self.tr("Relatório arquivado (documento {id}) e aberto para imprimir.").format(
                    id=document.id
                )
            )
            ops.call(self, lambda: desk.open(document.id), on_error=ops.show_in(self.status))
            self.printed.emit(document)

        ops.start(
            self,
            job,
            on_success=printed,
            on_error=ops.show_in(self.status),
            progress=self.tr("Gerando o PDF…"),
        )

    def choose_export_file(self) -> None:
        if self.result is None:
            return
        request = self.result.request
        name = f"{request.kind.value}-{request.period.start:%Y-%m-%d}-{request.period.end:%Y-%m-%d}"
        path, _kind = QFileDialog.getSaveFileName(
            self,
            self.tr("Exportar relatório"),
            str(Path.home() / f"{name}.xlsx"),
            self.tr("Planilha Excel (*.xlsx);;CSV separado por ponto e vírgula (*.csv)"),
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Every table of the report on screen (one sheet each; a .csv gets the main one)."""
        result = self.result
        if result is None:
            return
        reports = self.services.reports

        def job(_progress: Progress, _cancelled: IsCancelled) -> int:
            return reports.export(result, path)

        def done(rows: int) -> None:
            self.status.setText(
                self.tr("{n} linhas exportadas para {file}").format(n=rows, file=path.name)
            )
            self.exported.emit(rows)

        ops.start(
            self,
            job,
            on_success=done,
            on_error=ops.show_in(self.status),
            progress=self.tr("Exportando…"),
        )


@contextmanager
def _quiet(widget: QWidget) -> Iterator[None]:
    """Change a widget without its signals firing on the way."""
    blocked = widget.blockSignals(True)
    try:
        yield
    finally:
        widget.blockSignals(blocked)


def summary_html(view: ReportView) -> str:
    """The figures of a report in one line: ``Recebido: <b>R$ 1.234,56</b> · …``."""
    e = html.escape
    figures = " &nbsp;·&nbsp; ".join(
        f"{e(label)}: <b>{e(value).replace(' ', '&nbsp;')}</b>" for label, value in view.summary
    )
    return f"<span style='color:#5f6b68'>{e(view.subtitle)}</span> &nbsp; {figures}"
