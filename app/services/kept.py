"""A value computed from the clinic's data, kept while that data has not moved — or patched
for the people a change touched.

Início's other sums (``DashboardService``) and the negativações to remove
(``OverdueService.removals_due``) are read in one go and kept whole (``KeptUnderMark``);
Cobrança de hoje's cases (``DraftService``) and the worklist's risk facts (``OverdueService``)
are made of one part per person, and after a change only the parts of the people it touched are
read again (``PatchedUnderMark``). Each is kept under a ``ChangeMark``: the newest id of the
audit log, the payments, the installments and the contracts. Every change such a value is made
of adds one of those rows, so an equal mark means equal data. The mark is taken before the
value is read: a change landing meanwhile moves it, and the next look reads again — never a
value older than its mark. A mark the database could not make exact (PostgreSQL, a writer
busy that instant) keeps nothing.

What is kept must not hold what changes without moving the mark: a patient's name, phone or
responsável (an edit of a patient writes no audit line). The callers read those at each look.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from app.domain.receivables import ChangeMark, PeopleChanges
from app.services.patient_figures import PARTIAL_LIMIT

T = TypeVar("T")


class _Kept(Generic[T]):
    """One value for one key, under one mark; safe across the window's threads."""

    def __init__(self) -> None:
        self._kept: tuple[object, ChangeMark, T] | None = None
        self._lock = threading.Lock()

    def keep(self, key: object, mark: ChangeMark, value: T) -> None:
        """Keep ``value``, read for ``key`` after the caller took ``mark`` (nothing, when the
        mark is not exact)."""
        with self._lock:
            self._kept = (key, mark, value) if mark.exact else None


class KeptUnderMark(_Kept[T]):
    """One value, for one ``key`` (the day, and whatever else it was computed for) and one
    mark; safe across the window's threads: a second look waits for the first and reuses its
    value."""

    def get(self, key: object, mark: Callable[[], ChangeMark], compute: Callable[[], T]) -> T:
        """The value kept for ``key`` under the mark ``mark()`` gives now, or ``compute()``'s
        (kept in its place when the mark is exact)."""
        with self._lock:
            now = mark()
            kept = self._kept
            if kept is not None and kept[0] == key and kept[1] == now and now.exact:
                return kept[2]
            value = compute()
            self._kept = (key, now, value) if now.exact else None
            return value

    def start(
        self, key: object, mark: ChangeMark, read: Callable[[], Callable[[], T]]
    ) -> Callable[[], T]:
        """``get`` for a value read alongside (``app.services.alongside``): what gives the value
        kept for ``key`` under ``mark`` (taken by the caller before ``read`` starts), or waits
        for ``read``'s and keeps it under ``mark``. Two looks at once may both read; each keeps
        a value no older than its mark."""
        with self._lock:
            kept = self._kept
            if kept is not None and kept[0] == key and kept[1] == mark and mark.exact:
                value = kept[2]
                return lambda: value
        result = read()

        def finish() -> T:
            value = result()
            self.keep(key, mark, value)
            return value

        return finish


class PatchedUnderMark(_Kept[T]):
    """A value made of one part per person — the worklist's risk facts, Cobrança de hoje's
    cases — kept under the data mark for one ``key`` (the day, and whatever else it was read
    for) and, after a change, patched: ``patch`` reads again the parts of the people the
    change touched (``people_changed_since``). A change not narrowed down to some people, or
    touching more than ``PARTIAL_LIMIT`` of them, reads the whole value again; so does another
    key. Safe across the window's threads: a second look waits for the first."""

    def get(
        self,
        key: object,
        mark: Callable[[], ChangeMark],
        changed: Callable[[ChangeMark], PeopleChanges],
        read: Callable[[], T],
        patch: Callable[[T, frozenset[int]], T],
    ) -> T:
        """The value for ``key``: ``read()`` (under the mark ``mark()`` gives before it) when
        nothing is kept for it, or the kept one through ``patch(kept, people)`` with the people
        ``changed(kept mark)`` names (none when nothing changed: ``patch`` may still narrow or
        complete the value for what the caller asks now)."""
        with self._lock:
            kept = self._kept
            if kept is None or kept[0] != key:
                now = mark()  # before reading: the value is never older than its mark
                value = read()
            else:
                changes = changed(kept[1])
                now = changes.mark
                if changes.everything or len(changes.person_ids) > PARTIAL_LIMIT:
                    value = read()
                else:
                    value = patch(kept[2], changes.person_ids)
            self._kept = (key, now, value) if now.exact else None
            return value
