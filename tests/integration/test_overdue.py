"""The worklist and the dashboard on a real database: one formula (``updated_debt``) for every
amount, the dashboard equal to the worklist, flags from the records, suspension, export."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.bootstrap import Services
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.law import DebtLine
from app.domain.patients import PatientForm, ResponsibleForm
from app.domain.risk import Flag, Segment
from app.domain.worklist import OverdueRow, SortKey, WorklistQuery
from app.persistence import models

TODAY = date(2026, 3, 16)


def overdue_lines_of(
    services: Services, patient_id: int, as_of: date | None = None
) -> list[DebtLine]:
    """The patient's overdue installments as the patient page computes them."""
    lines = []
    for summary in services.contracts.for_patient(patient_id):
        if summary.patient_id != patient_id or summary.status == "cancelled":
            continue
        lines += [ln for ln in services.contracts.get(summary.id, as_of).lines if ln.is_overdue]
    return lines


def assert_row_is_updated_debt(row: OverdueRow, lines: list[DebtLine]) -> None:
    assert row.installments == len(lines)
    assert row.updated_cents == sum(ln.total_cents for ln in lines)
    assert row.overdue_cents == sum(ln.open_principal_cents for ln in lines)
    assert row.oldest_due_date == min(ln.effective_due_date for ln in lines)
    assert row.days_late == max(ln.days_late for ln in lines)


def test_every_amount_is_updated_debt_of_the_patients_contracts(demo_services: Services) -> None:
    worklist = demo_services.overdue.worklist()
    assert len(worklist.rows) > 5
    listed = {r.patient_id for r in worklist.rows}
    for row in worklist.rows:
        assert_row_is_updated_debt(row, overdue_lines_of(demo_services, row.patient_id))
    for person in demo_services.patients.search("", 0, 1000):
        if person.id not in listed:
            assert overdue_lines_of(demo_services, person.id) == []
    assert [r.rank for r in worklist.rows] == list(range(1, len(worklist.rows) + 1))
    assert [r.priority for r in worklist.rows] == sorted(
        (r.priority for r in worklist.rows), reverse=True
    )


def test_the_dashboard_is_the_worklist_plus_what_is_not_yet_due(demo_services: Services) -> None:
    worklist = demo_services.overdue.worklist()
    dashboard = demo_services.dashboard.summary()
    assert dashboard.aging == worklist.aging()
    totals = worklist.totals()
    assert (dashboard.overdue_cents, dashboard.overdue_updated_cents) == (
        totals.overdue_cents,
        totals.updated_cents,
    )
    assert dashboard.overdue_patients == len(worklist.rows)
    # "A vencer" from SQL equals the open principal updated_debt gives every installment.
    not_due = horizon = 0
    last = TODAY + timedelta(days=89)
    for summary in demo_services.contracts.search("", 0, 10_000):
        for ln in demo_services.contracts.get(summary.id).lines:
            if ln.is_open and ln.effective_due_date >= TODAY:
                not_due += ln.open_principal_cents
                horizon += ln.open_principal_cents if ln.effective_due_date <= last else 0
    assert dashboard.not_due_cents == not_due
    assert dashboard.expected_90_days_cents == horizon
    assert dashboard.receivable_cents == not_due + totals.overdue_cents
    assert demo_services.dashboard.summary(worklist=worklist) == dashboard


@pytest.fixture
def maria(services: Services) -> int:
    services.clinic.update({"name": "Clínica Teste Ltda", "state": "SP"})
    return services.patients.create(
        PatientForm(
            name="Maria da Silva",
            cpf="529.982.247-25",
            birth_date="01/01/1980",
            phone="(19) 98765-4321",
            confirm_data_today=True,
        )
    ).id


def contract(services: Services, patient_id: int, first_due: str, n: int = 3) -> int:
    form = ContractForm(total=f"{n * 100},00", installments=str(n), first_due=first_due)
    return services.contracts.create(patient_id, form).summary.id


def pay(services: Services, contract_id: int, amount: str, on: str) -> int:
    form = PaymentForm(
        contract_id=contract_id, amount=amount, paid_on=on, reason="comprovante antigo"
    )
    return services.payments.add(form).payment_id


