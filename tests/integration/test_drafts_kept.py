"""Cobrança de hoje keeps the day's cases between looks (``DraftService._day_cases``): the
drafts it gives equal a fresh computation after every way a user changes what they are made of
— payments and estornos, contacts logged (with a promise) and undone, new contracts and
patients, acordos, a second PC, the régua's steps and the contact hours — and on another
day. While nothing changed, a second look reads no case again; after a change, only the cases
of the patients it touched are read again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from app.bootstrap import Services
from app.clock import FixedClock
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.money import format_brl
from app.domain.patients import PatientForm
from app.services.collection.contact_log import OutcomeForm
from app.services.collection.drafts import DraftService, MessageDraft
from app.services.collection.regua_settings import StepChange
from tests.collection_data import count_case_reads, pay_from_another_pc, propose_for_overdue
from tests.conftest import TODAY
from tests.sheets import cpf


def fresh(services: Services, clock: FixedClock | None = None) -> list[MessageDraft]:
    """Today's drafts by a service that keeps nothing (as a new window would compute them)."""
    ctx = services.drafts.ctx
    if clock is not None:
        ctx = replace(ctx, clock=clock)
    return DraftService(ctx, services.regua).today()


def check(services: Services) -> list[MessageDraft]:
    kept = services.drafts.today()
    assert kept == fresh(services)
    return kept


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch, demo_services: Services) -> list[date]:
    """Every time the service that keeps them (not ``fresh``'s) reads the day's cases."""
    return count_case_reads(monkeypatch, by=demo_services.drafts)


@pytest.fixture
def clinic(demo_services: Services, reads: list[date]) -> Iterator[Services]:
    assert check(demo_services), "the demo clinic has steps due today"
    yield demo_services


def late(services: Services) -> tuple[int, int]:
    """(patient, contract) of the first message of the day about a late installment."""
    draft = next(d for d in services.drafts.today() if d.days_late > 0)
    return draft.patient_id, draft.contract_id


def test_a_second_look_reads_nothing_again(clinic: Services, reads: list[date]) -> None:
    before = len(reads)
    assert clinic.drafts.today() == check(clinic)
    assert len(reads) == before


def cases_read_again(monkeypatch: pytest.MonkeyPatch, services: Services) -> list[set[int]]:
    """Whose cases ``services``' drafts read again, look by look (not every patient's)."""
    seen: list[set[int]] = []
    original = DraftService._cases

    def counted(self: DraftService, uow: Any, steps: Any, today: date, patients: Any) -> Any:
        if patients is not None and self is services.drafts:
            seen.append(set(patients))
        return original(self, uow, steps, today, patients)

    monkeypatch.setattr(DraftService, "_cases", counted)
    return seen


def test_payments_and_estornos_are_seen(
    clinic: Services, reads: list[date], monkeypatch: pytest.MonkeyPatch
) -> None:
    patient, contract = late(clinic)
    again = cases_read_again(monkeypatch, clinic)
    before = len(reads)
    clinic.payments.add(PaymentForm(contract, "10,00", TODAY.isoformat(), "pix"))
    check(clinic)
    assert len(reads) == before  # only the cases of whom the payment touched:
    assert again and patient in again[0] and len(again[0]) <= 2  # the patient, who pays
    payment = max(p.id for p in clinic.payments.for_contract(contract))
    clinic.payments.reverse(payment, "valor lançado no contrato errado")
    check(clinic)
    due = clinic.contracts.get(contract).total_due_cents
    clinic.payments.add(PaymentForm(contract, format_brl(due, symbol=False), TODAY.isoformat()))
    assert all(d.contract_id != contract or d.days_late == 0 for d in check(clinic))


def test_contacts_and_promises_logged_and_undone_are_seen(clinic: Services) -> None:
    patient, _ = late(clinic)
    promise_day = (TODAY + timedelta(days=5)).strftime("%d/%m/%Y")
    logged = clinic.contacts.log_outcome(
        OutcomeForm(patient, "prometeu", promise_date=promise_day, promise_amount="50,00")
    )
    assert patient not in {d.patient_id for d in check(clinic) if d.days_late > 0}
    clinic.contacts.undo(logged.contact_ids)
    assert patient in {d.patient_id for d in check(clinic)}


