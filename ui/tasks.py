"""The thread machinery under ``ui.ops`` for long work (demo creation, imports, batch PDFs,
backups): screens call ``ops.start``, not this module.

Work runs in ``QThreadPool``; progress and the result come back to the main thread by signals,
so widgets and Qt models are only touched there. Cancel is cooperative: the job polls
``cancelled()`` between chunks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.progress import IsCancelled, Progress

Job = Callable[[Progress, IsCancelled], Any]

SHOW_AFTER_MS = 300


class TaskSignals(QObject):
    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()


class Task(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job
        self.signals = TaskSignals()
        self._cancel = threading.Event()
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self.job(self.signals.progress.emit, self.is_cancelled)
        except BaseException as exc:
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()


# Tasks stay referenced until their ``finished`` signal reaches the main thread, even if the
# runner or the window that started them is gone (a freed signal source would crash the worker).
_ALIVE: set[Task] = set()


class TaskRunner(QObject):
    """Starts tasks on the shared thread pool."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool.globalInstance()

    def start(
        self,
        job: Job,
        on_success: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> Task:
        task = Task(job)
        task.signals.succeeded.connect(on_success, Qt.ConnectionType.QueuedConnection)
        task.signals.failed.connect(on_error, Qt.ConnectionType.QueuedConnection)
        task.signals.finished.connect(
            lambda: _ALIVE.discard(task), Qt.ConnectionType.QueuedConnection
        )
        _ALIVE.add(task)
        self.pool.start(task)
        return task

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)


def run_with_progress(
    runner: TaskRunner,
    parent: QWidget | None,
    label: str,
    job: Job,
    on_success: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
) -> tuple[Task, QProgressDialog]:
    """Run ``job`` off the UI thread behind a progress dialog with a Cancel button."""
    dialog = QProgressDialog(label, parent.tr("Cancelar") if parent else "Cancelar", 0, 0, parent)
    dialog.setWindowTitle("EmDia")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    finished = False

    def alive() -> bool:
        # The dialog dies with its parent (a wizard closed mid-way); late signals must not
        # touch it.
        return shiboken6.isValid(dialog)

    def done_ok(result: Any) -> None:
        nonlocal finished
        finished = True
        if alive():
            dialog.close()
        on_success(result)

    def done_error(exc: BaseException) -> None:
        nonlocal finished
        finished = True
        if alive():
            dialog.close()
        on_error(exc)

    task = runner.start(job, done_ok, done_error)

    def show_progress(done: int, total: int) -> None:
        if alive():
            dialog.setMaximum(total)
            dialog.setValue(done)

    task.signals.progress.connect(show_progress, Qt.ConnectionType.QueuedConnection)
    dialog.canceled.connect(task.cancel)
    # Quick jobs finish without a flash of dialog; slow ones show it (and Cancel) promptly.
    QTimer.singleShot(SHOW_AFTER_MS, dialog, lambda: None if finished else dialog.show())
    return task, dialog
