"""Roles are enforced in the money services, not only by hiding buttons."""

from __future__ import annotations

import pytest

from app.bootstrap import Services
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.patients import PatientForm
from app.errors import PermissionDenied
from app.services.base import Actor
from tests.conftest import STAFF_PASSWORD


@pytest.fixture
def contract_id(staff: Services) -> int:
    staff.login("gestor", STAFF_PASSWORD)
    patient = staff.patients.create(PatientForm(name="Maria da Silva", cpf="52998224725"))
    # One installment of 100,00 due 02/02/2026; the clock says 16/03/2026 (42 days late).
    view = staff.contracts.create(
        patient.id, ContractForm(total="100,00", installments="1", first_due="2026-02-02")
    )
    return view.summary.id


def test_recepcao_registers_contracts_and_payments(staff: Services, contract_id: int) -> None:
    staff.login("recepcao", STAFF_PASSWORD)
    staff.payments.add(PaymentForm(contract_id, "50,00", "2026-03-16"))
    [line] = staff.contracts.get(contract_id).lines
    # 42 days late: multa 2 % × 100,00 = 2,00 and juros 1 % a.m. × 100,00 × 42/30 = 1,40 are
    # settled first (CC art. 354), so 50,00 − 3,40 = 46,60 goes to the principal.
    assert (line.paid_cents, line.fine_cents, line.interest_cents) == (4_660, 0, 0)
    assert line.total_cents == 10_000 - 4_660  # nothing more accrues on the same day


def test_waiving_charges_above_the_limit_needs_a_gestor(staff: Services, contract_id: int) -> None:
    staff.login("recepcao", STAFF_PASSWORD)
    # 3,40 of charges on 100,00 is 3.4 %: within the default 10 % limit, recepção may waive.
    staff.payments.preview(PaymentForm(contract_id, "100,00", "2026-03-16", waive_charges=True))
    with staff.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE clinic SET discount_approval_limit_bp = 100")  # 1 %
    staff.login("recepcao", STAFF_PASSWORD)
    with pytest.raises(PermissionDenied):
        staff.payments.add(PaymentForm(contract_id, "100,00", "2026-03-16", waive_charges=True))
    assert staff.contracts.get(contract_id).payments == ()
    staff.login("gestor", STAFF_PASSWORD)
    staff.payments.add(PaymentForm(contract_id, "100,00", "2026-03-16", waive_charges=True))
    assert staff.contracts.get(contract_id).summary.status == "settled"


def test_recepcao_cannot_change_the_correction_index(staff: Services) -> None:
    staff.login("recepcao", STAFF_PASSWORD)
    with pytest.raises(PermissionDenied):
        staff.indexes.set_values("ipca", {"2026-01": "0,44"})


def test_nobody_logged_in_sees_no_money(staff: Services, contract_id: int) -> None:
    staff.actor = Actor.nobody()  # e.g. the window is locked
    with pytest.raises(PermissionDenied):
        staff.contracts.get(contract_id)
    with pytest.raises(PermissionDenied):
        staff.payments.for_contract(contract_id)
