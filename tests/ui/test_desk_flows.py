"""A receptionist's day through real widgets: Pagou takes the payment itself, a wrong click is
undone, a mother of two late children is one row, the gestor takes over and sees what waits for
them, and the pages open where the work is."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.domain.agreements import AgreementForm
from app.domain.contracts import ContractForm
from app.domain.desk import InboxKind
from app.domain.patients import PatientForm, ResponsibleForm
from app.services.collection.contact_log import OutcomeForm
from tests.collection_data import seed_debtors
from tests.conftest import STAFF_PASSWORD
from tests.ui.helpers import drive_modal, take_over, type_text
from ui.dialogs.agreement_dialog import SEND_TO_GESTOR, AgreementDialog
from ui.dialogs.payment_dialog import PaymentDialog
from ui.main_window import MainWindow
from ui.views.today.view import TodayView


@pytest.fixture
def desk(staff: Services) -> dict[str, int]:
    """The collection fixtures' clinic, worked by the receptionist."""
    staff.login("gestor", STAFF_PASSWORD)
    ids = seed_debtors(staff)
    staff.login("recepcao", STAFF_PASSWORD)
    return ids


def open_window(qtbot: QtBot, services: Services) -> MainWindow:
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    qtbot.waitExposed(window)
    return window


def open_today(qtbot: QtBot, window: MainWindow) -> TodayView:
    with qtbot.waitSignal(window.today_view.loaded, timeout=10_000):
        window.show_section("Cobrança")
    return window.today_view


def select(qtbot: QtBot, today: TodayView, name: str) -> None:
    row = next(i for i, d in enumerate(today.drafts) if name in d.patient_names)
    rect = today.table.visualRect(today.model.index(row, 0))
    qtbot.mouseClick(today.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def names(today: TodayView) -> list[str]:
    return [today.model.index(r, 0).data() for r in range(today.model.rowCount())]


def button(today: TodayView, text: str):  # type: ignore[no-untyped-def]
    return next(b for b, _o, _c in today.detail.outcome_buttons if b.text() == text)


def test_pagou_opens_the_payment_filled_in_and_logs_it_once_registered(
    qtbot: QtBot, staff: Services, desk: dict[str, int]
) -> None:
    window = open_window(qtbot, staff)
    today = open_today(qtbot, window)
    select(qtbot, today, "Maria da Silva")

    def pay(dialog: PaymentDialog) -> None:
        assert dialog.contract_id() == desk["maria_contract"]
        assert dialog.amount.text() == "306,50"  # her debt today, updated
        assert dialog.method.currentData() == "pix" and dialog.paid_on.text() == "16/03/2026"
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)

    drive_modal(
        lambda: qtbot.mouseClick(button(today, "Pagou…"), Qt.MouseButton.LeftButton),
        PaymentDialog,
        pay,
    )
    [payment] = staff.payments.for_contract(desk["maria_contract"])
    assert payment.amount_cents == 30_650 and payment.method == "pix"
    assert "Maria da Silva" not in names(today)
    assert "Pagamento de R$ 306,50 registrado" in today.detail.status.text()
    [contact] = staff.contacts.history(desk["maria"])
    assert contact.outcome == "disse que pagou"
    assert contact.note.startswith("Pagamento de R$ 306,50")


def test_pagou_without_the_money_is_possible_but_says_so(
    qtbot: QtBot, staff: Services, desk: dict[str, int]
) -> None:
    window = open_window(qtbot, staff)
    today = open_today(qtbot, window)
    select(qtbot, today, "Bruno Lima")
    drive_modal(
        lambda: qtbot.mouseClick(button(today, "Pagou…"), Qt.MouseButton.LeftButton),
        PaymentDialog,
        lambda dialog: qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton),
    )
    assert "Bruno Lima" in names(today)  # nothing registered: still to do
    assert "Nenhum pagamento registrado" in today.detail.status.text()
    assert today.detail.paid_anyway_button.isVisible()
    qtbot.mouseClick(today.detail.paid_anyway_button, Qt.MouseButton.LeftButton)
    assert "Bruno Lima" not in names(today)
    assert "o saldo continua em aberto" in today.detail.status.text()
    assert staff.payments.for_contract(desk["bruno_contract"]) == []


