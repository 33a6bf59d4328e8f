"""Patients: register, edit, find (Pacientes screen, ``emdia patient``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.adapters.identity_checks import IDENTITY_CHECKS
from app.domain import identity
from app.domain.patients import (
    Address,
    Patient,
    PatientData,
    PatientForm,
    PatientListItem,
    PersonRef,
    ResponsibleData,
    address_of,
    validate_patient,
)
from app.domain.text import fold
from app.errors import DuplicateError, FieldError, NotFoundError, ValidationError
from app.persistence import models
from app.persistence.records import person_ref
from app.services.base import Permission, Service, expect_version
from app.services.ports import UnitOfWorkPort


@dataclass
class NewPerson:
    """A person an import registers, written later with many others (``write_new``): the
    columns of their row and, when their responsável is registered by the same import, that
    person (whose id exists only once written)."""

    values: dict[str, Any]
    responsible: NewPerson | None = field(default=None, repr=False)


class PatientService(Service):
    # --- queries --------------------------------------------------------------------------
    def get(self, patient_id: int) -> Patient:
        self.require(Permission.PATIENTS)
        with self.uow() as uow:
            row = uow.patients.get(patient_id)
            if row is None:
                raise NotFoundError(f"Paciente {patient_id} não encontrado.")
            return uow.patients.to_domain(row)

    def search(self, text: str = "", offset: int = 0, limit: int = 100) -> list[PatientListItem]:
        self.require(Permission.PATIENTS)
        with self.uow() as uow:
            return uow.patients.search(text, offset, limit)

    def count(self, text: str = "") -> int:
        self.require(Permission.PATIENTS)
        with self.uow() as uow:
            return uow.patients.count(text)

    def find_by_cpf(self, cpf_text: str) -> PersonRef | None:
        """Look a person up by CPF as typed; ``None`` when the CPF is invalid or unknown."""
        self.require(Permission.PATIENTS)
        cpf = identity.normalize_cpf(cpf_text, checks=IDENTITY_CHECKS)
        if isinstance(cpf, FieldError):
            return None
        with self.uow() as uow:
            row = uow.patients.by_cpf(cpf)
            return person_ref(row) if row else None

    # --- commands -------------------------------------------------------------------------
    def create(self, form: PatientForm) -> Patient:
        self.require(Permission.PATIENTS)
        today = self.clock.today()
        data = validate_patient(form, today, checks=IDENTITY_CHECKS)
        with self.uow() as uow:
            # typed at the desk just now: confirmed on the real day
            row = self.insert(uow, data, confirmed_on=self.wall_clock.today())
            self._commit(uow)
            return uow.patients.to_domain(row)

    def insert(
        self,
        uow: UnitOfWorkPort,
        data: PatientData,
        *,
        confirmed_on: date | None,
        cpf_checked: bool = False,
    ) -> models.Patient:
        """Write a validated patient inside the caller's transaction (the desk and the import).

        ``confirmed_on``: when the contact data was last confirmed with the person (``None``
        for data that came from a spreadsheet and was never confirmed in EmDia).
        ``cpf_checked``: the caller already knows the CPF is free (an import looks thousands up
        at once); the row is then written with the next flush, in a batch.
        """
        if not cpf_checked:
            self._check_cpf_free(uow, data.cpf, None)
        row = models.Patient(name=data.name, name_search=fold(data.name))
        self._apply(row, data)
        row.data_confirmed_on = confirmed_on
        row.responsible_id = self._resolve_responsible(uow, data.responsible, None, data)
        uow.patients.add(row, flush=not cpf_checked)
        return row

    def plan_insert(
        self, data: PatientData, registered: Mapping[str, int | NewPerson]
    ) -> list[NewPerson]:
        """What ``insert`` writes for ``data`` (an import's line: CPF already checked, contact
        data never confirmed), as rows for ``write_new`` instead of ORM objects: the patient,
        after their new responsável when the responsável's CPF is in ``registered`` — the
        people with CPF in the database (their ids) or planned earlier by the same import —
        neither. Refuses what ``insert`` refuses, with the same message."""
        planned: list[NewPerson] = []
        responsible: int | NewPerson | None = None
        if data.responsible is not None:
            responsible = registered.get(data.responsible.cpf)
            if responsible is None:
                if not data.responsible.name:
                    raise _responsible_name_missing()
                responsible = NewPerson(
                    new_responsible_values(data.responsible, data, self.wall_clock.today())
                )
                planned.append(responsible)
        values = {**patient_values(data), "data_confirmed_on": None, "responsible_id": None}
        if isinstance(responsible, NewPerson):
            planned.append(NewPerson(values, responsible))
        else:
            values["responsible_id"] = responsible
            planned.append(NewPerson(values))
        return planned

    @staticmethod
    def write_new(uow: UnitOfWorkPort, people: list[NewPerson]) -> int:
        """Write the ``plan_insert`` rows with one ``executemany`` per generation: the people
        whose responsável is already written first, then those whose responsável just got an
        id, and so on (the chains of a spreadsheet are short). Returns how many."""
        ids: dict[int, int] = {}  # id(NewPerson) -> the row's id
        pending = people
        while pending:
            ready = [p for p in pending if p.responsible is None or id(p.responsible) in ids]
            if not ready:  # pragma: no cover - plan_insert plans a responsável before its patient
                raise RuntimeError("responsável planejado fora da importação")
            rows = [
                p.values if p.responsible is None
                else {**p.values, "responsible_id": ids[id(p.responsible)]}
                for p in ready
            ]  # fmt: skip
            written = uow.bulk.insert_returning_ids(models.Patient, rows)
            ids.update((id(p), row_id) for p, row_id in zip(ready, written, strict=True))
            pending = [p for p in pending if id(p) not in ids]
        return len(ids)

    def update(self, patient_id: int, form: PatientForm, expected_version: int) -> Patient:
        self.require(Permission.PATIENTS)
        today = self.clock.today()
        data = validate_patient(form, today, checks=IDENTITY_CHECKS)
        with self.uow() as uow:
            row = uow.patients.get(patient_id)
            if row is None:
                raise NotFoundError(f"Paciente {patient_id} não encontrado.")
            expect_version(row.version, expected_version)
            self._check_cpf_free(uow, data.cpf, patient_id)
            self._apply(row, data)
            if form.confirm_data_today:
                row.data_confirmed_on = self.wall_clock.today()
            row.responsible_id = self._resolve_responsible(uow, data.responsible, patient_id, data)
            self._commit(uow)
            uow.refresh(row)
            return uow.patients.to_domain(row)

    # --- helpers --------------------------------------------------------------------------
    @staticmethod
    def _apply(row: models.Patient, data: PatientData) -> None:
        for column, value in patient_values(data).items():
            setattr(row, column, value)

    @staticmethod
    def _check_cpf_free(uow: UnitOfWorkPort, cpf: str | None, own_id: int | None) -> None:
        if not cpf:
            return
        other = uow.patients.by_cpf(cpf)
        if other is not None and other.id != own_id:
            raise ValidationError.single(
                "cpf",
                f"CPF: {identity.format_cpf(cpf)} já está cadastrado para {other.name} "
                f"(código {other.id}). Abra esse cadastro em vez de criar outro.",
            )

    def _resolve_responsible(
        self,
        uow: UnitOfWorkPort,
        data: ResponsibleData | None,
        own_id: int | None,
        home: PatientData,
    ) -> int | None:
        """Link an existing person by CPF, or register the new responsável; refuse cycles.

        A new responsável is registered at the address typed for them, or else at the patient's
        (``home``) — the collection letters go to whoever pays."""
        if data is None:
            return None
        existing = uow.patients.by_cpf(data.cpf)
        if existing is not None:
            if own_id is not None and existing.id == own_id:
                raise ValidationError.single(
                    "responsible_cpf", "CPF do responsável: é o CPF deste mesmo cadastro."
                )
            cursor: models.Patient | None = existing
            for _ in range(50):  # the chain of responsáveis is short; a loop is a mistake
                if cursor is None:
                    break
                if own_id is not None and cursor.responsible_id == own_id:
                    raise ValidationError.single(
                        "responsible_cpf",
                        f"CPF do responsável: {existing.name} tem este paciente como "
                        "responsável financeiro; um não pode ser responsável pelo outro.",
                    )
                cursor = cursor.responsible
            return existing.id
        if not data.name:
            raise _responsible_name_missing()
        person = models.Patient(**new_responsible_values(data, home, self.wall_clock.today()))
        uow.patients.add(person)
        return person.id

    @staticmethod
    def _commit(uow: UnitOfWorkPort) -> None:
        try:
            uow.commit()
        except DuplicateError as exc:
            # Another window saved the same CPF between our check and our commit.
            raise ValidationError.single(
                "cpf", "CPF: acabou de ser cadastrado em outro computador; busque-o na lista."
            ) from exc


def patient_values(data: PatientData) -> dict[str, Any]:
    """The columns a patient's validated data sets on their row (the desk's form and the
    import alike)."""
    return {
        "name": data.name,
        "name_search": fold(data.name),
        "cpf": data.cpf,
        "birth_date": data.birth_date,
        "phone": data.phone,
        "phone_whatsapp": data.phone_whatsapp,
        "phone_alt": data.phone_alt,
        "phone_alt_whatsapp": data.phone_alt_whatsapp,
        "email": data.email,
        "street": data.street,
        "number": data.number,
        "complement": data.complement,
        "district": data.district,
        "city": data.city,
        "state": data.state,
        "zip_code": data.zip_code,
        "opt_out_whatsapp": data.opt_out_whatsapp,
        "opt_out_sms": data.opt_out_sms,
        "opt_out_email": data.opt_out_email,
        "opt_out_phone": data.opt_out_phone,
        "notes": data.notes,
    }


def new_responsible_values(
    data: ResponsibleData, home: PatientData, confirmed_on: date
) -> dict[str, Any]:
    """The row of a responsável registered with a patient: every column ``patient_values``
    sets, so a bulk write gives all its rows the same keys.

    The notificação and the negativação go to the person charged: their own address as typed,
    or else the patient's (``home``: the parent a minor lives with, usually)."""
    at = data.address if data.address != Address() else address_of(home)
    return {
        "name": data.name,
        "name_search": fold(data.name),
        "cpf": data.cpf,
        "birth_date": None,
        "phone": data.phone,
        "phone_whatsapp": data.phone_whatsapp,
        "phone_alt": "",
        "phone_alt_whatsapp": False,
        "email": data.email,
        "street": at.street,
        "number": at.number,
        "complement": at.complement,
        "district": at.district,
        "city": at.city,
        "state": at.state,
        "zip_code": at.zip_code,
        "opt_out_whatsapp": False,
        "opt_out_sms": False,
        "opt_out_email": False,
        "opt_out_phone": False,
        "notes": "",
        "data_confirmed_on": confirmed_on,
        "responsible_id": None,
    }


def _responsible_name_missing() -> ValidationError:
    return ValidationError.single(
        "responsible_name",
        "Nome do responsável: este CPF ainda não está cadastrado — informe o nome "
        "completo para cadastrar o responsável.",
    )
