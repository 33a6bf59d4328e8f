from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from tests.ui.keyboard import type_text
from ui.main_window import MainWindow


def test_clinic_settings_save_and_refuse(qtbot: QtBot, services: Services) -> None:
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    view = window.settings_view
    window.show_section("Configurações")
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
