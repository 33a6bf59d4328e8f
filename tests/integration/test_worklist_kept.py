"""Cobrança → Inadimplentes keeps the worklist's risk facts between looks
(``OverdueService._facts``): the worklist it gives equals a fresh computation after every way a
user changes what the facts come from — payments, estornos and a bounced cheque, contacts
logged (with a promise) and undone, new contracts and patients, acordos, a negativação removed,
a second PC — on another day, and after an edit of a patient or of who pays, which moves no
mark. While nothing changed, a second look reads no fact again; after a change, only the facts
of the people it touched are read again."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from app.bootstrap import Services, bootstrap
from app.clock import FixedClock
from app.config import load_config
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.money import format_brl
from app.domain.patients import PatientForm, ResponsibleForm
from app.domain.risk import Flag
from app.domain.worklist import Worklist, assemble
from app.persistence import models
from app.services import overdue
from app.services.collection.contact_log import OutcomeForm
from app.services.negativacao import RemovalForm
from app.services.overdue import OverdueService, facts_of, overdue_debts, read_facts_ahead
from tests.collection_data import count_fact_reads, pay_from_another_pc, propose_for_overdue
from tests.conftest import TODAY
from tests.pg import PgServer
from tests.sheets import cpf


def fresh(services: Services, clock: FixedClock | None = None) -> Worklist:
    """The worklist by a service that keeps nothing (as a new window would compute it)."""
    ctx = services.overdue.ctx
    if clock is not None:
        ctx = replace(ctx, clock=clock)
    return OverdueService(ctx).worklist()


def check(services: Services) -> Worklist:
    kept = services.overdue.worklist()
    assert kept == fresh(services)
    return kept


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[date]:
    """The days for which the facts are read from the database (by any service)."""
    return count_fact_reads(monkeypatch)


@pytest.fixture
def clinic(demo_services: Services, reads: list[date]) -> Iterator[Services]:
    assert check(demo_services).rows, "the demo clinic has overdue patients"
    yield demo_services


def row_of(services: Services, patient_id: int) -> Any:
    return services.overdue.worklist().row_for(patient_id)


def test_a_second_look_reads_nothing_again(clinic: Services, reads: list[date]) -> None:
    before = len(reads)
    assert clinic.overdue.worklist() == check(clinic)
    assert len(reads) == before + 1  # the fresh service's read, not the kept one's


def test_the_prepared_facts_are_what_the_first_look_ranks(
    demo_services: Services, reads: list[date]
) -> None:
    assert demo_services.overdue.prepare_worklist()
    assert reads == [TODAY]
    assert demo_services.overdue.worklist() == fresh(demo_services)
    assert reads == [TODAY, TODAY]  # the second is the fresh service's


def test_payments_estornos_and_a_bounced_cheque_are_seen(
    clinic: Services, reads: list[date]
) -> None:
    row = check(clinic).rows[0]
    contract = row.contract_id
    clinic.payments.add(PaymentForm(contract, "10,00", TODAY.isoformat(), "cheque"))
    assert row_of(clinic, row.patient_id).assessment != row.assessment
    check(clinic)
    payment = max(p.id for p in clinic.payments.for_contract(contract))
    clinic.payments.reverse(payment, "Cheque devolvido", "cheque_devolvido")
    bounced = row_of(clinic, row.patient_id)
    assert "cheque devolvido" in " ".join(r.text for r in bounced.assessment.reasons)
    check(clinic)


def test_contacts_and_promises_logged_and_undone_are_seen(clinic: Services) -> None:
    row = check(clinic).rows[0]
    promise_day = (TODAY + timedelta(days=5)).strftime("%d/%m/%Y")
    logged = clinic.contacts.log_outcome(
        OutcomeForm(row.patient_id, "prometeu", promise_date=promise_day, promise_amount="50,00")
    )
    promised = row_of(clinic, row.patient_id)
    assert promised.last_contact_outcome == "promised"
    check(clinic)
    clinic.contacts.undo(logged.contact_ids)
    assert row_of(clinic, row.patient_id).last_contact_at == row.last_contact_at
    check(clinic)


def test_new_contracts_patients_and_acordos_are_seen(clinic: Services) -> None:
    past = (TODAY - timedelta(days=40)).isoformat()
    newcomer = clinic.patients.create(PatientForm(name="Paula Nova", cpf=cpf(903)))
    clinic.contracts.create(
        newcomer.id, ContractForm(total="300,00", installments="3", first_due=past)
    )
    assert check(clinic).row_for(newcomer.id) is not None
    patient = check(clinic).rows[1].patient_id
    proposed = propose_for_overdue(clinic, patient, TODAY + timedelta(days=20))
    asked = check(clinic).row_for(patient)
    assert asked is not None and "renegociação" in " ".join(
        r.text for r in asked.assessment.reasons
    )
    clinic.agreements.accept(proposed)
    check(clinic)


def count_people_read(monkeypatch: pytest.MonkeyPatch) -> list[set[int]]:
    """Whose facts are read (``overdue.read_facts``), look by look."""
    seen: list[set[int]] = []
    original = overdue.read_facts

    def counted(uow: Any, as_of: date, ids: Any, people: Any, alongside: Any = None) -> Any:
        seen.append(set(people))
        return original(uow, as_of, ids, people, alongside)

    monkeypatch.setattr(overdue, "read_facts", counted)
    return seen


def test_a_change_reads_again_only_the_people_it_touched(
    clinic: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = check(clinic).rows
    read = count_people_read(monkeypatch)
    row = next(r for r in rows if not r.payer_is_patient)
    clinic.payments.add(PaymentForm(row.contract_id, "10,00", TODAY.isoformat()))
    assert clinic.overdue.worklist() == fresh(clinic)
    assert read[0] == {row.patient_id, row.payer_id}  # then the fresh service's, everyone
    assert len(read[1]) > 2
    other = rows[-1]
    clinic.contacts.log_outcome(OutcomeForm(other.patient_id, "no_answer", channel="phone"))
    del read[:]
    assert clinic.overdue.worklist() == fresh(clinic)
    assert read[0] == {other.patient_id}


def test_a_payment_counts_towards_a_promise_of_who_pays_for_the_contract(
    clinic: Services,
) -> None:
    """Bruna owes on her own contract and pays for her son's. She promised, ten days ago, to
    pay 50,00 by five days ago, and nothing came: a broken promise. Then a payment on her
    son's contract, dated within the promise, is recorded: her promise was kept. Only her
    son's contract changed, yet her facts are read again."""
    overdue_since = (TODAY - timedelta(days=40)).isoformat()
    form = PatientForm(name="Bruna Mãe", cpf=cpf(907), phone="(19) 99876-2222")
    bruna = clinic.patients.create(form)
    clinic.contracts.create(
        bruna.id, ContractForm(total="300,00", installments="3", first_due=overdue_since)
    )
    payer = ResponsibleForm(cpf=cpf(907), name="Bruna Mãe", phone="(19) 99876-2222")
    son = clinic.patients.create(PatientForm(name="Caio Filho", cpf=cpf(908), responsible=payer))
    theirs = clinic.contracts.create(
        son.id, ContractForm(total="300,00", installments="3", first_due=overdue_since)
    )
    with clinic.overdue.uow() as uow:  # as the régua records one (see test_overdue)
        made = datetime.combine(TODAY - timedelta(days=10), time(9, 0))
        promise = models.Promise(
            patient_id=bruna.id,
            promised_on=TODAY - timedelta(days=5),
            amount_cents=5_000,
            created_at=made,
        )
        uow.session.add(promise)
        uow.commit()
    assert Flag.PROMESSA_QUEBRADA in check(clinic).row_for(bruna.id).assessment.flags
    paid_on = (TODAY - timedelta(days=7)).isoformat()
    clinic.payments.add(PaymentForm(theirs.summary.id, "50,00", paid_on))
    assert Flag.PROMESSA_QUEBRADA not in check(clinic).row_for(bruna.id).assessment.flags


