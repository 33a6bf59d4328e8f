"""Início's desk day and the gestor's inbox on a real database: the counts the receptionist
sees, every payment of the day and month (not only late ones), and what waits for the gestor."""

from __future__ import annotations

import pytest

from app.bootstrap import Services
from app.domain.agreements import AgreementForm
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.desk import InboxKind
from app.domain.promises import PromiseStatus
from app.services.collection.contact_log import OutcomeForm
from app.services.collection.drafts import MessageDraft
from tests.collection_data import seed_debtors
from tests.conftest import STAFF_PASSWORD


def test_the_desk_day_counts_contacts_promises_and_every_payment(staff: Services) -> None:
    staff.login("gestor", STAFF_PASSWORD)
    ids = seed_debtors(staff)
    staff.login("recepcao", STAFF_PASSWORD)
    # An on-time payment (Pedro's reminder: his installment is due on the 19th) and a late
    # one (Maria's, 5 days late) — both are money received today.
    staff.payments.add(PaymentForm(ids["pedro_contract"], "300,00", "16/03/2026"))
    staff.payments.add(PaymentForm(ids["maria_contract"], "100,00", "16/03/2026"))
    # Earlier this month (and not before the contract, signed on the 13th): the month's only.
    staff.payments.add(PaymentForm(ids["bruno_contract"], "50,00", "14/03/2026"))
    staff.contacts.log_outcome(
        OutcomeForm(ids["maria"], "prometeu", promise_date="16/03/2026", promise_amount="206,50")
    )
    day = staff.desk.day()
    assert day.contacts_done == 1
    assert day.contacts_left == len(staff.drafts.today()) == 1  # Bruno (Pedro paid, Maria logged)
    assert (day.received_today.cents, day.received_today.count) == (40_000, 2)
    assert (day.received_month.cents, day.received_month.count) == (45_000, 3)
    [promise] = day.promises_today
    assert (
        promise.promise.patient_name == "Maria da Silva" and promise.promise.amount_cents == 20_650
    )
    assert promise.status is PromiseStatus.PENDING and day.promises_today_cents == 20_650
    assert staff.desk.inbox() == []  # nothing there is the receptionist's to decide


def test_the_gestors_inbox_lists_what_waits_for_them(staff: Services) -> None:
    staff.login("gestor", STAFF_PASSWORD)
    ids = seed_debtors(staff)
    late = staff.contracts.create(
        ids["maria"], ContractForm(total="3.000,00", installments="1", first_due="2025-09-01")
    )
    staff.login("recepcao", STAFF_PASSWORD)
    proposal = staff.agreements.propose(
        ids["maria"],
        AgreementForm(
            installment_ids=tuple(
                o.origin.installment_id
                for o in staff.agreements.open_installments(ids["maria"])
                if o.line.is_overdue
            ),
            discount="1.000,00",
            count="3",
            first_due="20/03/2026",
        ),
    )
    assert proposal.needs_approval  # R$ 1.000,00 is above the clinic's 10 % limit
    staff.login("gestor", STAFF_PASSWORD)
    inbox = staff.desk.inbox()
    kinds = {(i.kind, i.patient_id) for i in inbox}
    assert (InboxKind.APPROVAL, ids["maria"]) in kinds
    approval = next(i for i in inbox if i.kind is InboxKind.APPROVAL)
    assert approval.agreement_id == proposal.id and "R$ 1.000,00" in approval.detail
    # 196 days late: the suspension of new treatments is suggested, the gestor decides.
    assert (InboxKind.SUSPENSION, ids["maria"]) in kinds
    staff.agreements.approve(proposal.id)
    assert InboxKind.APPROVAL not in {i.kind for i in staff.desk.inbox()}
    assert late.summary.id  # the old contract stays behind the acordo


def test_inicio_drafts_the_day_once_for_the_day_and_the_inbox(
    demo_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Início shows the desk's day and the gestor's inbox together: the day's régua drafts
    (every overdue patient's message) are computed once, and the figures are those of the
    two lists asked for one by one."""
    demo_services.login("gestor", "demo")
    desk = demo_services.desk
    separately = (desk.day(), desk.inbox())
    calls: list[int] = []
    drafts_today = demo_services.drafts.today

    def counted() -> list[MessageDraft]:
        calls.append(1)
        return drafts_today()

    monkeypatch.setattr(demo_services.drafts, "today", counted)
    assert desk.overview() == separately
    assert len(calls) == 1
    assert separately[0].contacts_left > 0 and separately[1]  # the demo has both
