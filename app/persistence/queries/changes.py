"""Which patients' money changed since figures were computed — so the worklist's and Início's
overdue money is recomputed only for them, and a change made on another PC is seen too.

Every change to money adds rows (a payment, its estorno, a contract and its parcelas) or, when
it changes rows in place (an acordo renegotiating parcelas, a correction index, the clinic's
terms), writes a line of the audit log in the same transaction. So "what changed" is read from
the rows with an id above the newest one seen before:

- new payments, parcelas and contracts → their contract's patient;
- new audit lines → skipped when their action changes no money (``NO_MONEY_ACTIONS``: users,
  the régua, documents archived, contacts logged, the cash counted, the bank statement's own
  lines — a payment it registers is audited as the desk's); otherwise by the kind of record
  they are about: a payment, contract, acordo, negativação or patient names its patients;
  anything else (a correction index, the clinic's terms, a restored backup, an action this
  module does not know) means *everything*;
- fewer rows than before (a restore) or a different number of cancelled contracts → everything.

Ids tell the order of commits only if nobody was still writing when the mark was taken. SQLite
has one writer at a time and numbers rows under its lock, so its ids are in commit order. On
PostgreSQL two PCs write at once and a row numbered earlier can commit later: the mark is taken
under a short ``SHARE`` lock on the four tables, which waits (briefly) for writers to finish
and keeps new ones out for the instant it takes to read four numbers; if it cannot be had
quickly the mark is not ``exact`` and the next look recomputes everything.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, or_, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.domain.audit import NO_MONEY_ACTIONS
from app.domain.catalog import ContractStatus
from app.domain.receivables import ChangeMark, MoneyChanges, PeopleChanges
from app.persistence import models
from app.persistence.repositories._sql import chunks

# The tables whose newest id the mark keeps, in this order.
MARKED = (models.AuditLog, models.Payment, models.Installment, models.Contract)

# Audit lines about these name the patients whose money may have changed.
BY_PATIENT = frozenset({"payment", "contract", "agreement", "negativacao", "patient"})

# Audit lines of these actions change whom a person was in touch with and what they promised:
# no money, but the worklist's risk facts (``people_changed_since``).
CONTACT_ACTIONS = ("contact.log", "contact.undo")

# PostgreSQL: how long the mark waits for a writer to finish before giving up on being exact.
LOCK_WAIT = "200ms"


def _mark_statement() -> Any:
    cancelled = (
        select(func.count())
        .select_from(models.Contract)
        .where(models.Contract.status == ContractStatus.CANCELLED.value)
    )
    return select(
        *(select(func.coalesce(func.max(t.id), 0)).scalar_subquery() for t in MARKED),
        cancelled.scalar_subquery(),
    )


def _read(conn: Connection, exact: bool) -> ChangeMark:
    *newest, cancelled = conn.execute(_mark_statement()).one()
    return ChangeMark(tuple(int(n) for n in newest), int(cancelled), exact)


def change_mark(session: Session) -> ChangeMark:
    """Where the data stands now. Index lookups only, whatever the size of the clinic."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return _read(conn, True)
    # Its own short transaction: the lock is released at once, not held while the caller
    # computes; the caller's reads come after it and see at least what the mark saw.
    with conn.engine.connect() as own:
        try:
            with own.begin():
                own.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'"))
                names = ", ".join(t.__tablename__ for t in MARKED)
                own.execute(text(f"LOCK TABLE {names} IN SHARE MODE"))
                return _read(own, True)
        except DBAPIError:  # a writer kept the lock (or the role may not lock): a full look next
            return _read(own, False)


