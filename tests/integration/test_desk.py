"""Início's desk day and the gestor's inbox on a real database: the counts the receptionist
sees, every payment of the day and month (not only late ones), and what waits for the gestor."""

from __future__ import annotations

from typing import Any

import pytest

from app.bootstrap import Services
from app.domain.agreements import AgreementForm
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.desk import InboxKind
from app.domain.money import format_brl
from app.domain.promises import PromiseStatus
from app.persistence import models
from app.services.collection.contact_log import OutcomeForm
from app.services.collection.drafts import DraftOutline, MessageDraft
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
    assert approval.patient_name == "Maria da Silva"
    # 196 days late: the suspension of new treatments is suggested, the gestor decides.
    assert (InboxKind.SUSPENSION, ids["maria"]) in kinds
    staff.agreements.approve(proposal.id)
    assert InboxKind.APPROVAL not in {i.kind for i in staff.desk.inbox()}
    assert late.summary.id  # the old contract stays behind the acordo


def test_inicio_finds_the_days_rows_once_for_the_day_and_the_inbox(
    demo_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Início shows the desk's day and the gestor's inbox together: the day's rows of Cobrança
    de hoje are found once, without drafting a message, and the figures are those of the two
    lists asked for one by one."""
    demo_services.login("gestor", "demo")
    desk = demo_services.desk
    separately = (desk.day(), desk.inbox())
    calls: list[str] = []
    drafts = demo_services.drafts
    outline, drafted = drafts.today_outline, drafts.today

    def outlined() -> list[DraftOutline]:
        calls.append("outline")
        return outline()

    def drafting() -> list[MessageDraft]:
        calls.append("drafts")
        return drafted()

    monkeypatch.setattr(drafts, "today_outline", outlined)
    monkeypatch.setattr(drafts, "today", drafting)
    assert desk.overview() == separately
    assert calls == ["outline"]
    assert separately[0].contacts_left > 0 and separately[1]  # the demo has both


@pytest.mark.parametrize("user", ["gestor", "recepcao"])
def test_the_days_outline_is_cobranca_de_hojes_rows_without_their_messages(
    demo_services: Services, user: str
) -> None:
    """Row by row and in the same order: whose step, which contract and channel, whether it
    may be done now and why not, how much and how late — for the gestor and for a
    receptionist, who may not decide a negativação."""
    demo_services.login(user, "demo")
    drafts = demo_services.drafts.today()
    outlines = demo_services.drafts.today_outline()
    seen_in_outline = [
        (o.patient_id, o.patient_name, o.contract_id, o.step_key, o.channel, o.allowed_now)
        for o in outlines
    ]
    seen_in_drafts = [
        (d.patient_id, d.patient_name, d.contract_id, d.step_key, d.channel, d.allowed_now)
        for d in drafts
    ]
    assert seen_in_outline == seen_in_drafts
    assert [
        (o.refusal.message if o.refusal else "", o.amount_cents, o.days_late) for o in outlines
    ] == [(d.reason, d.amount_cents, d.days_late) for d in drafts]
    assert any(o.allowed_now for o in outlines)
    refused = {o.refusal.message for o in outlines if o.refusal}
    assert any("gestor" in r for r in refused) is (user == "recepcao")  # a refused row too


def test_the_inbox_suggests_the_suspensions_the_worklist_suggests(demo_services: Services) -> None:
    """The inbox reads the day's overdue money (not the whole worklist with its risk facts):
    its suggestions are exactly the worklist's rows marked to suspend, minus the patients
    someone suspended already — also right after a suspension and a payment."""
    demo_services.login("gestor", "demo")

    def from_worklist() -> set[tuple[int, str, int]]:
        return {
            (r.patient_id, r.patient_name, r.updated_cents)
            for r in demo_services.overdue.worklist().rows
            if r.suspension_suggested and not r.suspended
        }

    def from_inbox() -> set[tuple[int, str, str]]:
        found = set()
        for item in demo_services.desk.inbox():
            if item.kind is InboxKind.SUSPENSION:
                found.add((item.patient_id, item.patient_name, item.detail))
        return found

    def as_detail(rows: set[tuple[int, str, int]]) -> set[tuple[int, str, str]]:
        late = {r.patient_id: r for r in demo_services.overdue.worklist().rows}
        return {
            (pid, name, f"{format_brl(cents)} em atraso há {late[pid].days_late} dias")
            for pid, name, cents in rows
        }

    expected = from_worklist()
    assert len(expected) >= 3  # the demo clinic has patients long overdue
    assert from_inbox() == as_detail(expected)
    first, second, *_ = sorted(expected)
    demo_services.overdue.set_suspension(first[0], True)
    row = demo_services.overdue.for_patient(second[0])
    assert row is not None
    demo_services.payments.add(PaymentForm(row.contract_id, "10,00", "16/03/2026"))
    after = from_worklist()
    assert first[0] not in {pid for pid, _, _ in after}
    assert from_inbox() == as_detail(after)


def test_inicio_computes_the_negativacoes_to_remove_once_for_the_figures_and_the_inbox(
    demo_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dashboard and the gestor's inbox list the same negativações to remove: computed
    once while nothing changes, again after a change, each with the name as it is now."""
    from app.services import overdue

    demo_services.login("gestor", "demo")
    computed: list[object] = []
    original = overdue.pending_removals

    def counted(uow: Any, day: Any) -> Any:
        computed.append(day)
        return original(uow, day)

    monkeypatch.setattr(overdue, "pending_removals", counted)
    figures = demo_services.dashboard.summary().negativacao_removals
    inbox = [i for i in demo_services.desk.inbox() if i.kind is InboxKind.REMOVAL]
    assert len(computed) == 1
    assert figures and [(i.patient_id, i.patient_name) for i in inbox] == [
        (r.patient_id, r.patient_name) for r in figures
    ]
    with demo_services.overdue.uow() as uow:  # as an edit of the patient writes it
        patient = uow.session.get(models.Patient, figures[0].patient_id)
        assert patient is not None
        patient.name, patient.name_search = "Nome Corrigido", "nome corrigido"
        uow.commit()
    removals = [i for i in demo_services.desk.inbox() if i.kind is InboxKind.REMOVAL]
    assert removals[0].patient_name == "Nome Corrigido"
    assert len(computed) == 1  # an edit of a name moves no mark
    row = demo_services.overdue.worklist().rows[0]
    demo_services.payments.add(PaymentForm(row.contract_id, "10,00", "2026-03-16"))
    demo_services.desk.inbox()
    assert len(computed) == 2
