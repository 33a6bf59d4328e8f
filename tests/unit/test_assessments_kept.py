"""The worklist's service keeps each row's assessment with what it weighed
(``worklist.Assessments``): a look after a change weighs again only the rows whose facts or
money changed, and gives the worklist a fresh assessment of every row would."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from app.domain import worklist
from app.domain.law import ChargePolicy, InstallmentTerms, updated_debt
from app.domain.receivables import Person
from app.domain.risk import ContactAttempt, RiskInput, assess
from app.domain.worklist import Assessments, RiskFacts, assemble, patient_debts

TODAY = date(2026, 3, 16)


def person(pid: int) -> Person:
    return Person(pid, f"P{pid}", f"p{pid}", None, "19998760000", "", "", None, None, False)


def money(days_late: dict[int, int]) -> Any:
    """Patient ``pid`` owes one installment ``days`` late on contract ``10 * pid``."""
    lines = []
    for pid, days in days_late.items():
        due = TODAY - timedelta(days=days)
        terms = InstallmentTerms(1, due, due, 10_000, key=pid)
        lines.append((pid, 10 * pid, updated_debt(terms, [], TODAY, ChargePolicy())))
    return patient_debts(lines), {10 * pid: None for pid in days_late}


def facts(contacts: dict[int, list[ContactAttempt]] | None = None) -> RiskFacts:
    people = {pid: person(pid) for pid in (1, 2, 3)}
    return RiskFacts(people, {}, {}, {}, contacts or {}, {}, {}, {}, {})


@pytest.fixture
def weighed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The patients ``risk.assess`` weighs, in turn."""
    seen: list[int] = []

    def counted(data: RiskInput) -> Any:
        seen.append(data.overdue[0].key)
        return assess(data)

    monkeypatch.setattr(worklist, "assess", counted)
    return seen


def test_only_the_rows_that_changed_are_weighed_again(weighed: list[int]) -> None:
    kept = Assessments()
    debts, responsible = money({1: 10, 2: 40, 3: 70})
    assemble(TODAY, debts, responsible, facts(), kept)
    assert sorted(weighed) == [1, 2, 3]
    del weighed[:]
    assert assemble(TODAY, debts, responsible, facts(), kept) == assemble(
        TODAY, debts, responsible, facts()
    )
    assert sorted(weighed) == [1, 2, 3]  # only the fresh one's
    del weighed[:]
    unanswered = {2: [ContactAttempt(datetime(2026, 3, 15, 10), "no_answer")]}
    debts, responsible = money({1: 10, 2: 40})  # patient 3 paid: no longer overdue
    looked = assemble(TODAY, debts, responsible, facts(unanswered), kept)
    assert weighed == [2]
    assert looked == assemble(TODAY, debts, responsible, facts(unanswered))


def test_another_day_weighs_every_row_again(weighed: list[int]) -> None:
    kept = Assessments()
    debts, responsible = money({1: 10, 2: 40})
    assemble(TODAY, debts, responsible, facts(), kept)
    del weighed[:]
    tomorrow = TODAY + timedelta(days=1)
    assemble(tomorrow, debts, responsible, facts(), kept)
    assert sorted(weighed) == [1, 2]
