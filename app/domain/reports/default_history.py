"""Inadimplência ao longo do tempo: the portfolio as it stood at the end of each month — what was
to be received, what of it was overdue (and how late), what fell overdue during the month and
what late money came in — computed from the ledgers *as of that day*, not today's state painted
backwards.

On a day ``D`` (the same definitions as Início, so the month in progress ties out with it):

- an installment **counts** from the day its contract was registered (an acordo's, from the day
  it was accepted) until ``D``, unless it had been renegotiated into an acordo accepted by ``D``
  or its contract is cancelled;
- its **open principal** is its amount minus the principal the payment lines dated up to ``D``
  extinguished — an estorno gives it back on the estorno's own date, so a payment reversed in
  March still counted in February's figures;
- **a receber** = open principal of every counted installment; **vencido** = that of the ones
  whose effective (business-day) due date is before ``D``; **taxa de inadimplência** = vencido ÷
  a receber (principal over principal: charges never inflate the rate);
- **faixas de atraso**: each patient's overdue principal in the band of their oldest overdue
  installment (the rule of Início and Cobrança);
- **novo atraso**: principal still open at the end of its due date, for installments whose first
  late day falls in the month; **recuperado**: money the payment lines of the month put on
  installments paid after their due date (negative for an estorno of such a payment), exactly the
  *em atraso* column of Recebimentos.

The service reads two kinds of facts. ``PrincipalFlow``s give the not-yet-due side in aggregate
(they add up linearly, so the database sums them per group); ``InstallmentHistory``s give, one
by one, the installments that may have been overdue on one of the days (the bands need each
patient's oldest one).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import NamedTuple

from app.domain.aging import BUCKET_LABELS, BUCKETS, Bucket, bucket_for
from app.domain.dashboard import rate_bp
from app.domain.dates import format_month, month_start
from app.domain.money import format_brl, format_percent
from app.domain.reports.period import REPORT_TITLES, Period, ReportKind
from app.domain.reports.view import (
    Chart,
    ChartKind,
    ReportTable,
    ReportView,
    Series,
    count,
    money,
    percent,
    text,
)


@dataclass(frozen=True)
class PrincipalFlow:
    """Principal owed and not yet due: an installment's amount, or (negative) principal a payment
    line extinguished ahead of the due date (an estorno's line, positive, gives it back). It
    counts on day ``D`` when ``counts_from ≤ D ≤ due`` and the installment was not replaced by an
    acordo by ``D``."""

    cents: int
    counts_from: date
    due: date  # the installment's effective due date
    replaced_on: date | None = None  # the day the acordo that replaced it was accepted

    def counts_on(self, day: date) -> bool:
        return self.counts_from <= day <= self.due and (
            self.replaced_on is None or day < self.replaced_on
        )


class PaidLine(NamedTuple):
    """What one payment line did to an installment (negative on an estorno). A named tuple,
    like ``InstallmentHistory``: a large clinic's history builds a hundred thousand of them."""

    day: date  # the line's own date
    principal_cents: int
    money_cents: int = 0  # principal + charges − discount: the money it brought in
    payment_day: date | None = None  # an estorno: the day of the payment it cancels

    def late(self, due: date) -> bool:
        return (self.payment_day or self.day) > due


class InstallmentHistory(NamedTuple):
    """An installment that may have been overdue on one of the days, with every payment line."""

    patient_id: int
    due: date  # effective due date
    amount_cents: int
    counts_from: date
    replaced_on: date | None = None
    paid: tuple[PaidLine, ...] = ()
    cancelled: bool = False  # a cancelled contract owes nothing, but its money did come in

    def open_on(self, day: date) -> int:
        """Principal still open at the end of ``day``."""
        paid = sum(line.principal_cents for line in self.paid if line.day <= day)
        return max(0, self.amount_cents - paid)


@dataclass(frozen=True)
class MonthStanding:
    month: date  # its first day
    as_of: date  # its last day (or the period's end, or today)
    not_due_cents: int
    overdue_cents: int
    aging: dict[Bucket, int] = field(default_factory=dict)  # overdue principal per band
    overdue_patients: int = 0
    new_overdue_cents: int = 0
    recovered_cents: int = 0

    @property
    def receivable_cents(self) -> int:
        return self.not_due_cents + self.overdue_cents

    @property
    def default_rate_bp(self) -> int:
        return rate_bp(self.overdue_cents, self.receivable_cents)


def registered(counts_from: date, today: date) -> date:
    """A record the database holds counts from ``today`` at the latest — with the clock set to
    a past day (``--today``), what was stored since is treated as there that day."""
    return min(counts_from, today)


def history(
    days: Sequence[date],
    flows: Iterable[PrincipalFlow],
    installments: Iterable[InstallmentHistory],
    today: date,
) -> tuple[MonthStanding, ...]:
    """The standing at each of ``days`` (ascending, one per month: each month's last day, the
    last one possibly earlier — ``period.month_ends``; none after ``today``)."""
    n = len(days)
    not_due = [0] * n
    for flow in flows:
        flow = replace(flow, counts_from=registered(flow.counts_from, today))
        for k, day in enumerate(days):
            if flow.counts_on(day):
                not_due[k] += flow.cents
    starts = [month_start(d) for d in days]
    oldest: list[dict[int, date]] = [{} for _ in days]  # patient → oldest overdue due date
    owed: list[dict[int, int]] = [{} for _ in days]  # patient → overdue principal
    new_overdue = [0] * n
    recovered = [0] * n
    for h in installments:
        _recovered(h, starts, days, recovered)
        if h.cancelled:
            continue
        start = registered(h.counts_from, today)
        _new_overdue(h, start, starts, days, new_overdue)
        _overdue(h, start, days, owed, oldest)
    return tuple(
        _standing(starts[k], days[k], not_due[k], owed[k], oldest[k], new_overdue[k], recovered[k])
        for k in range(n)
    )


def _overdue(
    h: InstallmentHistory,
    start: date,
    days: Sequence[date],
    owed: list[dict[int, int]],
    oldest: list[dict[int, date]],
) -> None:
    """Add the installment's open principal to its patient on each day it was overdue.

    Runs for every (installment, month) pair of the history — tens of thousands at a large
    clinic — so it walks the payment lines once with a running total instead of re-summing."""
    lines = sorted(h.paid, key=lambda line: line.day) if len(h.paid) > 1 else h.paid
    count = len(lines)
    paid = j = 0
    due, patient, amount, replaced = h.due, h.patient_id, h.amount_cents, h.replaced_on
    for k in range(bisect_right(days, due), len(days)):  # the days after the due date
        day = days[k]
        if replaced is not None and day >= replaced:
            return
        while j < count and lines[j].day <= day:
            paid += lines[j].principal_cents
            j += 1
        open_ = amount - paid
        if open_ <= 0 and j == count:
            return  # paid, and no later line (an estorno) can open it again
        if day < start or open_ <= 0:
            continue
        patients = owed[k]
        patients[patient] = patients.get(patient, 0) + open_
        first = oldest[k].get(patient)
        if first is None or due < first:
            oldest[k][patient] = due


def _recovered(
    h: InstallmentHistory, starts: Sequence[date], days: Sequence[date], out: list[int]
) -> None:
    for line in h.paid:
        if not line.late(h.due):
            continue
        k = bisect_right(starts, line.day) - 1
        if k >= 0 and line.day <= days[k]:
            out[k] += line.money_cents


def _new_overdue(
    h: InstallmentHistory,
    start: date,
    starts: Sequence[date],
    days: Sequence[date],
    out: list[int],
) -> None:
    """The principal still open at the end of the due date, in the month of the first late day
    (when the installment counted that day)."""
    first_late = h.due + timedelta(days=1)
    k = bisect_right(starts, first_late) - 1
    if k < 0 or first_late > days[k] or first_late < start:
        return
    if h.replaced_on is not None and first_late >= h.replaced_on:
        return
    out[k] += h.open_on(h.due)


def _standing(
    month: date,
    as_of: date,
    not_due: int,
    owed: dict[int, int],
    oldest: dict[int, date],
    new_overdue: int,
    recovered: int,
) -> MonthStanding:
    aging = dict.fromkeys(BUCKETS, 0)
    for patient, cents in owed.items():
        aging[bucket_for((as_of - oldest[patient]).days)] += cents
    return MonthStanding(
        month=month,
        as_of=as_of,
        not_due_cents=not_due,
        overdue_cents=sum(owed.values()),
        aging=aging,
        overdue_patients=len(owed),
        new_overdue_cents=new_overdue,
        recovered_cents=recovered,
    )


@dataclass(frozen=True)
class DefaultHistoryReport:
    period: Period
    months: tuple[MonthStanding, ...]


def view(report: DefaultHistoryReport) -> ReportView:
    months = report.months
    rows = tuple(
        (
            format_month(m.month),
            m.receivable_cents,
            m.overdue_cents,
            m.default_rate_bp,
            *(m.aging.get(b, 0) for b in BUCKETS),
            m.overdue_patients,
            m.new_overdue_cents,
            m.recovered_cents,
        )
        for m in months
    )
    main = ReportTable(
        "Mês a mês (valores no último dia de cada mês)",
        (
            text("Mês"),
            money("A receber"),
            money("Vencido"),
            percent("Taxa"),
            *(money(BUCKET_LABELS[b]) for b in BUCKETS),
            count("Pacientes em atraso"),
            money("Novo atraso"),
            money("Recuperado"),
        ),
        rows,
        total=(
            "No período",
            None,
            None,
            None,
            *(None for _ in BUCKETS),
            None,
            sum(m.new_overdue_cents for m in months),
            sum(m.recovered_cents for m in months),
        ),
        empty="Nenhum mês no período (ele começa depois de hoje).",
    )
    labels = tuple(format_month(m.month) for m in months)
    summary: list[tuple[str, str]] = []
    if months:
        last = months[-1]
        summary = [
            (f"Taxa em {last.as_of:%d/%m/%Y}", format_percent(last.default_rate_bp)),
            ("Vencido", format_brl(last.overdue_cents)),
            ("A receber", format_brl(last.receivable_cents)),
            ("Recuperado no período", format_brl(sum(m.recovered_cents for m in months))),
        ]
    return ReportView(
        kind=ReportKind.INADIMPLENCIA,
        title=REPORT_TITLES[ReportKind.INADIMPLENCIA],
        subtitle=report.period.label,
        summary=tuple(summary),
        tables=(main,),
        chart=Chart(
            "Taxa de inadimplência no fim de cada mês",
            labels,
            (Series("Taxa", tuple(m.default_rate_bp for m in months)),),
            ChartKind.LINE,
        ),
        notes=(
            "Cada mês é calculado com os lançamentos até o seu último dia (o mês em curso, até "
            "hoje): pagamentos até aquela data, estornos na data deles. Taxa = principal vencido "
            "÷ principal a receber. Faixas: o principal vencido de cada paciente na faixa da "
            "parcela mais antiga. Novo atraso: principal em aberto de parcelas que venceram no "
            "mês; recuperado: dinheiro de parcelas pagas depois do vencimento.",
        ),
        as_of=months[-1].as_of if months else report.period.end,
    )
