"""A clinic with several PCs on one database (SQLite file or PostgreSQL server): two people
saving the same record, two receptions taking payments for the same contract at once."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import func, select

from app.bootstrap import Services, bootstrap
from app.domain.contracts import ContractForm, ContractTermsForm
from app.domain.patients import PatientForm
from app.errors import STALE_RECORD, ConflictError, DuplicateError
from app.persistence import models
from tests.integration.payer import receive_many


@pytest.fixture
def contract_id(services: Services) -> int:
    services.clinic.update({"name": "Clínica Teste Ltda", "state": "SP"})
    patient = services.patients.create(PatientForm(name="Maria da Silva", cpf="529.982.247-25"))
    form = ContractForm(total="1.200,00", installments="12", first_due="2026-04-01")
    return services.contracts.create(patient.id, form).summary.id


def other_pc(services: Services) -> Services:
    """A second app instance on the same database."""
    return bootstrap(services.config, services.clock, migrate=False)


def test_ids_keep_counting_after_the_demo(demo_services: Services) -> None:
    # The demo writes explicit ids; PostgreSQL's sequences must follow them: the next patient
    # takes the id after the demo's highest, where a sequence left at 1 would collide.
    with demo_services.engine.connect() as conn:
        highest = conn.scalar(select(func.max(models.Patient.id)))
    before = demo_services.patients.count()
    patient = demo_services.patients.create(PatientForm(name="Nova Paciente", cpf="52998224725"))
    assert before > 0 and patient.id == highest + 1
    assert demo_services.patients.count() == before + 1


def test_stale_contract_edit_from_another_pc_is_refused(
    services: Services, contract_id: int
) -> None:
    opened = services.contracts.get(contract_id)
    second = other_pc(services)
    try:
        second.contracts.update_terms(
            contract_id, ContractTermsForm(description="Implante (recepção 2)"), opened.version
        )
    finally:
        second.close()
    with pytest.raises(ConflictError, match="Outro usuário alterou este registro"):
        services.contracts.update_terms(
            contract_id, ContractTermsForm(description="Implante (recepção 1)"), opened.version
        )
    assert services.contracts.get(contract_id).description == "Implante (recepção 2)"


def test_contract_terms_are_validated_and_saved(services: Services, contract_id: int) -> None:
    view = services.contracts.get(contract_id)
    form = ContractTermsForm(
        description="Prótese",
        signed_on="10/03/2026",
        witness1_name="Ana Souza",
        witness1_cpf="111.444.777-35",
    )
    saved = services.contracts.update_terms(contract_id, form, view.version)
    assert saved.signed_on is not None and saved.witnesses == (("Ana Souza", "11144477735"),)
    assert saved.version == view.version + 1
    assert sum(line.principal_cents for line in saved.lines) == 120_000  # money untouched


def test_payments_from_two_pcs_at_once_never_double_allocate(
    services: Services, contract_id: int
) -> None:
    # Twelve parcelas of R$ 100,00; two receptions each try to receive R$ 100,00 ten times at
    # the same moment. Exactly twelve payments fit; the rest must be refused, never allocated
    # twice to the same parcela.
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    url = services.config.db_url
    pcs = [
        ctx.Process(target=receive_many, args=(url, contract_id, 10, "100,00", start, results))
        for _ in range(2)
    ]
    for pc in pcs:
        pc.start()
    start.set()
    outcomes = [results.get(timeout=120) for _ in pcs]
    for pc in pcs:
        pc.join(30)
        assert pc.exitcode == 0
    assert sum(accepted for accepted, _ in outcomes) == 12
    assert sum(refused for _, refused in outcomes) == 8
    view = services.contracts.get(contract_id)
    assert all(line.paid_cents == line.principal_cents == 10_000 for line in view.lines)
    assert len(view.payments) == 12
    assert all(len(p.installments) == 1 for p in view.payments)


def test_a_unique_value_another_pc_wrote_first_is_a_duplicate_at_commit(
    services: Services,
) -> None:
    second = other_pc(services)
    try:
        with services.patients.uow() as mine:
            mine.patients.add(
                models.Patient(name="Maria", name_search="maria", cpf="52998224725"), flush=False
            )
            with second.patients.uow() as theirs:
                theirs.patients.add(
                    models.Patient(name="Maria S.", name_search="maria s.", cpf="52998224725")
                )
                theirs.commit()
            with pytest.raises(DuplicateError) as caught:
                mine.commit()
    finally:
        second.close()
    assert caught.value.message == (
        "Este registro acabou de ser gravado em outro computador; nada foi salvo aqui."
    )
    assert [p.name for p in services.patients.search("")] == ["Maria S."]


def test_a_row_another_pc_saved_first_is_a_conflict_at_commit(services: Services) -> None:
    patient = services.patients.create(PatientForm(name="Maria da Silva", cpf="529.982.247-25"))
    second = other_pc(services)
    try:
        with services.patients.uow() as mine:
            row = mine.patients.get(patient.id)
            assert row is not None
            with second.patients.uow() as theirs:
                other = theirs.patients.get(patient.id)
                assert other is not None
                other.notes = "recepção 2"
                theirs.commit()
            row.notes = "recepção 1"
            with pytest.raises(ConflictError) as caught:
                mine.commit()
    finally:
        second.close()
    assert caught.value.message == STALE_RECORD
    saved = services.patients.get(patient.id)
    assert (saved.data.notes, saved.version) == ("recepção 2", 2)
