"""The receptionist's money flow on a patient's page, driven through real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.bootstrap import Services, bootstrap
from app.domain.contracts import ContractForm, ContractTermsForm, PaymentForm
from app.domain.patients import PatientForm
from tests.ui.helpers import drive_modal, replace_text, tick, type_text
from ui.dialogs.contract_dialog import ContractDialog
from ui.dialogs.contract_terms_dialog import ContractTermsDialog
from ui.dialogs.payment_dialog import PaymentDialog
from ui.dialogs.reversal_dialog import ReversalDialog
from ui.main_window import MainWindow
from ui.views.patient.page import PatientPage


@pytest.fixture
def patient_id(services: Services) -> int:
    services.clinic.update({"name": "Clínica Teste Ltda", "state": "SP"})
    return services.patients.create(
        PatientForm(name="Maria da Silva", cpf="529.982.247-25", birth_date="01/01/1980")
    ).id


def make_page(qtbot: QtBot, services: Services, patient_id: int) -> PatientPage:
    page = PatientPage(services)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    qtbot.waitExposed(page)
    page.open(patient_id)
    return page


def cells(model: QAbstractItemModel, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_register_12x_receive_partial_and_reverse(
    qtbot: QtBot, services: Services, patient_id: int
) -> None:
    page = make_page(qtbot, services, patient_id)
    assert "Nenhum contrato" in page.contracts.summary.text()
    assert not page.header.pay_button.isEnabled()

    def fill_contract(dialog: ContractDialog) -> None:
        type_text(qtbot, dialog.description, "Ortodontia (uso interno)")
        type_text(qtbot, dialog.total, "1.200,00")
        replace_text(qtbot, dialog.installments, "12")
        replace_text(qtbot, dialog.first_due, "01/05/2026")  # Labour Day: moves to 04/05
        dialog.refresh_preview()
        assert dialog.preview_model.rowCount() == 12
        assert dialog.preview_model.index(0, 1).data() == "04/05/2026"
        assert dialog.preview_model.index(0, 3).data() == "era 01/05"
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    drive_modal(
        lambda: qtbot.mouseClick(page.header.contract_button, Qt.MouseButton.LeftButton),
        ContractDialog,
        fill_contract,
    )
    assert page.contracts.lines_model.rowCount() == 12
    assert cells(page.contracts.lines_model, 4) == ["a vencer"] * 12
    assert page.header.pay_button.isEnabled()

    def receive(dialog: PaymentDialog) -> None:
        assert dialog.amount.text() == "100,00"  # the next installment, prefilled
        replace_text(qtbot, dialog.amount, "60,00")
        dialog.refresh_preview()
        assert dialog.preview_model.index(0, 6).data() == "parcial"
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    drive_modal(
        lambda: qtbot.mouseClick(page.header.pay_button, Qt.MouseButton.LeftButton),
        PaymentDialog,
        receive,
    )
    assert cells(page.contracts.lines_model, 4)[0] == "parcial"
    assert cells(page.contracts.lines_model, 3)[0] == "R$ 60,00"
    assert cells(page.contracts.lines_model, 9)[0] == "R$ 40,00"

    page.payments.table.selectRow(0)

    def reverse(dialog: ReversalDialog) -> None:
        dialog.code.setCurrentIndex(dialog.code.findData("cheque_devolvido"))
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    drive_modal(
        lambda: qtbot.mouseClick(page.payments.reverse_button, Qt.MouseButton.LeftButton),
        ReversalDialog,
        reverse,
    )
    assert cells(page.contracts.lines_model, 4)[0] == "a vencer"
    statuses = cells(page.payments.model, 6)
    assert statuses[0].startswith("estorno de") and "Cheque devolvido" in statuses[0]
    assert statuses[1] == "estornado"


def test_contract_dialog_shows_errors_next_to_fields(
    qtbot: QtBot, services: Services, patient_id: int
) -> None:
    dialog = ContractDialog(services.contracts, patient_id, "Maria", services.clock.today())
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.total, "12.5")
    replace_text(qtbot, dialog.first_due, "31/02/2026")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    total_error = dialog.findChild(QLabel, "error_total")
    due_error = dialog.findChild(QLabel, "error_first_due")
    assert total_error is not None and "vírgula" in total_error.text()
    assert due_error is not None and "31/02/2026" in due_error.text()
    assert services.contracts.count() == 0


def test_overpayment_needs_the_credit_tick(
    qtbot: QtBot, services: Services, patient_id: int
) -> None:
    contract = services.contracts.create(
        patient_id, ContractForm(total="300,00", installments="3", first_due="2026-04-10")
    )
    page = make_page(qtbot, services, patient_id)

    def overpay(dialog: PaymentDialog) -> None:
        replace_text(qtbot, dialog.amount, "350,00")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert "crédito" in dialog.errors.message_for("amount")
        tick(qtbot, dialog.keep_credit)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    drive_modal(
        lambda: qtbot.mouseClick(page.header.pay_button, Qt.MouseButton.LeftButton),
        PaymentDialog,
        overpay,
    )
    assert "Crédito do paciente: R$ 50,00" in page.contracts.summary.text()
    assert services.contracts.get(contract.summary.id).summary.status == "settled"


def test_the_preview_applies_the_installment_the_patient_named_first(
    qtbot: QtBot, services: Services, patient_id: int
) -> None:
    """CC art. 352: the patient says "this is parcela 3"; the preview shows it, the payment
    follows it — not parcela 1, the oldest."""
    contract = services.contracts.create(
        patient_id, ContractForm(total="300,00", installments="3", first_due="2026-04-10")
    )
    page = make_page(qtbot, services, patient_id)

    def pay_parcela_3(dialog: PaymentDialog) -> None:
        assert dialog.chosen.currentData() == ""  # nothing named: the oldest first
        assert "mais antigas primeiro" in dialog.order_note.text()
        replace_text(qtbot, dialog.amount, "100,00")
        dialog.chosen.setCurrentIndex(dialog.chosen.findData("3"))
        dialog.refresh_preview()
        assert cells(dialog.preview_model, 0) == ["3"]
        assert "a parcela 3 primeiro, indicada pelo paciente" in dialog.order_note.text()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    drive_modal(
        lambda: qtbot.mouseClick(page.header.pay_button, Qt.MouseButton.LeftButton),
        PaymentDialog,
        pay_parcela_3,
    )
    lines = services.contracts.get(contract.summary.id).lines
    assert [(ln.number, ln.status.value) for ln in lines] == [
        (1, "a_vencer"),
        (2, "a_vencer"),
        (3, "pago"),
    ]


def test_late_installment_shows_todays_updated_amount(
    qtbot: QtBot, services: Services, patient_id: int
) -> None:
    # services' clock says 16/03/2026; an installment due 02/02 is 42 days late.
    services.contracts.create(
        patient_id, ContractForm(total="100,00", installments="1", first_due="2026-02-02")
    )
    page = make_page(qtbot, services, patient_id)
    assert cells(page.contracts.lines_model, 4) == ["vencido"]
    assert cells(page.contracts.lines_model, 5) == ["42"]
    assert cells(page.contracts.lines_model, 6) == ["R$ 2,00"]
    assert cells(page.contracts.lines_model, 7) == ["R$ 1,40"]
    assert cells(page.contracts.lines_model, 9) == ["R$ 103,40"]


def test_contracts_section_opens_the_patient(
    qtbot: QtBot, services: Services, patient_id: int
) -> None:
    services.contracts.create(
        patient_id, ContractForm(total="300,00", installments="3", first_due="2026-04-10")
    )
    services.payments.add(PaymentForm(1, "100,00", "2026-03-16"))
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    view = window.show_section("Contratos")
    assert view is window.contracts_view
    assert view.model.rowCount() == 1
    assert view.model.index(0, 8).data() == "R$ 200,00"
    type_text(qtbot, view.search, "zzz")
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=3000)
    view.search.clear()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=3000)
    view.table.setCurrentIndex(view.model.index(0, 0))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.patients
    assert window.patients.page.header.title.text() == "Maria da Silva"


def test_stale_contract_edit_asks_to_reload(
    qtbot: QtBot, services: Services, patient_id: int
) -> None:
    form = ContractForm(total="1.200,00", installments="12", first_due="2026-04-01")
    contract = services.contracts.create(patient_id, form)
    page = make_page(qtbot, services, patient_id)

    def edit_on_two_pcs(dialog: ContractTermsDialog) -> None:
        type_text(qtbot, dialog.description, "Implante")
        # Meanwhile, at the other reception, someone fills in the signature date and saves.
        other = bootstrap(services.config, services.clock, migrate=False)
        try:
            other.contracts.update_terms(
                contract.summary.id, ContractTermsForm(signed_on="10/03/2026"), contract.version
            )
        finally:
            other.close()

        def reload(box: QMessageBox) -> None:
            assert box.text() == "Outro usuário alterou este registro — recarregar?"
            qtbot.mouseClick(box.findChild(QPushButton, "reload"), Qt.MouseButton.LeftButton)

        drive_modal(
            lambda: qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton),
            QMessageBox,
            reload,
        )
        assert dialog.signed_on.text() == "10/03/2026"  # the other PC's change is on screen
        type_text(qtbot, dialog.description, "Implante")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    drive_modal(
        lambda: qtbot.mouseClick(page.header.edit_contract_button, Qt.MouseButton.LeftButton),
        ContractTermsDialog,
        edit_on_two_pcs,
    )
    saved = services.contracts.get(contract.summary.id)
    assert saved.description == "Implante" and saved.signed_on is not None


def test_enter_registers_the_typed_amount_and_the_receipt_is_offered_right_there(
    qtbot: QtBot, services: Services, patient_id: int
) -> None:
    """150 + Enter pays R$ 150,00 — never the overdue total a quick-fill button would put there
    — and the next Enter prints the recibo of that very payment."""
    # A recibo identifies the clinic: its CNPJ and its address.
    services.clinic.update(
        {"cnpj": "11.222.333/0001-81", "address": "Av. Brasil, 100", "city": "Campinas"}
    )
    contract = services.contracts.create(
        patient_id, ContractForm(total="900,00", installments="3", first_due="2026-02-02")
    )
    page = make_page(qtbot, services, patient_id)
    opened: list[str] = []
    page.desk.open_url = lambda url: opened.append(url.toLocalFile()) is None
    overdue = services.contracts.get(contract.summary.id).overdue_cents
    assert overdue == 61_760  # two installments late on 16/03 (02/02 and 02/03), updated

    def pay_with_enter(dialog: PaymentDialog) -> None:
        assert dialog.amount.text() == "617,60"  # the overdue total, prefilled and selected
        assert not any(b.isDefault() for b in (dialog.overdue_button, dialog.next_button))
        type_text(qtbot, dialog.amount, "150")  # typed over the selection
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
        assert dialog.saved is not None and dialog.saved.amount_cents == 15_000
        assert dialog.isVisible() and "R$ 150,00 registrado" in dialog.done_text.text()
        assert dialog.receipt_button.isDefault() and not dialog.save_button.isVisible()
        qtbot.keyClick(dialog.receipt_button, Qt.Key.Key_Return)
        assert "Recibo gerado e arquivado" in dialog.done_text.text()
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)

    drive_modal(
        lambda: qtbot.mouseClick(page.header.pay_button, Qt.MouseButton.LeftButton),
        PaymentDialog,
        pay_with_enter,
    )
    [payment] = services.payments.for_contract(contract.summary.id)
    assert payment.amount_cents == 15_000
    [receipt] = services.archive.for_patient(patient_id)
    assert receipt.kind == "recibo" and opened == [receipt.file_path]
    assert page.payments.selected() is not None and page.payments.selected().id == payment.id
    assert page.payments.receipt_button.isEnabled()


def test_contratos_filters_by_status_and_overdue_and_marks_past_due_dates(
    qtbot: QtBot, services: Services, patient_id: int
) -> None:
    late = services.contracts.create(
        patient_id, ContractForm(total="300,00", installments="3", first_due="2026-02-02")
    )
    on_time = services.contracts.create(
        patient_id, ContractForm(total="200,00", installments="2", first_due="2026-04-10")
    )
    paid = services.contracts.create(
        patient_id, ContractForm(total="100,00", installments="1", first_due="2026-04-10")
    )
    services.payments.add(PaymentForm(paid.summary.id, "100,00", "2026-03-16"))
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    view = window.show_section("Contratos")
    assert view is window.contracts_view
    ids = lambda: [view.model.summary(r).id for r in range(view.model.rowCount())]  # noqa: E731
    assert sorted(ids()) == sorted([late.summary.id, on_time.summary.id, paid.summary.id])
    qtbot.mouseClick(view.overdue, Qt.MouseButton.LeftButton)
    assert ids() == [late.summary.id] and view.count_label.text() == "1 contrato"
    next_due = view.model.index(0, 9)
    assert next_due.data() == "02/02/2026"
    assert next_due.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#b3261e"
    qtbot.mouseClick(view.overdue, Qt.MouseButton.LeftButton)
    view.status.setCurrentIndex(view.status.findData("settled"))
    assert ids() == [paid.summary.id]
    view.status.setCurrentIndex(view.status.findData("active"))
    assert sorted(ids()) == sorted([late.summary.id, on_time.summary.id])
    row = ids().index(on_time.summary.id)
    assert view.model.index(row, 9).data(Qt.ItemDataRole.ForegroundRole) is None
