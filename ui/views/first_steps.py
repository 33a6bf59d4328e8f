"""Configurações → Primeiros passos: after set-up, what is left to do before the first day (the
clinic's data, users, the régua, PIX, the backup folder, the patients), each with the button
that opens where it is done. Shown first while anything is left."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.first_steps import FirstStep, Step
from app.services.clinic import ClinicService
from ui import ops

DONE, TODO = "✓", "•"
DONE_STYLE, TODO_STYLE = "color: #1f6b5e; font-size: 18px;", "color: #9a5b00; font-size: 18px;"


class FirstStepsPanel(QWidget):
    go = Signal(str)  # the Step to open

    def __init__(self, service: ClinicService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("FirstSteps")
        self.service = service
        self.steps: list[FirstStep] = []
        self.summary = QLabel()
        self.summary.setObjectName("firstStepsSummary")
        self.summary.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(2, 1)
        self.grid.setVerticalSpacing(10)
        self.rows: dict[Step, tuple[QLabel, QLabel, QLabel, QPushButton]] = {}
        for row, step in enumerate(Step):
            mark, title, detail = QLabel(), QLabel(), QLabel()
            title.setObjectName(f"title_{step.value}")
            detail.setObjectName(f"detail_{step.value}")
            detail.setWordWrap(True)
            button = QPushButton(self.tr("Abrir"))
            button.setObjectName(f"open_{step.value}")
            button.clicked.connect(lambda _c=False, s=step: self.go.emit(s.value))
            for column, widget in enumerate((mark, title, detail, button)):
                self.grid.addWidget(widget, row, column, Qt.AlignmentFlag.AlignTop)
            self.rows[step] = (mark, title, detail, button)
        body = QWidget()
        body.setMaximumWidth(900)
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.summary)
        inner.addLayout(self.grid)
        layout = QVBoxLayout(self)
        layout.addWidget(body)
        layout.addStretch(1)

    def load(self) -> None:
        found = ops.call(self, self.service.first_steps)
        if found is not None:
            self.show_steps(found)

    def show_steps(self, steps: list[FirstStep]) -> None:
        self.steps = steps
        for step in steps:
            mark, title, detail, button = self.rows[step.step]
            mark.setText(DONE if step.done else TODO)
            mark.setStyleSheet(DONE_STYLE if step.done else TODO_STYLE)
            title.setText(f"<b>{step.title}</b>")
            detail.setText(step.detail)
            button.setText(self.tr("Revisar") if step.done else self.tr("Abrir"))
        left = sum(1 for s in steps if not s.done)
        self.summary.setText(
            self.tr("Tudo pronto para o dia a dia da clínica.")
            if not left
            else self.tr(
                "Faltam {n} de {total} passos para a clínica começar a usar o EmDia. Cada "
                "botão abre onde o passo é feito."
            ).format(n=left, total=len(steps))
        )

    @property
    def complete(self) -> bool:
        return bool(self.steps) and all(s.done for s in self.steps)
