from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.domain.first_steps import Step
from tests.ui.helpers import type_text
from ui.main_window import MainWindow


def test_clinic_settings_save_and_refuse(qtbot: QtBot, services: Services) -> None:
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    view = window.settings_view
    window.show_section("Configurações")
    # A new clinic's Configurações opens on what is left to do; each step opens its place.
    assert view.tabs.currentWidget() is view.first_steps
    assert not view.first_steps.complete
    clinic_step = view.first_steps.rows[Step.CLINIC][3]
    qtbot.mouseClick(clinic_step, Qt.MouseButton.LeftButton)
    assert view.tabs.currentWidget() is view.clinic_form
    form = view.clinic_form
    type_text(qtbot, form.fields["name"], "Clínica Boa Saúde Ltda")
    type_text(qtbot, form.fields["cnpj"], "11.111.111/1111-11")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    error = form.findChild(QLabel, "error_cnpj")
    assert error is not None and error.isVisible() and "CNPJ" in error.text()
    assert "Nada foi salvo" in form.status.text()
    assert services.clinic.get().legal_name == ""

    form.fields["cnpj"].clear()
    type_text(qtbot, form.fields["cnpj"], "11.222.333/0001-81")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.status.text() == "Dados salvos."
    assert services.clinic.get().cnpj == "11222333000181"
    assert "Clínica Boa Saúde Ltda" in window.windowTitle()
    # Every charge also names where the creditor is: the step waits for the address.
    assert view.first_steps.rows[Step.CLINIC][0].text() != "✓"
    type_text(qtbot, form.fields["address"], "Av. Brasil, 100")
    type_text(qtbot, form.fields["city"], "Campinas")
    state = form.fields["state"]
    assert isinstance(state, QComboBox)
    state.setCurrentIndex(state.findData("SP"))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.status.text() == "Dados salvos."
    assert view.first_steps.rows[Step.CLINIC][0].text() == "✓"  # the step is done


def test_fine_above_two_percent_is_refused_in_the_charges_tab(
    qtbot: QtBot, services: Services
) -> None:
    window = MainWindow(services)
    qtbot.addWidget(window)
    form = window.settings_view.charges_form
    form.fields["fine_percent"].clear()
    type_text(qtbot, form.fields["fine_percent"], "2,5")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert "art. 52" in form.errors.message_for("fine_percent")
    assert services.clinic.get().fine_bp == 200


def test_charges_tab_saves_discount_correction_and_ipca(qtbot: QtBot, services: Services) -> None:
    window = MainWindow(services)
    qtbot.addWidget(window)
    form = window.settings_view.charges_form
    form.fields["punctuality_discount_percent"].clear()
    type_text(qtbot, form.fields["punctuality_discount_percent"], "5")
    combo = form.fields["correction_index"]
    combo.setCurrentIndex(combo.findData("ipca"))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    info = services.clinic.get()
    assert (info.punctuality_discount_bp, info.correction_index) == (500, "ipca")

    editor = window.settings_view.index_editor
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    editor.table.item(0, 1).setText("0,44")
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    editor.table.item(1, 1).setText("abc")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "Nada foi salvo" in editor.status.text()
    assert services.indexes.values("ipca") == []
    editor.table.item(1, 1).setText("-0,21")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert [bp for _, bp in services.indexes.values("ipca")] == [44, -21]
