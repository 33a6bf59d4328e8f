"""Conciliação bancária on a real database: each bank's statement fixture through import → match
→ register, the re-import that writes nothing twice, the desk payment recognised, ignoring,
dry runs and unreadable files that write nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from app.bootstrap import Services
from app.domain.agreements import AgreementForm
from app.domain.catalog import PaymentMethod
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.law import Status
from app.domain.patients import PatientForm
from app.domain.reconciliation import MatchStatus
from app.domain.reports.cash import CashReport
from app.domain.reports.period import ReportForm
from app.errors import EmDiaError, PermissionDenied
from app.persistence import models
from app.services.bank import BankImport, BankLine
from app.services.base import Actor
from tests.bank_data import FIXTURES, seed_clinic, statement_file


@pytest.fixture
def ids(services: Services) -> dict[str, int]:
    return seed_clinic(services)


def imported(services: Services, name: str, **flags: bool) -> BankImport:
    return services.bank.import_statement(FIXTURES / name, **flags)


def statuses(result: BankImport) -> list[tuple[str, str]]:
    return [(x.fitid, x.status.value) for x in result.lines]


def count(services: Services, model: type[models.Base]) -> int:
    with services.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


def payment(services: Services, payment_id: int | None) -> models.Payment:
    assert payment_id is not None
    with services.engine.connect() as conn:
        row = conn.execute(select(models.Payment).where(models.Payment.id == payment_id)).one()
    return models.Payment(**row._mapping)


def line_status(services: Services, contract_id: int, number: int) -> Status:
    view = services.contracts.get(contract_id)
    return next(x.status for x in view.lines if x.number == number)


def registered(lines: list[BankLine]) -> dict[str, int | None]:
    return {x.fitid: x.payment_id for x in lines}


# --- five banks, end to end -------------------------------------------------------------------


def test_the_cash_closing_tells_the_statements_payments_from_the_desks(
    services: Services, ids: dict[str, int]
) -> None:
    imported(services, "itau.ofx")
    [done] = services.bank.register_certain()  # José's PIX of 10/03, 300,00
    services.payments.add(PaymentForm(ids["joao"], "150,00", "2026-03-10", method="dinheiro"))
    closing = services.reports.run(ReportForm("caixa", "2026-03-10", "2026-03-10")).report
    assert isinstance(closing, CashReport)
    sources = {line.payment_id: line.source for line in closing.payments}
    assert sources[done.payment_id] == "banco" and sorted(sources.values()) == ["balcao", "banco"]
    assert closing.by_source == {"balcao": 15_000, "banco": 30_000}


def test_the_days_cash_closing_lists_the_payments_reconciled_that_day(
    services: Services, ids: dict[str, int]
) -> None:
    imported(services, "itau.ofx")
    [done] = services.bank.register_certain()  # today (16/03), José's PIX the bank dated 10/03
    today = services.reports.run(ReportForm("caixa", "2026-03-16", "2026-03-16"))
    report = today.report
    assert isinstance(report, CashReport)
    assert report.payments == ()  # nothing dated today: the PIX is in the caixa of 10/03
    [line] = report.reconciled
    assert (line.payment_id, line.reconciled_on, line.bank_day, line.amount_cents) == (
        done.payment_id,
        date(2026, 3, 16),
        date(2026, 3, 10),
        30_000,
    )
    assert line.patient_name == "José Carlos Pereira" and line.contract_id == ids["jose"]
    assert line.how == "registrado do extrato"
    assert ("Pagamentos conciliados do extrato", "1 (R$ 300,00)") in today.view.summary
    table = next(t for t in today.view.tables if t.title == "Pagamentos conciliados")
    assert table.rows == (
        (done.payment_id, date(2026, 3, 16), date(2026, 3, 10), "José Carlos Pereira",
         ids["jose"], "registrado do extrato", 30_000),
    )  # fmt: skip
    other_day = services.reports.run(ReportForm("caixa", "2026-03-10", "2026-03-10")).report
    assert isinstance(other_day, CashReport) and other_day.reconciled == ()


def test_itau_a_txid_is_certain_and_registered_in_one_click(
    services: Services, ids: dict[str, int]
) -> None:
    result = imported(services, "itau.ofx")
    assert statuses(result) == [
        ("20260310001", "certain"),
        ("20260312001", "debit"),
        ("20260313001", "unmatched"),  # REDE VISA: a card settlement
        ("20260316001", "suggested"),  # "MARIA D": cut short, no CPF
    ]
    assert result.account_id is not None and count(services, models.BankTransaction) == 3
    [done] = services.bank.register_certain()
    paid = payment(services, done.payment_id)
    assert (paid.contract_id, paid.amount_cents, paid.paid_on) == (
        ids["jose"],
        30_000,
        date(2026, 3, 10),
    )
    assert (paid.method, paid.reference) == (PaymentMethod.PIX, "20260310001")
    assert line_status(services, ids["jose"], 2) is Status.PAGO
    assert [x.fitid for x in services.bank.pending()] == ["20260313001", "20260316001"]


def test_the_installment_the_txid_names_is_paid_first_even_when_the_receptionist_names_none(
    services: Services, ids: dict[str, int]
) -> None:
    # José's installment 1 is overdue; his PIX carries installment 2's txid: the debtor chose 2
    # (CC art. 352), so 2 is paid and 1 stays overdue — also through ``bank match`` without K.
    result = imported(services, "itau.ofx")
    credit = result.lines[0]
    assert credit.best is not None and credit.best.installment_number == 2
    done = services.bank.match(credit.fitid, ids["jose"])
    assert line_status(services, ids["jose"], 2) is Status.PAGO
    assert line_status(services, ids["jose"], 1) is Status.VENCIDO
    with services.engine.connect() as conn:
        named = conn.scalar(
            select(models.AuditLog.after)
            .where(models.AuditLog.action == "payment.add")
            .order_by(models.AuditLog.id.desc())
        )
    assert done.payment_id is not None and named["installment_named"] == 2


def test_a_txid_naming_an_installment_paid_at_the_desk_pays_the_oldest_open_one(
    services: Services, ids: dict[str, int]
) -> None:
    # Installment 2 was paid at the desk a week before; the PIX of 10/03 still names it.
    services.payments.add(PaymentForm(ids["jose"], "300,00", "2026-03-02", installment="2"))
    credit = imported(services, "itau.ofx").lines[0]
    assert credit.status is MatchStatus.SUGGESTED and "parcela 2 já está paga" in credit.reason
    assert credit.best is not None and credit.best.installment_number is None
    assert credit.transaction_id is not None
    services.bank.register(credit.transaction_id, ids["jose"])
    view = services.contracts.get(ids["jose"])
    assert view.lines[0].paid_cents > 0 and view.lines[2].paid_cents == 0


def test_two_pix_of_one_txid_registered_at_once_pay_that_installment_then_the_oldest(
    services: Services, ids: dict[str, int], tmp_path: Path
) -> None:
    # The patient paid installment 2's QR code twice (or reused it): both lines are certain; the
    # first pays 2 as named, the second — 2 being paid by then — the oldest open one.
    code = f"PIX RECEBIDO EMDIAC{ids['jose']:06d}P02"
    path = statement_file(
        tmp_path, [("T1", "2026-03-10", 30_000, code), ("T2", "2026-03-11", 30_000, code)]
    )
    result = services.bank.import_statement(path, register_certain=True)
    assert [x.status for x in result.lines] == [MatchStatus.REGISTERED] * 2
    view = services.contracts.get(ids["jose"])
    assert view.lines[1].status is Status.PAGO and view.lines[0].paid_cents > 0
    assert view.lines[2].paid_cents == 0


def test_bradesco_an_overdue_installment_paid_updated_is_suggested_and_registered(
    services: Services, ids: dict[str, int]
) -> None:
    result = imported(services, "bradesco.ofx")
    credit = result.lines[0]
    assert credit.status is MatchStatus.SUGGESTED and credit.best is not None
    assert (credit.best.contract_id, credit.best.installment_number) == (ids["jose"], 1)
    assert credit.best.patient_name == "José Carlos Pereira"
    assert credit.transaction_id is not None
    done = services.bank.register(credit.transaction_id, ids["jose"], 1)
    paid = payment(services, done.payment_id)
    # 309,00 on 12/03: 6,00 multa + 3,00 juros + 300,00 principal settle installment 1.
    assert paid.amount_cents == 30_900 and paid.credit_cents == 0
    assert line_status(services, ids["jose"], 1) is Status.PAGO_COM_ATRASO
    assert statuses(result)[2] == ("0314202601", "unmatched")  # transfer between own accounts


def test_banco_do_brasil_cpf_name_and_amount_are_certain(
    services: Services, ids: dict[str, int]
) -> None:
    result = imported(services, "banco-do-brasil.ofx")
    assert [x.status for x in result.lines] == [
        MatchStatus.CERTAIN,
        MatchStatus.DEBIT,
        MatchStatus.UNMATCHED,  # Rende Fácil: the clinic's own investment
    ]
    [done] = services.bank.register_certain()
    paid = payment(services, done.payment_id)
    assert (paid.contract_id, paid.amount_cents, paid.reference) == (
        ids["maria"],
        15_000,
        result.lines[0].fitid,
    )
    assert line_status(services, ids["maria"], 1) is Status.PAGO


def test_caixa_the_name_apart_from_the_memo_is_suggested(
    services: Services, ids: dict[str, int]
) -> None:
    result = imported(services, "caixa.ofx")
    assert [x.status for x in result.lines] == [MatchStatus.SUGGESTED, MatchStatus.UNMATCHED]
    assert result.lines[0].best is not None and result.lines[0].best.contract_id == ids["joao"]


def test_nubank_a_certain_credit_registered_with_import_register_certain(
    services: Services, ids: dict[str, int]
) -> None:
    result = imported(services, "nubank.ofx", register_certain=True)
    credit = result.lines[0]
    assert credit.status is MatchStatus.REGISTERED and credit.payment_id is not None
    paid = payment(services, credit.payment_id)
    assert (paid.contract_id, paid.paid_on) == (ids["joao"], date(2026, 3, 5))
    assert line_status(services, ids["joao"], 1) is Status.PAGO
    assert services.bank.pending() == []


def test_inter_a_suggestion_chosen_by_the_receptionist(
    services: Services, ids: dict[str, int]
) -> None:
    result = imported(services, "inter.ofx")
    [credit] = result.lines
    assert credit.status is MatchStatus.SUGGESTED and credit.installment_number == 2
    done = services.bank.match(credit.fitid, ids["jose"], 2)
    assert done.status is MatchStatus.REGISTERED
    assert line_status(services, ids["jose"], 2) is Status.PAGO


def test_an_acordo_parcela_paid_late_matches_the_amount_the_desk_asks(
    services: Services, ids: dict[str, int], tmp_path: Path
) -> None:
    # José's overdue installments (with their multa and juros) became an acordo of one parcela
    # due 10/04; paid 30 days late, its juros run on the principal share only (Súmula 121 STF)
    # — the statement's amount is the one the desk shows, and the matcher must find it.
    origins = [
        o.origin.installment_id
        for o in services.agreements.open_installments(ids["jose_patient"])
        if o.line.is_overdue
    ]
    form = AgreementForm(installment_ids=tuple(origins), count="1", first_due="2026-04-10")
    proposed = services.agreements.propose(ids["jose_patient"], form)
    acordo = services.agreements.accept(proposed.id).contract_id
    assert acordo is not None and proposed.charges_cents > 0
    paid_on = date(2026, 5, 11)
    owed = services.contracts.get(acordo, paid_on).lines[0].total_cents
    path = statement_file(tmp_path, [("A1", "2026-05-11", owed, "PIX RECEBIDO JOSE C PEREIRA")])
    [credit] = services.bank.import_statement(path).lines
    assert credit.best is not None and "do acordo" in credit.best.reason
    assert (credit.best.contract_id, credit.best.installment_number) == (acordo, 1)


def test_sicoob_a_partial_payment_with_cpf_and_name_goes_to_the_oldest_installment(
    services: Services, ids: dict[str, int]
) -> None:
    [credit] = imported(services, "sicoob.ofx").lines
    assert credit.status is MatchStatus.SUGGESTED and credit.installment_number is None
    assert credit.transaction_id is not None
    services.bank.register(credit.transaction_id, ids["maria"])
    view = services.contracts.get(ids["maria"])
    assert view.lines[0].paid_cents == 7_500 and view.lines[0].status is Status.PARCIAL


# --- nothing twice ------------------------------------------------------------------------------


def test_importing_the_same_file_again_registers_nothing_and_says_what_it_skipped(
    services: Services, ids: dict[str, int]
) -> None:
    imported(services, "itau.ofx", register_certain=True)
    services.bank.ignore_fitid("20260313001", "repasse da maquininha")
    payments = count(services, models.Payment)
    again = imported(services, "itau.ofx", register_certain=True)
    assert [x.status for x in again.lines if x.status is not MatchStatus.DEBIT] == [
        MatchStatus.DUPLICATE
    ] * 3
    reasons = [x.reason for x in again.lines if x.status is MatchStatus.DUPLICATE]
    assert "registrado como o pagamento" in reasons[0]
    assert "ignorado (repasse da maquininha)" in reasons[1]
    assert "aguardando registro" in reasons[2]
    assert count(services, models.Payment) == payments
    assert count(services, models.BankTransaction) == 3


def test_two_identical_pix_under_one_fitid_are_two_payments(
    services: Services, ids: dict[str, int]
) -> None:
    result = imported(services, "banco-do-brasil-fitid-repetido.ofx", register_certain=True)
    assert [x.status for x in result.lines if x.amount_cents > 0] == [MatchStatus.REGISTERED] * 3
    maria = services.contracts.get(ids["maria"])
    assert [x.paid_cents for x in maria.lines[:3]] == [15_000, 15_000, 0]
    again = imported(services, "banco-do-brasil-fitid-repetido.ofx")
    assert [x.status for x in again.lines if x.amount_cents > 0] == [MatchStatus.DUPLICATE] * 3


def test_a_payment_typed_at_the_desk_is_linked_not_registered_again(
    services: Services, ids: dict[str, int]
) -> None:
    desk = services.payments.add(PaymentForm(ids["maria"], "150,00", "2026-03-13"))
    result = imported(services, "banco-do-brasil.ofx", register_certain=True)
    credit = result.lines[0]
    assert credit.status is MatchStatus.REGISTERED and credit.payment_id == desk.payment_id
    assert count(services, models.Payment) == 1
    assert services.contracts.get(ids["maria"]).lines[1].paid_cents == 0  # not paid twice


def test_an_ignored_credit_stays_ignored(services: Services, ids: dict[str, int]) -> None:
    imported(services, "caixa.ofx")
    assert services.bank.ignore_fitid("000306001", "depósito do caixa") == 1
    assert [x.fitid for x in services.bank.pending()] == ["000305001"]
    with pytest.raises(EmDiaError, match="foi ignorado"):
        services.bank.match("000306001", ids["joao"])


def test_a_credit_is_registered_only_once(services: Services, ids: dict[str, int]) -> None:
    [credit] = imported(services, "inter.ofx").lines
    services.bank.match(credit.fitid, ids["jose"], 2)
    with pytest.raises(EmDiaError, match="já foi registrado como o pagamento"):
        services.bank.match(credit.fitid, ids["jose"], 2)
    assert count(services, models.Payment) == 1


def test_a_reversed_bank_payment_puts_the_credit_back_on_the_list(
    services: Services, ids: dict[str, int]
) -> None:
    [credit] = imported(services, "inter.ofx").lines
    done = services.bank.match(credit.fitid, ids["jose"], 2)
    assert done.payment_id is not None
    services.payments.reverse(done.payment_id, "Era de outro paciente", "erro_lancamento")
    assert [x.fitid for x in services.bank.pending()] == [credit.fitid]
    again = services.bank.match(credit.fitid, ids["jose"], 2)
    assert again.payment_id not in (None, done.payment_id)


# --- writes nothing ------------------------------------------------------------------------------


def test_a_dry_run_matches_but_writes_nothing(services: Services, ids: dict[str, int]) -> None:
    result = imported(services, "nubank.ofx", dry_run=True, register_certain=True)
    assert result.lines[0].status is MatchStatus.CERTAIN and result.lines[0].transaction_id is None
    assert count(services, models.BankTransaction) == 0 and count(services, models.Payment) == 0
    assert count(services, models.BankAccount) == 0


@pytest.mark.parametrize("name", ["truncated.ofx", "bad-amount.ofx", "extrato.pdf"])
def test_a_file_that_cannot_be_read_writes_nothing(
    services: Services, ids: dict[str, int], name: str
) -> None:
    with pytest.raises(EmDiaError, match=name):
        imported(services, name)
    assert count(services, models.BankAccount) == 0 and count(services, models.AuditLog) > 0
    with services.engine.connect() as conn:
        actions = list(conn.scalars(select(models.AuditLog.action)))
    assert "bank.import" not in actions


def test_registering_certain_credits_is_all_or_nothing(
    services: Services, ids: dict[str, int]
) -> None:
    imported(services, "itau.ofx")
    imported(services, "nubank.ofx")
    contracts = models.Contract.__table__
    pending = services.bank.pending()
    assert sum(x.status is MatchStatus.CERTAIN for x in pending) == 2
    with services.engine.begin() as conn:  # another PC cancels João's contract meanwhile
        conn.execute(
            update(contracts).where(contracts.c.id == ids["joao"]).values(status="cancelled")
        )
    nubank_credit = next(x for x in pending if x.fitid.startswith("65e8"))
    assert nubank_credit.transaction_id is not None
    with pytest.raises(EmDiaError, match="cancelado"):
        services.bank.register(nubank_credit.transaction_id, ids["joao"], 1)
    assert count(services, models.Payment) == 0


# --- same roles and same consequences as the desk ----------------------------------------------


def test_nobody_logged_in_may_not_import(staff: Services) -> None:
    staff.actor = Actor.nobody()
    with pytest.raises(PermissionDenied):
        staff.bank.import_statement(FIXTURES / "itau.ofx")


def test_the_recepcao_imports_and_registers_and_everything_is_audited(staff: Services) -> None:
    ids = seed_clinic(staff)
    staff.login("recepcao", "senha-forte-1")
    imported(staff, "itau.ofx", register_certain=True)
    with staff.engine.connect() as conn:
        rows = conn.execute(
            select(models.AuditLog.username, models.AuditLog.action).order_by(models.AuditLog.id)
        ).all()
    bank_rows = [tuple(r) for r in rows if r[1].startswith(("bank.", "payment."))]
    assert bank_rows == [
        ("recepcao", "bank.import"),
        ("recepcao", "payment.add"),
        ("recepcao", "bank.register"),
    ]
    assert line_status(staff, ids["jose"], 2) is Status.PAGO


def test_a_late_installment_paid_through_the_bank_gets_its_thank_you_draft(
    services: Services, ids: dict[str, int], tmp_path: Path
) -> None:
    carla = services.patients.create(PatientForm(name="Carla Mendes", cpf="123.456.789-09"))
    form = ContractForm(total="200,00", installments="1", first_due="2026-03-02")
    contract_id = services.contracts.create(carla.id, form).summary.id
    owed = services.contracts.get(contract_id, date(2026, 3, 13)).lines[0].total_cents
    path = statement_file(tmp_path, [("S1", "2026-03-13", owed, "PIX RECEBIDO CARLA MENDES")])
    [credit] = services.bank.import_statement(path).lines
    assert credit.status is MatchStatus.SUGGESTED and credit.transaction_id is not None
    services.bank.register(credit.transaction_id, contract_id)
    draft = services.drafts.draft_for(carla.id)
    assert draft is not None and draft.step_key == "agradecimento"
    assert line_status(services, contract_id, 1) is Status.PAGO_COM_ATRASO


def test_what_was_reconciled_today_is_listed(services: Services, ids: dict[str, int]) -> None:
    imported(services, "itau.ofx", register_certain=True)
    [today] = services.bank.reconciled_on(date(2026, 3, 16))
    assert today.fitid == "20260310001" and today.payment_id is not None
    assert services.bank.reconciled_on(date(2026, 3, 15)) == []


def test_an_installment_whose_charges_alone_were_paid_matches_what_the_desk_asks(
    services: Services, ids: dict[str, int], tmp_path: Path
) -> None:
    # José paid R$ 5,00 at the desk on 11/03, late: it paid juros and part of the multa (CC art.
    # 354), none of the principal, so the installment's paid principal is still zero. The next
    # day's PIX is exactly what the desk asks then; the matcher must count the 5,00 too.
    services.payments.add(PaymentForm(ids["jose"], "5,00", "2026-03-11"))
    assert services.contracts.get(ids["jose"]).lines[0].paid_cents == 0
    owed = services.contracts.get(ids["jose"], date(2026, 3, 12)).lines[0].total_cents
    assert owed < 30_900
    path = statement_file(tmp_path, [("C1", "2026-03-12", owed, "PIX RECEBIDO JOSE C PEREIRA")])
    [credit] = services.bank.import_statement(path).lines
    assert credit.best is not None, credit.reason
    assert (credit.best.contract_id, credit.best.installment_number) == (ids["jose"], 1)
