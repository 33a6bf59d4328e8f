"""Once the window is on screen, today's overdue money is computed in the background: Início
(for who sees it) and Cobrança then open with it and compute nothing again. A window that is
not asked to prepare computes nothing until a screen needs it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import app.services.overdue as overdue_module
from app.bootstrap import Services
from app.domain.money import format_brl
from tests.collection_data import count_case_reads, count_fact_reads
from tests.conftest import STAFF_PASSWORD
from ui.main_window import MainWindow
from ui.views.dashboard_view import DashboardView


@pytest.fixture
def computations(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every time the whole clinic's overdue money is computed (not a patch for a few)."""
    seen: list[object] = []
    original: Callable[..., Any] = overdue_module.overdue_debts

    def counted(uow: Any, as_of: Any, patient_ids: Any = None, *more: Any) -> Any:
        if patient_ids is None:
            seen.append(as_of)
        return original(uow, as_of, patient_ids, *more)

    monkeypatch.setattr(overdue_module, "overdue_debts", counted)
    return seen


def open_window(qtbot: QtBot, services: Services, *, prepare: bool) -> MainWindow:
    window = MainWindow(services, prepare=prepare)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def open_worklist(qtbot: QtBot, window: MainWindow) -> None:
    """Cobrança → Inadimplentes, until its worklist is on screen."""
    window.show_section("Cobrança")
    with qtbot.waitSignal(window.collection.overdue.loaded, timeout=20_000):
        window.collection.setCurrentWidget(window.collection.overdue)
    settle(qtbot)


class Held:
    """``compute`` made slow on demand: once called (``started``), it waits on the worker's
    thread until the test sets ``released``."""

    def __init__(self, compute: Callable[[], Any]) -> None:
        self.compute = compute
        self.started = threading.Event()
        self.released = threading.Event()

    def __call__(self) -> Any:
        self.started.set()
        assert self.released.wait(20), "the test never released the computation"
        return self.compute()


def settle(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0)
    qtbot.wait(20)  # the finished task's signal reaches the window


def test_the_gestor_finds_inicio_and_cobranca_ready(
    qtbot: QtBot, demo_services: Services, computations: list[object]
) -> None:
    demo_services.login("gestor", "demo")
    window = open_window(qtbot, demo_services, prepare=True)
    qtbot.waitUntil(lambda: len(computations) == 1)
    settle(qtbot)
    dashboard = window.show_section("Início")
    assert isinstance(dashboard, DashboardView)
    qtbot.waitUntil(lambda: dashboard.dashboard is not None)
    open_worklist(qtbot, window)
    assert len(computations) == 1, "Início and Cobrança reused the prepared money"
    shown = dashboard.dashboard
    assert shown is not None and shown.overdue_patients > 0
    assert shown == demo_services.dashboard.summary()


def test_the_desk_finds_cobranca_ready(
    qtbot: QtBot, staff: Services, computations: list[object]
) -> None:
    staff.login("recepcao", STAFF_PASSWORD)
    window = open_window(qtbot, staff, prepare=True)
    qtbot.waitUntil(lambda: len(computations) == 1)
    settle(qtbot)
    open_worklist(qtbot, window)
    assert len(computations) == 1


def test_without_preparing_nothing_is_computed_until_asked(
    qtbot: QtBot, demo_services: Services, computations: list[object]
) -> None:
    demo_services.login("gestor", "demo")
    window = open_window(qtbot, demo_services, prepare=False)
    qtbot.wait(500)
    settle(qtbot)
    assert computations == []
    window.show_section("Início")
    qtbot.waitUntil(lambda: len(computations) == 1)
    settle(qtbot)


def test_inicio_shows_the_figures_while_the_day_at_the_desk_is_still_computed(
    qtbot: QtBot, demo_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gestor's figures come first; the desk's day and the inbox (every message of
    Cobrança de hoje drafted: a second or more in a large clinic) follow, and nothing modal
    stands in the way meanwhile."""
    demo_services.login("gestor", "demo")
    window = open_window(qtbot, demo_services, prepare=True)
    settle(qtbot)
    drafting = Held(demo_services.desk.overview)
    monkeypatch.setattr(demo_services.desk, "overview", drafting)
    board = window.show_section("Início")
    assert isinstance(board, DashboardView)
    try:
        qtbot.waitUntil(drafting.started.is_set, timeout=10_000)
        qtbot.waitUntil(lambda: board.dashboard is not None, timeout=10_000)
        assert board.overdue.value.text() == format_brl(board.dashboard.overdue_updated_cents)
        assert board.status.text() == "Calculando a cobrança de hoje…"
        assert QApplication.activeModalWidget() is None  # the window answers meanwhile
        assert board.day is None and not board.inbox.items
        assert board.inbox.empty.text() == "Calculando…"  # not "nothing waits" yet
    finally:
        drafting.released.set()
    with qtbot.waitSignal(board.loaded, timeout=20_000):
        pass
    assert board.day is not None and board.status.text() == ""
    assert board.as_of.text().startswith("valores de")
    assert board.inbox.empty.text() != "Calculando…"


def test_cobranca_de_hoje_drafts_from_the_prepared_cases(
    qtbot: QtBot, demo_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window also reads the day's cases in the background: the receptionist's first
    Cobrança de hoje drafts from them instead of reading the whole day again."""
    demo_services.login("recepcao", "demo")
    reads = count_case_reads(monkeypatch)
    window = open_window(qtbot, demo_services, prepare=True)
    qtbot.waitUntil(lambda: len(reads) == 1, timeout=20_000)
    settle(qtbot)
    with qtbot.waitSignal(window.today_view.loaded, timeout=20_000):
        window.show_section("Cobrança")
    assert window.today_view.drafts
    assert len(reads) == 1, "Cobrança de hoje reused the prepared cases"


def test_inadimplentes_ranks_from_the_prepared_risk_facts(
    qtbot: QtBot, demo_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window reads the worklist's risk facts in the background too: the receptionist's
    first Cobrança → Inadimplentes reads only the people and ranks."""
    demo_services.login("recepcao", "demo")
    reads = count_fact_reads(monkeypatch)
    window = open_window(qtbot, demo_services, prepare=True)
    qtbot.waitUntil(lambda: len(reads) == 1, timeout=20_000)
    settle(qtbot)
    view = window.collection.overdue
    window.show_section("Cobrança")
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        window.collection.setCurrentWidget(view)
    assert view.model.rowCount() > 0
    assert len(reads) == 1, "Inadimplentes reused the prepared facts"


def test_a_window_closed_while_preparing_does_not_go_on_to_the_days_cases(
    qtbot: QtBot, demo_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closed within the preparation's seconds, the window's exit waits for the figures being
    computed but not for Cobrança de hoje's cases after them."""
    demo_services.login("gestor", "demo")
    figures = Held(demo_services.dashboard.prepare)
    cases: list[bool] = []
    monkeypatch.setattr(demo_services.dashboard, "prepare", figures)
    monkeypatch.setattr(demo_services.drafts, "prepare", lambda: cases.append(True) or True)
    window = MainWindow(demo_services, prepare=False)
    qtbot.addWidget(window)
    window.show()
    window.prepare_figures()
    try:
        qtbot.waitUntil(figures.started.is_set, timeout=10_000)
        window.close()
    finally:
        figures.released.set()
    settle(qtbot)
    assert cases == []
