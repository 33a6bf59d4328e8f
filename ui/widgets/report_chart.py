"""A report's chart in QtCharts (like Início's): grouped bars for money, a line for a rate. The
values arrive in centavos or basis points and are drawn in reais or percent."""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from app.domain.reports.view import Chart, ChartKind

COLOURS = ("#1f6b5e", "#b3261e", "#9a5b00")
CROWDED = 14  # categories beyond which their labels are turned on their side


def _blank() -> QChart:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(4)
    chart.legend().hide()
    return chart


class ReportChartView(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        self.chart_ = _blank()
        super().__init__(self.chart_, parent)
        self.setObjectName("reportChart")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(170)
        self.shown: Chart | None = None

    def show_chart(self, chart: Chart | None) -> None:
        """Draw ``chart`` (nothing when ``None``) on a new QChart: axes removed from a chart
        in use leave their labels behind on screen."""
        self.shown = chart
        self.chart_ = _blank()
        self.setChart(self.chart_)  # the view deletes the previous one
        if chart is None or not chart.categories:
            return
        self.chart_.setTitle(chart.title)
        categories = QBarCategoryAxis()
        categories.append(list(chart.categories))
        if len(chart.categories) > CROWDED:  # a month by day: upright labels would be elided
            categories.setLabelsAngle(-90)
        self.chart_.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        values = QValueAxis()
        self.chart_.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        if chart.kind is ChartKind.LINE:
            self._lines(chart, categories, values)
        else:
            self._bars(chart, categories, values)
        self.chart_.legend().setVisible(len(chart.series) > 1)
        self.chart_.legend().setAlignment(Qt.AlignmentFlag.AlignTop)

    def _bars(self, chart: Chart, categories: QBarCategoryAxis, values: QValueAxis) -> None:
        largest = max((abs(v) for s in chart.series for v in s.values), default=0)
        # Reais up to R$ 10 mil; beyond, thousands of reais (the axis then says "R$ mil").
        divisor, unit = (100_000, "R$ mil") if largest > 1_000_000 else (100, "R$")
        series = QBarSeries()
        for index, s in enumerate(chart.series):
            bars = QBarSet(s.name)
            bars.setColor(QColor(COLOURS[index % len(COLOURS)]))
            bars.append([v / divisor for v in s.values])
            series.append(bars)
        self.chart_.addSeries(series)
        series.attachAxis(categories)
        series.attachAxis(values)
        everything = [v / divisor for s in chart.series for v in s.values]
        values.setRange(min([0.0, *everything]), max([1.0, *everything]) * 1.05)
        values.applyNiceNumbers()
        values.setLabelFormat("%.0f")
        values.setTitleText(unit)

    def _lines(self, chart: Chart, categories: QBarCategoryAxis, values: QValueAxis) -> None:
        for index, s in enumerate(chart.series):
            line = QLineSeries()
            line.setName(s.name)
            line.setPen(QPen(QColor(COLOURS[index % len(COLOURS)]), 2))
            for position, value in enumerate(s.values):
                line.append(position, value / 100)
            self.chart_.addSeries(line)
            line.attachAxis(categories)
            line.attachAxis(values)
        highest = max([1.0, *(v / 100 for s in chart.series for v in s.values)])
        values.setRange(0, highest * 1.1)
        values.applyNiceNumbers()
        values.setLabelFormat("%.0f %%")
