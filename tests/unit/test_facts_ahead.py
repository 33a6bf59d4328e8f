"""Facts read ahead of the money (``overdue.FactsAhead``) serve the worklist only when they hold
every overdue patient and everyone who pays for them."""

from __future__ import annotations

from datetime import date, timedelta

from app.domain.law import ChargePolicy, InstallmentTerms, updated_debt
from app.domain.receivables import Person
from app.domain.worklist import RiskFacts, patient_debts
from app.services.overdue import FactsAhead

TODAY = date(2026, 3, 16)


def person(pid: int, responsible_id: int | None = None) -> Person:
    return Person(pid, f"P{pid}", f"p{pid}", None, "", "", "", responsible_id, None, False)


def ahead(ids: set[int], people: dict[int, Person]) -> FactsAhead:
    facts = RiskFacts(people, {}, {}, {}, {}, {}, {}, {}, {})
    return FactsAhead(frozenset(ids), facts)


def debts():  # type: ignore[no-untyped-def]
    """Patient 1 (contract 10, paid by 3) and patient 2 (contract 20, paid by their
    responsável 4, by the patient's record)."""
    due = TODAY - timedelta(days=9)
    line = updated_debt(InstallmentTerms(1, due, due, 10_000, key=1), [], TODAY, ChargePolicy())
    return patient_debts([(1, 10, line), (2, 20, line)]), {10: 3, 20: None}


def test_facts_holding_everyone_give_the_worklists_people() -> None:
    found, responsible = debts()
    people = {n: person(n) for n in (1, 3, 4, 9)} | {2: person(2, responsible_id=4)}
    assert ahead({1, 2, 9}, people).covering(found, responsible) == {1, 2, 3, 4}


def test_a_patient_not_read_ahead_is_not_covered() -> None:
    found, responsible = debts()
    people = {n: person(n) for n in (1, 3, 4)} | {2: person(2, responsible_id=4)}
    assert ahead({1}, people).covering(found, responsible) is None


def test_a_payer_not_read_ahead_is_not_covered() -> None:
    """The contract's responsável was named after the facts were read."""
    found, responsible = debts()
    people = {n: person(n) for n in (1, 4)} | {2: person(2, responsible_id=4)}
    assert ahead({1, 2}, people).covering(found, responsible) is None
