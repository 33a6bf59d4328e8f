"""Negativação on a real database: never without the notice (CDC art. 43 §2), only the gestor,
audited; after the full payment the removal countdown (Súmula 548 STJ) reaches Cobrança de
hoje's list, the dashboard and the CLI."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.bootstrap import Services
from app.domain.agreements import AgreementForm
from app.domain.contracts import PaymentForm
from app.errors import PermissionDenied, ValidationError
from app.persistence import models
from app.services.negativacao import InclusionForm, RemovalForm
from tests.conftest import STAFF_PASSWORD
from tests.negativacao_data import Days, pay_everything, seed_debt, send_notice


@pytest.fixture
def clock() -> Days:
    return Days()


@pytest.fixture
def debt(staff: Services) -> dict[str, int]:
    staff.login("gestor", STAFF_PASSWORD)
    return seed_debt(staff)


def include(services: Services, ids: dict[str, int], day: str = "") -> object:
    on = day or services.clock.today().isoformat()
    return services.negativacao.include(
        InclusionForm(ids["contract"], "serasa", on, protocol="SER-123")
    )


def test_inclusion_is_refused_without_the_notice_and_says_why(
    staff: Services, debt: dict[str, int]
) -> None:
    [check] = staff.negativacao.check(patient_id=debt["ana"])
    assert not check.ready
    assert [i.key for i in check.readiness.failing] == ["aviso"]
    with pytest.raises(ValidationError) as refused:
        include(staff, debt)
    assert "Comunicação prévia da clínica" in str(refused.value)
    assert not staff.negativacao.list()


def test_ten_days_after_the_notice_the_gestor_includes_the_updated_debt(
    staff: Services, debt: dict[str, int], clock: Days
) -> None:
    notice_id = send_notice(staff, debt)
    clock.day = date(2026, 3, 25)
    with pytest.raises(ValidationError, match="26/03/2026"):
        include(staff, debt)
    clock.day = date(2026, 3, 26)
    view = include(staff, debt)
    # 600,00 due Saturday 10/01, effectively Monday 12/01: 73 days late on 26/03.
    # multa 2 % = 12,00; juros 1 % a.m. × 73/30 = 6,00 × 73/30 = 14,60 → 626,60.
    assert view.row.amount_cents == staff.contracts.get(debt["contract"]).overdue_cents == 62_660
    assert view.row.notice_document_id == notice_id and view.status == "ativa"
    with pytest.raises(ValidationError, match="já incluída"):
        include(staff, debt)
    with staff.engine.connect() as conn:
        actions = list(conn.scalars(select(models.AuditLog.action)))
    assert "negativacao.include" in actions
    assert "negativado" in staff.overdue.status(debt["ana"]).row.flags  # type: ignore[union-attr]


def test_recepcao_sees_the_checklist_but_cannot_include_or_remove(
    staff: Services, debt: dict[str, int]
) -> None:
    staff.login("recepcao", STAFF_PASSWORD)
    [check] = staff.negativacao.check(contract_id=debt["contract"])
    assert (check.contract_id, check.patient_id) == (debt["contract"], debt["ana"])
    assert [i.key for i in check.readiness.failing] == ["aviso"]
    # 600,00 effectively due Monday 12/01 (10/01 is a Saturday), 63 days late on 16/03:
    # multa 2 % = 12,00; juros 1 % a.m. × 63/30 = 12,60 → 624,60.
    assert check.readiness.amount_cents == 62_460
    with pytest.raises(PermissionDenied):
        include(staff, debt)
    with pytest.raises(PermissionDenied):
        staff.negativacao.remove(RemovalForm(1))


def test_after_full_payment_the_removal_countdown_shows_and_turns_red(
    staff: Services, debt: dict[str, int], clock: Days
) -> None:
    send_notice(staff, debt)
    clock.day = date(2026, 3, 26)
    view = include(staff, debt)
    assert not staff.negativacao.pending_removals()
    clock.day = date(2026, 4, 2)  # Thursday; Good Friday (03/04) is a holiday
    pay_everything(staff, debt, "2026-04-02")
    [pending] = staff.negativacao.pending_removals()
    assert pending.countdown is not None and pending.countdown.deadline == date(2026, 4, 10)
    assert "faltam 5 dias úteis" in pending.status
    dashboard = staff.dashboard.summary()
    assert [r.id for r in dashboard.negativacao_removals] == [view.row.id]
    clock.day = date(2026, 4, 13)
    [late] = staff.negativacao.pending_removals()
    assert late.countdown is not None and late.countdown.overdue
    removed = staff.negativacao.remove(RemovalForm(view.row.id, "2026-04-13"))
    assert removed.row.removal_reason == "pagamento integral" and removed.countdown is None
    assert not staff.negativacao.pending_removals()
    with pytest.raises(ValidationError, match="já retirada"):
        staff.negativacao.remove(RemovalForm(view.row.id))


def test_an_acordo_starts_the_removal_countdown_when_its_first_parcela_is_paid(
    staff: Services, debt: dict[str, int], clock: Days
) -> None:
    send_notice(staff, debt)
    clock.day = date(2026, 3, 26)
    include(staff, debt)
    lines = staff.contracts.get(debt["contract"]).lines
    origin = [line.key for line in lines if line.open_principal_cents]
    proposal = staff.agreements.propose(
        debt["ana"],
        AgreementForm(tuple(origin), down_payment="100,00", count="3", first_due="2026-04-27"),
    )
    accepted = staff.agreements.accept(proposal.id)
    assert accepted.contract_id is not None
    # Renegotiated is not paid: nothing to remove until the acordo's first parcela is paid.
    assert not staff.negativacao.pending_removals()
    staff.payments.add(PaymentForm(accepted.contract_id, "100,00", "2026-03-26", "pix"))
    [pending] = staff.negativacao.pending_removals()  # the entrada, paid the day it was signed
    assert pending.paid_on == date(2026, 3, 26)
    assert pending.countdown is not None and pending.countdown.deadline == date(2026, 4, 2)
    removed = staff.negativacao.remove(RemovalForm(pending.id))
    assert removed.row.removal_reason == "acordo: primeira parcela paga"


def test_the_demo_shows_removals_to_do_on_day_one(demo_services: Services) -> None:
    """A paid debt still negativada shows its countdown from the first start."""
    demo_services.login("gestor", "demo")
    pending = demo_services.negativacao.pending_removals()
    assert pending and all(v.countdown is not None for v in pending)
    on_dashboard = demo_services.dashboard.summary().negativacao_removals
    assert sorted(r.id for r in on_dashboard) == sorted(v.id for v in pending)
