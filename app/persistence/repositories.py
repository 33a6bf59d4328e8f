"""Repositories: the only code that builds queries. They hand rows to services, and map rows to
the domain's frozen dataclasses so nothing outside ``app`` ever holds a live ORM object."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy import Executable, Select, func, or_, select, tuple_
from sqlalchemy.orm import Session, aliased

from app.domain import agreements as agreement_rules
from app.domain import promises as promise_rules
from app.domain.agreements import PlanInstallment
from app.domain.catalog import ContractStatus
from app.domain.clinic import ClinicInfo
from app.domain.contacts import ContactRecord
from app.domain.contracts import ContractSummary, PaymentView
from app.domain.documents import ArchivedDocument
from app.domain.law import (
    ChargePolicy,
    CorrectionTable,
    InstallmentLedger,
    InstallmentTerms,
    Settlement,
)
from app.domain.layouts import ContractHeader, PaymentLine
from app.domain.patients import Patient, PatientData, PatientListItem, PersonRef
from app.domain.receivables import OverdueLedger, Person, PromiseDue
from app.domain.risk import AgreementRecord, ContactAttempt
from app.domain.text import fold
from app.persistence import models

_S = TypeVar("_S", bound=Select[*tuple[Any, ...]])


class ClinicRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self) -> models.Clinic | None:
        return self.session.scalar(select(models.Clinic).order_by(models.Clinic.id).limit(1))

    def get_or_create(self) -> models.Clinic:
        row = self.get()
        if row is None:
            row = models.Clinic(contact_windows={})
            self.session.add(row)
            self.session.flush()
        return row

    @staticmethod
    def to_domain(row: models.Clinic | None) -> ClinicInfo:
        if row is None:
            return ClinicInfo()
        return ClinicInfo(
            legal_name=row.legal_name,
            trade_name=row.trade_name,
            cnpj=row.cnpj,
            cpf=row.cpf,
            cro=row.cro,
            address=row.address,
            city=row.city,
            state=row.state,
            zip_code=row.zip_code,
            phone=row.phone,
            email=row.email,
            pix_key=row.pix_key,
            pix_merchant_name=row.pix_merchant_name,
            pix_merchant_city=row.pix_merchant_city,
            logo_path=row.logo_path,
            fine_bp=row.fine_bp,
            interest_monthly_bp=row.interest_monthly_bp,
            punctuality_discount_bp=row.punctuality_discount_bp,
            correction_index=row.correction_index,
            is_demo=row.is_demo,
            version=row.version,
        )


class PatientRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: models.Patient) -> models.Patient:
        self.session.add(row)
        self.session.flush()
        return row

    def get(self, patient_id: int) -> models.Patient | None:
        return self.session.get(models.Patient, patient_id)

    def by_cpf(self, cpf: str) -> models.Patient | None:
        return self.session.scalar(select(models.Patient).where(models.Patient.cpf == cpf))

    def dependents(self, patient_id: int) -> list[models.Patient]:
        stmt = (
            select(models.Patient)
            .where(models.Patient.responsible_id == patient_id)
            .order_by(models.Patient.name_search)
        )
        return list(self.session.scalars(stmt))

    def count_all(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(models.Patient)) or 0)

    # --- search-as-you-type -------------------------------------------------------------
    @staticmethod
    def _filtered(stmt: _S, text: str) -> _S:
        """Every word must match: names by accent-free prefix/substring, numbers by CPF/phone."""
        p = models.Patient
        for token in fold(text).split():
            number = re.sub(r"[.\-/()]", "", token)
            if number.isdigit():
                stmt = stmt.where(
                    or_(
                        p.cpf.like(f"{number}%"),
                        p.phone.like(f"%{number}%"),
                        p.phone_alt.like(f"%{number}%"),
                    )
                )
            else:
                stmt = stmt.where(p.name_search.like(f"%{_escape_like(token)}%", escape="\\"))
        return stmt

    def search(self, text: str, offset: int, limit: int) -> list[PatientListItem]:
        p = models.Patient
        resp = aliased(models.Patient)
        stmt = select(
            p.id,
            p.name,
            p.cpf,
            p.phone,
            p.phone_whatsapp,
            p.email,
            p.city,
            resp.name,
            p.data_confirmed_on,
        ).outerjoin(resp, resp.id == p.responsible_id)
        stmt = self._filtered(stmt, text).order_by(p.name_search, p.id).offset(offset).limit(limit)
        return [
            PatientListItem(
                id=r[0],
                name=r[1],
                cpf=r[2],
                phone=r[3],
                phone_whatsapp=r[4],
                email=r[5],
                city=r[6],
                responsible_name=r[7] or "",
                data_confirmed_on=r[8],
            )
            for r in self.session.execute(stmt)
        ]

    def count(self, text: str) -> int:
        stmt = self._filtered(select(func.count()).select_from(models.Patient), text)
        return int(self.session.scalar(stmt) or 0)

    # --- mapping ------------------------------------------------------------------------
    @staticmethod
    def ref(row: models.Patient) -> PersonRef:
        return PersonRef(
            id=row.id,
            name=row.name,
            cpf=row.cpf,
            phone=row.phone,
            phone_whatsapp=row.phone_whatsapp,
            email=row.email,
        )

    def by_cpfs(self, cpfs: Iterable[str], chunk: int = 500) -> dict[str, models.Patient]:
        """The people already registered among ``cpfs``, by CPF (one query per ``chunk``)."""
        p = models.Patient
        wanted = sorted(set(cpfs))
        found: dict[str, models.Patient] = {}
        for start in range(0, len(wanted), chunk):
            stmt = select(p).where(p.cpf.in_(wanted[start : start + chunk]))
            for row in self.session.scalars(stmt):
                if row.cpf:
                    found[row.cpf] = row
        return found

    def dependent(self, name_search: str, responsible_cpf: str) -> models.Patient | None:
        """A person without CPF known by name under this responsável (a child, usually)."""
        p, resp = models.Patient, aliased(models.Patient)
        stmt = (
            select(p)
            .join(resp, resp.id == p.responsible_id)
            .where(p.name_search == name_search, resp.cpf == responsible_cpf)
            .limit(1)
        )
        return self.session.scalar(stmt)

    def export_rows(
        self, chunk: int = 1_000
    ) -> Iterator[tuple[int, PatientData, PersonRef | None, date | None]]:
        """Every person, by name, with their responsável (the Pacientes export)."""
        p = models.Patient
        stmt = select(p).order_by(p.name_search, p.id).execution_options(yield_per=chunk)
        for row in self.session.scalars(stmt):
            responsible = self.ref(row.responsible) if row.responsible else None
            yield row.id, self.data_of(row), responsible, row.data_confirmed_on

    @staticmethod
    def data_of(row: models.Patient) -> PatientData:
        return PatientData(
            name=row.name,
            cpf=row.cpf,
            birth_date=row.birth_date,
            phone=row.phone,
            phone_whatsapp=row.phone_whatsapp,
            phone_alt=row.phone_alt,
            phone_alt_whatsapp=row.phone_alt_whatsapp,
            email=row.email,
            street=row.street,
            number=row.number,
            complement=row.complement,
            district=row.district,
            city=row.city,
            state=row.state,
            zip_code=row.zip_code,
            opt_out_whatsapp=row.opt_out_whatsapp,
            opt_out_sms=row.opt_out_sms,
            opt_out_email=row.opt_out_email,
            opt_out_phone=row.opt_out_phone,
            notes=row.notes,
        )

    def to_domain(self, row: models.Patient) -> Patient:
        return Patient(
            id=row.id,
            version=row.version,
            data=self.data_of(row),
            responsible=self.ref(row.responsible) if row.responsible else None,
            data_confirmed_on=row.data_confirmed_on,
            dependents=tuple(self.ref(d) for d in self.dependents(row.id)),
        )


def _settlement_columns() -> tuple[Any, ...]:
    """What ``Settlement`` is built from: the installment, when, and each extinguished part."""
    a = models.PaymentAllocation
    return (
        a.installment_id,
        models.Payment.paid_on,
        a.principal_cents,
        a.fine_cents,
        a.interest_cents,
        a.correction_cents,
        a.discount_cents,
    )


def _effective(p: type[models.Payment]) -> tuple[Any, ...]:
    """A payment that counts: neither an estorno nor reversed by one."""
    return (p.reverses_payment_id.is_(None), p.reversed_by_id.is_(None))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class ContractRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: models.Contract) -> models.Contract:
        self.session.add(row)
        self.session.flush()
        return row

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
                v = models.CorrectionIndexValue
                rows = self.session.execute(
                    select(v.month, v.variation_bp).where(v.index_name == contract.correction_index)
                )
                cache[contract.correction_index] = CorrectionTable(
                    {month: bp for month, bp in rows}
                )
            correction = cache[contract.correction_index]
        return ChargePolicy(
            fine_bp=contract.fine_bp,
            interest_monthly_bp=contract.interest_monthly_bp,
            punctuality_discount_bp=contract.punctuality_discount_bp,
            correction=correction,
        )

    def ledgers(self, contract_id: int) -> list[InstallmentLedger]:
        """Installments with the settlements of their effective (not reversed) payments."""
        return self.ledgers_of([contract_id]).get(contract_id, [])

    def ledgers_of(self, contract_ids: Sequence[int]) -> dict[int, list[InstallmentLedger]]:
        """``ledgers`` for many contracts in two queries (exports)."""
        a, p, i = models.PaymentAllocation, models.Payment, models.Installment
        stmt = (
            select(*_settlement_columns())
            .join(p, p.id == a.payment_id)
            .join(i, i.id == a.installment_id)
            .where(i.contract_id.in_(contract_ids), *_effective(p))
            .order_by(p.paid_on, p.id)
        )
        by_installment: dict[int, list[Settlement]] = {}
        for row in self.session.execute(stmt):
            by_installment.setdefault(row[0], []).append(Settlement(*row[1:]))
        installments = select(i).where(i.contract_id.in_(contract_ids))
        result: dict[int, list[InstallmentLedger]] = {}
        for inst in self.session.scalars(installments.order_by(i.contract_id, i.number)):
            result.setdefault(inst.contract_id, []).append(
                InstallmentLedger(terms_of(inst), tuple(by_installment.get(inst.id, ())))
            )
        return result

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

    def open_for_patient(self, patient_id: int) -> list[models.Contract]:
        c = models.Contract
        stmt = select(c).where(c.patient_id == patient_id, c.status == "active").order_by(c.id)
        return list(self.session.scalars(stmt))

    def same_plan(
        self, patient_id: int, total_cents: int, first_due: date, installments: int
    ) -> models.Contract | None:
        """A contract of this patient with the same total, first due date and number of
        parcelas: the same contract, imported before from a file without contract numbers."""
        c = models.Contract
        stmt = select(c).where(
            c.patient_id == patient_id,
            c.total_cents == total_cents,
            c.first_due_date == first_due,
            c.installments_count == installments,
        )
        return self.session.scalars(stmt.limit(1)).first()

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
            status=row[8],
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

    def _search_filter(self, stmt: Select[Any], text: str) -> Select[Any]:
        pt = models.Patient
        for token in fold(text).split():
            number = re.sub(r"[.\-/()]", "", token)
            if number.isdigit():
                stmt = stmt.where(or_(pt.cpf.like(f"{number}%"), models.Contract.id == int(number)))
            else:
                stmt = stmt.where(pt.name_search.like(f"%{_escape_like(token)}%", escape="\\"))
        return stmt

    def search(self, text: str, offset: int, limit: int) -> list[ContractSummary]:
        stmt = self._search_filter(self._listing(), text)
        stmt = stmt.order_by(models.Contract.id.desc()).offset(offset).limit(limit)
        return [self._summary(r) for r in self.session.execute(stmt)]

    def count(self, text: str) -> int:
        c, pt = models.Contract, models.Patient
        stmt = select(func.count()).select_from(c).join(pt, pt.id == c.patient_id)
        return int(self.session.scalar(self._search_filter(stmt, text)) or 0)

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


class PaymentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: models.Payment) -> models.Payment:
        self.session.add(row)
        self.session.flush()
        return row

    def get(self, payment_id: int) -> models.Payment | None:
        return self.session.get(models.Payment, payment_id)

    def allocations(self, payment_id: int) -> list[models.PaymentAllocation]:
        a = models.PaymentAllocation
        return list(
            self.session.scalars(select(a).where(a.payment_id == payment_id).order_by(a.id))
        )

    def count_all(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(models.Payment)) or 0)

    def effective_on(self, contract_id: int) -> dict[tuple[date, int], list[str]]:
        """(date, amount) → references of the contract's effective payments (re-import check)."""
        p = models.Payment
        stmt = select(p.paid_on, p.amount_cents, p.reference).where(
            p.contract_id == contract_id,
            p.reverses_payment_id.is_(None),
            p.reversed_by_id.is_(None),
        )
        found: dict[tuple[date, int], list[str]] = {}
        for paid_on, amount, reference in self.session.execute(stmt):
            found.setdefault((paid_on, amount), []).append(reference or "")
        return found

    def export_lines(self, chunk: int = 2_000) -> Iterator[PaymentLine]:
        """Every payment and estorno, by date (the Pagamentos export)."""
        p, c, pt = models.Payment, models.Contract, models.Patient
        a, i = models.PaymentAllocation, models.Installment
        ids = list(self.session.scalars(select(p.id).order_by(p.paid_on, p.id)))
        for start in range(0, len(ids), chunk):
            batch = ids[start : start + chunk]
            numbers: dict[int, list[int]] = {}
            touched = (
                select(a.payment_id, i.number)
                .join(i, i.id == a.installment_id)
                .where(a.payment_id.in_(batch))
                .order_by(a.payment_id, i.number)
            )
            for payment_id, number in self.session.execute(touched):
                if number not in numbers.setdefault(payment_id, []):
                    numbers[payment_id].append(number)
            rows = self.session.execute(
                select(p, c.external_ref, pt.cpf, pt.name)
                .join(c, c.id == p.contract_id)
                .join(pt, pt.id == c.patient_id)
                .where(p.id.in_(batch))
                .order_by(p.paid_on, p.id)
            )
            for pay, external_ref, cpf, name in rows:
                yield PaymentLine(
                    id=pay.id,
                    contract_key=external_ref or str(pay.contract_id),
                    patient_cpf=cpf,
                    patient_name=name,
                    paid_on=pay.paid_on,
                    amount_cents=pay.amount_cents,
                    method=pay.method,
                    reference=pay.reference,
                    installments=tuple(numbers.get(pay.id, ())),
                    credit_cents=pay.credit_cents,
                    reversed=pay.reversed_by_id is not None,
                    is_reversal=pay.reverses_payment_id is not None,
                    reason=pay.reason,
                )
            self.session.expunge_all()

    def views_for_contract(self, contract_id: int) -> list[PaymentView]:
        p, a, i = models.Payment, models.PaymentAllocation, models.Installment
        numbers: dict[int, list[int]] = {}
        touched = (
            select(a.payment_id, i.number)
            .join(i, i.id == a.installment_id)
            .where(i.contract_id == contract_id)
            .order_by(i.number)
        )
        for payment_id, number in self.session.execute(touched):
            if number not in numbers.setdefault(payment_id, []):
                numbers[payment_id].append(number)
        rows = self.session.scalars(
            select(p).where(p.contract_id == contract_id).order_by(p.paid_on.desc(), p.id.desc())
        )
        return [
            PaymentView(
                id=r.id,
                paid_on=r.paid_on,
                amount_cents=r.amount_cents,
                method=r.method,
                reference=r.reference,
                credit_cents=r.credit_cents,
                reversed_by_id=r.reversed_by_id,
                reverses_payment_id=r.reverses_payment_id,
                reversal_code=r.reversal_code,
                reason=r.reason,
                installments=tuple(numbers.get(r.id, ())),
            )
            for r in rows
        ]


