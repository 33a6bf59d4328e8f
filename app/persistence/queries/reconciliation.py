"""What the conciliação bancária reads to match credits: the clinic's payers (name and CPF), the
open debts of the few people and contracts the credits point to, and the desk payments not yet
linked to a statement line.

Plain-column queries through Core, IN lists in chunks: a statement of 5,000 credits is matched
against a 20,000-patient clinic (``bench/bench_bank.py`` times it)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import Executable, select

from app.domain.catalog import ContractStatus
from app.domain.law import InstallmentTerms
from app.domain.reconciliation import (
    ContractFacts,
    DebtBook,
    Debtor,
    DeskPayment,
    OpenInstallment,
    OpenPromise,
)
from app.persistence import models
from app.persistence.repositories._sql import (
    Repository,
    charges_only,
    chunks,
    effective,
    terms_columns,
)
from app.persistence.repositories.indexes import PolicyCache


class ReconciliationQueries(Repository):
    def _run(self, stmt: Executable) -> Any:
        return self.session.connection().execute(stmt)

    def debtors(self) -> list[Debtor]:
        """Everyone who is (or was) the patient or the responsável of a contract."""
        c, pt = models.Contract, models.Patient
        payers = select(c.patient_id).union(
            select(c.responsible_id).where(c.responsible_id.is_not(None))
        )
        stmt = select(pt.id, pt.name, pt.cpf).where(pt.id.in_(payers), pt.anonymized_at.is_(None))
        return [Debtor(pid, name, cpf) for pid, name, cpf in self._run(stmt)]

    def debts(self, person_ids: Collection[int], contract_ids: Collection[int]) -> DebtBook:
        """Open installments of the contracts these people pay (as patient or responsável) and
        of ``contract_ids`` (the txids'); their pending promises; and what each of
        ``contract_ids`` is."""
        c, i = models.Contract, models.Installment
        base = (
            select(
                *terms_columns(),
                i.paid_cents,
                c.patient_id,
                c.responsible_id,
                c.agreement_id,
                *PolicyCache.columns(),
            )
            .join(c, c.id == i.contract_id)
            .where(
                i.settled_on.is_(None),
                i.renegotiated_agreement_id.is_(None),
                c.status != ContractStatus.CANCELLED.value,
            )
        )
        rows: dict[int, Any] = {}
        for part in chunks(person_ids):
            for column in (c.patient_id, c.responsible_id):  # each IN on its own index
                rows.update((r[0], r) for r in self._run(base.where(column.in_(part))))
        facts: dict[int, ContractFacts] = {}
        for part in chunks(contract_ids):
            rows.update((r[0], r) for r in self._run(base.where(c.id.in_(part))))
            contracts = select(c.id, c.patient_id, c.status).where(c.id.in_(part))
            for cid, patient_id, status in self._run(contracts):
                facts[cid] = ContractFacts(cid, patient_id, status == ContractStatus.CANCELLED)
        # Only an installment with principal paid, or whose charges alone were paid, has
        # settlements to read (most open ones have none).
        open_now = (i.settled_on.is_(None), i.renegotiated_agreement_id.is_(None))
        charged = set(self._run(charges_only(*open_now)).scalars()) if rows else set()
        settlements = self._settlements_of([r[0] for r in rows.values() if r[6] or r[0] in charged])
        policies = PolicyCache(self.session)
        installments = tuple(
            OpenInstallment(
                contract_id=r[1],
                patient_id=r[7],
                payer_id=r[8] or r[7],
                terms=InstallmentTerms(r[2], r[3], r[4], r[5], False, r[0]),
                settlements=settlements.get(r[0], ()),
                # An acordo's confessed charges earn no juros: the same share as the desk's.
                policy=policies.of(*r[10:16]),
                agreement_id=r[9],
            )
            for r in rows.values()
        )
        return DebtBook(installments, self._promises(person_ids), facts)

    def _promises(self, person_ids: Collection[int]) -> tuple[OpenPromise, ...]:
        """Promises nobody cancelled (whether kept is the matcher's question: same amount)."""
        pr = models.Promise
        found: list[OpenPromise] = []
        for part in chunks(person_ids):
            stmt = select(
                pr.patient_id, pr.contract_id, pr.created_at, pr.promised_on, pr.amount_cents
            ).where(pr.patient_id.in_(part), pr.resolution.is_(None))
            found += [
                OpenPromise(pid, cid, made.date(), promised, amount)
                for pid, cid, made, promised, amount in self._run(stmt)
            ]
        return tuple(found)

    def desk_payments(
        self, person_ids: Collection[int], contract_ids: Collection[int], start: date, end: date
    ) -> list[DeskPayment]:
        """Effective payments from ``start`` to ``end`` on these people's contracts (or these
        contracts) that no statement line is linked to yet. One range read by date (a few weeks
        of a clinic's payments), the people picked here."""
        p, c, link = models.Payment, models.Contract, models.BankPaymentLink
        linked = select(link.id).where(link.payment_id == p.id)
        stmt = (
            select(p.id, p.contract_id, c.patient_id, c.responsible_id, p.paid_on, p.amount_cents)
            .join(c, c.id == p.contract_id)
            .where(p.paid_on >= start, p.paid_on <= end, *effective(p), ~linked.exists())
            .order_by(p.id)
        )
        people, contracts = set(person_ids), set(contract_ids)
        return [
            DeskPayment(r[0], r[1], frozenset(x for x in (r[2], r[3]) if x), r[4], r[5])
            for r in self._run(stmt)
            if r[1] in contracts or r[2] in people or r[3] in people
        ]
