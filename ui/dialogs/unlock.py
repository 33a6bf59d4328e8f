"""The database is encrypted and its key is not in this computer's keyring: ask for the
frase-senha or the recovery key."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.security.keys import DataKey
from ui.widgets.form import ERROR_STYLE, secret_line


class UnlockDialog(QDialog):
    def __init__(
        self,
        try_secret: Callable[[str], DataKey | None],
        *,
        where: str,
        can_remember: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("UnlockDialog")
        self.setWindowTitle(self.tr("Abrir banco de dados protegido"))
        self.try_secret = try_secret
        self.key: DataKey | None = None
        intro = QLabel(
            self.tr(
                "O banco de dados {where} é criptografado e a chave não está guardada neste "
                "computador. Digite a frase-senha do banco ou a chave de recuperação (a que foi "
                "impressa quando a clínica foi configurada)."
            ).format(where=where)
        )
        intro.setWordWrap(True)
        intro.setFixedWidth(460)  # a fixed width lets the wrapped text get its full height
        intro.setMinimumHeight(intro.heightForWidth(460))
        self.secret = secret_line("secret")
        self.remember = QCheckBox(self.tr("Lembrar neste computador (chaveiro do sistema)"))
        self.remember.setObjectName("remember")
        self.remember.setChecked(can_remember)
        self.remember.setEnabled(can_remember)
        self.message = QLabel()
        self.message.setObjectName("unlockMessage")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QDialogButtonBox(self)  # in the dialog first, so its default button holds
        ok = buttons.addButton(self.tr("Abrir"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("open")
        ok.setDefault(True)
        ok.clicked.connect(self.try_open)
        buttons.addButton(self.tr("Cancelar"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.secret)
        layout.addWidget(self.remember)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def try_open(self) -> None:
        key = self.try_secret(self.secret.text())
        if key is None:
            self.secret.clear()
            self.message.setText(
                self.tr(
                    "Não confere: não é a frase-senha nem a chave de recuperação deste banco. "
                    "Confira maiúsculas e espaços."
                )
            )
            self.message.show()
            return
        self.key = key
        self.accept()
