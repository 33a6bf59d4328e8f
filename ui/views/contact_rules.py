"""Configurações → Régua → Regras de contato: the hours collection contacts are allowed on each
weekday and the days between two contacts (CDC art. 42: no contact at rest hours, never on
Sundays — that line cannot be edited)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.domain.contacts import MAX_MIN_DAYS_BETWEEN, WEEKDAY_KEYS, WEEKDAY_LABELS
from app.errors import EmDiaError
from app.services.collection.regua_settings import ReguaSettingsService, RulesView
from ui import ops
from ui.widgets.form import ERROR_STYLE


class ContactRulesBox(QGroupBox):
    def __init__(self, service: ReguaSettingsService, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Regras de contato"), parent)
        self.setObjectName("rules")
        self.service = service
        grid = QGridLayout(self)
        self.windows: dict[str, tuple[QLineEdit, QLineEdit]] = {}
        # Two weekdays a row: the box sits in the narrow column under the steps.
        for index, key in enumerate(WEEKDAY_KEYS):
            row, col = divmod(index, 2)
            grid.addWidget(self._weekday(index, key), row, col)
        self.min_days = QSpinBox()
        self.min_days.setObjectName("min_days")
        self.min_days.setRange(0, MAX_MIN_DAYS_BETWEEN)
        self.min_days.setSuffix(self.tr(" dia(s) entre contatos"))
        self.save_button = QPushButton(self.tr("Salvar regras"))
        self.save_button.setObjectName("saveRules")
        self.status = QLabel()
        self.status.setObjectName("rulesStatus")
        self.status.setWordWrap(True)
        grid.addWidget(self.min_days, 4, 0, 1, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.status, 1)
        grid.addLayout(bottom, 5, 0, 1, 2)
        note = QLabel(
            self.tr(
                "Nunca aos domingos e feriados. Deixe um dia em branco para não fazer contatos "
                "nesse dia. Horários entre 08:00 e 20:00 (CDC art. 42)."
            )
        )
        note.setWordWrap(True)
        grid.addWidget(note, 6, 0, 1, 2)
        self.save_button.clicked.connect(self.save)

    def _weekday(self, index: int, key: str) -> QWidget:
        """``Seg [08:00] às [20:00]``; Sunday stays empty and disabled."""
        start, end = QLineEdit(), QLineEdit()
        start.setObjectName(f"start_{key}")
        end.setObjectName(f"end_{key}")
        for edit in (start, end):
            edit.setPlaceholderText("—")
            # "20:00" whole: squeezed, the field scrolled and showed "0:00".
            edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("00:00") + 14)
            edit.setMaximumWidth(70)
            edit.setEnabled(key != "sun")  # never on Sundays
        self.windows[key] = (start, end)
        cell = QWidget()
        row = QHBoxLayout(cell)
        row.addWidget(QLabel(WEEKDAY_LABELS[index].capitalize()))
        row.addWidget(start)
        row.addWidget(QLabel(self.tr("às")))
        row.addWidget(end)
        return cell

    def show_rules(self, rules: RulesView) -> None:
        for index, key in enumerate(WEEKDAY_KEYS):
            start, end = self.windows[key]
            window = rules.windows.get(index)
            start.setText(f"{window[0]:%H:%M}" if window else "")
            end.setText(f"{window[1]:%H:%M}" if window else "")
        self.min_days.setValue(rules.min_days_between)

    def save(self) -> None:
        texts = {key: (s.text(), e.text()) for key, (s, e) in self.windows.items()}
        days = self.min_days.value()
        self.status.clear()
        if ops.attempt(self, lambda: self.service.save_rules(texts, days), on_error=self._refused):
            self.status.setStyleSheet("")
            self.status.setText(self.tr("Regras salvas."))

    def _refused(self, exc: EmDiaError) -> None:
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(exc.message)
