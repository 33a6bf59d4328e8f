"""Configurações → Usuários e backups, and Auditoria, driven through their widgets."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.domain.patients import PatientForm
from app.services.backup import BackupReport
from tests.conftest import STAFF_PASSWORD
from tests.ui.helpers import type_text
from ui.dialogs.user_dialog import UserDialog
from ui.main_window import MainWindow
from ui.views.audit_view import AuditView


def admin_window(qtbot: QtBot, staff: Services) -> MainWindow:
    staff.login("admin", STAFF_PASSWORD)
    window = MainWindow(staff)
    qtbot.addWidget(window)
    window.show()
    window.show_section("Configurações")
    window.settings_view.tabs.setCurrentIndex(window.settings_view.security_tab)
    return window


def test_admin_sees_users_and_adds_one_through_the_dialog(qtbot: QtBot, staff: Services) -> None:
    window = admin_window(qtbot, staff)
    view = window.security_view
    assert view.user_table.rowCount() == 3
    dialog = UserDialog(staff.users, None, view)
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.username, "joao.recepção")
    type_text(qtbot, dialog.password, "senha-boa-1")
    type_text(qtbot, dialog.password_confirm, "senha-boa-2")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert "letras minúsculas sem acento" in dialog.errors.message_for("username")
    assert "não confere" in dialog.errors.message_for("password_confirm")
    dialog.username.clear()
    type_text(qtbot, dialog.username, "joao")
    dialog.password_confirm.clear()
    type_text(qtbot, dialog.password_confirm, "senha-boa-1")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.result() == UserDialog.DialogCode.Accepted
    view.load_users()
    assert view.user_table.rowCount() == 4


def test_backup_now_then_restore_with_a_preview(
    qtbot: QtBot, staff: Services, tmp_path: Path
) -> None:
    window = admin_window(qtbot, staff)
    view = window.security_view
    view.set_folder(str(tmp_path / "pendrive"))
    assert view.folder.text() == str(tmp_path / "pendrive")
    qtbot.mouseClick(view.backup_now, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.backup_table.rowCount() == 1, timeout=10000)
    assert "verificado" in view.backup_status.text()
    backup = next((tmp_path / "pendrive").glob("*.emdiabak"))

    staff.patients.create(PatientForm(name="Paciente Depois do Backup", cpf="529.982.247-25"))
    previews: list[BackupReport] = []

    def confirm(report: BackupReport) -> bool:
        previews.append(report)
        return True

    view.confirm_restore = confirm
    with qtbot.waitSignal(window.reopen_requested, timeout=10000) as blocker:
        view.restore_file(str(backup))
    assert "restaurado" in blocker.args[0]
    assert previews[0].ok and previews[0].counts["app_user"] == 3


def test_idle_minutes_are_validated_and_saved(qtbot: QtBot, staff: Services) -> None:
    window = admin_window(qtbot, staff)
    view = window.security_view
    view.idle_minutes.setValue(3)
    qtbot.mouseClick(view.findChild(type(view.backup_now), "saveIdle"), Qt.MouseButton.LeftButton)
    assert staff.security.idle_lock_minutes() == 3
    assert "não criptografado" in view.crypto_status.text().lower()


def audit_tab(qtbot: QtBot, staff: Services) -> AuditView:
    """Configurações → Auditoria as a gestor, after one change of the clinic's multa."""
    staff.login("gestor", STAFF_PASSWORD)
    staff.clinic.update({"fine_percent": "1,5"})
    window = MainWindow(staff)
    qtbot.addWidget(window)
    window.show()
    window.show_section("Configurações")
    settings = window.settings_view
    settings.tabs.setCurrentIndex(settings.audit_tab)
    return window.audit_view


