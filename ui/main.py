"""Start the window: logging, error handling, the database key, backup + migrate, login, then
MainWindow — and open everything again after a restore or after encrypting the database."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

import resources
from app.bootstrap import Services, bootstrap
from app.clock import Clock
from app.config import Config, load_config
from app.errors import EmDiaError, KeyRequired, ValidationError
from app.logging_setup import configure_logging
from app.progress import Cancelled, IsCancelled, Progress
from app.security import keystore, unlock
from app.security.keys import DataKey
from ui import garbage, ops
from ui.dialogs.login import LoginDialog
from ui.errors import ErrorReporter
from ui.tasks import TaskRunner

if TYPE_CHECKING:  # the first-run, set-up, unlock and demo code is imported when it is used
    from app.services.base import Actor
    from app.services.demo import DemoReport
    from ui.dialogs.setup import SetupAnswers
    from ui.main_window import MainWindow

log = logging.getLogger("emdia.ui")

DEMO_PATIENTS = 300
TrySecret = Callable[[str], DataKey | None]
Submit = Callable[["SetupAnswers"], None]
DEMO_HINT = "Clínica de demonstração: usuários {users}, todos com a senha '{password}'."


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    application = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv)
    application.setApplicationName("EmDia")
    application.setOrganizationName("EmDia")
    QLocale.setDefault(QLocale(QLocale.Language.Portuguese, QLocale.Country.Brazil))
    _install_qt_translation(application)
    style = resources.path("style.qss").read_text(encoding="utf-8")
    if application.styleSheet() != style:  # the login painted at start has it already
        application.setStyleSheet(style)
    garbage.install(application)  # cyclic garbage collected on this thread, never a worker's
    return application


def _install_qt_translation(application: QApplication) -> None:
    """Qt's own texts (standard buttons, context menus) in pt-BR, from the translations shipped
    with PySide6 (bundled by the installer too)."""
    translator = QTranslator(application)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(
        QLocale(QLocale.Language.Portuguese, QLocale.Country.Brazil), "qtbase", "_", folder
    ):
        application.installTranslator(translator)


READY_ENV = "EMDIA_EXIT_WHEN_READY"
START_BACKUP_AT_MOST_MS = 5_000  # the start backup waits for the window's first paint, or this


class AfterFirstPaint(QObject):
    """Calls ``then`` once ``window`` has painted for the first time and the event loop is idle
    again: what can wait for the window (the start backup, the benchmark's ``ready``) does not
    compete with its first paint. With ``at_most_ms``, ``then`` runs after that long even if the
    window has not painted (a window opened minimized paints only when restored)."""

    def __init__(
        self, window: QWidget, then: Callable[[], object], at_most_ms: int | None = None
    ) -> None:
        super().__init__(window)
        self._done = False
        self._then = then
        window.installEventFilter(self)
        if at_most_ms is not None:
            QTimer.singleShot(at_most_ms, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        if not self._done:
            self._done = True
            window = self.parent()
            if window is not None:
                window.removeEventFilter(self)
            self._then()


def login_loading_window(login: Callable[[str, str], Actor], username: str, password: str) -> Actor:
    """``login(username, password)`` on a worker while this thread imports the main window's
    modules, which the window needs right after. The login's cost is argon2id's check of the
    password (≈ 0.15 s of C code that lets go of the interpreter's lock) and the window's
    modules take ≈ 0.1 s to import: on two cores they overlap instead of following each other.
    The login's answer, or its error (a wrong password), comes back here as if called here."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="emdia-login") as pool:
        checking = pool.submit(login, username, password)
        import ui.main_window  # noqa: F401 - imported now, used by show_window

        return checking.result()


class ReadyProbe(AfterFirstPaint):
    """For the start-up benchmark and the installer's smoke test: once ``window`` has painted
    and the event loop is idle (the user could click), print ``<word> <epoch seconds>`` and
    ``then`` (by default quit: the main window's ``ready``; the login dialog's ``login`` closes
    the dialog, so EmDia does not open). Active only when ``EMDIA_EXIT_WHEN_READY`` is set."""

    def __init__(
        self, window: QWidget, word: str = "ready", then: Callable[[], object] | None = None
    ) -> None:
        super().__init__(window, self._ready)
        self._word = word
        self._after = then or QApplication.quit

    def _ready(self) -> None:
        print(f"{self._word} {time.time():.6f}", flush=True)
        self._after()


# A start-up dialog closed without an answer: EmDia does not open, and there is nothing to report.
NOT_OPENED = "O EmDia não foi aberto: a janela de início foi fechada."


class Launcher:
    """Opens the database and the window; shows errors politely instead of crashing.

    The modal questions (``ask_*``) are attributes so tests can answer them.
    """

    def __init__(
        self,
        config: Config,
        clock: Clock,
        reporter: ErrorReporter,
        *,
        auto_backup: bool = True,
        wall_clock: Clock | None = None,
        early_login: LoginDialog | None = None,
    ) -> None:
        self.config = config
        # The login painted before the database opened (ui.first_paint): used if this start
        # asks for a login, closed before any other question.
        self.early_login = early_login
        self.clock = clock  # the rules' date
        self.wall_clock = wall_clock  # the real time records are written at (app/clock.py)
        self.reporter = reporter
        reporter.activate()  # before the window: a refusal while filling the demo lands here
        self.auto_backup = auto_backup
        self.runner = TaskRunner()
        self.window: MainWindow | None = None
        self.services: Services | None = None
        self.ask_first_run = self._ask_first_run
        self.ask_unlock = self._ask_unlock
        self.ask_setup = self._ask_setup
        self.ask_login = self._ask_login
        self.show_recovery = self._show_recovery

    def open(self) -> bool:
        try:
            return self._open()
        except Cancelled:
            return False
        except Exception as exc:  # EmDiaError or a bug: one polite message either way
            self._close_early_login()
            self.reporter.report(exc)
            return False
        finally:
            self._close_early_login()

    def _close_early_login(self) -> None:
        """The login painted at start is not what this start asks (the demo, the first run, a
        passphrase, an error): it goes before anything else shows."""
        dialog, self.early_login = self.early_login, None
        if dialog is not None:
            dialog.login = None  # nothing typed there logs in any more
            dialog.close()
            dialog.deleteLater()

    def _open(self) -> bool:
        if self.config.demo:
            self._close_early_login()
            # The demo clinic is fictitious and not encrypted: `make run` opens it directly,
            # logged in as its admin, so a newcomer sees a living clinic at once.
            self.services = bootstrap(self.config, self.clock, wall_clock=self.wall_clock)
            if self.services.demo.is_empty():
                self._fill_demo()
            else:
                from app.services.demo import DEMO_PASSWORD, DEMO_USERS

                login_loading_window(self.services.login, DEMO_USERS[0][0], DEMO_PASSWORD)
                self.show_window()
            return True
        self.services = bootstrap(
            self.config, self.clock, wall_clock=self.wall_clock, key=self._key()
        )
        if self.services.migration and self.services.migration.backup:
            log.info("backup before migration at %s", self.services.migration.backup)
        if not self.services.users.has_users():
            self._close_early_login()
            from ui.dialogs.first_run import FirstRunDialog

            if self.services.demo.is_empty() and self.ask_first_run() == FirstRunDialog.DEMO:
                self.services.close()
                self.config = load_config(None, demo=True)
                return self._open()
            self._setup()
            self.show_window().show_section("Configurações")
            return True
        user, password = os.environ.get("EMDIA_USER"), os.environ.get("EMDIA_PASSWORD")
        if user and password:
            self._close_early_login()
            # A scripted start (bench, installer smoke).
            login_loading_window(self.services.login, user, password)
        elif not self.ask_login(self.services, self._hint()):
            raise Cancelled(NOT_OPENED)
        self.show_window()
        return True

    # --- the key --------------------------------------------------------------------------
    def _key(self) -> DataKey | None:
        path = self.config.sqlite_path
        try:
            return unlock.resolve_key(path)  # EMDIA_PASSPHRASE, then the keyring
        except KeyRequired:
            assert path is not None
        protection = unlock.Protection.of(path)
        self._close_early_login()
        answer = self.ask_unlock(
            str(path), lambda secret: unlock.key_from_secret(secret, protection.keyfile)
        )
        if answer is None:
            raise Cancelled(NOT_OPENED)
        key, remember = answer
        if remember:
            unlock.remember(path, key)
        return key

    def _ask_unlock(self, where: str, try_secret: TrySecret) -> tuple[DataKey, bool] | None:
        from ui.dialogs.unlock import UnlockDialog

        dialog = UnlockDialog(try_secret, where=where, can_remember=keystore.available())
        if dialog.exec() and dialog.key is not None:
            return dialog.key, dialog.remember.isChecked()
        return None

    # --- first run ------------------------------------------------------------------------
    def _ask_first_run(self) -> str | None:
        from ui.dialogs.first_run import FirstRunDialog

        dialog = FirstRunDialog()
        dialog.exec()
        return dialog.choice

    def _setup(self) -> None:
        encrypt = self.config.sqlite_path is not None
        if not self.ask_setup(self._do_setup, encrypt, encrypt and not keystore.available()):
            raise Cancelled(NOT_OPENED)

    def _ask_setup(self, submit: Submit, encrypt: bool, passphrase_required: bool) -> bool:
        assert self.services is not None
        backups = self.services.backups
        from ui.dialogs.setup import SetupDialog

        dialog = SetupDialog(
            submit,
            encrypt=encrypt,
            passphrase_required=passphrase_required,
            backup_folder=str(backups.folder()),
            folder_warning=backups.folder_warning,
        )
        return bool(dialog.exec())

    def _do_setup(self, answers: SetupAnswers) -> None:
        """Create the first admin and encrypt the database; all input checked before writing."""
        assert self.services is not None
        from app.services.users import check_user_form

        _username, _name, _role, errors = check_user_form(answers.admin)
        encrypt = self.config.sqlite_path is not None and self.services.key is None
        if encrypt:
            try:
                unlock.check_new_passphrase(answers.passphrase, answers.passphrase_confirm)
            except ValidationError as exc:
                errors += exc.errors
        backups = self.services.backups
        chosen = answers.backup_dir.strip()
        if chosen:
            try:
                backups.check_folder(chosen)
            except ValidationError as exc:
                errors += exc.errors
        if errors:
            raise ValidationError(errors)
        self.services.users.create(answers.admin)
        if encrypt:
            protected = self.services.security.encrypt(
                answers.passphrase or None, answers.passphrase_confirm
            )
            self.services.close()
            self.services = bootstrap(
                self.config, self.clock, wall_clock=self.wall_clock, key=protected.key
            )
            # Logged in first: printing the key's sheet is an admin's (audited) act.
            self.services.login(answers.admin.username, answers.admin.password)
            self.show_recovery(protected.recovery_code)
        self.services.login(answers.admin.username, answers.admin.password)
        if chosen and Path(chosen) != self.services.backups.folder():
            self.services.backups.set_folder(chosen)

    def _show_recovery(self, code: str) -> None:
        assert self.services is not None
        from ui.dialogs.recovery_key import RecoveryKeyDialog

        RecoveryKeyDialog(code, sheet=self.services.security.recovery_sheet).exec()

    # --- login ----------------------------------------------------------------------------
    def _hint(self) -> str:
        assert self.services is not None
        if not self.services.clinic.get().is_demo:
            return ""
        from app.services.demo import DEMO_PASSWORD, DEMO_USERS

        users = ", ".join(u[0] for u in DEMO_USERS)
        return DEMO_HINT.format(users=users, password=DEMO_PASSWORD)

    def _ask_login(self, services: Services, hint: str) -> bool:
        dialog, self.early_login = self.early_login, None
        login = partial(login_loading_window, services.login)
        if dialog is None:
            dialog = LoginDialog(login, hint=hint)
        elif dialog.left:  # Sair while the database opened
            dialog.deleteLater()
            return False
        else:  # the login painted at start: what was typed there stays, Entrar is honoured
            dialog.ready(login, hint)
        if os.environ.get(READY_ENV):  # the benchmark times the login's start, then leaves
            ReadyProbe(dialog, "login", dialog.reject)
            dialog.update()  # a login painted at start paints again once it answers
        accepted = bool(dialog.exec())
        dialog.deleteLater()
        return accepted

    # --- the window -----------------------------------------------------------------------
    def _fill_demo(self) -> None:
        from app.services.demo import DEMO_PASSWORD, DEMO_USERS

        services = self.services
        assert services is not None

        def job(progress: Progress, cancelled: IsCancelled) -> DemoReport:
            return services.demo.create(
                DEMO_PATIENTS, seed=1, progress=progress, cancelled=cancelled
            )

        def done(_report: DemoReport) -> None:
            services.login(DEMO_USERS[0][0], DEMO_PASSWORD)
            self.show_window()

        def failed(exc: EmDiaError) -> None:
            ops.settle(exc, None)  # cancelled, or a bug: said, then the (empty) clinic opens
            self.show_window()

        ops.start(
            None,
            job,
            on_success=done,
            on_error=failed,
            progress="Criando a clínica de demonstração…",
        )

    def show_window(self) -> MainWindow:
        from ui.main_window import MainWindow

        assert self.services is not None
        self.window = MainWindow(
            self.services, reporter=self.reporter, auto_backup=self.auto_backup, prepare=True
        )
        self.window.reopen_requested.connect(self.reopen)
        if os.environ.get(READY_ENV):
            ReadyProbe(self.window)
        if self.auto_backup and self.config.sqlite_path is not None:
            # Once the window is on screen: the backup's work on another thread would otherwise
            # slow its first paint (the interpreter is shared).
            window = self.window
            AfterFirstPaint(window, lambda: window.start_backup("inicio"), START_BACKUP_AT_MOST_MS)
        self.window.show()
        return self.window

    def reopen(self, message: str) -> None:
        """After a restore or encrypting the database: close everything and open again."""
        application = QApplication.instance()
        keep_running = (
            isinstance(application, QApplication) and application.quitOnLastWindowClosed()
        )
        if keep_running:
            QApplication.setQuitOnLastWindowClosed(False)  # the old window closes first
        if self.window is not None:
            self.window.auto_backup = False  # the file was just replaced/backed up
            self.window.close()
            self.window.deleteLater()
            self.window = None
        self.runner.wait()
        if self.services is not None:
            self.services.close()
            self.services = None
        QMessageBox.information(None, "EmDia", message)
        opened = self.open()
        if keep_running:
            QApplication.setQuitOnLastWindowClosed(True)
        if not opened:
            QApplication.quit()


def run_gui(config: Config, clock: Clock, wall_clock: Clock | None = None) -> int:
    application = make_application()
    log_file: Path = configure_logging(config.log_dir)
    reporter = ErrorReporter(log_file)
    reporter.install()
    from ui.first_paint import take_early_login

    launcher = Launcher(
        config, clock, reporter, wall_clock=wall_clock, early_login=take_early_login()
    )
    if not launcher.open():
        return 1
    code = application.exec()
    launcher.runner.wait()
    if launcher.services is not None:
        launcher.services.close()
    return int(code)


def main() -> int:  # pragma: no cover - `python -m ui.main`
    from app.clock import SystemClock

    return run_gui(replace(load_config(None), demo=False), SystemClock())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
