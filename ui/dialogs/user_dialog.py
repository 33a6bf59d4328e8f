"""Novo usuário / editar usuário / nova senha (Configurações → Usuários e backups)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.access import Role
from app.services.users import UserForm, UserInfo, UserService
from ui.widgets.form import FieldErrors, error_label, secret_line


class _FormDialog(QDialog):
    """A form whose ``action`` raises ValidationError (shown under the fields) or succeeds."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        general = error_label()
        self.errors = FieldErrors(general)
        self.form = QFormLayout()
        buttons = QDialogButtonBox(self)  # in the dialog first, so its default button holds
        self.ok = buttons.addButton(self.tr("Salvar"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("save")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.try_save)
        buttons.addButton(self.tr("Cancelar"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(general)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        self.action: Callable[[], None] = lambda: None

    def try_save(self) -> None:
        if self.errors.attempt(self.action):
            self.accept()


class UserDialog(_FormDialog):
    def __init__(
        self, service: UserService, user: UserInfo | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            self.tr("Novo usuário") if user is None else self.tr("Editar usuário"), parent
        )
        self.setObjectName("UserDialog")
        self.service = service
        self.user = user
        self.username = QLineEdit(user.username if user else "")
        self.username.setObjectName("username")
        self.username.setReadOnly(user is not None)
        self.full_name = QLineEdit(user.full_name if user else "")
        self.full_name.setObjectName("full_name")
        self.role = QComboBox()
        self.role.setObjectName("role")
        for role in Role:
            self.role.addItem(role.label, role.value)
        self.role.setCurrentIndex(self.role.findData((user.role if user else Role.RECEPCAO).value))
        self.errors.add_row(self.form, self.tr("Usuário"), self.username, "username")
        self.errors.add_row(self.form, self.tr("Nome completo"), self.full_name, "full_name")
        self.errors.add_row(self.form, self.tr("Perfil"), self.role, "role")
        self.password = secret_line("password")
        self.password_confirm = secret_line("password_confirm")
        self.active = QCheckBox(self.tr("Ativo (pode entrar)"))
        self.active.setObjectName("active")
        if user is None:
            self.errors.add_row(self.form, self.tr("Senha"), self.password, "password")
            self.errors.add_row(
                self.form, self.tr("Confirme a senha"), self.password_confirm, "password_confirm"
            )
        else:
            self.active.setChecked(user.active)
            self.form.addRow("", self.active)
        self.action = self._save

    def _save(self) -> None:
        role = str(self.role.currentData())
        if self.user is None:
            self.service.create(
                UserForm(
                    self.username.text(),
                    self.full_name.text(),
                    role,
                    self.password.text(),
                    self.password_confirm.text(),
                )
            )
        else:
            self.service.update(
                self.user.id,
                full_name=self.full_name.text(),
                role=role,
                active=self.active.isChecked(),
            )


class PasswordDialog(_FormDialog):
    """A new password for ``user`` (admin) — or a new frase-senha, with ``set_secret``."""

    def __init__(
        self,
        title: str,
        set_secret: Callable[[str, str], None],
        *,
        field: str = "password",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self.setObjectName("PasswordDialog")
        self.secret = secret_line(field)
        self.confirm = secret_line(f"{field}_confirm")
        self.errors.add_row(self.form, self.tr("Nova"), self.secret, field)
        self.errors.add_row(self.form, self.tr("Confirme"), self.confirm, f"{field}_confirm")
        self.action = lambda: set_secret(self.secret.text(), self.confirm.text())
