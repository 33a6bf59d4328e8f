"""Início: the owner's dashboard — money to receive, money late, and what is coming in.

Every overdue figure is a sum of the worklist's rows (the same ``law.updated_debt`` lines), so the
dashboard and Cobrança → Inadimplentes always agree to the centavo.

- **Total a receber**: open principal of every open installment (a vencer at face value — the
  punctuality discount is a possible reduction, not money owed — plus the overdue principal).
- **Em atraso**: the updated amount of the overdue installments (principal + multa + juros +
  correção), with the principal shown beside it — only what may still be collected.
- **Prescrito**: the open principal of installments five years or more past due (CC art. 206
  §5 I): no longer collectable, shown apart and in no other figure.
- **Taxa de inadimplência**: overdue principal ÷ total a receber (both principal, so charges never
  inflate the rate).
- **Recuperado no mês**: money received this month for installments already late when paid.
- **Promessas da semana**: promises falling due Monday–Sunday of this week.
- **Próximos 90 dias**: principal falling due from today through the next 89 days, per calendar
  month (the first and last months clipped to the window).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.negativacao import RemovalDue
from app.domain.promises import PromiseRecord, PromiseStatus, promise_status
from app.domain.receivables import PromiseDue
from app.domain.worklist import AgingBand, HasDebt, aging, totals

CASH_HORIZON_DAYS = 90


@dataclass(frozen=True)
class CashWindow:
    start: date
    end: date  # inclusive
    cents: int


@dataclass(frozen=True)
class PromiseLine:
    promise: PromiseDue
    status: PromiseStatus


@dataclass(frozen=True)
class Dashboard:
    as_of: date
    receivable_cents: int
    not_due_cents: int
    overdue_cents: int  # principal
    overdue_updated_cents: int
    overdue_patients: int
    overdue_installments: int
    default_rate_bp: int  # overdue principal / receivable, in basis points
    aging: tuple[AgingBand, ...]
    month_start: date
    recovered_month_cents: int
    recovered_month_payments: int
    week_start: date
    week_end: date
    promises_week: tuple[PromiseLine, ...]
    cash_windows: tuple[CashWindow, ...]
    # Paid debts still negativadas: remove within 5 business days (Súmula 548 STJ); overdue
    # ones are shown in red.
    negativacao_removals: tuple[RemovalDue, ...] = ()
    prescribed_cents: int = 0  # five years past due: not collectable (CC art. 206 §5 I)
    prescribed_patients: int = 0

    @property
    def removals_overdue(self) -> int:
        return sum(1 for r in self.negativacao_removals if r.overdue)

    @property
    def expected_90_days_cents(self) -> int:
        return sum(w.cents for w in self.cash_windows)

    @property
    def promises_week_cents(self) -> int:
        live = (p for p in self.promises_week if p.status is not PromiseStatus.CANCELLED)
        return sum(p.promise.amount_cents for p in live)

    @property
    def promises_week_pending(self) -> int:
        return sum(1 for p in self.promises_week if p.status is PromiseStatus.PENDING)


def promise_lines(promises: Sequence[PromiseDue], as_of: date) -> tuple[PromiseLine, ...]:
    """Each promise with where it stands on ``as_of`` (kept, pending, broken, cancelled)."""
    return tuple(
        PromiseLine(
            p,
            promise_status(
                PromiseRecord(p.made_on, p.promised_on, p.amount_cents, p.resolution, p.paid_cents),
                as_of,
            ),
        )
        for p in promises
    )


def week_of(day: date) -> tuple[date, date]:
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


def cash_windows(as_of: date, by_date: Mapping[date, int]) -> tuple[CashWindow, ...]:
    last = as_of + timedelta(days=CASH_HORIZON_DAYS - 1)
    windows = []
    start = as_of
    while start <= last:
        next_month = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        end = min(last, next_month - timedelta(days=1))
        cents = sum(v for d, v in by_date.items() if start <= d <= end)
        windows.append(CashWindow(start, end, cents))
        start = end + timedelta(days=1)
    return tuple(windows)


def rate_bp(part: int, whole: int) -> int:
    return 0 if whole <= 0 else (part * 10_000 * 2 + whole) // (2 * whole)


def build_dashboard(
    as_of: date,
    debts: Sequence[HasDebt],
    not_due_by_date: Mapping[date, int],
    recovered: tuple[int, int],
    promises: Sequence[PromiseDue],
    removals: Sequence[RemovalDue] = (),
) -> Dashboard:
    overdue = totals(debts)
    not_due = sum(not_due_by_date.values())
    receivable = not_due + overdue.overdue_cents
    week_start, week_end = week_of(as_of)
    return Dashboard(
        as_of=as_of,
        receivable_cents=receivable,
        not_due_cents=not_due,
        overdue_cents=overdue.overdue_cents,
        overdue_updated_cents=overdue.updated_cents,
        overdue_patients=overdue.patients,
        overdue_installments=overdue.installments,
        default_rate_bp=rate_bp(overdue.overdue_cents, receivable),
        aging=aging(debts),
        month_start=as_of.replace(day=1),
        recovered_month_cents=recovered[0],
        recovered_month_payments=recovered[1],
        week_start=week_start,
        week_end=week_end,
        promises_week=promise_lines(promises, as_of),
        cash_windows=cash_windows(as_of, not_due_by_date),
        negativacao_removals=tuple(removals),
        prescribed_cents=overdue.prescribed_cents,
        prescribed_patients=overdue.prescribed_patients,
    )