def test_a_wrong_click_is_undone_and_the_row_comes_back(
    qtbot: QtBot, staff: Services, desk: dict[str, int]
) -> None:
    window = open_window(qtbot, staff)
    today = open_today(qtbot, window)
    select(qtbot, today, "Maria da Silva")
    assert not today.detail.undo_button.isVisible()
    qtbot.mouseClick(button(today, "Recusou"), Qt.MouseButton.LeftButton)  # meant "Enviado"
    assert "Maria da Silva" not in names(today)
    assert today.detail.undo_button.isVisible()
    qtbot.mouseClick(today.detail.undo_button, Qt.MouseButton.LeftButton)
    assert "Maria da Silva" in names(today) and today.current() is not None
    assert today.current().patient_name == "Maria da Silva"  # type: ignore[union-attr]
    assert "voltou para a lista" in today.detail.status.text()
    assert not today.detail.undo_button.isVisible()
    assert staff.contacts.history(desk["maria"])[0].outcome == "recusou (desfeito)"
    qtbot.mouseClick(button(today, "Enviado"), Qt.MouseButton.LeftButton)
    assert "Maria da Silva" not in names(today)


def test_a_mother_of_two_late_children_is_one_row_filtered_by_channel(
    qtbot: QtBot, staff: Services, desk: dict[str, int]
) -> None:
    for name in ("Caio Souza", "Lia Souza"):
        child = staff.patients.create(
            PatientForm(name=name, responsible=ResponsibleForm(cpf="111.444.777-35"))
        )
        staff.contracts.create(
            child.id, ContractForm(total="600,00", installments="2", first_due="2026-03-11")
        )
    window = open_window(qtbot, staff)
    today = open_today(qtbot, window)
    assert "Caio Souza, Lia Souza" in names(today)
    assert not {"Caio Souza", "Lia Souza"} & set(names(today))
    select(qtbot, today, "Caio Souza")
    text = today.detail.text.toPlainText()
    assert "• Caio — parcela 1/2" in text and "• Lia — parcela 1/2" in text
    assert "R$ 613,00" in today.detail.qr_caption.text()  # one PIX of the total
    assert "responsável por Caio Souza e Lia Souza" in today.detail.who.text()
    today.show_channel("whatsapp")
    assert all(d.channel == "whatsapp" for d in today.drafts) and today.drafts
    assert today.filter_bar.tabText(today.filter_bar.currentIndex()).startswith("WhatsApp (")
    select(qtbot, today, "Caio Souza")
    qtbot.mouseClick(button(today, "Enviado"), Qt.MouseButton.LeftButton)
    assert [h.outcome for h in staff.contacts.history(staff.patients.search("caio")[0].id)] == [
        "mensagem enviada"
    ]
    assert [h.outcome for h in staff.contacts.history(staff.patients.search("lia")[0].id)] == [
        "mensagem enviada"
    ]


def late_proposal(staff: Services, desk: dict[str, int]) -> int:
    """A proposal whose discount passes the clinic's limit, made at the desk."""
    staff.contracts.create(
        desk["maria"], ContractForm(total="3.000,00", installments="1", first_due="2025-09-01")
    )
    overdue = tuple(
        o.origin.installment_id
        for o in staff.agreements.open_installments(desk["maria"])
        if o.line.is_overdue
    )
    form = AgreementForm(overdue, discount="1.000,00", count="3", first_due="20/03/2026")
    return staff.agreements.propose(desk["maria"], form).id


def test_the_desk_sends_a_large_discount_for_approval_not_accepts_it(
    qtbot: QtBot, staff: Services, desk: dict[str, int]
) -> None:
    staff.contracts.create(
        desk["maria"], ContractForm(total="3.000,00", installments="1", first_due="2025-09-01")
    )
    window = open_window(qtbot, staff)
    window.open_patient(desk["maria"])
    page = window.patients.page

    def propose(dialog: AgreementDialog) -> None:
        type_text(qtbot, dialog.discount, "1.000,00")
        dialog.refresh_preview()
        assert dialog.save_button.text() == SEND_TO_GESTOR
        assert dialog.approval_note.isVisible()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    drive_modal(
        lambda: qtbot.mouseClick(page.header.agreement_button, Qt.MouseButton.LeftButton),
        AgreementDialog,
        propose,
    )
    [proposal] = staff.agreements.for_patient(desk["maria"])
    assert proposal.needs_approval and proposal.contract_id is None


