"""Previsão × realizado: for each month of the period, the installments that fell due (the cash
the clinic expected) against the money that came in; then the next 3 months, what is still open
and falls due in them.

- **Previsto** (a month gone by): the principal of the installments whose effective due date is
  in the month, as contracted — a parcela replaced by an acordo before its due date was no
  longer expected; one renegotiated after it was (and was missed). Cancelled contracts are out.
- **Realizado**: every payment line dated in the month (an estorno negative, on its date) —
  the *recebido* of Recebimentos. Money received in a month pays installments of any month, so
  realizado can be above previsto (late ones recovered, early payments).
- **Próximos meses**: the principal still open of the installments falling due in each (the
  figures Início's "próximos 90 dias" adds up), not yet realised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app.domain.dashboard import rate_bp
from app.domain.dates import add_months, format_month, month_end, month_start
from app.domain.money import format_brl
from app.domain.reports.period import FORECAST_MONTHS, REPORT_TITLES, Period, ReportKind, months_of
from app.domain.reports.view import Chart, ReportTable, ReportView, Series, money, percent, text


@dataclass(frozen=True)
class ForecastMonth:
    month: date  # first day
    start: date
    end: date
    expected_cents: int
    received_cents: int | None  # None: a month still to come
    current: bool = False  # the month in progress: its previsto is the whole month's

    @property
    def realized_bp(self) -> int | None:
        if self.received_cents is None:
            return None
        return rate_bp(self.received_cents, self.expected_cents)

    @property
    def is_future(self) -> bool:
        return self.received_cents is None


@dataclass(frozen=True)
class ForecastReport:
    period: Period
    months: tuple[ForecastMonth, ...]  # the period's months up to today's, then the next ones

    @property
    def past(self) -> tuple[ForecastMonth, ...]:
        return tuple(m for m in self.months if not m.is_future)

    @property
    def upcoming(self) -> tuple[ForecastMonth, ...]:
        return tuple(m for m in self.months if m.is_future)


def _sum(by_day: Mapping[date, int], start: date, end: date) -> int:
    return sum(cents for day, cents in by_day.items() if start <= day <= end)


def build(
    period: Period,
    today: date,
    due_by_day: Mapping[date, int],
    received_by_day: Mapping[date, int],
    open_by_day: Mapping[date, int],
) -> ForecastReport:
    """``due_by_day``: principal falling due per effective due date (as contracted);
    ``received_by_day``: payment lines per day; ``open_by_day``: principal still open today per
    effective due date, from today on."""
    current = month_start(today)
    months = [
        ForecastMonth(
            month_start(piece.start),
            piece.start,
            piece.end,
            _sum(due_by_day, piece.start, piece.end),
            _sum(received_by_day, piece.start, min(piece.end, today)),
            current=month_start(piece.start) == current,
        )
        for piece in months_of(period)
        if piece.start <= today
    ]
    for ahead in range(1, FORECAST_MONTHS + 1):
        first = add_months(current, ahead)
        last = month_end(first)
        months.append(ForecastMonth(first, first, last, _sum(open_by_day, first, last), None))
    return ForecastReport(period, tuple(months))


def _note(m: ForecastMonth) -> str:
    if m.is_future:
        return " (previsão)"
    return " (em curso)" if m.current else ""


def view(report: ForecastReport) -> ReportView:
    past = report.past
    expected = sum(m.expected_cents for m in past)
    received = sum(m.received_cents or 0 for m in past)
    main = ReportTable(
        "Mês a mês",
        (
            text("Mês"),
            money("Previsto"),
            money("Realizado"),
            money("Diferença"),
            percent("Realizado / previsto"),
        ),
        tuple(
            (
                format_month(m.month) + _note(m),
                m.expected_cents,
                m.received_cents,
                None if m.received_cents is None else m.received_cents - m.expected_cents,
                m.realized_bp,
            )
            for m in report.months
        ),
        total=(
            "Meses do período",
            expected,
            received,
            received - expected,
            rate_bp(received, expected),
        ),
    )
    labels = tuple(format_month(m.month) for m in report.months)
    return ReportView(
        kind=ReportKind.PREVISAO,
        title=REPORT_TITLES[ReportKind.PREVISAO],
        subtitle=report.period.label,
        summary=(
            ("Previsto no período", format_brl(expected)),
            ("Realizado no período", format_brl(received)),
            (
                f"Previsto nos próximos {FORECAST_MONTHS} meses",
                format_brl(sum(m.expected_cents for m in report.upcoming)),
            ),
        ),
        tables=(main,),
        chart=Chart(
            "Previsto e realizado por mês",
            labels,
            (
                Series("Previsto", tuple(m.expected_cents for m in report.months)),
                Series("Realizado", tuple(m.received_cents or 0 for m in report.months)),
            ),
        ),
        notes=(
            "Previsto: principal das parcelas que venciam no mês (vencimento em dia útil). "
            "Realizado: todo o dinheiro recebido no mês, de parcelas de qualquer mês, menos os "
            "estornos do mês. Próximos meses: o principal ainda em aberto que vence em cada um.",
        ),
        as_of=report.period.end,
    )
