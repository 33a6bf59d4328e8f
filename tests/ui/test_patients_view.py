from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from tests.ui.helpers import drive_modal, replace_text, type_text
from ui.dialogs.patient_dialog import PatientDialog
from ui.models.patients_model import PAGE
from ui.views.patients_section import PatientsSection
from ui.views.patients_view import PatientsView


def make_view(qtbot: QtBot, services: Services) -> PatientsView:
    view = PatientsView(services.patients)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_search_as_you_type_filters_by_name(qtbot: QtBot, demo_services: Services) -> None:
    view = make_view(qtbot, demo_services)
    total = view.model.rowCount()
    assert total > 0
    target = demo_services.patients.search("", 5, 1)[0]
    surname = target.name.split()[-1]
    type_text(qtbot, view.search, surname)
    expected = demo_services.patients.count(surname)
    qtbot.waitUntil(lambda: view.model.total == expected, timeout=3000)
    assert 0 < view.model.rowCount() < total
    names = [view.model.index(r, 0).data() for r in range(view.model.rowCount())]
    assert target.name in names


def test_search_by_cpf_and_phone(qtbot: QtBot, demo_services: Services) -> None:
    view = make_view(qtbot, demo_services)
    target = next(p for p in demo_services.patients.search("", 0, 50) if p.cpf and p.phone)
    type_text(qtbot, view.search, target.cpf[:3] + "." + target.cpf[3:6] + "." + target.cpf[6:9])
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=3000)
    assert view.model.index(0, 0).data() == target.name
    view.search.clear()
    type_text(qtbot, view.search, target.phone[-8:])
    qtbot.waitUntil(
        lambda: (
            target.name in [view.model.index(r, 0).data() for r in range(view.model.rowCount())]
        ),
        timeout=3000,
    )


def test_nothing_found_says_so(qtbot: QtBot, demo_services: Services) -> None:
    view = make_view(qtbot, demo_services)
    type_text(qtbot, view.search, "zzzxxqq")
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=3000)
    assert "Nenhum paciente" in view.count_label.text()


def test_rows_are_fetched_lazily(qtbot: QtBot, services: Services) -> None:
    services.demo.create(patients=PAGE + 50, seed=2)
    view = make_view(qtbot, services)
    assert view.model.rowCount() == PAGE
    assert view.model.total > PAGE
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() > PAGE, timeout=3000)


def test_double_click_opens_the_patient_page_and_edit_saves(
    qtbot: QtBot, demo_services: Services
) -> None:
    section = PatientsSection(demo_services)
    qtbot.addWidget(section)
    section.resize(1200, 760)
    section.show()
    qtbot.waitExposed(section)
    view = section.list
    first_name = view.model.index(0, 0).data()
    rect = view.table.visualRect(view.model.index(0, 0))
    # A real double click is press, release, then the double-click press (Qt needs the first).
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert section.currentWidget() is section.page
    assert section.page.header.title.text() == first_name

    def edit_city(dialog: PatientDialog) -> None:
        assert dialog.name.text() == first_name
        replace_text(qtbot, dialog.city, "Holambra")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    drive_modal(
        lambda: qtbot.mouseClick(section.page.header.edit_button, Qt.MouseButton.LeftButton),
        PatientDialog,
        edit_city,
    )
    qtbot.mouseClick(section.page.header.back_button, Qt.MouseButton.LeftButton)
    assert section.currentWidget() is section.list
    assert view.model.index(0, 5).data() == "Holambra"


def test_new_patient_button_opens_an_empty_form(qtbot: QtBot, services: Services) -> None:
    view = make_view(qtbot, services)

    opened: list[int] = []
    view.open_patient.connect(opened.append)

    def fill(dialog: PatientDialog) -> None:
        type_text(qtbot, dialog.name, "Ana Beatriz Lima")
        type_text(qtbot, dialog.cpf, "111.444.777-35")
        qtbot.keyClick(dialog.cpf, Qt.Key.Key_Return)  # Enter saves (default button)

    drive_modal(
        lambda: qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton), PatientDialog, fill
    )
    assert view.model.rowCount() == 1
    assert len(opened) == 1  # the new patient's page opens next
    assert view.model.index(0, 0).data() == "Ana Beatriz Lima"
