"""An in-memory unit of work for testing the services' orchestration without a database: who may
do what, what is audited, what is refused and that a refusal writes nothing.

``FakeDatabase`` holds the committed rows (column values by table and id); each
``FakeUnitOfWork`` works on its own copies of them, as a session does, and writes them back only
at ``commit``. So "nothing was written" is checked by looking at the database after the service
raised, exactly as against SQLite. Like the real unit of work, ``commit`` refuses a row whose
``version`` another unit of work moved first (``ConflictError``) and a unique value another one
wrote first (``DuplicateError``); ``FakeDatabase.on_next_commit`` plays "another PC saved at
that very moment".

Faked repositories: ``clinic``, ``patients`` (rows, CPF look-up, ``to_domain``), ``contracts``
(rows only), ``users``, ``audit``, ``indexes``. Everything that is a query over many tables (the
worklist, searches, ledgers) is left to the integration tests on SQLite and PostgreSQL: asking
the fake for it raises ``AttributeError`` naming what is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import Table, UniqueConstraint

from app.domain.audit import (
    GENESIS,
    AuditEntry,
    AuditIntegrity,
    AuditLink,
    AuditQuery,
    link_seal,
    verify_chain,
)
from app.domain.patients import Patient
from app.errors import STALE_RECORD, ConflictError, DuplicateError
from app.persistence import models
from app.persistence.records import patient_data, person_ref

_R = TypeVar("_R", bound=models.Base)
Key = tuple[type[models.Base], int]


def _table(model: type[models.Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def values_of(row: models.Base) -> dict[str, Any]:
    """The row's column values (what a database would store)."""
    return {c.key: getattr(row, c.key) for c in _table(type(row)).columns}


def _fill_defaults(row: models.Base) -> None:
    """What the database (or SQLAlchemy at flush) would fill in: the columns' Python defaults."""
    for column in _table(type(row)).columns:
        default = column.default
        if getattr(row, column.key) is None and default is not None:
            arg = getattr(default, "arg", None)
            setattr(row, column.key, arg(None) if callable(arg) else arg)


