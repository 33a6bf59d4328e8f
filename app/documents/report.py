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
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether

from app.documents.layout import (
    BOLD,
    CONTENT_WIDTH,
    FONT,
    INK,
    MUTED,
    MoneyTable,
    build,
    esc,
    key_values,
    para,
    register_fonts,
    spacer,
    table,
)
from app.documents.model import Letterhead
from app.domain.columns import Kind
from app.domain.reports.view import Chart, ChartKind, ReportTable, ReportView, row_texts

SERIES_COLOURS = tuple(colors.HexColor(c) for c in ("#1f6b5e", "#b3261e", "#9a5b00"))
CHART_HEIGHT = 62 * mm
MAX_CHART_CATEGORIES = 40  # beyond this a bar per category is unreadable on A4: the table says it
CELL_MIN_SIZE = 5.0  # points: a wide table's cells get no smaller on paper
HEADER_MIN_SIZE = 5.0  # points: a long column title may shrink this far on its own
WIDEST_CELL = 0.3 * CONTENT_WIDTH  # a longer text (a name, a note) shrinks alone, not the table
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
    widths, size = fit_columns(headers, texts, total, 7.6 if len(headers) > 6 else 8.3)
    return table(headers, texts, widths, right=right, total=total, font_size=size)


def fit_columns(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    total: Sequence[str] | None,
    size: float,
) -> tuple[list[float], float]:
    """Column widths (points) and one font size for the table's cells, so that every amount
    of a column prints at the same size and no header runs into its neighbour. A header may
    shrink on its own down to ``HEADER_MIN_SIZE``; when the cells still do not fit the page,
    the whole table gets smaller (never below ``CELL_MIN_SIZE``; past that, the columns are
    narrowed and their widest cells shrink on their own, as ``MoneyTable`` does)."""
    register_fonts()  # measuring needs the fonts before the document is built

    def needed(points: float) -> list[float]:
        lines = [(row, FONT) for row in rows]
        if total is not None:
            lines.append((total, BOLD))
        return [
            2 * MoneyTable.PAD
            + max(
                [
                    stringWidth(header, BOLD, HEADER_MIN_SIZE),
                    *(min(WIDEST_CELL, stringWidth(c[i], font, points)) for c, font in lines),
                ]
            )
            for i, header in enumerate(headers)
        ]

    widths = needed(size)
    while sum(widths) > CONTENT_WIDTH and size > CELL_MIN_SIZE:
        pads = 2 * MoneyTable.PAD * len(headers)
        size = max(CELL_MIN_SIZE, size * (CONTENT_WIDTH - pads) / (sum(widths) - pads) - 0.05)
        widths = needed(size)
    if sum(widths) > CONTENT_WIDTH:  # still too wide: the widest cells shrink a little more
        return [w * CONTENT_WIDTH / sum(widths) for w in widths], size
    natural = [2 * MoneyTable.PAD + stringWidth(h, BOLD, size) for h in headers]
    room = CONTENT_WIDTH - sum(widths)
    if room > 0:  # spare width goes first to headers that would otherwise shrink
        wanted = [max(0.0, n - w) for n, w in zip(natural, widths, strict=True)]
        share = min(1.0, room / sum(wanted)) if sum(wanted) else 0.0
        widths = [w + x * share for w, x in zip(widths, wanted, strict=True)]
    return widths, size


def chart_drawing(chart: Chart) -> Drawing:
    """Bars (money, in R$) or a line (a rate, in %) with the categories under them."""
    drawing = Drawing(CONTENT_WIDTH, CHART_HEIGHT)
    drawing.add(String(0, CHART_HEIGHT - 9, chart.title, fontName=BOLD, fontSize=9, fillColor=INK))
    plot = HorizontalLineChart() if chart.kind is ChartKind.LINE else VerticalBarChart()
    plot.x, plot.y = 18 * mm, 16 * mm
    plot.width, plot.height = CONTENT_WIDTH - 22 * mm, CHART_HEIGHT - 30 * mm
    divisor = 100  # centavos → reais; basis points → percent
    plot.data = [tuple(v / divisor for v in s.values) for s in chart.series]
    labels = plot.categoryAxis.labels
    labels.fontName, labels.fontSize, labels.fillColor = FONT, 6.5, MUTED
    slot = plot.width / max(1, len(chart.categories)) - 4
    names = [_fitted(c, slot, labels.fontSize) for c in chart.categories]
    plot.categoryAxis.categoryNames = names
    if max(_widest_line(n, labels.fontSize) for n in names) > slot:
        labels.angle, labels.boxAnchor, labels.dy = 35, "ne", -2  # side by side they would touch
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


def _fitted(name: str, room: float, size: float) -> str:
    """A category too wide for its slot goes on two lines where it has a natural break:
    ``Aviso de negativação (Carta)`` → the step over its channel."""
    if _widest_line(name, size) <= room:
        return name
    head, sep, tail = name.rpartition(" (")
    return f"{head}\n({tail}" if sep else name


def _widest_line(text: str, size: float) -> float:
    register_fonts()
    return max(float(stringWidth(line, FONT, size)) for line in text.split("\n"))


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