def test_a_past_today_sees_what_was_paid_later_as_still_owed(
    services: Services, maria: int
) -> None:
    contract_id = contract(services, maria, "2026-01-05")
    pay(services, contract_id, "150,00", "2026-02-20")  # #1 with charges, part of #2
    as_of = date(2026, 1, 20)
    row = services.overdue.for_patient(maria, as_of)
    assert row is not None
    assert_row_is_updated_debt(row, overdue_lines_of(services, maria, as_of))
    then = services.dashboard.summary(as_of)
    assert then.not_due_cents == 20_000  # #2 and #3 were untouched on 20/01
    now = services.dashboard.summary()
    view = services.contracts.get(contract_id)
    assert now.not_due_cents == sum(
        ln.open_principal_cents for ln in view.lines if ln.is_open and not ln.is_overdue
    )


def test_charges_paid_alone_are_counted_though_no_principal_was(
    services: Services, maria: int
) -> None:
    # A late R$ 2,00 pays only juros and part of the multa (CC art. 354): the installment's
    # paid principal stays 0, yet its settlement lowers what is owed. The overdue money finds
    # it though it reads settlements only for installments with principal paid or listed as
    # charges-only; a look at a day before the payment does not count it.
    from app.services.dashboard import DashboardService
    from app.services.overdue import OverdueService

    contract_id = contract(services, maria, "2026-01-05")
    pay(services, contract_id, "2,00", "2026-03-10")
    view = services.contracts.get(contract_id)
    assert view.lines[0].paid_cents == 0
    for as_of in (TODAY, date(2026, 3, 9)):
        row = services.overdue.for_patient(maria, as_of)
        assert row is not None
        assert_row_is_updated_debt(row, overdue_lines_of(services, maria, as_of))
        fresh = OverdueService(services.overdue.ctx)
        assert fresh.worklist(as_of).row_for(maria) == row
    cold = DashboardService(services.dashboard.ctx, OverdueService(services.overdue.ctx))
    assert cold.summary().overdue_updated_cents == sum(
        ln.total_cents for ln in overdue_lines_of(services, maria)
    )


def test_a_payment_shows_at_once(services: Services, maria: int) -> None:
    contract_id = contract(services, maria, "2026-01-05")
    before = services.overdue.worklist()
    assert [r.patient_id for r in before.rows] == [maria]
    pay(services, contract_id, f"{services.contracts.get(contract_id).overdue_cents / 100:.2f}"
        .replace(".", ","), "2026-03-16")  # fmt: skip
    assert services.overdue.worklist().rows == ()
    assert services.dashboard.summary().overdue_cents == 0


def log_call(uow: Any, person: int, contract_id: int, at: datetime, outcome: str) -> None:
    uow.session.add(
        models.ContactLog(
            patient_id=person,
            contract_id=contract_id,
            contacted_at=at,
            channel="phone",
            outcome=outcome,
        )
    )


def test_records_of_collection_become_flags_and_reasons(services: Services) -> None:
    services.clinic.update({"name": "Clínica Teste Ltda", "state": "SP"})
    child = services.patients.create(
        PatientForm(
            name="Pedro Souza",
            birth_date="10/05/2015",
            responsible=ResponsibleForm(
                cpf="111.444.777-35", name="Ana Souza", phone="(19) 99876-5432"
            ),
        )
    )
    assert child.responsible is not None
    mother = child.responsible.id
    contract_id = contract(services, child.id, "2025-12-01", n=6)
    payment = pay(services, contract_id, "102,33", "2026-01-02")
    services.payments.reverse(payment, "Cheque devolvido", "cheque_devolvido")
    with services.overdue.uow() as uow:
        for day in (2, 6, 12):  # calls to the mother, who pays, went unanswered
            log_call(uow, mother, contract_id, datetime(2026, 3, day, 10), "no_answer")
        uow.session.add(
            models.Promise(
                patient_id=mother,
                contract_id=contract_id,
                promised_on=date(2026, 3, 10),
                amount_cents=10_000,
                created_at=datetime(2026, 3, 5, 9),
            )
        )
        uow.session.add(
            models.Negativacao(
                patient_id=mother,
                contract_id=contract_id,
                bureau="Serasa",
                amount_cents=30_000,
                included_on=date(2026, 2, 20),
            )
        )
        uow.commit()
    row = services.overdue.for_patient(child.id)
    assert row is not None
    assert (row.patient_name, row.payer_name) == ("Pedro Souza", "Ana Souza")
    assert {
        Flag.PROMESSA_QUEBRADA,
        Flag.SEM_CONTATO,
        Flag.CHEQUE_DEVOLVIDO,
        Flag.NEGATIVADO,
        Flag.PRIMEIRA_PARCELA,
    } <= set(row.flags)
    assert row.segment is Segment.ALTO_RISCO
    texts = [r.text for r in row.assessment.reasons]
    assert "promessa de 10/03 não cumprida" in texts
    assert "negativado desde 20/02/2026" in texts
    assert row.last_contact_outcome == "no_answer"
    assert row.last_contact_at == datetime(2026, 3, 12, 10)
    assert "ana souza" in row.search_key and "11144477735" in row.search_key


