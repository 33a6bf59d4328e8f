"""Negativação through the real widgets: the dialog refuses without the notice and allows the
inclusion 10 days after it; after full payment the removal countdown sits at the top of
Cobrança de hoje (red when late) and on the dashboard; the dossiê is exported from the page."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.services.negativacao import InclusionForm
from tests.conftest import STAFF_PASSWORD
from tests.negativacao_data import Days, pay_everything, seed_debt, send_notice
from tests.ui.helpers import drive_modal, type_text
from ui.dialogs.negativacao_dialog import NegativacaoDialog
from ui.views.dashboard_view import DashboardView
from ui.views.patient.page import PatientPage
from ui.views.today.view import TodayView


@pytest.fixture
def clock() -> Days:
    return Days()


@pytest.fixture
def debt(staff: Services) -> dict[str, int]:
    staff.login("gestor", STAFF_PASSWORD)
    return seed_debt(staff)


def make_page(qtbot: QtBot, services: Services, patient_id: int) -> PatientPage:
    page = PatientPage(services)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    qtbot.waitExposed(page)
    page.open(patient_id)
    return page


def lines(dialog: NegativacaoDialog) -> list[str]:
    return [dialog.checklist.item(i).text() for i in range(dialog.checklist.count())]


def test_the_dialog_refuses_without_the_notice(
    qtbot: QtBot, staff: Services, debt: dict[str, int]
) -> None:
    page = make_page(qtbot, staff, debt["ana"])
    seen: list[list[str]] = []

    def look(dialog: NegativacaoDialog) -> None:
        seen.append(lines(dialog))
        assert not dialog.save_button.isEnabled()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # disabled: nothing

    negativacao = page.print_bar.negativacao_button
    drive_modal(lambda: qtbot.mouseClick(negativacao, Qt.MouseButton.LeftButton),
                NegativacaoDialog, look)  # fmt: skip
    [items] = seen
    assert items[0].startswith("✔ Dívida certa, líquida e vencida")
    assert any(i.startswith("✘ Comunicação prévia da clínica") for i in items)
    assert staff.negativacao.list() == []


def test_ten_days_after_the_notice_the_gestor_includes(
    qtbot: QtBot, staff: Services, debt: dict[str, int], clock: Days
) -> None:
    send_notice(staff, debt)
    clock.day = date(2026, 3, 26)
    page = make_page(qtbot, staff, debt["ana"])

    def include(dialog: NegativacaoDialog) -> None:
        assert all(line.startswith("✔") for line in lines(dialog))
        assert dialog.save_button.isEnabled()
        dialog.bureau.setCurrentIndex(dialog.bureau.findData("serasa"))
        type_text(qtbot, dialog.protocol, "SER-2026-001")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    dialog = drive_modal(
        lambda: qtbot.mouseClick(page.print_bar.negativacao_button, Qt.MouseButton.LeftButton),
        NegativacaoDialog,
        include,
    )
    assert dialog.saved is not None
    [view] = staff.negativacao.list()
    assert view.row.bureau == "serasa" and view.row.protocol == "SER-2026-001"
    assert "Negativação" in page.print_bar.status.text()


def test_recepcao_sees_the_checklist_but_not_the_inclusion(
    qtbot: QtBot, staff: Services, debt: dict[str, int], clock: Days
) -> None:
    send_notice(staff, debt)
    clock.day = date(2026, 3, 26)
    staff.login("recepcao", STAFF_PASSWORD)
    dialog = NegativacaoDialog(staff, debt["ana"])
    qtbot.addWidget(dialog)
    assert all(line.startswith("✔") for line in lines(dialog))
    assert not dialog.save_button.isEnabled() and "gestor" in dialog.hint.text()


def test_after_full_payment_the_removal_is_on_top_of_the_list_and_red_when_late(
    qtbot: QtBot, staff: Services, debt: dict[str, int], clock: Days
) -> None:
    send_notice(staff, debt)
    clock.day = date(2026, 3, 26)
    staff.negativacao.include(InclusionForm(debt["contract"], "serasa", "2026-03-26", "P-1"))
    clock.day = date(2026, 4, 2)
    pay_everything(staff, debt, "2026-04-02")
    clock.day = date(2026, 4, 6)
    today = TodayView(staff)
    qtbot.addWidget(today)
    today.show()
    with qtbot.waitSignal(today.loaded, timeout=10_000):
        today.load()
    assert today.removals.isVisible()
    assert today.removals.model.index(0, 0).data() == "Ana Souza"
    assert today.removals.model.index(0, 2).data() == "retirar até 10/04 (faltam 4 dias úteis)"

    clock.day = date(2026, 4, 13)
    with qtbot.waitSignal(today.loaded, timeout=10_000):
        today.load()
    assert "retirada atrasada" in today.removals.model.index(0, 2).data()
    assert today.removals.model.rows[0].colour == "#b3261e"
    assert "prazo vencido" in today.removals.title.text()

    board = DashboardView(staff)
    qtbot.addWidget(board)
    board.show_dashboard(staff.dashboard.summary())
    assert not board.removals.isHidden() and "#b3261e" in board.removals.text()

    def remove(dialog: NegativacaoDialog) -> None:
        assert dialog.removal_box.isVisible()
        assert "retirada atrasada" in dialog.countdown.text()
        qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)

    with qtbot.waitSignal(today.loaded, timeout=10_000):
        drive_modal(
            lambda: qtbot.mouseClick(today.removals.record_button, Qt.MouseButton.LeftButton),
            NegativacaoDialog,
            remove,
        )
    assert today.removals.isHidden()
    [view] = staff.negativacao.list()
    assert view.row.removed_on == date(2026, 4, 13)


def test_the_dossie_is_exported_from_the_patient_page(
    qtbot: QtBot, staff: Services, debt: dict[str, int], tmp_path: Path
) -> None:
    page = make_page(qtbot, staff, debt["ana"])
    page.choose_folder = lambda _parent: str(tmp_path)
    with qtbot.waitSignal(page.dossie_done, timeout=20_000) as done:
        qtbot.mouseClick(page.print_bar.dossie_button, Qt.MouseButton.LeftButton)
    result = done.args[0]
    assert zipfile.is_zipfile(result.path)
    assert "Dossiê gravado" in page.print_bar.status.text()
    assert page.archive.model.rowCount() == 2  # the contract and the archived summary
