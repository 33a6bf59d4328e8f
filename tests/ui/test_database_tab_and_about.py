"""Configurações → Banco de dados (the guided move to the clinic's server) and Ajuda → Sobre."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from app.bootstrap import Services, bootstrap
from app.config import load_config
from tests.pg import PgServer
from tests.ui.helpers import drive_modal, replace_text, type_text
from ui.dialogs.about_dialog import AboutDialog
from ui.main_window import MainWindow
from ui.views.database_tab import DatabaseTab


def open_tab(qtbot: QtBot, services: Services) -> DatabaseTab:
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    window.show_section("Configurações")
    view = window.settings_view
    view.tabs.setCurrentWidget(view.database_tab)
    return view.database_tab


def test_tab_shows_where_the_data_lives(qtbot: QtBot, demo_services: Services) -> None:
    tab = open_tab(qtbot, demo_services)
    assert "arquivo neste computador" in tab.engine.text()
    assert tab.location.text() == str(demo_services.config.sqlite_path)
    assert f"{demo_services.patients.count()} pacientes" in tab.counts.text()
    assert not tab.local_button.isVisible()
    assert not tab.copy_button.isEnabled()


def test_missing_server_fields_are_shown_under_each_field(qtbot: QtBot, services: Services) -> None:
    tab = open_tab(qtbot, services)
    replace_text(qtbot, tab.port, "porta")
    qtbot.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
    expected = {
        "host": "Servidor: informe o nome ou o IP do computador.",
        "port": "Porta: um número de 1 a 65535 (padrão 5432).",
    }
    for key, message in expected.items():
        label = tab.findChild(QLabel, f"error_{key}")
        assert label is not None and label.isVisible() and label.text() == message


@pytest.mark.postgres
def test_guided_move_to_the_clinic_server(
    qtbot: QtBot, demo_services: Services, pg_server: PgServer
) -> None:
    url = make_url(pg_server.empty_database())
    try:
        tab = open_tab(qtbot, demo_services)
        type_text(qtbot, tab.host, url.host or "")
        replace_text(qtbot, tab.port, str(url.port))
        replace_text(qtbot, tab.database, url.database or "")
        replace_text(qtbot, tab.user, url.username or "")
        qtbot.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Conectado" in tab.status.text(), timeout=15_000)
        assert "banco vazio" in tab.status.text() and tab.copy_button.isEnabled()
        qtbot.mouseClick(tab.copy_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Pronto" in tab.status.text(), timeout=60_000)
        # From the next start on, this PC opens the server, with the whole clinic in it.
        config = load_config()
        assert config.db_url.startswith("postgresql+psycopg://")
        moved = bootstrap(config, demo_services.clock)
        moved.login("admin", "demo")  # the demo's users moved with it
        try:
            assert moved.patients.count() == demo_services.patients.count()
            assert moved.database.info().on_server
        finally:
            moved.close()
    finally:
        pg_server.drop(url.render_as_string(hide_password=False))


def test_about_lists_the_licences_of_bundled_components(qtbot: QtBot, services: Services) -> None:
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()

    def check(dialog: AboutDialog) -> None:
        rows = {
            dialog.model.index(r, 0).data(): dialog.model.index(r, 2).data()
            for r in range(dialog.model.rowCount())
        }
        assert "LGPL" in rows["Qt 6 (bibliotecas do PySide6)"]
        assert rows["SQLAlchemy"] == "MIT"
        assert "BSD" in rows["reportlab"]
        assert "LGPL" in rows["psycopg"]
        dialog.reject()

    drive_modal(window.about_action.trigger, AboutDialog, check)
