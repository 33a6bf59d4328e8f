"""Electronic signatures at the desk, driven through real widgets: Enviar para assinatura from a
contract and from an acordo, Receber documento assinado (a good file, a changed one) on the
patient page and in Documentos, and Configurações → Certificados confiáveis."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.domain.agreements import AgreementForm
from app.services.signatures import Received
from tests.signed_data import DEBTOR_CPF, seed_family
from tests.signing import Authority, append_update, sign
from ui.dialogs.signature_dialogs import SignatureReportDialog, SigningMessageDialog
from ui.documents import DocumentDesk
from ui.signing import SignatureDesk
from ui.views.documents_view import DocumentsView
from ui.views.patient.page import PatientPage
from ui.views.trust_tab import TrustTab


@pytest.fixture(scope="module")
def authority() -> Authority:
    return Authority()


@pytest.fixture
def patient_id(services: Services) -> int:
    return services.contracts.get(seed_family(services)).summary.patient_id


def make_page(
    qtbot: QtBot, services: Services, patient_id: int
) -> tuple[PatientPage, list[QDialog]]:
    page = PatientPage(services)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitExposed(page)
    page.open(patient_id)
    shown: list[QDialog] = []
    page.signing.show = shown.append  # the dialog is kept instead of run modally
    return page, shown


def receive(qtbot: QtBot, page: PatientPage, path: Path) -> object:
    page.signing.ask_signed_file = lambda _parent: str(path)
    with qtbot.waitSignal(page.signing.finished, timeout=20_000) as done:
        page.print_bar.receive_action.trigger()
    return done.args[0]


def test_send_the_contract_then_receive_it_signed_by_the_debtor(
    qtbot: QtBot, services: Services, patient_id: int, tmp_path: Path, authority: Authority
) -> None:
    page, shown = make_page(qtbot, services, patient_id)
    assert page.print_bar.send_action.isEnabled()
    assert not page.contracts.signature.isVisible()
    target = tmp_path / "para-assinar.pdf"
    page.signing.ask_save_path = lambda _parent, suggested: (
        str(target) if suggested.startswith("contrato-") else ""
    )

    page.print_bar.send_action.trigger()

    [message] = shown
    assert isinstance(message, SigningMessageDialog)
    assert message.message.toPlainText().startswith("Olá, Maria!")
    qtbot.mouseClick(message.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == message.message.toPlainText()
    assert target.is_file() and "PDF para assinatura salvo em" in page.print_bar.status.text()
    assert page.archive.model.rowCount() == 1  # the contract, archived as it was sent

    maria = authority.person("MARIA APARECIDA ARAUJO", DEBTOR_CPF)
    signed_file = tmp_path / "contrato-assinado.pdf"
    signed_file.write_bytes(sign(target.read_bytes(), maria, authority))
    result = receive(qtbot, page, signed_file)

    assert isinstance(result, Received) and not result.again
    report = shown[-1]
    assert isinstance(report, SignatureReportDialog)
    checks = report.checks_text()
    assert [c.split("</span> ")[1] for c in checks] == [
        "Assinatura íntegra e matematicamente válida",
        f"Conteúdo idêntico ao documento {result.signed.original_document_id}",
        "Quem assinou é quem o documento cobra",
        "Cadeia verificada até uma raiz confiável",
    ]
    assert ["✔" in c for c in checks] == [True, True, True, False]
    assert "Cadeia não verificada" in report.notes.text()
    assert page.contracts.signature.isVisible()
    assert page.contracts.signature.text() == (
        f"Contrato: assinado eletronicamente por MARIA APARECIDA ARAUJO em 16/03 (documento "
        f"{result.signed.document_id}; cadeia não verificada)."
    )
    kinds = [page.archive.model.index(r, 2).data() for r in range(page.archive.model.rowCount())]
    assert kinds == ["Documento assinado", "Contrato"]


def test_a_changed_file_is_refused_on_the_page(
    qtbot: QtBot, services: Services, patient_id: int, tmp_path: Path, authority: Authority
) -> None:
    page, shown = make_page(qtbot, services, patient_id)
    target = tmp_path / "para-assinar.pdf"
    page.signing.ask_save_path = lambda _parent, _suggested: str(target)
    page.print_bar.send_action.trigger()
    maria = authority.person("MARIA APARECIDA ARAUJO", DEBTOR_CPF)
    changed = tmp_path / "alterado.pdf"
    changed.write_bytes(append_update(sign(target.read_bytes(), maria, authority)))

    result = receive(qtbot, page, changed)

    assert not isinstance(result, Received)
    assert page.print_bar.status.text().startswith("Documento assinado recusado:")
    assert len(shown) == 1  # only the message of the sending: no report
    assert not page.contracts.signature.isVisible()


def test_the_acordos_confissao_goes_for_signing_and_shows_who_signed(
    qtbot: QtBot, services: Services, patient_id: int, tmp_path: Path, authority: Authority
) -> None:
    overdue = [
        o.origin.installment_id
        for o in services.agreements.open_installments(patient_id)
        if o.line.is_overdue
    ]
    agreement = services.agreements.propose(
        patient_id, AgreementForm(tuple(overdue), count="3", first_due="2026-04-10")
    )
    services.agreements.accept(agreement.id)
    page, shown = make_page(qtbot, services, patient_id)
    page.bottom_tabs.setCurrentWidget(page.agreements)
    target = tmp_path / "acordo.pdf"
    page.signing.ask_save_path = lambda _parent, suggested: (
        str(target) if suggested == f"acordo-{agreement.id}-para-assinar.pdf" else ""
    )
    assert page.agreements.signing_button.isEnabled()

    qtbot.mouseClick(page.agreements.signing_button, Qt.MouseButton.LeftButton)

    assert isinstance(shown[0], SigningMessageDialog) and target.is_file()
    maria = authority.person("MARIA APARECIDA ARAUJO", DEBTOR_CPF, style="icp")
    signed_file = tmp_path / "acordo-assinado.pdf"
    signed_file.write_bytes(sign(target.read_bytes(), maria, authority))
    receive(qtbot, page, signed_file)
    column = page.agreements.model.columnCount() - 1
    assert page.agreements.model.index(0, column).data() == (
        "assinado eletronicamente por MARIA APARECIDA ARAUJO em 16/03"
    )


def test_documentos_receives_a_signed_file(
    qtbot: QtBot, services: Services, patient_id: int, tmp_path: Path, authority: Authority
) -> None:
    contract_id = services.contracts.for_patient(patient_id)[0].id
    package = services.signatures.send_for_signing(tmp_path / "c.pdf", contract_id=contract_id)
    maria = authority.person("MARIA APARECIDA ARAUJO", DEBTOR_CPF)
    signed_file = tmp_path / "assinado.pdf"
    signed_file.write_bytes(sign(package.path.read_bytes(), maria, authority))
    desk = DocumentDesk(lambda: services.archive)
    signing = SignatureDesk(services.signatures, desk)
    shown: list[QDialog] = []
    signing.show = shown.append
    signing.ask_signed_file = lambda _parent: str(signed_file)
    view = DocumentsView(services.document_batch, services.archive, desk, signing=signing)
    qtbot.addWidget(view)
    view.show()
    assert view.receive_button.isVisible()

    with qtbot.waitSignal(signing.finished, timeout=20_000):
        qtbot.mouseClick(view.receive_button, Qt.MouseButton.LeftButton)

    assert isinstance(shown[0], SignatureReportDialog)
    assert view.model.total == 2  # the contract and its signed copy
    assert "assinado eletronicamente por MARIA APARECIDA ARAUJO" in view.status.text()


def test_certificados_confiaveis_adds_and_removes_roots(
    qtbot: QtBot, services: Services, tmp_path: Path, authority: Authority
) -> None:
    tab = TrustTab(services.trust)
    qtbot.addWidget(tab)
    tab.show()
    tab.load()
    assert tab.model.rowCount() == 0 and "cadeia não verificada" in tab.status.text()
    chain = tmp_path / "cadeia.pem"
    chain.write_bytes(authority.root.pem + authority.issuer.pem)
    tab.choose_file = lambda _parent: str(chain)

    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)

    assert tab.status.text() == "2 certificado(s) adicionado(s)."
    assert [tab.model.index(r, 2).data() for r in range(2)] == ["raiz (âncora)", "intermediária"]
    tab.table.selectRow(1)
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    assert tab.model.rowCount() == 1 and tab.status.text().startswith("Removido:")
    junk = tmp_path / "junk.crt"
    junk.write_text("não é certificado")
    tab.choose_file = lambda _parent: str(junk)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert "não é um certificado" in tab.status.text() and tab.model.rowCount() == 1
