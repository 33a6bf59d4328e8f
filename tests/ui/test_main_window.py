from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from ui.main_window import MainWindow
from ui.views.reports.section import ReportsSection


def make_window(qtbot: QtBot, services: Services) -> MainWindow:
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_navigation_has_the_sections_the_product_keeps(qtbot: QtBot, services: Services) -> None:
    window = make_window(qtbot, services)
    names = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert names == [
        "Início",
        "Pacientes",
        "Contratos",
        "Cobrança",
        "Documentos",
        "Relatórios",
        "Configurações",
    ]
    assert window.stack.currentWidget() is window.patients


def test_relatorios_opens_on_todays_cash_closing(qtbot: QtBot, services: Services) -> None:
    window = make_window(qtbot, services)
    with qtbot.waitSignal(window.reports_view.loaded, timeout=10_000):
        view = window.show_section("Relatórios")
    assert isinstance(view, ReportsSection)
    assert view.result is not None and view.result.view.title == "Fechamento de caixa"
    texts = " ".join(label.text() for label in view.findChildren(QLabel))
    assert "ainda não está pronta" not in texts


def test_cobranca_opens_on_todays_list(qtbot: QtBot, services: Services) -> None:
    window = make_window(qtbot, services)
    with qtbot.waitSignal(window.today_view.loaded, timeout=10_000):
        section = window.show_section("Cobrança")
    assert section is window.collection
    assert window.collection.tabText(0) == "Cobrança de hoje"
    assert "Nenhum contato de cobrança para hoje" in window.today_view.summary.text()


def test_keyboard_shortcuts_switch_sections(qtbot: QtBot, services: Services) -> None:
    window = make_window(qtbot, services)
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.settings_view
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.patients


def test_demo_clinic_is_marked_in_the_title(qtbot: QtBot, demo_services: Services) -> None:
    window = make_window(qtbot, demo_services)
    assert "DEMO" in window.windowTitle()
    assert "Sorriso" in window.windowTitle()


def test_real_clinic_is_not_marked_demo(qtbot: QtBot, services: Services) -> None:
    services.clinic.update({"name": "Clínica Boa Saúde Ltda"})
    window = make_window(qtbot, services)
    assert "DEMO" not in window.windowTitle()
    assert str(services.config.sqlite_path) in window.db_label.text()
