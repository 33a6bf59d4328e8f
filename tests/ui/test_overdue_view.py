"""Cobrança → Inadimplentes and Início, driven like the owner and the receptionist do."""

from __future__ import annotations

import csv
import html
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QTabWidget
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.domain.aging import BUCKET_LABELS, Bucket
from app.domain.contracts import ContractForm
from app.domain.money import format_brl, format_percent
from app.domain.patients import PatientForm
from app.domain.risk import FLAG_LABELS, SEGMENT_LABELS, Flag, Segment
from tests.ui.helpers import type_text
from ui.main_window import MainWindow
from ui.views.overdue_view import OverdueView


@pytest.fixture
def window(qtbot: QtBot, demo_services: Services) -> MainWindow:
    window = MainWindow(demo_services)
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


def open_worklist(qtbot: QtBot, window: MainWindow) -> OverdueView:
    view = window.collection.overdue
    window.show_section("Cobrança")
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        window.collection.setCurrentWidget(view)  # "Cobrança de hoje" is the first tab
    return view


def column(view: OverdueView, index: int) -> list[str]:
    return [view.model.index(r, index).data() for r in range(view.model.rowCount())]


def test_cobranca_is_a_tab_widget_with_the_worklist(
    qtbot: QtBot, window: MainWindow, demo_services: Services
) -> None:
    view = open_worklist(qtbot, window)
    assert isinstance(window.collection, QTabWidget)
    assert window.collection.tabText(window.collection.indexOf(view)) == "Inadimplentes"
    worklist = demo_services.overdue.worklist()
    assert view.model.total == len(worklist.rows) > 0
    assert column(view, 1) == [r.patient_name for r in worklist.rows[: view.model.rowCount()]]
    assert column(view, 0)[:3] == ["1", "2", "3"]  # the priority order by default
    totals = worklist.totals()
    assert format_brl(totals.updated_cents) in view.summary.text()


def test_search_as_you_type_and_filters(
    qtbot: QtBot, window: MainWindow, demo_services: Services
) -> None:
    view = open_worklist(qtbot, window)
    everyone = view.model.total
    target = view.model.item(2)
    surname = target.patient_name.split()[-1]
    type_text(qtbot, view.search, surname.lower())
    qtbot.waitUntil(lambda: view.model.total < everyone, timeout=3000)
    assert target.patient_name in column(view, 1)
    assert all(surname.lower() in r.search_key for r in view.model.selected)
    view.search.clear()
    qtbot.waitUntil(lambda: view.model.total == everyone, timeout=3000)

    view.bucket.setCurrentIndex(view.bucket.findText(BUCKET_LABELS[Bucket.D90_PLUS]))
    assert view.model.selected and all(r.bucket is Bucket.D90_PLUS for r in view.model.selected)
    view.segment.setCurrentIndex(view.segment.findText(SEGMENT_LABELS[Segment.ALTO_RISCO]))
    assert all(r.segment is Segment.ALTO_RISCO for r in view.model.selected)
    view.bucket.setCurrentIndex(0)
    view.segment.setCurrentIndex(0)
    view.flag.setCurrentIndex(view.flag.findText(FLAG_LABELS[Flag.DADOS_DESATUALIZADOS]))
    assert all(Flag.DADOS_DESATUALIZADOS in r.flags for r in view.model.selected)
    view.flag.setCurrentIndex(0)

    type_text(qtbot, view.min_amount, "1.000,00")
    qtbot.keyClick(view.min_amount, Qt.Key.Key_Return)
    assert all(r.updated_cents >= 100_000 for r in view.model.selected)
    view.min_amount.clear()
    type_text(qtbot, view.min_amount, "12.5")
    qtbot.keyClick(view.min_amount, Qt.Key.Key_Return)
    assert "vírgula" in view.min_amount.toolTip()  # shown, not applied
    assert view.model.total == everyone


def test_clicking_a_header_sorts_that_column(qtbot: QtBot, window: MainWindow) -> None:
    view = open_worklist(qtbot, window)
    header = view.table.horizontalHeader()

    def click(section: int) -> None:
        x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))

    click(4)  # Dias
    days = [int(d) for d in column(view, 4)]
    assert days in (sorted(days), sorted(days, reverse=True))
    click(4)
    again = [int(d) for d in column(view, 4)]
    assert again == list(reversed(days)) or again == sorted(again, reverse=True)
    click(1)  # Paciente
    names = [r.patient_sort for r in view.model.selected]
    assert names in (sorted(names), sorted(names, reverse=True))


def test_reasons_beside_the_list_and_double_click_opens_the_patient(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = open_worklist(qtbot, window)
    view.table.selectRow(0)
    row = view.model.item(0)
    text = view.panel.body.text()
    assert row.assessment.reasons
    assert all(html.escape(r.text) in text for r in row.assessment.reasons)
    assert f"risco <b>{row.score}</b>/100" in text
    assert "\n".join(f"+{r.points}  {r.text}" for r in row.assessment.reasons) == view.model.index(
        0, 1
    ).data(Qt.ItemDataRole.ToolTipRole)
    rect = view.table.visualRect(view.model.index(0, 1))
    # A real double click: press, release, then the double-click event.
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.stack.currentWidget() is window.patients
    assert window.patients.page.patient is not None
    assert window.patients.page.patient.id == row.patient_id
    assert window.patients.page.header.standing.isVisible()
    assert format_brl(row.updated_cents) in window.patients.page.header.standing.text()


def test_export_writes_the_list_as_shown(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = open_worklist(qtbot, window)
    view.bucket.setCurrentIndex(view.bucket.findText(BUCKET_LABELS[Bucket.D90_PLUS]))
    target = tmp_path / "inadimplentes.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), "CSV")
    )
    with qtbot.waitSignal(view.exported, timeout=10_000) as written:
        qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    assert written.args == [len(view.model.selected)]
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))[1:]
    assert [r[1] for r in rows] == [r.patient_name for r in view.model.selected]
    assert "exportados" in view.status.text()


