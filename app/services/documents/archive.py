"""The archive of every generated PDF (Documentos, the patient page's list): search it, and hand
back the exact bytes that were printed or sent — checked against their SHA-256 first.

An encrypted clinic's documents are sealed on disk: they open only through EmDia. To show one
in the system's PDF viewer, a plain copy is written in a private folder of the data folder
(``temporarios/``, readable only by the user) and removed when EmDia closes (or, after a crash,
the next time a copy is made); printing needs no copy at all.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import shutil
import tempfile
import time
from pathlib import Path

from app.domain.documents import ArchivedDocument
from app.errors import EmDiaError, NotFoundError
from app.files import make_private_dir, write_durably
from app.security.sealing import SEALED_SUFFIX, seal
from app.services.base import Permission, Service
from app.services.documents.filing import MISSING, NO_KEY, ArchiveFiles, ArchiveProblem, sha256

log = logging.getLogger(__name__)

TEMP_FOLDER = "temporarios"
STALE_COPY_SECONDS = 12 * 3600  # a copy left by a crash is gone by the next working day


class DocumentArchiveService(Service):
    @property
    def files(self) -> ArchiveFiles:
        return ArchiveFiles(self.ctx.config.documents_dir, self.ctx.documents_key)

    def for_patient(self, patient_id: int) -> list[ArchivedDocument]:
        """Every document of the patient (or paid by them), newest first."""
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            return uow.documents.for_patient(patient_id)

    def search(self, text: str = "", offset: int = 0, limit: int = 100) -> list[ArchivedDocument]:
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            return uow.documents.search(text, offset, limit)

    def count(self, text: str = "") -> int:
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            return uow.documents.count(text)

    def get(self, document_id: int) -> ArchivedDocument:
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            found = uow.documents.get(document_id)
        if found is None:
            raise NotFoundError(f"Documento {document_id} não encontrado.")
        return found

    def archived_bytes(self, document_id: int) -> bytes:
        """The exact PDF that was printed or sent (opened, if sealed, and SHA-256 checked)."""
        return self.pdf_of(self.get(document_id))

    def pdf_of(self, document: ArchivedDocument) -> bytes:
        self.require(Permission.DOCUMENTS)
        try:
            return self.files.read(document)
        except ArchiveProblem as problem:
            raise _explained(document.id, problem) from None

    def archived_folder(self, document_id: int) -> Path:
        """The folder the archived file is in (what "Abrir pasta" shows)."""
        document = self.get(document_id)
        return self.files.resolve(document.file_path).parent

    def viewable_file(self, document_id: int) -> Path:
        """A file the system's PDF viewer can open: the archived file itself when it is a plain
        PDF, else a plain copy in the private ``temporarios/`` folder (removed at exit)."""
        document = self.get(document_id)
        pdf = self.pdf_of(document)
        path = self.files.resolve(document.file_path)
        if not path.name.endswith(SEALED_SUFFIX):
            return path
        folder = _temp_folder(self.ctx.config.data_dir)
        copy = folder / (path.name.removesuffix(SEALED_SUFFIX) + ".pdf")
        copy.write_bytes(pdf)
        return copy

    def copy_to(self, document: ArchivedDocument, out: Path) -> Path:
        """A plain copy of the archived PDF in ``out`` (``emdia documents --out``), never over
        an existing file."""
        pdf = self.pdf_of(document)
        stem = Path(document.file_path.replace("\\", "/")).name
        stem = stem.removesuffix(SEALED_SUFFIX).removesuffix(".pdf")
        for attempt in range(1, 10_000):
            target = out / (f"{stem}.pdf" if attempt == 1 else f"{stem}-{attempt}.pdf")
            if target.resolve() == self.files.resolve(document.file_path).resolve():
                return target  # --out is the archive folder of a plain clinic: already there
            try:
                with open(target, "xb") as handle:
                    handle.write(pdf)
            except FileExistsError:
                continue
            return target
        raise EmDiaError(f"Não foi possível criar um arquivo novo em {out}.")

    def seal_unsealed(self) -> int:
        """Seal the plain files of an encrypted clinic (documents generated before it was
        encrypted, or restored from an old backup); runs at start-up with the key. A file
        that is missing or no longer matches its SHA-256 is left as it is — sealing it would
        hide that. Returns how many were sealed."""
        key = self.ctx.key
        if key is None:
            return 0
        sealed = 0
        with self.uow() as uow:
            for document_id, file_path, digest in uow.documents.unsealed_files(SEALED_SUFFIX):
                plain_path = self.files.resolve(file_path)
                try:
                    plain = plain_path.read_bytes()
                except OSError:
                    continue
                if sha256(plain) != digest:
                    continue
                target = plain_path.with_name(plain_path.name.removesuffix(".pdf") + SEALED_SUFFIX)
                write_durably(target, seal(plain, key))
                uow.documents.move_file(document_id, str(target))
                uow.commit()
                plain_path.unlink()
                sealed += 1
        if sealed:
            log.info("sealed %d archived document(s) of an encrypted clinic", sealed)
        return sealed


def _explained(document_id: int, problem: ArchiveProblem) -> EmDiaError:
    if problem.state == MISSING:
        return EmDiaError(
            f"Documento {document_id}: o arquivo {problem.path} não existe mais. Ele pode ter "
            "sido movido ou apagado fora do EmDia; restaure-o do backup."
        )
    if problem.state == NO_KEY:
        return EmDiaError(
            f"Documento {document_id}: o arquivo {problem.path} é criptografado com a chave do "
            "banco que este computador usava antes do servidor, e essa chave não está no cofre "
            "de senhas dele. Abra esse banco uma vez na janela do EmDia com a frase-senha ou a "
            "chave de recuperação, pedindo para lembrar a chave neste computador, e volte ao "
            "servidor."
        )
    return EmDiaError(
        f"Documento {document_id}: o arquivo {problem.path} foi alterado depois de gerado (o "
        "SHA-256 não confere). Restaure-o do backup."
    )


_session_folders: dict[Path, Path] = {}


def _temp_folder(data_dir: Path) -> Path:
    """This process's private folder for plain copies, under ``data_dir/temporarios``."""
    if data_dir not in _session_folders:
        parent = make_private_dir(data_dir / TEMP_FOLDER)
        _remove_stale(parent)
        folder = Path(tempfile.mkdtemp(prefix="emdia-", dir=parent))  # 0700
        _session_folders[data_dir] = folder
        atexit.register(shutil.rmtree, folder, True)
    return _session_folders[data_dir]


def _remove_stale(parent: Path) -> None:
    """Copies left by an EmDia that did not close normally."""
    now = time.time()
    for entry in parent.iterdir():
        with contextlib.suppress(OSError):
            if now - entry.stat().st_mtime > STALE_COPY_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)
