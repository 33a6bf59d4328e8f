"""A value computed from the clinic's data, kept while that data has not moved.

Início's other sums (``DashboardService``), Cobrança de hoje's cases (``DraftService``) and the
worklist's risk facts (``OverdueService``) are each read in one go and then kept under a
``ChangeMark``: the newest id of the audit log, the payments, the installments and the
contracts. Every change such a value is made of adds one of those rows, so an equal mark means
equal data. The mark is taken before the value is computed: a change landing meanwhile moves
it, and the next look computes again — never a value older than its mark. A mark the database
could not make exact (PostgreSQL, a writer busy that instant) keeps nothing.

What is kept must not hold what changes without moving the mark: a patient's name, phone or
responsável (an edit of a patient writes no audit line). The callers read those at each look.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from app.domain.receivables import ChangeMark

T = TypeVar("T")


class KeptUnderMark(Generic[T]):
    """One value, for one ``key`` (the day, and whatever else it was computed for) and one
    mark; safe across the window's threads: a second look waits for the first and reuses its
    value."""

    def __init__(self) -> None:
        self._kept: tuple[object, ChangeMark, T] | None = None
        self._lock = threading.Lock()

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

    def keep(self, key: object, mark: ChangeMark, value: T) -> None:
        """Keep ``value``, read for ``key`` after the caller took ``mark`` (nothing, when the
        mark is not exact)."""
        with self._lock:
            self._kept = (key, mark, value) if mark.exact else None

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
