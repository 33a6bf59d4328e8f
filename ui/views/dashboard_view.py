"""Início: the desk's day for everyone (contacts done and left, promises due today, money
received today and this month); for the gestor, what waits for their decision and the
dashboard — how much is to be received, how much is late (and how late), what came back this
month, what was promised this week and what falls due in the next 90 days. Every overdue figure
is the worklist's own sum (Cobrança → Inadimplentes)."""

from __future__ import annotations

import html

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.bootstrap import Services
from app.domain.aging import BUCKET_LABELS, BUCKETS
from app.domain.dashboard import Dashboard
from app.domain.dates import day_span, format_date
from app.domain.desk import DeskDay, InboxItem
from app.domain.money import format_brl, format_percent
from app.domain.promises import PromiseStatus
from app.errors import EmDiaError
from app.progress import IsCancelled, Progress
from app.services.base import Permission
from ui import ops
from ui.tasks import Task
from ui.views.desk_panels import PROMISE_WORDS, DeskStrip, InboxPanel, TodayPromises
from ui.widgets.buttons import push_button
from ui.widgets.card import Card

WEEKDAYS = ("seg", "ter", "qua", "qui", "sex", "sáb", "dom")
BRAND, LATE = "#1f6b5e", "#b3261e"


def bar_chart(title: str, colour: str) -> tuple[QChartView, QChart]:
    chart = QChart()
    chart.setTitle(title)
    chart.legend().hide()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(4)
    chart.setMargins(chart.margins().__class__(4, 4, 4, 4))
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(200)
    view.setProperty("colour", colour)
    return view, chart


def fill_bars(
    chart: QChart, labels: list[str], cents: list[int], colour: str, name: str
) -> QBarSet:
    """Horizontal bars in R$ mil; each category label carries the exact pt-BR amount."""
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)
    bars = QBarSet(name)
    bars.setColor(QColor(colour))
    bars.append([c / 100_000 for c in reversed(cents)])
    series = QHorizontalBarSeries()
    series.append(bars)
    series.setBarWidth(0.6)
    chart.addSeries(series)
    y = QBarCategoryAxis()
    y.append(list(reversed(labels)))  # first label on top
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(y)
    x = QValueAxis()
    x.setLabelFormat("%.0f")
    x.setTitleText("R$ mil")
    x.setRange(0, max([c / 100_000 for c in cents] + [1]) * 1.05)
    x.applyNiceNumbers()  # 0, 50, 100… instead of 0, 66, 133…
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(x)
    return bars


Desk = tuple[DeskDay, list[InboxItem]]


