"""Repositories: the only code that builds queries. They hand rows to services, and map rows to
the domain's frozen dataclasses so nothing outside ``app`` ever holds a live ORM object."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.domain.clinic import ClinicInfo
from app.domain.contracts import ContractSummary, PaymentView
from app.domain.law import (
    ChargePolicy,
    CorrectionTable,
    InstallmentLedger,
    InstallmentTerms,
    Settlement,
)
from app.domain.layouts import ContractHeader, PaymentLine
from app.domain.patients import Patient, PatientData, PatientListItem, PersonRef
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
            .join(i, i.id == a.installment_id)
            .where(
                i.contract_id.in_(contract_ids),
                p.reverses_payment_id.is_(None),
                p.reversed_by_id.is_(None),
            )
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