def test_audit_viewer_lists_and_filters(qtbot: QtBot, staff: Services) -> None:
    view = audit_tab(qtbot, staff)
    assert view.model.rowCount() == 4  # three users created, one clinic change
    first = [view.model.index(0, c).data() for c in range(6)]
    assert first[1] == "gestor" and first[2] == "Dados da clínica alterados"
    assert first[3] == "Clínica 1"
    assert first[4] == "multa: 2 %" and first[5] == "multa: 1,5 %"
    type_text(qtbot, view.text, "user")
    qtbot.keyClick(view.text, Qt.Key.Key_Return)
    assert view.model.rowCount() == 3 and "3 registro" in view.count.text()
    view.text.clear()
    view.user.setCurrentIndex(view.user.findData("gestor"))
    assert view.model.rowCount() == 1


def test_lgpd_export_and_anonymise_from_the_patient_dialog(
    qtbot: QtBot, staff: Services, tmp_path: Path
) -> None:
    from ui.dialogs.patient_dialog import PatientDialog

    staff.login("recepcao", STAFF_PASSWORD)
    patient = staff.patients.create(PatientForm(name="Joana Titular", cpf="529.982.247-25"))
    as_reception = PatientDialog(staff.patients, patient.id, lgpd=staff.lgpd)
    qtbot.addWidget(as_reception)
    assert as_reception.lgpd_button is None  # recepção: no LGPD actions

    staff.login("gestor", STAFF_PASSWORD)
    dialog = PatientDialog(staff.patients, patient.id, lgpd=staff.lgpd)
    qtbot.addWidget(dialog)
    assert dialog.lgpd_button is not None
    target = tmp_path / "joana.json"
    dialog.ask_export_path = lambda: str(target)
    dialog.export_data()
    assert "Joana Titular" in target.read_text(encoding="utf-8")
    dialog.confirm_anonymize = lambda: True
    dialog.anonymize()
    assert dialog.anonymized
    assert staff.patients.get(patient.id).name.startswith("Titular anonimizado")


def test_backups_on_start_and_on_close(qtbot: QtBot, staff: Services, tmp_path: Path) -> None:
    staff.login("admin", STAFF_PASSWORD)
    staff.backups.set_folder(str(tmp_path / "bk"))
    window = MainWindow(staff, auto_backup=True)
    qtbot.addWidget(window)
    window.show()
    window.start_backup("inicio")
    qtbot.waitUntil(
        lambda: "Backup verificado" in window.statusBar().currentMessage(), timeout=10000
    )
    window.close()  # the close backup runs first, then the window really closes
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)
    kinds = sorted(p.name.rsplit("-", 1)[1] for p in (tmp_path / "bk").glob("*.emdiabak"))
    assert kinds == ["fechamento.emdiabak", "inicio.emdiabak"]


def test_unlock_dialog_accepts_only_this_databases_secret(qtbot: QtBot) -> None:
    from app.security.keys import DataKey
    from ui.dialogs.unlock import UnlockDialog

    key = DataKey.generate()
    dialog = UnlockDialog(
        lambda secret: key if secret == "frase certa" else None, where="x.db", can_remember=False
    )
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.secret, "frase errada")
    qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    assert "Não confere" in dialog.message.text() and dialog.key is None
    assert not dialog.remember.isEnabled()
    type_text(qtbot, dialog.secret, "frase certa")
    qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    assert dialog.key == key


def test_audit_tab_says_whether_the_log_is_intact_and_where_it_breaks(
    qtbot: QtBot, staff: Services
) -> None:
    from sqlalchemy import text

    view = audit_tab(qtbot, staff)
    qtbot.waitUntil(lambda: "íntegro" in view.integrity.text())
    assert view.integrity.text().startswith("Registro de auditoria íntegro: 4 linhas")
    with staff.engine.begin() as conn:  # someone with the database open in another program
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET username = 'admin' WHERE id = 2"))
    qtbot.mouseClick(view.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "alterada" in view.integrity.text())
    shown = view.integrity.text()
    assert "a linha nº 2" in shown and "audit_log_no_update" in shown
    assert view.verify_button.isEnabled()
