"""One lane for what the window asks of the services (after Anki's ``CollectionOp``).

A screen never calls a service bare: it goes through here, and every failure is settled in one
place (``settle``):

* an ``EmDiaError`` is the user's to fix (its pt-BR message names the field). It goes to the
  screen's ``on_error`` when the screen has a place for it — the messages under a form's fields,
  a status line — and to the error reporter's message box otherwise;
* anything else is a bug: the reporter logs it with its traceback and shows the polite message
  naming the log file. The screen's ``on_error`` then hears ``Unexpected``, so it can tidy up
  (enable its button again, stop saying "Calculando…").

Three ways in:

* ``call(parent, action)`` runs a quick call now, on the UI thread, and returns its result
  (``None`` when it failed);
* ``attempt(parent, action)`` is ``call`` for a call made for its effect: ``True`` when it went
  through;
* ``start(parent, job, on_success=…)`` runs slow work (a batch, a backup, the worklist of
  thousands of patients) off the UI thread on ``ui.tasks`` — behind the progress dialog with
  Cancelar when given a ``progress`` label — and calls ``on_success`` or ``on_error`` back on the
  main thread, the only one that touches widgets. If ``parent`` was closed meanwhile, nothing is
  called back (a bug is still logged).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import shiboken6
from PySide6.QtWidgets import QLabel, QWidget

from app.errors import EmDiaError
from app.progress import IsCancelled, Progress
from ui import errors
from ui.tasks import Task, TaskRunner, run_with_progress

T = TypeVar("T")
Refusal = Callable[[EmDiaError], object]

_runner: TaskRunner | None = None


class Unexpected(EmDiaError):
    """What a screen's ``on_error`` hears about a bug the reporter has already logged and shown."""

    def __init__(self) -> None:
        super().__init__("Não foi possível concluir esta ação (veja a mensagem de erro).")


def settle(exc: BaseException, parent: QWidget | None, on_error: Refusal | None = None) -> None:
    """Show a failure where the user will see it: ``on_error`` for a refusal it can place, the
    error reporter for anything else. An ``on_error`` that has no place for this refusal after
    all passes it on with ``settle(exc, parent)``."""
    if isinstance(exc, EmDiaError) and on_error is not None:
        on_error(exc)
        return
    if isinstance(exc, Unexpected):
        return  # already reported
    errors.active().report(exc, parent)
    if on_error is not None:
        on_error(Unexpected())


def show_in(label: QLabel) -> Refusal:
    """An ``on_error`` that writes the refusal in ``label`` (a status line, an error line)."""

    def show(exc: EmDiaError) -> None:
        label.setText(exc.message)
        label.show()

    return show


def call(
    parent: QWidget | None, action: Callable[[], T], *, on_error: Refusal | None = None
) -> T | None:
    """Run a quick service call now; its result, or ``None`` once the failure was shown."""
    try:
        return action()
    except Exception as exc:
        settle(exc, parent, on_error)
        return None


def attempt(
    parent: QWidget | None, action: Callable[[], object], *, on_error: Refusal | None = None
) -> bool:
    """Run a quick service call for its effect: ``True`` when it went through."""
    try:
        action()
    except Exception as exc:
        settle(exc, parent, on_error)
        return False
    return True


def start(
    parent: QWidget | None,
    job: Callable[[Progress, IsCancelled], T],
    *,
    on_success: Callable[[T], object],
    on_error: Refusal | None = None,
    progress: str | None = None,
) -> Task:
    """Run ``job(progress, cancelled)`` off the UI thread; with ``progress``, behind a progress
    dialog whose Cancelar the job sees through ``cancelled()``."""

    def here() -> bool:
        return parent is None or shiboken6.isValid(parent)

    def succeeded(result: T) -> None:
        if here():
            on_success(result)

    def failed(exc: BaseException) -> None:
        if here():
            settle(exc, parent, on_error)
        elif not isinstance(exc, EmDiaError):
            errors.active().report(exc, None)

    global _runner
    _runner = _runner or TaskRunner()  # one for the window: Qt's global thread pool runs it
    if progress is None:
        return _runner.start(job, succeeded, failed)
    task, _dialog = run_with_progress(_runner, parent, progress, job, succeeded, failed)
    return task
