"""Repositories: the only code that builds queries. They hand rows to services, and map rows to
the domain's frozen dataclasses so nothing outside ``app`` ever holds a live ORM object."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.domain.clinic import ClinicInfo
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

    def to_domain(self, row: models.Patient) -> Patient:
        data = PatientData(
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
        return Patient(
            id=row.id,
            version=row.version,
            data=data,
            responsible=self.ref(row.responsible) if row.responsible else None,
            data_confirmed_on=row.data_confirmed_on,
            dependents=tuple(self.ref(d) for d in self.dependents(row.id)),
        )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
