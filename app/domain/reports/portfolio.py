"""Carteira: the open receivables on a day — the overdue money by segment of debtor and by risk
score, the 10 largest debtors, what prescribes in the next 6 months and the suspensions in force.

Built from the rows of Cobrança → Inadimplentes on that day (the same ``updated_debt`` lines), so
the segments add up, to the centavo, to Início's *em atraso* and to ``report aging``'s total.

- **Prescreve em 6 meses**: the updated amount of overdue installments whose 5 years (CC art. 206
  §5 I: debts in a private instrument) end after the day and within the next 6 months — time to
  act (a confissão de dívida, a protest, a lawsuit) before the debt can no longer be charged in
  court. Those already past their 5 years are shown apart.
- **Faixas de risco**: the 0–100 score of each overdue patient (``app.domain.risk``) read in four
  bands; a reading aid, not a rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from app.domain.dates import add_months, format_date, month_end
from app.domain.money import format_brl
from app.domain.prescription import prescribes_on
from app.domain.reports.period import REPORT_TITLES, ReportKind
from app.domain.reports.view import (
    Chart,
    ReportTable,
    ReportView,
    Series,
    count,
    money,
    text,
)
from app.domain.risk import SEGMENT_LABELS, SEGMENTS, Segment
from app.domain.worklist import OverdueRow

LARGEST = 10
PRESCRIPTION_HORIZON_MONTHS = 6
RISK_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 24, "baixo (0–24)"),
    (25, 49, "moderado (25–49)"),
    (50, 74, "alto (50–74)"),
    (75, 100, "muito alto (75–100)"),
)


@dataclass(frozen=True)
class Group:
    name: str
    patients: int
    overdue_cents: int  # principal
    updated_cents: int


@dataclass(frozen=True)
class Debtor:
    patient_id: int
    patient_name: str
    updated_cents: int
    overdue_cents: int
    days_late: int
    segment: Segment
    score: int


@dataclass(frozen=True)
class Suspension:
    patient_id: int
    patient_name: str


@dataclass(frozen=True)
class PortfolioReport:
    as_of: date
    segments: tuple[Group, ...]  # keyed by Segment value, in the risk module's order
    risk_bands: tuple[Group, ...]
    largest: tuple[Debtor, ...]
    not_due_cents: int
    prescribing_6_months_cents: int
    prescribed_cents: int
    suspended: tuple[Suspension, ...]

    @property
    def overdue_updated_cents(self) -> int:
        return sum(g.updated_cents for g in self.segments)

    @property
    def overdue_cents(self) -> int:
        return sum(g.overdue_cents for g in self.segments)

    @property
    def receivable_cents(self) -> int:
        return self.not_due_cents + self.overdue_cents


def _group(name: str, rows: Sequence[OverdueRow]) -> Group:
    return Group(
        name,
        len(rows),
        sum(r.overdue_cents for r in rows),
        sum(r.updated_cents for r in rows),
    )


def prescription_sums(rows: Iterable[OverdueRow], as_of: date) -> tuple[int, int]:
    """(prescribing within the horizon, already prescribed): the updated amount of the overdue
    installments whose 5 years end in the next months, and the open principal of those already
    past them — the worklist's and Início's ``prescribed_cents``."""
    limit = months_later(as_of, PRESCRIPTION_HORIZON_MONTHS)
    soon = gone = 0
    for row in rows:
        gone += row.prescribed_cents
        for line in row.debt.lines:
            if as_of < prescribes_on(line.effective_due_date) <= limit:
                soon += line.total_cents
    return soon, gone


def months_later(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when that month is shorter)."""
    first = add_months(day, months)
    return first.replace(day=min(day.day, month_end(first).day))