class DashboardView(QWidget):
    show_bucket = Signal(object)  # Bucket: open Cobrança filtered by that aging band
    loaded = Signal()
    open_today = Signal()  # Cobrança de hoje
    open_patient = Signal(int)
    inbox_opened = Signal(object)  # InboxItem: go where it is decided

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DashboardView")
        self.services = services
        self.task: Task | None = None
        self.dashboard: Dashboard | None = None
        self.day: DeskDay | None = None

        title = QLabel(self.tr("Início"))
        title.setObjectName("viewTitle")
        self.as_of = QLabel()
        self.as_of.setObjectName("asOf")
        self.status = QLabel()
        self.status.setObjectName("status")
        self.refresh_button = push_button("refresh", self.tr("Atualizar"), self.refresh)
        # Paid debts still negativadas (Súmula 548 STJ): overdue removals in red, on top.
        self.removals = QLabel()
        self.removals.setObjectName("removals")
        self.removals.setTextFormat(Qt.TextFormat.RichText)
        self.removals.setWordWrap(True)
        self.removals.hide()
        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(self.as_of, 1)
        top.addWidget(self.status)
        top.addWidget(self.refresh_button)
        self.desk = DeskStrip()
        self.desk.open_today.connect(self.open_today.emit)
        self.inbox = InboxPanel()
        self.today_promises = TodayPromises()
        self.today_promises.open_patient.connect(self.open_patient.emit)
        self.inbox.item_opened.connect(self.inbox_opened.emit)
        self.promise_list = QLabel()
        self.promise_list.setObjectName("promiseList")
        self.promise_list.setTextFormat(Qt.TextFormat.RichText)
        self.promise_list.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.promise_list.setWordWrap(True)
        # The gestor's part: the figures and charts, with the inbox and the week's promises
        # beside them. Someone who may not see reports gets the desk's day alone.
        self.reports = QWidget()
        figures = QVBoxLayout(self.reports)
        figures.setContentsMargins(0, 0, 0, 0)
        figures.addLayout(self._cards())
        figures.addLayout(self._charts(), 1)
        side = QVBoxLayout()
        side.addWidget(self.inbox, 3)
        side.addWidget(self.promise_list, 2)
        self.side = QWidget()
        self.side.setLayout(side)
        self.side.setMaximumWidth(360)
        body = QHBoxLayout()
        body.addWidget(self.reports, 3)
        body.addWidget(self.today_promises, 3)  # the desk's list, without the reports
        body.addWidget(self.side, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.removals)
        layout.addWidget(self.desk)
        layout.addLayout(body, 1)
        self.arrange()

    def arrange(self) -> bool:
        """Show the parts the user's role has (from the start too: the reports and the desk's
        list side by side would ask a wider window than the clinic's screen); True when the
        reports are among them."""
        actor = self.services.actor
        reports = actor.can(Permission.REPORTS)
        self.reports.setVisible(reports)
        self.today_promises.setVisible(not reports)
        self.side.setVisible(reports or actor.can(Permission.NEGATIVACAO))
        self.side.setMaximumWidth(360 if reports else 16_777_215)
        return reports

    def _cards(self) -> QGridLayout:
        """Six figures, three by three."""
        self.receivable = Card("receivable", self.tr("Total a receber"))
        self.overdue = Card("overdue", self.tr("Em atraso (valor atualizado)"))
        self.rate = Card("rate", self.tr("Taxa de inadimplência"))
        self.recovered = Card("recovered", self.tr("Recuperado no mês (atrasados)"))
        self.promises_week = Card("promises", self.tr("Promessas desta semana"))
        self.expected = Card("expected", self.tr("Previsão: próximos 90 dias"))
        cards = QGridLayout()
        for i, card in enumerate(
            (
                self.receivable,
                self.overdue,
                self.rate,
                self.recovered,
                self.promises_week,
                self.expected,
            )
        ):
            cards.addWidget(card, i // 3, i % 3)
        return cards

    def _charts(self) -> QHBoxLayout:
        """Aging and the next 90 days as bars, side by side (a 768-pixel screen has the width,
        not the height)."""
        self.aging_view, self.aging_chart = bar_chart(
            self.tr("Atraso por faixa (pacientes) — clique para ver a lista"), LATE
        )
        self.cash_view, self.cash_chart = bar_chart(
            self.tr("A vencer nos próximos 90 dias (principal)"), BRAND
        )
        charts = QHBoxLayout()
        charts.addWidget(self.aging_view, 1)
        charts.addWidget(self.cash_view, 1)
        return charts

    def refresh(self) -> None:
        """Compute again off the UI thread, in two steps the window stays usable through (no
        modal progress): the gestor's figures first — ready in milliseconds once the window
        prepared the day's money — then the desk's day and the inbox, which draft every
        message of Cobrança de hoje (a second or more at 20,000 patients)."""
        if self.task is not None:
            return
        services = self.services
        if not self.arrange():
            self._desk_part(reports=False)
            return
        self.status.setText(self.tr("Calculando…"))

        def job(_progress: Progress, _cancelled: IsCancelled) -> Dashboard:
            return services.dashboard.summary()

        self.task = ops.start(self, job, on_success=self._figures, on_error=self._failed)

    def _figures(self, summary: Dashboard) -> None:
        self.show_dashboard(summary)
        self._desk_part(reports=True)

    def _desk_part(self, *, reports: bool) -> None:
        """``reports``: the figures are on the view already (with their date)."""
        self.status.setText(self.tr("Calculando a cobrança de hoje…"))
        services = self.services

        def job(_progress: Progress, _cancelled: IsCancelled) -> Desk:
            return services.desk.overview()

        self.task = ops.start(
            self, job, on_success=lambda found: self._loaded(found, reports), on_error=self._failed
        )

    def _failed(self, exc: EmDiaError) -> None:
        self.task = None
        self.status.setText(exc.message)

    def _loaded(self, found: Desk, reports: bool) -> None:
        self.task = None
        self.status.setText("")
        day, inbox = found
        self.day = day
        self.desk.show_day(day)
        self.today_promises.show_day(day)
        self.inbox.show_items(inbox)
        if not reports:
            self.as_of.setText(self.tr("{date}").format(date=format_date(day.day)))
            self.removals.hide()
            self.promise_list.setText("")
        self.loaded.emit()

    def show_dashboard(self, d: Dashboard) -> None:
        self.dashboard = d
        self.as_of.setText(self.tr("valores de {date}").format(date=format_date(d.as_of)))
        self.receivable.set(
            format_brl(d.receivable_cents),
            self.tr("principal em aberto: {a} a vencer + {b} vencido").format(
                a=format_brl(d.not_due_cents), b=format_brl(d.overdue_cents)
            ),
        )
        detail = self.tr("{n}, {i}; principal {p} + multa, juros e correção").format(
            n=_count(d.overdue_patients, "paciente", "pacientes"),
            i=_count(d.overdue_installments, "parcela", "parcelas"),
            p=format_brl(d.overdue_cents),
        )
        if d.prescribed_cents:
            # Five years past due (CC art. 206 §5 I): not collectable, in no other figure.
            detail += self.tr("\nprescrito, não cobrável: {p} ({n})").format(
                p=format_brl(d.prescribed_cents),
                n=_count(d.prescribed_patients, "paciente", "pacientes"),
            )
        self.overdue.set(format_brl(d.overdue_updated_cents), detail)
        self.rate.set(
            format_percent(d.default_rate_bp),
            self.tr("principal vencido ÷ total a receber"),
        )
        self.recovered.set(
            format_brl(d.recovered_month_cents),
            self.tr("{n} de parcelas que estavam atrasadas, desde {d}").format(
                n=_count(d.recovered_month_payments, "pagamento", "pagamentos"),
                d=format_date(d.month_start),
            ),
        )
        self.promises_week.set(
            format_brl(d.promises_week_cents),
            self.tr("{n} de {a} a {b}; {p} aguardando").format(
                n=_count(len(d.promises_week), "promessa", "promessas"),
                a=format_date(d.week_start),
                b=format_date(d.week_end),
                p=d.promises_week_pending,
            ),
        )
        last = d.cash_windows[-1].end if d.cash_windows else d.as_of
        self.expected.set(
            format_brl(d.expected_90_days_cents),
            self.tr("parcelas a vencer até {d} (sem contar o atraso)").format(d=format_date(last)),
        )
        bands = {b.bucket: b for b in d.aging}
        bars = fill_bars(
            self.aging_chart,
            [
                f"{BUCKET_LABELS[b]} ({bands[b].patients}) · {format_brl(bands[b].updated_cents)}"
                for b in BUCKETS
            ],
            [bands[b].updated_cents for b in BUCKETS],
            LATE,
            self.tr("Valor atualizado"),
        )
        # Bars are drawn bottom-up: index 0 is the last band.
        bars.clicked.connect(lambda index: self.show_bucket.emit(BUCKETS[len(BUCKETS) - 1 - index]))
        fill_bars(
            self.cash_chart,
            [f"{day_span(w.start, w.end)} · {format_brl(w.cents)}" for w in d.cash_windows],
            [w.cents for w in d.cash_windows],
            BRAND,
            self.tr("A vencer"),
        )
        self.promise_list.setText(promises_html(d))
        self.removals.setText(removals_html(d))
        self.removals.setVisible(bool(d.negativacao_removals))


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def removals_html(d: Dashboard) -> str:
    """Negativações to remove after full payment: overdue ones in red (Súmula 548 STJ); each
    one is a line of the inbox."""
    if not d.negativacao_removals:
        return ""
    late = d.removals_overdue
    head = (
        f"<b>Retirar negativação</b> — {len(d.negativacao_removals)} dívida(s) paga(s) ainda "
        "negativada(s); a retirada é obrigatória em até 5 dias úteis (Súmula 548 do STJ)"
    )
    if late:
        head += f": <b style='color:{LATE}'>{late} com o prazo vencido</b>"
    return head + " — cada uma está em <i>Aguardando você</i>."


def promises_html(d: Dashboard) -> str:
    e = html.escape
    if not d.promises_week:
        return (
            "<b>Promessas desta semana</b><p style='color:#555'>Nenhuma promessa para esta "
            "semana.</p>"
        )
    lines = ["<b>Promessas desta semana</b><table cellspacing='3'>"]
    for line in d.promises_week[:8]:
        p = line.promise
        colour = {PromiseStatus.BROKEN: LATE, PromiseStatus.KEPT: BRAND}.get(line.status, "#555")
        lines.append(
            f"<tr><td>{WEEKDAYS[p.promised_on.weekday()]} {p.promised_on:%d/%m}</td>"
            f"<td>{e(p.patient_name)}</td>"
            f"<td align='right'>{format_brl(p.amount_cents).replace(' ', '&nbsp;')}</td>"
            f"<td style='color:{colour}'>{PROMISE_WORDS[line.status]}</td></tr>"
        )
    lines.append("</table>")
    if len(d.promises_week) > 8:
        lines.append(f"<p>… e mais {len(d.promises_week) - 8}.</p>")
    return "".join(lines)