def test_a_promise_kept_by_a_payment_is_not_broken(services: Services, maria: int) -> None:
    contract_id = contract(services, maria, "2026-01-05")
    with services.overdue.uow() as uow:
        uow.session.add(
            models.Promise(
                patient_id=maria,
                promised_on=date(2026, 3, 12),
                amount_cents=10_000,
                created_at=datetime(2026, 3, 9, 9),
            )
        )
        uow.commit()
    pay(services, contract_id, "110,00", "2026-03-11")
    row = services.overdue.for_patient(maria)
    assert row is not None and Flag.PROMESSA_QUEBRADA not in row.flags


def test_cancelled_contracts_are_not_owed(services: Services, maria: int) -> None:
    contract_id = contract(services, maria, "2026-01-05", n=6)
    # 05/01, 05/02 and 05/03 are past on 16/03: Maria owes three of six parcelas of 100,00.
    [row] = services.overdue.worklist().rows
    assert (row.patient_id, row.debt.installments, row.debt.overdue_cents) == (maria, 3, 30_000)
    with services.overdue.uow() as uow:
        row = uow.session.get(models.Contract, contract_id)
        assert row is not None
        row.status = "cancelled"
        uow.commit()
    assert services.overdue.worklist().rows == ()
    summary = services.dashboard.summary()
    assert summary.receivable_cents == 0


def test_suspension_is_suggested_then_decided_by_a_person_and_audited(
    services: Services, maria: int
) -> None:
    contract(services, maria, "2026-01-05")  # 70 days late on 16/03
    status = services.overdue.status(maria)
    assert status.suspension_suggested and not status.suspended
    status = services.overdue.set_suspension(maria, True)
    assert status.suspended and not status.suspension_suggested
    assert status.row is not None and status.row.suspended
    services.overdue.set_suspension(maria, False)
    with services.overdue.uow() as uow:
        action = models.AuditLog.action == "patient.suspend_new_treatments"
        audits = [
            (a.before, a.after) for a in uow.session.scalars(select(models.AuditLog).where(action))
        ]
    assert audits == [
        ({"suspend_new_treatments": False}, {"suspend_new_treatments": True}),
        ({"suspend_new_treatments": True}, {"suspend_new_treatments": False}),
    ]


def test_export_writes_the_rows_as_shown(demo_services: Services, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    worklist = demo_services.overdue.worklist()
    shown = worklist.select(WorklistQuery(sort=SortKey.PATIENT, descending=False))
    count = demo_services.overdue.export(tmp_path / "lista.csv", shown)
    assert count == len(shown)
    with (tmp_path / "lista.csv").open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle, delimiter=";"))
    assert table[0][:3] == ["Prioridade", "Paciente", "Responsável financeiro"]
    assert [r[1] for r in table[1:]] == [r.patient_name for r in shown]
    first = shown[0]
    assert table[1][9] == f"{first.updated_cents // 100:,}".replace(",", ".") + (
        f",{first.updated_cents % 100:02d}"
    )
    demo_services.overdue.export(tmp_path / "lista.xlsx", shown)
    sheet = load_workbook(tmp_path / "lista.xlsx").active
    assert sheet is not None
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [v[1] for v in values] == [r.patient_name for r in shown]
    assert float(values[0][9]) == first.updated_cents / 100  # type: ignore[arg-type]


def test_one_patients_row_equals_their_row_in_the_whole_list(demo_services: Services) -> None:
    worklist = demo_services.overdue.worklist()
    for row in worklist.rows[:5]:
        alone = demo_services.overdue.for_patient(row.patient_id)
        assert alone is not None
        assert (alone.debt, alone.assessment, alone.payer_id) == (
            row.debt,
            row.assessment,
            row.payer_id,
        )


