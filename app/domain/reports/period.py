"""Which report, over which days, grouped how: what the user asks for (the window's filters, the
command line's ``--from``/``--to``/``--by``), checked once for every report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeVar

from app.domain.dates import add_months, format_date, month_end, month_start, parse_date
from app.errors import FieldError, ValidationError

# Inadimplência ao longo do tempo: month by month, at most two years at a time (each month is
# the whole portfolio recomputed as of its last day).
MAX_HISTORY_MONTHS = 24
# Previsão × realizado looks this many months past the current one.
FORECAST_MONTHS = 3


class ReportKind(StrEnum):
    CAIXA = "caixa"
    RECEBIMENTOS = "recebimentos"
    INADIMPLENCIA = "inadimplencia"
    EFETIVIDADE = "efetividade"
    CARTEIRA = "carteira"
    PREVISAO = "previsao"


REPORT_TITLES = {
    ReportKind.CAIXA: "Fechamento de caixa",
    ReportKind.RECEBIMENTOS: "Recebimentos",
    ReportKind.INADIMPLENCIA: "Inadimplência ao longo do tempo",
    ReportKind.EFETIVIDADE: "Efetividade da cobrança",
    ReportKind.CARTEIRA: "Carteira",
    ReportKind.PREVISAO: "Previsão × realizado",
}

# The code in a printed report's reference (``REL-CAI-20260301-20260316``).
REPORT_CODES = {
    ReportKind.CAIXA: "CAI",
    ReportKind.RECEBIMENTOS: "RCB",
    ReportKind.INADIMPLENCIA: "INA",
    ReportKind.EFETIVIDADE: "EFC",
    ReportKind.CARTEIRA: "CRT",
    ReportKind.PREVISAO: "PRV",
}


class Granularity(StrEnum):
    """How Recebimentos groups its days."""

    DAY = "dia"
    WEEK = "semana"
    MONTH = "mes"


GRANULARITY_LABELS = {Granularity.DAY: "dia", Granularity.WEEK: "semana", Granularity.MONTH: "mês"}


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def label(self) -> str:
        if self.start == self.end:
            return format_date(self.start)
        return f"{format_date(self.start)} a {format_date(self.end)}"


@dataclass(frozen=True)
class ReportForm:
    """What the user typed or chose: dates as text (``dd/mm/aaaa`` or ISO)."""

    kind: str
    start: str
    end: str
    granularity: str = ""  # blank: ``default_granularity`` of the period


@dataclass(frozen=True)
class ReportRequest:
    kind: ReportKind
    period: Period
    granularity: Granularity = Granularity.MONTH


def reference(request: ReportRequest) -> str:
    """A printed report's reference, in every page's footer: ``REL-CAI-20260301-20260316``."""
    code = REPORT_CODES[request.kind]
    return f"REL-{code}-{request.period.start:%Y%m%d}-{request.period.end:%Y%m%d}"


def months_between(start: date, end: date) -> int:
    """How many calendar months ``start``'s month to ``end``'s month touch (1 for the same)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def validate_report(form: ReportForm, today: date) -> ReportRequest:
    """The request, or ``ValidationError`` naming ``kind``, ``from``, ``to`` or ``granularity``
    (the window's filters and the command line's flags) — one message per wrong field."""
    errors: list[FieldError] = []
    kind = _choice(form.kind, ReportKind, "kind", "Relatório", errors)
    granularity = (
        _choice(form.granularity, Granularity, "granularity", "Agrupar por", errors)
        if (form.granularity or "").strip()
        else None
    )
    start = parse_date(form.start, "from", "De")
    end = parse_date(form.end, "to", "Até")
    for value in (start, end):
        if isinstance(value, FieldError):
            errors.append(value)
    if errors:
        raise ValidationError(errors)
    assert isinstance(start, date) and isinstance(end, date) and kind is not None
    if end < start:
        raise ValidationError.single(
            "to", f"Até: {format_date(end)} vem antes de {format_date(start)}; troque as datas."
        )
    if kind is ReportKind.INADIMPLENCIA:
        if start > today:
            raise ValidationError.single(
                "from", f"De: {format_date(start)} ainda não chegou; a inadimplência é do passado."
            )
        if months_between(start, min(end, today)) > MAX_HISTORY_MONTHS:
            raise ValidationError.single(
                "from",
                f"Período: no máximo {MAX_HISTORY_MONTHS} meses de inadimplência por vez; "
                "encurte o período.",
            )
    period = Period(start, end)
    return ReportRequest(kind, period, granularity or default_granularity(period))


def default_granularity(period: Period) -> Granularity:
    """By day up to a month, by week up to a quarter, by month beyond: a table a person reads."""
    if period.days <= 31:
        return Granularity.DAY
    return Granularity.WEEK if period.days <= 92 else Granularity.MONTH


_E = TypeVar("_E", bound=StrEnum)


def _choice(
    text: str, enum: type[_E], field: str, label: str, errors: list[FieldError]
) -> _E | None:
    value = (text or "").strip().lower()
    try:
        return enum(value)
    except ValueError:
        names = ", ".join(e.value for e in enum)
        errors.append(FieldError(field, f"{label}: '{text}' não existe; use {names}."))
        return None


def default_period(kind: ReportKind, today: date) -> tuple[date, date]:
    """What each report covers when opened without dates (the window's and the command line's):
    the day for the caixa and the carteira, this month of recebimentos, the last 12 months of
    inadimplência, the last 30 days of collection and 6 months of previsão."""
    if kind is ReportKind.INADIMPLENCIA:
        return add_months(today, -11), today
    if kind is ReportKind.RECEBIMENTOS:
        return month_start(today), today
    if kind is ReportKind.EFETIVIDADE:
        return today - timedelta(days=29), today
    if kind is ReportKind.PREVISAO:
        return add_months(today, -5), today
    return today, today


def buckets(period: Period, granularity: Granularity) -> list[Period]:
    """The period cut by day, by week (Monday to Sunday) or by calendar month; the first and
    last pieces clipped to the period."""
    pieces = []
    start = period.start
    while start <= period.end:
        if granularity is Granularity.DAY:
            end = start
        elif granularity is Granularity.WEEK:
            end = start + timedelta(days=6 - start.weekday())
        else:
            end = month_end(start)
        end = min(end, period.end)
        pieces.append(Period(start, end))
        start = end + timedelta(days=1)
    return pieces


def month_ends(period: Period, today: date) -> list[date]:
    """The days a month-by-month history is computed as of: each month's last day, the last
    month cut at the period's end and never after ``today`` (what has not happened yet is not
    history). Empty when the period starts after ``today``."""
    last = min(period.end, today)
    days = []
    month = month_start(period.start)
    while month <= last:
        days.append(min(month_end(month), last))
        month = add_months(month, 1)
    return days


def months_of(period: Period) -> list[Period]:
    """The calendar months the period touches, each clipped to the period."""
    return buckets(period, Granularity.MONTH)
