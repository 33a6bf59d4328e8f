"""Contracts: their installments, charge terms and ledgers, the Contratos list, and finding a
contract by the number a spreadsheet knows it by."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from app.domain.catalog import ContractStatus
from app.domain.contracts import ContractSummary
from app.domain.law import (
    ChargePolicy,
    CorrectionTable,
    InstallmentLedger,
    InstallmentTerms,
    Settlement,
    interest_share_of,
)
from app.domain.layouts import ContractHeader
from app.domain.negativacao import InstallmentState
from app.persistence import models
from app.persistence.records import contract_key
from app.persistence.repositories._sql import (
    Repository,
    among,
    chunks,
    effective,
    escape_like,
    search_tokens,
    settlement_columns,
    terms_columns,
)
from app.persistence.repositories.indexes import PolicyCache, correction_table


class ContractRepository(Repository):
    def add(self, row: models.Contract, *, flush: bool = True) -> models.Contract:
        """``flush=False``: written with the next flush (an import writes hundreds per flush)."""
        return self._add(row, flush=flush)

    def get(self, contract_id: int) -> models.Contract | None:
        return self.session.get(models.Contract, contract_id)

    def get_for_update(self, contract_id: int) -> models.Contract | None:
        """``SELECT … FOR UPDATE`` on PostgreSQL (SQLite has no row locks: its whole-database
        write lock is taken by ``UnitOfWork.begin_write``)."""
        stmt = (
            select(models.Contract)
            .where(models.Contract.id == contract_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self.session.scalar(stmt)

    def for_patient(self, patient_id: int) -> list[models.Contract]:
        c = models.Contract
        stmt = (
            select(c)
            .where(or_(c.patient_id == patient_id, c.responsible_id == patient_id))
            .order_by(c.created_at.desc(), c.id.desc())
        )
        return list(self.session.scalars(stmt))

    def installments(self, contract_id: int) -> list[models.Installment]:
        i = models.Installment
        stmt = select(i).where(i.contract_id == contract_id).order_by(i.number)
        return list(self.session.scalars(stmt))

    def policy(
        self, contract: models.Contract, tables: dict[str, CorrectionTable] | None = None
    ) -> ChargePolicy:
        """The contract's charge terms; ``tables`` caches correction indexes across contracts."""
        correction = None
        if contract.correction_index != "none":
            cache = {} if tables is None else tables
            if contract.correction_index not in cache:
                cache[contract.correction_index] = correction_table(
                    self.session, contract.correction_index
                )
            correction = cache[contract.correction_index]
        return ChargePolicy(
            fine_bp=contract.fine_bp,
            interest_monthly_bp=contract.interest_monthly_bp,
            punctuality_discount_bp=contract.punctuality_discount_bp,
            correction=correction,
            interest_share=interest_share_of(
                contract.total_cents, contract.interest_free_cents or 0
            ),
        )

    def policies_of(self, contract_ids: Sequence[int]) -> dict[int, ChargePolicy]:
        """``policy`` of many contracts: their terms read as plain columns in one query per
        chunk, one ``ChargePolicy`` per distinct terms and each correction index read once
        (the régua asks this for every contract with an open installment)."""
        c = models.Contract
        policies = PolicyCache(self.session)
        found: dict[int, ChargePolicy] = {}
        for chunk in self._id_lists(contract_ids):
            stmt = select(c.id, *PolicyCache.columns()).where(among(c.id, chunk))
            for cid, *terms in self._run(stmt).all():
                found[cid] = policies.of(*terms)
        return found

    def ledgers(self, contract_id: int) -> list[InstallmentLedger]:
        """Installments with the settlements of their effective (not reversed) payments."""
        return self.ledgers_of([contract_id]).get(contract_id, [])

    def ledgers_of(self, contract_ids: Sequence[int]) -> dict[int, list[InstallmentLedger]]:
        """``ledgers`` for many contracts in two queries (exports)."""
        a, p, i = models.PaymentAllocation, models.Payment, models.Installment
        stmt = (
            select(*settlement_columns())
            .join(p, p.id == a.payment_id)
            .join(i, i.id == a.installment_id)
            .where(i.contract_id.in_(contract_ids), *effective(p))
            .order_by(p.paid_on, p.id)
        )
        by_installment: dict[int, list[Settlement]] = {}
        for row in self._run(stmt).all():
            by_installment.setdefault(row[0], []).append(Settlement(*row[1:]))
        # Plain columns, not mapped objects: at a few thousand installments (the dashboard's
        # negativações) building ORM objects cost more than the query.
        installments = (
            select(
                *terms_columns(),
                i.renegotiated_agreement_id.is_not(None),
            )
            .where(i.contract_id.in_(contract_ids))
            .order_by(i.contract_id, i.number)
        )
        result: dict[int, list[InstallmentLedger]] = {}
        for iid, cid, number, due, effective_due, amount, renegotiated in self._run(
            installments
        ).all():
            terms = InstallmentTerms(number, due, effective_due, amount, bool(renegotiated), iid)
            result.setdefault(cid, []).append(
                InstallmentLedger(terms, tuple(by_installment.get(iid, ())))
            )
        return result

    def installment_states(self, contract_ids: Sequence[int]) -> dict[int, list[InstallmentState]]:
        """Each installment of these contracts as kept (number, effective due date, whether it
        was never settled nor renegotiated), without reading a payment."""
        i = models.Installment
        found: dict[int, list[InstallmentState]] = {}
        for chunk in self._id_lists(contract_ids):
            stmt = select(
                i.contract_id,
                i.number,
                i.effective_due_date,
                i.settled_on.is_(None) & i.renegotiated_agreement_id.is_(None),
            ).where(among(i.contract_id, chunk))
            for cid, number, due, never_settled in self._run(stmt).all():
                found.setdefault(cid, []).append(InstallmentState(number, due, bool(never_settled)))
        return found

    def count_installments(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(models.Installment)) or 0)

    # --- finding contracts by the number a spreadsheet knows them by -------------------------
    def by_key(self, key: str, patient_id: int | None) -> list[models.Contract]:
        """Contracts whose imported number is ``key``; failing that, EmDia's number ``key``.

        With ``patient_id``, only that patient's contracts (as patient or responsável)."""
        c = models.Contract
        who = [] if patient_id is None else [or_(c.patient_id == patient_id,
                                                 c.responsible_id == patient_id)]  # fmt: skip
        found = list(self.session.scalars(select(c).where(c.external_ref == key, *who)))
        if not found and key.isdigit() and len(key) < 10:
            found = list(self.session.scalars(select(c).where(c.id == int(key), *who)))
        return found

    def of_patients(
        self, patient_ids: Iterable[int], chunk: int = 500
    ) -> dict[int, list[models.Contract]]:
        """The contracts of each of ``patient_ids`` as patient or responsável, by id (one query
        per ``chunk`` of people): what the contract import looks among, for a whole spreadsheet
        at once, to tell a contract it already has."""
        c = models.Contract
        found: dict[int, list[models.Contract]] = {}
        for part in chunks(patient_ids, chunk):
            asked = set(part)
            stmt = select(c).where(or_(c.patient_id.in_(part), c.responsible_id.in_(part)))
            for row in self.session.scalars(stmt.order_by(c.id)):
                for person in {row.patient_id, row.responsible_id}:
                    if person is not None and person in asked:
                        found.setdefault(person, []).append(row)
        return found

    def open_for_patient(self, patient_id: int) -> list[models.Contract]:
        c = models.Contract
        stmt = select(c).where(c.patient_id == patient_id, c.status == "active").order_by(c.id)
        return list(self.session.scalars(stmt))

    def export_batches(
        self, chunk: int = 500
    ) -> Iterator[list[tuple[ContractHeader, ChargePolicy, list[InstallmentLedger]]]]:
        """Every contract with its patient, terms and ledgers, ``chunk`` contracts at a time."""
        c, pt, resp = models.Contract, models.Patient, aliased(models.Patient)
        ids = list(self.session.scalars(select(c.id).order_by(c.id)))
        tables: dict[str, CorrectionTable] = {}
        for start in range(0, len(ids), chunk):
            batch = ids[start : start + chunk]
            ledgers = self.ledgers_of(batch)
            rows = self.session.execute(
                select(c, pt.cpf, pt.name, pt.phone, resp.cpf)
                .join(pt, pt.id == c.patient_id)
                .outerjoin(resp, resp.id == pt.responsible_id)
                .where(c.id.in_(batch))
                .order_by(c.id)
            )
            yield [
                (
                    ContractHeader(
                        contract_id=contract.id,
                        key=contract_key(contract),
                        patient_cpf=cpf,
                        patient_name=name,
                        responsible_cpf=responsible_cpf,
                        patient_phone=phone,
                        description=contract.description,
                        method=contract.payment_method,
                        signed_on=contract.signed_at,
                    ),
                    self.policy(contract, tables),
                    ledgers.get(contract.id, []),
                )
                for contract, cpf, name, phone, responsible_cpf in rows
            ]
            self.session.expunge_all()  # keep memory flat on 30,000 contracts

    # --- the Contratos list ----------------------------------------------------------------
    def _listing(self) -> Select[Any]:
        c, pt, i = models.Contract, models.Patient, models.Installment
        resp = aliased(models.Patient)
        open_principal = (
            select(func.coalesce(func.sum(i.amount_cents - i.paid_cents), 0))
            .where(i.contract_id == c.id, i.renegotiated_agreement_id.is_(None))
            .scalar_subquery()
        )
        next_due = (
            select(func.min(i.effective_due_date))
            .where(
                i.contract_id == c.id, i.settled_on.is_(None), i.renegotiated_agreement_id.is_(None)
            )
            .scalar_subquery()
        )
        return (
            select(
                c.id,
                c.patient_id,
                pt.name,
                resp.name,
                c.created_at,
                c.total_cents,
                c.installments_count,
                c.payment_method,
                c.status,
                open_principal,
                next_due,
            )
            .join(pt, pt.id == c.patient_id)
            .outerjoin(resp, resp.id == c.responsible_id)
        )

    @staticmethod
    def _summary(row: Any) -> ContractSummary:
        return ContractSummary(
            id=row[0],
            patient_id=row[1],
            patient_name=row[2],
            responsible_name=row[3] or "",
            created_on=row[4].date(),
            total_cents=row[5],
            installments=row[6],
            method=row[7],
            status=ContractStatus(row[8]),
            open_principal_cents=int(row[9] or 0),
            next_due=row[10],
        )

    def summaries_for_patient(self, patient_id: int) -> list[ContractSummary]:
        c = models.Contract
        stmt = (
            self._listing()
            .where(or_(c.patient_id == patient_id, c.responsible_id == patient_id))
            .order_by(c.id.desc())
        )
        return [self._summary(r) for r in self.session.execute(stmt)]

    def summary(self, contract_id: int) -> ContractSummary | None:
        row = self.session.execute(self._listing().where(models.Contract.id == contract_id)).first()
        return self._summary(row) if row else None

    def _search_filter(
        self, stmt: Select[Any], text: str, status: str | None, overdue_on: date | None
    ) -> Select[Any]:
        pt, c, i = models.Patient, models.Contract, models.Installment
        for token, number in search_tokens(text):
            if number is not None:
                stmt = stmt.where(or_(pt.cpf.like(f"{number}%"), c.id == int(number)))
            else:
                stmt = stmt.where(pt.name_search.like(f"%{escape_like(token)}%", escape="\\"))
        if status is not None:
            stmt = stmt.where(c.status == status)
        if overdue_on is not None:  # an open installment whose (business) due date passed
            late = select(i.id).where(
                i.contract_id == c.id,
                i.settled_on.is_(None),
                i.renegotiated_agreement_id.is_(None),
                i.effective_due_date < overdue_on,
            )
            stmt = stmt.where(late.exists())
        return stmt

    def search(
        self,
        text: str,
        offset: int,
        limit: int,
        status: str | None = None,
        overdue_on: date | None = None,
    ) -> list[ContractSummary]:
        stmt = self._search_filter(self._listing(), text, status, overdue_on)
        stmt = stmt.order_by(models.Contract.id.desc()).offset(offset).limit(limit)
        return [self._summary(r) for r in self.session.execute(stmt)]

    def count(self, text: str, status: str | None = None, overdue_on: date | None = None) -> int:
        c, pt = models.Contract, models.Patient
        stmt = select(func.count()).select_from(c).join(pt, pt.id == c.patient_id)
        return int(self.session.scalar(self._search_filter(stmt, text, status, overdue_on)) or 0)

    def load_many(self, contract_ids: list[int]) -> list[Any]:
        """Bring contracts and their people into the session at once: while the caller holds
        the returned rows (the identity map is weak), ``get`` calls are served from memory."""
        c, pt = models.Contract, models.Patient
        contracts = list(self.session.scalars(select(c).where(c.id.in_(contract_ids))))
        people = {
            pid
            for row in contracts
            for pid in (row.patient_id, row.responsible_id, row.guarantor_id)
            if pid is not None
        }
        loaded: list[Any] = list(contracts)
        if people:
            loaded += self.session.scalars(select(pt).where(pt.id.in_(people)))
        return loaded
