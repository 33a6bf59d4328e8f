"""A debt paid through the bank statement starts the negativação removal countdown (Súmula 548
STJ) exactly as a payment at the desk does, and Início shows it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.bootstrap import Services
from app.domain.reconciliation import MatchStatus
from app.services.negativacao import InclusionForm
from tests.bank_data import statement_file
from tests.conftest import STAFF_PASSWORD
from tests.negativacao_data import Days, seed_debt, send_notice


@pytest.fixture
def clock() -> Days:
    return Days()


def test_a_bank_payment_starts_the_removal_countdown(
    staff: Services, clock: Days, tmp_path: Path
) -> None:
    staff.login("gestor", STAFF_PASSWORD)
    ids = seed_debt(staff)
    send_notice(staff, ids)
    clock.day = date(2026, 3, 26)
    staff.negativacao.include(InclusionForm(ids["contract"], "serasa", "2026-03-26"))
    clock.day = date(2026, 4, 2)  # Thursday; Good Friday (03/04) is a holiday
    owed = staff.contracts.get(ids["contract"]).total_due_cents
    path = statement_file(tmp_path, [("N1", "2026-04-02", owed, "PIX RECEBIDO ANA SOUZA")])

    staff.login("recepcao", STAFF_PASSWORD)
    [credit] = staff.bank.import_statement(path).lines
    assert credit.status is MatchStatus.SUGGESTED and credit.transaction_id is not None
    staff.bank.register(credit.transaction_id, ids["contract"])

    staff.login("gestor", STAFF_PASSWORD)
    [pending] = staff.negativacao.pending_removals()
    assert pending.countdown is not None and pending.countdown.deadline == date(2026, 4, 10)
    assert [r.id for r in staff.dashboard.summary().negativacao_removals] == [pending.id]
