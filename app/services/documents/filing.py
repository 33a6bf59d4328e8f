"""Filing a generated PDF: written under the config's ``documents_dir`` (``AAAA/MM/``) in a new
file — a reprint never overwrites the one that was sent — and recorded in the ``document``
table with its SHA-256, so the archive re-opens (and the dossiê copies) the exact bytes.

A record never points to a missing file: when the transaction fails, the file it wrote is
removed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

from app.documents.model import Letterhead
from app.domain.documents import ArchivedDocument
from app.errors import EmDiaError
from app.persistence import models
from app.services.base import Service
from app.services.ports import UnitOfWorkPort

MISSING = "missing"
CHANGED = "changed"


class FilingService(Service):
    """What every service that produces documents shares: storing and archiving a PDF."""

    def store(
        self,
        uow: UnitOfWorkPort,
        kind: str,
        pdf: bytes,
        letterhead: Letterhead,
        *,
        patient_id: int | None,
        contract_id: int | None = None,
        payment_id: int | None = None,
        agreement_id: int | None = None,
        sync: bool = True,
        announced: dict[str, Any] | None = None,
    ) -> tuple[models.Document, Path]:
        """Write the PDF (a new file) and add its record to the transaction; the caller commits.
        ``sync=False``: a batch syncs its files once per chunk (``sync_files``) and leaves the
        INSERTs for its commit (one multi-row statement)."""
        now = self.clock.now()
        folder = self.ctx.config.documents_dir / f"{now:%Y}" / f"{now:%m}"
        folder.mkdir(parents=True, exist_ok=True)
        path = write_new(folder, f"{letterhead.reference}-{now:%H%M%S}", pdf, sync=sync)
        try:
            document = models.Document(
                kind=kind,
                patient_id=patient_id,
                contract_id=contract_id,
                payment_id=payment_id,
                agreement_id=agreement_id,
                generated_at=now,
                as_of=letterhead.as_of,
                sha256=sha256(pdf),
                file_path=str(path),
                user_id=self.actor.user_id,
                announced=announced,
            )
            uow.documents.add(document, flush=sync)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return document, path

    def file(
        self,
        uow: UnitOfWorkPort,
        kind: str,
        pdf: bytes,
        letterhead: Letterhead,
        *,
        patient_name: str,
        patient_id: int | None,
        contract_id: int | None = None,
        payment_id: int | None = None,
        agreement_id: int | None = None,
        announced: dict[str, Any] | None = None,
    ) -> ArchivedDocument:
        """Store one document and commit; a failed commit removes the file. ``announced``: what
        an aviso prévio listed (``document.announced``)."""
        row, path = self.store(
            uow,
            kind,
            pdf,
            letterhead,
            patient_id=patient_id,
            contract_id=contract_id,
            payment_id=payment_id,
            agreement_id=agreement_id,
            announced=announced,
        )
        try:
            uow.commit()
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return archived(row, patient_name)


def render(renderer: Callable[..., None], *args: object) -> bytes:
    """The PDF bytes of ``renderer(buffer, *args)``."""
    buffer = BytesIO()
    renderer(buffer, *args)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_state(document: ArchivedDocument) -> str | None:
    """``None`` when the archived file is there with the bytes that were recorded; else
    ``MISSING`` (moved or deleted outside EmDia) or ``CHANGED`` (the SHA-256 differs)."""
    path = Path(document.file_path)
    if not path.is_file():
        return MISSING
    if sha256(path.read_bytes()) != document.sha256:
        return CHANGED
    return None


def archived(row: models.Document, patient_name: str) -> ArchivedDocument:
    return ArchivedDocument(
        id=row.id,
        kind=row.kind,
        patient_id=row.patient_id,
        patient_name=patient_name,
        contract_id=row.contract_id,
        payment_id=row.payment_id,
        generated_at=row.generated_at,
        as_of=row.as_of,
        sha256=row.sha256,
        file_path=row.file_path,
    )


def write_new(folder: Path, stem: str, data: bytes, *, sync: bool = True) -> Path:
    """Create ``stem.pdf`` (or ``stem-2.pdf``…) exclusively: a reprint never overwrites."""
    for attempt in range(1, 10_000):
        path = folder / (f"{stem}.pdf" if attempt == 1 else f"{stem}-{attempt}.pdf")
        try:
            with open(path, "xb") as out:
                out.write(data)
                if sync:
                    out.flush()
                    os.fsync(out.fileno())
        except FileExistsError:
            continue
        return path
    raise EmDiaError(f"Não foi possível criar um arquivo novo em {folder}.")


def sync_files(paths: list[Path]) -> None:
    """Make written files durable before their records are committed: one ``sync`` for the
    whole chunk where the OS has it, else one ``fsync`` per file."""
    if not paths:
        return
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:
        with open(path, "rb+") as handle:
            os.fsync(handle.fileno())
