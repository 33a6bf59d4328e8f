"""Documentos and the patient's documents, driven through real widgets. The system viewer and
the print dialog are replaced (no window pops up in a test); printing goes to a PDF file."""

from __future__ import annotations

import logging
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.domain.catalog import DocumentKind
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.patients import PatientForm
from app.services.documents.batch import BatchResult
from tests.ui.helpers import cancel_progress
from ui import tasks
from ui.documents import DocumentDesk
from ui.views.documents_view import DocumentsView
from ui.views.patient.page import PatientPage

CLINIC = {"name": "Clínica Teste Ltda", "cnpj": "11.222.333/0001-81",
          "address": "Av. Brasil, 100", "city": "Campinas",
          "state": "SP", "pix_key": "11.222.333/0001-81"}  # fmt: skip


class FakeDesktop:
    """Stands in for the system viewer and the print dialog."""

    def __init__(self, desk: DocumentDesk, tmp_path: Path) -> None:
        self.opened: list[Path] = []
        self.printed_to = tmp_path / "printed.pdf"
        desk.open_url = self.open_url
        desk.ask_printer = self.ask_printer

    def open_url(self, url: QUrl) -> bool:
        self.opened.append(Path(url.toLocalFile()))
        return True

    def ask_printer(self, _parent: QWidget | None) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self.printed_to))
        return printer


def make_view(
    qtbot: QtBot, services: Services, tmp_path: Path
) -> tuple[DocumentsView, FakeDesktop]:
    view = DocumentsView(services.document_batch, services.archive)
    fake = FakeDesktop(view.desk, tmp_path)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    qtbot.waitExposed(view)
    return view, fake


@pytest.mark.parametrize("in_workers", [False, True], ids=["inline", "pool"])
def test_batch_of_notifications_runs_in_the_background_and_fills_the_archive(
    qtbot: QtBot,
    demo_services: Services,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    in_workers: bool,
) -> None:
    # A small batch renders here; forced into the render pool, it starts the worker processes
    # from the window's background thread, and ends them before the batch is finished.
    demo_services.document_batch.pool_min_documents = 1 if in_workers else 10**9
    caplog.set_level(logging.INFO, logger="app.services.documents.batch")
    view, fake = make_view(qtbot, demo_services, tmp_path)
    assert view.model.total == 0
    view.min_days.setValue(30)
    expected = len(demo_services.document_batch.overdue_candidates(30))
    assert f"{expected} contrato(s)" in view.candidates_label.text()
    ticks = [0]
    timer = QTimer(view)
    timer.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    timer.start(20)
    with qtbot.waitSignal(view.batch_finished, timeout=60_000) as finished:
        qtbot.mouseClick(view.batch_button, Qt.MouseButton.LeftButton)
        assert not view.batch_button.isEnabled()
    timer.stop()
    result: BatchResult = finished.args[0]
    assert ticks[0] > 0  # the event loop kept running while the batch worked
    assert expected > 0 and not result.cancelled and len(result.documents) == expected
    assert f"{len(result.documents)} notificação(ões) gerada(s)" in view.batch_summary.text()
    assert view.model.total == len(result.documents)
    assert view.batch_button.isEnabled()
    assert ("documents: rendered by" in caplog.text) == in_workers

    view.table.selectRow(0)
    qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    newest = view.model.item(0)
    assert fake.opened == [Path(newest.file_path)]
    qtbot.mouseClick(view.print_button, Qt.MouseButton.LeftButton)
    pages = len(pdfium.PdfDocument(newest.file_path))
    assert f"Impressão enviada ({pages} página(s))" in view.status.text()
    assert len(pdfium.PdfDocument(str(fake.printed_to))) == pages

    view.search.setText("notif")
    view.search.flush()
    assert view.model.total == len(result.documents)
    view.search.setText("ninguém-com-esse-nome")
    view.search.flush()
    assert view.model.total == 0


