"""Início's two lists that are not reports: the desk's day (anyone who works the desk) and the
gestor's inbox (what only they may decide). Both are computed off the window's thread: the
contacts left come from Cobrança de hoje, the suggestions from the overdue worklist."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app.domain.dashboard import promise_lines
from app.domain.dates import format_date
from app.domain.desk import DeskDay, InboxItem, InboxKind, Received, inbox_order
from app.domain.money import format_brl
from app.domain.regua import StepKey
from app.domain.worklist import suspension_suggested
from app.services.base import Context, Permission, Service, gc_paused
from app.services.collection.drafts import DraftOutline, DraftService
from app.services.overdue import OverdueService


class DeskService(Service):
    def __init__(self, ctx: Context, drafts: DraftService, overdue: OverdueService) -> None:
        super().__init__(ctx)
        self.drafts = drafts
        self.overdue = overdue

    def overview(self) -> tuple[DeskDay, list[InboxItem]]:
        """``day`` and ``inbox`` together, as Início shows them: the day's rows of Cobrança de
        hoje (every overdue patient's step, without drafting the messages) are found once for
        both."""
        self.require(Permission.MESSAGES)
        with gc_paused():
            rows = self.drafts.today_outline()
            return self.day(rows), self.inbox(rows)

    def day(self, rows: list[DraftOutline] | None = None) -> DeskDay:
        """Today at the desk: contacts done and left, promises due today, money received today
        and this month (every payment, not only late ones). ``rows``: Cobrança de hoje's
        (``DraftService.today_outline``), when the caller has them already."""
        self.require(Permission.MESSAGES)
        today = self.clock.today()
        left = self.drafts.today_outline() if rows is None else rows
        start = datetime.combine(today, time())
        with self.uow() as uow:
            done = uow.collection.contacts_logged(start, start + timedelta(days=1))
            repo = uow.receivables
            promises = repo.promises_due(today, today, today)
            received_today = Received(*repo.received(today, today))
            received_month = Received(*repo.received(today.replace(day=1), today))
        return DeskDay(
            day=today,
            contacts_done=done,
            contacts_left=len(left),
            contacts_now=sum(1 for d in left if d.allowed_now),
            promises_today=promise_lines(promises, today),
            received_today=received_today,
            received_month=received_month,
        )

    def inbox(self, rows: list[DraftOutline] | None = None) -> list[InboxItem]:
        """What waits for the acting user's decision — only the kinds they may decide (a
        receptionist's inbox is empty): removals of paid negativações (with their legal
        deadline), acordos above the discount limit, negativações ready to be registered,
        suspensions of new treatments suggested."""
        actor = self.require(Permission.MESSAGES)
        today = self.clock.today()
        items: list[InboxItem] = []
        with self.uow() as uow:
            if actor.can(Permission.NEGATIVACAO):
                for due in self.overdue.removals_due(uow, today):
                    items.append(
                        InboxItem(
                            InboxKind.REMOVAL,
                            due.patient_id,
                            due.patient_name,
                            due.countdown.text,
                            contract_id=due.contract_id,
                            urgent=due.overdue,
                        )
                    )
            if actor.can(Permission.APPROVE_RENEGOTIATION):
                asked = [
                    row
                    for row in uow.agreements.with_status(["proposed"])
                    if row.breakdown.get("needs_approval")
                ]
                # Their patients' names in one read, not one per acordo.
                people = uow.receivables.people({row.patient_id for row in asked})
                for row in asked:
                    patient = people.get(row.patient_id)
                    items.append(
                        InboxItem(
                            InboxKind.APPROVAL,
                            row.patient_id,
                            patient.name if patient else "",
                            f"acordo {row.id}: desconto de {format_brl(row.discount_cents)}, "
                            f"proposto em {format_date(row.as_of)}",
                            agreement_id=row.id,
                        )
                    )
        if actor.can(Permission.NEGATIVACAO):
            for ready in self.drafts.today_outline() if rows is None else rows:
                if ready.step_key == StepKey.NEGATIVACAO and ready.allowed_now:
                    items.append(
                        InboxItem(
                            InboxKind.NEGATIVACAO,
                            ready.patient_id,
                            ready.patient_name,
                            f"{format_brl(ready.amount_cents)} em atraso há {ready.days_late} "
                            "dias; o aviso prévio já completou o prazo",
                            contract_id=ready.contract_id,
                        )
                    )
        if actor.can(Permission.SUSPEND_TREATMENTS):
            items += self._suspensions(today)
        return inbox_order(items)

    def _suspensions(self, today: date) -> list[InboxItem]:
        """The suspensions of new treatments the worklist suggests, from the day's overdue
        money the window prepared (``OverdueService.snapshot``): the suggestion needs only
        each patient's debt and whether they are suspended already, not the worklist's risk
        facts."""
        with self.uow() as uow:
            debts = [m.debt for m in self.overdue.snapshot(uow, today).by_patient.values()]
            suggested = [d for d in debts if suspension_suggested(d)]
            people = uow.receivables.people([d.patient_id for d in suggested])
        return [
            InboxItem(
                InboxKind.SUSPENSION,
                d.patient_id,
                people[d.patient_id].name,
                f"{format_brl(d.updated_cents)} em atraso há {d.days_late} dias",
            )
            for d in suggested
            if not people[d.patient_id].suspended
        ]