def test_new_contracts_patients_and_acordos_are_seen(clinic: Services) -> None:
    past = (TODAY - timedelta(days=20)).isoformat()
    newcomer = clinic.patients.create(PatientForm(name="Paula Nova", cpf=cpf(903)))
    form = ContractForm(total="300,00", installments="3", first_due=past)
    clinic.contracts.create(newcomer.id, form)
    assert newcomer.id in {d.patient_id for d in check(clinic)}
    patient, _ = late(clinic)
    proposed = propose_for_overdue(clinic, patient, TODAY + timedelta(days=20))
    check(clinic)
    clinic.agreements.accept(proposed)
    assert patient not in {d.patient_id for d in check(clinic) if d.days_late > 0}


def test_another_pc_writing_is_seen(clinic: Services) -> None:
    _, contract = late(clinic)
    pay_from_another_pc(clinic, contract, "30,00", TODAY)
    check(clinic)


def test_the_regua_and_the_hours_are_seen(clinic: Services, reads: list[date]) -> None:
    step = next(d for d in clinic.drafts.today() if d.days_late > 0).step_key
    clinic.regua.change_step(step, StepChange(active="nao"))
    assert step not in {d.step_key for d in check(clinic)}
    clinic.regua.change_step(step, StepChange(active="sim"))
    check(clinic)
    before = len(reads)
    clinic.regua.save_rules({"mon": ("09:00", "09:30")}, 3)  # no contacts at 10:00 any more
    assert not any(d.allowed_now and d.is_message for d in check(clinic))
    assert len(reads) == before  # the hours are read at each look, not kept in the cases


def test_another_day_is_read_afresh(clinic: Services, reads: list[date]) -> None:
    tomorrow = FixedClock(TODAY + timedelta(days=1), clinic.clock.now().time())
    kept = clinic.drafts
    kept.ctx = replace(kept.ctx, clock=tomorrow)
    assert kept.today() == fresh(clinic, tomorrow)
    assert reads == [TODAY, TODAY + timedelta(days=1)]


def late_on_whatsapp(clinic: Services, name: str, number: int) -> tuple[PatientForm, Any]:
    """A new patient reached on WhatsApp, with a contract whose first parcela is 20 days late."""
    form = PatientForm(name=name, cpf=cpf(number), phone="(19) 99876-5432", phone_whatsapp=True)
    patient = clinic.patients.create(form)
    past = (TODAY - timedelta(days=20)).isoformat()
    form_of_contract = ContractForm(total="300,00", installments="3", first_due=past)
    clinic.contracts.create(patient.id, form_of_contract)
    return form, patient


def test_an_edited_patient_is_drafted_anew(clinic: Services) -> None:
    """An edit of a patient writes no audit line, so it does not move the mark: the kept cases
    hold nobody's contacts, and the drafts read the people at each look."""
    form, rosa = late_on_whatsapp(clinic, "Rosa Editada", 904)
    [before] = [d for d in check(clinic) if d.patient_id == rosa.id]
    edited = clinic.patients.update(rosa.id, replace(form, opt_out_whatsapp=True), rosa.version)
    assert edited.data.opt_out_whatsapp, edited
    [after] = [d for d in check(clinic) if d.patient_id == rosa.id]
    assert before.channel == "whatsapp" and before.allowed_now
    assert after.channel != "whatsapp" or "WhatsApp" in after.reason  # opted out: not by it


def test_a_new_name_or_phone_is_drafted_anew(clinic: Services) -> None:
    """A message is drafted again when the people in it changed, even though the cases did
    not and the channel is the same: the name it greets, the number its WhatsApp link opens."""
    form, rosa = late_on_whatsapp(clinic, "Rosa Antiga", 906)
    [before] = [d for d in check(clinic) if d.patient_id == rosa.id]
    assert before.channel == "whatsapp" and "Rosa" in before.text
    renamed = replace(form, name="Rosa Nova", phone="(19) 99111-2222")
    clinic.patients.update(rosa.id, renamed, rosa.version)
    [after] = [d for d in check(clinic) if d.patient_id == rosa.id]
    assert after.channel == "whatsapp" and after.patient_name == "Rosa Nova"
    assert after.whatsapp_url is not None and "19991112222" in after.whatsapp_url


def test_only_the_messages_whose_inputs_changed_are_drafted_again(
    clinic: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    drafted: list[int] = []
    original = DraftService._message

    def counted(self: DraftService, group: Any, *args: Any) -> Any:
        if self is clinic.drafts:
            drafted.append(group[0].patient.id)
        return original(self, group, *args)

    monkeypatch.setattr(DraftService, "_message", counted)
    clinic.drafts.today()
    assert drafted == []  # nothing changed since the fixture's look
    patient, contract = late(clinic)
    clinic.payments.add(PaymentForm(contract, "10,00", TODAY.isoformat(), "pix"))
    check(clinic)
    assert drafted == [patient]
