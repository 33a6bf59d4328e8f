"""Login on start, lockout after 5 wrong tries, auto-lock after idle time, the set-up wizard."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.clock import FixedClock
from app.config import load_config
from app.security import unlock
from app.services.base import Actor
from app.services.users import LOGIN_REFUSED
from tests.conftest import STAFF_PASSWORD
from tests.memory_keyring import MemoryKeyring
from tests.ui.helpers import launcher_for, take_over, type_first_admin, type_text
from ui.dialogs.login import LoginDialog
from ui.dialogs.setup import SetupDialog
from ui.main_window import MainWindow


def test_wrong_passwords_lock_the_user_and_say_so_the_same_way_for_everyone(
    qtbot: QtBot, staff: Services
) -> None:
    staff.actor = Actor.nobody()
    dialog = LoginDialog(staff.login)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.username, "recepcao")
    for _ in range(4):
        type_text(qtbot, dialog.password, "errada")
        qtbot.mouseClick(dialog.enter, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == LOGIN_REFUSED
    assert dialog.password.text() == ""
    # The reason is read whole, and the fields keep their height under it.
    message = dialog.message
    assert message.height() >= message.heightForWidth(message.width())
    assert dialog.password.height() >= dialog.password.sizeHint().height()
    type_text(qtbot, dialog.password, "errada")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.message.text() == LOGIN_REFUSED  # locked now, and not told whom
    type_text(qtbot, dialog.password, STAFF_PASSWORD)
    qtbot.mouseClick(dialog.enter, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == LOGIN_REFUSED and dialog.isVisible()
    assert not staff.actor.is_user


def test_right_password_logs_in(qtbot: QtBot, staff: Services) -> None:
    dialog = LoginDialog(staff.login)
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.username, "gestor")
    type_text(qtbot, dialog.password, STAFF_PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.enter, Qt.MouseButton.LeftButton)
    assert staff.actor.username == "gestor"


def active_window(qtbot: QtBot, staff: Services, username: str) -> MainWindow:
    staff.login(username, STAFF_PASSWORD)
    window = MainWindow(staff)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    return window


def test_idle_window_locks_itself_and_hides_the_data(qtbot: QtBot, staff: Services) -> None:
    window = active_window(qtbot, staff, "recepcao")
    window.idle.set_timeout_ms(150)
    qtbot.waitUntil(lambda: window.is_locked, timeout=3000)
    assert not window.central.isVisible()
    assert not staff.actor.is_user  # the services refuse everything while locked
    dialog = window.lock_dialog
    assert dialog is not None and dialog.username.text() == "recepcao"
    type_text(qtbot, dialog.password, "errada")
    qtbot.mouseClick(dialog.enter, Qt.MouseButton.LeftButton)
    assert window.is_locked and "incorretos" in dialog.message.text()
    type_text(qtbot, dialog.password, STAFF_PASSWORD)
    qtbot.mouseClick(dialog.enter, Qt.MouseButton.LeftButton)
    assert not window.is_locked and window.central.isVisible()
    assert staff.actor.username == "recepcao"
    window.idle.stop()


def test_ctrl_l_locks_and_another_user_can_take_over(qtbot: QtBot, staff: Services) -> None:
    window = active_window(qtbot, staff, "recepcao")
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked
    take_over(qtbot, window, "gestor", STAFF_PASSWORD)
    assert staff.actor.username == "gestor"
    assert "Gestor" in window.user_label.text()
    window.idle.stop()


def test_tabs_follow_the_role(qtbot: QtBot, staff: Services) -> None:
    staff.login("recepcao", STAFF_PASSWORD)
    window = MainWindow(staff)
    qtbot.addWidget(window)
    settings = window.settings_view
    assert not settings.tabs.isTabVisible(settings.security_tab)
    assert not settings.tabs.isTabVisible(settings.audit_tab)
    assert not settings.clinic_form.save_button.isEnabled()
    staff.login("gestor", STAFF_PASSWORD)
    window.apply_permissions()
    assert settings.tabs.isTabVisible(settings.audit_tab)
    assert not settings.tabs.isTabVisible(settings.security_tab)
    assert settings.clinic_form.save_button.isEnabled()
    staff.login("admin", STAFF_PASSWORD)
    window.apply_permissions()
    assert settings.tabs.isTabVisible(settings.security_tab)


def test_first_run_creates_the_admin_encrypts_and_shows_the_recovery_key(
    qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    db = tmp_path / "clinica.db"
    launcher, shown = launcher_for(db)
    codes: list[str] = []
    launcher.ask_first_run = lambda: "setup"
    launcher.show_recovery = codes.append

    def fill(submit, encrypt, passphrase_required):  # type: ignore[no-untyped-def]
        dialog = SetupDialog(submit, encrypt=encrypt, passphrase_required=passphrase_required)
        qtbot.addWidget(dialog)
        type_first_admin(qtbot, dialog)
        type_text(qtbot, dialog.password, "curta")
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
        assert "pelo menos 8" in dialog.errors.message_for("password")
        assert not db.exists() or db.read_bytes().startswith(b"SQLite format 3")
        dialog.password.clear()
        type_text(qtbot, dialog.password, "senha da doutora")
        type_text(qtbot, dialog.password_confirm, "senha da doutora")
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
        return dialog.result() == SetupDialog.DialogCode.Accepted

    launcher.ask_setup = fill
    assert launcher.open(), shown
    assert launcher.window is not None
    qtbot.addWidget(launcher.window)
    assert launcher.services is not None
    assert launcher.services.actor.username == "conceicao"
    assert len(codes) == 1 and len(codes[0].split("-")) == 14
    assert not db.read_bytes().startswith(b"SQLite format 3")
    assert len(memory_keyring.entries) == 1  # this database's key, for the next start
    launcher.services.close()
    key = unlock.resolve_key(db, use_env=False)  # opens without typing next time
    assert key is not None and unlock.key_from_secret(codes[0], None) == key


def test_encrypted_clinic_without_keyring_asks_the_passphrase_then_login(
    qtbot: QtBot, tmp_path: Path, no_keyring: None, clock: FixedClock
) -> None:
    from app.bootstrap import bootstrap
    from app.services.users import UserForm

    db = tmp_path / "clinica.db"
    key = unlock.new_protection(db, "frase da clínica 1")
    services = bootstrap(load_config(str(db)), clock, key=key)
    services.users.create(UserForm("admin", "Admin", "admin", STAFF_PASSWORD))
    services.close()

    launcher, shown = launcher_for(db)
    asked: list[str] = []

    def answer_unlock(where, try_secret):  # type: ignore[no-untyped-def]
        asked.append(where)
        assert try_secret("errada") is None
        return try_secret("frase da clínica 1"), False

    launcher.ask_unlock = answer_unlock
    launcher.ask_login = lambda svc, hint: svc.login("admin", STAFF_PASSWORD) is not None
    assert launcher.open(), shown
    assert asked == [str(db)]
    assert launcher.window is not None
    qtbot.addWidget(launcher.window)
    assert launcher.services is not None
    launcher.services.close()


def test_cancelling_the_login_does_not_open_the_window(
    qtbot: QtBot, tmp_path: Path, staff: Services
) -> None:
    path = staff.config.sqlite_path
    assert path is not None
    launcher, shown = launcher_for(path)
    launcher.ask_login = lambda _svc, _hint: False
    assert not launcher.open()
    assert launcher.window is None and shown == []
    assert launcher.services is not None
    launcher.services.close()