def test_the_last_payment_and_the_bounced_cheques_are_read_in_one_pass(
    services: Services, maria: int
) -> None:
    """What the risk analysis reads of a patient's payments: the last one that counts (not a
    reversed one, not an estorno, none after the day asked) and the day of every estorno coded
    as a bounced cheque (not of another code)."""
    first = contract(services, maria, "2025-12-01", n=6)
    second = contract(services, maria, "2026-01-01", n=2)
    pay(services, first, "50,00", "2026-01-10")
    pay(services, second, "40,00", "2026-01-20")
    cheque = pay(services, first, "60,00", "2026-02-03")
    services.payments.reverse(cheque, "Cheque devolvido", "cheque_devolvido")
    typo = pay(services, first, "70,00", "2026-02-20")
    services.payments.reverse(typo, "Digitado errado", "erro_lancamento")
    with services.overdue.uow() as uow:
        estornos = {
            p.reverses_payment_id: p.paid_on
            for p in uow.session.scalars(
                select(models.Payment).where(models.Payment.reverses_payment_id.is_not(None))
            )
        }
        nobody = maria + 1000
        last, cheques = uow.receivables.payments_seen([maria, nobody], date(2026, 3, 16))
        assert last == {maria: date(2026, 1, 20)}
        assert cheques == {maria: [estornos[cheque]]}
        before = min(estornos.values()) - timedelta(days=1)
        last, cheques = uow.receivables.payments_seen([maria], before)
        assert cheques == {}
        assert last == {maria: date(2026, 1, 20)}


def test_settlements_read_alongside_give_the_same_money(demo_services: Services) -> None:
    # A server clinic reads the settlements on another connection while the contracts are
    # read (``overdue_debts(…, alongside)``); the money is the same as read in one go, today
    # and on a past day (installments settled after it have settlements by then).
    from app.services.alongside import Alongside
    from app.services.overdue import overdue_debts

    ctx = demo_services.overdue.ctx
    alongside = Alongside(ctx.uow_factory)
    for as_of in (TODAY, date(2026, 1, 20)):
        with ctx.uow_factory() as uow:
            one_go = overdue_debts(uow, as_of)
            assert one_go[0], "the demo clinic owes on that day"
            assert overdue_debts(uow, as_of, None, alongside) == one_go


def test_what_is_read_beside_gives_the_same_money(demo_services: Services, maria: int) -> None:
    # On a SQLite file the contracts' parties and the settlements of the whole book are read
    # on another connection, as one text each (``overdue_context``), while the installments
    # are read here. The money is the same as read in one go: today, and on a past day whose
    # installments were settled later; with charges paid alone (no principal), an estorno,
    # a cancelled contract, and the demo clinic's contracts paid by a responsável.
    from app.services.overdue import overdue_debts

    services = demo_services
    charges = contract(services, maria, "2026-01-05")
    pay(services, charges, "2,00", "2026-03-10")
    reversed_later = contract(services, maria, "2026-02-05")
    services.payments.reverse(pay(services, reversed_later, "80,00", "2026-03-01"), "engano")
    pay(services, contract(services, maria, "2025-12-05"), "300,00", "2026-02-01")
    cancelled = contract(services, maria, "2026-01-10")
    with services.overdue.uow() as uow:
        row = uow.session.get(models.Contract, cancelled)
        assert row is not None
        row.status = "cancelled"
        uow.commit()
    ctx = services.overdue.ctx
    for as_of in (TODAY, date(2026, 1, 20)):
        with ctx.uow_factory() as uow, ctx.uow_factory() as other:
            one_go = overdue_debts(uow, as_of)
            assert one_go[0], "the clinic owes on that day"
            assert any(one_go[1].values()), "some contract is paid by a responsável"
            read = other.receivables.overdue_context(as_of)
            assert read[0] and read[1], "parties and settlements were read"
            assert overdue_debts(uow, as_of, None, None, lambda r=read: r) == one_go
            with pytest.raises(ValueError, match="whole book"):
                list(uow.receivables.overdue_ledgers(as_of, [maria], None, lambda r=read: r))


