"""On the patient page a receptionist turns three overdue installments into a 6× acordo and
gets the termo de confissão printed — real widgets only."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.patients import PatientForm
from tests.conftest import STAFF_PASSWORD
from tests.ui.helpers import drive_modal, replace_text, type_text
from tests.ui.test_documents_view import FakeDesktop
from ui.dialogs.agreement_dialog import AgreementDialog
from ui.dialogs.contract_dialog import ContractDialog
from ui.dialogs.credit_check_dialog import CreditCheckDialog
from ui.views.patient.page import PatientPage

CLINIC = {"name": "Clínica Teste Ltda", "cnpj": "11.222.333/0001-81",
          "address": "Av. Brasil, 100", "city": "Campinas",
          "state": "SP"}  # fmt: skip


@pytest.fixture
def patient_id(services: Services) -> int:
    """6 × R$ 200,00 from 05/12/2025 with the first paid: on 16/03/2026 three are overdue."""
    services.clinic.update(CLINIC)
    patient = services.patients.create(PatientForm(name="Maria da Silva", cpf="529.982.247-25"))
    view = services.contracts.create(
        patient.id, ContractForm(total="1.200,00", installments="6", first_due="2025-12-05")
    )
    services.payments.add(
        PaymentForm(view.summary.id, "200,00", "2025-12-05", "pix", reason="comprovante antigo")
    )
    return patient.id


def make_page(qtbot: QtBot, services: Services, patient_id: int) -> PatientPage:
    page = PatientPage(services)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    qtbot.waitExposed(page)
    page.open(patient_id)
    return page


def test_three_overdue_installments_become_a_6x_agreement_and_its_confissao(
    qtbot: QtBot, services: Services, patient_id: int, tmp_path: Path
) -> None:
    page = make_page(qtbot, services, patient_id)
    fake = FakeDesktop(page.desk, tmp_path)
    assert page.header.agreement_button.isEnabled()

    def agree(dialog: AgreementDialog) -> None:
        assert dialog.table.rowCount() == 5  # three overdue, two still to fall due
        assert len(dialog.checked()) == 3  # the overdue ones come checked
        assert "dívida atualizada" in dialog.totals.text()
        type_text(qtbot, dialog.discount, "10,00")
        replace_text(qtbot, dialog.first_due, "10/04/2026")
        assert dialog.count.value() == 6
        dialog.refresh_preview()
        titles = [box.title() for box in dialog.option_boxes]
        assert titles == ["Nova data", "6× (proposta)", "Parcelas menores"]
        proposal = dialog.findChild(QLabel, "option_text_proposta")
        assert proposal is not None and "1/6 · 10/04/2026" in proposal.text()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    dialog = drive_modal(
        lambda: qtbot.mouseClick(page.header.agreement_button, Qt.MouseButton.LeftButton),
        AgreementDialog,
        agree,
    )
    assert dialog.saved is not None and dialog.saved.status == "accepted"
    assert dialog.document is not None and dialog.document.kind == "confissao"
    assert [p.name[:3] for p in fake.opened] == ["CDD"]  # opened like every Imprimir button
    assert page.bottom_tabs.currentWidget() is page.agreements
    assert page.agreements.model.rowCount() == 1
    assert page.agreements.model.index(0, 2).data() == "aceito"
    assert page.contracts.model.rowCount() == 2  # the old contract and the acordo's
    new_contract = dialog.saved.contract_id
    assert page.contract is not None and page.contract.summary.id == new_contract
    assert len(page.contract.lines) == 6
    assert not page.header.agreement_button.isEnabled()  # nothing overdue any more
    assert page.archive.model.rowCount() == 1


def test_errors_show_under_their_fields_and_nothing_is_saved(
    qtbot: QtBot, services: Services, patient_id: int
) -> None:
    dialog = AgreementDialog(
        services.agreements, services.documents, patient_id, "Maria", services.clock.today()
    )
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.discount, "5.000,00")
    replace_text(qtbot, dialog.first_due, "31/02/2026")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    discount = dialog.findChild(QLabel, "error_discount")
    due = dialog.findChild(QLabel, "error_first_due")
    assert discount is not None and "menor que a dívida" in discount.text()
    assert due is not None and "31/02/2026" in due.text()
    dialog.set_checked(set())
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    chosen = dialog.findChild(QLabel, "error_installment_ids")
    assert chosen is not None and "ao menos uma parcela" in chosen.text()
    assert services.agreements.for_patient(patient_id) == []


def test_a_big_discount_from_the_desk_waits_for_the_gestor(
    qtbot: QtBot, staff: Services, patient_id: int
) -> None:
    staff.login("recepcao", STAFF_PASSWORD)
    dialog = AgreementDialog(
        staff.agreements, staff.documents, patient_id, "Maria", staff.clock.today()
    )
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.discount, "200,00")
    dialog.refresh_preview()
    assert dialog.approval_note.isVisibleTo(dialog)
    assert "aguardando a aprovação do gestor" in dialog.approval_note.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved is not None and dialog.saved.needs_approval
    assert dialog.document is None


def test_credit_check_dialog_and_the_contract_reminder(
    qtbot: QtBot, services: Services, patient_id: int
) -> None:
    page = make_page(qtbot, services, patient_id)

    def contract(dialog: ContractDialog) -> None:
        type_text(qtbot, dialog.total, "3.000,00")
        dialog.refresh_preview()
        assert dialog.credit_note.isVisibleTo(dialog)
        assert "consulte o SPC/Serasa" in dialog.credit_note.text()

    drive_modal(
        lambda: qtbot.mouseClick(page.header.contract_button, Qt.MouseButton.LeftButton),
        ContractDialog,
        contract,
    )
    page.bottom_tabs.setCurrentWidget(page.agreements)

    def record(dialog: CreditCheckDialog) -> None:
        type_text(qtbot, dialog.result_edit, "nada consta")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    drive_modal(
        lambda: qtbot.mouseClick(page.agreements.credit_button, Qt.MouseButton.LeftButton),
        CreditCheckDialog,
        record,
    )
    assert "Serasa em 16/03/2026 — nada consta" in page.agreements.credit.text()

    def contract_again(dialog: ContractDialog) -> None:
        type_text(qtbot, dialog.total, "3.000,00")
        dialog.refresh_preview()
        assert not dialog.credit_note.isVisibleTo(dialog)

    drive_modal(
        lambda: qtbot.mouseClick(page.header.contract_button, Qt.MouseButton.LeftButton),
        ContractDialog,
        contract_again,
    )
