"""Início's panels that are not reports: the desk's day (contacts done and left, promises due
today, money received today and this month — every payment) and the gestor's inbox (what only
they may decide, each line opening the place where it is decided)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.dates import format_date
from app.domain.desk import DeskDay, InboxItem
from app.domain.money import format_brl
from app.domain.promises import PromiseStatus
from ui.models.rows_model import Row, RowsTableModel
from ui.widgets.buttons import push_button
from ui.widgets.card import Card
from ui.widgets.tables import make_table

LATE, BRAND, MUTED = "#b3261e", "#1f6b5e", "#555"
INBOX_BATCH = 100  # inbox lines laid out per pass of the event loop

PROMISE_WORDS = {
    PromiseStatus.PENDING: "aguardando",
    PromiseStatus.KEPT: "cumprida",
    PromiseStatus.BROKEN: "não cumprida",
    PromiseStatus.CANCELLED: "cancelada",
}


class DeskStrip(QWidget):
    """Hoje na recepção: four figures of the day, for everyone who works the desk."""

    open_today = Signal()  # Cobrança de hoje

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deskDay")
        self.contacts = Card("contactsToday", self.tr("Contatos de hoje"))
        self.open_button = push_button(
            "openToday", self.tr("Abrir Cobrança de hoje"), self.open_today.emit
        )
        self.contacts.box.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.promises = Card("promisesToday", self.tr("Promessas para hoje"))
        self.received_today = Card("receivedToday", self.tr("Recebido hoje"))
        self.received_month = Card("receivedMonth", self.tr("Recebido no mês"))
        row = QGridLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for column, card in enumerate(
            (self.contacts, self.promises, self.received_today, self.received_month)
        ):
            row.addWidget(card, 0, column)
            row.setColumnStretch(column, 1)

    def show_day(self, day: DeskDay) -> None:
        self.contacts.set(
            self.tr("{done} feitos · {left} faltam").format(
                done=day.contacts_done, left=day.contacts_left
            ),
            self.tr("{now} podem ser feitos agora").format(now=day.contacts_now)
            if day.contacts_left
            else self.tr("nada mais para hoje"),
        )
        names = ", ".join(
            f"{p.promise.patient_name.split()[0]} ({PROMISE_WORDS[p.status]})"
            for p in day.promises_today[:3]
        )
        more = len(day.promises_today) - 3
        self.promises.set(
            format_brl(day.promises_today_cents),
            (names + (self.tr(" e mais {n}").format(n=more) if more > 0 else ""))
            or self.tr("nenhuma promessa vence hoje"),
        )
        self.received_today.set(
            format_brl(day.received_today.cents),
            _payments(day.received_today.count) + self.tr(" — todas as parcelas"),
        )
        self.received_month.set(
            format_brl(day.received_month.cents),
            _payments(day.received_month.count)
            + self.tr(" desde {d}").format(d=format_date(day.month_start)),
        )


def _payments(n: int) -> str:
    return f"{n} pagamento" if n == 1 else f"{n} pagamentos"


class TodayPromises(QWidget):
    """The promises that fall due today, one per line: whom to expect money from (Enter or a
    double click opens the patient)."""

    open_patient = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("promisesTodayList")
        self.model = RowsTableModel(("Paciente", "Prometido", "Situação"), right_aligned=(1,))
        self.table = make_table(self.model, "promisesToday", (320, 120))
        self.table.activated.connect(
            lambda index: self.open_patient.emit(self.model.key(index.row()))
        )
        self.title = QLabel(self.tr("Promessas que vencem hoje"))
        self.title.setObjectName("kpiCaption")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)

    def show_day(self, day: DeskDay) -> None:
        # An empty table alone reads as "not loaded": say there is nothing due today.
        self.title.setText(
            self.tr("Promessas que vencem hoje ({count})").format(count=len(day.promises_today))
            if day.promises_today
            else self.tr(
                "Promessas que vencem hoje: nenhuma. Quem prometer pagar hoje aparece aqui."
            )
        )
        self.model.set_rows(
            [
                Row(
                    [
                        p.promise.patient_name,
                        format_brl(p.promise.amount_cents),
                        PROMISE_WORDS[p.status],
                    ],
                    key=p.promise.patient_id,
                    colour=LATE if p.status is PromiseStatus.BROKEN else None,
                )
                for p in day.promises_today
            ]
        )


class InboxPanel(QFrame):
    """Aguardando você: one line per decision waiting for the gestor; Enter, a double click or
    Abrir goes where it is decided."""

    item_opened = Signal(object)  # InboxItem

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inbox")
        self.setProperty("kpi", True)
        self.items: list[InboxItem] = []
        self.title = QLabel(self.tr("Aguardando você"))
        self.title.setObjectName("kpiCaption")
        self.list = QListWidget()
        self.list.setObjectName("inboxList")
        self.list.setWordWrap(True)
        # A large clinic's inbox holds thousands of lines (every suggested suspension): laid
        # out a hundred at a time while the event loop runs, the first lines show at once
        # instead of after measuring every wrapped line (≈ 0.1 s for 3,000).
        self.list.setLayoutMode(QListView.LayoutMode.Batched)
        self.list.setBatchSize(INBOX_BATCH)
        self.list.itemActivated.connect(lambda _item: self.open_current())
        # Until the first items arrive (Início computes them after its figures), it says so
        # instead of "nothing waits".
        self.empty = QLabel(self.tr("Calculando…"))
        self.empty.setObjectName("kpiNote")
        self.list.hide()
        self.open_button = QPushButton(self.tr("Abrir"))
        self.open_button.setObjectName("openInbox")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_current)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignRight)

    def show_items(self, items: list[InboxItem]) -> None:
        self.items = list(items)
        self.list.clear()
        for item in self.items:
            line = QListWidgetItem(f"{item.title}: {item.patient_name}\n{item.detail}")
            line.setToolTip(html.escape(item.detail))
            if item.urgent:
                line.setForeground(QColor(LATE))
            self.list.addItem(line)
        self.title.setText(self.tr("Aguardando você ({n})").format(n=len(self.items)))
        self.empty.setText(self.tr("Nada aguarda a sua decisão agora."))
        self.empty.setVisible(not self.items)
        self.list.setVisible(bool(self.items))
        self.open_button.setEnabled(bool(self.items))
        if self.items:
            self.list.setCurrentRow(0)

    def open_current(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.items):
            self.item_opened.emit(self.items[row])
