"""Electronically signed documents and the certificates the clinic trusts: the verification of
each signed copy (``signature_check``), the signed copies of a patient or of a contract's
títulos, and the trust store (``trusted_certificate``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import aliased

from app.domain.catalog import DocumentKind
from app.domain.signatures import SignedDocument, signer_from_record
from app.persistence import models
from app.persistence.repositories._sql import Repository


class SignatureRepository(Repository):
    def check_of(self, document_id: int) -> models.SignatureCheck | None:
        stmt = select(models.SignatureCheck).where(models.SignatureCheck.document_id == document_id)
        return self.session.scalars(stmt).first()

    def add_check(self, row: models.SignatureCheck) -> models.SignatureCheck:
        return self._add(row)

    def signed(self, document_id: int) -> SignedDocument | None:
        found = self._signed(models.Document.id == document_id)
        return found[0] if found else None

    def for_patient(self, patient_id: int) -> list[SignedDocument]:
        """Signed copies about the patient or about contracts they pay for, newest first."""
        d, c = models.Document, models.Contract
        theirs = select(c.id).where(or_(c.patient_id == patient_id, c.responsible_id == patient_id))
        return self._signed(or_(d.patient_id == patient_id, d.contract_id.in_(theirs)))

    def for_titles(self, contract_id: int, agreement_id: int | None) -> list[SignedDocument]:
        """Signed copies of the contract's títulos: its contrato, or the confissão of the acordo
        that created it."""
        d = models.Document
        about = d.contract_id == contract_id
        if agreement_id is not None:
            about = or_(about, d.agreement_id == agreement_id)
        return self._signed(about)

    def _signed(self, where: ColumnElement[bool]) -> list[SignedDocument]:
        d, s = models.Document, models.SignatureCheck
        original = aliased(models.Document)
        stmt = (
            select(d, s, original.kind)
            .join(s, s.document_id == d.id)
            .join(original, original.id == d.original_document_id)
            .where(d.kind == DocumentKind.ASSINADO.value, where)
            .order_by(d.generated_at.desc(), d.id.desc())
        )
        return [
            _signed_document(doc, check, kind) for doc, check, kind in self.session.execute(stmt)
        ]

    # --- the certificates the clinic trusts ------------------------------------------------------
    def trusted(self) -> list[models.TrustedCertificate]:
        stmt = select(models.TrustedCertificate).order_by(
            models.TrustedCertificate.is_root.desc(), models.TrustedCertificate.id
        )
        return list(self.session.scalars(stmt))

    def trusted_by_sha256(self, sha256: str) -> models.TrustedCertificate | None:
        stmt = select(models.TrustedCertificate).where(models.TrustedCertificate.sha256 == sha256)
        return self.session.scalars(stmt).first()

    def get_trusted(self, certificate_id: int) -> models.TrustedCertificate | None:
        return self.session.get(models.TrustedCertificate, certificate_id)

    def add_trusted(self, row: models.TrustedCertificate) -> models.TrustedCertificate:
        return self._add(row)

    def remove_trusted(self, row: models.TrustedCertificate) -> None:
        self.session.delete(row)
        self.session.flush()


def _signed_document(
    doc: models.Document, check: models.SignatureCheck, kind: Any
) -> SignedDocument:
    assert doc.original_document_id is not None
    return SignedDocument(
        document_id=doc.id,
        original_document_id=doc.original_document_id,
        original_kind=str(kind),
        contract_id=doc.contract_id,
        agreement_id=doc.agreement_id,
        patient_id=doc.patient_id,
        file_sha256=doc.sha256,
        signer_name=check.signer_name,
        signer_cpf=check.signer_cpf,
        signed_at=check.signed_at,
        intact=check.intact,
        valid=check.valid,
        covers_original=check.covers_original,
        trusted=check.trusted,
        matches_debtor=check.matches_debtor,
        notes=tuple(str(n) for n in check.notes or ()),
        verified_at=check.verified_at,
        signers=tuple(signer_from_record(s) for s in check.signatures or ()),
    )
