"""Reads of the clinic's database made on other connections while the calling thread goes on.

Which reads may go depends on where the database does its work:

- **Reads of many rows, on a database server only** (``for_many_rows``). The server's work
  runs in its own processes, beside this one: the worklist's two largest risk-fact reads (each
  overdue patient's paid installments and payments) then overlap the others and this
  process's own Python. At 80,000 patients on PostgreSQL the risk facts took 1.2 s read one
  after the other and 0.8 s so. A cold worklist reads all its risk facts this way while it
  computes the overdue money (``OverdueService.worklist``). Not on SQLite: its work runs
  inside this process, and each row takes the interpreter's lock back, so a reader of
  thousands of rows waits for the lock at every row and slows the calling thread down with
  it.
- **Sums of few rows, on any database file or server** (``for_few_rows``). An aggregate's work
  is SQLite's own, in C, with the interpreter's lock let go, and it hands back a few hundred
  rows at most: Início's sums of money not yet due and recovered this month read this way
  while the overdue money is computed. Not on an in-memory SQLite (each thread would open a
  database of its own).
- **On a SQLite file, one read after the other on one thread** (``beside_file``). What the
  overdue money of the whole book needs besides its installments — each contract's parties
  and the settlements — is read there as one text each (``overdue_context``), then Início's
  sums. SQLite's work runs in this process, and a clinic's PC may have two cores only: the
  calling thread computes on one, these reads take the other in turn. Run together, they
  shared it, and the money's read came too late to spare the calling thread any wait.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from app.config import Config
from app.services.ports import UnitOfWorkPort

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

T = TypeVar("T")
Read = Callable[[UnitOfWorkPort], T]
Result = Callable[[], T]

# A cold worklist on a server: the settlements of the overdue money, and the paid history and
# the payments of the facts read ahead of it, all at once.
WORKERS = 3


class Alongside:
    """Starts a read on a unit of work of its own (on one of ``workers`` threads, in the order
    started); what it gives back waits for the read and returns its value, or raises its
    error."""

    def __init__(self, open_uow: Callable[[], UnitOfWorkPort], workers: int = WORKERS) -> None:
        self._open = open_uow
        self._workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def start(self, read: Read[T]) -> Result[T]:
        with self._lock:
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor  # not imported at start

                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="emdia-read")
            pool = self._pool

        def run() -> T:
            with self._open() as uow:
                return read(uow)

        return pool.submit(run).result


def for_many_rows(config: Config, open_uow: Callable[[], UnitOfWorkPort]) -> Alongside | None:
    """Where a read of thousands of rows may run alongside: on a database server only."""
    return None if config.is_sqlite else Alongside(open_uow)


def for_few_rows(config: Config, open_uow: Callable[[], UnitOfWorkPort]) -> Alongside | None:
    """Where an aggregate (a few hundred rows at most) may run alongside: on a server or a
    SQLite file, not an in-memory SQLite."""
    return None if config.is_sqlite and config.sqlite_path is None else Alongside(open_uow)


def beside_file(config: Config, open_uow: Callable[[], UnitOfWorkPort]) -> Alongside | None:
    """On a SQLite file: one other connection, whose reads run one after the other in the
    order they were started."""
    return Alongside(open_uow, workers=1) if config.is_sqlite and config.sqlite_path else None


def start_read(uow: UnitOfWorkPort, read: Read[T], alongside: Alongside | None) -> Result[T]:
    """``read`` started alongside, or — without ``alongside`` — done now in ``uow``."""
    if alongside is not None:
        return alongside.start(read)
    value = read(uow)
    return lambda: value
