"""Entrar no EmDia: at start, after the screen locked itself, or to switch users.

At start the dialog is shown before the database is open (``ui.first_paint``): it is painted
while SQLAlchemy, the services and the window's code are still being imported, and gets its
``login`` once the database is ready (``ready``). Nothing here imports the database layer."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
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
from ui import ops
from ui.widgets.form import error_label, secret_line

if TYPE_CHECKING:  # the services (and SQLAlchemy) load after the login is painted
    from app.services.base import Actor

Login = Callable[[str, str], "Actor"]
OPENING = "Abrindo o banco de dados… você entra assim que ele estiver pronto."


class LoginDialog(QDialog):
    """Asks user and password and calls ``login`` (which raises ``LoginRefused`` with the
    pt-BR reason — wrong password, tries left, lockout). Stays open until it works.

    ``login=None``: shown while the database is still opening; *Entrar* pressed meanwhile is
    remembered and done as soon as ``ready`` gives the dialog its ``login``."""

    def __init__(
        self,
        login: Login | None,
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
        self.asked = False  # Entrar pressed before the database was ready
        self.left = False  # closed (Sair) before the database was ready
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
        self.hint = QLabel(hint)
        self.hint.setObjectName("loginHint")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        layout.addWidget(self.hint)
        layout.addLayout(form)
        self.opening = QLabel(OPENING)  # Entrar pressed before the database was ready
        self.opening.setObjectName("loginOpening")
        self.opening.setWordWrap(True)
        self.opening.hide()
        layout.addWidget(self.opening)
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
            quit_button.setObjectName("quit")
            quit_button.clicked.connect(self.reject)
        return buttons

    def _fit(self) -> None:
        """The height the form needs at its width, after a line appeared or went: the fields
        never shrink under a message, and no gap is left above them."""
        layout = self.layout()
        if layout is None:
            return
        width = self.width()
        height = layout.heightForWidth(width) if layout.hasHeightForWidth() else -1
        self.resize(width, max(height, layout.minimumSize().height()))

    def _switch_user(self) -> None:
        self.username.setReadOnly(False)
        self.username.clear()
        self.password.clear()
        self.username.setFocus(Qt.FocusReason.OtherFocusReason)

    def ready(self, login: Login, hint: str = "") -> None:
        """The database is open: logins go to ``login`` from now on, with ``hint`` (the demo
        clinic's users) shown; an *Entrar* pressed while it opened is done now."""
        self.login = login
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.opening.hide()
        self._fit()
        if self.asked:
            QTimer.singleShot(0, self.try_login)

    def try_login(self) -> None:
        login = self.login
        if login is None:  # still opening: said, and done by ``ready``
            self.asked = True
            self.opening.show()
            self._fit()
            return
        username, password = self.username.text(), self.password.text()
        actor = ops.call(self, lambda: login(username, password), on_error=self._refused)
        if actor is not None:
            self.actor = actor
            self.accept()

    def _refused(self, exc: EmDiaError) -> None:
        """Wrong password, tries left, locked out: said under the form; type it again."""
        self.password.clear()
        self.message.setText(exc.message)
        self.message.show()
        self._fit()
        self.password.setFocus()

    def reject(self) -> None:
        if self.locked_user:
            return  # a locked screen only opens with a password
        if self.login is None:
            self.left = True  # Sair while the database opened: EmDia does not open
        super().reject()
