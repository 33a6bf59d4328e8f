"""Risk facts kept between looks are patched person by person (``RiskFacts.patched``): the
people a change touched take their fresh facts — or none, when they have none any more — and
the others keep theirs, narrowed to the worklist's patients and people."""

from __future__ import annotations

from datetime import date, datetime

from app.domain.risk import ContactAttempt, InstallmentRecord
from app.domain.worklist import RiskFacts

DAY = date(2026, 3, 16)


def facts(*pids: int) -> RiskFacts:
    """Each person ``pid`` with one fact of every kind, dated by their id."""
    on = {pid: date(2026, 1, pid) for pid in pids}
    return RiskFacts(
        people={},
        history={pid: [InstallmentRecord(on[pid], on[pid])] for pid in pids},
        last_paid=dict(on),
        cheques={pid: [on[pid]] for pid in pids},
        contacts={pid: [ContactAttempt(datetime(2026, 1, pid), "no_answer")] for pid in pids},
        last_contacts={pid: ContactAttempt(datetime(2026, 1, pid), "no_answer") for pid in pids},
        promises={},
        negativados=dict(on),
        agreements={},
    )


def test_the_people_touched_take_their_fresh_facts_and_the_others_keep_theirs() -> None:
    kept = facts(1, 2, 3)
    fresh = facts(2, 4)
    patched = kept.patched(fresh, again={2, 4}, patients={1, 2, 4}, people={1, 2, 3, 4})
    assert patched.last_paid == {1: date(2026, 1, 1), 2: date(2026, 1, 2), 4: date(2026, 1, 4)}
    assert patched.negativados.keys() == {1, 2, 3, 4}
    assert patched.contacts[4] == fresh.contacts[4]


def test_someone_touched_with_no_fact_left_has_none() -> None:
    """A contact undone, a negativação removed: the fresh read has nothing of them."""
    kept = facts(1, 2)
    fresh = RiskFacts({}, {}, {}, {}, {}, {}, {}, {}, {})
    patched = kept.patched(fresh, again={2}, patients={1, 2}, people={1, 2})
    for found in (patched.history, patched.contacts, patched.last_contacts, patched.negativados):
        assert set(found) == {1}


def test_who_left_the_worklist_is_dropped() -> None:
    """Person 3 was a patient and is now only a payer; person 2 is gone (paid up)."""
    kept = facts(1, 2, 3)
    patched = kept.patched(facts(), again=set(), patients={1}, people={1, 3})
    assert set(patched.history) == set(patched.cheques) == {1}
    assert set(patched.contacts) == set(patched.negativados) == {1, 3}
