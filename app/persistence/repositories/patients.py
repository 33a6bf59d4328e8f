"""People: patients and the responsáveis financeiros who pay for them (search-as-you-type, CPF
look-ups, the Pacientes export)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from app.domain.patients import Patient, PatientData, PatientListItem, PersonRef
from app.persistence import models
from app.persistence.records import patient_data, person_ref
from app.persistence.repositories._sql import Repository, escape_like, search_tokens

_S = TypeVar("_S", bound=Select[*tuple[Any, ...]])


class PatientRepository(Repository):
    def add(self, row: models.Patient, *, flush: bool = True) -> models.Patient:
        """``flush=False``: written with the next flush, in a batch (an import of thousands)."""
        return self._add(row, flush=flush)

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
        for token, number in search_tokens(text):
            if number is not None:
                stmt = stmt.where(
                    or_(
                        p.cpf.like(f"{number}%"),
                        p.phone.like(f"%{number}%"),
                        p.phone_alt.like(f"%{number}%"),
                    )
                )
            else:
                stmt = stmt.where(p.name_search.like(f"%{escape_like(token)}%", escape="\\"))
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

    # --- many at once (imports, exports) -------------------------------------------------
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

    def dependents_by_name(
        self, wanted: Iterable[tuple[str, str]], chunk: int = 500
    ) -> dict[tuple[str, str], models.Patient]:
        """People without CPF known by name under a responsável (children, usually), for every
        ``(name_search, responsável's CPF)`` asked: one query per ``chunk`` of CPFs, however
        many children a spreadsheet brings."""
        pairs = set(wanted)
        cpfs = sorted({cpf for _name, cpf in pairs})
        p, resp = models.Patient, aliased(models.Patient)
        found: dict[tuple[str, str], models.Patient] = {}
        for start in range(0, len(cpfs), chunk):
            stmt = (
                select(p, resp.cpf)
                .join(resp, resp.id == p.responsible_id)
                .where(resp.cpf.in_(cpfs[start : start + chunk]))
                .order_by(p.id)
            )
            for row, cpf in self.session.execute(stmt):
                key = (row.name_search, cpf)
                if key in pairs:
                    found.setdefault(key, row)
        return found

    def export_rows(
        self, chunk: int = 1_000
    ) -> Iterator[tuple[int, PatientData, PersonRef | None, date | None]]:
        """Every person, by name, with their responsável (the Pacientes export)."""
        p = models.Patient
        stmt = select(p).order_by(p.name_search, p.id).execution_options(yield_per=chunk)
        for row in self.session.scalars(stmt):
            responsible = person_ref(row.responsible) if row.responsible else None
            yield row.id, patient_data(row), responsible, row.data_confirmed_on

    # --- mapping ------------------------------------------------------------------------
    def to_domain(self, row: models.Patient) -> Patient:
        return Patient(
            id=row.id,
            version=row.version,
            data=patient_data(row),
            responsible=person_ref(row.responsible) if row.responsible else None,
            data_confirmed_on=row.data_confirmed_on,
            dependents=tuple(person_ref(d) for d in self.dependents(row.id)),
        )
