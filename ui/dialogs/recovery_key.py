"""The recovery key, shown once: without it a forgotten frase-senha on a new computer would
lose the clinic's data."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class RecoveryKeyDialog(QDialog):
    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RecoveryKeyDialog")
        self.setWindowTitle(self.tr("Chave de recuperação"))
        intro = QLabel(
            self.tr(
                "O banco de dados da clínica agora é criptografado: quem levar este computador "
                "não lê os dados dos pacientes. Anote esta CHAVE DE RECUPERAÇÃO em papel e "
                "guarde-a em lugar seguro (cofre, fora da clínica). Ela abre o banco e todos os "
                "backups se a senha for esquecida ou o computador for trocado. "
                "Ela não será mostrada de novo."
            )
        )
        intro.setWordWrap(True)
        groups = code.split("-")
        half = (len(groups) + 1) // 2
        self.code = QLabel("-".join(groups[:half]) + "-\n" + "-".join(groups[half:]))
        self.code.setObjectName("recoveryCode")
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(13)
        font.setBold(True)
        self.code.setFont(font)
        self.code.setWordWrap(True)
        # Selectable, so the code can also be copied by hand (or read by a screen reader).
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        copy = QPushButton(self.tr("Copiar"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(code))
        self.confirmed = QCheckBox(self.tr("Anotei a chave e guardei em lugar seguro"))
        self.confirmed.setObjectName("confirmed")
        buttons = QDialogButtonBox()
        self.done_button = buttons.addButton(
            self.tr("Continuar"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.done_button.setObjectName("continue")
        self.done_button.setEnabled(False)
        self.done_button.clicked.connect(self.accept)
        self.confirmed.toggled.connect(self.done_button.setEnabled)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.code)
        layout.addWidget(copy)
        layout.addWidget(self.confirmed)
        layout.addWidget(buttons)
        intro.setFixedWidth(600)  # a fixed width lets the wrapped text get its full height
        intro.setMinimumHeight(intro.heightForWidth(600))

    def reject(self) -> None:
        if self.confirmed.isChecked():
            super().reject()
