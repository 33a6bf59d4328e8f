"""Entrar no EmDia: at start, after the screen locked itself, or to switch users."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import EmDiaError
from app.services.base import Actor
from ui import ops
from ui.widgets.form import error_label, secret_line

Login = Callable[[str, str], Actor]


class LoginDialog(QDialog):
    """Asks user and password and calls ``login`` (which raises ``LoginRefused`` with the
    pt-BR reason — wrong password, tries left, lockout). Stays open until it works."""

    def __init__(
        self,
        login: Login,
        *,
        locked_user: str = "",
        hint: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("LoginDialog")
        self.login = login
        self.actor: Actor | None = None
        self.locked_user = locked_user
        self.setWindowTitle(
            self.tr("EmDia bloqueado") if locked_user else self.tr("Entrar no EmDia")
        )
        title = QLabel(
            self.tr("Tela bloqueada. Digite a senha para continuar.")
            if locked_user
            else self.tr("Entre com seu usuário e senha.")
        )
        title.setObjectName("loginTitle")
        title.setWordWrap(True)
        self.username = QLineEdit(locked_user)
        self.username.setObjectName("username")
        self.password = secret_line("password")
        self.message = error_label("loginMessage")
        form = QFormLayout()
        form.addRow(self.tr("Usuário"), self.username)
        form.addRow(self.tr("Senha"), self.password)

        buttons = self._buttons(locked_user)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        if hint:
            note = QLabel(hint)
            note.setObjectName("loginHint")
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        (self.password if locked_user else self.username).setFocus()
        if locked_user:
            self.username.setReadOnly(True)

    def _buttons(self, locked_user: str) -> QDialogButtonBox:
        """Entrar; and "Trocar de usuário" on a locked screen, "Sair" at the start."""
        buttons = QDialogButtonBox(self)  # in the dialog first, so its default button holds
        self.enter = buttons.addButton(self.tr("Entrar"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.enter.setObjectName("enter")
        self.enter.setDefault(True)
        self.enter.clicked.connect(self.try_login)
        self.switch: QPushButton | None = None
        if locked_user:
            self.switch = buttons.addButton(
                self.tr("Trocar de usuário"), QDialogButtonBox.ButtonRole.ActionRole
            )
            self.switch.setObjectName("switchUser")
            self.switch.clicked.connect(self._switch_user)
        else:
            quit_button = buttons.addButton(self.tr("Sair"), QDialogButtonBox.ButtonRole.RejectRole)
            quit_button.clicked.connect(self.reject)
        return buttons

    def _switch_user(self) -> None:
        self.username.setReadOnly(False)
        self.username.clear()
        self.password.clear()
        self.username.setFocus(Qt.FocusReason.OtherFocusReason)

    def try_login(self) -> None:
        username, password = self.username.text(), self.password.text()
        actor = ops.call(self, lambda: self.login(username, password), on_error=self._refused)
        if actor is not None:
            self.actor = actor
            self.accept()

    def _refused(self, exc: EmDiaError) -> None:
        """Wrong password, tries left, locked out: said under the form; type it again."""
        self.password.clear()
        self.message.setText(exc.message)
        self.message.show()
        self.password.setFocus()

    def reject(self) -> None:
        if self.locked_user:
            return  # a locked screen only opens with a password
        super().reject()
