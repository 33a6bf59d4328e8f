"""What more than one repository or read model builds on: the session they share, IN lists in
chunks, LIKE escaping, search tokens, and which payments count (the settlements read). Private
to the package."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Executable,
    Select,
    String,
    any_,
    bindparam,
    func,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.types import UserDefinedType

from app.domain.law import NEW_TUPLE, Settlement
from app.domain.text import fold
from app.persistence import models

IN_LIMIT = 500
_V = TypeVar("_V")
_Row = TypeVar("_Row", bound=models.Base)


class Repository:
    """Works inside the unit of work's session: reads see what it changed, writes wait for its
    commit."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _id_lists(self, ids: Iterable[int]) -> Iterator[list[int]]:
        """``ids`` in the pieces this database's statements take them (``id_lists``); each
        piece goes to ``among``."""
        dialect = self.session.connection().dialect
        return id_lists(ids, dialect.name, json_each=has_json_each(dialect))

    def _chunked(self, ids: Iterable[int], query: Callable[[list[int]], Executable]) -> list[Any]:
        """Rows of ``query(piece)`` for every piece of ``ids`` (``_id_lists``: one piece on
        either database, IN lists of bounded size on a SQLite without ``json_each``), through
        ``_run``."""
        return [row for piece in self._id_lists(ids) for row in self._run(query(piece)).all()]

    def _settlements_of(self, installment_ids: Iterable[int]) -> dict[int, tuple[Settlement, ...]]:
        """Effective settlements of ``installment_ids`` (allocations of payments that are
        neither an estorno nor reversed), oldest first — by day, then by payment
        (``settlement_rows``)."""
        a = models.PaymentAllocation
        rows = self._chunked(
            installment_ids, lambda chunk: settlement_rows(among(a.installment_id, chunk))
        )
        return settlements_by_installment(rows)

    def _one_text(self, stmt: Select[Any]) -> str:
        """The rows of ``stmt`` as one text (``fields_of`` splits it back): for thousands of
        rows read on a second thread while this process computes on the first. SQLite builds
        the text in C with the interpreter's lock let go and hands it over in one step, where
        each row would take that lock back (``services.alongside``). Each row is written by
        one ``printf`` (``format`` on PostgreSQL), where casts and concatenations cost SQLite
        a third more."""
        columns = list(stmt.subquery().c)
        write = func.printf if self.session.connection().dialect.name == "sqlite" else func.format
        row = write(_UNIT.join(["%s"] * len(columns)), *columns)
        return self._run(select(func.aggregate_strings(row, _RECORD))).scalar() or ""

    def _run(self, stmt: Executable) -> Any:  # a CursorResult of plain tuples
        """Plain-column queries through Core: no ORM loading machinery per row (thousands of
        rows: the worklist, Início, the negativações' ledgers)."""
        return self.session.connection().execute(stmt)

    def _add(self, row: _Row, *, flush: bool = True) -> _Row:
        """``flush=False``: written with the next flush, in a batch; otherwise at once, so the
        row has its id on return."""
        self.session.add(row)
        if flush:
            self.session.flush()
        return row


def begin_write(session: Session) -> None:
    """Make the session's transaction a write one *now*, before anything is read.

    SQLite: ``BEGIN IMMEDIATE`` takes the database's write lock (another PC waits up to the busy
    timeout, then reads what the first one committed). PostgreSQL needs nothing here: row locks
    serialise the writers that matter."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return
    dbapi = conn.connection.dbapi_connection
    if dbapi is not None and not getattr(dbapi, "in_transaction", False):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def chunks(ids: Iterable[int], size: int = IN_LIMIT) -> Iterator[list[int]]:
    """IN lists in pieces: SQLite limits bound parameters per statement."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


