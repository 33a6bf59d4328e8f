"""The installments the régua looks at are read through their indexes (the open ones, and those
settled after the day asked) and are exactly the rule's: open on that day, due by the lembrete's
day, in a contract neither cancelled nor renegotiated — in contract, due date and number order,
as a plain filter of every installment says, on today and on past days (a re-print)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.bootstrap import Services
from app.persistence import models


def by_the_rule(services: Services, due_until: date, as_of: date) -> list[tuple[object, ...]]:
    """Every installment of the clinic, filtered and sorted in Python."""
    with services.ctx.uow_factory() as uow:
        session = uow.session  # type: ignore[attr-defined]
        rows = session.execute(
            select(models.Installment, models.Contract).join(
                models.Contract, models.Contract.id == models.Installment.contract_id
            )
        ).all()
        kept = [
            (
                i.id,
                i.contract_id,
                c.patient_id,
                c.responsible_id,
                i.number,
                i.effective_due_date,
                i.amount_cents,
                i.settled_on,
            )
            for i, c in rows
            if i.renegotiated_agreement_id is None
            and c.status not in ("cancelled", "renegotiated")
            and i.effective_due_date <= due_until
            and (i.settled_on is None or i.settled_on > as_of)
        ]
    return sorted(kept, key=lambda r: (r[1], r[5], r[4]))


def as_read(services: Services, due_until: date, as_of: date) -> list[tuple[object, ...]]:
    with services.ctx.uow_factory() as uow:
        found = uow.collection.open_installments(due_until, as_of)
    return [
        (
            r.id,
            r.contract_id,
            r.patient_id,
            r.responsible_id,
            r.terms.number,
            r.terms.effective_due_date,
            r.terms.amount_cents,
            r.settled_on,
        )
        for r in found
    ]


def test_the_installments_the_regua_reads_are_the_rules(demo_services: Services) -> None:
    today = demo_services.clock.today()
    settled_after: list[object] = []
    for as_of in (today, today - timedelta(days=45), today - timedelta(days=200)):
        due_until = as_of + timedelta(days=3)
        read = as_read(demo_services, due_until, as_of)
        assert read == by_the_rule(demo_services, due_until, as_of), as_of
        settled_after += [r for r in read if r[-1] is not None]
    # The past days see installments open then and settled since (the second index's part).
    assert settled_after
