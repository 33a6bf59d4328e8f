"""Configurações → Usuários e backups (admin): users and roles, the backup folder, backup now,
restore with a preview, encryption status, the idle lock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.bootstrap import Services
from app.domain.dates import format_date
from app.errors import EmDiaError, KeyRequired
from app.progress import IsCancelled, Progress
from app.services.backup import BackupReport, BackupResult
from app.services.base import Permission
from app.services.users import UserInfo
from ui import ops
from ui.dialogs.recovery_key import RecoveryKeyDialog
from ui.dialogs.restore_preview import RestorePreviewDialog
from ui.dialogs.user_dialog import PasswordDialog, UserDialog
from ui.widgets.form import ERROR_STYLE


class SecurityView(QWidget):
    """``reopen_requested`` asks the launcher to close and open the database again (after a
    restore or encrypting it), with a message for the user."""

    reopen_requested = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SecurityView")
        self.services = services
        self.users: list[UserInfo] = []
        # Replaceable by tests: the modal questions this screen asks.
        self.confirm_restore: Callable[[BackupReport], bool] = self._confirm_restore
        self.ask_secret: Callable[[], str | None] = self._ask_secret
        self.show_recovery: Callable[[str], None] = self._show_recovery

        layout = QVBoxLayout(self)
        self.users_box = self._users_box()
        self.backups_box = self._backups_box()
        self.security_box = self._security_box()
        layout.addWidget(self.users_box)
        layout.addWidget(self.backups_box)
        layout.addWidget(self.security_box)
        layout.addStretch(1)

    # --- users ----------------------------------------------------------------------------
    def _users_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Usuários"))
        self.user_table = QTableWidget(0, 5)
        self.user_table.setObjectName("userTable")
        self.user_table.setHorizontalHeaderLabels(
            [self.tr(h) for h in ("Usuário", "Nome", "Perfil", "Situação", "Último acesso")]
        )
        self.user_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.user_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.user_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.user_table.verticalHeader().hide()
        self.user_table.horizontalHeader().setStretchLastSection(True)
        self.user_table.setColumnWidth(1, 240)
        self.user_table.setMaximumHeight(170)
        buttons = QHBoxLayout()
        self.new_user = QPushButton(self.tr("Novo usuário…"))
        self.new_user.setObjectName("newUser")
        self.edit_user = QPushButton(self.tr("Editar…"))
        self.reset_password = QPushButton(self.tr("Nova senha…"))
        self.unlock_user = QPushButton(self.tr("Desbloquear"))
        for button in (self.new_user, self.edit_user, self.reset_password, self.unlock_user):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.new_user.clicked.connect(self.add_user)
        self.edit_user.clicked.connect(self._edit_selected)
        self.reset_password.clicked.connect(self._reset_selected)
        self.unlock_user.clicked.connect(self._unlock_selected)
        layout = QVBoxLayout(box)
        layout.addWidget(self.user_table)
        layout.addLayout(buttons)
        return box

    def load_users(self) -> None:
        users = ops.call(self, self.services.users.list_users)
        if users is None:
            return
        self.users = users
        self.user_table.setRowCount(len(self.users))
        for row, user in enumerate(self.users):
            if not user.active:
                state = self.tr("inativo")
            elif user.locked_until is not None:
                state = self.tr("bloqueado (senha errada)")
            else:
                state = self.tr("ativo")
            last = format_date(user.last_login_at.date()) if user.last_login_at else "—"
            values = (user.username, user.full_name, user.role_label, state, last)
            for column, value in enumerate(values):
                self.user_table.setItem(row, column, QTableWidgetItem(value))

    def _selected(self) -> UserInfo | None:
        rows = self.user_table.selectionModel().selectedRows()
        return self.users[rows[0].row()] if rows else None

    def add_user(self) -> None:
        if UserDialog(self.services.users, None, self).exec():
            self.load_users()

    def _edit_selected(self) -> None:
        user = self._selected()
        if user is not None and UserDialog(self.services.users, user, self).exec():
            self.load_users()

    def _reset_selected(self) -> None:
        user = self._selected()
        if user is None:
            return
        dialog = PasswordDialog(
            self.tr("Nova senha de {user}").format(user=user.username),
            lambda pw, confirm: self.services.users.reset_password(user.id, pw, confirm),
            parent=self,
        )
        if dialog.exec():
            self.load_users()

    def _unlock_selected(self) -> None:
        user = self._selected()
        if user is not None:
            ops.attempt(self, lambda: self.services.users.unlock(user.id))
            self.load_users()

    # --- backups --------------------------------------------------------------------------
    def _backups_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Backups"))
        self.folder = QLineEdit()
        self.folder.setObjectName("backupFolder")
        self.folder.setReadOnly(True)
        choose = QPushButton(self.tr("Escolher pasta…"))
        choose.clicked.connect(self._choose_folder)
        self.backup_now = QPushButton(self.tr("Fazer backup agora"))
        self.backup_now.setObjectName("backupNow")
        self.backup_now.clicked.connect(self.make_backup)
        restore = QPushButton(self.tr("Restaurar…"))
        restore.setObjectName("restore")
        restore.clicked.connect(self._choose_restore)
        self.backup_status = QLabel()
        self.backup_status.setObjectName("backupStatus")
        self.backup_status.setWordWrap(True)
        self.backup_table = QTableWidget(0, 3)
        self.backup_table.setObjectName("backupTable")
        self.backup_table.setHorizontalHeaderLabels(
            [self.tr("Data"), self.tr("Tipo"), self.tr("Arquivo")]
        )
        self.backup_table.verticalHeader().hide()
        self.backup_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.backup_table.horizontalHeader().setStretchLastSection(True)
        self.backup_table.setColumnWidth(0, 130)
        self.backup_table.setColumnWidth(1, 200)
        self.backup_table.setMaximumHeight(150)
        note = QLabel(
            self.tr(
                "Automático ao abrir, ao fechar e uma vez por dia; guarda 7 diários, 4 semanais "
                "e 12 mensais. Cada backup é verificado e criptografado. Escolha uma pasta em "
                "outro disco: um pendrive ou uma pasta sincronizada (Google Drive, OneDrive)."
            )
        )
        note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Pasta")))
        row.addWidget(self.folder, 1)
        row.addWidget(choose)
        actions = QHBoxLayout()
        actions.addWidget(self.backup_now)
        actions.addWidget(restore)
        actions.addWidget(self.backup_status, 1)
        layout = QVBoxLayout(box)
        layout.addWidget(note)
        layout.addLayout(row)
        layout.addLayout(actions)
        layout.addWidget(self.backup_table)
        return box

    def load_backups(self) -> None:
        backups = self.services.backups
        found = ops.call(self, lambda: (backups.folder(), backups.list_files()))
        if found is None:
            return
        folder, files = found
        self.folder.setText(str(folder))
        self.backup_table.setRowCount(len(files))
        for row, file in enumerate(files):
            values = (f"{file.created_at:%d/%m/%Y %H:%M}", file.kind_label, file.path.name)
            for column, value in enumerate(values):
                self.backup_table.setItem(row, column, QTableWidgetItem(value))

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Pasta dos backups"))
        if folder:
            self.set_folder(folder)

    def set_folder(self, folder: str) -> None:
        backups = self.services.backups
        if ops.attempt(self, lambda: backups.set_folder(folder)):
            self.load_backups()
            # Said right away: a backup on the database's own disk dies with it.
            self.backup_status.setText(backups.folder_warning(folder) or "")

    def make_backup(self) -> None:
        backups = self.services.backups

        def job(progress: Progress, cancelled: IsCancelled) -> BackupResult:
            return backups.create(progress=progress, cancelled=cancelled)

        def done(result: BackupResult) -> None:
            self.backup_status.setText(
                self.tr("Backup feito e verificado: {name}").format(name=result.file.path.name)
            )
            self.load_backups()

        ops.start(self, job, on_success=done, progress=self.tr("Fazendo o backup…"))

    def _choose_restore(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Escolha o backup"),
            str(self.services.backups.folder()),
            self.tr("Backups do EmDia (*.emdiabak)"),
        )
        if path:
            self.restore_file(path)

    def restore_file(self, path: str, secret: str | None = None) -> None:
        """Verify in the background, show what the backup holds, then restore."""

        backups = self.services.backups

        def verify(_progress: Progress, _cancelled: IsCancelled) -> BackupReport:
            return backups.verify(path, secret)

        def verified(report: BackupReport) -> None:
            if self.confirm_restore(report):
                self._restore(Path(path), secret)

        def refused(exc: EmDiaError) -> None:
            if not isinstance(exc, KeyRequired):
                ops.settle(exc, self)
                return
            typed = self.ask_secret()  # a backup made with another clinic's key
            if typed:
                self.restore_file(path, typed)

        ops.start(
            self,
            verify,
            on_success=verified,
            on_error=refused,
            progress=self.tr("Verificando o backup…"),
        )

    def _restore(self, path: Path, secret: str | None) -> None:
        backups = self.services.backups

        def job(progress: Progress, _cancelled: IsCancelled) -> BackupReport:
            return backups.restore(path, secret, progress=progress)

        def done(report: BackupReport) -> None:
            message = self.tr(
                "Backup restaurado. O banco anterior foi guardado na pasta de backups."
            )
            if report.recovery_code:
                message += self.tr(
                    "\n\nO backup não era criptografado; o banco restaurado agora é, com uma chave "
                    "nova. Chave de recuperação (anote e guarde fora da clínica; ela não será "
                    "mostrada de novo):\n{code}"
                ).format(code=report.recovery_code)
            self.reopen_requested.emit(message)

        ops.start(self, job, on_success=done, progress=self.tr("Restaurando…"))

    def _confirm_restore(self, report: BackupReport) -> bool:
        return bool(RestorePreviewDialog(report, self).exec())

    def _ask_secret(self) -> str | None:
        text, ok = QInputDialog.getText(
            self,
            self.tr("Backup de outra chave"),
            self.tr("Frase-senha ou chave de recuperação da clínica que fez o backup:"),
            QLineEdit.EchoMode.Password,
        )
        return text if ok and text else None

    # --- security -------------------------------------------------------------------------
    def _security_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Proteção"))
        self.crypto_status = QLabel()
        self.crypto_status.setObjectName("cryptoStatus")
        self.crypto_status.setWordWrap(True)
        self.encrypt_button = QPushButton(self.tr("Criptografar o banco…"))
        self.encrypt_button.setObjectName("encrypt")
        self.encrypt_button.clicked.connect(self._encrypt)
        self.passphrase_button = QPushButton(self.tr("Definir frase-senha…"))
        self.passphrase_button.setObjectName("passphrase")
        self.passphrase_button.clicked.connect(self._set_passphrase)
        self.recovery_button = QPushButton(self.tr("Chave de recuperação…"))
        self.recovery_button.setObjectName("recoveryKey")
        self.recovery_button.setToolTip(
            self.tr("Mostra e imprime de novo a chave que abre o banco e os backups.")
        )
        self.recovery_button.clicked.connect(self.show_recovery_again)
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setObjectName("idleMinutes")
        self.idle_minutes.setRange(0, 240)
        self.idle_minutes.setSuffix(self.tr(" min"))
        self.idle_minutes.setSpecialValueText(self.tr("nunca"))
        save_idle = QPushButton(self.tr("Salvar"))
        save_idle.setObjectName("saveIdle")
        save_idle.clicked.connect(self.save_idle)
        self.idle_status = QLabel()
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Bloquear a tela após")))
        row.addWidget(self.idle_minutes)
        row.addWidget(QLabel(self.tr("sem uso")))
        row.addWidget(save_idle)
        row.addWidget(self.idle_status, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.encrypt_button)
        buttons.addWidget(self.passphrase_button)
        buttons.addWidget(self.recovery_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(self.crypto_status)
        layout.addLayout(buttons)
        layout.addLayout(row)
        return box

    def load_security(self) -> None:
        security = self.services.security
        found = ops.call(self, lambda: (security.status(), security.idle_lock_minutes()))
        if found is None:
            return
        status, minutes = found
        self.crypto_status.setText(status.summary)
        self.encrypt_button.setVisible(status.sqlite and not status.encrypted)
        self.passphrase_button.setVisible(status.encrypted)
        self.recovery_button.setVisible(status.encrypted and self.services.key is not None)
        self.idle_minutes.setValue(minutes)

    def save_idle(self) -> None:
        self.idle_status.clear()
        self.idle_status.setStyleSheet(ERROR_STYLE)
        minutes = str(self.idle_minutes.value())
        if ops.attempt(
            self,
            lambda: self.services.security.set_idle_lock_minutes(minutes),
            on_error=ops.show_in(self.idle_status),
        ):
            self.idle_status.setStyleSheet("")
            self.idle_status.setText(self.tr("Salvo; vale a partir da próxima entrada."))

    def _set_passphrase(self) -> None:
        PasswordDialog(
            self.tr("Frase-senha do banco"),
            self.services.security.set_passphrase,
            field="passphrase",
            parent=self,
        ).exec()
        self.load_security()

    def _encrypt(self) -> None:
        protected: list[str] = []

        def encrypt(passphrase: str, confirm: str) -> None:
            result = self.services.security.encrypt(passphrase or None, confirm or None)
            protected.append(result.recovery_code)

        PasswordDialog(
            self.tr("Criptografar o banco"), encrypt, field="passphrase", parent=self
        ).exec()
        if protected:
            self.show_recovery(protected[0])
            self.reopen_requested.emit(self.tr("Banco de dados criptografado."))

    def _show_recovery(self, code: str) -> None:
        RecoveryKeyDialog(code, self).exec()

    def show_recovery_again(self) -> None:
        """The paper was lost (or never printed): an admin sees and prints the key again."""
        security = self.services.security
        code = ops.call(self, security.recovery_key)
        if code is not None:
            self.recovery_dialog(code).exec()

    def recovery_dialog(self, code: str) -> RecoveryKeyDialog:
        dialog = RecoveryKeyDialog(
            code, self, sheet=self.services.security.recovery_sheet, again=True
        )
        dialog.confirmed.setChecked(True)  # already kept once: closing needs no promise
        return dialog

    # --- plumbing -------------------------------------------------------------------------
    def load(self) -> None:
        """Show what the acting user may use, with fresh data (called when the tab opens)."""
        actor = self.services.actor
        self.users_box.setVisible(actor.can(Permission.USERS))
        self.security_box.setVisible(actor.can(Permission.USERS))
        self.backups_box.setVisible(actor.can(Permission.BACKUPS))
        if actor.can(Permission.USERS):
            self.load_users()
            self.load_security()
        if actor.can(Permission.BACKUPS):
            self.load_backups()
