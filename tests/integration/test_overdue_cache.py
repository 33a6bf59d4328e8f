"""The overdue money the worklist and Início keep between looks (``OverdueService.snapshot``)
equals a fresh computation after every way a user changes money: payments at the desk or
registered from the bank statement, estornos (also of a bounced cheque), new contracts (with
the entrada paid), new patients, acordos, a second PC, an imported spreadsheet, the clinic's
correction index and its values, anonymising and suspending a patient, and a long random run of
payments and estornos. After a payment only the patients it touched are recomputed (the
snapshot says it was patched, not rebuilt); contacts logged, documents archived, the cash
counted and a statement imported change nothing kept."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from app.bootstrap import Services, bootstrap
from app.clock import FixedClock
from app.config import load_config
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.dashboard import Dashboard
from app.domain.money import format_brl
from app.domain.patients import PatientForm
from app.domain.reports.cash import CashCountForm
from app.persistence import models
from app.services.collection.contact_log import OutcomeForm
from app.services.dashboard import DashboardService
from app.services.overdue import OverdueService, PatientMoney, money_by_patient
from app.services.patient_figures import Snapshot
from tests.bank_data import statement_file
from tests.collection_data import pay_from_another_pc, propose_for_overdue
from tests.conftest import TODAY
from tests.pg import PgServer
from tests.sheets import cpf


def fresh(services: Services, day: date) -> dict[int, PatientMoney]:
    with services.overdue.uow() as uow:
        return money_by_patient(uow, day, None)


def fresh_dashboard(services: Services, day: date) -> Dashboard:
    ctx = services.overdue.ctx
    return DashboardService(ctx, OverdueService(ctx)).summary(day)


def check(services: Services, day: date = TODAY) -> Snapshot[PatientMoney]:
    """The kept figures equal fresh ones, and so does the dashboard built on them."""
    with services.overdue.uow() as uow:
        snapshot = services.overdue.snapshot(uow, day)
    assert dict(snapshot.by_patient) == fresh(services, day)
    assert services.dashboard.summary(day) == fresh_dashboard(services, day)
    return snapshot


def debtors(services: Services) -> list[tuple[int, int]]:
    """(patient, contract) of every row of today's worklist, the most urgent first."""
    return [(r.patient_id, r.contract_id) for r in services.overdue.worklist(TODAY).rows]


def pay(services: Services, contract_id: int, amount: str, method: str = "pix") -> int:
    services.payments.add(PaymentForm(contract_id, amount, TODAY.isoformat(), method))
    return max(p.id for p in services.payments.for_contract(contract_id))


def patched(snapshot: Snapshot[PatientMoney], patient_id: int, before: PatientMoney | None) -> bool:
    """The snapshot was patched (not rebuilt) and the patient's money did change."""
    return not snapshot.full and snapshot.by_patient.get(patient_id) != before


@pytest.fixture
def clinic(demo_services: Services) -> Iterator[Services]:
    check(demo_services)  # the first look computes everyone
    yield demo_services


def test_desk_payments_and_estornos_patch_only_the_payer(clinic: Services) -> None:
    (patient, contract), (other, other_contract) = debtors(clinic)[:2]
    before = check(clinic).by_patient[patient]
    payment = pay(clinic, contract, "10,00")
    after = check(clinic)
    assert patched(after, patient, before)
    assert after.by_patient[other] is check(clinic).by_patient[other]  # untouched: kept as is
    clinic.payments.reverse(payment, "valor lançado no contrato errado")
    assert check(clinic).by_patient[patient] == before
    cheque = pay(clinic, other_contract, "25,00", "cheque")
    check(clinic)
    clinic.payments.reverse(cheque, "cheque devolvido", "cheque_devolvido")
    check(clinic)


def test_paying_everything_takes_the_patient_off(clinic: Services) -> None:
    _, contract = debtors(clinic)[0]
    due = clinic.contracts.get(contract).total_due_cents
    pay(clinic, contract, format_brl(due, symbol=False))
    snapshot = check(clinic)
    assert not snapshot.full
    assert contract not in snapshot.patient_of_contract


def test_new_contracts_and_patients_are_seen(clinic: Services) -> None:
    patient, _ = debtors(clinic)[0]
    past = (TODAY - timedelta(days=95)).isoformat()
    clinic.contracts.create(
        patient,
        ContractForm(
            total="900,00", down_payment="100,00", installments="4", first_due=past,
            down_paid_now=True,
        ),
    )  # fmt: skip
    assert not check(clinic).full
    newcomer = clinic.patients.create(PatientForm(name="Paula Nova", cpf=cpf(901)))
    clinic.contracts.create(
        newcomer.id, ContractForm(total="300,00", installments="3", first_due=past)
    )
    assert newcomer.id in check(clinic).by_patient


def test_an_acordo_renegotiates_and_is_seen(clinic: Services) -> None:
    patient, _ = debtors(clinic)[0]
    proposed = propose_for_overdue(clinic, patient, TODAY + timedelta(days=20))
    check(clinic)
    clinic.agreements.accept(proposed)
    assert patient not in check(clinic).by_patient  # nothing overdue: all renegotiated


def test_another_pc_writing_is_seen(clinic: Services) -> None:
    patient, contract = debtors(clinic)[0]
    pay_from_another_pc(clinic, contract, "30,00", TODAY)
    before = fresh(clinic, TODAY)[patient]
    assert check(clinic).by_patient[patient] == before


