"""Filing a generated PDF: written under the config's ``documents_dir`` (``AAAA/MM/``) in a new
file — a reprint never overwrites the one that was sent — and recorded in the ``document``
table with its SHA-256, so the archive re-opens (and the dossiê copies) the exact bytes.

An encrypted clinic's documents are stored sealed (``app.security.sealing``: AES-256-GCM under a
key derived from the database key, ``….pdf.emdia``) and read back only through EmDia; the
SHA-256 recorded is the plain PDF's either way. ``ArchiveFiles`` is the one place that knows
where an archived file is on this PC and how its bytes are read and written.

A record never points to a missing file: when the transaction fails, the file it wrote is
removed. Every archived document is audited like money (who, when — the real time, never the
rules' date —, what: kind, record, SHA-256).
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
from app.files import make_private_dir
from app.persistence import models
from app.security.keys import DataKey
from app.security.sealing import SEALED_SUFFIX, Unsealable, is_sealed, seal, unseal
from app.services.base import Service
from app.services.ports import UnitOfWorkPort

MISSING = "missing"
CHANGED = "changed"
NO_KEY = "no-key"  # sealed, and this PC has no key for it (a clinic on the server)


class ArchiveFiles:
    """The archived files of one clinic on this PC: under ``root`` (the data folder's
    ``documentos``), sealed when the clinic is encrypted (``key``)."""

    def __init__(self, root: Path, key: DataKey | None) -> None:
        self.root = root
        self.key = key

    def write(self, folder: str, stem: str, pdf: bytes, *, sync: bool = True) -> Path:
        """A new file ``root/folder/stem…`` holding ``pdf`` (sealed with the key, if any)."""
        target = self.root / folder
        make_private_dir(target)
        if self.key is None:
            return write_new(target, stem, pdf, sync=sync)
        return write_new(target, stem, seal(pdf, self.key), sync=sync, suffix=SEALED_SUFFIX)

    def resolve(self, file_path: str) -> Path:
        """Where a recorded file is on this PC. A clinic restored on a new computer (or with
        the data folder moved) records paths of the old one: the part after ``documentos``
        is looked up under this PC's archive."""
        path = Path(file_path)
        if not path.is_absolute():
            path = self.root / path
        relative = archive_relative(file_path)
        for candidate in (path, self.root / relative if relative else None):
            for form in _both_forms(candidate):
                if form.is_file():
                    return form
        return path

    def read(self, document: ArchivedDocument) -> bytes:
        """The exact bytes that were printed or sent, checked against the SHA-256 recorded;
        ``ArchiveProblem`` says why not."""
        path = self.resolve(document.file_path)
        try:
            stored = path.read_bytes()
        except OSError:
            raise ArchiveProblem(MISSING, path) from None
        if self.key is None and is_sealed(stored):
            raise ArchiveProblem(NO_KEY, path)
        try:
            plain = unseal(stored, self.key)
        except Unsealable:
            raise ArchiveProblem(CHANGED, path) from None
        if sha256(plain) != document.sha256:
            raise ArchiveProblem(CHANGED, path)
        return plain

    def state(self, document: ArchivedDocument) -> str | None:
        """``None`` when the archived file is there with the bytes that were recorded; else
        ``MISSING`` (moved or deleted outside EmDia), ``CHANGED`` (the SHA-256 differs, or
        a sealed file does not open) or ``NO_KEY`` (sealed, and no key on this PC)."""
        try:
            self.read(document)
        except ArchiveProblem as problem:
            return problem.state
        return None


def _both_forms(path: Path | None) -> list[Path]:
    """The file as recorded, then in the other form: a backup of a plain clinic restored where
    there is no key brings back the plain PDF of a record that names the sealed one."""
    if path is None:
        return []
    if path.name.endswith(SEALED_SUFFIX):
        return [path, path.with_name(path.name.removesuffix(SEALED_SUFFIX) + ".pdf")]
    return [path]


class ArchiveProblem(Exception):
    """An archived file that cannot be handed back as recorded (``MISSING`` or ``CHANGED``)."""

    def __init__(self, state: str, path: Path) -> None:
        super().__init__(state)
        self.state = state
        self.path = path


def archive_relative(file_path: str) -> str | None:
    """``AAAA/MM/NOME`` of a recorded path: the part after its last ``documentos`` folder."""
    parts = Path(file_path.replace("\\", "/")).parts
    if "documentos" not in parts:
        return None
    index = len(parts) - 1 - parts[::-1].index("documentos")
    rest = parts[index + 1 :]
    return "/".join(rest) if rest else None


class FilingService(Service):
    """What every service that produces documents shares: storing and archiving a PDF."""

    @property
    def archive_files(self) -> ArchiveFiles:
        return ArchiveFiles(self.ctx.config.documents_dir, self.ctx.documents_key)

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
        original_document_id: int | None = None,
        sync: bool = True,
        announced: dict[str, Any] | None = None,
    ) -> tuple[models.Document, Path]:
        """Write the PDF (a new file) and add its record to the transaction; the caller commits.
        ``sync=False``: a batch syncs its files once per chunk (``sync_files``) and leaves the
        INSERTs for its commit (one multi-row statement)."""
        now = self.wall_clock.now()  # when it was archived: evidence, never the rules' date
        path = self.archive_files.write(
            f"{now:%Y}/{now:%m}", f"{letterhead.reference}-{now:%H%M%S}", pdf, sync=sync
        )
        try:
            document = models.Document(
                kind=kind,
                patient_id=patient_id,
                contract_id=contract_id,
                payment_id=payment_id,
                agreement_id=agreement_id,
                original_document_id=original_document_id,
                generated_at=now,
                as_of=letterhead.as_of,
                sha256=sha256(pdf),
                file_path=str(path),
                user_id=self.actor.user_id,
                announced=announced,
            )
            uow.documents.add(document, flush=sync)
            records = {
                "patient_id": patient_id,
                "contract_id": contract_id,
                "payment_id": payment_id,
                "agreement_id": agreement_id,
            }
            self.audit(
                uow,
                "document.generate",
                "document",
                None,
                None,
                {
                    "kind": kind,
                    **{k: v for k, v in records.items() if v is not None},
                    "as_of": letterhead.as_of.isoformat(),
                    "sha256": document.sha256,
                },
                subject=document,
            )
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
        agreement_id=row.agreement_id,
        original_document_id=row.original_document_id,
    )


def write_new(
    folder: Path, stem: str, data: bytes, *, sync: bool = True, suffix: str = ".pdf"
) -> Path:
    """Create ``stem.pdf`` (or ``stem-2.pdf``…) exclusively: a reprint never overwrites."""
    for attempt in range(1, 10_000):
        path = folder / (f"{stem}{suffix}" if attempt == 1 else f"{stem}-{attempt}{suffix}")
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
