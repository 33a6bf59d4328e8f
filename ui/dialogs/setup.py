"""First run of a real clinic: create the administrator, protect the database and say where the
backups go (warning when that is the database's own disk)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.users import UserForm
from ui.widgets.form import FieldErrors, error_label, line_edit, secret_line, side_by_side

WARNING_STYLE = "color: #7a4a00;"


@dataclass(frozen=True)
class SetupAnswers:
    admin: UserForm
    passphrase: str | None
    passphrase_confirm: str | None
    backup_dir: str = ""  # empty: the default folder


WARNING_WIDTH = 380  # the backup warning's narrowest width, beside its label at the minimum


def _no_warning(_folder: str) -> str | None:
    return None


class SetupDialog(QDialog):
    """``submit`` does the work (create the admin, encrypt); a ``ValidationError`` keeps the
    dialog open with each message under its field."""

    def __init__(
        self,
        submit: Callable[[SetupAnswers], None],
        *,
        encrypt: bool,
        passphrase_required: bool,
        parent: QWidget | None = None,
        backup_folder: str = "",
        folder_warning: Callable[[str], str | None] = _no_warning,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("SetupDialog")
        self.setWindowTitle(self.tr("Configurar minha clínica"))
        self.submit = submit
        general = error_label()
        self.errors = FieldErrors(general)
        intro = QLabel(
            self.tr(
                "Crie o usuário administrador: ele cadastra os demais usuários (recepção, "
                "gestor) e cuida dos backups."
            )
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(general)
        layout.addWidget(self._admin_box())
        self.passphrase: QLineEdit | None = None
        self.passphrase_confirm: QLineEdit | None = None
        if encrypt:
            layout.addWidget(self._crypto_box(passphrase_required))
        self.folder_warning = folder_warning
        layout.addWidget(self._backup_box(backup_folder))
        buttons = QDialogButtonBox(self)  # in the dialog first: its default button holds
        self.create_button = buttons.addButton(
            self.tr("Criar e entrar"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.create_button.setObjectName("create")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.try_submit)
        buttons.addButton(self.tr("Cancelar"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self.full_name.setFocus()

    def _admin_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Administrador"))
        form = QFormLayout(box)
        self.full_name = line_edit("full_name")
        self.username = line_edit("username")
        self.username.setText("admin")
        self.password = secret_line("password")
        self.password_confirm = secret_line("password_confirm")
        self.errors.add_row(form, self.tr("Nome completo"), self.full_name, "full_name")
        self.errors.add_row(form, self.tr("Usuário"), self.username, "username")
        self.errors.add_row(form, self.tr("Senha"), self.password, "password")
        self.errors.add_row(
            form, self.tr("Confirme a senha"), self.password_confirm, "password_confirm"
        )
        return box

    def _crypto_box(self, passphrase_required: bool) -> QGroupBox:
        """The frase-senha: required without an OS keyring, optional (for another PC and the
        command line) with one."""
        box = QGroupBox(self.tr("Proteção dos dados (criptografia)"))
        form = QFormLayout(box)
        note = QLabel(
            self.tr(
                "Este computador não tem um chaveiro do sistema: a frase-senha abre o banco "
                "de dados a cada início. Ela é diferente da senha do administrador."
            )
            if passphrase_required
            else self.tr(
                "A chave do banco fica no chaveiro do sistema deste computador. Uma "
                "frase-senha (opcional) permite abrir o banco em outro computador e pela "
                "linha de comando."
            )
        )
        note.setWordWrap(True)
        form.addRow(note)
        self.passphrase = secret_line("passphrase")
        self.passphrase_confirm = secret_line("passphrase_confirm")
        self.errors.add_row(form, self.tr("Frase-senha do banco"), self.passphrase, "passphrase")
        self.errors.add_row(
            form, self.tr("Confirme a frase-senha"), self.passphrase_confirm, "passphrase_confirm"
        )
        return box

    def _backup_box(self, suggested: str) -> QGroupBox:
        """Where the automatic backups go: best a pendrive, an external disk or a network
        folder — never only the database's own disk."""
        box = QGroupBox(self.tr("Backups"))
        form = QFormLayout(box)
        self.backup_dir = line_edit("backup_dir")
        self.backup_dir.setText(suggested)
        choose = QPushButton(self.tr("Escolher…"))
        choose.setObjectName("chooseBackupDir")
        choose.setAutoDefault(False)
        choose.clicked.connect(self._choose_folder)
        self.choose_folder: Callable[[], str] = self._ask_folder  # replaceable by tests
        self.backup_warning = QLabel()
        self.backup_warning.setObjectName("backupWarning")
        self.backup_warning.setWordWrap(True)
        self.backup_warning.setStyleSheet(WARNING_STYLE)
        self.backup_warning.setMinimumWidth(WARNING_WIDTH)
        self.errors.add_row(
            form, self.tr("Pasta dos backups"), side_by_side(self.backup_dir, choose), "backup_dir"
        )
        self.errors.widgets["backup_dir"] = self.backup_dir
        form.addRow("", self.backup_warning)
        self.backup_dir.textChanged.connect(self._warn)
        self._warn(suggested)
        return box

    def _warn(self, folder: str) -> None:
        warning = self.folder_warning(folder)
        self.backup_warning.setText(warning or "")
        # A dialog does not give wrapped text the height it needs by itself: never narrower
        # than WARNING_WIDTH, the label is never taller than at that width.
        height = self.backup_warning.heightForWidth(WARNING_WIDTH) if warning else 0
        self.backup_warning.setMinimumHeight(height)
        self.backup_warning.setVisible(bool(warning))

    def _choose_folder(self) -> None:
        folder = self.choose_folder()
        if folder:
            self.backup_dir.setText(folder)

    def _ask_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, self.tr("Pasta dos backups"))

    def answers(self) -> SetupAnswers:
        return SetupAnswers(
            admin=UserForm(
                username=self.username.text(),
                full_name=self.full_name.text(),
                role="admin",
                password=self.password.text(),
                password_confirm=self.password_confirm.text(),
            ),
            passphrase=self.passphrase.text() if self.passphrase else None,
            passphrase_confirm=self.passphrase_confirm.text() if self.passphrase_confirm else None,
            backup_dir=self.backup_dir.text(),
        )

    def try_submit(self) -> None:
        if self.errors.attempt(lambda: self.submit(self.answers())):
            self.accept()
