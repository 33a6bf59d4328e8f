"""A batch rendered by worker processes: the same documents and bytes as rendered one by one,
each archived once; cancel keeps what was archived; a document that fails to render is skipped
with a pt-BR reason and leaves nothing behind; a pool that cannot start or dies never fails the
batch."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from app.bootstrap import Services
from app.services.documents import pool
from app.services.documents.batch import DocumentBatchService, _Planned
from app.services.documents.pool import Renderer

DAYS = 30  # the demo clinic has a few dozen contracts this late


class CountingPool(ProcessPoolExecutor):
    """The real pool, counting what it is given (the proof a batch went through it)."""

    submitted = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        CountingPool.submitted += 1
        return super().submit(fn, *args, **kwargs)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[CountingPool]]:
    CountingPool.submitted = 0
    monkeypatch.setattr(pool, "ProcessPoolExecutor", CountingPool)
    yield CountingPool


def pooled(batch: DocumentBatchService, on: bool) -> DocumentBatchService:
    batch.pool_min_documents = 1 if on else 10**9
    return batch


def archived_files(services: Services) -> list[Path]:
    return [p for p in services.config.documents_dir.rglob("*") if p.is_file()]


def test_pool_renders_the_same_documents_and_bytes_as_inline(
    demo_services: Services, counting: type[CountingPool]
) -> None:
    batch = demo_services.document_batch
    inline = pooled(batch, False).notifications(DAYS)
    assert counting.submitted == 0
    assert len(inline.documents) >= 5
    seen: list[tuple[int, int]] = []
    workers = pooled(batch, True).notifications(DAYS, lambda d, t: seen.append((d, t)))
    assert counting.submitted == len(workers.documents)  # every one rendered by a worker
    assert not workers.cancelled and workers.skipped == inline.skipped
    assert workers.total_cents == inline.total_cents
    assert seen == [(n, inline.candidates) for n in range(1, inline.candidates + 1)]

    def made(result: Any) -> list[tuple[int | None, str]]:
        return [(d.contract_id, d.sha256) for d in result.documents]

    assert made(workers) == made(inline)  # same order, same bytes
    # Each archived once: a file and a record per document, the file holding the bytes hashed.
    everything = inline.documents + workers.documents
    assert demo_services.archive.count() == len(everything) == len(archived_files(demo_services))
    for document in everything:
        assert hashlib.sha256(Path(document.file_path).read_bytes()).hexdigest() == document.sha256


def test_statements_through_the_pool_match_inline(
    demo_services: Services, counting: type[CountingPool]
) -> None:
    batch = demo_services.document_batch
    today = demo_services.clock.today()
    start = today.replace(day=1)
    inline = pooled(batch, False).statements(start, today)
    workers = pooled(batch, True).statements(start, today)
    assert len(inline.documents) >= 2 and counting.submitted == len(workers.documents)
    assert [d.sha256 for d in workers.documents] == [d.sha256 for d in inline.documents]


def test_cancel_through_the_pool_keeps_what_was_archived(
    demo_services: Services, counting: type[CountingPool]
) -> None:
    batch = pooled(demo_services.document_batch, True)
    seen: list[int] = []
    result = batch.notifications(DAYS, lambda done, _t: seen.append(done), lambda: len(seen) >= 3)
    assert result.cancelled and seen == [1, 2, 3]
    assert counting.submitted > 3  # the workers had more in hand: dropped, not archived
    assert len(result.documents) + len(result.skipped) == 3
    files = archived_files(demo_services)
    assert demo_services.archive.count() == len(result.documents) == len(files)
    for document in result.documents:
        assert hashlib.sha256(Path(document.file_path).read_bytes()).hexdigest() == document.sha256


def broken_for_one(monkeypatch: pytest.MonkeyPatch, victim: int, bad_argument: object) -> None:
    """The notification of contract ``victim`` is sent to render with ``bad_argument`` instead
    of its facts (whatever it does, it does in the process that renders)."""
    original = DocumentBatchService._one

    def one(self: DocumentBatchService, uow: Any, contract_id: int, *rest: Any) -> Any:
        planned: _Planned | None = original(self, uow, contract_id, *rest)
        if planned is not None and contract_id == victim:
            return dataclasses.replace(planned, args=(planned.args[0], bad_argument))
        return planned

    monkeypatch.setattr(DocumentBatchService, "_one", one)


@pytest.mark.parametrize("in_workers", [True, False], ids=["pool", "inline"])
def test_a_document_that_fails_to_render_is_skipped_politely_and_leaves_nothing(
    demo_services: Services,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    in_workers: bool,
) -> None:
    batch = pooled(demo_services.document_batch, in_workers)
    victim = batch.overdue_candidates(DAYS)[1]
    broken_for_one(monkeypatch, victim, None)  # the layout fails on it: a bug, not a refusal
    with caplog.at_level(logging.ERROR, logger="app.services.documents.pool"):
        result = batch.notifications(DAYS)
    assert not result.cancelled
    [reason] = [why for cid, why in result.skipped if cid == victim]
    assert "O PDF deste contrato não pôde ser montado" in reason and "nada foi arquivado" in reason
    assert "AttributeError" in reason
    assert victim not in {d.contract_id for d in result.documents}
    assert len(result.documents) >= 5  # the others were filed
    assert demo_services.archive.count() == len(result.documents)
    assert len(archived_files(demo_services)) == len(result.documents)
    assert "Traceback" in caplog.text  # the bug itself is in the log


class KillsTheWorker:
    """Unpickled in a worker, it ends that process at once (a worker killed mid-batch)."""

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        return (os._exit, (3,))


def test_a_worker_that_dies_leaves_the_batch_to_finish_here(
    demo_services: Services, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    batch = pooled(demo_services.document_batch, True)
    everyone = batch.overdue_candidates(DAYS)
    victim = everyone[2]
    broken_for_one(monkeypatch, victim, KillsTheWorker())
    with caplog.at_level(logging.WARNING, logger="app.services.documents.pool"):
        result = batch.notifications(DAYS)
    assert "rendering in this process" in caplog.text
    assert not result.cancelled
    # Only the victim is missing (rendered here, its bad argument fails the layout).
    assert [cid for cid, why in result.skipped if "não pôde ser montado" in why] == [victim]
    assert len(result.documents) + len(result.skipped) == len(everyone)
    assert (
        demo_services.archive.count() == len(result.documents) == len(archived_files(demo_services))
    )


class FewProcesses(ProcessPoolExecutor):
    """A PC where processes may not be started (``allowed = 0``) or run out after a few jobs."""

    allowed = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        if FewProcesses.allowed <= 0:
            raise PermissionError("processes are not allowed here")
        FewProcesses.allowed -= 1
        return super().submit(fn, *args, **kwargs)


@pytest.mark.parametrize("allowed", [0, 10], ids=["none", "a-few"])
def test_a_pool_that_cannot_start_renders_inline_and_says_so_in_the_log(
    demo_services: Services,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    allowed: int,
) -> None:
    monkeypatch.setattr(FewProcesses, "allowed", allowed)
    monkeypatch.setattr(pool, "ProcessPoolExecutor", FewProcesses)
    batch = pooled(demo_services.document_batch, True)
    with caplog.at_level(logging.WARNING, logger="app.services.documents.pool"):
        result = batch.notifications(DAYS)
    assert "document pool unavailable" in caplog.text and "not allowed" in caplog.text
    assert not result.cancelled and not result.skipped
    assert len(result.documents) == len(batch.overdue_candidates(DAYS))  # none lost
    assert demo_services.archive.count() == len(result.documents)


def test_small_batches_render_inline_and_big_ones_in_two_to_four_workers() -> None:
    assert Renderer.for_batch(19).workers == 0
    assert 2 <= Renderer.for_batch(20).workers <= 4
    assert Renderer.for_batch(5, min_documents=5).pooled


def test_a_worker_imports_the_layouts_only() -> None:
    """What a worker process loads: ReportLab and the layouts — no database layer, no Qt."""
    code = (
        "import sys\n"
        "from app.documents import rendering, notification, statement\n"
        "loaded = {name.split('.')[0] for name in sys.modules}\n"
        "assert not loaded & {'sqlalchemy', 'PySide6', 'shiboken6', 'alembic', 'ui'}, loaded\n"
        "assert not [m for m in sys.modules if m.startswith('app.services')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
