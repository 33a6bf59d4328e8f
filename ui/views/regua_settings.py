"""Configurações → Régua: the steps (when, channel, text, active) with a live preview on a demo
patient, and below them the contact rules (``ContactRulesBox``).

The lawful-wording check (CDC arts. 42 and 71, LGPD art. 11) shows its findings while typing and
refuses on save; the services enforce it either way.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import Channel, label
from app.domain.regua import DEFAULT_BY_KEY, MAX_OFFSET, MIN_OFFSET, ReguaStep
from app.domain.templates import PLACEHOLDERS
from app.services.collection.regua_settings import ReguaSettingsService, StepForm
from ui import ops
from ui.views.contact_rules import ContactRulesBox
from ui.widgets.form import FieldErrors, error_label

CHANNELS = (
    Channel.WHATSAPP,
    Channel.EMAIL,
    Channel.SMS,
    Channel.PHONE,
    Channel.LETTER,
    Channel.MANUAL,
)
PREVIEW_DELAY_MS = 250
TEXT_MIN_HEIGHT = 110  # the text and its preview side by side in height on a 768-pixel screen


class ReguaSettings(QWidget):
    def __init__(self, service: ReguaSettingsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReguaSettings")
        self.service = service
        self.steps: list[ReguaStep] = []
        self.can_edit = True
        self._filling = False
        self.list = QListWidget()
        self.list.setObjectName("steps")
        self.list.setMinimumWidth(330)
        self.rules = ContactRulesBox(service)
        # The steps and, under them, the contact rules; the selected step's editor beside them:
        # the whole régua fits a 1366×768 screen without scrolling.
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.list, 1)
        column.addWidget(self.rules)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self._editor())
        split.setSizes([420, 780])
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)

        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DELAY_MS)
        self.preview_timer.timeout.connect(self.refresh_preview)
        self.list.currentRowChanged.connect(self.show_step)
        for signal in (self.template.textChanged, self.channel.currentIndexChanged,
                       self.offset.valueChanged):  # fmt: skip
            signal.connect(self._edited)
        self.offset.valueChanged.connect(self._describe_offset)
        self.insert.activated.connect(self._insert_placeholder)
        self.save_button.clicked.connect(self.save)
        self.default_button.clicked.connect(self.restore_default)

    # --- building ---------------------------------------------------------------------------
    def _editor(self) -> QWidget:
        """The selected step: when, channel, active, its text and the live preview."""
        self.step_title = QLabel()
        self.step_title.setObjectName("stepTitle")
        general = error_label()
        self.errors = FieldErrors(general)
        form = QFormLayout()
        form.addRow("", self.step_title)
        self.errors.add_row(form, self.tr("Quando"), self._when(), "offset_days")
        self.channel = QComboBox()
        self.channel.setObjectName("channel")
        self.channel.setMaximumWidth(240)
        for channel in CHANNELS:
            self.channel.addItem(label(channel), channel.value)
        self.errors.add_row(form, self.tr("Canal"), self.channel, "channel")
        self.active = QCheckBox(self.tr("Passo ativo"))
        self.active.setObjectName("active")
        form.addRow("", self.active)
        self.errors.add_row(form, self.tr("Texto"), self._text(), "template")
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("preview")
        self.preview.setReadOnly(True)
        self.preview.setMinimumHeight(TEXT_MIN_HEIGHT)
        form.addRow(self.tr("Prévia"), self.preview)
        self.problems = error_label("problems")
        self.problems.show()
        form.addRow("", self.problems)
        editor = QWidget()
        box = QVBoxLayout(editor)
        box.addWidget(general)
        box.addLayout(form)
        box.addLayout(self._buttons())
        box.addStretch(1)
        return editor

    def _when(self) -> QWidget:
        """Days from the due date (D−3 … D+60), said in words beside it."""
        self.offset = QSpinBox()
        self.offset.setObjectName("offset_days")
        self.offset.setRange(MIN_OFFSET, MAX_OFFSET)
        self.offset.setSuffix(self.tr(" dia(s)"))
        self.offset_hint = QLabel()
        self.offset_hint.setObjectName("offsetHint")
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.addWidget(self.offset)
        row.addWidget(self.offset_hint, 1)
        return holder

    def _text(self) -> QWidget:
        """The message, with a menu that inserts a placeholder ({nome}, {pix}…)."""
        self.insert = QComboBox()
        self.insert.setObjectName("insertPlaceholder")
        self.insert.addItem(self.tr("Inserir campo…"), "")
        for name, meaning in PLACEHOLDERS.items():
            self.insert.addItem("{" + name + "}", name)
            self.insert.setItemData(self.insert.count() - 1, meaning, Qt.ItemDataRole.ToolTipRole)
        self.template = QPlainTextEdit()
        self.template.setObjectName("template")
        self.template.setMinimumHeight(TEXT_MIN_HEIGHT)
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.addWidget(self.insert, 0, Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.template)
        return holder

    def _buttons(self) -> QHBoxLayout:
        self.save_button = QPushButton(self.tr("Salvar passo"))
        self.save_button.setObjectName("saveStep")
        self.default_button = QPushButton(self.tr("Restaurar o padrão"))
        self.default_button.setObjectName("restoreDefault")
        self.status = QLabel()
        self.status.setObjectName("stepStatus")
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.default_button)
        row.addWidget(self.status, 1)
        return row

    # --- loading ------------------------------------------------------------------------
    def load(self) -> None:
        found = ops.call(
            self,
            lambda: (self.service.steps(), self.service.rules()),
            on_error=ops.show_in(self.status),
        )
        if found is None:
            return
        self.steps, rules = found
        current = max(0, self.list.currentRow())
        self.list.blockSignals(True)
        self.list.clear()
        for step in self.steps:
            item = QListWidgetItem(self._list_text(step))
            item.setData(Qt.ItemDataRole.UserRole, step.key)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.list.setCurrentRow(min(current, len(self.steps) - 1))
        self.show_step(self.list.currentRow())
        self.rules.show_rules(rules)

    def _list_text(self, step: ReguaStep) -> str:
        text = f"{step.when} · {step.name} · {label(step.channel)}"
        return text if step.active else text + self.tr("  (desativado)")

    def current_step(self) -> ReguaStep | None:
        row = self.list.currentRow()
        return self.steps[row] if 0 <= row < len(self.steps) else None

    def show_step(self, row: int) -> None:
        step = self.steps[row] if 0 <= row < len(self.steps) else None
        if step is None:
            return
        self._fill(step)
        self.status.clear()

    def _fill(self, step: ReguaStep) -> None:
        self._filling = True
        self.errors.clear()
        self.step_title.setText(f"<b>{step.name}</b>")
        low, high = (0, 30) if step.is_event else (MIN_OFFSET, MAX_OFFSET)
        self.offset.setRange(low, high)
        self.offset.setValue(step.offset_days)
        self._describe_offset(step.offset_days)
        self.channel.setCurrentIndex(max(0, self.channel.findData(step.channel)))
        self.active.setChecked(step.active)
        self.template.setPlainText(step.template)
        self._filling = False
        self.refresh_preview()

    def _describe_offset(self, value: int) -> None:
        step = self.current_step()
        if step is not None and step.is_event:
            text = self.tr("depois do pagamento")
        elif value < 0:
            text = self.tr("antes do vencimento (D{v})").format(v=value)
        elif value == 0:
            text = self.tr("no dia do vencimento (D0)")
        else:
            text = self.tr("depois do vencimento (D+{v})").format(v=value)
        self.offset_hint.setText(text)

    # --- editing ------------------------------------------------------------------------
    def form(self) -> StepForm:
        return StepForm(
            offset_days=str(self.offset.value()),
            channel=str(self.channel.currentData()),
            template=self.template.toPlainText(),
            active=self.active.isChecked(),
        )

    def _edited(self) -> None:
        if not self._filling:
            self.errors.clear()  # the live check below replaces what the last save said
            self.preview_timer.start()

    def _insert_placeholder(self, index: int) -> None:
        name = self.insert.itemData(index)
        if name:
            self.template.insertPlainText("{" + str(name) + "}")
            self.template.setFocus()
        self.insert.setCurrentIndex(0)

    def refresh_preview(self) -> None:
        step = self.current_step()
        if step is None:
            return
        if not self.can_edit:
            self.preview.setPlainText(self.template.toPlainText())
            self.problems.clear()
            return
        form = self.form()
        preview = ops.call(
            self, lambda: self.service.preview(step.key, form), on_error=ops.show_in(self.problems)
        )
        if preview is None:
            return
        self.preview.setPlainText(preview.text)
        self.problems.setText("\n".join(p.message for p in preview.problems))

    def save(self) -> None:
        step = self.current_step()
        if step is None:
            return
        self.status.clear()
        saved: list[ReguaStep] = []
        form = self.form()
        if not self.errors.attempt(lambda: saved.append(self.service.save_step(step.key, form))):
            self.problems.clear()  # the same findings are now under the text
            self.status.setText(self.tr("Nada foi salvo: corrija o que está indicado."))
            return
        row = self.list.currentRow()
        self.steps[row] = saved[0]
        self.list.item(row).setText(self._list_text(saved[0]))
        self.status.setText(self.tr("Passo salvo."))

    def restore_default(self) -> None:
        step = self.current_step()
        default = DEFAULT_BY_KEY.get(step.key) if step is not None else None
        if default is not None:
            self._fill(default)
            self.status.setText(self.tr('Texto padrão restaurado; clique em "Salvar passo".'))

    def apply_permissions(self, can_settings: bool) -> None:
        self.can_edit = can_settings
        tip = "" if can_settings else self.tr("Só gestor ou administrador altera a régua.")
        for button in (self.save_button, self.default_button, self.rules.save_button):
            button.setEnabled(can_settings)
            button.setToolTip(tip)
        self.template.setReadOnly(not can_settings)