def test_trocar_de_usuario_refreshes_the_open_page_and_the_gestor_sees_the_inbox(
    qtbot: QtBot, staff: Services, desk: dict[str, int]
) -> None:
    proposal = late_proposal(staff, desk)
    window = open_window(qtbot, staff)
    window.open_patient(desk["maria"])
    page = window.patients.page
    page.bottom_tabs.setCurrentWidget(page.agreements)
    assert not page.agreements.approve_button.isVisible()  # the desk may not approve
    assert not page.agreements.accept_button.isEnabled()
    assert "aprovação do gestor" in page.agreements.accept_button.toolTip()

    window.lock()
    take_over(qtbot, window, "gestor", STAFF_PASSWORD)
    window.idle.stop()
    assert staff.actor.username == "gestor"
    assert page.agreements.approve_button.isVisible()  # the same page, now the gestor's
    assert page.agreements.approve_button.isEnabled()

    board = window.dashboard
    with qtbot.waitSignal(board.loaded, timeout=20_000):
        window.show_section("Início")
    approval = next(i for i in board.inbox.items if i.kind is InboxKind.APPROVAL)
    assert approval.agreement_id == proposal
    window.show_section("Cobrança")
    board.inbox.list.setCurrentRow(board.inbox.items.index(approval))
    qtbot.mouseClick(board.inbox.open_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.patients
    assert page.bottom_tabs.currentWidget() is page.agreements
    assert page.agreements.selected() is not None
    assert page.agreements.selected().id == proposal  # type: ignore[union-attr]


def test_accepting_from_the_acordos_tab_prints_the_confissao(
    qtbot: QtBot, staff: Services, desk: dict[str, int]
) -> None:
    staff.login("gestor", STAFF_PASSWORD)
    proposal = late_proposal(staff, desk)
    staff.agreements.approve(proposal)
    staff.login("recepcao", STAFF_PASSWORD)
    window = open_window(qtbot, staff)
    window.open_patient(desk["maria"])
    page = window.patients.page
    opened: list[str] = []
    page.desk.open_url = lambda url: opened.append(url.toLocalFile()) is None
    page.bottom_tabs.setCurrentWidget(page.agreements)
    page.agreements.select(proposal)
    qtbot.mouseClick(page.agreements.accept_button, Qt.MouseButton.LeftButton)
    [confissao] = [d for d in staff.archive.for_patient(desk["maria"]) if d.kind == "confissao"]
    assert opened == [confissao.file_path]
    assert "Confissão de dívida gerada e arquivada" in page.print_bar.status.text()


def test_the_receptionists_inicio_is_the_desks_day(
    qtbot: QtBot, staff: Services, desk: dict[str, int]
) -> None:
    window = open_window(qtbot, staff)
    board = window.dashboard
    with qtbot.waitSignal(board.loaded, timeout=20_000):
        window.show_section("Início")
    assert not board.reports.isVisible() and board.today_promises.isVisible()
    assert board.desk.contacts.value.text() == "0 feitos · 3 faltam"
    assert board.desk.received_today.value.text() == "R$ 0,00"
    assert "relatórios" not in board.status.text()
    assert "nenhuma" in board.today_promises.title.text()  # an empty list says so
    staff.contacts.log_outcome(
        OutcomeForm(desk["maria"], "prometeu", promise_date="16/03/2026", promise_amount="206,50")
    )
    with qtbot.waitSignal(board.loaded, timeout=20_000):
        board.refresh()
    assert board.today_promises.title.text() == "Promessas que vencem hoje (1)"
    promises = board.today_promises.model
    assert [promises.index(0, c).data() for c in range(3)] == [
        "Maria da Silva",
        "R$ 206,50",
        "aguardando",
    ]
    qtbot.mouseClick(board.desk.open_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.collection
    assert window.collection.currentWidget() is window.today_view


def test_a_patient_with_several_contracts_opens_on_the_late_one(
    qtbot: QtBot, staff: Services, desk: dict[str, int]
) -> None:
    newer = staff.contracts.create(
        desk["maria"], ContractForm(total="500,00", installments="5", first_due="2026-05-10")
    )
    window = open_window(qtbot, staff)
    window.open_patient(desk["maria"])
    page = window.patients.page
    assert newer.summary.id > desk["maria_contract"]  # listed first (newest first)…
    assert page.contract is not None
    assert page.contract.summary.id == desk["maria_contract"]  # …but the late one is open
    QApplication.processEvents()
    assert page.header.pay_button.isEnabled() and page.header.pay_button.toolTip() == ""


def test_buttons_that_cannot_act_say_why(qtbot: QtBot, staff: Services) -> None:
    staff.login("gestor", STAFF_PASSWORD)
    patient = staff.patients.create(PatientForm(name="Ana Lima", cpf="529.982.247-25"))
    window = open_window(qtbot, staff)
    window.open_patient(patient.id)
    header = window.patients.page.header
    assert not header.pay_button.isEnabled() and "Novo contrato" in header.pay_button.toolTip()
    assert not header.edit_contract_button.isEnabled()
    assert "ainda não tem contrato" in header.edit_contract_button.toolTip()
    assert not header.agreement_button.isEnabled()
    assert header.agreement_button.toolTip() == "Nada em atraso para renegociar."
    payments = window.patients.page.payments
    assert not payments.reverse_button.isEnabled()
    assert payments.reverse_button.toolTip() == "Nenhum pagamento para estornar."
