"""Conferência do dinheiro, under the fechamento de caixa of one day: what should be in the drawer
(cash received minus cash estornos of the day), what the person counted, and the difference —
recorded and audited; a difference needs a note."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from app.bootstrap import Services
from app.domain.money import format_brl
from app.domain.reports.cash import CashCount, CashCountForm
from app.errors import EmDiaError, ValidationError
from ui import ops
from ui.widgets.buttons import push_button


class CashCountPanel(QGroupBox):
    counted = Signal(object)  # the CashCount recorded

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cashCount")
        self.setTitle(self.tr("Conferência do dinheiro"))
        self.services = services
        self.day: date | None = None
        self.expected = QLabel()
        self.expected.setObjectName("cashExpected")
        self.amount = QLineEdit()
        self.amount.setObjectName("cashCounted")
        self.amount.setPlaceholderText(self.tr("contado, ex.: 350,00"))
        self.amount.setMaximumWidth(140)
        self.note = QLineEdit()
        self.note.setObjectName("cashNote")
        self.note.setPlaceholderText(self.tr("observação (obrigatória se houver diferença)"))
        self.save = push_button("saveCashCount", self.tr("Gravar conferência"), self.record)
        self.message = QLabel()
        self.message.setObjectName("cashMessage")
        self.message.setWordWrap(True)
        row = QHBoxLayout(self)
        row.addWidget(self.expected)
        row.addWidget(QLabel(self.tr("Contado:")))
        row.addWidget(self.amount)
        row.addWidget(self.note, 1)
        row.addWidget(self.save)
        row.addWidget(self.message, 1)

    def show_day(self, day: date, expected_cents: int, last: CashCount | None) -> None:
        self.day = day
        self.expected.setText(
            self.tr("Esperado em dinheiro: {amount}").format(amount=format_brl(expected_cents))
        )
        if last is None:
            self.message.setText(self.tr("Ainda não conferido."))
        else:
            self.message.setText(self._counted_text(last))

    def _counted_text(self, count: CashCount) -> str:
        return self.tr("Conferido por {user} às {time}: contado {c}, diferença {d}.").format(
            user=count.user,
            time=f"{count.at:%H:%M}",
            c=format_brl(count.counted_cents),
            d=format_brl(count.difference_cents),
        )

    def record(self) -> None:
        if self.day is None:
            return
        form = CashCountForm(self.day.isoformat(), self.amount.text(), self.note.text())
        count = ops.call(
            self, lambda: self.services.reports.count_cash(form), on_error=self._refused
        )
        if count is None:
            return
        self.amount.clear()
        self.note.clear()
        self.message.setText(self._counted_text(count))
        self.counted.emit(count)

    def _refused(self, exc: EmDiaError) -> None:
        if isinstance(exc, ValidationError):
            self.message.setText("\n".join(e.message for e in exc.errors))
        else:
            self.message.setText(exc.message)
