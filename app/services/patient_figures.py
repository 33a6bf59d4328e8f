"""Figures computed per patient as of a day — the overdue money of Início and the worklist —
kept while the data they come from stays the same, and recomputed only for the patients a change
touched.

At 20,000 patients the overdue money is ``law.updated_debt`` over ~25,000 installments: computed
once per data change, not once per screen. Correct by construction, because nothing is trusted
that the database does not confirm at each look:

- the first look on a day computes every patient (``compute(uow, day, None, …)``) after taking a
  ``ChangeMark`` — taken *before* reading, so a change landing meanwhile is seen again later,
  never missed;
- every later look asks the database what changed since that mark (``changes_since``, a few
  index lookups, which also sees what another PC or the command line wrote) and recomputes just
  those patients with the very same ``compute`` — or everything, when the change cannot be
  narrowed down, when it touched many patients, or when the day changed.

``compute`` is whatever the caller counts per patient (``OverdueService`` passes
``overdue_debts``); this class knows nothing of the rules, so a rule that changes the money
(prescription, say) changes it here too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from app.domain.receivables import ChangeMark, MoneyChanges
from app.services.ports import UnitOfWorkPort

T = TypeVar("T")
# What a caller started reading for computing every patient, waited for by ``compute`` when it
# does (``None``: nothing was started; ``compute`` reads everything itself).
Started = Callable[[], Any]
Compute = Callable[[UnitOfWorkPort, date, Collection[int] | None, Started | None], Mapping[int, T]]


@dataclass(frozen=True)
class Ahead:
    """A read started for computing every patient, and the data mark the caller took before
    starting it: figures computed with it are kept under that mark, older than every read
    they come from, so a change landing between those reads is seen again at the next look."""

    mark: ChangeMark
    read: Started


# Above this many patients touched by one change, recomputing all of them is about as quick.
PARTIAL_LIMIT = 400


@dataclass(frozen=True)
class Snapshot(Generic[T]):
    """Every patient's figures on ``as_of``, as the data stood at ``mark``."""

    as_of: date
    mark: ChangeMark
    by_patient: Mapping[int, T]
    patient_of_contract: Mapping[int, int]  # where each counted contract's figures are
    full: bool = True  # computed from scratch (False: patched for the patients a change touched)


class PatientFigures(Generic[T]):
    """One cache per database (the services of one window share it); safe across the threads
    the window computes in — a second look waits for the first and reuses its result."""

    def __init__(self, compute: Compute[T], contracts_of: Callable[[T], Iterable[int]]) -> None:
        self._compute = compute
        self._contracts_of = contracts_of
        self._snapshot: Snapshot[T] | None = None
        self._lock = threading.Lock()

    def get(self, uow: UnitOfWorkPort, as_of: date, ahead: Ahead | None = None) -> Snapshot[T]:
        """The figures on ``as_of``; ``ahead``, what the caller started reading for computing
        every patient (``holds`` tells whether that is to come), is used if it is."""
        with self._lock:
            snapshot = self._snapshot
            if snapshot is None or snapshot.as_of != as_of:
                if ahead is not None:
                    snapshot = self._everyone(uow, as_of, ahead.mark, ahead.read)
                else:
                    snapshot = self._everyone(uow, as_of, uow.receivables.change_mark())
            else:
                changes = uow.receivables.changes_since(snapshot.mark)
                if not changes.nothing:
                    snapshot = self._after(uow, snapshot, changes)
            self._snapshot = snapshot
            return snapshot

    def holds(self, as_of: date) -> bool:
        """Whether figures of ``as_of`` are kept (however old their mark): the next ``get``
        of that day patches them instead of computing every patient."""
        snapshot = self._snapshot
        return snapshot is not None and snapshot.as_of == as_of

    def forget(self) -> None:
        """Drop what is kept (the database was replaced)."""
        with self._lock:
            self._snapshot = None

    def _everyone(
        self, uow: UnitOfWorkPort, as_of: date, mark: ChangeMark, started: Started | None = None
    ) -> Snapshot[T]:
        figures = dict(self._compute(uow, as_of, None, started))
        return Snapshot(as_of, mark, figures, self._index(figures))

    def _after(
        self, uow: UnitOfWorkPort, snapshot: Snapshot[T], changes: MoneyChanges
    ) -> Snapshot[T]:
        known = snapshot.patient_of_contract
        touched = set(changes.patient_ids)
        touched.update(known[c] for c in changes.contract_ids if c in known)
        if changes.everything or len(touched) > PARTIAL_LIMIT:
            return self._everyone(uow, snapshot.as_of, changes.mark)
        fresh = self._compute(uow, snapshot.as_of, touched, None) if touched else {}
        figures = {pid: f for pid, f in snapshot.by_patient.items() if pid not in touched}
        figures.update(fresh)
        return Snapshot(snapshot.as_of, changes.mark, figures, self._index(figures), full=False)

    def _index(self, figures: Mapping[int, T]) -> dict[int, int]:
        return {c: pid for pid, f in figures.items() for c in self._contracts_of(f)}
