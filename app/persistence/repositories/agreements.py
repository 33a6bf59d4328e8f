"""Acordos (renegotiations) and the records of consultas de crédito (a bureau consulted by hand
before a plan)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select

from app.domain.agreements import PlanInstallment
from app.persistence import models
from app.persistence.repositories._sql import Repository, among


class AgreementRepository(Repository):
    def add(self, row: models.Agreement) -> models.Agreement:
        return self._add(row)

    def get(self, agreement_id: int) -> models.Agreement | None:
        return self.session.get(models.Agreement, agreement_id)

    def get_for_update(self, agreement_id: int) -> models.Agreement | None:
        """``SELECT … FOR UPDATE`` on PostgreSQL: two PCs accepting the same acordo queue up."""
        ag = models.Agreement
        stmt = (
            select(ag)
            .where(ag.id == agreement_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self.session.scalar(stmt)

    def for_patient(self, patient_id: int) -> list[models.Agreement]:
        ag = models.Agreement
        stmt = select(ag).where(ag.patient_id == patient_id).order_by(ag.id.desc())
        return list(self.session.scalars(stmt))

    def with_status(self, statuses: Sequence[str]) -> list[models.Agreement]:
        ag = models.Agreement
        return list(self.session.scalars(select(ag).where(ag.status.in_(statuses)).order_by(ag.id)))

    def contract_of(self, agreement_id: int) -> models.Contract | None:
        """The contract an accepted acordo created (its new plan)."""
        c = models.Contract
        return self.session.scalar(select(c).where(c.agreement_id == agreement_id).limit(1))

    def plan_installments(self, agreement_ids: Iterable[int]) -> dict[int, list[PlanInstallment]]:
        """The parcelas of the contracts the acordos created (for "acordo não cumprido")."""
        c, i = models.Contract, models.Installment
        found: dict[int, list[PlanInstallment]] = {}
        for chunk in self._id_lists(agreement_ids):
            stmt = (
                select(c.agreement_id, i.effective_due_date, i.settled_on)
                .join(i, i.contract_id == c.id)
                .where(among(c.agreement_id, chunk), i.renegotiated_agreement_id.is_(None))
            )
            for agreement_id, due, settled in self.session.execute(stmt):
                if agreement_id is not None:
                    found.setdefault(agreement_id, []).append(PlanInstallment(due, settled))
        return found

    def installments(self, installment_ids: Iterable[int]) -> list[models.Installment]:
        i = models.Installment
        ids = sorted(set(installment_ids))
        if not ids:
            return []
        return list(self.session.scalars(select(i).where(i.id.in_(ids)).order_by(i.id)))

    # --- consultas de crédito ------------------------------------------------------------------
    def add_credit_check(self, row: models.CreditCheck) -> models.CreditCheck:
        return self._add(row)

    def credit_checks(self, patient_id: int) -> list[models.CreditCheck]:
        cc = models.CreditCheck
        stmt = (
            select(cc)
            .where(cc.patient_id == patient_id)
            .order_by(cc.checked_on.desc(), cc.id.desc())
        )
        return list(self.session.scalars(stmt))
