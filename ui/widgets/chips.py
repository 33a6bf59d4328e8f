"""Flag chips: the risk signals drawn as small coloured labels in tables and panels."""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.domain.risk import FLAG_LABELS, Flag

Index = QModelIndex | QPersistentModelIndex

# Background / text per signal: red for what the patient did, grey-blue for what we lack.
FLAG_COLOURS: dict[str, tuple[str, str]] = {
    FLAG_LABELS[Flag.PROMESSA_QUEBRADA]: ("#fbe3e1", "#8c1d18"),
    FLAG_LABELS[Flag.CHEQUE_DEVOLVIDO]: ("#fbe3e1", "#8c1d18"),
    FLAG_LABELS[Flag.PRIMEIRA_PARCELA]: ("#fbe3e1", "#8c1d18"),
    FLAG_LABELS[Flag.NEGATIVADO]: ("#f3dcef", "#6d1b5f"),
    FLAG_LABELS[Flag.PAGAMENTOS_PARCIAIS]: ("#fdf0d5", "#7a4a00"),
    FLAG_LABELS[Flag.SEM_CONTATO]: ("#e6e9ee", "#37474f"),
    FLAG_LABELS[Flag.DADOS_DESATUALIZADOS]: ("#e6e9ee", "#37474f"),
    FLAG_LABELS[Flag.PRESCRICAO]: ("#e8e2f6", "#4a2f8c"),
}
DEFAULT_COLOURS = ("#e6e9ee", "#37474f")
PAD_X, GAP, RADIUS = 6, 4, 7


def chips_html(labels: list[str]) -> str:
    """The same chips as rich text, for labels and tooltips."""
    parts = []
    for text in labels:
        bg, fg = FLAG_COLOURS.get(text, DEFAULT_COLOURS)
        parts.append(
            f'<span style="background-color:{bg}; color:{fg};">&nbsp;{html.escape(text)}&nbsp;'
            "</span>"
        )
    return " ".join(parts)


class ChipDelegate(QStyledItemDelegate):
    """Paints the list in ``role`` (a list of labels) as chips, clipped to the cell."""

    def __init__(self, role: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = role

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        labels = index.data(self.role) or []
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setClipRect(option.rect)
        metrics = QFontMetrics(option.font)
        height = metrics.height() + 2
        x = option.rect.x() + 3
        y = option.rect.y() + (option.rect.height() - height) // 2
        for text in labels:
            bg, fg = FLAG_COLOURS.get(text, DEFAULT_COLOURS)
            width = metrics.horizontalAdvance(text) + 2 * PAD_X
            rect = QRect(x, y, width, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(bg))
            painter.drawRoundedRect(rect, RADIUS, RADIUS)
            painter.setPen(QColor(fg))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
            x += width + GAP
            if x > option.rect.right():
                break
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        labels = index.data(self.role) or []
        metrics = QFontMetrics(option.font)
        width = sum(metrics.horizontalAdvance(t) + 2 * PAD_X + GAP for t in labels)
        return QSize(width + 6, metrics.height() + 8)
