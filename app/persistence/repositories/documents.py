"""The archive of generated PDFs (``document`` table): listing, search, and the rows a document
needs that no other screen reads."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from sqlalchemy import Select, func, or_, select

from app.domain.documents import ArchivedDocument
from app.persistence import models
from app.persistence.repositories._sql import Repository, escape_like, search_tokens


class DocumentRepository(Repository):
    def add(self, row: models.Document, *, flush: bool = True) -> models.Document:
        return self._add(row, flush=flush)

    def unsealed_files(self, sealed_suffix: str) -> list[tuple[int, str, str]]:
        """``(id, file_path, sha256)`` of archived files not yet sealed (their path does not end
        in ``sealed_suffix``): a clinic encrypted after it had generated documents."""
        d = models.Document
        stmt = select(d.id, d.file_path, d.sha256).where(
            d.file_path.not_like(f"%{escape_like(sealed_suffix)}", escape="\\")
        )
        return [(int(r[0]), str(r[1]), str(r[2])) for r in self.session.execute(stmt)]

    def move_file(self, document_id: int, file_path: str) -> None:
        """The same document, now in ``file_path`` (sealed in place of the plain file)."""
        row = self.session.get(models.Document, document_id)
        if row is not None:
            row.file_path = file_path

    def get(self, document_id: int) -> ArchivedDocument | None:
        stmt = self._listing().where(models.Document.id == document_id)
        row = self.session.execute(stmt).first()
        return self._archived(row) if row else None

    @staticmethod
    def _listing() -> Select[Any]:
        d, pt = models.Document, models.Patient
        stmt = select(
            d.id,
            d.kind,
            d.patient_id,
            pt.name,
            d.contract_id,
            d.payment_id,
            d.generated_at,
            d.as_of,
            d.sha256,
            d.file_path,
            d.agreement_id,
            d.original_document_id,
        ).outerjoin(pt, pt.id == d.patient_id)
        return cast(Select[Any], stmt)

    @staticmethod
    def _archived(row: Any) -> ArchivedDocument:
        return ArchivedDocument(
            id=row[0],
            kind=row[1],
            patient_id=row[2],
            patient_name=row[3] or "",
            contract_id=row[4],
            payment_id=row[5],
            generated_at=row[6],
            as_of=row[7],
            sha256=row[8],
            file_path=row[9],
            agreement_id=row[10],
            original_document_id=row[11],
        )

    def by_sha256(self, digests: Collection[str]) -> list[ArchivedDocument]:
        """Archived documents with one of these SHA-256 hashes, oldest first."""
        d = models.Document
        stmt = self._listing().where(d.sha256.in_(sorted(set(digests)))).order_by(d.id)
        return [self._archived(r) for r in self.session.execute(stmt)]

    def for_patient(self, patient_id: int) -> list[ArchivedDocument]:
        """Documents about the patient or about contracts they pay for (responsável)."""
        d, c = models.Document, models.Contract
        theirs = select(c.id).where(or_(c.patient_id == patient_id, c.responsible_id == patient_id))
        stmt = (
            self._listing()
            .where(or_(d.patient_id == patient_id, d.contract_id.in_(theirs)))
            .order_by(d.generated_at.desc(), d.id.desc())
        )
        return [self._archived(r) for r in self.session.execute(stmt)]

    def _search_filter(self, stmt: Select[Any], text: str) -> Select[Any]:
        pt, d = models.Patient, models.Document
        for token, number in search_tokens(text):
            if number is not None:
                stmt = stmt.where(or_(pt.cpf.like(f"{number}%"), d.contract_id == int(number)))
            else:
                stmt = stmt.where(
                    or_(
                        pt.name_search.like(f"%{escape_like(token)}%", escape="\\"),
                        d.kind.like(f"{escape_like(token)}%", escape="\\"),
                    )
                )
        return stmt

    def search(self, text: str, offset: int, limit: int) -> list[ArchivedDocument]:
        d = models.Document
        stmt = self._search_filter(self._listing(), text)
        stmt = stmt.order_by(d.generated_at.desc(), d.id.desc()).offset(offset).limit(limit)
        return [self._archived(r) for r in self.session.execute(stmt)]

    def count(self, text: str) -> int:
        d, pt = models.Document, models.Patient
        stmt = select(func.count()).select_from(d).outerjoin(pt, pt.id == d.patient_id)
        return int(self.session.scalar(self._search_filter(stmt, text)) or 0)

    def allocation_lines(self, payment_id: int) -> list[tuple[int, Any, int, int, int, int, int]]:
        """``(number, due_date, principal, fine, interest, correction, discount)`` per
        installment a payment touched."""
        a, i = models.PaymentAllocation, models.Installment
        stmt = (
            select(
                i.number,
                i.effective_due_date,
                a.principal_cents,
                a.fine_cents,
                a.interest_cents,
                a.correction_cents,
                a.discount_cents,
            )
            .join(i, i.id == a.installment_id)
            .where(a.payment_id == payment_id)
            .order_by(i.number)
        )
        return [tuple(r) for r in self.session.execute(stmt)]  # type: ignore[misc]

    def contracts_overdue_since(self, cutoff: Any) -> list[int]:
        """Active contracts with an open installment whose effective due date is on or before
        ``cutoff`` (candidates; the caller confirms with ``updated_debt``)."""
        c, i = models.Contract, models.Installment
        stmt = (
            select(c.id)
            .where(
                c.status == "active",
                select(i.id)
                .where(
                    i.contract_id == c.id,
                    i.settled_on.is_(None),
                    i.renegotiated_agreement_id.is_(None),
                    i.effective_due_date <= cutoff,
                )
                .exists(),
            )
            .order_by(c.id)
        )
        return list(self.session.scalars(stmt))