@pytest.mark.sqlite_only  # a server's clinic reads its settlements alongside instead
def test_inicio_cold_reads_what_the_money_needs_beside_then_its_sums(
    services: Services, maria: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On a SQLite file, Início's first look reads the contracts' parties and the settlements
    # on one other connection, then its sums there: the computation waits for the first.
    import threading

    from app.persistence.queries.receivables import ReceivablesQueries

    contract(services, maria, "2026-01-05")
    reads: list[tuple[str, str]] = []
    for name in ("overdue_context", "not_due_by_date", "recovered", "settlements_of"):
        original = getattr(ReceivablesQueries, name)

        def seen(self: Any, *args: Any, _name: str = name, _original: Any = original) -> Any:
            reads.append((_name, threading.current_thread().name))
            return _original(self, *args)

        monkeypatch.setattr(ReceivablesQueries, name, seen)
    summary = services.dashboard.summary()
    assert summary.overdue_cents == 30_000
    assert [name for name, _ in reads] == ["overdue_context", "not_due_by_date", "recovered"]
    assert len({thread for _, thread in reads}) == 1
    assert reads[0][1] != threading.current_thread().name
    reads.clear()
    services.overdue.worklist()  # kept: nothing read beside
    assert reads == []


@pytest.mark.sqlite_only  # read beside on a SQLite file only
def test_a_payment_landing_after_the_read_beside_is_seen_at_the_next_look(
    services: Services, maria: int
) -> None:
    # Início starts the read beside, then another PC records a payment, then Início reads the
    # installments: they show the payment, the read beside did not. Those figures must be
    # kept under a mark older than the payment, so that the next look computes Maria again.
    from app.services.overdue import OverdueService

    contract_id = contract(services, maria, "2026-01-05")
    overdue = OverdueService(services.overdue.ctx)
    with overdue.uow() as uow:
        mark = uow.receivables.change_mark()
        ahead = overdue.start_money(TODAY, mark)
        assert ahead is not None
        ahead.read()  # done before the payment
        pay(services, contract_id, "150,00", "2026-03-16")
        overdue.snapshot(uow, TODAY, ahead)
    with overdue.uow() as uow:
        kept = overdue.snapshot(uow, TODAY).by_patient[maria].debt
    fresh = OverdueService(services.overdue.ctx).for_patient(maria)
    assert fresh is not None
    assert kept == fresh.debt


def test_the_services_and_their_money_are_freed_without_the_cyclic_collector(
    services: Services, maria: int
) -> None:
    # The whole book's money (25,000 lines at 20,000 patients) goes with its service at once,
    # not at the collector's next full pass: a service that held itself through its kept
    # figures grew the process by the money of every service made since.
    import gc
    import weakref

    from app.services.dashboard import DashboardService
    from app.services.overdue import OverdueService

    contract(services, maria, "2026-01-05")
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        overdue = OverdueService(services.overdue.ctx)
        assert DashboardService(overdue.ctx, overdue).summary().overdue_cents == 30_000
        assert overdue.worklist().rows
        gone = weakref.ref(overdue)
        del overdue
        assert gone() is None
    finally:
        if was_enabled:
            gc.enable()


def test_risk_reads_each_persons_latest_attempts_newest_first(
    services: Services, maria: int
) -> None:
    # Risk weighs the last few attempts (sem contato: the last three unanswered) and the row
    # shows the newest: only those are read, newest first, the same as the whole period's.
    contract_id = contract(services, maria, "2026-01-05")
    outcomes = ["no_answer", "answered", "no_answer", "wrong_contact", "no_answer"]
    with services.overdue.uow() as uow:
        for day, outcome in zip((1, 3, 3, 9, 12), outcomes, strict=True):
            log_call(uow, maria, contract_id, datetime(2026, 3, day, 10), outcome)
        log_call(uow, maria, contract_id, datetime(2025, 10, 1, 10), "answered")  # not read
        uow.commit()
    since = TODAY - timedelta(days=90)
    with services.overdue.uow() as uow:
        every = uow.receivables.contacts([maria], since, TODAY, latest=len(outcomes) + 1)[maria]
        latest = uow.receivables.contacts([maria], since, TODAY, latest=3)[maria]
    assert [(c.at.day, c.outcome) for c in every] == [
        (12, "no_answer"),
        (9, "wrong_contact"),
        (3, "no_answer"),  # the same minute: the one logged last first
        (3, "answered"),
        (1, "no_answer"),
    ]
    assert latest == every[:3]
    row = services.overdue.for_patient(maria)
    assert row is not None and row.last_contact_at == datetime(2026, 3, 12, 10)
    assert Flag.SEM_CONTATO in row.assessment.flags  # 12, 9 and the last of the 3rd