def test_an_imported_spreadsheet_of_payments_is_seen(clinic: Services, tmp_path: Path) -> None:
    ids = debtors(clinic)[:3]
    lines = ["contrato;data do pagamento;valor;forma;referência"]
    lines += [f"{c};{TODAY:%d/%m/%Y};12,34;PIX;IMP{p}" for p, c in ids]
    path = tmp_path / "pagamentos.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = clinic.transfer.read(path)
    mapping = clinic.transfer.suggest("payments", table)
    report = clinic.transfer.run("payments", table, mapping, file_name=path.name)
    assert report.ok, [str(e) for e in report.errors]
    assert not check(clinic).full


def test_a_payment_registered_from_the_bank_statement_patches_like_the_desk(
    clinic: Services, tmp_path: Path
) -> None:
    (patient, contract), (other, _) = debtors(clinic)[:2]
    before = check(clinic)
    statement = statement_file(tmp_path, [("CACHE-1", TODAY.isoformat(), 4321, "PIX recebido")])
    [credit] = clinic.bank.import_statement(statement).lines
    assert check(clinic).by_patient is before.by_patient  # a credit waiting moves no money
    assert credit.transaction_id is not None
    clinic.bank.register(credit.transaction_id, contract)
    after = check(clinic)
    assert patched(after, patient, before.by_patient[patient])
    assert after.by_patient[other] is before.by_patient[other]


def test_evidence_and_the_cash_count_keep_the_figures(clinic: Services) -> None:
    patient, _ = debtors(clinic)[0]
    before = check(clinic)
    clinic.contacts.log_outcome(OutcomeForm(patient, "enviado"))
    clinic.reports.count_cash(CashCountForm(TODAY.isoformat(), "10,00", "o resto foi ao banco"))
    assert check(clinic) is before  # their audit lines were read, and skipped


def test_the_correction_index_changes_everyone_it_applies_to(clinic: Services) -> None:
    clinic.clinic.update({"correction_index": "ipca"})
    check(clinic)
    patient, _ = debtors(clinic)[0]
    past = (TODAY - timedelta(days=120)).isoformat()
    clinic.contracts.create(patient, ContractForm(total="600,00", installments="3", first_due=past))
    check(clinic)
    clinic.indexes.set_values("ipca", {"2025-12": "0,52", "2026-01": "0,44", "2026-02": "0,70"})
    assert check(clinic).full  # a correction index cannot be narrowed down to some patients


def test_anonymising_and_suspending_keep_the_money(clinic: Services) -> None:
    patient, _ = debtors(clinic)[0]
    clinic.overdue.set_suspension(patient, True)
    check(clinic)
    past = (TODAY - timedelta(days=60)).isoformat()
    leaving = clinic.patients.create(PatientForm(name="Rita Quitada", cpf=cpf(902)))
    form = ContractForm(total="200,00", installments="2", first_due=past)
    contract = clinic.contracts.create(leaving.id, form).summary.id
    assert leaving.id in check(clinic).by_patient
    pay(clinic, contract, format_brl(clinic.contracts.get(contract).total_due_cents, symbol=False))
    clinic.lgpd.anonymize_patient(leaving.id)  # the LGPD allows it once nothing is owed
    assert leaving.id not in check(clinic).by_patient


def test_another_day_is_computed_afresh(clinic: Services) -> None:
    for day in (TODAY + timedelta(days=1), TODAY + timedelta(days=40), TODAY):
        assert check(clinic, day).full


@pytest.mark.slow
def test_a_long_random_run_of_payments_and_estornos(clinic: Services) -> None:
    rng = random.Random(2026)
    paid: list[int] = []
    for _ in range(30):
        rows = debtors(clinic)
        if paid and rng.random() < 0.35:
            clinic.payments.reverse(paid.pop(rng.randrange(len(paid))), "lançado por engano")
        else:
            _, contract = rng.choice(rows)
            due = clinic.contracts.get(contract).total_due_cents
            amount = rng.choice([1, 999, due // 2, due])
            paid.append(pay(clinic, contract, format_brl(max(amount, 1), symbol=False)))
        check(clinic)


@pytest.mark.postgres
def test_a_writer_busy_on_another_pc_forces_a_full_look(
    pg_server: PgServer, clock: FixedClock
) -> None:
    # On PostgreSQL two PCs write at once: a row numbered earlier may commit after a later one
    # was seen. While a writer is mid-transaction the mark cannot promise otherwise, so the
    # figures patched under it are recomputed in full at the next look.
    url = pg_server.fresh_database()
    services = bootstrap(load_config(url), clock)
    try:
        services.demo.create(patients=60, seed=7)
        check(services)
        (_, first), (_, second) = debtors(services)[:2]
        with services.engine.connect() as other_pc:
            busy = other_pc.begin()
            other_pc.execute(
                insert(models.Payment).values(
                    contract_id=first, paid_on=TODAY, amount_cents=100, method="pix"
                )
            )
            pay(services, second, "10,00")  # this PC commits meanwhile, with a later id
            with services.overdue.uow() as uow:
                patched = services.overdue.snapshot(uow, TODAY)
            assert not patched.full and not patched.mark.exact
            assert dict(patched.by_patient) == fresh(services, TODAY)
            busy.commit()  # the earlier id appears only now
        after = check(services)
        assert after.full and after.mark.exact
    finally:
        services.close()
        pg_server.drop(url)


def test_a_renamed_patient_is_named_anew_on_inicio(clinic: Services) -> None:
    # Editing a name moves no money (nor the mark): the kept removal lines take today's name.
    first = clinic.dashboard.summary(TODAY).negativacao_removals[0]
    patient = clinic.patients.get(first.patient_id)
    form = PatientForm(name="Nome Novo da Silva", cpf=patient.data.cpf or "")
    clinic.patients.update(patient.id, form, patient.version)
    check(clinic)
    removals = clinic.dashboard.summary(TODAY).negativacao_removals
    [renamed] = [r for r in removals if r.id == first.id]
    assert renamed.patient_name == "Nome Novo da Silva"
