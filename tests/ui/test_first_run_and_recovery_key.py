"""The two dialogs of a new installation, driven as a person does: the first-run choice (set up
my clinic or explore the demo) and the recovery key, shown once and not dismissed until the
person says it is written down."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QCheckBox, QDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.bootstrap import bootstrap
from app.clock import FixedClock
from app.config import load_config
from app.domain.first_steps import Step
from app.security import unlock
from app.security.keys import DataKey
from tests.memory_keyring import MemoryKeyring
from tests.ui.helpers import drive_modal, launcher_for, tick, type_first_admin, type_text
from ui.dialogs.first_run import FirstRunDialog
from ui.dialogs.recovery_key import RecoveryKeyDialog
from ui.dialogs.setup import SetupDialog

# A real code's shape: 14 groups of 4 (the key and a checksum, base32).
CODE = DataKey(bytes(range(32))).recovery_code()


def button(dialog: QDialog, text: str) -> QPushButton:
    [found] = [b for b in dialog.findChildren(QPushButton) if b.text() == text]
    return found


D = TypeVar("D", bound=QDialog)


def on_screen(qtbot: QtBot, dialog: D) -> D:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def first_run(qtbot: QtBot) -> FirstRunDialog:
    return on_screen(qtbot, FirstRunDialog())


def recovery(qtbot: QtBot) -> RecoveryKeyDialog:
    return on_screen(qtbot, RecoveryKeyDialog(CODE))


# --- first run --------------------------------------------------------------------------------


def test_first_run_offers_the_two_ways_to_start(qtbot: QtBot) -> None:
    dialog = first_run(qtbot)
    assert dialog.windowTitle() == "Bem-vindo ao EmDia"
    assert [b.text() for b in dialog.findChildren(QPushButton)] == [
        "Configurar minha clínica",
        "Explorar a clínica de demonstração",
    ]
    assert dialog.choice is None


def test_clicking_the_demo_chooses_the_demo(qtbot: QtBot) -> None:
    dialog = first_run(qtbot)
    qtbot.mouseClick(
        button(dialog, "Explorar a clínica de demonstração"), Qt.MouseButton.LeftButton
    )
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.choice == FirstRunDialog.DEMO == "demo"


def test_enter_sets_up_my_clinic_the_default(qtbot: QtBot) -> None:
    dialog = first_run(qtbot)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.choice == FirstRunDialog.SETUP == "setup"


def test_escape_chooses_nothing(qtbot: QtBot) -> None:
    dialog = first_run(qtbot)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.choice is None and not dialog.isVisible()


# --- recovery key -----------------------------------------------------------------------------


def test_the_code_is_shown_on_two_lines_and_can_be_selected(qtbot: QtBot) -> None:
    dialog = recovery(qtbot)
    groups = CODE.split("-")
    assert len(groups) == 14
    # 14 groups: 7 on each line, the first line ending in a dash so it reads as one code.
    assert dialog.code.text() == "-".join(groups[:7]) + "-\n" + "-".join(groups[7:])
    assert dialog.code.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse


def test_copiar_puts_the_whole_code_on_the_clipboard(qtbot: QtBot) -> None:
    dialog = recovery(qtbot)
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(button(dialog, "Copiar"), Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == CODE  # one line, as it is typed back


def test_the_dialog_stays_until_the_person_confirms_the_code_is_written_down(
    qtbot: QtBot,
) -> None:
    dialog = recovery(qtbot)
    assert not dialog.done_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # not yet: the key is shown only this once
    assert dialog.isVisible()
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)  # disabled: nothing
    assert dialog.isVisible()

    confirmed = dialog.findChild(QCheckBox, "confirmed")
    assert confirmed is not None
    assert confirmed.text() == "Anotei a chave e guardei em lugar seguro"
    tick(qtbot, confirmed)
    assert dialog.done_button.isEnabled()
    tick(qtbot, confirmed)  # changed their mind: Continuar is off again
    assert not dialog.done_button.isEnabled()
    tick(qtbot, confirmed)
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()


def test_once_confirmed_escape_closes_it(qtbot: QtBot) -> None:
    dialog = recovery(qtbot)
    tick(qtbot, dialog.confirmed)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()


# --- both, as a new installation shows them ---------------------------------------------------


def test_a_new_installation_asks_how_to_start_then_shows_the_recovery_key_once(
    qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    """The launcher's own dialogs (not stand-ins): "Configurar minha clínica" is clicked, the
    set-up form is filled, and the recovery key the database was encrypted with is shown."""
    db = tmp_path / "clinica.db"
    launcher, shown = launcher_for(db)
    codes: list[str] = []

    printed = tmp_path / "impressora.pdf"

    def to_pdf(_parent: QWidget | None) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return printer

    def write_it_down(dialog: RecoveryKeyDialog) -> None:
        codes.append(dialog.code.text().replace("\n", ""))
        assert dialog.print_button.isVisible()  # one page on paper, kept out of the archive
        dialog.ask_printer = to_pdf
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
        assert "Impressão enviada" in dialog.status.text() and printed.stat().st_size > 0
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # refused: not confirmed yet
        assert dialog.isVisible()
        tick(qtbot, dialog.confirmed)
        qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)

    def fill(submit, encrypt, passphrase_required):  # type: ignore[no-untyped-def]
        dialog = SetupDialog(submit, encrypt=encrypt, passphrase_required=passphrase_required)
        qtbot.addWidget(dialog)
        type_first_admin(qtbot, dialog)
        type_text(qtbot, dialog.password, "senha da doutora")
        type_text(qtbot, dialog.password_confirm, "senha da doutora")
        # Creating the admin encrypts the database and shows the key, modal, before returning.
        drive_modal(
            lambda: qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton),
            RecoveryKeyDialog,
            write_it_down,
        )
        return dialog.result() == SetupDialog.DialogCode.Accepted

    launcher.ask_setup = fill
    opened: list[bool] = []
    chosen = drive_modal(
        lambda: opened.append(launcher.open()),
        FirstRunDialog,
        lambda d: qtbot.mouseClick(
            button(d, "Configurar minha clínica"), Qt.MouseButton.LeftButton
        ),
    )
    assert opened == [True], shown
    assert chosen.choice == FirstRunDialog.SETUP
    assert launcher.window is not None and launcher.services is not None
    qtbot.addWidget(launcher.window)
    launcher.services.close()

    [code] = codes
    memory_keyring.entries.clear()  # a new computer: only the code on paper opens the data
    key = unlock.resolve_key(db, passphrase=code, use_env=False)
    reopened = bootstrap(load_config(str(db)), FixedClock(date(2026, 3, 16)), key=key)
    assert reopened.login("conceicao", "senha da doutora").username == "conceicao"
    assert [e.action for e in reopened.audit.search()].count("security.recovery_sheet") == 1
    reopened.close()


def test_an_admin_sees_and_saves_the_recovery_key_again(
    qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    """The paper was lost: in Configurações → Usuários e backups an admin shows the key again
    and saves its page where they choose (a pendrive kept elsewhere)."""
    from app.services.users import UserForm
    from ui.views.security_view import SecurityView

    db = tmp_path / "clinica.db"
    key = unlock.new_protection(db, None)
    services = bootstrap(load_config(str(db)), FixedClock(date(2026, 3, 16)), key=key)
    services.users.create(UserForm("admin", "Dra. Conceição", "admin", "senha-forte-1"))
    services.login("admin", "senha-forte-1")
    view = SecurityView(services)
    qtbot.addWidget(view)
    view.show()
    view.load()
    assert view.recovery_button.isVisible()
    saved = tmp_path / "pendrive" / "chave.pdf"
    saved.parent.mkdir()

    def save(dialog: RecoveryKeyDialog) -> None:
        assert dialog.code.text().replace("\n", "") == key.recovery_code()
        dialog.ask_path = lambda: str(saved)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert "Salvo em" in dialog.status.text()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # shown again: closes without a promise

    drive_modal(
        lambda: qtbot.mouseClick(view.recovery_button, Qt.MouseButton.LeftButton),
        RecoveryKeyDialog,
        save,
    )
    assert saved.read_bytes().startswith(b"%PDF")
    services.close()


def test_set_up_asks_where_backups_go_and_warns_about_the_same_disk(
    qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The launcher's own set-up dialog suggests the default folder — on this PC's disk, so it
    warns — and a pendrive chosen with Escolher… is where the backups go from then on."""
    from app import files

    pendrive = tmp_path / "PENDRIVE" / "EmDia-backups"
    monkeypatch.setattr(files, "_device", lambda path: 2 if "PENDRIVE" in str(path) else 1)
    db = tmp_path / "clinica.db"
    launcher, shown = launcher_for(db)
    launcher.ask_first_run = lambda: FirstRunDialog.SETUP
    launcher.show_recovery = lambda _code: None

    def fill(dialog: SetupDialog) -> None:
        assert dialog.backup_dir.text() == str(launcher.config.backup_dir)
        assert dialog.backup_warning.isVisible() and "mesmo disco" in dialog.backup_warning.text()
        dialog.choose_folder = lambda: str(pendrive)
        chooser = dialog.findChild(QPushButton, "chooseBackupDir")
        assert chooser is not None and not chooser.isDefault()
        qtbot.mouseClick(chooser, Qt.MouseButton.LeftButton)
        assert dialog.backup_dir.text() == str(pendrive) and not dialog.backup_warning.isVisible()
        type_first_admin(qtbot, dialog)
        type_text(qtbot, dialog.password, "senha da doutora")
        type_text(qtbot, dialog.password_confirm, "senha da doutora")
        qtbot.keyClick(dialog.password_confirm, Qt.Key.Key_Return)  # Enter creates

    opened: list[bool] = []
    drive_modal(lambda: opened.append(launcher.open()), SetupDialog, fill)
    assert opened == [True], shown
    services = launcher.services
    assert services is not None and launcher.window is not None
    qtbot.addWidget(launcher.window)
    assert services.backups.folder() == pendrive and pendrive.is_dir()
    steps = {s.step: s for s in services.clinic.first_steps()}
    assert steps[Step.BACKUP].done
    settings = launcher.window.settings_view
    assert settings.tabs.currentWidget() is settings.first_steps  # not a blank form
    services.close()
