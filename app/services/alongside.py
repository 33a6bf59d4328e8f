"""Reads of the clinic's database made on other connections while the calling thread goes on.

On a database server the server's work runs in its own processes, beside this one: the
worklist's two largest risk-fact reads (each overdue patient's paid installments and payments)
then overlap the others and this process's own Python. At 80,000 patients on PostgreSQL the
risk facts took 1.2 s read one after the other and 0.8 s so. Not for SQLite: its work runs
inside this process, and its rows take the interpreter's lock one at a time, so two readers
only slow each other down.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from app.services.ports import UnitOfWorkPort

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

T = TypeVar("T")
Read = Callable[[UnitOfWorkPort], T]
Result = Callable[[], T]

WORKERS = 2


class Alongside:
    """Starts a read on a unit of work of its own (on one of ``WORKERS`` threads); what it
    gives back waits for the read and returns its value, or raises its error."""

    def __init__(self, open_uow: Callable[[], UnitOfWorkPort]) -> None:
        self._open = open_uow
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def start(self, read: Read[T]) -> Result[T]:
        with self._lock:
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor  # a server's clinics only

                self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="emdia-read")
            pool = self._pool

        def run() -> T:
            with self._open() as uow:
                return read(uow)

        return pool.submit(run).result


def start_read(uow: UnitOfWorkPort, read: Read[T], alongside: Alongside | None) -> Result[T]:
    """``read`` started alongside, or — without ``alongside`` — done now in ``uow``."""
    if alongside is not None:
        return alongside.start(read)
    value = read(uow)
    return lambda: value