def changes_since(session: Session, old: ChangeMark) -> MoneyChanges:
    """What changed after ``old`` (see the module's docstring)."""
    new = change_mark(session)
    everything = MoneyChanges(new, everything=True)
    if not old.exact or new.cancelled != old.cancelled:
        return everything
    if any(now < before for now, before in zip(new.newest, old.newest, strict=True)):
        return everything  # rows went missing: a restore, another database
    if new.newest == old.newest:
        return MoneyChanges(new)
    audit_id, payment_id, installment_id, contract_id = old.newest
    conn = session.connection()
    contracts: set[int] = set()
    patients: set[int] = set()
    audited = _audited(conn, audit_id)
    if audited is None:
        return everything
    payments, contract_ids, agreements, negativacoes, patient_ids = audited
    patients.update(patient_ids)
    contracts.update(contract_ids)
    p, i, c = models.Payment, models.Installment, models.Contract
    # The rows numbered after the mark, by their key: a range of the primary key, a few rows.
    # (Asked for DISTINCT contracts, SQLite walked the whole contract_id index instead —
    # every payment and installment of the clinic, 27 ms a look at 20,000 patients.)
    contracts.update(conn.scalars(select(p.contract_id).where(p.id > payment_id)))
    contracts.update(conn.scalars(select(i.contract_id).where(i.id > installment_id)))
    contracts.update(conn.scalars(select(c.id).where(c.id > contract_id)))
    for chunk in chunks(payments):
        contracts.update(conn.scalars(select(p.contract_id).where(p.id.in_(chunk))))
    for chunk in chunks(negativacoes):
        n = models.Negativacao
        for pid, cid in conn.execute(select(n.patient_id, n.contract_id).where(n.id.in_(chunk))):
            patients.add(pid)
            if cid is not None:
                contracts.add(cid)
    debtors: set[int] = set()
    for chunk in chunks(agreements):
        a = models.Agreement
        debtors.update(conn.scalars(select(a.patient_id).where(a.id.in_(chunk))))
    patients |= debtors
    # An acordo renegotiates the debtor's parcelas and those of whom they are responsável for.
    for chunk in chunks(debtors):
        theirs = select(c.id).where(or_(c.patient_id.in_(chunk), c.responsible_id.in_(chunk)))
        contracts.update(conn.scalars(theirs))
    for chunk in chunks(contracts):
        patients.update(conn.scalars(select(c.patient_id).where(c.id.in_(chunk))))
    return MoneyChanges(new, frozenset(patients), frozenset(contracts))


def people_changed_since(session: Session, old: ChangeMark) -> PeopleChanges:
    """Whose risk facts may differ since ``old``: the people of every change to money
    (``changes_since``) — each contract's patient and its responsável financeiro, whose
    promises count what is paid on it — and the people with a contact logged or undone
    (``CONTACT_ACTIONS``: a line of the audit log, which moves no money). A change not
    narrowed down to some patients means everyone."""
    money = changes_since(session, old)
    if money.everything:
        return PeopleChanges(money.mark, everything=True)
    if money.mark.newest == old.newest:
        return PeopleChanges(money.mark)
    conn = session.connection()
    c, log, contact = models.Contract, models.AuditLog, models.ContactLog
    people = set(money.patient_ids)
    for chunk in chunks(money.contract_ids):
        payers = select(c.responsible_id).where(c.id.in_(chunk), c.responsible_id.is_not(None))
        people.update(conn.scalars(payers))
    logged = select(log.entity_id).where(log.id > old.newest[0], log.action.in_(CONTACT_ACTIONS))
    people.update(conn.scalars(select(contact.patient_id).where(contact.id.in_(logged))))
    return PeopleChanges(money.mark, frozenset(people))


Audited = tuple[set[int], set[int], set[int], set[int], set[int]]


def _audited(conn: Connection, after_id: int) -> Audited | None:
    """Ids named by the audit lines after ``after_id``, by kind of record: payments,
    contracts, acordos, negativações, patients — or None when one cannot be narrowed down."""
    log = models.AuditLog
    found: dict[str, set[int]] = {kind: set() for kind in BY_PATIENT}
    lines = conn.execute(select(log.action, log.entity, log.entity_id).where(log.id > after_id))
    for action, entity, entity_id in lines:
        if action in NO_MONEY_ACTIONS:
            continue
        if entity not in BY_PATIENT or entity_id is None:
            return None
        found[entity].add(entity_id)
    return (
        found["payment"],
        found["contract"],
        found["agreement"],
        found["negativacao"],
        found["patient"],
    )
