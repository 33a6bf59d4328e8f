"""Relatórios (the window's section and ``emdia report caixa|recebimentos|inadimplencia|
efetividade|carteira|previsao``): each report computed from the same data as every other
screen, printed on A4 (archived like every document) and exported to a spreadsheet.

Who may see what, enforced here: the gestor (and the admin) every report; the desk
(recepção) the fechamento de caixa of the day it is working, and nothing else — the money of
other days and the portfolio are the owner's. The conference of the cash drawer is recorded
and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from app.domain.catalog import DocumentKind
from app.domain.dates import format_date, month_start
from app.domain.documents import ArchivedDocument
from app.domain.promises import promise_status
from app.domain.regua import DEFAULT_STEPS
from app.domain.reports import (
    cash,
    default_history,
    effectiveness,
    forecast,
    portfolio,
    receipts,
)
from app.domain.reports.period import (
    Granularity,
    Period,
    ReportForm,
    ReportKind,
    ReportRequest,
    month_ends,
    reference,
    validate_report,
)
from app.domain.reports.view import ReportView
from app.errors import PermissionDenied
from app.persistence import models
from app.progress import Progress
from app.services.base import Actor, Context, Permission
from app.services.documents.filing import FilingService, render
from app.services.documents.gathering import letterhead
from app.services.overdue import OverdueService, build_worklist
from app.tabular import check_suffix, write_sheets

Report = (
    cash.CashReport
    | receipts.ReceiptsReport
    | default_history.DefaultHistoryReport
    | effectiveness.EffectivenessReport
    | portfolio.PortfolioReport
    | forecast.ForecastReport
)


@dataclass(frozen=True)
class ReportResult:
    request: ReportRequest
    report: Report
    view: ReportView


def view_of(report: Report) -> ReportView:
    if isinstance(report, cash.CashReport):
        return cash.view(report)
    if isinstance(report, receipts.ReceiptsReport):
        return receipts.view(report)
    if isinstance(report, default_history.DefaultHistoryReport):
        return default_history.view(report)
    if isinstance(report, effectiveness.EffectivenessReport):
        return effectiveness.view(report)
    if isinstance(report, portfolio.PortfolioReport):
        return portfolio.view(report)
    return forecast.view(report)


class ReportService(FilingService):
    def __init__(self, ctx: Context, overdue: OverdueService) -> None:
        super().__init__(ctx)
        self.overdue = overdue

    # --- who may see what -------------------------------------------------------------------
    def request(self, form: ReportForm) -> ReportRequest:
        """The form checked (pt-BR refusals naming ``from``/``to``/``kind``/``granularity``)
        and allowed for the acting user."""
        today = self.clock.today()
        request = validate_report(form, today)
        self._allow(request.kind, request.period, today)
        return request

    def _allow(self, kind: ReportKind, period: Period, today: date) -> Actor:
        if kind is not ReportKind.CAIXA:
            return self.require(Permission.REPORTS)
        actor = self.require(Permission.PAYMENTS)
        if actor.can(Permission.REPORTS) or period == Period(today, today):
            return actor
        raise PermissionDenied(
            f"O usuário {actor.username} pode ver só o fechamento de caixa de hoje "
            f"({format_date(today)}); outros dias e períodos são do gestor."
        )

    # --- the reports ------------------------------------------------------------------------
    def run(self, form: ReportForm, progress: Progress | None = None) -> ReportResult:
        request = self.request(form)
        report = self._compute(request, progress)
        return ReportResult(request, report, view_of(report))

    def _compute(self, request: ReportRequest, progress: Progress | None) -> Report:
        period = request.period
        if request.kind is ReportKind.CAIXA:
            return self.cash_closing(period)
        if request.kind is ReportKind.RECEBIMENTOS:
            return self.receipts_by_period(period, request.granularity)
        if request.kind is ReportKind.INADIMPLENCIA:
            return self.default_history(period, progress)
        if request.kind is ReportKind.EFETIVIDADE:
            return self.collection_effectiveness(period)
        if request.kind is ReportKind.CARTEIRA:
            return self.portfolio_on(min(period.end, self.clock.today()), progress)
        return self.forecast_vs_actual(period)

    def cash_closing(self, period: Period) -> cash.CashReport:
        self._allow(ReportKind.CAIXA, period, self.clock.today())
        with self.uow() as uow:
            lines = uow.reports.cash_lines(period.start, period.end)
            counts = uow.cash_counts.between(period.start, period.end)
            reconciled = uow.reports.reconciled_lines(period.start, period.end)
        return cash.build(period, lines, counts, reconciled)

    def receipts_by_period(
        self, period: Period, granularity: Granularity
    ) -> receipts.ReceiptsReport:
        self.require(Permission.REPORTS)
        with self.uow() as uow:
            days = uow.reports.payment_days(period.start, period.end)
            settled = uow.reports.settled_days(period.start, period.end)
        return receipts.build(period, granularity, days, settled)

    def default_history(
        self, period: Period, progress: Progress | None = None
    ) -> default_history.DefaultHistoryReport:
        """Month by month, each as of its last day (the last one as of today at most)."""
        self.require(Permission.REPORTS)
        today = self.clock.today()
        days = month_ends(period, today)
        if not days:
            return default_history.DefaultHistoryReport(period, ())
        _step(progress, 0, 3)
        with self.uow() as uow:
            flows = uow.reports.principal_flows(days)
            _step(progress, 1, 3)
            histories = uow.reports.installment_histories(month_start(days[0]), days)
        _step(progress, 2, 3)
        months = default_history.history(days, flows, histories, today)
        _step(progress, 3, 3)
        return default_history.DefaultHistoryReport(period, months)

    def collection_effectiveness(self, period: Period) -> effectiveness.EffectivenessReport:
        """Contacts of the period; their outcome (promises, money, acordos) as it stands today."""
        self.require(Permission.REPORTS)
        today = self.clock.today()
        with self.uow() as uow:
            contacts = uow.reports.contacts(period.start, period.end)
            promises = [
                (contact_id, promise_status(record, today))
                for contact_id, record in uow.reports.contact_promises(
                    [c.contact_id for c in contacts], today
                )
            ]
            last_day = min(today, period.end + timedelta(days=effectiveness.ATTRIBUTION_DAYS))
            payments = uow.reports.person_payments(
                {c.person_id for c in contacts}, period.start, last_day
            )
            accepted = uow.reports.agreements_accepted(period.start, period.end)
            plans = uow.agreements.plan_installments(a for a, _day, _status in accepted)
            broken = effectiveness.agreement_broken
            agreements = [
                effectiveness.AgreementFact(day, broken(status, plans.get(aid, []), today))
                for aid, day, status in accepted
            ]
            negativacoes = uow.reports.negativacoes(period.start, period.end, today)
            steps = _step_order(uow.collection.steps())
        return effectiveness.build(
            period, contacts, promises, payments, agreements, negativacoes, steps
        )

    def portfolio_on(
        self, as_of: date, progress: Progress | None = None
    ) -> portfolio.PortfolioReport:
        """The portfolio on ``as_of`` from the worklist of that day."""
        self.require(Permission.REPORTS)
        with self.uow() as uow:
            money = self.overdue.money(uow, as_of)
            worklist = build_worklist(uow, as_of, progress=progress, money=money)
            not_due = sum(uow.receivables.not_due_by_date(as_of).values())
            suspended = uow.reports.suspended()
        return portfolio.build(as_of, worklist.rows, not_due, suspended)

    def forecast_vs_actual(self, period: Period) -> forecast.ForecastReport:
        self.require(Permission.REPORTS)
        today = self.clock.today()
        with self.uow() as uow:
            due = uow.reports.due_by_day(period.start, period.end)
            received: dict[date, int] = {}
            for line in uow.reports.payment_days(period.start, min(period.end, today)):
                received[line.day] = received.get(line.day, 0) + line.amount_cents
            upcoming = uow.receivables.not_due_by_date(today)
        return forecast.build(period, today, due, received, upcoming)

    # --- the cash drawer --------------------------------------------------------------------
    def count_cash(self, form: cash.CashCountForm) -> cash.CashCount:
        """Record what was counted in the drawer against what the day's payments say should be
        there; the difference must be explained, and the count is audited."""
        today = self.clock.today()
        data = cash.validate_count(form, today)
        actor = self._allow(ReportKind.CAIXA, Period(data.day, data.day), today)
        with self.uow() as uow:
            expected = cash.expected_cash(uow.reports.cash_lines(data.day, data.day), data.day)
            cash.check_difference(data, expected)
            now = self.clock.now()
            row = uow.cash_counts.add(
                models.CashCount(
                    day=data.day,
                    expected_cents=expected,
                    counted_cents=data.counted_cents,
                    note=data.note,
                    user_id=actor.user_id,
                    created_at=now,
                )
            )
            self.audit(
                uow,
                "cash.count",
                "cash_count",
                row.id,
                None,
                {
                    "day": data.day.isoformat(),
                    "expected_cents": expected,
                    "counted_cents": data.counted_cents,
                    "difference_cents": data.counted_cents - expected,
                    "note": data.note,
                },
            )
            uow.commit()
        return cash.CashCount(
            data.day, expected, data.counted_cents, actor.username, now, data.note
        )

    # --- paper and spreadsheet --------------------------------------------------------------
    def export(self, result: ReportResult, path: Path) -> int:
        """The report's tables to a spreadsheet: each table a sheet of an .xlsx (the rows on
        screen, in their order, with the totals row); a .csv gets the main table. Returns the
        number of rows written."""
        check_suffix(path)
        self._allow(result.request.kind, result.request.period, self.clock.today())
        sheets = [
            (t.title, t.columns, [*t.rows, *([t.total] if t.total is not None else [])])
            for t in result.view.tables
        ]
        return write_sheets(path, sheets)

    def print(self, result: ReportResult) -> ArchivedDocument:
        """The report on A4 under the clinic's letterhead, archived (``relatorio``) like every
        document the clinic produces."""
        request = result.request
        today = self.clock.today()
        self._allow(request.kind, request.period, today)
        self.require(Permission.DOCUMENTS)
        kind = DocumentKind.RELATORIO
        with self.uow() as uow:
            header = letterhead(uow, kind, 0, today, ref=reference(request))
            from app.documents import report as report_pdf  # ReportLab: on first print

            pdf = render(report_pdf.render, header, result.view)
            return self.file(uow, kind, pdf, header, patient_name="", patient_id=None)


def _step(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _step_order(rows: list[models.ReguaStep]) -> list[tuple[str, str]]:
    """The régua's steps (key, name) in their order; the default ones the clinic never saved."""
    found = [(r.key, r.name) for r in sorted(rows, key=lambda r: (r.position, r.id))]
    known = {key for key, _ in found}
    return found + [(s.key, s.name) for s in DEFAULT_STEPS if s.key not in known]
