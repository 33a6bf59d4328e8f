"""What a report shows, whatever it is shown on: a title, the period, a few figures, its tables
and a chart. The window draws it, the A4 PDF prints it and the spreadsheet export writes its
first table — from the same values, so the screen, the paper and the file always agree.

Cells keep their typed value (centavos, a date, basis points) with the column's ``Kind``; only
``cell_text`` turns them into pt-BR text, for the screen and the paper. The spreadsheet gets the
typed values (``app.tabular``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.columns import Column, Kind
from app.domain.dates import format_date
from app.domain.money import format_brl, format_percent
from app.domain.reports.period import ReportKind

Cell = object  # int centavos / basis points / count, a date, a text or None (blank)


@dataclass(frozen=True)
class ReportTable:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None  # the bold last row, same kinds as the columns
    empty: str = "Nada no período."  # what the screen and the paper say when there are no rows


class ChartKind(StrEnum):
    BARS = "bars"  # grouped bars per category (money)
    LINE = "line"  # one line per series (a rate in basis points)


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[int, ...]  # centavos, or basis points on a LINE chart


@dataclass(frozen=True)
class Chart:
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    kind: ChartKind = ChartKind.BARS


@dataclass(frozen=True)
class ReportView:
    kind: ReportKind
    title: str
    subtitle: str  # the period or the day the values are from
    summary: tuple[tuple[str, str], ...] = ()
    tables: tuple[ReportTable, ...] = ()
    chart: Chart | None = None
    notes: tuple[str, ...] = ()  # how the figures are counted, printed under the tables
    as_of: date | None = None

    @property
    def main(self) -> ReportTable:
        """The table the screen lists and the spreadsheet export writes."""
        return self.tables[0]


def cell_text(value: Cell, kind: Kind) -> str:
    """A cell as a person reads it (pt-BR money, dates, percentages)."""
    if value is None or value == "":
        return ""
    if kind is Kind.MONEY:
        return format_brl(int(value))  # type: ignore[call-overload]
    if kind is Kind.DATE:
        return format_date(value) if isinstance(value, date) else str(value)
    if kind is Kind.PERCENT:
        return format_percent(int(value))  # type: ignore[call-overload]
    if isinstance(value, bool):
        return "sim" if value else "não"
    return str(value)


def row_texts(columns: Sequence[Column], cells: Sequence[Cell]) -> list[str]:
    return [cell_text(v, c.kind) for v, c in zip(cells, columns, strict=True)]


def money(header: str) -> Column:
    return Column(header, Kind.MONEY)


def count(header: str) -> Column:
    return Column(header, Kind.INT)


def text(header: str) -> Column:
    return Column(header)


def percent(header: str) -> Column:
    return Column(header, Kind.PERCENT)


def day(header: str) -> Column:
    return Column(header, Kind.DATE)
