"""The archived documents in the backups: every backup brings them back, none copies one twice.

A backup folder holds, next to its ``.emdiabak`` files, one store per database,
``<banco>-documentos/``: each archived file once, named by the SHA-256 of its PDF
(``ab/abcdef….pdf`` as it is in the archive — sealed when the clinic is encrypted, so the store
reveals no more than the archive does). A backup copies into the store only the documents it
does not hold yet (incremental: the first backup copies the archive, the next ones what is new
since) and lists in its manifest every document of its database with the file's place in the
archive (``AAAA/MM/NOME``). A restore brings every listed document back into this PC's
``documentos/``, so the dossiê of a clinic restored on a new computer finds its files.

Rotation never touches the store: documents are never deleted from the archive either. Copy
the whole backup folder (the ``.emdiabak`` files and the store) to move a clinic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.files import make_private_dir, write_durably
from app.security.keys import DataKey
from app.security.sealing import SEALED_SUFFIX, Unsealable, seal, unseal
from app.services.documents.filing import ArchiveFiles, archive_relative, sha256

STORE_SUFFIX = "-documentos"


@dataclass(frozen=True)
class ArchivedEntry:
    """One document as a backup manifest lists it."""

    id: int
    path: str  # AAAA/MM/NOME, under the archive folder
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "path": self.path, "sha256": self.sha256}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArchivedEntry:
        return cls(int(data["id"]), str(data["path"]), str(data["sha256"]))


@dataclass(frozen=True)
class StoreReport:
    entries: tuple[ArchivedEntry, ...]
    copied: int  # new in the store with this backup
    missing: tuple[int, ...]  # ids whose archived file is gone or changed: not in the backup


def store_folder(backup_folder: Path, stem: str) -> Path:
    return backup_folder / f"{stem}{STORE_SUFFIX}"


def _blob(store: Path, digest: str) -> Path:
    return store / digest[:2] / f"{digest}.pdf"


def archived_rows(conn: Any) -> list[tuple[int, str, str]]:
    """``(id, file_path, sha256)`` of every document of the database copy being backed up."""
    rows = conn.execute("SELECT id, file_path, sha256 FROM document ORDER BY id").fetchall()
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


def store_documents(
    rows: list[tuple[int, str, str]], files: ArchiveFiles, store: Path
) -> StoreReport:
    """Put into ``store`` each archived file it does not hold yet, checked first (a file that
    does not open or whose SHA-256 differs is listed as missing, never stored)."""
    entries: list[ArchivedEntry] = []
    missing: list[int] = []
    copied = 0
    for document_id, file_path, digest in rows:
        relative = archive_relative(file_path) or Path(file_path).name
        blob = _blob(store, digest)
        if blob.is_file():
            entries.append(ArchivedEntry(document_id, relative, digest))
            continue
        try:
            stored = files.resolve(file_path).read_bytes()
            if sha256(unseal(stored, files.key)) != digest:
                raise Unsealable(file_path)
        except (OSError, Unsealable):
            missing.append(document_id)
            continue
        make_private_dir(blob.parent)
        write_durably(blob, stored)
        entries.append(ArchivedEntry(document_id, relative, digest))
        copied += 1
    return StoreReport(tuple(entries), copied, tuple(missing))


def absent_from_store(entries: list[ArchivedEntry], store: Path) -> list[ArchivedEntry]:
    """Listed documents whose file the store does not hold (a backup copied without it)."""
    return [e for e in entries if not _blob(store, e.sha256).is_file()]


def restore_documents(
    entries: list[ArchivedEntry], store: Path, root: Path, key: DataKey | None
) -> list[ArchivedEntry]:
    """Bring every listed document back under ``root`` (the archive folder of this PC), in the
    form its record names (sealed ``….pdf.emdia`` with the restored database's ``key``, else a
    plain PDF); what is already there with the right content stays. Returns the ones that
    could not be brought back (not in the store, or not opening with the backup's key)."""
    failed: list[ArchivedEntry] = []
    files = ArchiveFiles(root, key)
    for entry in entries:
        target = files.resolve(str(root / entry.path))
        if target.is_file() and _holds(target, entry.sha256, key):
            continue
        try:
            plain = unseal(_blob(store, entry.sha256).read_bytes(), key)
            if sha256(plain) != entry.sha256:
                raise Unsealable(entry.path)
        except (OSError, Unsealable):
            failed.append(entry)
            continue
        target = root / entry.path
        if target.name.endswith(SEALED_SUFFIX) and key is None:
            target = target.with_name(target.name.removesuffix(SEALED_SUFFIX) + ".pdf")
        data = seal(plain, key) if target.name.endswith(SEALED_SUFFIX) and key else plain
        make_private_dir(target.parent)
        write_durably(target, data)
    return failed


def _holds(path: Path, digest: str, key: DataKey | None) -> bool:
    try:
        return sha256(unseal(path.read_bytes(), key)) == digest
    except (OSError, Unsealable):
        return False