class IdArray(list[int]):
    """Every id at once on PostgreSQL, sent as one array parameter (``= ANY(:ids)``): one
    statement however many (SQLite's twin is ``IdJson``). The driver writes it with the
    dumper of ``db.id_array_dumper`` (the ids joined in one go, sent as ``integer[]``)."""


class _IdArrayType(UserDefinedType[list[int]]):
    """An ``IdArray`` bound as it is: SQLAlchemy's ``ARRAY`` would copy it into a plain list,
    which psycopg writes element by element through Python (≈ 150,000 ids per worklist at
    80,000 patients)."""

    cache_ok = True

    def get_col_spec(self, **_kw: Any) -> str:
        return "INTEGER[]"

    def bind_processor(self, dialect: Any) -> None:
        return None


_ID_ARRAY = _IdArrayType()


class IdJson(list[int]):
    """Every id at once on SQLite, sent as one JSON text parameter and read back by its
    ``json_each`` (``IN (SELECT value FROM json_each(:ids))``): one statement, compiled once,
    where IN lists in chunks of ``IN_LIMIT`` cost a statement each and their SQL rendered with
    a placeholder per id at every execution (at 20,000 patients the worklist's risk facts
    went through about 80 of them)."""


# ``json_each`` is built into SQLite from 3.38 on (Python 3.11's own builds and SQLCipher's
# have it); an older library, as a Linux distribution may link, gets the IN lists in chunks.
JSON_EACH_SINCE = (3, 38)


def has_json_each(dialect: Any) -> bool:
    """Whether the SQLite library behind ``dialect`` (Python's, or SQLCipher's for an encrypted
    file) has ``json_each`` built in."""
    version = getattr(dialect.dbapi, "sqlite_version_info", (0,))
    return dialect.name == "sqlite" and tuple(version) >= JSON_EACH_SINCE


def id_lists(ids: Iterable[int], dialect: str, json_each: bool = True) -> Iterator[list[int]]:
    """``ids`` as the statements that read them take them: all at once on PostgreSQL (each
    statement there costs a round trip, its planning and, for a big one, starting parallel
    workers: at 80,000 patients the worklist sent ≈ 300 of them) and, past one IN list, on
    SQLite (``IdJson``); a few ids on SQLite stay a plain IN list, whose plan SQLite knows
    best. Without ``json_each`` (``has_json_each``), SQLite gets IN lists in chunks."""
    everyone = sorted(set(ids))
    if not everyone:
        return
    if dialect == "postgresql":
        yield IdArray(everyone)
    elif len(everyone) <= IN_LIMIT:
        yield everyone
    elif json_each:
        yield IdJson(everyone)
    else:
        yield from chunks(everyone)


def among(column: Any, ids: list[int]) -> ColumnElement[bool]:
    """``column IN ids``; ``= ANY(array)`` for an ``IdArray``, ``IN (SELECT value FROM
    json_each(text))`` for an ``IdJson`` (``id_lists``)."""
    found: ColumnElement[bool]
    if isinstance(ids, IdArray):
        found = column == any_(bindparam(None, ids, type_=_ID_ARRAY))
    elif isinstance(ids, IdJson):
        each = func.json_each(bindparam(None, json.dumps(ids), type_=String)).table_valued("value")
        found = column.in_(select(each.c.value))
    else:
        found = column.in_(ids)
    return found


def grouped(pairs: Iterable[tuple[int, _V]]) -> dict[int, list[_V]]:
    found: dict[int, list[_V]] = {}
    for key, value in pairs:
        found.setdefault(key, []).append(value)
    return found


def end_of(day: date) -> datetime:
    """The first instant after ``day``: timestamps of that day are ``< end_of(day)``."""
    return datetime.combine(day + timedelta(days=1), time())


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_tokens(text: str) -> Iterator[tuple[str, str | None]]:
    """The words of a search box, accent-free: ``(word, digits)`` where ``digits`` is the word
    without CPF/phone punctuation when it is a number (a CPF, a phone, a code), else ``None``."""
    for token in fold(text).split():
        number = re.sub(r"[.\-/()]", "", token)
        yield token, (number if number.isdigit() else None)


