"""Contracts and confissões signed electronically by the debtor (gov.br or an ICP-Brasil e-CPF):
**Enviar para assinatura** (the archived PDF saved where the user chooses, with the message that
says how to sign it) and **Receber documento assinado** (``emdia documents signed FILE.pdf``):
the signatures checked offline (``app.adapters.signatures``), judged (``app.domain.signatures``)
and, when the file is intact and signs exactly an archived contract or confissão, archived
beside the original (kind ``assinado``) through the same filing as every document.

A file that is not intact, not signed, or whose signed content is not an archived document is
refused with the reason, and nothing is written. The same file received again returns the same
archived document with the verification done again (a root trusted since then is now used).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.adapters.signatures import read_signed_pdf
from app.domain.catalog import KIND_LABELS, DocumentKind
from app.domain.documents import ArchivedDocument
from app.domain.signatures import (
    SIGNABLE_KINDS,
    OriginalDocument,
    RevisionBefore,
    SignatureReport,
    SignedDocument,
    SignedPdfReading,
    assess,
    first_name,
    signer_record,
    signing_request,
)
from app.errors import EmDiaError, NotFoundError, ValidationError
from app.persistence import models
from app.services.agreements import view_of
from app.services.base import Context, Permission
from app.services.documents.archive import DocumentArchiveService
from app.services.documents.filing import FilingService
from app.services.documents.gathering import letterhead
from app.services.documents.single import DocumentService
from app.services.ports import UnitOfWorkPort
from app.services.trust import read_file

MAX_PDF_BYTES = 100_000_000  # the gov.br signer takes files up to 100 MB


class SignedFileRefused(EmDiaError):
    """The file cannot be archived as a signed document; the message says why."""


@dataclass(frozen=True)
class SigningPackage:
    """What "Enviar para assinatura" produced: the archived document, its copy for sending, and
    the message to send with it."""

    document: ArchivedDocument
    path: Path
    message: str


@dataclass(frozen=True)
class Received:
    """A signed file received: its archived copy with the verification, and whether the same
    file had been received before (``again``: the verification was done again)."""

    signed: SignedDocument
    again: bool


def signing_file_name(kind: str, number: int) -> str:
    """``contrato-12-para-assinar.pdf``: the name the copy for the patient gets by default."""
    return f"{kind}-{number}-para-assinar.pdf"


class SignatureService(FilingService):
    def __init__(
        self, ctx: Context, documents: DocumentService, archive: DocumentArchiveService
    ) -> None:
        super().__init__(ctx)
        self.documents = documents  # generates (and archives) what is sent
        self.archive = archive  # hands back the exact archived bytes

    # --- Enviar para assinatura -------------------------------------------------------------
    def send_for_signing(
        self,
        target: Path,
        *,
        contract_id: int | None = None,
        agreement_id: int | None = None,
    ) -> SigningPackage:
        """Generate and archive the contract (or the acordo's confissão) as "Imprimir" does, and
        save the archived PDF at ``target`` for sending, with the message to go with it."""
        self.require(Permission.DOCUMENTS)
        if (contract_id is None) == (agreement_id is None):
            raise ValidationError.single(
                "contract", "Enviar para assinatura: escolha um contrato ou um acordo."
            )
        target = Path(target).expanduser()
        if not target.parent.is_dir():
            raise ValidationError.single(
                "target", f"Salvar em: a pasta {target.parent} não existe."
            )
        if contract_id is not None:
            document = self.documents.contract(contract_id)
        else:
            assert agreement_id is not None
            document = self.documents.confession(agreement_id)
        data = self.archive.archived_bytes(document.id)
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise ValidationError.single(
                "target", f"Salvar em: não foi possível gravar {target} ({exc.strerror})."
            ) from None
        return SigningPackage(document, target, self._message(document))

    def _message(self, document: ArchivedDocument) -> str:
        with self.uow() as uow:
            clinic = uow.clinic.get()
            name = (clinic.trade_name or clinic.legal_name) if clinic is not None else ""
            original = _original(uow, document)
        what = "contrato" if document.kind == DocumentKind.CONTRATO else "termo de acordo"
        return signing_request(first_name(original.debtor_name), what, name or "a clínica")

    # --- Receber documento assinado ---------------------------------------------------------
    def receive(self, path: Path) -> Received:
        """Check the signatures of ``path`` and archive it beside the document it signs."""
        self.require(Permission.DOCUMENTS)
        data = read_file(path, MAX_PDF_BYTES, "um PDF assinado")
        with self.uow() as uow:
            trusted = [row.pem for row in uow.signatures.trusted()]
        # pyHanko's work (a second or so) runs outside any transaction.
        reading = read_signed_pdf(data, trusted, self.clock.now())
        with self.uow() as uow:
            uow.begin_write()
            original, revision = self._find_original(uow, reading)
            report = assess(reading, original, revision)
            if report.refusal is not None:
                raise SignedFileRefused(report.refusal)
            assert original is not None and report.principal is not None
            if original.kind not in SIGNABLE_KINDS:
                raise SignedFileRefused(
                    f"Documento assinado recusado: o conteúdo assinado é o documento "
                    f"{original.document_id} ({KIND_LABELS.get(original.kind, original.kind)}); "
                    "só o contrato e a confissão de dívida valem como título assinado. Envie "
                    'para assinatura pelo botão "Enviar para assinatura".'
                )
            again = self._already_archived(uow, reading.sha256)
            if again is not None:
                document_id = self._check_again(uow, again, report)
            else:
                document_id = self._archive(uow, data, original, report)
            uow.commit()
            signed = uow.signatures.signed(document_id)
        assert signed is not None
        return Received(signed, again is not None)

    def _find_original(
        self, uow: UnitOfWorkPort, reading: SignedPdfReading
    ) -> tuple[OriginalDocument | None, RevisionBefore | None]:
        """The archived document one of the file's states before its first signature is, the
        latest state first (the one the signature was added to)."""
        found = uow.documents.by_sha256([r.sha256 for r in reading.revisions])
        by_hash = {d.sha256: d for d in found if d.kind != DocumentKind.ASSINADO}
        for revision in reading.revisions:
            document = by_hash.get(revision.sha256)
            if document is not None:
                return _original(uow, document), revision
        return None, None

    @staticmethod
    def _already_archived(uow: UnitOfWorkPort, sha256: str) -> int | None:
        for document in uow.documents.by_sha256([sha256]):
            if document.kind == DocumentKind.ASSINADO:
                return document.id
        return None

    def _archive(
        self, uow: UnitOfWorkPort, data: bytes, original: OriginalDocument, report: SignatureReport
    ) -> int:
        header = letterhead(uow, DocumentKind.ASSINADO, original.document_id, self.clock.today())
        row, path = self.store(
            uow,
            DocumentKind.ASSINADO,
            data,
            header,
            patient_id=original.patient_id,
            contract_id=original.contract_id,
            agreement_id=original.agreement_id,
            original_document_id=original.document_id,
        )
        try:
            check = models.SignatureCheck(document_id=row.id, **_check_values(report))
            check.verified_at = self.clock.now()
            check.verified_by_id = self.actor.user_id
            uow.signatures.add_check(check)
            self.audit(
                uow,
                "document.signed",
                "document",
                row.id,
                None,
                {"original_document_id": original.document_id, **_audited(report)},
            )
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return row.id

    def _check_again(self, uow: UnitOfWorkPort, document_id: int, report: SignatureReport) -> int:
        check = uow.signatures.check_of(document_id)
        assert check is not None
        before = {"trusted": check.trusted, "matches_debtor": check.matches_debtor}
        for key, value in _check_values(report).items():
            setattr(check, key, value)
        check.verified_at = self.clock.now()
        check.verified_by_id = self.actor.user_id
        self.audit(
            uow, "document.signature_checked", "document", document_id, before, _audited(report)
        )
        return document_id

    # --- what the patient page, the dossiê and the checklist show ---------------------------
    def for_patient(self, patient_id: int) -> list[SignedDocument]:
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            if uow.patients.get(patient_id) is None:
                raise NotFoundError(f"Paciente {patient_id} não encontrado.")
            return uow.signatures.for_patient(patient_id)

    def get(self, document_id: int) -> SignedDocument:
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            found = uow.signatures.signed(document_id)
        if found is None:
            raise NotFoundError(f"Documento assinado {document_id} não encontrado.")
        return found


def _original(uow: UnitOfWorkPort, document: ArchivedDocument) -> OriginalDocument:
    """The archived document and the person it charges, as the document itself names them: the
    confissão's devedor; the contract's responsável financeiro, else its patient."""
    debtor_id: int | None = None
    if document.kind == DocumentKind.CONFISSAO and document.agreement_id is not None:
        agreement = uow.agreements.get(document.agreement_id)
        if agreement is not None:
            debtor_id = view_of(uow, agreement).debtor_id
    elif document.contract_id is not None:
        contract = uow.contracts.get(document.contract_id)
        if contract is not None:
            debtor_id = contract.responsible_id or contract.patient_id
    debtor = uow.patients.get(debtor_id) if debtor_id is not None else None
    return OriginalDocument(
        document_id=document.id,
        kind=document.kind,
        contract_id=document.contract_id,
        agreement_id=document.agreement_id,
        patient_id=document.patient_id,
        debtor_name=debtor.name if debtor is not None else document.patient_name,
        debtor_cpf=debtor.cpf if debtor is not None else None,
        generated_at=document.generated_at,
    )


def _check_values(report: SignatureReport) -> dict[str, Any]:
    signer = report.principal
    assert signer is not None
    return {
        "signer_name": signer.name[:200],
        "signer_cpf": signer.cpf,
        "signed_at": signer.signed_at,
        "intact": report.intact,
        "valid": report.valid,
        "covers_original": report.covers_original,
        "trusted": report.trusted,
        "matches_debtor": report.matches_debtor,
        "notes": list(report.notes),
        "signatures": [signer_record(s) for s in report.signers],
    }


def _audited(report: SignatureReport) -> dict[str, Any]:
    return {
        "intact": report.intact,
        "trusted": report.trusted,
        "matches_debtor": report.matches_debtor,
    }
