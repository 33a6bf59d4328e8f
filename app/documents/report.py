"""A report (Relatórios → Imprimir, ``emdia report KIND --out FILE.pdf``) on A4: the clinic's
letterhead, the title and period, the figures, the chart, every table and how it was counted.

It prints the ``ReportView`` the window shows, cell by cell (``view.cell_text``): the paper and
the screen cannot disagree. Tables split across pages repeating their header; the chart is drawn
with ReportLab's own graphics, in the clinic's colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from app.documents.layout import (
    BOLD,
    CONTENT_WIDTH,
    FONT,
    INK,
    MUTED,
    build,
    esc,
    key_values,
    para,
    spacer,
    table,
)
from app.documents.model import Letterhead
from app.domain.columns import Kind
from app.domain.reports.view import Chart, ChartKind, ReportTable, ReportView, row_texts

SERIES_COLOURS = tuple(colors.HexColor(c) for c in ("#1f6b5e", "#b3261e", "#9a5b00"))
CHART_HEIGHT = 62 * mm
MAX_CHART_CATEGORIES = 40  # beyond this a bar per category is unreadable on A4: the table says it
_NUMERIC = (Kind.MONEY, Kind.INT, Kind.PERCENT)


def render(target: str | Path | BinaryIO, letterhead: Letterhead, view: ReportView) -> None:
    story: list[Flowable] = [
        para(esc(view.title).upper(), "title"),
        para(esc(view.subtitle), "subtitle"),
    ]
    if view.summary:
        story.append(key_values([(k, esc(v)) for k, v in view.summary], label_width=62 * mm))
    if view.chart is not None and 0 < len(view.chart.categories) <= MAX_CHART_CATEGORIES:
        story += [spacer(3), KeepTogether([chart_drawing(view.chart)])]
    for section in view.tables:
        story += [para(esc(section.title), "h2"), table_flowable(section)]
    for note in view.notes:
        story += [spacer(2), para(esc(note), "small")]
    build(target, letterhead, view.title, story, subject=view.subtitle)


def table_flowable(section: ReportTable) -> Flowable:
    if not section.rows:
        return para(esc(section.empty), "body")
    texts = [row_texts(section.columns, row) for row in section.rows]
    total = row_texts(section.columns, section.total) if section.total is not None else None
    headers = [c.header for c in section.columns]
    right = [i for i, c in enumerate(section.columns) if c.kind in _NUMERIC]
    return table(
        headers,
        texts,
        column_widths(headers, [*texts, *([total] if total else [])]),
        right=right,
        total=total,
        font_size=7.6 if len(headers) > 6 else 8.3,
    )


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[float]:
    """Proportions from the longest text of each column (a long header counts less: the font
    shrinks to fit it), never so thin that a date or an amount is squeezed."""
    widths: list[float] = []
    for index, header in enumerate(headers):
        longest = max((len(row[index]) for row in rows), default=0)
        widths.append(max(6, min(40, max(longest, min(len(header), 12)))))
    return widths


def chart_drawing(chart: Chart) -> Drawing:
    """Bars (money, in R$) or a line (a rate, in %) with the categories under them."""
    drawing = Drawing(CONTENT_WIDTH, CHART_HEIGHT)
    drawing.add(String(0, CHART_HEIGHT - 9, chart.title, fontName=BOLD, fontSize=9, fillColor=INK))
    plot = HorizontalLineChart() if chart.kind is ChartKind.LINE else VerticalBarChart()
    plot.x, plot.y = 18 * mm, 16 * mm
    plot.width, plot.height = CONTENT_WIDTH - 22 * mm, CHART_HEIGHT - 30 * mm
    divisor = 100  # centavos → reais; basis points → percent
    plot.data = [tuple(v / divisor for v in s.values) for s in chart.series]
    plot.categoryAxis.categoryNames = list(chart.categories)
    labels = plot.categoryAxis.labels
    labels.fontName, labels.fontSize, labels.fillColor = FONT, 6.5, MUTED
    if len(chart.categories) > 8:
        labels.angle, labels.boxAnchor, labels.dy = 35, "ne", -2
    values = plot.valueAxis
    values.labels.fontName, values.labels.fontSize = FONT, 6.5
    values.labelTextFormat = _axis_text(chart.kind)
    lowest = min((min(s.values, default=0) for s in chart.series), default=0)
    values.valueMin = min(0, lowest / divisor)
    for index, _series in enumerate(chart.series):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        if chart.kind is ChartKind.LINE:
            plot.lines[index].strokeColor = colour
            plot.lines[index].strokeWidth = 1.4
        else:
            plot.bars[index].fillColor = colour
            plot.bars[index].strokeColor = None
    drawing.add(plot)
    if len(chart.series) > 1:
        legend = Legend()
        legend.x, legend.y = CONTENT_WIDTH - 60 * mm, CHART_HEIGHT - 6
        legend.fontName, legend.fontSize = FONT, 7
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.deltax = 50
        legend.colorNamePairs = [
            (SERIES_COLOURS[i % len(SERIES_COLOURS)], s.name) for i, s in enumerate(chart.series)
        ]
        drawing.add(legend)
    return drawing


def _axis_text(kind: ChartKind) -> object:
    if kind is ChartKind.LINE:
        return lambda value: f"{value:.1f}".replace(".", ",") + " %"
    return reais_tick


def reais_tick(value: float) -> str:
    """Axis ticks in reais, thousands as "mil": ``R$ 12 mil``, ``R$ 1,5 mil`` (one decimal
    under ten thousand, so 1.500 and 2.000 never print alike)."""
    if abs(value) >= 10_000:
        return f"R$ {value / 1000:,.0f} mil".replace(",", ".")
    if abs(value) >= 1000:
        return f"R$ {value / 1000:.1f} mil".replace(".", ",").replace(",0 ", " ")
    return f"R$ {value:.0f}"
