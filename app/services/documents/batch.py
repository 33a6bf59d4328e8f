"""Documents in batch, each archived: notifications (Documentos → "Gerar notificações para todos
com mais de N dias", ``emdia documents batch notificacao --min-days-late N``) — one notificação
extrajudicial for every active contract with an installment more than N days late — and the
extratos of a period (Relatórios → Extratos em lote, ``emdia documents batch extrato --from
--to``) — one per contract with a payment or an estorno in it, for the accountant.

Each chunk's data is gathered in this process, in the chunk's transaction; a big batch renders
the PDFs in a pool of worker processes (``pool``) while the next ones are gathered, and files
them here in order, each once with its SHA-256 — the same documents and bytes as rendering them
one by one. Cancel is checked between documents: what was generated stays archived, documents
still being rendered are dropped, and the summary says the batch stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from app.domain.catalog import DocumentKind
from app.domain.clinic import ClinicInfo
from app.domain.dates import format_date
from app.domain.documents import ArchivedDocument, notification_deadline
from app.domain.law import InstallmentLedger
from app.domain.prescription import collectable
from app.errors import EmDiaError, ValidationError
from app.persistence import models
from app.persistence.records import clinic_info
from app.progress import IsCancelled, Progress
from app.services.base import Permission
from app.services.documents.filing import FilingService, archived, sync_files
from app.services.documents.gathering import Gathered, gather, overdue_facts
from app.services.documents.pool import POOL_MIN_DOCUMENTS, Renderer, Rendering
from app.services.ports import UnitOfWorkPort

log = logging.getLogger(__name__)

BATCH_CHUNK = 50  # documents per commit in a batch


@dataclass(frozen=True)
class BatchResult:
    """Summary of a batch: what was generated, what was skipped and why, whether it stopped."""

    documents: tuple[ArchivedDocument, ...]
    skipped: tuple[tuple[int, str], ...] = ()  # (contract id, reason)
    cancelled: bool = False
    candidates: int = 0
    total_cents: int = 0  # updated amount the generated notifications ask for


# One document stored in the chunk's transaction: its record, its file, whose, how much.
_Stored = tuple[models.Document, Path, str, int]
# What a chunk reads once for all its contracts: their ledgers and the clinic.
_Prefetched = tuple[dict[int, list[InstallmentLedger]], ClinicInfo]


@dataclass(frozen=True)
class _Planned:
    """One contract's document, gathered and ready to render: the layout (a module of
    ``app.documents``) and its arguments (plain data), and what filing it needs."""

    kind: str
    layout: str
    args: tuple[object, ...]
    got: Gathered
    cents: int = 0


# One candidate of a chunk after gathering: a refusal's message, nothing to print (``None``),
# or its document being rendered.
_Pending = tuple[int, "str | tuple[_Planned, Rendering] | None"]


class DocumentBatchService(FilingService):
    # Batches with at least this many candidates render in worker processes (tests change it).
    pool_min_documents = POOL_MIN_DOCUMENTS

    def overdue_candidates(self, min_days_late: int) -> list[int]:
        """The contracts a batch would go through (the law confirms each one)."""
        self.require(Permission.DOCUMENTS)
        if min_days_late < 1:
            raise ValidationError.single(
                "min_days_late", "Dias de atraso: use um número a partir de 1."
            )
        cutoff = self.clock.today() - timedelta(days=min_days_late)
        with self.uow() as uow:
            return uow.documents.contracts_overdue_since(cutoff)

    def notifications(
        self,
        min_days_late: int,
        progress: Progress | None = None,
        cancelled: IsCancelled | None = None,
    ) -> BatchResult:
        """A notification for every active contract with an installment more than
        ``min_days_late`` days late."""
        self.require(Permission.DOCUMENTS)
        candidates = self.overdue_candidates(min_days_late)

        def one(uow: UnitOfWorkPort, contract_id: int, prefetched: _Prefetched) -> _Planned | None:
            return self._one(uow, contract_id, min_days_late, *prefetched)

        return self._run(candidates, one, progress, cancelled)

    def statements(
        self,
        start: date,
        end: date,
        progress: Progress | None = None,
        cancelled: IsCancelled | None = None,
    ) -> BatchResult:
        """Extratos em lote, for the accountant: the extrato of every contract with a payment or
        an estorno dated from ``start`` to ``end`` — the same document as the patient page's
        Extrato, values of today — each archived. A gestor's report (it lists everyone's
        money)."""
        self.require(Permission.REPORTS)
        self.require(Permission.DOCUMENTS)
        if end < start:
            raise ValidationError.single(
                "to", f"Até: {format_date(end)} vem antes de {format_date(start)}; troque as datas."
            )
        with self.uow() as uow:
            candidates = uow.reports.contracts_with_movement(start, end)

        def one(uow: UnitOfWorkPort, contract_id: int, prefetched: _Prefetched) -> _Planned:
            kind = DocumentKind.EXTRATO
            ledgers, clinic = prefetched
            got = gather(
                uow,
                kind,
                contract_id,
                self.clock.today(),
                payments=True,
                prefetched=ledgers,
                clinic=clinic,
            )
            return _Planned(kind, "statement", (got.letterhead, got.facts), got)

        return self._run(candidates, one, progress, cancelled)

    def _run(
        self,
        candidates: list[int],
        plan: Callable[[UnitOfWorkPort, int, _Prefetched], _Planned | None],
        progress: Progress | None,
        cancelled: IsCancelled | None,
    ) -> BatchResult:
        """One document per candidate contract, committed in chunks (files synced to disk
        first, then their records), so a thousand documents do not pay a thousand disk
        flushes; a failure removes the files of the chunk it interrupted, so no record ever
        points to a missing file. A refusal (``EmDiaError``) skips that contract and says why.

        Each chunk is gathered first — every document handed to the renderer as soon as its
        data is read, so the workers start while the rest is gathered — then filed in order."""
        done: list[ArchivedDocument] = []
        skipped: list[tuple[int, str]] = []
        total = 0
        stopped = False
        position = 0

        def stop() -> bool:
            nonlocal stopped
            stopped = stopped or (cancelled is not None and cancelled())
            return stopped

        with Renderer.for_batch(len(candidates), self.pool_min_documents) as renderer:
            if renderer.pooled:
                log.info("%d documents: rendered by %d workers", len(candidates), renderer.workers)
            while position < len(candidates) and not stopped:
                chunk = candidates[position : position + BATCH_CHUNK]
                with self.uow() as uow:
                    stored: list[_Stored] = []
                    held = uow.contracts.load_many(chunk)  # noqa: F841 - keeps rows in the unit of work
                    prefetched = (uow.contracts.ledgers_of(chunk), clinic_info(uow.clinic.get()))
                    try:
                        pending: list[_Pending] = []
                        for contract_id in chunk:
                            if stop():
                                break
                            try:
                                with uow.no_autoflush():
                                    planned = plan(uow, contract_id, prefetched)
                            except EmDiaError as exc:
                                pending.append((contract_id, exc.message))
                                continue
                            if planned is None:  # not due a document after all
                                pending.append((contract_id, None))
                            else:
                                rendering = renderer.submit(planned.layout, *planned.args)
                                pending.append((contract_id, (planned, rendering)))
                        for contract_id, item in pending:
                            if stop():
                                break
                            if isinstance(item, str):
                                skipped.append((contract_id, item))
                            elif item is not None:
                                try:
                                    made = self._filed(uow, *item)
                                except EmDiaError as exc:
                                    skipped.append((contract_id, exc.message))
                                else:
                                    stored.append(made)
                            position += 1
                            if progress is not None:
                                progress(position, len(candidates))
                        sync_files([path for _row, path, _name, _cents in stored])
                        uow.commit()
                    except BaseException:
                        for _row, path, _name, _cents in stored:
                            path.unlink(missing_ok=True)
                        raise
                    for row, _path, name, cents in stored:
                        done.append(archived(row, name))
                        total += cents
        return BatchResult(
            documents=tuple(done),
            skipped=tuple(skipped),
            cancelled=stopped,
            candidates=len(candidates),
            total_cents=total,
        )

    def _filed(self, uow: UnitOfWorkPort, planned: _Planned, rendering: Rendering) -> _Stored:
        """A document's PDF, once rendered, stored in the chunk's transaction; nothing is
        written when its rendering failed."""
        pdf = rendering.pdf()
        with uow.no_autoflush():
            return self._stored(uow, planned.kind, pdf, planned.got, planned.cents)

    def _one(
        self,
        uow: UnitOfWorkPort,
        contract_id: int,
        min_days_late: int,
        ledgers: dict[int, list[InstallmentLedger]],
        clinic: ClinicInfo,
    ) -> _Planned | None:
        kind = DocumentKind.NOTIFICACAO
        day = self.clock.today()
        got = gather(uow, kind, contract_id, day, prefetched=ledgers, clinic=clinic)
        # The business-day rule can make a candidate not late enough, and a prescribed
        # installment is not collected at all: confirm with the law.
        if not any(ln.days_late >= min_days_late for ln in collectable(got.facts.lines)):
            return None
        overdue = overdue_facts(kind, got, notification_deadline(got.letterhead.as_of))
        return _Planned(kind, "notification", (got.letterhead, overdue), got, overdue.total_cents)

    def _stored(
        self, uow: UnitOfWorkPort, kind: str, pdf: bytes, got: Gathered, cents: int
    ) -> _Stored:
        """A contract's document stored in the chunk's transaction (synced with the chunk)."""
        row, path = self.store(
            uow,
            kind,
            pdf,
            got.letterhead,
            patient_id=got.patient_id,
            contract_id=got.facts.id,
            sync=False,
        )
        return row, path, got.facts.patient.name, cents
