"""The recovery key: without it a forgotten frase-senha on a new computer would lose the
clinic's data. Shown at set-up (and to an admin again later), printed on one page or saved as a
PDF where the admin chooses — never kept in the clinic's document archive."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import ops
from ui.documents import ask_printer, print_pdf_bytes

SHEET_NAME = "chave-de-recuperacao.pdf"
FIRST_TIME = (
    "O banco de dados da clínica agora é criptografado: quem levar este computador não lê os "
    "dados dos pacientes. Imprima (ou anote em papel) esta CHAVE DE RECUPERAÇÃO e guarde-a em "
    "lugar seguro, fora da clínica. Ela abre o banco e todos os backups se a senha for "
    "esquecida ou o computador for trocado. Só um administrador pode vê-la de novo."
)
AGAIN = (
    "A CHAVE DE RECUPERAÇÃO deste banco de dados: ela abre o banco e todos os backups se a "
    "senha for esquecida ou o computador for trocado. Imprima e guarde em lugar seguro, fora da "
    "clínica; esta consulta fica registrada na auditoria."
)


class RecoveryKeyDialog(QDialog):
    def __init__(
        self,
        code: str,
        parent: QWidget | None = None,
        *,
        sheet: Callable[[], bytes] | None = None,
        again: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("RecoveryKeyDialog")
        self.setWindowTitle(self.tr("Chave de recuperação"))
        self.sheet = sheet  # the one-page PDF (``SecurityService.recovery_sheet``)
        # Replaceable by tests: where to save, which printer.
        self.ask_path: Callable[[], str] = self._ask_path
        self.ask_printer: Callable[[QWidget | None], QPrinter | None] = ask_printer
        intro = QLabel(self.tr(AGAIN if again else FIRST_TIME))
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
        self.print_button = QPushButton(self.tr("Imprimir…"))
        self.print_button.setObjectName("printKey")
        self.print_button.clicked.connect(self.print_sheet)
        self.save_button = QPushButton(self.tr("Salvar PDF…"))
        self.save_button.setObjectName("saveKey")
        self.save_button.setToolTip(self.tr("Num pendrive que fica guardado fora da clínica."))
        self.save_button.clicked.connect(self.save_sheet)
        for button in (self.print_button, self.save_button):
            button.setVisible(sheet is not None)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        actions = QHBoxLayout()
        for button in (copy, self.print_button, self.save_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.confirmed = QCheckBox(self.tr("Anotei a chave e guardei em lugar seguro"))
        self.confirmed.setObjectName("confirmed")
        buttons = QDialogButtonBox(self)  # in the dialog first, so its default button holds
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
        layout.addLayout(actions)
        layout.addWidget(self.status)
        layout.addWidget(self.confirmed)
        layout.addWidget(buttons)
        intro.setFixedWidth(600)  # a fixed width lets the wrapped text get its full height
        intro.setMinimumHeight(intro.heightForWidth(600))

    def reject(self) -> None:
        if self.confirmed.isChecked():
            super().reject()

    def print_sheet(self) -> None:
        """The one-page sheet on paper: nothing of it is left on the disk afterwards."""
        sheet = self.sheet
        if sheet is None:
            return
        pages = ops.call(
            self,
            lambda: print_pdf_bytes(sheet(), SHEET_NAME, self, self.ask_printer),
            on_error=ops.show_in(self.status),
        )
        if pages:
            self.status.setText(self.tr("Impressão enviada. Guarde a folha em lugar seguro."))

    def save_sheet(self) -> None:
        sheet = self.sheet
        path = self.ask_path() if sheet is not None else ""
        if not path or sheet is None:
            return
        if ops.attempt(
            self, lambda: Path(path).write_bytes(sheet()), on_error=ops.show_in(self.status)
        ):
            self.status.setText(
                self.tr("Salvo em {path}. Guarde-o fora deste computador.").format(path=path)
            )

    def _ask_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Salvar a chave de recuperação"),
            "chave-de-recuperacao.pdf",
            "PDF (*.pdf)",
        )
        return path