def contract_key(contract: models.Contract) -> str:
    """How a spreadsheet names a contract: its imported number, else EmDia's."""
    return contract.external_ref or str(contract.id)


def terms_of(inst: models.Installment) -> InstallmentTerms:
    return InstallmentTerms(
        number=inst.number,
        due_date=inst.due_date,
        effective_due_date=inst.effective_due_date,
        amount_cents=inst.amount_cents,
        renegotiated=inst.renegotiated_agreement_id is not None,
        key=inst.id,
    )


_IN_LIMIT = 500
_V = TypeVar("_V")


def _grouped(pairs: Iterable[tuple[int, _V]]) -> dict[int, list[_V]]:
    found: dict[int, list[_V]] = {}
    for key, value in pairs:
        found.setdefault(key, []).append(value)
    return found


def _end_of(day: date) -> datetime:
    """The first instant after ``day``: timestamps of that day are ``< _end_of(day)``."""
    return datetime.combine(day + timedelta(days=1), time())


def _chunks(ids: Iterable[int], size: int = _IN_LIMIT) -> Iterator[list[int]]:
    """IN lists in pieces: SQLite limits bound parameters per statement."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


class ReceivablesRepository:
    """What the worklist and the dashboard read: open installments by due date (through the
    covering ``ix_installment_open``), their settlements, and the patient facts risk needs.

    "Open on ``as_of``" = not renegotiated, in a contract that is not cancelled, and either not
    settled or settled only after ``as_of`` (a re-print for a past ``--today``)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _run(self, stmt: Executable) -> Any:  # a CursorResult of plain tuples
        """Plain-column queries through Core: no ORM loading machinery per row."""
        return self.session.connection().execute(stmt)

    def money_token(self) -> tuple[Any, ...]:
        """Changes whenever money may have changed: every money change adds a payment, an
        installment or a contract, or writes the audit log (a non-negotiable of the design);
        a cancellation changes the count of cancelled contracts. Index lookups only, whatever
        the size of the clinic."""
        tables = (models.AuditLog, models.Payment, models.Installment, models.Contract)
        cancelled = (
            select(func.count())
            .select_from(models.Contract)
            .where(models.Contract.status == ContractStatus.CANCELLED.value)
        )
        stmt = select(
            *(select(func.max(t.id)).scalar_subquery() for t in tables),
            cancelled.scalar_subquery(),
        )
        return tuple(self._run(stmt).one())

    # --- overdue installments with everything updated_debt needs ---------------------------
    def overdue_ledgers(
        self, as_of: date, patient_ids: Collection[int] | None = None
    ) -> list[OverdueLedger]:
        i, c = models.Installment, models.Contract
        columns = (
            i.id,
            i.contract_id,
            i.number,
            i.due_date,
            i.effective_due_date,
            i.amount_cents,
            i.paid_cents,
            c.patient_id,
            c.responsible_id,
            c.fine_bp,
            c.interest_monthly_bp,
            c.punctuality_discount_bp,
            c.correction_index,
        )
        base = (
            select(*columns)
            .join(c, c.id == i.contract_id)
            .where(
                i.renegotiated_agreement_id.is_(None),
                i.effective_due_date < as_of,
                c.status != ContractStatus.CANCELLED.value,
            )
        )
        if patient_ids is not None:
            base = base.where(c.patient_id.in_(sorted(patient_ids)))
        run = self._run
        open_now = run(base.where(i.settled_on.is_(None))).all()
        settled_later = run(base.where(i.settled_on > as_of)).all()
        settlements = self._settlements(as_of, patient_ids, [r[0] for r in settled_later])
        policies = _PolicyCache(self.session)
        return [
            OverdueLedger(
                r[1],
                r[7],
                r[8],
                InstallmentTerms(r[2], r[3], r[4], r[5], False, r[0]),
                settlements.get(r[0], ()),
                policies.get(r[9], r[10], r[11], r[12]),
            )
            for r in open_now + settled_later
        ]

    def _settlements(
        self, as_of: date, patient_ids: Collection[int] | None, extra_ids: list[int]
    ) -> dict[int, tuple[Settlement, ...]]:
        """Effective settlements of the open overdue installments (one indexed join), plus those
        of ``extra_ids`` (installments settled after ``as_of``)."""
        a, p, i, c = models.PaymentAllocation, models.Payment, models.Installment, models.Contract
        columns = _settlement_columns()
        effective = _effective(p)
        stmt = (
            select(*columns)
            .select_from(i)
            .join(a, a.installment_id == i.id)
            .join(p, p.id == a.payment_id)
            .where(
                i.settled_on.is_(None),
                i.renegotiated_agreement_id.is_(None),
                i.effective_due_date < as_of,
                *effective,
            )
        )
        if patient_ids is not None:
            stmt = stmt.join(c, c.id == i.contract_id).where(c.patient_id.in_(sorted(patient_ids)))
        run = self._run
        rows = run(stmt).all()
        for chunk in _chunks(extra_ids):
            extra = select(*columns).join(p, p.id == a.payment_id)
            rows += run(extra.where(a.installment_id.in_(chunk), *effective))
        found: dict[int, list[Settlement]] = {}
        for row in sorted(rows, key=lambda r: r[1]):
            found.setdefault(row[0], []).append(Settlement(*row[1:]))
        return {key: tuple(value) for key, value in found.items()}

    # --- who they are -----------------------------------------------------------------------
    def _chunked(self, ids: Iterable[int], query: Callable[[list[int]], Executable]) -> list[Any]:
        """Rows of ``query(chunk)`` for every chunk of ``ids`` (IN lists of bounded size)."""
        return [row for chunk in _chunks(ids) for row in self._run(query(chunk)).all()]

    def people(self, ids: Iterable[int]) -> dict[int, Person]:
        pt = models.Patient
        columns = (
            pt.id,
            pt.name,
            pt.name_search,
            pt.cpf,
            pt.phone,
            pt.phone_alt,
            pt.email,
            pt.responsible_id,
            pt.data_confirmed_on,
            pt.suspend_new_treatments,
            pt.opt_out_whatsapp,
            pt.opt_out_sms,
            pt.opt_out_email,
            pt.opt_out_phone,
        )
        rows = self._chunked(ids, lambda chunk: select(*columns).where(pt.id.in_(chunk)))
        return {r[0]: Person(*r) for r in rows}

    # --- history for risk -------------------------------------------------------------------
    def paid_history(
        self, patient_ids: Iterable[int], as_of: date
    ) -> dict[int, list[tuple[date, date]]]:
        """Installments (number ≥ 1) fully paid by ``as_of``: (effective due date, settled on)."""
        i, c = models.Installment, models.Contract
        rows = self._chunked(
            patient_ids,
            lambda chunk: (
                select(c.patient_id, i.effective_due_date, i.settled_on)
                .join(i, i.contract_id == c.id)
                .where(
                    c.patient_id.in_(chunk),
                    c.status != ContractStatus.CANCELLED.value,
                    i.number >= 1,
                    i.renegotiated_agreement_id.is_(None),
                    i.settled_on.is_not(None),
                    i.settled_on <= as_of,
                )
            ),
        )
        return _grouped((r[0], (r[1], r[2])) for r in rows)

    def last_payments(self, patient_ids: Iterable[int], as_of: date) -> dict[int, date]:
        p, c = models.Payment, models.Contract
        rows = self._chunked(
            patient_ids,
            lambda chunk: (
                select(c.patient_id, func.max(p.paid_on))
                .join(p, p.contract_id == c.id)
                .where(
                    c.patient_id.in_(chunk),
                    *_effective(p),
                    p.paid_on <= as_of,
                )
                .group_by(c.patient_id)
            ),
        )
        return {pid: day for pid, day in rows}

    def bounced_cheques(self, patient_ids: Iterable[int], as_of: date) -> dict[int, list[date]]:
        p, c = models.Payment, models.Contract
        rows = self._chunked(
            patient_ids,
            lambda chunk: (
                select(c.patient_id, p.paid_on)
                .join(p, p.contract_id == c.id)
                .where(
                    c.patient_id.in_(chunk),
                    p.reverses_payment_id.is_not(None),
                    p.reversal_code == "cheque_devolvido",
                    p.paid_on <= as_of,
                )
            ),
        )
        return _grouped((pid, day) for pid, day in rows)

    def contacts(
        self, person_ids: Iterable[int], since: date, as_of: date
    ) -> dict[int, list[ContactAttempt]]:
        """Contact attempts with each person from ``since`` to the end of ``as_of`` (newest
        first). For many people one pass over the period (by date) beats IN lists."""
        log = models.ContactLog
        wanted = set(person_ids)
        stmt = (
            select(log.patient_id, log.contacted_at, log.outcome)
            .where(
                log.contacted_at >= datetime.combine(since, time()),
                log.contacted_at < _end_of(as_of),
            )
            .order_by(log.contacted_at.desc(), log.id.desc())
        )
        if len(wanted) <= _IN_LIMIT:
            stmt = stmt.where(log.patient_id.in_(sorted(wanted)))
        rows = self._run(stmt).all()
        return _grouped(
            (pid, ContactAttempt(at, outcome)) for pid, at, outcome in rows if pid in wanted
        )

    def last_contacts(self, person_ids: Iterable[int], as_of: date) -> dict[int, ContactAttempt]:
        """Each person's latest contact attempt up to the end of ``as_of``, however old."""
        log = models.ContactLog

        def query(chunk: list[int]) -> Executable:
            latest = (
                select(log.patient_id, func.max(log.contacted_at))
                .where(log.patient_id.in_(chunk), log.contacted_at < _end_of(as_of))
                .group_by(log.patient_id)
            )
            return (
                select(log.patient_id, log.contacted_at, log.outcome)
                .where(tuple_(log.patient_id, log.contacted_at).in_(latest))
                .order_by(log.id)
            )

        rows = self._chunked(person_ids, query)
        return {pid: ContactAttempt(at, outcome) for pid, at, outcome in rows}

    def promises(
        self, person_ids: Iterable[int], since: date, as_of: date
    ) -> dict[int, list[promise_rules.PromiseRecord]]:
        """Promises made by ``as_of`` for a day from ``since`` on, with what was paid towards
        each (effective payments from the day it was made to the promised day)."""
        pr = models.Promise
        rows = self._chunked(
            person_ids,
            lambda chunk: select(
                pr.patient_id, pr.created_at, pr.promised_on, pr.amount_cents, pr.resolution
            ).where(
                pr.patient_id.in_(chunk),
                pr.promised_on >= since,
                pr.created_at < _end_of(as_of),
            ),
        )
        paid = self._promise_payments([(r[0], r[1].date(), r[2]) for r in rows], as_of)
        return _grouped(
            (
                pid,
                promise_rules.PromiseRecord(
                    created_at.date(), promised_on, amount, resolution, cents
                ),
            )
            for (pid, created_at, promised_on, amount, resolution), cents in zip(
                rows, paid, strict=True
            )
        )

    def _promise_payments(self, promises: list[tuple[int, date, date]], as_of: date) -> list[int]:
        """For each (person, made on, promised on): the money that person paid from the day
        the promise was made to the promised day (or ``as_of``), on contracts where they are
        the patient or the responsável financeiro. One query per chunk of people."""
        if not promises:
            return []
        p, c = models.Payment, models.Contract
        start = min(made for _, made, _ in promises)
        rows = self._chunked(
            (pid for pid, _, _ in promises),
            lambda chunk: (
                select(c.patient_id, c.responsible_id, p.paid_on, p.amount_cents)
                .join(p, p.contract_id == c.id)
                .where(
                    or_(c.patient_id.in_(chunk), c.responsible_id.in_(chunk)),
                    *_effective(p),
                    p.paid_on >= start,
                    p.paid_on <= as_of,
                )
            ),
        )
        wanted = {pid for pid, _, _ in promises}
        payments = _grouped(
            (person, (paid_on, amount))
            for patient_id, responsible_id, paid_on, amount in rows
            for person in {patient_id, responsible_id} & wanted
        )
        return [
            sum(
                amount
                for paid_on, amount in payments.get(pid, ())
                if made <= paid_on <= min(promised, as_of)
            )
            for pid, made, promised in promises
        ]

    def negativados(self, patient_ids: Iterable[int], as_of: date) -> dict[int, date]:
        """Since when each person is negativado on ``as_of`` (CDC art. 43), if they are."""
        n = models.Negativacao
        rows = self._chunked(
            patient_ids,
            lambda chunk: (
                select(n.patient_id, func.min(n.included_on))
                .where(
                    n.patient_id.in_(chunk),
                    n.included_on <= as_of,
                    or_(n.removed_on.is_(None), n.removed_on > as_of),
                )
                .group_by(n.patient_id)
            ),
        )
        return {pid: day for pid, day in rows}

    def agreements(
        self, patient_ids: Iterable[int], as_of: date
    ) -> dict[int, list[AgreementRecord]]:
        """Each person's acordos as they stood on ``as_of``: an accepted one whose parcela is
        more than ``BROKEN_AFTER_DAYS`` overdue counts as "broken" even before anyone opened it
        (the flag is a fact of the payments, like a broken promise)."""
        ag = models.Agreement
        rows = self._chunked(
            patient_ids,
            lambda chunk: select(ag.id, ag.patient_id, ag.as_of, ag.status).where(
                ag.patient_id.in_(chunk), ag.as_of <= as_of
            ),
        )
        kept = [r[0] for r in rows if r[3] in ("accepted", "broken")]
        plans = AgreementRepository(self.session).plan_installments(kept) if kept else {}
        return _grouped(
            (
                pid,
                AgreementRecord(
                    day,
                    "broken"
                    if aid in plans and agreement_rules.broken_on(plans[aid], as_of)
                    else ("accepted" if status == "broken" else status),
                ),
            )
            for aid, pid, day, status in rows
        )

    # --- the dashboard ----------------------------------------------------------------------
    def not_due_by_date(self, as_of: date) -> dict[date, int]:
        """Open principal of installments due from ``as_of`` on, per effective due date."""
        i, a, p = models.Installment, models.PaymentAllocation, models.Payment
        cancelled = select(models.Contract.id).where(
            models.Contract.status == ContractStatus.CANCELLED.value
        )
        stmt = (
            select(i.effective_due_date, func.sum(i.amount_cents - i.paid_cents))
            .where(
                i.settled_on.is_(None),
                i.renegotiated_agreement_id.is_(None),
                i.effective_due_date >= as_of,
                i.contract_id.not_in(cancelled),
            )
            .group_by(i.effective_due_date)
        )
        found = {day: int(cents) for day, cents in self._run(stmt)}
        # Principal paid after a past ``as_of`` was still owed on that day. The payments are
        # found first by date (usually none), so the allocations table is never scanned.
        late_payments = select(p.id).where(p.paid_on > as_of, *_effective(p))
        later = (
            select(i.effective_due_date, func.sum(a.principal_cents))
            .select_from(a)
            .join(i, i.id == a.installment_id)
            .where(
                a.payment_id.in_(late_payments),
                i.renegotiated_agreement_id.is_(None),
                i.effective_due_date >= as_of,
                i.contract_id.not_in(cancelled),
            )
            .group_by(i.effective_due_date)
        )
        for day, cents in self._run(later).all():
            found[day] = found.get(day, 0) + int(cents)
        return found

    def recovered(self, start: date, end: date) -> tuple[int, int]:
        """Money received in [start, end] for installments already overdue when paid (every
        component the payment extinguished, minus what was forgiven), and how many payments."""
        i, a, p = models.Installment, models.PaymentAllocation, models.Payment
        money = (
            a.principal_cents
            + a.fine_cents
            + a.interest_cents
            + a.correction_cents
            - a.discount_cents
        )
        stmt = (
            select(func.coalesce(func.sum(money), 0), func.count(func.distinct(p.id)))
            .select_from(p)
            .join(a, a.payment_id == p.id)
            .join(i, i.id == a.installment_id)
            .where(
                p.paid_on >= start,
                p.paid_on <= end,
                *_effective(p),
                p.paid_on > i.effective_due_date,
            )
        )
        row = self._run(stmt).one()
        return int(row[0] or 0), int(row[1] or 0)

    def promises_due(self, start: date, end: date, as_of: date) -> list[PromiseDue]:
        pr, pt = models.Promise, models.Patient
        stmt = (
            select(
                pr.patient_id,
                pt.name,
                pr.promised_on,
                pr.amount_cents,
                pr.created_at,
                pr.resolution,
            )
            .join(pt, pt.id == pr.patient_id)
            .where(pr.promised_on >= start, pr.promised_on <= end)
            .order_by(pr.promised_on, pt.name_search)
        )
        rows = self._run(stmt).all()
        paid = self._promise_payments([(r[0], r[4].date(), r[2]) for r in rows], as_of)
        return [
            PromiseDue(
                patient_id=pid,
                patient_name=name,
                promised_on=promised_on,
                amount_cents=amount,
                made_on=created_at.date(),
                resolution=resolution,
                paid_cents=cents,
            )
            for (pid, name, promised_on, amount, created_at, resolution), cents in zip(
                rows, paid, strict=True
            )
        ]


