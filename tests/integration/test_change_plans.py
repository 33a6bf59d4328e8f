"""What changed since a mark is asked at every look at Início and Cobrança, so it must cost
index lookups whatever the size of the clinic: no statement of ``changes_since`` or
``people_changed_since`` walks a whole table or index (SQLite's query plans, read back)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from app.bootstrap import Services
from app.domain.contracts import PaymentForm
from app.services.collection.contact_log import OutcomeForm
from tests.conftest import TODAY


@contextmanager
def plans(services: Services) -> Iterator[list[tuple[str, list[str]]]]:
    """Each statement run meanwhile, with SQLite's plan for it."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    event.listen(services.engine, "before_cursor_execute", record)
    found: list[tuple[str, list[str]]] = []
    try:
        yield found
    finally:
        event.remove(services.engine, "before_cursor_execute", record)
    raw = services.engine.raw_connection()
    try:
        for statement, params in seen:
            rows = raw.cursor().execute("EXPLAIN QUERY PLAN " + statement, params).fetchall()
            found.append((statement, [row[-1] for row in rows]))
    finally:
        raw.close()


@pytest.mark.sqlite_only  # the plans are SQLite's; PostgreSQL plans its own
def test_what_changed_is_found_by_index_lookups(demo_services: Services) -> None:
    with demo_services.overdue.uow() as uow:
        mark = uow.receivables.change_mark()
    row = demo_services.overdue.worklist().rows[0]
    demo_services.payments.add(PaymentForm(row.contract_id, "10,00", TODAY.isoformat()))
    demo_services.contacts.log_outcome(OutcomeForm(row.patient_id, "no_answer", channel="phone"))
    with demo_services.overdue.uow() as uow, plans(demo_services) as found:
        money = uow.receivables.changes_since(mark)
        people = uow.receivables.people_changed_since(mark)
    assert row.patient_id in money.patient_ids and row.patient_id in people.person_ids
    walks = [
        (statement, step)
        for statement, steps in found
        for step in steps
        if step.startswith("SCAN")
        and not step.endswith(("CONSTANT ROW",))
        and "VIRTUAL" not in step
    ]
    assert found and walks == []
