"""The negativações due for removal are found the quick way (a debt with an installment never
settled is unpaid without reading its payments) and the answer is the one every ledger gives:
on the demo clinic, on many days, after payments settle negativated debts and after an estorno
opens one again."""

from __future__ import annotations

from datetime import date, timedelta

from app.bootstrap import Services
from app.domain.contracts import PaymentForm
from app.domain.money import format_brl
from app.services.negativacao import NegativacaoView, pending_removals, views_of


def reference(services: Services, day: date) -> list[tuple[int, object]]:
    """Every open negativação computed from its ledgers (the rule itself)."""
    with services.ctx.uow_factory() as uow:
        views = views_of(uow, uow.negativacoes.rows(open_only=True), day)
    return sorted((v.id, v.countdown) for v in views if v.countdown is not None)


def quick(services: Services, day: date) -> list[tuple[int, object]]:
    with services.ctx.uow_factory() as uow:
        found: list[NegativacaoView] = pending_removals(uow, day)
    return sorted((v.id, v.countdown) for v in found)


def days_around(today: date) -> list[date]:
    return [today, today + timedelta(days=9), today + timedelta(days=400),
            date(today.year + 5, today.month, 1), date(today.year + 6, 1, 2)]  # fmt: skip


def test_the_quick_path_finds_exactly_what_the_ledgers_say(demo_services: Services) -> None:
    services = demo_services
    services.login("gestor", "demo")
    today = services.clock.today()
    with services.ctx.uow_factory() as uow:
        rows = uow.negativacoes.rows(open_only=True)
    assert len(rows) >= 3, "the demo should negativar a few debts"
    for day in days_around(today):
        assert quick(services, day) == reference(services, day), day
    assert reference(services, today), "the demo has paid debts still registered"
    assert reference(services, date(today.year + 6, 1, 2)), "and five-year-old ones by then"

    # Pay off two negativated debts: their removal is due now, found by both ways.
    unpaid = [r for r in rows if r.contract_id is not None][:2]
    before = {v for v, _ in reference(services, today)}
    for row in unpaid:
        assert row.contract_id is not None
        due = services.contracts.get(row.contract_id).total_due_cents
        if due > 0:
            services.payments.add(
                PaymentForm(row.contract_id, format_brl(due, symbol=False), today.isoformat())
            )
    after = reference(services, today)
    assert {v for v, _ in after} >= before
    for day in days_around(today):
        assert quick(services, day) == reference(services, day), day

    # An estorno of the last payment opens that debt again: no longer due for removal.
    paid = services.payments.for_contract(unpaid[0].contract_id)  # type: ignore[arg-type]
    services.payments.reverse(paid[-1].id, "cheque devolvido")
    for day in days_around(today):
        assert quick(services, day) == reference(services, day), day


def test_listed_negativacoes_are_found_as_the_ledgers_say(demo_services: Services) -> None:
    """A negativação registered by EmDia lists its installments: some list every one due
    before the inclusion, one lists only an installment already settled (its debt is paid
    whatever the others owe), one lists one still open. Both ways agree on every day."""
    services = demo_services
    services.login("gestor", "demo")
    today = services.clock.today()
    with services.ctx.uow_factory() as uow:
        rows = [r for r in uow.negativacoes.rows(open_only=True) if r.contract_id is not None]
        states = uow.contracts.installment_states(sorted({r.contract_id for r in rows}))
        listed = 0
        for k, r in enumerate(rows):
            assert r.contract_id is not None
            kept = states.get(r.contract_id, [])
            before = [s for s in kept if s.effective_due_date < r.included_on]
            settled = [s.number for s in before if not s.never_settled]
            owing = [s.number for s in before if s.never_settled]
            if k % 3 == 0 and settled:
                numbers = settled[:1]
            elif k % 3 == 1 and owing:
                numbers = owing[:1]
            else:
                numbers = [s.number for s in before]
            row = uow.negativacoes.get_row(r.id)
            assert row is not None
            row.installments = numbers
            listed += 1
        uow.commit()
    assert listed >= 3
    for day in days_around(today):
        assert quick(services, day) == reference(services, day), day
    assert reference(services, today), "a debt listed by its settled installment is paid"
