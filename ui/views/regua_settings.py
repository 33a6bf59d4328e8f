"""Configurações → Régua: the steps (when, channel, text, active) with a live preview on a demo
patient, and the contact rules (allowed hours per weekday, days between contacts).

The lawful-wording check (CDC arts. 42 and 71, LGPD art. 11) shows its findings while typing and
refuses on save; the services enforce it either way.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
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
from app.domain.contacts import MAX_MIN_DAYS_BETWEEN, WEEKDAY_KEYS, WEEKDAY_LABELS
from app.domain.regua import DEFAULT_BY_KEY, MAX_OFFSET, MIN_OFFSET, ReguaStep
from app.domain.templates import PLACEHOLDERS
from app.errors import EmDiaError
from app.services.collection import CollectionService, StepForm
from ui.widgets.form import ERROR_STYLE, FieldErrors, error_label

CHANNELS = (
    Channel.WHATSAPP,
    Channel.EMAIL,
    Channel.SMS,
    Channel.PHONE,
    Channel.LETTER,
    Channel.MANUAL,
)
PREVIEW_DELAY_MS = 250


class ReguaSettings(QWidget):
    def __init__(self, service: CollectionService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReguaSettings")
        self.service = service
        self.steps: list[ReguaStep] = []
        self.can_edit = True
        self._filling = False

        self.list = QListWidget()
        self.list.setObjectName("steps")
        self.list.setMinimumWidth(330)

        self.step_title = QLabel()
        self.step_title.setObjectName("stepTitle")
        self.offset = QSpinBox()
        self.offset.setObjectName("offset_days")
        self.offset.setRange(MIN_OFFSET, MAX_OFFSET)
        self.offset.setSuffix(self.tr(" dia(s)"))
        self.offset_hint = QLabel()
        self.offset_hint.setObjectName("offsetHint")
        self.channel = QComboBox()
        self.channel.setObjectName("channel")
        self.channel.setMaximumWidth(240)
        for channel in CHANNELS:
            self.channel.addItem(label(channel), channel.value)
        self.active = QCheckBox(self.tr("Passo ativo"))
        self.active.setObjectName("active")
        self.template = QPlainTextEdit()
        self.template.setObjectName("template")
        self.template.setMinimumHeight(150)
        self.insert = QComboBox()
        self.insert.setObjectName("insertPlaceholder")
        self.insert.addItem(self.tr("Inserir campo…"), "")
        for name, meaning in PLACEHOLDERS.items():
            self.insert.addItem("{" + name + "}", name)
            self.insert.setItemData(self.insert.count() - 1, meaning, Qt.ItemDataRole.ToolTipRole)
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("preview")
        self.preview.setReadOnly(True)
        self.preview.setMinimumHeight(150)
        self.problems = error_label("problems")
        self.problems.show()
        self.save_button = QPushButton(self.tr("Salvar passo"))
        self.save_button.setObjectName("saveStep")
        self.default_button = QPushButton(self.tr("Restaurar o padrão"))
        self.default_button.setObjectName("restoreDefault")
        self.status = QLabel()
        self.status.setObjectName("stepStatus")
        self.status.setWordWrap(True)

        general = error_label()
        self.errors = FieldErrors(general)
        form = QFormLayout()
        form.addRow("", self.step_title)
        when = QHBoxLayout()
        when.addWidget(self.offset)
        when.addWidget(self.offset_hint, 1)
        when_holder = QWidget()
        when_holder.setLayout(when)
        self.errors.add_row(form, self.tr("Quando"), when_holder, "offset_days")
        self.errors.add_row(form, self.tr("Canal"), self.channel, "channel")
        form.addRow("", self.active)
        text_box = QVBoxLayout()
        text_box.addWidget(self.insert, 0, Qt.AlignmentFlag.AlignLeft)
        text_box.addWidget(self.template)
        text_holder = QWidget()
        text_holder.setLayout(text_box)
        self.errors.add_row(form, self.tr("Texto"), text_holder, "template")
        form.addRow(self.tr("Prévia"), self.preview)
        form.addRow("", self.problems)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.default_button)
        buttons.addWidget(self.status, 1)
        editor = QWidget()
        editor_box = QVBoxLayout(editor)
        editor_box.addWidget(general)
        editor_box.addLayout(form)
        editor_box.addLayout(buttons)
        editor_box.addStretch(1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(editor)
        split.setSizes([340, 860])

        # --- contact rules ---------------------------------------------------------------
        rules = QGroupBox(self.tr("Regras de contato"))
        rules.setObjectName("rules")
        grid = QGridLayout(rules)
        self.windows: dict[str, tuple[QLineEdit, QLineEdit]] = {}
        for index, key in enumerate(WEEKDAY_KEYS):
            start, end = QLineEdit(), QLineEdit()
            start.setObjectName(f"start_{key}")
            end.setObjectName(f"end_{key}")
            for edit in (start, end):
                edit.setPlaceholderText("—")
                edit.setMaximumWidth(70)
            self.windows[key] = (start, end)
            if key == "sun":  # never on Sundays (DESIGN.md §4)
                start.setEnabled(False)
                end.setEnabled(False)
            row, col = divmod(index, 4)
            cell = QHBoxLayout()
            cell.addWidget(QLabel(WEEKDAY_LABELS[index].capitalize()))
            cell.addWidget(start)
            cell.addWidget(QLabel(self.tr("às")))
            cell.addWidget(end)
            holder = QWidget()
            holder.setLayout(cell)
            grid.addWidget(holder, row, col)
        self.min_days = QSpinBox()
        self.min_days.setObjectName("min_days")
        self.min_days.setRange(0, MAX_MIN_DAYS_BETWEEN)
        self.min_days.setSuffix(self.tr(" dia(s) entre contatos"))
        self.rules_button = QPushButton(self.tr("Salvar regras"))
        self.rules_button.setObjectName("saveRules")
        self.rules_status = QLabel()
        self.rules_status.setObjectName("rulesStatus")
        self.rules_status.setWordWrap(True)
        grid.addWidget(self.min_days, 1, 3)
        bottom = QHBoxLayout()
        bottom.addWidget(self.rules_button)
        bottom.addWidget(self.rules_status, 1)
        grid.addLayout(bottom, 2, 0, 1, 4)
        note = QLabel(
            self.tr(
                "Nunca aos domingos e feriados. Deixe um dia em branco para não fazer contatos "
                "nesse dia. Horários entre 08:00 e 20:00 (CDC art. 42)."
            )
        )
        note.setWordWrap(True)
        grid.addWidget(note, 3, 0, 1, 4)

        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(rules)

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
        self.rules_button.clicked.connect(self.save_rules)

    # --- loading ------------------------------------------------------------------------
    def load(self) -> None:
        try:
            self.steps = self.service.steps()
            rules = self.service.rules()
        except EmDiaError as exc:
            self.status.setText(exc.message)
            return
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
        for index, key in enumerate(WEEKDAY_KEYS):
            start, end = self.windows[key]
            window = rules.windows.get(index)
            start.setText(f"{window[0]:%H:%M}" if window else "")
            end.setText(f"{window[1]:%H:%M}" if window else "")
        self.min_days.setValue(rules.min_days_between)

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
        try:
            preview = self.service.preview(step.key, self.form())
        except EmDiaError as exc:
            self.problems.setText(exc.message)
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

    def save_rules(self) -> None:
        texts = {key: (s.text(), e.text()) for key, (s, e) in self.windows.items()}
        self.rules_status.clear()
        try:
            self.service.save_rules(texts, self.min_days.value())
        except EmDiaError as exc:
            self.rules_status.setStyleSheet(ERROR_STYLE)
            self.rules_status.setText(exc.message)
            return
        self.rules_status.setStyleSheet("")
        self.rules_status.setText(self.tr("Regras salvas."))

    def apply_permissions(self, can_settings: bool) -> None:
        self.can_edit = can_settings
        tip = "" if can_settings else self.tr("Só gestor ou administrador altera a régua.")
        for button in (self.save_button, self.default_button, self.rules_button):
            button.setEnabled(can_settings)
            button.setToolTip(tip)
        self.template.setReadOnly(not can_settings)