class FakeDatabase:
    """The committed state: ``rows[Model][id] = {column: value}``."""

    def __init__(self) -> None:
        self.rows: dict[type[models.Base], dict[int, dict[str, Any]]] = {}
        self.commits = 0
        self.locked_contracts: list[int] = []
        self._last_id: dict[type[models.Base], int] = {}
        self._before_commit: list[Callable[[], None]] = []

    def next_id(self, model: type[models.Base]) -> int:
        self._last_id[model] = self._last_id.get(model, 0) + 1
        return self._last_id[model]

    def insert(self, row: _R) -> _R:
        """Arrange: a row already committed (by an earlier use case or another PC)."""
        if getattr(row, "id", None) is None:
            row.id = self.next_id(type(row))  # type: ignore[attr-defined]
        _fill_defaults(row)
        self.rows.setdefault(type(row), {})[row.id] = values_of(row)  # type: ignore[attr-defined]
        return row

    def all(self, model: type[_R]) -> list[_R]:
        """Assert: fresh copies of every committed row of ``model``, by id."""
        return [model(**values) for _, values in sorted(self.rows.get(model, {}).items())]

    def on_next_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` just before the next commit writes (another PC saving meanwhile)."""
        self._before_commit.append(action)

    def run_before_commit(self) -> None:
        actions, self._before_commit = self._before_commit, []
        for action in actions:
            action()


def audit_lines(db: FakeDatabase) -> list[tuple[str, str, int | None, Any, Any]]:
    """``(username, action, entity_id, before, after)`` of every committed audit line."""
    return [(r.username, r.action, r.entity_id, r.before, r.after) for r in db.all(models.AuditLog)]


class FakeUnitOfWork:
    """One transaction over a ``FakeDatabase`` (satisfies the parts of ``UnitOfWorkPort`` the
    faked repositories cover)."""

    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    def __enter__(self) -> FakeUnitOfWork:
        self._rows: dict[Key, models.Base] = {}
        self._loaded_version: dict[Key, Any] = {}
        self.clinic = FakeClinicRepository(self)
        self.patients = FakePatientRepository(self)
        self.contracts = FakeContractRepository(self)
        self.users = FakeUserRepository(self)
        self.audit = FakeAuditRepository(self)
        self.indexes = FakeIndexRepository(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._rows.clear()  # what was not committed is gone: a rollback

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(
            f"FakeUnitOfWork has no '{name}': that part needs the real database (integration "
            "tests run it on SQLite and PostgreSQL)."
        )

    # --- rows --------------------------------------------------------------------------------
    def load(self, model: type[_R], row_id: int | None) -> _R | None:
        """The row with this id as this transaction sees it (one object per row, like a
        session's identity map)."""
        if row_id is None:
            return None
        key: Key = (model, row_id)
        if key not in self._rows:
            values = self.db.rows.get(model, {}).get(row_id)
            if values is None:
                return None
            self._rows[key] = model(**values)
            self._loaded_version[key] = values.get("version")
        row = self._rows[key]
        assert isinstance(row, model)
        return row

    def every(self, model: type[_R]) -> list[_R]:
        """Every row of ``model`` this transaction sees: committed ones and its own new ones."""
        ids = set(self.db.rows.get(model, {})) | {i for m, i in self._rows if m is model}
        found = [self.load(model, i) for i in sorted(ids)]
        return [row for row in found if row is not None]

    def add(self, row: _R) -> _R:
        """A new row; it gets its id at once (as after a flush)."""
        row.id = self.db.next_id(type(row))  # type: ignore[attr-defined]
        _fill_defaults(row)
        self._rows[(type(row), row.id)] = row  # type: ignore[attr-defined]
        return row

    # --- the transaction ---------------------------------------------------------------------
    def commit(self) -> None:
        self.db.run_before_commit()
        for key, loaded in self._loaded_version.items():
            stored = self.db.rows.get(key[0], {}).get(key[1])
            if stored is not None and stored.get("version") != loaded:
                raise ConflictError(STALE_RECORD)
        for key, row in self._rows.items():
            self._check_unique(key, row)
        for key, row in self._rows.items():
            values = values_of(row)
            stored = self.db.rows.get(key[0], {}).get(key[1])
            if stored is not None and stored != values and "version" in values:
                values["version"] = stored["version"] + 1
                row.version = values["version"]  # type: ignore[attr-defined]
            self.db.rows.setdefault(key[0], {})[key[1]] = values
            self._loaded_version[key] = values.get("version")
        self.db.commits += 1

    def _check_unique(self, key: Key, row: models.Base) -> None:
        model, row_id = key
        for constraint in _table(model).constraints:
            if not isinstance(constraint, UniqueConstraint):
                continue
            names = [c.key for c in constraint.columns]
            mine = tuple(getattr(row, n) for n in names)
            if None in mine:
                continue  # SQL: NULLs never collide
            for other_id, values in self.db.rows.get(model, {}).items():
                if other_id != row_id and tuple(values[n] for n in names) == mine:
                    raise DuplicateError(f"{model.__tablename__}: {names} {mine} já existe.")

    def flush(self) -> None:
        """Rows have their ids from ``add`` already; nothing else to do in memory."""

    def refresh(self, row: models.Base) -> None:
        values = self.db.rows[type(row)][row.id]  # type: ignore[attr-defined]
        for name, value in values.items():
            setattr(row, name, value)

    @contextmanager
    def no_autoflush(self) -> Iterator[None]:
        yield

    def begin_write(self) -> None:
        """One transaction at a time in memory: nothing to queue behind."""

    def lock_contract(self, contract_id: int) -> models.Contract | None:
        self.db.locked_contracts.append(contract_id)
        return self.contracts.get(contract_id)


class _Repository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def _add(self, row: _R) -> _R:
        return self.uow.add(row)


class FakeClinicRepository(_Repository):
    def get(self) -> models.Clinic | None:
        rows = self.uow.every(models.Clinic)
        return rows[0] if rows else None

    def get_or_create(self) -> models.Clinic:
        return self.get() or self._add(models.Clinic(contact_windows={}))

    def add(self, row: models.Clinic) -> models.Clinic:
        return self._add(row)


class FakePatientRepository(_Repository):
    def add(self, row: models.Patient, *, flush: bool = True) -> models.Patient:
        return self._add(row)

    def get(self, patient_id: int) -> models.Patient | None:
        row = self.uow.load(models.Patient, patient_id)
        if row is not None and row.responsible_id is not None and row.responsible is None:
            row.responsible = self.get(row.responsible_id)  # the relationship a session loads
        return row

    def by_cpf(self, cpf: str) -> models.Patient | None:
        found = [p for p in self.uow.every(models.Patient) if p.cpf == cpf]
        return self.get(found[0].id) if found else None

    def to_domain(self, row: models.Patient) -> Patient:
        responsible = self.get(row.responsible_id) if row.responsible_id else None
        dependents = [p for p in self.uow.every(models.Patient) if p.responsible_id == row.id]
        return Patient(
            id=row.id,
            version=row.version,
            data=patient_data(row),
            responsible=person_ref(responsible) if responsible else None,
            data_confirmed_on=row.data_confirmed_on,
            dependents=tuple(
                person_ref(d) for d in sorted(dependents, key=lambda d: d.name_search)
            ),
        )


class FakeContractRepository(_Repository):
    def get(self, contract_id: int) -> models.Contract | None:
        return self.uow.load(models.Contract, contract_id)


class FakeUserRepository(_Repository):
    def add(self, row: models.User, *, flush: bool = True) -> models.User:
        return self._add(row)

    def get(self, user_id: int) -> models.User | None:
        return self.uow.load(models.User, user_id)

    def by_username(self, username: str) -> models.User | None:
        found = [u for u in self.uow.every(models.User) if u.username == username]
        return found[0] if found else None

    def all(self) -> list[models.User]:
        return sorted(self.uow.every(models.User), key=lambda u: u.username)

    def count(self) -> int:
        return len(self.uow.every(models.User))

    def count_active_with_role(self, role: str) -> int:
        return sum(1 for u in self.uow.every(models.User) if u.role == role and u.active)

    def display_names(self, user_ids: Iterable[int | None]) -> dict[int, str]:
        users = (self.get(uid) for uid in {uid for uid in user_ids if uid is not None})
        return {u.id: u.full_name or u.username for u in users if u is not None}


class FakeAuditRepository(_Repository):
    def append(self, row: models.AuditLog, *, subject: models.Document | None = None) -> None:
        """Sealed at once: a fake database has one writer."""
        if subject is not None:
            row.entity_id = subject.id
        lines = sorted(self.uow.every(models.AuditLog), key=lambda r: r.id)
        row.prev_hash = lines[-1].hash if lines else GENESIS
        row.hash = link_seal(self._link(row))
        self._add(row)

    @staticmethod
    def _link(r: models.AuditLog) -> AuditLink:
        return AuditLink(
            r.id, r.at, r.user_id, r.username, r.action, r.entity, r.entity_id, r.before,
            r.after, r.prev_hash, r.hash,
        )  # fmt: skip

    def integrity(self) -> AuditIntegrity:
        lines = sorted(self.uow.every(models.AuditLog), key=lambda r: r.id)
        return AuditIntegrity(verify_chain(self._link(r) for r in lines))

    def _matching(self, query: AuditQuery) -> list[models.AuditLog]:
        text = query.text.strip().lower()

        def keep(r: models.AuditLog) -> bool:
            day = r.at.date()
            return (
                (not query.username or r.username == query.username)
                and (not text or text in r.action.lower() or text in r.entity.lower())
                and (not query.entity or r.entity == query.entity)
                and (query.entity_id is None or r.entity_id == query.entity_id)
                and (query.since is None or day >= query.since)
                and (query.until is None or day <= query.until)
            )

        rows = [r for r in self.uow.every(models.AuditLog) if keep(r)]
        return sorted(rows, key=lambda r: (r.at, r.id), reverse=True)

    def search(self, query: AuditQuery, offset: int, limit: int) -> list[AuditEntry]:
        return [
            AuditEntry(r.id, r.at, r.username, r.action, r.entity, r.entity_id, r.before, r.after)
            for r in self._matching(query)[offset : offset + limit]
        ]

    def count(self, query: AuditQuery) -> int:
        return len(self._matching(query))

    def usernames(self) -> list[str]:
        return sorted({r.username for r in self.uow.every(models.AuditLog) if r.username})


class FakeIndexRepository(_Repository):
    def _rows(self, index: str) -> dict[date, models.CorrectionIndexValue]:
        rows = self.uow.every(models.CorrectionIndexValue)
        return {r.month: r for r in rows if r.index_name == index}

    def values(self, index: str) -> list[tuple[date, int]]:
        return sorted((month, r.variation_bp) for month, r in self._rows(index).items())

    def put(self, index: str, values: dict[date, int]) -> dict[date, int]:
        existing = self._rows(index)
        before = {m: existing[m].variation_bp for m in values if m in existing}
        for month, bp in values.items():
            if month in existing:
                existing[month].variation_bp = bp
            else:
                self._add(
                    models.CorrectionIndexValue(index_name=index, month=month, variation_bp=bp)
                )
        return before
