"""Everything stored about one person, across every table: what the LGPD (Lei 13.709/2018) lets
them ask for (art. 18, II: a copy) and what anonymising them touches (art. 18, IV)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from app.persistence import models
from app.persistence.repositories._sql import Repository


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def as_json(row: Any) -> dict[str, Any]:
    """Every column of ``row`` as JSON-ready data (dates as ISO text)."""
    return {c.key: _plain(getattr(row, c.key)) for c in row.__table__.columns}


class PersonalDataRepository(Repository):
    def _rows(self, model: Any, *where: Any) -> list[dict[str, Any]]:
        stmt = select(model).where(*where).order_by(model.id)
        return [as_json(r) for r in self.session.scalars(stmt)]

    def export(self, patient: models.Patient) -> dict[str, Any]:
        """The person, their responsável and dependents, and every row about them or about the
        contracts they take part in (as patient, responsável or fiador), table by table."""
        m, patient_id = models, patient.id
        contracts = list(
            self.session.scalars(
                select(m.Contract).where(
                    (m.Contract.patient_id == patient_id)
                    | (m.Contract.responsible_id == patient_id)
                    | (m.Contract.guarantor_id == patient_id)
                )
            )
        )
        contract_ids = [c.id for c in contracts]
        payments = self._rows(m.Payment, m.Payment.contract_id.in_(contract_ids))
        payment_ids = [p["id"] for p in payments]
        rows = self._rows
        return {
            "patient": as_json(patient),
            "responsible": as_json(patient.responsible) if patient.responsible else None,
            "dependents": rows(m.Patient, m.Patient.responsible_id == patient_id),
            "contracts": [as_json(c) for c in contracts],
            "installments": rows(m.Installment, m.Installment.contract_id.in_(contract_ids)),
            "payments": payments,
            "payment_allocations": rows(
                m.PaymentAllocation, m.PaymentAllocation.payment_id.in_(payment_ids)
            ),
            "contact_logs": rows(m.ContactLog, m.ContactLog.patient_id == patient_id),
            "promises": rows(m.Promise, m.Promise.patient_id == patient_id),
            "agreements": rows(m.Agreement, m.Agreement.patient_id == patient_id),
            "credit_checks": rows(m.CreditCheck, m.CreditCheck.patient_id == patient_id),
            "negativacoes": rows(m.Negativacao, m.Negativacao.patient_id == patient_id),
            "documents": rows(m.Document, m.Document.patient_id == patient_id),
            "audit": rows(
                m.AuditLog, m.AuditLog.entity == "patient", m.AuditLog.entity_id == patient_id
            ),
        }

    def open_principal(self, patient_id: int) -> int:
        """Principal still open on active contracts they take part in (as patient or
        responsável): while it is not zero the clinic may keep their data (art. 7º, VI)."""
        m = models
        open_cents = self.session.scalar(
            select(
                func.coalesce(func.sum(m.Installment.amount_cents - m.Installment.paid_cents), 0)
            )
            .join(m.Contract, m.Contract.id == m.Installment.contract_id)
            .where(
                (m.Contract.patient_id == patient_id) | (m.Contract.responsible_id == patient_id),
                m.Contract.status == "active",
                m.Installment.settled_on.is_(None),
                m.Installment.renegotiated_agreement_id.is_(None),
            )
        )
        return int(open_cents or 0)

    def contracts_as_patient(self, patient_id: int) -> list[models.Contract]:
        """Their own treatments (whose descriptions are health data, art. 11)."""
        m = models
        return list(
            self.session.scalars(select(m.Contract).where(m.Contract.patient_id == patient_id))
        )

    def contact_logs(self, patient_id: int) -> list[models.ContactLog]:
        m = models
        return list(
            self.session.scalars(select(m.ContactLog).where(m.ContactLog.patient_id == patient_id))
        )

    def document_count(self, patient_id: int) -> int:
        m = models
        stmt = (
            select(func.count()).select_from(m.Document).where(m.Document.patient_id == patient_id)
        )
        return int(self.session.scalar(stmt) or 0)
