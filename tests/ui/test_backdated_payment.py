"""Receber pagamento with a date further back than the clinic's window: the desk is told only a
gestor may, under the date; the gestor is asked the reason, under its own field."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.domain.contracts import ContractForm
from app.domain.patients import PatientForm
from tests.conftest import STAFF_PASSWORD
from tests.ui.helpers import replace_text, type_text
from ui.dialogs.payment_dialog import PaymentDialog


def dialog_for(qtbot: QtBot, staff: Services, contract_id: int) -> PaymentDialog:
    summaries = staff.contracts.for_patient(staff.contracts.get(contract_id).summary.patient_id)
    dialog = PaymentDialog(
        staff.payments, staff.contracts, summaries, staff.clock.today(), contract_id
    )
    qtbot.addWidget(dialog)
    dialog.resize(1366 - 100, 728 - 100)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_a_payment_beyond_the_window_needs_the_gestor_and_a_reason(
    qtbot: QtBot, staff: Services
) -> None:
    staff.login("admin", STAFF_PASSWORD)
    staff.clinic.update({"name": "Clínica Teste Ltda", "state": "SP"})
    maria = staff.patients.create(PatientForm(name="Maria da Silva", cpf="529.982.247-25"))
    form = ContractForm(total="300,00", installments="3", first_due="2026-01-10")
    contract_id = staff.contracts.create(maria.id, form).summary.id

    staff.login("recepcao", STAFF_PASSWORD)
    desk = dialog_for(qtbot, staff, contract_id)
    replace_text(qtbot, desk.paid_on, "20/01/2026")  # 55 days before 16/03
    desk.save()
    assert desk.saved is None
    assert "só um gestor" in desk.errors.labels["paid_on"].text()
    assert desk.errors.labels["paid_on"].isVisible()

    staff.login("gestor", STAFF_PASSWORD)
    manager = dialog_for(qtbot, staff, contract_id)
    replace_text(qtbot, manager.amount, "100,00")  # the first parcela, paid that day
    replace_text(qtbot, manager.paid_on, "20/01/2026")
    manager.save()
    assert manager.saved is None
    assert manager.errors.labels["reason"].text().startswith("Motivo: obrigatório")
    type_text(qtbot, manager.reason, "recibo do dia achado no caixa")
    manager.save()
    assert manager.saved is not None
    [line] = [e for e in staff.audit.search() if e.action == "payment.add"]
    assert line.after is not None and line.after["reason"] == "recibo do dia achado no caixa"