def test_a_negativacao_removed_is_seen(clinic: Services) -> None:
    overdue = {r.patient_id for r in check(clinic).rows}
    registered = [
        v
        for v in clinic.negativacao.list()
        if v.row.removed_on is None and v.row.patient_id in overdue
    ]
    assert registered, "the demo clinic has overdue patients negativados"
    patient = registered[0].row.patient_id
    assert Flag.NEGATIVADO in row_of(clinic, patient).assessment.flags
    clinic.negativacao.remove(RemovalForm(registered[0].id, reason="inclusão indevida"))
    assert Flag.NEGATIVADO not in check(clinic).row_for(patient).assessment.flags


def test_another_pc_writing_is_seen(clinic: Services) -> None:
    row = check(clinic).rows[0]
    pay_from_another_pc(clinic, row.contract_id, "30,00", TODAY)
    check(clinic)


def test_another_day_is_read_afresh(clinic: Services, reads: list[date]) -> None:
    tomorrow = FixedClock(TODAY + timedelta(days=1), clinic.clock.now().time())
    kept = clinic.overdue
    kept.ctx = replace(kept.ctx, clock=tomorrow)
    before = len(reads)
    assert kept.worklist() == fresh(clinic, tomorrow)
    assert reads[before:] == [TODAY + timedelta(days=1)] * 2


