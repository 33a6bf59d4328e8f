"""Long work that reports how far it got and can be stopped: the one definition of both.

A job (creating the demo clinic, an import, a batch of notifications, a backup, the dossiê,
copying the clinic to the server…) receives two callables from whoever runs it — the window's
thread lane (``ui.tasks``) or a CLI command:

- ``progress(done, total)``, called every so often;
- ``cancelled()``, polled between chunks; when it answers ``True`` the job stops with
  :class:`Cancelled`, whose pt-BR message says what was kept ("nada foi gravado", "nenhum
  arquivo foi criado"…).

Cancel is cooperative: nothing is interrupted in the middle of a write.
"""

from __future__ import annotations

from collections.abc import Callable

from app.errors import EmDiaError

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]


class Cancelled(EmDiaError):
    """The user stopped the work; the message says what was (not) written."""


def stop_if_cancelled(cancelled: IsCancelled | None, message: str) -> None:
    """Raise :class:`Cancelled` with ``message`` when the user asked to stop."""
    if cancelled is not None and cancelled():
        raise Cancelled(message)