def build(
    as_of: date,
    rows: Sequence[OverdueRow],
    not_due_cents: int,
    suspended: Iterable[Suspension],
) -> PortfolioReport:
    by_segment = [_group(s.value, [r for r in rows if r.segment is s]) for s in SEGMENTS]
    bands = [
        _group(name, [r for r in rows if low <= r.score <= high]) for low, high, name in RISK_BANDS
    ]
    top = sorted(rows, key=lambda r: (-r.updated_cents, r.patient_id))[:LARGEST]
    soon, gone = prescription_sums(rows, as_of)
    return PortfolioReport(
        as_of=as_of,
        segments=tuple(by_segment),
        risk_bands=tuple(bands),
        largest=tuple(
            Debtor(
                r.patient_id,
                r.patient_name,
                r.updated_cents,
                r.overdue_cents,
                r.days_late,
                r.segment,
                r.score,
            )
            for r in top
        ),
        not_due_cents=not_due_cents,
        prescribing_6_months_cents=soon,
        prescribed_cents=gone,
        suspended=tuple(sorted(suspended, key=lambda s: s.patient_name)),
    )


def view(report: PortfolioReport) -> ReportView:
    groups = (text("Grupo"), count("Pacientes"), money("Principal vencido"), money("Atualizado"))

    def total(groups_: Sequence[Group]) -> tuple[object, ...]:
        return (
            "Total",
            sum(g.patients for g in groups_),
            sum(g.overdue_cents for g in groups_),
            sum(g.updated_cents for g in groups_),
        )

    segments = ReportTable(
        "Em atraso por segmento",
        groups,
        tuple(
            (SEGMENT_LABELS[Segment(g.name)], g.patients, g.overdue_cents, g.updated_cents)
            for g in report.segments
        ),
        total=total(report.segments),
    )
    bands = ReportTable(
        "Em atraso por faixa de risco",
        groups,
        tuple((g.name, g.patients, g.overdue_cents, g.updated_cents) for g in report.risk_bands),
        total=total(report.risk_bands),
    )
    largest = ReportTable(
        f"Os {LARGEST} maiores devedores",
        (
            count("Paciente nº"),
            text("Paciente"),
            money("Atualizado"),
            money("Principal"),
            count("Dias de atraso"),
            text("Segmento"),
            count("Risco"),
        ),
        tuple(
            (
                d.patient_id,
                d.patient_name,
                d.updated_cents,
                d.overdue_cents,
                d.days_late,
                SEGMENT_LABELS[d.segment],
                d.score,
            )
            for d in report.largest
        ),
        empty="Ninguém em atraso.",
    )
    suspended = ReportTable(
        "Novos tratamentos suspensos",
        (count("Paciente nº"), text("Paciente")),
        tuple((s.patient_id, s.patient_name) for s in report.suspended),
        empty="Nenhuma suspensão em vigor.",
    )
    return ReportView(
        kind=ReportKind.CARTEIRA,
        title=REPORT_TITLES[ReportKind.CARTEIRA],
        subtitle=f"Em {format_date(report.as_of)}",
        summary=(
            ("A receber (principal)", format_brl(report.receivable_cents)),
            ("A vencer", format_brl(report.not_due_cents)),
            ("Em atraso (atualizado)", format_brl(report.overdue_updated_cents)),
            ("Prescreve nos próximos 6 meses", format_brl(report.prescribing_6_months_cents)),
            ("Já prescrito (mais de 5 anos)", format_brl(report.prescribed_cents)),
            ("Suspensões em vigor", str(len(report.suspended))),
        ),
        tables=(segments, bands, largest, suspended),
        chart=Chart(
            "Em atraso por segmento (valor atualizado)",
            tuple(SEGMENT_LABELS[Segment(g.name)] for g in report.segments),
            (Series("Atualizado", tuple(g.updated_cents for g in report.segments)),),
        ),
        notes=(
            "Os mesmos valores de Cobrança → Inadimplentes e do Início. Prescrição: 5 anos do "
            "vencimento de cada parcela (Código Civil art. 206 §5 I); o valor é o atualizado.",
        ),
        as_of=report.as_of,
    )