def test_an_edited_patient_and_who_pays_are_seen(clinic: Services) -> None:
    """An edit of a patient writes no audit line and moves no mark: the kept facts hold
    nobody's name or phone, and a payer named afterwards is a person whose facts (here the
    call she did not answer) were never read."""
    past = (TODAY - timedelta(days=40)).isoformat()
    joana_form = PatientForm(name="Joana Pagadora", cpf=cpf(905), phone="(19) 99876-1111")
    joana = clinic.patients.create(joana_form)
    owed = clinic.contracts.create(
        joana.id, ContractForm(total="300,00", installments="1", first_due=past)
    )
    clinic.contacts.log_outcome(OutcomeForm(joana.id, "no_answer"))
    due = owed.total_due_cents
    paid = PaymentForm(owed.summary.id, format_brl(due, symbol=False), TODAY.isoformat())
    clinic.payments.add(paid)
    form = PatientForm(name="Rosa Editada", cpf=cpf(904), phone="(19) 99876-5432")
    rosa = clinic.patients.create(form)
    clinic.contracts.create(rosa.id, ContractForm(total="300,00", installments="3", first_due=past))
    assert check(clinic).row_for(joana.id) is None  # paid: not among the people read
    renamed = replace(form, name="Rosa Corrigida")
    rosa = clinic.patients.update(rosa.id, renamed, rosa.version)
    assert row_of(clinic, rosa.id).patient_name == "Rosa Corrigida"
    check(clinic)
    payer = ResponsibleForm(cpf=cpf(905), name="Joana Pagadora", phone="(19) 99876-1111")
    clinic.patients.update(rosa.id, replace(renamed, responsible=payer), rosa.version)
    row = row_of(clinic, rosa.id)
    assert row.payer_id == joana.id and row.last_contact_outcome == "no_answer"
    check(clinic)


@pytest.mark.parametrize("day", [TODAY, TODAY - timedelta(days=75)])
def test_the_facts_read_ahead_rank_as_those_of_the_overdue(
    demo_services: Services, day: date
) -> None:
    """Read for everyone with an installment open and past due (a past day too, where some
    were settled after it), they hold every overdue patient and payer, and rank each row as
    the facts of exactly those people do."""
    with demo_services.overdue.uow() as uow:
        debts, responsible = overdue_debts(uow, day)
        ahead = read_facts_ahead(uow, day)
        exact = facts_of(uow, day, debts, responsible)
    assert debts
    assert ahead.covering(debts, responsible) == frozenset(exact.people)
    assert ahead.facts.people.keys() >= exact.people.keys()
    assert assemble(day, debts, responsible, ahead.facts) == assemble(
        day, debts, responsible, exact
    )


def count_ahead_reads(monkeypatch: pytest.MonkeyPatch) -> list[date]:
    seen: list[date] = []
    original = overdue.read_facts_ahead

    def counted(uow: Any, as_of: date, alongside: Any = None) -> Any:
        seen.append(as_of)
        return original(uow, as_of, alongside)

    monkeypatch.setattr(overdue, "read_facts_ahead", counted)
    return seen


def test_a_cold_look_reads_the_facts_once_ahead_only_on_a_server(
    demo_services: Services, reads: list[date], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's reads run inside this process: read alongside they would only take turns with
    the money. A server's run beside it."""
    ahead = count_ahead_reads(monkeypatch)
    first = demo_services.overdue.worklist()
    on_server = not demo_services.config.is_sqlite
    assert ahead == ([TODAY] if on_server else [])
    assert reads == [TODAY]
    assert demo_services.overdue.worklist() == first == fresh(demo_services)
    assert reads == [TODAY, TODAY]  # the second is the fresh service's
    assert len(ahead) == (2 if on_server else 0)


@pytest.mark.postgres
def test_a_contract_landing_between_the_two_reads_is_read_again(
    pg_server: PgServer, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another PC signs an overdue contract for a newcomer after the facts were read ahead
    and before the money is: the facts do not hold her, and are read again for the
    worklist the money gives."""
    url = pg_server.fresh_database()
    services = bootstrap(load_config(url), clock)
    try:
        services.demo.create(patients=40, seed=5)
        newcomer = services.patients.create(PatientForm(name="Clara Recente", cpf=cpf(906)))
        signed = threading.Event()
        read_ahead = overdue.read_facts_ahead

        def then_another_pc_signs(uow: Any, as_of: date, alongside: Any = None) -> Any:
            found = read_ahead(uow, as_of, alongside)
            other_pc = bootstrap(services.config, services.clock, migrate=False)
            other_pc.actor = services.actor
            try:
                past = (TODAY - timedelta(days=50)).isoformat()
                form = ContractForm(total="600,00", installments="2", first_due=past)
                other_pc.contracts.create(newcomer.id, form)
            finally:
                other_pc.close()
                signed.set()
            return found

        money = overdue.money_by_patient

        def after_the_signature(*args: Any) -> Any:
            assert signed.wait(30)
            return money(*args)

        monkeypatch.setattr(overdue, "read_facts_ahead", then_another_pc_signs)
        monkeypatch.setattr(overdue, "money_by_patient", after_the_signature)
        reads = count_fact_reads(monkeypatch)
        looked = services.overdue.worklist()
        assert looked.row_for(newcomer.id) is not None
        assert reads == [TODAY, TODAY]  # ahead, then again for the worklist the money gives
        monkeypatch.undo()
        assert looked == fresh(services)
    finally:
        services.close()
        pg_server.drop(url)