class _PolicyCache:
    """One ChargePolicy per distinct contract terms; correction tables read once per index."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.policies: dict[tuple[int, int, int, str], ChargePolicy] = {}
        self.tables: dict[str, CorrectionTable] = {}

    def get(self, fine_bp: int, interest_bp: int, discount_bp: int, index: str) -> ChargePolicy:
        key = (fine_bp, interest_bp, discount_bp, index)
        policy = self.policies.get(key)
        if policy is None:
            policy = ChargePolicy(
                fine_bp=fine_bp,
                interest_monthly_bp=interest_bp,
                punctuality_discount_bp=discount_bp,
                correction=None if index == "none" else self._table(index),
            )
            self.policies[key] = policy
        return policy

    def _table(self, index: str) -> CorrectionTable:
        if index not in self.tables:
            v = models.CorrectionIndexValue
            rows = self.session.execute(
                select(v.month, v.variation_bp).where(v.index_name == index)
            )
            self.tables[index] = CorrectionTable({month: bp for month, bp in rows})
        return self.tables[index]


class DocumentRepository:
    """The archive of generated PDFs (``document`` table) and the queries documents need."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: models.Document, *, flush: bool = True) -> models.Document:
        self.session.add(row)
        if flush:
            self.session.flush()
        return row

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
        )

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
        for token in fold(text).split():
            number = re.sub(r"[.\-/()]", "", token)
            if number.isdigit():
                stmt = stmt.where(or_(pt.cpf.like(f"{number}%"), d.contract_id == int(number)))
            else:
                stmt = stmt.where(
                    or_(
                        pt.name_search.like(f"%{_escape_like(token)}%", escape="\\"),
                        d.kind.like(f"{_escape_like(token)}%", escape="\\"),
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


def settlements_select(*conditions: Any) -> Select[*tuple[Any, ...]]:
    """``(installment_id, paid_on, principal, fine, interest, correction, discount)`` of every
    allocation of an effective payment (neither an estorno nor reversed), oldest first."""
    a, p = models.PaymentAllocation, models.Payment
    return (
        select(
            a.installment_id,
            p.paid_on,
            a.principal_cents,
            a.fine_cents,
            a.interest_cents,
            a.correction_cents,
            a.discount_cents,
        )
        .join(p, p.id == a.payment_id)
        .where(p.reverses_payment_id.is_(None), p.reversed_by_id.is_(None), *conditions)
        .order_by(p.paid_on, p.id)
    )


# --- the régua and the contact log (issue 6) ------------------------------------------------


@dataclass(frozen=True)
class ReguaInstallment:
    """An installment row with what the régua needs of its contract."""

    id: int
    contract_id: int
    patient_id: int
    responsible_id: int | None
    installments_count: int
    terms: InstallmentTerms
    settled_on: date | None


class CollectionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- the régua's steps ---------------------------------------------------------------
    def steps(self) -> list[models.ReguaStep]:
        r = models.ReguaStep
        return list(self.session.scalars(select(r).order_by(r.position, r.id)))

    # --- installments ----------------------------------------------------------------------
    def _installments(self, *conditions: Any) -> list[ReguaInstallment]:
        i, c = models.Installment, models.Contract
        stmt = (
            select(
                i.id,
                i.contract_id,
                c.patient_id,
                c.responsible_id,
                c.installments_count,
                i.number,
                i.due_date,
                i.effective_due_date,
                i.amount_cents,
                i.settled_on,
            )
            .join(c, c.id == i.contract_id)
            .where(
                i.renegotiated_agreement_id.is_(None),
                c.status.not_in(("cancelled", "renegotiated")),
                *conditions,
            )
            .order_by(i.contract_id, i.effective_due_date, i.number)
        )
        return [
            ReguaInstallment(
                id=row[0],
                contract_id=row[1],
                patient_id=row[2],
                responsible_id=row[3],
                installments_count=row[4],
                terms=InstallmentTerms(
                    number=row[5],
                    due_date=row[6],
                    effective_due_date=row[7],
                    amount_cents=row[8],
                    key=row[0],
                ),
                settled_on=row[9],
            )
            for row in self.session.execute(stmt)
        ]

    def open_installments(
        self, due_until: date, as_of: date, patient_id: int | None = None
    ) -> list[ReguaInstallment]:
        """Installments open on ``as_of`` (settled later counts as open then) and due by
        ``due_until``."""
        i, c = models.Installment, models.Contract
        conditions: list[Any] = [
            i.effective_due_date <= due_until,
            or_(i.settled_on.is_(None), i.settled_on > as_of),
        ]
        if patient_id is not None:
            conditions.append(c.patient_id == patient_id)
        return self._installments(*conditions)

    def settled_late(
        self, since: date, as_of: date, patient_id: int | None = None
    ) -> list[ReguaInstallment]:
        """Installments fully paid after their due date, between ``since`` and ``as_of``."""
        i, c = models.Installment, models.Contract
        conditions: list[Any] = [
            i.settled_on >= since,
            i.settled_on <= as_of,
            i.settled_on > i.effective_due_date,
        ]
        if patient_id is not None:
            conditions.append(c.patient_id == patient_id)
        return self._installments(*conditions)

    def settlements(self, installment_ids: Sequence[int]) -> dict[int, list[Settlement]]:
        """Settlements of effective (not reversed) payments, per installment id."""
        a = models.PaymentAllocation
        found: dict[int, list[Settlement]] = {}
        for chunk in _chunks(installment_ids):
            for row in self.session.execute(settlements_select(a.installment_id.in_(chunk))):
                found.setdefault(row[0], []).append(Settlement(*row[1:]))
        return found

    def policies(self, contract_ids: Sequence[int]) -> dict[int, ChargePolicy]:
        c = models.Contract
        contracts = ContractRepository(self.session)
        found: dict[int, ChargePolicy] = {}
        for chunk in _chunks(contract_ids):
            for row in self.session.scalars(select(c).where(c.id.in_(chunk))):
                found[row.id] = contracts.policy(row)
        return found

    # --- people ----------------------------------------------------------------------------
    def people(self, ids: Sequence[int]) -> dict[int, models.Patient]:
        p = models.Patient
        found: dict[int, models.Patient] = {}
        for chunk in _chunks(ids):
            for row in self.session.scalars(select(p).where(p.id.in_(chunk))):
                found[row.id] = row
        return found

    def negativados(self, patient_ids: Sequence[int], as_of: date) -> dict[int, date]:
        """Patients with a negativação in force on ``as_of``: since when."""
        n = models.Negativacao
        found: dict[int, date] = {}
        for chunk in _chunks(patient_ids):
            stmt = select(n.patient_id, func.min(n.included_on)).where(
                n.patient_id.in_(chunk),
                n.included_on <= as_of,
                or_(n.removed_on.is_(None), n.removed_on > as_of),
            )
            for pid, since in self.session.execute(stmt.group_by(n.patient_id)):
                found[pid] = since
        return found

    # --- contacts and promises -------------------------------------------------------------
    def contacts(
        self, patient_ids: Sequence[int], until: datetime
    ) -> dict[int, list[ContactRecord]]:
        log = models.ContactLog
        found: dict[int, list[ContactRecord]] = {}
        for chunk in _chunks(patient_ids):
            stmt = (
                select(log.patient_id, log.contacted_at, log.step_key, log.outcome, log.channel,
                       log.contract_id)
                .where(log.patient_id.in_(chunk), log.contacted_at < until)
                .order_by(log.contacted_at, log.id)
            )  # fmt: skip
            for pid, at, step, outcome, channel, contract_id in self.session.execute(stmt):
                found.setdefault(pid, []).append(
                    ContactRecord(at, step, outcome, channel, contract_id)
                )
        return found

    def payments_of(
        self, patient_ids: Sequence[int], since: date
    ) -> dict[int, list[promise_rules.PaymentFact]]:
        """Effective payments on the patients' contracts from ``since`` on."""
        p, c = models.Payment, models.Contract
        found: dict[int, list[promise_rules.PaymentFact]] = {}
        for chunk in _chunks(patient_ids):
            stmt = (
                select(c.patient_id, p.paid_on, p.amount_cents, p.contract_id, p.created_at)
                .join(c, c.id == p.contract_id)
                .where(
                    c.patient_id.in_(chunk),
                    p.paid_on >= since,
                    p.reverses_payment_id.is_(None),
                    p.reversed_by_id.is_(None),
                )
            )
            for pid, paid_on, amount, contract_id, created in self.session.execute(stmt):
                found.setdefault(pid, []).append(
                    promise_rules.PaymentFact(paid_on, amount, contract_id, recorded_at=created)
                )
        return found

    def promises(
        self, patient_ids: Sequence[int], made_until: date
    ) -> dict[int, list[promise_rules.PromiseRecord]]:
        """Promises made by ``made_until`` (``paid_cents`` not computed yet). A promise is made
        on the day of the contact that recorded it."""
        pr, log = models.Promise, models.ContactLog
        found: dict[int, list[promise_rules.PromiseRecord]] = {}
        for chunk in _chunks(patient_ids):
            stmt = (
                select(pr, log.contacted_at)
                .outerjoin(log, log.id == pr.contact_log_id)
                .where(pr.patient_id.in_(chunk))
                .order_by(pr.promised_on, pr.id)
            )
            for row, contacted_at in self.session.execute(stmt):
                made_on = (contacted_at or row.created_at).date()
                if made_on > made_until:
                    continue
                found.setdefault(row.patient_id, []).append(_promise(row, made_on))
        return found

    def add_contact(self, row: models.ContactLog) -> models.ContactLog:
        self.session.add(row)
        self.session.flush()
        return row

    def add_promise(self, row: models.Promise) -> models.Promise:
        self.session.add(row)
        self.session.flush()
        return row

    def history(self, patient_id: int) -> list[tuple[models.ContactLog, str, str]]:
        """The patient's contact log, newest first, with who logged each line."""
        log, u = models.ContactLog, models.User
        stmt = (
            select(log, u.username, u.full_name)
            .outerjoin(u, u.id == log.user_id)
            .where(log.patient_id == patient_id)
            .order_by(log.contacted_at.desc(), log.id.desc())
        )
        return [(row, name or "", full or "") for row, name, full in self.session.execute(stmt)]

    def promises_by_contact(self, patient_id: int) -> dict[int, promise_rules.PromiseRecord]:
        """The patient's promises keyed by the contact that recorded them."""
        pr, log = models.Promise, models.ContactLog
        stmt = (
            select(pr, log.contacted_at)
            .join(log, log.id == pr.contact_log_id)
            .where(pr.patient_id == patient_id)
        )
        return {
            row.contact_log_id or 0: _promise(row, contacted_at.date())
            for row, contacted_at in self.session.execute(stmt)
        }


def _promise(row: models.Promise, made_on: date) -> promise_rules.PromiseRecord:
    """A promise row as the domain reads it (made on the day of its contact)."""
    return promise_rules.PromiseRecord(
        made_on=made_on,
        promised_on=row.promised_on,
        amount_cents=row.amount_cents,
        resolution=row.resolution,
        key=row.id,
        contract_id=row.contract_id,
        made_at=row.created_at,
    )


class AgreementRepository:
    """acordos (renegotiations) and the records of consultas de crédito."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: models.Agreement) -> models.Agreement:
        self.session.add(row)
        self.session.flush()
        return row

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
        for chunk in _chunks(agreement_ids):
            stmt = (
                select(c.agreement_id, i.effective_due_date, i.settled_on)
                .join(i, i.contract_id == c.id)
                .where(c.agreement_id.in_(chunk), i.renegotiated_agreement_id.is_(None))
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

    def renegotiated(self, agreement_id: int) -> list[models.Installment]:
        i = models.Installment
        stmt = select(i).where(i.renegotiated_agreement_id == agreement_id).order_by(i.id)
        return list(self.session.scalars(stmt))

    def usernames(self, user_ids: Iterable[int | None]) -> dict[int, str]:
        ids = sorted({uid for uid in user_ids if uid is not None})
        if not ids:
            return {}
        u = models.User
        rows = self.session.execute(select(u.id, u.full_name, u.username).where(u.id.in_(ids)))
        return {uid: full or name for uid, full, name in rows}

    # --- consultas de crédito ------------------------------------------------------------------
    def add_credit_check(self, row: models.CreditCheck) -> models.CreditCheck:
        self.session.add(row)
        self.session.flush()
        return row

    def credit_checks(self, patient_id: int) -> list[models.CreditCheck]:
        cc = models.CreditCheck
        stmt = (
            select(cc)
            .where(cc.patient_id == patient_id)
            .order_by(cc.checked_on.desc(), cc.id.desc())
        )
        return list(self.session.scalars(stmt))


# --- negativação and the dossiê de cobrança (issue 10) ----------------------------------------


@dataclass(frozen=True)
class NegativacaoRow:
    """A ``negativacao`` row with the names the screens show."""

    id: int
    patient_id: int
    patient_name: str
    contract_id: int | None
    bureau: str
    amount_cents: int
    included_on: date
    protocol: str
    notice_document_id: int | None
    removed_on: date | None
    removal_reason: str
    included_by: str
    removed_by: str


class NegativacaoRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: models.Negativacao) -> models.Negativacao:
        self.session.add(row)
        self.session.flush()
        return row

    def get_row(self, negativacao_id: int) -> models.Negativacao | None:
        return self.session.get(models.Negativacao, negativacao_id)

    def acordo_first_paid(self, contract_ids: Iterable[int]) -> dict[int, date | None]:
        """For each renegotiated installment of these contracts: the day the acordo that replaced
        it had its first parcela (the earliest due: the entrada or parcela 1) settled, or None."""
        i, c = models.Installment, models.Contract
        replaced: dict[int, int] = {}
        for chunk in _chunks(contract_ids):
            stmt = select(i.id, i.renegotiated_agreement_id).where(
                i.contract_id.in_(chunk), i.renegotiated_agreement_id.is_not(None)
            )
            replaced.update({iid: aid for iid, aid in self.session.execute(stmt) if aid})
        first: dict[int, date | None] = {}
        for chunk in _chunks(sorted(set(replaced.values()))):
            plan = (
                select(c.agreement_id, i.settled_on)
                .join(i, i.contract_id == c.id)
                .where(c.agreement_id.in_(chunk), i.renegotiated_agreement_id.is_(None))
                .order_by(c.agreement_id, i.due_date, i.number)
            )
            for agreement_id, settled_on in self.session.execute(plan):
                if agreement_id is not None and agreement_id not in first:
                    first[agreement_id] = settled_on
        return {iid: first.get(aid) for iid, aid in replaced.items()}

    def rows(
        self,
        *,
        open_only: bool = False,
        patient_id: int | None = None,
        negativacao_id: int | None = None,
    ) -> list[NegativacaoRow]:
        n, pt = models.Negativacao, models.Patient
        included, removed = aliased(models.User), aliased(models.User)
        stmt = (
            select(n, pt.name, included.username, removed.username)
            .join(pt, pt.id == n.patient_id)
            .outerjoin(included, included.id == n.included_by_id)
            .outerjoin(removed, removed.id == n.removed_by_id)
            .order_by(n.included_on.desc(), n.id.desc())
        )
        if open_only:
            stmt = stmt.where(n.removed_on.is_(None))
        if patient_id is not None:
            c = models.Contract
            theirs = select(c.id).where(
                or_(c.patient_id == patient_id, c.responsible_id == patient_id)
            )
            stmt = stmt.where(or_(n.patient_id == patient_id, n.contract_id.in_(theirs)))
        if negativacao_id is not None:
            stmt = stmt.where(n.id == negativacao_id)
        return [
            NegativacaoRow(
                id=row.id,
                patient_id=row.patient_id,
                patient_name=name,
                contract_id=row.contract_id,
                bureau=row.bureau,
                amount_cents=row.amount_cents,
                included_on=row.included_on,
                protocol=row.protocol,
                notice_document_id=row.notice_document_id,
                removed_on=row.removed_on,
                removal_reason=row.removal_reason,
                included_by=by or "",
                removed_by=rby or "",
            )
            for row, name, by, rby in self.session.execute(stmt)
        ]

    def open_for_contract(self, contract_id: int) -> models.Negativacao | None:
        n = models.Negativacao
        stmt = (
            select(n)
            .where(n.contract_id == contract_id, n.removed_on.is_(None))
            .order_by(n.included_on)
        )
        return self.session.scalars(stmt).first()

    def documents_of(
        self, kinds: Collection[str], contract_id: int, agreement_id: int | None = None
    ) -> list[tuple[int, str, datetime]]:
        """``(id, kind, generated_at)`` of archived documents of these kinds about the contract
        (or about the acordo that created it: the confissão de dívida)."""
        d = models.Document
        about = d.contract_id == contract_id
        if agreement_id is not None:
            about = or_(about, d.agreement_id == agreement_id)
        stmt = select(d.id, d.kind, d.generated_at).where(d.kind.in_(list(kinds)), about)
        return [(i, k, at) for i, k, at in self.session.execute(stmt.order_by(d.id))]

    def notices_sent(
        self, person_ids: Collection[int], contract_id: int, step_key: str
    ) -> list[tuple[date, str]]:
        """Days and outcomes of contacts logged at ``step_key`` about this contract (or about no
        contract in particular) with these people."""
        log = models.ContactLog
        stmt = select(log.contacted_at, log.outcome).where(
            log.patient_id.in_(list(person_ids)),
            log.step_key == step_key,
            or_(log.contract_id.is_(None), log.contract_id == contract_id),
        )
        return [(at.date(), outcome) for at, outcome in self.session.execute(stmt)]
