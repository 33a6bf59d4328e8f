"""acordos: propose from the updated debt, approval above the discount limit, accept in one
transaction (old installments renegotiated and kept, a new contract), the confissão archived,
"não cumprido" seen by the worklist, and the consultas de crédito."""

from __future__ import annotations

import subprocess
from datetime import time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.bootstrap import Services, bootstrap
from app.clock import FixedClock
from app.domain.agreements import AgreementForm
from app.domain.catalog import AgreementStatus
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.credit_checks import CreditCheckForm
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.domain.patients import PatientForm, ResponsibleForm
from app.errors import EmDiaError, PermissionDenied, ValidationError
from app.persistence import models
from tests.conftest import STAFF_PASSWORD, TODAY

CLINIC = {
    "name": "Clínica Sorriso & Saúde Ltda",
    "cnpj": "11.222.333/0001-81",
    "address": "Av. Brasil, 1500",
    "city": "Campinas",
    "state": "SP",
    "phone": "(19) 3232-4545",
}
DESCRIPTION = "Implante dentário 36 — uso interno"


def text_of(path: str | Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(done.stdout.split())


@pytest.fixture
def patient_id(services: Services) -> int:
    """A minor whose mother pays: 6 × R$ 200,00 from 05/12/2025, the first paid; on 16/03/2026
    installments 2, 3 and 4 are late and 5, 6 are still to fall due."""
    services.clinic.update(CLINIC)
    patient = services.patients.create(
        PatientForm(
            name="João Conceição Araújo",
            cpf="529.982.247-25",
            birth_date="10/02/2012",
            responsible=ResponsibleForm(cpf="111.444.777-35", name="Maria Aparecida Araújo"),
        )
    )
    view = services.contracts.create(
        patient.id,
        ContractForm(
            total="1.200,00", installments="6", first_due="2025-12-05", description=DESCRIPTION
        ),
    )
    services.payments.add(
        PaymentForm(view.summary.id, "200,00", "2025-12-05", "pix", reason="comprovante antigo")
    )
    return patient.id


def overdue_ids(services: Services, patient_id: int) -> list[int]:
    return [
        o.origin.installment_id
        for o in services.agreements.open_installments(patient_id)
        if o.line.is_overdue
    ]


def six_times(ids: list[int], discount: str = "") -> AgreementForm:
    return AgreementForm(
        installment_ids=tuple(ids), discount=discount, count="6", first_due="2026-04-10"
    )


def test_three_overdue_installments_become_a_six_times_agreement_with_a_confissao(
    services: Services, patient_id: int
) -> None:
    ids = overdue_ids(services, patient_id)
    assert len(ids) == 3
    open_lines = {
        o.origin.installment_id: o.line for o in services.agreements.open_installments(patient_id)
    }
    debt = sum(open_lines[i].open_principal_cents + open_lines[i].charges_cents for i in ids)
    proposed = services.agreements.propose(patient_id, six_times(ids, "10,00"))
    assert proposed.status is AgreementStatus.PROPOSED and not proposed.needs_approval
    assert proposed.debt_cents == debt
    assert proposed.total_cents == debt - 1000
    assert proposed.discount_on_charges_cents == 1000  # charges first
    assert sum(s.amount_cents for s in proposed.schedule) == proposed.total_cents
    assert [s.number for s in proposed.schedule] == [1, 2, 3, 4, 5, 6]
    assert proposed.schedule[0].effective_due_date.isoformat() == "2026-04-10"

    accepted = services.agreements.accept(proposed.id)
    assert accepted.status is AgreementStatus.ACCEPTED and accepted.accepted_on == TODAY
    assert accepted.contract_id is not None
    new = services.contracts.get(accepted.contract_id)
    assert new.summary.total_cents == proposed.total_cents
    with services.agreements.uow() as uow:
        olds = uow.session.scalars(
            select(models.Installment).where(models.Installment.id.in_(ids))
        ).all()
        assert len(olds) == 3 and all(i.renegotiated_agreement_id == proposed.id for i in olds)
        actions = uow.session.scalars(select(models.AuditLog.action)).all()
        old_contract = olds[0].contract_id
    assert {"agreement.propose", "agreement.accept", "agreement.contract"} <= set(actions)
    old_view = services.contracts.get(old_contract)
    assert [ln.status.value for ln in old_view.lines][1:4] == ["renegociado"] * 3
    # The worklist no longer charges the old installments.
    assert all(r.patient_id != patient_id for r in services.overdue.worklist().rows)

    [document] = services.documents.generate("confissao", agreement_id=proposed.id)
    with services.agreements.uow() as uow:
        row = uow.session.get(models.Document, document.id)
        assert row is not None and row.agreement_id == proposed.id
    text = text_of(document.file_path)
    assert "TERMO DE CONFISSÃO DE DÍVIDA E ACORDO" in text
    assert "Maria Aparecida Araújo" in text and "111.444.777-35" in text  # the debtor
    assert format_brl(proposed.total_cents) in text and format_brl(debt) in text
    for item in proposed.origin:
        assert f"{format_date(item.due_date)} {item.days_late} dias" in text
        assert format_brl(item.total_cents) in text
    assert "784, III" in text and "art. 397" in text and "Testemunha 2" in text
    assert "Implante" not in text  # LGPD art. 11


def test_charges_confessed_in_an_acordo_earn_no_new_interest(
    services: Services, patient_id: int
) -> None:
    """Súmula 121 STF: the multa and juros folded into the acordo's parcela bear no juros."""
    ids = overdue_ids(services, patient_id)
    form = AgreementForm(installment_ids=tuple(ids), count="1", first_due="2026-04-10")
    proposed = services.agreements.propose(patient_id, form)
    accepted = services.agreements.accept(proposed.id)
    assert accepted.contract_id is not None and proposed.charges_cents > 0
    assert accepted.folded_charges_cents == proposed.charges_cents  # no discount
    with services.agreements.uow() as uow:
        row = uow.session.get(models.Contract, accepted.contract_id)
        assert row is not None and row.interest_free_cents == proposed.charges_cents
    # The single parcela (principal + charges), due Friday 10/04, is 30 days late on 10/05:
    # juros of 1 % run on the principal part only.
    later = services.contracts.get(accepted.contract_id, as_of=TODAY.replace(month=5, day=10))
    [parcela] = later.lines
    assert parcela.principal_cents == proposed.total_cents
    assert parcela.interest_cents == (proposed.principal_cents + 50) // 100


def test_a_discount_above_the_limit_waits_for_the_gestor(staff: Services, patient_id: int) -> None:
    services = staff
    services.login("recepcao", STAFF_PASSWORD)
    ids = overdue_ids(services, patient_id)
    proposed = services.agreements.propose(patient_id, six_times(ids, "300,00"))
    assert proposed.needs_approval and proposed.status_label == "aguardando aprovação do gestor"
    with pytest.raises(EmDiaError, match="aprovação do gestor"):
        services.agreements.accept(proposed.id)
    with pytest.raises(PermissionDenied):
        services.agreements.approve(proposed.id)
    services.login("gestor", STAFF_PASSWORD)
    approved = services.agreements.approve(proposed.id)
    assert not approved.needs_approval and approved.approved_by == "Gestor"
    services.login("recepcao", STAFF_PASSWORD)
    assert services.agreements.accept(proposed.id).status == "accepted"


def test_refused_proposals_name_each_field_and_write_nothing(
    services: Services, patient_id: int
) -> None:
    ids = overdue_ids(services, patient_id)
    with pytest.raises(ValidationError) as refused:
        services.agreements.propose(
            patient_id,
            AgreementForm(tuple(ids), discount="9.000,00", count="0", first_due="2026-03-01"),
        )
    fields = {e.field for e in refused.value.errors}
    assert fields == {"discount", "count", "first_due"}
    with pytest.raises(ValidationError, match="Parcelas"):
        services.agreements.propose(patient_id, six_times([]))
    assert services.agreements.for_patient(patient_id) == []


def test_a_payment_after_the_proposal_refuses_the_acceptance(
    services: Services, patient_id: int
) -> None:
    ids = overdue_ids(services, patient_id)
    proposed = services.agreements.propose(patient_id, six_times(ids))
    contract_id = proposed.origin[0].contract_id
    services.payments.add(PaymentForm(contract_id, "100,00", TODAY.isoformat(), "pix"))
    with pytest.raises(EmDiaError, match="mudaram desde a proposta"):
        services.agreements.accept(proposed.id)


def test_an_unpaid_agreement_is_flagged_broken_and_the_worklist_sees_it(
    services: Services, patient_id: int
) -> None:
    ids = overdue_ids(services, patient_id)
    proposal = services.agreements.propose(patient_id, six_times(ids))
    accepted = services.agreements.accept(proposal.id)
    later = TODAY + timedelta(days=60)  # the 10/04 parcela unpaid for more than 30 days
    row = services.overdue.worklist(as_of=later).row_for(patient_id)
    assert row is not None
    assert any("não cumprido" in r.text for r in row.assessment.reasons)
    after = bootstrap(services.config, FixedClock(later, time(10, 0)))
    try:
        [view] = after.agreements.for_patient(patient_id)
    finally:
        after.close()
    assert view.status is AgreementStatus.BROKEN and view.broken_on is not None
    assert view.broken_on.isoformat() == "2026-05-11"
    assert view.origin == accepted.origin  # its history is kept
    # As of a day before it broke, the stored flag does not count yet.
    early = services.overdue.worklist(as_of=TODAY + timedelta(days=40)).row_for(patient_id)
    assert early is None or all("não cumprido" not in r.text for r in early.assessment.reasons)


def test_credit_checks_are_recorded_and_silence_the_new_contract_reminder(
    services: Services, patient_id: int
) -> None:
    reminder = services.agreements.credit_reminder(patient_id, 250_000)
    assert reminder is not None and "consulte o SPC/Serasa" in reminder
    assert services.agreements.credit_reminder(patient_id, 50_000) is None
    with pytest.raises(ValidationError) as refused:
        services.agreements.add_credit_check(patient_id, CreditCheckForm("xyz", "2026-03-20", ""))
    assert {e.field for e in refused.value.errors} == {"bureau", "checked_on", "result"}
    services.agreements.add_credit_check(
        patient_id, CreditCheckForm("serasa", "2026-03-10", "nada consta")
    )
    [check] = services.agreements.credit_checks(patient_id)
    assert check.bureau_label == "Serasa" and check.result == "nada consta"
    assert services.agreements.credit_reminder(patient_id, 250_000) is None