def test_batch_can_be_cancelled_and_keeps_what_was_generated(
    qtbot: QtBot, demo_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks, "SHOW_AFTER_MS", 0)  # a fast machine must not finish first
    view, _fake = make_view(qtbot, demo_services, tmp_path)
    view.min_days.setValue(1)
    with qtbot.waitSignal(view.batch_finished, timeout=60_000) as finished:
        qtbot.mouseClick(view.batch_button, Qt.MouseButton.LeftButton)
        cancel_progress(qtbot, view)
    result: BatchResult = finished.args[0]
    assert result.cancelled
    assert "Cancelado" in view.batch_summary.text()
    assert demo_services.archive.count() == len(result.documents) < result.candidates


@pytest.fixture
def late_contract(services: Services) -> tuple[int, int]:
    services.clinic.update(CLINIC)
    # A letter goes by post: the debtor's postal address is part of the file.
    patient = services.patients.create(
        PatientForm(name="Maria da Silva", cpf="529.982.247-25", street="Rua das Flores",
                    number="10", district="Centro", city="Campinas", state="SP",
                    zip_code="13010-000")
    )  # fmt: skip
    view = services.contracts.create(
        patient.id, ContractForm(total="600,00", installments="3", first_due="2026-01-10")
    )
    cid = view.summary.id
    paid = services.payments.add(
        PaymentForm(cid, "200,00", "2026-01-12", "cheque", reason="comprovante antigo")
    )
    services.payments.reverse(paid.payment_id, "cheque devolvido", "cheque_devolvido")
    return patient.id, cid


def test_patient_page_prints_documents_and_lists_the_archive(
    qtbot: QtBot, services: Services, late_contract: tuple[int, int], tmp_path: Path
) -> None:
    patient_id, _cid = late_contract
    page = PatientPage(services)
    fake = FakeDesktop(page.desk, tmp_path)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    qtbot.waitExposed(page)
    page.open(patient_id)
    assert page.archive.model.rowCount() == 0
    # The words agree with the document: a notificação is "gerada", a carnê "gerado".
    for kind, done in (
        ("notificacao", "Notificação extrajudicial gerada e arquivada"),
        ("carne", "gerado e arquivado"),
        ("contrato", "gerado e arquivado"),
    ):
        button = page.print_bar.buttons[kind]
        assert button.isEnabled()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert done in page.print_bar.status.text()
    assert page.archive.model.rowCount() == 3
    assert [p.name[:3] for p in fake.opened] == ["NOT", "CAR", "CTR"]
    assert page.bottom_tabs.tabText(1) == "Documentos gerados (3)"

    page.bottom_tabs.setCurrentIndex(1)
    page.archive.table.selectRow(2)  # the oldest: the notification
    qtbot.mouseClick(page.archive.open_button, Qt.MouseButton.LeftButton)
    assert fake.opened[-1] == fake.opened[0]  # the exact archived file, re-opened

    page.bottom_tabs.setCurrentIndex(0)
    page.payments.table.selectRow(1)  # the bounced cheque (the estorno is row 0)
    qtbot.mouseClick(page.payments.receipt_button, Qt.MouseButton.LeftButton)
    assert "estornado" in page.print_bar.status.text()
    assert page.archive.model.rowCount() == 3  # nothing archived for it


def test_a_contract_not_yet_due_offers_no_charging_letter_and_says_why(
    qtbot: QtBot, services: Services
) -> None:
    services.clinic.update(CLINIC)
    patient = services.patients.create(PatientForm(name="Maria da Silva", cpf="529.982.247-25"))
    view = services.contracts.create(
        patient.id, ContractForm(total="600,00", installments="3", first_due="2026-04-10")
    )
    page = PatientPage(services)
    qtbot.addWidget(page)
    page.open(patient.id)
    buttons = page.print_bar.buttons
    assert [k for k, b in buttons.items() if b.isEnabled()] == ["contrato", "carne", "extrato"]
    # The same sentence `emdia documents notificacao` answers with.
    assert buttons[DocumentKind.NOTIFICACAO].toolTip() == (
        f"Notificação extrajudicial: o contrato {view.summary.id} não tem parcelas em atraso "
        "em 16/03/2026."
    )
