"""Cobrança → Conciliação bancária, driven as the receptionist does: choose the statement file,
register the certain credits in one click, choose a suggestion, ignore a card settlement, and
import the same file again without registering anything twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.domain.reconciliation import MatchStatus
from app.persistence import models
from tests.bank_data import FIXTURES, seed_clinic
from tests.ui.helpers import type_text
from ui.main_window import MainWindow
from ui.views.bank_view import BankView


@pytest.fixture
def window(qtbot: QtBot, services: Services) -> MainWindow:
    seed_clinic(services)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    qtbot.waitExposed(window)
    return window


def open_bank(window: MainWindow) -> BankView:
    window.show_section("Cobrança")
    window.collection.setCurrentWidget(window.collection.bank)
    return window.collection.bank


def choose_file(qtbot: QtBot, view: BankView, monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Click "Importar extrato (OFX)…" and pick ``path`` in the file dialog."""
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(path), ""))
    )
    before = view.summary.text()
    qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.summary.text() != before and view.import_button.isEnabled())


def payments(services: Services) -> int:
    with services.engine.connect() as conn:
        return len(conn.execute(models.Payment.__table__.select()).all())


def test_the_receptionists_morning_with_the_statement(
    qtbot: QtBot, window: MainWindow, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = open_bank(window)
    assert window.collection.tabText(window.collection.indexOf(view)) == "Conciliação bancária"
    assert view.status.text() == "Nenhum crédito aguardando registro."
    assert view.reconciled.text() == "Nenhum pagamento conciliado hoje."

    choose_file(qtbot, view, monkeypatch, FIXTURES / "nubank.ofx")
    assert "1 certo" in view.summary.text() and "1 débito" in view.summary.text()
    choose_file(qtbot, view, monkeypatch, FIXTURES / "itau.ofx")
    assert [x.status for x in view.lines] == [
        MatchStatus.CERTAIN,  # Nubank: João, CPF + name + amount
        MatchStatus.CERTAIN,  # Itaú: the txid of José's installment 2
        MatchStatus.UNMATCHED,  # REDE VISA
        MatchStatus.SUGGESTED,  # "MARIA D"
    ]
    assert view.certain_button.text() == "Registrar os certos (2)"

    # José's page is open in Pacientes: the certain ones, in one click, move his balance there.
    window.open_patient(2)
    page = window.patients.page
    assert page.contract is not None and page.contract.payments == ()
    open_bank(window)
    qtbot.mouseClick(view.certain_button, Qt.MouseButton.LeftButton)
    assert payments(services) == 2
    assert [p.reference for p in page.contract.payments] == ["20260310001"]
    assert view.summary.text() == "2 pagamento(s) registrado(s)."
    assert [x.fitid for x in view.lines] == ["20260313001", "20260316001"]
    assert not view.certain_button.isEnabled()

    # A suggestion chosen: "MARIA D" is Maria da Silva's first installment.
    view.table.selectRow(1)
    panel = view.panel
    assert panel.candidates.count() == 1
    assert panel.candidates.item(0).text().startswith("Maria da Silva — contrato 1, parcela 1")
    assert (panel.contract.value(), panel.installment.value()) == (1, 1)
    qtbot.mouseClick(panel.register_button, Qt.MouseButton.LeftButton)
    assert payments(services) == 3
    assert "registrado como o pagamento 3" in view.summary.text()
    assert view.reconciled.text() == "Hoje: 3 pagamentos conciliados, R$ 600,00."

    # The card settlement is ignored, with a reason.
    view.table.selectRow(0)
    assert view.selected() is not None and view.selected().fitid == "20260313001"
    type_text(qtbot, panel.reason, "repasse da maquininha")
    qtbot.mouseClick(panel.ignore_button, Qt.MouseButton.LeftButton)
    assert view.lines == [] and view.status.text() == "Nenhum crédito aguardando registro."

    # The same file again: nothing registered, and it says so.
    choose_file(qtbot, view, monkeypatch, FIXTURES / "itau.ofx")
    assert "3 já importados" in view.summary.text()
    assert payments(services) == 3 and view.lines == []


def test_a_contract_typed_by_hand_for_a_credit_nobody_matched(
    qtbot: QtBot, window: MainWindow, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = open_bank(window)
    choose_file(qtbot, view, monkeypatch, FIXTURES / "caixa.ofx")
    view.table.selectRow(1)  # "DEP DINHEIRO LOTÉRICA": nobody matched
    panel = view.panel
    assert panel.candidates.count() == 0
    qtbot.mouseClick(panel.register_button, Qt.MouseButton.LeftButton)
    assert panel.error.text().startswith("Contrato: escolha um pagador")
    panel.contract.setValue(3)
    qtbot.mouseClick(panel.register_button, Qt.MouseButton.LeftButton)
    assert payments(services) == 1
    # 40,00 on 06/03, a day after the due date: 3,00 multa + 0,05 juros first (CC art. 354).
    assert services.contracts.get(3).lines[0].paid_cents == 3_695


def test_an_unreadable_file_says_why_and_changes_nothing(
    qtbot: QtBot, window: MainWindow, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = open_bank(window)
    choose_file(qtbot, view, monkeypatch, FIXTURES / "truncated.ofx")
    assert view.summary.text().startswith("truncated.ofx: o arquivo está incompleto")
    assert view.lines == []
