"""Where a batch's PDFs are rendered: in a small pool of worker processes when the batch is big
enough to pay for starting them, else in this process — the same bytes either way.

Rendering is most of a document's cost and each document is independent, so a batch gathers
every document's data here (the database stays in this process, in the chunk's transaction),
sends it to a worker as plain dataclasses and gets PDF bytes back; hashing, the archive file and
the record stay here, exactly as for a single document. Workers are started with ``spawn`` (the
only start method on Windows; nothing relies on ``fork``) and import only the layouts
(``app.documents.rendering``); the frozen build calls ``multiprocessing.freeze_support()`` first
thing in its entry point so a worker started from it runs the job instead of EmDia.

When the pool cannot start or breaks (a restricted PC, a worker killed), the batch goes on
rendering here and says so in the log — it never fails for that.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import BrokenExecutor, CancelledError, Future, ProcessPoolExecutor

from app.documents.rendering import Failure, render_outcome
from app.errors import EmDiaError

log = logging.getLogger(__name__)

POOL_MIN_DOCUMENTS = 20  # below this, starting the workers costs more than it saves
POOL_MAX_WORKERS = 4


class RenderFailed(EmDiaError):
    """A document's PDF could not be put together (a bug, logged with its traceback): that
    contract is skipped with this message and nothing is archived for it."""


def pool_size() -> int:
    """Workers for a big batch: one per core this process may use, from 2 to 4."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # Windows, macOS
        cores = os.cpu_count() or 1
    return max(2, min(cores, POOL_MAX_WORKERS))


class Rendering:
    """One document being rendered; ``pdf()`` waits for it (inline: renders it now)."""

    def __init__(self, renderer: Renderer, layout: str, args: tuple[object, ...]) -> None:
        self._renderer = renderer
        self.layout = layout
        self.args = args
        self.future: Future[bytes | Failure] | None = None

    def pdf(self) -> bytes:
        """The PDF bytes; ``EmDiaError`` when the layout refused, ``RenderFailed`` on a bug."""
        outcome: bytes | Failure | None = None
        if self.future is not None:
            try:
                outcome = self.future.result()
            except (BrokenExecutor, CancelledError) as exc:
                # The pool broke (or was stopped when it did): render it here, and every
                # document after it.
                self._renderer.broke(exc)
        if outcome is None:
            outcome = render_outcome(self.layout, self.args)
        if isinstance(outcome, bytes):
            return outcome
        if outcome.refusal is not None:
            raise EmDiaError(outcome.refusal)
        log.error("rendering %s failed: %s\n%s", self.layout, outcome.error, outcome.trace)
        raise RenderFailed(
            f"O PDF deste contrato não pôde ser montado ({outcome.error}); nada foi arquivado "
            "para ele. Os demais documentos do lote não foram afetados; se o problema se "
            "repetir, envie o arquivo de log ao suporte."
        )


class Renderer:
    """Renders a batch's documents: ``submit`` as each document's data is gathered, ``pdf()``
    of each in order as it is filed. ``workers=0``: everything in this process."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    @classmethod
    def for_batch(cls, documents: int, min_documents: int = POOL_MIN_DOCUMENTS) -> Renderer:
        """A pool for ``documents`` when there are at least ``min_documents``, else inline."""
        return cls(pool_size() if documents >= min_documents else 0)

    @property
    def pooled(self) -> bool:
        return self.workers > 0

    def submit(self, layout: str, *args: object) -> Rendering:
        rendering = Rendering(self, layout, args)
        if self.workers > 0:
            try:
                if self._executor is None:
                    self._executor = ProcessPoolExecutor(
                        max_workers=self.workers, mp_context=multiprocessing.get_context("spawn")
                    )
                rendering.future = self._executor.submit(render_outcome, layout, args)
            except (OSError, RuntimeError, BrokenExecutor) as exc:
                self.broke(exc)
        return rendering

    def broke(self, exc: BaseException) -> None:
        """The pool could not start or a worker died: render the rest of the batch here."""
        if self.workers == 0:
            return
        log.warning("document pool unavailable (%r): rendering in this process", exc)
        self.workers = 0
        self._shutdown()

    def close(self) -> None:
        """Stop the workers: documents not started are dropped, those being rendered end
        (a few milliseconds each) and their bytes are discarded."""
        self._shutdown()

    def _shutdown(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
