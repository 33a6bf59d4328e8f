"""Configurações: what is left to set up (Primeiros passos, first while anything is), the
clinic's identification and charge policy, the régua, users and backups, the audit log, the
database, and the certificates trusted for electronic signatures."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.bootstrap import Services
from app.domain.clinic import CLINIC_KEYS, CORRECTION_INDEXES, display_values
from app.domain.first_steps import Step
from app.domain.identity import UFS
from app.errors import EmDiaError, ValidationError
from app.services.clinic import ClinicService
from ui import ops
from ui.views.database_tab import DatabaseTab
from ui.views.first_steps import FirstStepsPanel
from ui.views.placeholder import PlaceholderView
from ui.views.regua_settings import ReguaSettings
from ui.views.transfer_panel import TransferPanel
from ui.views.trust_tab import TrustTab
from ui.widgets.form import FieldErrors, error_label
from ui.widgets.index_editor import IndexEditor

CLINIC_TAB_KEYS = (
    "name", "trade_name", "cnpj", "cpf", "cro", "address", "city", "state", "zip_code",
    "phone", "email", "pix_key", "pix_merchant_name", "pix_merchant_city", "logo",
)  # fmt: skip
CHARGES_TAB_KEYS = (
    "fine_percent",
    "interest_monthly_percent",
    "punctuality_discount_percent",
    "correction_index",
    "payment_backdate_days",
    "holidays",
)
CHOICES = {
    "state": [("", ""), *((uf, uf) for uf in UFS)],
    "correction_index": list(CORRECTION_INDEXES.items()),
}

HINTS = {
    "name": "Aparece em toda cobrança (CDC art. 42-A).",
    "cnpj": "Informe o CNPJ ou, para profissional autônomo, o CPF.",
    "pix_key": "CPF, CNPJ, e-mail, celular ou chave aleatória.",
    "pix_merchant_name": "Até 25 letras, como aparece no app do banco.",
    "fine_percent": "No máximo 2 % (CDC art. 52 §1).",
    "interest_monthly_percent": "Juros simples, pro rata dia; no máximo 1 % ao mês.",
    "punctuality_discount_percent": "Para quem paga até o vencimento; 0 para não usar.",
    "payment_backdate_days": "Pagamento com data mais antiga: só o gestor, com o motivo.",
    "logo": "Opcional: aparece no cabeçalho de todo documento.",
    "holidays": "dd/mm todo ano, dd/mm/aaaa uma vez: 20/01 São Sebastião; 13/06/2026 Ponto",
    "address": "Rua e número: aparece em toda cobrança (CDC art. 42-A).",
}


class ClinicForm(QWidget):
    """Edits a group of clinic keys; all-or-nothing save with errors under each field."""

    saved = Signal(object)

    def __init__(
        self, service: ClinicService, keys: tuple[str, ...], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.keys = keys
        self.version: int | None = None
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        general = error_label()
        self.errors = FieldErrors(general)
        form = QFormLayout()
        for key in keys:
            widget: QLineEdit | QComboBox
            if key in CHOICES:
                widget = QComboBox()
                for value, text in CHOICES[key]:
                    widget.addItem(text, value)
            else:
                widget = QLineEdit()
                widget.setPlaceholderText(HINTS.get(key, ""))
            widget.setObjectName(key)
            self.fields[key] = widget
            shown: QWidget = widget
            if key == "logo":
                shown = self._with_browse(widget)
            self.errors.add_row(form, CLINIC_KEYS[key].label, shown, key)
        self.save_button = QPushButton(self.tr("Salvar"))
        self.save_button.setObjectName("saveClinic")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setObjectName("status")
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.status, 1)
        body = QWidget()
        body.setMaximumWidth(760)  # long lines of form are hard to read on wide screens
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(general)
        inner.addLayout(form)
        inner.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(body)
        layout.addStretch(1)
        self.load()

    def _with_browse(self, edit: QLineEdit | QComboBox) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        browse = QPushButton(self.tr("Escolher imagem…"))
        browse.setObjectName("chooseLogo")
        browse.clicked.connect(lambda: self._choose_logo(edit))
        row.addWidget(browse)
        return holder

    def _choose_logo(self, edit: QLineEdit | QComboBox) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Logotipo da clínica"), "", self.tr("Imagens (*.png *.jpg *.jpeg)")
        )
        if path and isinstance(edit, QLineEdit):
            edit.setText(path)

    def load(self) -> None:
        info = ops.call(self, self.service.get)
        if info is None:
            return
        self.version = info.version or None
        values = display_values(info)
        for key, widget in self.fields.items():
            value = values[key]
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(value)))
            else:
                widget.setText(value)

    def changes(self) -> dict[str, str]:
        return {
            key: str(w.currentData()) if isinstance(w, QComboBox) else w.text()
            for key, w in self.fields.items()
        }

    def save(self) -> None:
        self.errors.clear()
        self.status.clear()
        changes, version = self.changes(), self.version
        info = ops.call(self, lambda: self.service.update(changes, version), on_error=self._refused)
        if info is None:
            return
        self.load()
        self.status.setText(self.tr("Dados salvos."))
        self.saved.emit(info)

    def _refused(self, exc: EmDiaError) -> None:
        if isinstance(exc, ValidationError):
            self.errors.show(exc)
            self.status.setText(self.tr("Nada foi salvo: corrija os campos indicados."))
        else:
            self.status.setText(exc.message)


class SettingsView(QWidget):
    clinic_changed = Signal(object)

    def __init__(
        self,
        services: Services,
        parent: QWidget | None = None,
        *,
        security: QWidget | None = None,
        audit: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("SettingsView")
        title = QLabel(self.tr("Configurações"))
        title.setObjectName("viewTitle")
        self.tabs = QTabWidget()
        self.clinic_form = ClinicForm(services.clinic, CLINIC_TAB_KEYS)
        self.charges_form = ClinicForm(services.clinic, CHARGES_TAB_KEYS)
        self.index_editor = IndexEditor(services.indexes, "ipca")
        charges = QWidget()
        box = QVBoxLayout(charges)
        box.addWidget(self.charges_form)
        note = QLabel(
            self.tr(
                "Novos contratos guardam estas regras no dia em que são registrados: mudar aqui "
                "não altera contratos já assinados."
            )
        )
        note.setWordWrap(True)
        box.addWidget(note)
        box.addWidget(self.index_editor, 1)
        self.tabs.addTab(self.clinic_form, self.tr("Clínica"))
        self.charges = charges
        self.tabs.addTab(charges, self.tr("Cobrança"))
        self.transfer_panel = TransferPanel(services.transfer)
        self.tabs.addTab(self.transfer_panel, self.tr("Importar / Exportar"))
        self.regua = ReguaSettings(services.regua)
        self.tabs.addTab(self.regua, self.tr("Régua"))
        self.security = security or PlaceholderView(
            self.tr("Usuários e backups"),
            self.tr("Usuários, backups e proteção dos dados."),
        )
        self.audit = audit or PlaceholderView(self.tr("Auditoria"), self.tr("Auditoria."))
        self.tabs.addTab(self.security, self.tr("Usuários e backups"))
        self.tabs.addTab(self.audit, self.tr("Auditoria"))
        self.database_tab = DatabaseTab(services.database)
        self.tabs.addTab(self.database_tab, self.tr("Banco de dados"))
        self.trust = TrustTab(services.trust)
        self.tabs.addTab(self.trust, self.tr("Certificados confiáveis"))
        self.first_steps = FirstStepsPanel(services.clinic)
        self.tabs.insertTab(0, self.first_steps, self.tr("Primeiros passos"))
        self.first_steps.go.connect(self.open_step)
        self.clinic_form.saved.connect(lambda _info: self.first_steps.load())
        self.tabs.currentChanged.connect(self._tab_opened)
        self.first_steps.load()
        self.tabs.setCurrentWidget(
            self.clinic_form if self.first_steps.complete else self.first_steps
        )
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)
        for form in (self.clinic_form, self.charges_form):
            form.saved.connect(self.clinic_changed.emit)
        self.clinic_form.saved.connect(lambda _info: self.charges_form.load())
        self.charges_form.saved.connect(lambda _info: self.clinic_form.load())

    @property
    def regua_tab(self) -> int:
        return self.tabs.indexOf(self.regua)

    @property
    def security_tab(self) -> int:
        return self.tabs.indexOf(self.security)

    @property
    def audit_tab(self) -> int:
        return self.tabs.indexOf(self.audit)

    @property
    def database_tab_index(self) -> int:
        return self.tabs.indexOf(self.database_tab)

    @property
    def trust_tab(self) -> int:
        return self.tabs.indexOf(self.trust)

    def open_step(self, step: str) -> None:
        """A line of Primeiros passos: the tab where it is done (the field, for PIX)."""
        targets: dict[str, QWidget] = {
            Step.CLINIC: self.clinic_form,
            Step.PIX: self.clinic_form,
            Step.USERS: self.security,
            Step.BACKUP: self.security,
            Step.REGUA: self.regua,
            Step.IMPORT: self.transfer_panel,
        }
        self.tabs.setCurrentWidget(targets[step])
        field = "pix_key" if step == Step.PIX else "name" if step == Step.CLINIC else ""
        if field:
            self.clinic_form.fields[field].setFocus()

    def apply_permissions(self, can_settings: bool, can_admin: bool, can_audit: bool) -> None:
        """Hide what the acting user cannot use (the services refuse it anyway)."""
        self.index_editor.save_button.setEnabled(can_settings)
        for form in (self.clinic_form, self.charges_form):
            form.save_button.setEnabled(can_settings)
            form.save_button.setToolTip(
                "" if can_settings else self.tr("Só gestor ou administrador altera estes dados.")
            )
        self.regua.apply_permissions(can_settings)
        self.tabs.setTabVisible(self.security_tab, can_admin)
        self.tabs.setTabVisible(self.audit_tab, can_audit)
        self.tabs.setTabVisible(self.database_tab_index, can_admin)
        self.tabs.setTabVisible(self.trust_tab, can_settings)
        if not self.tabs.isTabVisible(self.tabs.currentIndex()):
            self.tabs.setCurrentIndex(0)
        self.first_steps.load()

    def _tab_opened(self, index: int) -> None:
        widget = self.tabs.widget(index)
        load = getattr(widget, "load", None)
        opens = (self.first_steps, self.regua, self.security, self.audit, self.trust)
        if widget in opens and callable(load):
            load()
