"""Dossiê de cobrança (the patient page's "Dossiê de cobrança…", ``emdia documents dossie``):
one ZIP with everything a lawyer or the Juizado Especial Cível needs about a patient's debt.

- ``resumo-DOS-….pdf`` — the summary (``app.documents.dossie``), archived like every other
  document (kind ``dossie``, with its SHA-256);
- ``documentos/`` — exact copies of every archived PDF about the patient (contract,
  notifications, avisos, confissão, the copies the debtor signed electronically…), each
  checked against its SHA-256 first: a file missing
  or changed since it was generated is not copied, and the summary says so;
- ``SHA256SUMS.txt`` — the hash of every file in the ZIP (``sha256sum -c``).

Nothing is left behind when it fails or is cancelled: the ZIP is removed and the summary is not
archived.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.documents.model import Letterhead, Party
from app.domain.catalog import KIND_LABELS, DocumentKind
from app.domain.documents import ArchivedDocument, reference
from app.domain.text import fold
from app.errors import EmDiaError, NotFoundError, ValidationError
from app.persistence.records import clinic_info
from app.progress import IsCancelled, Progress, stop_if_cancelled
from app.services.base import Context, Permission
from app.services.collection.contact_log import ContactLogService
from app.services.documents.filing import (
    MISSING,
    NO_KEY,
    ArchiveProblem,
    FilingService,
    render,
    sha256,
)
from app.services.documents.gathering import gather, party
from app.services.negativacao import views_of

if TYPE_CHECKING:  # the layout (ReportLab) is imported when a dossiê is made, not at start
    from app.documents import dossie


@dataclass(frozen=True)
class DossieResult:
    path: Path  # the ZIP
    summary: ArchivedDocument  # the archived summary PDF
    copied: int  # archived documents copied into the ZIP
    skipped: tuple[tuple[int, str], ...]  # (document id, why it was not copied)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:40] or "paciente"


class DossieService(FilingService):
    def __init__(self, ctx: Context, contacts: ContactLogService) -> None:
        super().__init__(ctx)
        self.contacts = contacts  # the contact history, exactly as the patient page shows it

    def export(
        self,
        patient_id: int,
        out_dir: Path,
        progress: Progress | None = None,
        cancelled: IsCancelled | None = None,
    ) -> DossieResult:
        self.require(Permission.DOCUMENTS)
        from app.documents import dossie

        out = Path(out_dir).expanduser()
        if out.exists() and not out.is_dir():
            raise ValidationError.single("out", f"Pasta de saída: '{out}' não é uma pasta.")
        today = self.clock.today()
        contacts = self._contacts(patient_id)
        with self.uow() as uow:
            patient = uow.patients.get(patient_id)
            if patient is None:
                raise NotFoundError(f"Paciente {patient_id} não encontrado.")
            clinic = clinic_info(uow.clinic.get())
            contracts = [
                gather(uow, DocumentKind.EXTRATO, row.id, today, payments=True).facts
                for row in sorted(uow.contracts.for_patient(patient_id), key=lambda r: r.id)
            ]
            archived = uow.documents.for_patient(patient_id)
            archived = [d for d in archived if d.kind != DocumentKind.DOSSIE]
            negativacoes = views_of(uow, uow.negativacoes.rows(patient_id=patient_id), today)
            debtors: list[Party] = []
            for c in contracts:
                if c.debtor not in debtors:
                    debtors.append(c.debtor)
            if not debtors:
                debtors.append(party(patient.responsible or patient))
            patient_party = party(patient)
            letterhead = Letterhead(
                clinic=clinic,
                as_of=today,
                reference=reference(DocumentKind.DOSSIE, patient_id, today),
            )
            checked = [(d, self._check(d)) for d in sorted(archived, key=lambda d: d.id)]
            names: dict[int, str] = {}
            listed = []
            for index, (doc, problem) in enumerate(checked, start=1):
                name = "" if problem else f"documentos/{index:03d}-{_plain_name(doc.file_path)}"
                names[doc.id] = name
                listed.append(
                    dossie.DossieDocument(
                        id=doc.id,
                        kind=KIND_LABELS.get(doc.kind, doc.kind),
                        generated_at=doc.generated_at,
                        contract_id=doc.contract_id,
                        sha256=doc.sha256,
                        file_name=name,
                        status=problem or "conferido",
                    )
                )
            facts = dossie.DossieFacts(
                patient=patient_party,
                debtors=tuple(debtors),
                contracts=tuple(contracts),
                contacts=tuple(contacts),
                negativacoes=tuple(
                    dossie.DossieNegativacao(
                        bureau=v.bureau_label,
                        included_on=v.row.included_on,
                        amount_cents=v.row.amount_cents,
                        protocol=v.row.protocol,
                        status=v.status,
                        removal_reason=v.row.removal_reason,
                    )
                    for v in negativacoes
                ),
                documents=tuple(listed),
                signatures=tuple(uow.signatures.for_patient(patient_id)),
            )
            pdf = render(dossie.render, letterhead, facts)
            summary_name = f"resumo-{letterhead.reference}.pdf"
            out.mkdir(parents=True, exist_ok=True)
            target = _new_zip(out, f"dossie-{patient_id}-{slug(patient.name)}-{today:%Y%m%d}")
            try:
                self._write_zip(target, summary_name, pdf, checked, names, progress, cancelled)
                summary = self.file(
                    uow,
                    DocumentKind.DOSSIE,
                    pdf,
                    letterhead,
                    patient_name=patient.name,
                    patient_id=patient_id,
                )
            except BaseException:
                target.unlink(missing_ok=True)
                raise
        skipped = tuple((d.id, problem) for d, problem in checked if problem)
        return DossieResult(target, summary, len(checked) - len(skipped), skipped)

    def _contacts(self, patient_id: int) -> list[dossie.DossieContact]:
        """The contact history of the patient and of whoever pays for them."""
        from app.documents import dossie

        with self.uow() as uow:
            row = uow.patients.get(patient_id)
            if row is None:
                raise NotFoundError(f"Paciente {patient_id} não encontrado.")
            people = {patient_id}
            people |= {r for c in uow.contracts.for_patient(patient_id) if (r := c.responsible_id)}
            if row.responsible_id:
                people.add(row.responsible_id)
        found = []
        for person in sorted(people):
            for v in self.contacts.history(person):
                found.append(
                    dossie.DossieContact(
                        v.at, v.channel, v.step, v.outcome, v.who, v.note, v.promise
                    )
                )
        return found

    def _check(self, document: ArchivedDocument) -> str:
        """Why the archived file cannot be copied ("" when it is the exact file archived)."""
        state = self.archive_files.state(document)
        if state is None:
            return ""
        if state == MISSING:
            return "arquivo ausente"
        if state == NO_KEY:
            return "criptografado, sem a chave neste computador"
        return "alterado (SHA-256 não confere)"

    def _write_zip(
        self,
        target: Path,
        summary_name: str,
        pdf: bytes,
        checked: list[tuple[ArchivedDocument, str]],
        names: dict[int, str],
        progress: Progress | None,
        cancelled: IsCancelled | None,
    ) -> None:
        sums = [f"{sha256(pdf)}  {summary_name}"]
        total = len(checked) + 1
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(summary_name, pdf)
            for done, (doc, problem) in enumerate(checked, start=1):
                stop_if_cancelled(cancelled, "Dossiê cancelado; nada foi gravado.")
                if not problem:
                    try:
                        data = self.archive_files.read(doc)
                    except ArchiveProblem:  # changed since checked a moment ago
                        continue
                    archive.writestr(names[doc.id], data)
                    sums.append(f"{sha256(data)}  {names[doc.id]}")
                if progress is not None:
                    progress(done, total)
            archive.writestr("SHA256SUMS.txt", "\n".join(sums) + "\n")
        if progress is not None:
            progress(total, total)


def _new_zip(folder: Path, stem: str) -> Path:
    """``stem.zip`` (or ``stem-2.zip``…), created empty now so nothing is ever overwritten."""
    for attempt in range(1, 10_000):
        path = folder / (f"{stem}.zip" if attempt == 1 else f"{stem}-{attempt}.zip")
        try:
            path.open("xb").close()
        except FileExistsError:
            continue
        return path
    raise EmDiaError(f"Não foi possível criar um arquivo novo em {folder}.")


def _plain_name(file_path: str) -> str:
    """The archived file's name as a PDF (a sealed file's name without ``.emdia``)."""
    return Path(file_path.replace("\\", "/")).name.removesuffix(".emdia")