# Between the fields and the rows of ``Repository._one_text``: ASCII's unit and record
# separators, which no text EmDia stores holds.
_UNIT, _RECORD = "\x1f", "\x1e"


def fields_of(text: str) -> list[list[str]]:
    """The rows of a ``Repository._one_text``, each as its fields' texts ('' for NULL, a date
    as its ISO text)."""
    return [record.split(_UNIT) for record in text.split(_RECORD)] if text else []


def settlement_rows(installments: ColumnElement[bool]) -> Select[Any]:
    """The allocations of the ``installments`` (a condition on
    ``models.PaymentAllocation.installment_id``) as ``settlements_by_installment`` takes them.
    Each allocation's payment is looked up by its key (a scalar subquery, NULL for one that no
    longer counts) rather than joined: for thousands of installments PostgreSQL joined by
    hashing the whole payments table."""
    a, p = models.PaymentAllocation, models.Payment
    paid_on = select(p.paid_on).where(p.id == a.payment_id, *effective(p)).scalar_subquery()
    return select(a.installment_id, a.payment_id, paid_on, *settlement_columns()[2:]).where(
        installments
    )


def settlements_by_installment(rows: Iterable[Any]) -> dict[int, tuple[Settlement, ...]]:
    """Rows of ``(installment, payment, paid_on, *settlement_columns()[2:])`` as each
    installment's settlements, oldest first — by day, then by payment. A row without its day
    is an allocation of a payment that no longer counts (an estorno, or reversed by one)."""
    found: dict[int, list[Settlement]] = {}
    for row in sorted((r for r in rows if r[2] is not None), key=itemgetter(2, 1)):
        found.setdefault(row[0], []).append(NEW_TUPLE(Settlement, row[2:]))  # every field
    return {key: tuple(value) for key, value in found.items()}


def terms_columns() -> tuple[Any, ...]:
    """What ``InstallmentTerms`` is built from, the installment's id first: id, contract,
    number, due date, effective due date, amount."""
    i = models.Installment
    return (i.id, i.contract_id, i.number, i.due_date, i.effective_due_date, i.amount_cents)


def settlement_columns() -> tuple[Any, ...]:
    """What ``Settlement`` is built from: the installment, when, and each extinguished part."""
    a = models.PaymentAllocation
    return (
        a.installment_id,
        models.Payment.paid_on,
        a.principal_cents,
        a.fine_cents,
        a.interest_cents,
        a.correction_cents,
        a.discount_cents,
    )


def allocation_money() -> Any:
    """What an allocation brought in: every component it extinguished minus what was forgiven."""
    a = models.PaymentAllocation
    return (
        a.principal_cents + a.fine_cents + a.interest_cents + a.correction_cents - a.discount_cents
    )


def effective(p: type[models.Payment]) -> tuple[Any, ...]:
    """A payment that counts: neither an estorno nor reversed by one."""
    return (p.reverses_payment_id.is_(None), p.reversed_by_id.is_(None))


def charges_only(*conditions: Any) -> Select[int]:
    """Installments with no principal paid (``paid_cents`` 0) and an allocation that paid no
    principal either: a late payment smaller than the juros and multa pays only those (CC art.
    354). With ``paid_cents > 0`` these are every installment that may have settlements — the
    others need not be looked up. Read from the partial index
    ``ix_payment_allocation_charges_only``, a few rows at any size; ``conditions`` narrow the
    installments (``models.Installment``). Whether the payment still counts is the
    settlements' question (``Repository._settlements_of``)."""
    a, i = models.PaymentAllocation, models.Installment
    return (
        select(a.installment_id)
        .distinct()
        .join(i, i.id == a.installment_id)
        .where(a.principal_cents == 0, i.paid_cents == 0, *conditions)
    )
