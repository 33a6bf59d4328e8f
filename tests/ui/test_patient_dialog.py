"""The patient form, driven as the receptionist drives it: typing and clicking."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.domain.patients import PatientForm
from tests.ui.helpers import drive_modal, replace_text, type_text
from ui.dialogs.patient_dialog import PatientDialog


def open_dialog(qtbot: QtBot, services: Services, patient_id: int | None = None) -> PatientDialog:
    dialog = PatientDialog(services.patients, patient_id)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    return dialog


def error_text(dialog: PatientDialog, key: str) -> str:
    label = dialog.findChild(QLabel, f"error_{key}")
    assert label is not None
    return label.text() if label.isVisible() else ""


def test_valid_patient_is_saved(qtbot: QtBot, services: Services) -> None:
    dialog = open_dialog(qtbot, services)
    type_text(qtbot, dialog.name, "Maria Conceição da Silva")
    type_text(qtbot, dialog.cpf, "529.982.247-25")
    type_text(qtbot, dialog.birth_date, "05/04/1980")
    type_text(qtbot, dialog.phone, "(19) 98765-4321")
    assert dialog.phone_whatsapp.isChecked()  # a cell number: WhatsApp ticked by itself
    type_text(qtbot, dialog.email, "maria@exemplo.com.br")
    qtbot.mouseClick(dialog.opt_out_sms, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == QDialog.DialogCode.Accepted
    [item] = services.patients.search("maria conceicao")
    saved = services.patients.get(item.id)
    assert saved.data.cpf == "52998224725"
    assert saved.data.phone_whatsapp and saved.data.opt_out_sms
    assert str(saved.data.birth_date) == "1980-04-05"


def test_invalid_cpf_is_refused_next_to_the_field_and_nothing_saved(
    qtbot: QtBot, services: Services
) -> None:
    dialog = open_dialog(qtbot, services)
    type_text(qtbot, dialog.name, "Maria da Silva")
    type_text(qtbot, dialog.cpf, "529.982.247-26")
    type_text(qtbot, dialog.email, "maria@")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert "não é um CPF válido" in error_text(dialog, "cpf")
    assert "e-mail" in error_text(dialog, "email").lower()
    assert error_text(dialog, "name") == ""
    assert dialog.cpf.hasFocus()
    assert services.patients.count() == 0

    dialog.cpf.clear()
    type_text(qtbot, dialog.cpf, "529.982.247-25")
    dialog.email.clear()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert services.patients.count() == 1


def test_known_responsible_is_found_by_cpf(qtbot: QtBot, services: Services) -> None:
    services.patients.create(
        PatientForm(name="Joana Souza", cpf="529.982.247-25", phone="19987654321")
    )
    dialog = open_dialog(qtbot, services)
    type_text(qtbot, dialog.name, "Pedro Souza")
    qtbot.mouseClick(dialog.has_responsible, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.responsible_cpf, Qt.MouseButton.LeftButton)
    type_text(qtbot, dialog.responsible_cpf, "529.982.247-25")

    assert "Joana Souza" in dialog.responsible_found.text()
    assert not dialog.responsible_name.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    [child] = services.patients.search("pedro")
    assert child.responsible_name == "Joana Souza"


def test_new_responsible_needs_a_name(qtbot: QtBot, services: Services) -> None:
    dialog = open_dialog(qtbot, services)
    type_text(qtbot, dialog.name, "Pedro Souza")
    qtbot.mouseClick(dialog.has_responsible, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.responsible_cpf, Qt.MouseButton.LeftButton)
    type_text(qtbot, dialog.responsible_cpf, "529.982.247-25")
    qtbot.keyClick(dialog.responsible_cpf, Qt.Key.Key_Tab)
    assert "ainda não cadastrado" in dialog.responsible_found.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "informe o nome" in error_text(dialog, "responsible_name")
    type_text(qtbot, dialog.responsible_name, "Joana Souza")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert services.patients.count() == 2


def test_edit_loads_and_saves_and_refuses_a_stale_form(qtbot: QtBot, services: Services) -> None:
    patient = services.patients.create(
        PatientForm(name="Maria da Silva", cpf="529.982.247-25", city="Campinas")
    )
    dialog = open_dialog(qtbot, services, patient.id)
    assert dialog.cpf.text() == "529.982.247-25"
    assert dialog.city.text() == "Campinas"
    # Someone else saves first, from another window.
    services.patients.update(
        patient.id, PatientForm(name="Maria da Silva", cpf="52998224725", city="Valinhos"), 1
    )
    dialog.city.clear()
    type_text(qtbot, dialog.city, "Sumaré")

    def reload(box: QMessageBox) -> None:
        assert "Outro usuário alterou este registro — recarregar?" in box.text()
        qtbot.mouseClick(box.findChild(QPushButton, "reload"), Qt.MouseButton.LeftButton)

    drive_modal(
        lambda: qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton),
        QMessageBox,
        reload,
    )
    assert services.patients.get(patient.id).data.city == "Valinhos"
    assert dialog.city.text() == "Valinhos"  # reloaded: the current version is on screen
    assert "Recarregado" in dialog.general_error.text()
    replace_text(qtbot, dialog.city, "Sumaré")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert services.patients.get(patient.id).data.city == "Sumaré"


def test_cpf_and_phone_are_formatted_as_typed_and_whatsapp_follows_a_cell_number(
    qtbot: QtBot, services: Services
) -> None:
    dialog = open_dialog(qtbot, services)
    type_text(qtbot, dialog.cpf, "52998224725")
    assert dialog.cpf.text() == "529.982.247-25"
    type_text(qtbot, dialog.phone, "1932517788")
    assert dialog.phone.text() == "(19) 3251-7788" and not dialog.phone_whatsapp.isChecked()
    type_text(qtbot, dialog.phone_alt, "19987654321")
    assert dialog.phone_alt.text() == "(19) 98765-4321" and dialog.phone_alt_whatsapp.isChecked()
    qtbot.mouseClick(dialog.phone_alt_whatsapp, Qt.MouseButton.LeftButton)  # not on WhatsApp
    replace_text(qtbot, dialog.phone_alt, "19912345678")
    assert not dialog.phone_alt_whatsapp.isChecked()  # the person's choice stays
    type_text(qtbot, dialog.name, "Maria da Silva")
    type_text(qtbot, dialog.birth_date, "0504" + "80")  # 050480: 05/04/1980
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = services.patients.get(dialog.saved.id if dialog.saved else 0)
    assert saved.data.phone == "1932517788" and not saved.data.phone_whatsapp
    assert saved.data.phone_alt == "19912345678" and not saved.data.phone_alt_whatsapp
    assert str(saved.data.birth_date) == "1980-04-05"


def test_a_new_responsavel_is_asked_where_they_live(qtbot: QtBot, services: Services) -> None:
    """The notificação and the negativação go to the person charged: a new responsável gets
    the patient's address, or their own."""
    dialog = open_dialog(qtbot, services)
    type_text(qtbot, dialog.name, "Pedro Souza")
    type_text(qtbot, dialog.street, "Rua das Flores, 10")
    type_text(qtbot, dialog.city, "Campinas")
    qtbot.mouseClick(dialog.has_responsible, Qt.MouseButton.LeftButton)
    type_text(qtbot, dialog.responsible_cpf, "11144477735")
    assert dialog.responsible_cpf.text() == "111.444.777-35"
    assert "ainda não cadastrado" in dialog.responsible_found.text()
    type_text(qtbot, dialog.responsible_name, "Ana Souza")
    assert dialog.same_address.isChecked() and not dialog.responsible_address.isVisible()
    qtbot.mouseClick(dialog.same_address, Qt.MouseButton.LeftButton)
    assert dialog.responsible_address.isVisible()
    type_text(qtbot, dialog.responsible_street, "Av. Brasil, 500, apto 12")
    type_text(qtbot, dialog.responsible_city, "Valinhos")
    dialog.responsible_state.setCurrentText("SP")
    type_text(qtbot, dialog.responsible_zip, "13270000")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved is not None, dialog.general_error.text()
    ana = services.patients.find_by_cpf("111.444.777-35")
    assert ana is not None
    record = services.patients.get(ana.id).data
    assert (record.street, record.city, record.state, record.zip_code) == (
        "Av. Brasil, 500, apto 12",
        "Valinhos",
        "SP",
        "13270000",
    )


def test_a_pasted_control_character_is_refused_next_to_the_field_and_nothing_saved(
    qtbot: QtBot, services: Services
) -> None:
    dialog = open_dialog(qtbot, services)
    dialog.name.insert("Maria\x07 da Silva")  # what a paste from another program can carry
    type_text(qtbot, dialog.cpf, "529.982.247-25")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert "caractere de controle invisível (U+0007)" in error_text(dialog, "name")
    assert services.patients.count() == 0