def test_dashboard_numbers_match_the_worklist_and_its_chart_opens_it(
    qtbot: QtBot, window: MainWindow, demo_services: Services
) -> None:
    dashboard = window.dashboard
    with qtbot.waitSignal(dashboard.loaded, timeout=20_000):
        window.show_section("Início")
    d = dashboard.dashboard
    assert d is not None
    worklist = demo_services.overdue.worklist()
    assert d.overdue_updated_cents == worklist.totals().updated_cents
    assert dashboard.overdue.value.text() == format_brl(d.overdue_updated_cents)
    assert dashboard.receivable.value.text() == format_brl(d.receivable_cents)
    assert dashboard.rate.value.text() == format_percent(d.default_rate_bp)
    assert dashboard.expected.value.text() == format_brl(d.expected_90_days_cents)
    assert len(dashboard.aging_chart.series()) == 1 and len(dashboard.cash_chart.series()) == 1
    [bars] = dashboard.aging_chart.series()[0].barSets()
    view = window.collection.overdue
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        bars.clicked.emit(0)  # the top bar: more than 90 days
    assert window.stack.currentWidget() is window.collection
    band = next(b for b in d.aging if b.bucket is Bucket.D90_PLUS)
    assert view.model.total == band.patients
    assert format_brl(band.updated_cents) in view.summary.text()


def test_suspension_from_the_patient_header(
    qtbot: QtBot, window: MainWindow, demo_services: Services
) -> None:
    row = next(r for r in demo_services.overdue.worklist().rows if r.suspension_suggested)
    window.open_patient(row.patient_id)
    page = window.patients.page
    assert "Sugestão: suspender novos tratamentos" in page.header.standing.text()
    assert page.header.suspend_button.text() == "Suspender novos tratamentos"
    qtbot.mouseClick(page.header.suspend_button, Qt.MouseButton.LeftButton)
    assert "Novos tratamentos suspensos" in page.header.standing.text()
    assert page.header.suspend_button.text() == "Liberar novos tratamentos"
    assert demo_services.overdue.status(row.patient_id).suspended
    qtbot.mouseClick(page.header.suspend_button, Qt.MouseButton.LeftButton)
    assert not demo_services.overdue.status(row.patient_id).suspended


def test_the_minimum_amount_filters_as_typed_and_hash_is_the_place_in_the_list(
    qtbot: QtBot, window: MainWindow, demo_services: Services
) -> None:
    view = open_worklist(qtbot, window)
    everyone = view.model.total
    type_text(qtbot, view.min_amount, "1000")  # no Enter, no leaving the field
    rows = demo_services.overdue.worklist().rows
    expected = sum(1 for r in rows if r.updated_cents >= 100_000)
    qtbot.waitUntil(lambda: view.model.total == expected, timeout=3000)
    assert 0 < expected < everyone
    by_days = view.model.sort(4, Qt.SortOrder.DescendingOrder)  # most days late first
    assert by_days is None
    assert column(view, 0)[:3] == ["1", "2", "3"]  # the place in the list as shown
    first = view.model.item(0)
    assert view.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == (
        f"Prioridade {first.rank} de {len(rows)}"
    )


def test_the_worklist_fits_1366_without_a_sideways_scroll(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(1366, 728)
    view = open_worklist(qtbot, window)
    qtbot.waitUntil(lambda: not view.table.horizontalScrollBar().isVisible(), timeout=3000)
    shown = [c for c in range(view.model.columnCount()) if not view.table.isColumnHidden(c)]
    assert {0, 1, 4, 6, 8, 10} <= set(shown)  # #, paciente, dias, atualizado, risco, sinais
    assert len(shown) < view.model.columnCount()  # the less important ones gave way
    window.resize(1900, 900)
    qtbot.waitUntil(lambda: not any(map(view.table.isColumnHidden, range(11))), timeout=3000)


def test_prescribed_money_is_marked_prescrita_and_kept_apart(
    qtbot: QtBot, services: Services
) -> None:
    """CC art. 206 §5 I: a parcela due Friday 12/03/2021 is prescribed on 16/03/2026."""
    services.clinic.update({"name": "Clínica Teste Ltda", "state": "SP"})
    patient = services.patients.create(PatientForm(name="Rita Prescrita", cpf="529.982.247-25"))
    services.contracts.create(
        patient.id, ContractForm(total="300,00", installments="1", first_due="2021-03-12")
    )
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    view = open_worklist(qtbot, window)
    assert column(view, 1) == ["Rita Prescrita"]
    assert column(view, 6) == ["prescrita"]
    assert FLAG_LABELS[Flag.PRESCRITA] in column(view, 10)[0]
    assert "prescrito, não cobrável: R$ 300,00" in view.summary.text()
    assert not view.model.worklist.rows[0].suspension_suggested  # no pressure to pay it
    dashboard = window.dashboard
    with qtbot.waitSignal(dashboard.loaded, timeout=20_000):
        window.show_section("Início")
    assert dashboard.overdue.value.text() == "R$ 0,00"
    assert "prescrito, não cobrável: R$ 300,00 (1 paciente)" in dashboard.overdue.note.text()
