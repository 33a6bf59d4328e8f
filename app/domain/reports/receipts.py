"""Recebimentos: the money that came in, by day, week or month and by payment method — how much
paid installments on time and how much recovered late ones, and the late charges (multa, juros,
correção) collected against those forgiven.

Counted from what each payment line extinguished (its allocations), on the line's own date:

- **Recebido**: the payment lines dated in the piece (an estorno counts, negative, on its own
  date — a closed month is never rewritten by a later estorno);
- **em dia / em atraso**: money put on installments paid by their (business-day) due date, or
  after it — an estorno follows the payment it cancels; **crédito** is money left over after
  every installment was paid. Recebido = em dia + em atraso + crédito;
- **encargos recebidos**: multa, juros and correção paid in money; **encargos perdoados**: the
  ones the clinic waived at the desk; **desconto de pontualidade**: the reward for paying by the
  due date (CDC art. 52 §2 allows it; it is not a charge).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from app.domain.dates import format_date, format_month
from app.domain.money import format_brl
from app.domain.reports.cash import CASH_METHODS, method_name
from app.domain.reports.period import (
    GRANULARITY_LABELS,
    REPORT_TITLES,
    Granularity,
    Period,
    ReportKind,
    buckets,
)
from app.domain.reports.view import Chart, ReportTable, ReportView, Series, money, text


@dataclass(frozen=True)
class PaymentDay:
    """The payment lines of one day and method, summed (estornos negative)."""

    day: date
    method: str
    amount_cents: int
    credit_cents: int = 0


@dataclass(frozen=True)
class SettledDay:
    """What the payment lines of one day and method extinguished, summed, on installments paid
    by their due date (``late=False``) or after it."""

    day: date
    method: str
    late: bool
    principal_cents: int
    charges_cents: int  # multa + juros + correção extinguished
    discount_cents: int  # of the above (or of the principal, on time) forgiven

    @property
    def money_cents(self) -> int:
        return self.principal_cents + self.charges_cents - self.discount_cents


@dataclass(frozen=True)
class ReceiptPeriod:
    start: date
    end: date
    total_cents: int = 0
    on_time_cents: int = 0
    late_cents: int = 0
    credit_cents: int = 0
    charges_cents: int = 0  # collected in money
    waived_cents: int = 0  # late charges forgiven
    punctuality_cents: int = 0  # punctuality discounts given
    by_method: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ReceiptsReport:
    period: Period
    granularity: Granularity
    periods: tuple[ReceiptPeriod, ...]

    @property
    def total(self) -> ReceiptPeriod:
        acc = _Acc()
        for p in self.periods:
            acc.add(p)
        return acc.period(self.period)


def build(
    period: Period,
    granularity: Granularity,
    payments: Iterable[PaymentDay],
    settled: Iterable[SettledDay],
) -> ReceiptsReport:
    pieces = buckets(period, granularity)
    starts = [p.start for p in pieces]
    acc = [_Acc() for _ in pieces]

    def slot(day: date) -> _Acc | None:
        if day not in period:
            return None
        index = bisect_right(starts, day) - 1
        return acc[index]

    for p in payments:
        a = slot(p.day)
        if a is not None:
            a.total += p.amount_cents
            a.credit += p.credit_cents
            a.by_method[p.method] = a.by_method.get(p.method, 0) + p.amount_cents
    for s in settled:
        a = slot(s.day)
        if a is None:
            continue
        if s.late:
            a.late += s.money_cents
            a.charges += s.charges_cents - s.discount_cents
            a.waived += s.discount_cents
        else:
            a.on_time += s.money_cents
            a.charges += s.charges_cents
            a.punctuality += s.discount_cents
    return ReceiptsReport(
        period,
        granularity,
        tuple(a.period(piece) for a, piece in zip(acc, pieces, strict=True)),
    )


class _Acc:
    def __init__(self) -> None:
        self.total = self.on_time = self.late = self.credit = 0
        self.charges = self.waived = self.punctuality = 0
        self.by_method = dict.fromkeys(CASH_METHODS, 0)

    def add(self, p: ReceiptPeriod) -> None:
        self.total += p.total_cents
        self.on_time += p.on_time_cents
        self.late += p.late_cents
        self.credit += p.credit_cents
        self.charges += p.charges_cents
        self.waived += p.waived_cents
        self.punctuality += p.punctuality_cents
        for method, cents in p.by_method.items():
            self.by_method[method] = self.by_method.get(method, 0) + cents

    def period(self, piece: Period) -> ReceiptPeriod:
        return ReceiptPeriod(
            piece.start,
            piece.end,
            self.total,
            self.on_time,
            self.late,
            self.credit,
            self.charges,
            self.waived,
            self.punctuality,
            dict(self.by_method),
        )


def piece_label(piece: ReceiptPeriod, granularity: Granularity) -> str:
    if granularity is Granularity.MONTH:
        return format_month(piece.start)
    if piece.start == piece.end:
        return format_date(piece.start)[:5]
    return f"{format_date(piece.start)[:5]}–{format_date(piece.end)[:5]}"


def view(report: ReceiptsReport) -> ReportView:
    total = report.total
    g = report.granularity
    unit = text(GRANULARITY_LABELS[g].capitalize())
    columns = (
        unit,
        money("Recebido"),
        money("Em dia"),
        money("Em atraso"),
        money("Crédito"),
        money("Encargos recebidos"),
        money("Encargos perdoados"),
        money("Desconto pontualidade"),
    )

    def cells(label: str, p: ReceiptPeriod) -> tuple[object, ...]:
        return (
            label,
            p.total_cents,
            p.on_time_cents,
            p.late_cents,
            p.credit_cents,
            p.charges_cents,
            p.waived_cents,
            p.punctuality_cents,
        )

    def by_method(label: str, p: ReceiptPeriod) -> tuple[object, ...]:
        return (label, *(p.by_method.get(m, 0) for m in CASH_METHODS), p.total_cents)

    main = ReportTable(
        f"Recebimentos por {GRANULARITY_LABELS[g]}",
        columns,
        tuple(cells(piece_label(p, g), p) for p in report.periods),
        total=cells("Total", total),
    )
    methods = ReportTable(
        "Por forma de pagamento",
        (unit, *(money(method_name(m)) for m in CASH_METHODS), money("Recebido")),
        tuple(by_method(piece_label(p, g), p) for p in report.periods),
        total=by_method("Total", total),
    )
    chart = Chart(
        "Recebido em dia e em atraso",
        tuple(piece_label(p, g) for p in report.periods),
        (
            Series("Em dia", tuple(p.on_time_cents for p in report.periods)),
            Series("Em atraso", tuple(p.late_cents for p in report.periods)),
        ),
    )
    return ReportView(
        kind=ReportKind.RECEBIMENTOS,
        title=REPORT_TITLES[ReportKind.RECEBIMENTOS],
        subtitle=report.period.label,
        summary=(
            ("Recebido", format_brl(total.total_cents)),
            ("Em dia", format_brl(total.on_time_cents)),
            ("Em atraso (recuperado)", format_brl(total.late_cents)),
            ("Encargos recebidos", format_brl(total.charges_cents)),
            ("Encargos perdoados", format_brl(total.waived_cents)),
        ),
        tables=(main, methods),
        chart=chart,
        notes=(
            "Recebido = em dia + em atraso + crédito. Cada estorno conta, negativo, na data "
            "dele. Em dia: parcelas pagas até o vencimento (dia útil); em atraso: depois dele. "
            "Encargos: multa, juros e correção; perdoados: dispensados no balcão.",
        ),
        as_of=report.period.end,
    )
