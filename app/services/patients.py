"""Patients: register, edit, find (Pacientes screen, ``emdia patient``)."""

from __future__ import annotations

from datetime import date

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
        row.name = data.name
        row.name_search = fold(data.name)
        row.cpf = data.cpf
        row.birth_date = data.birth_date
        row.phone = data.phone
        row.phone_whatsapp = data.phone_whatsapp
        row.phone_alt = data.phone_alt
        row.phone_alt_whatsapp = data.phone_alt_whatsapp
        row.email = data.email
        row.street = data.street
        row.number = data.number
        row.complement = data.complement
        row.district = data.district
        row.city = data.city
        row.state = data.state
        row.zip_code = data.zip_code
        row.opt_out_whatsapp = data.opt_out_whatsapp
        row.opt_out_sms = data.opt_out_sms
        row.opt_out_email = data.opt_out_email
        row.opt_out_phone = data.opt_out_phone
        row.notes = data.notes

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
            raise ValidationError.single(
                "responsible_name",
                "Nome do responsável: este CPF ainda não está cadastrado — informe o nome "
                "completo para cadastrar o responsável.",
            )
        # The notificação and the negativação go to the person charged: their own address as
        # typed, or else the patient's (the parent a minor lives with, usually).
        at = data.address if data.address != Address() else address_of(home)
        person = models.Patient(
            name=data.name,
            name_search=fold(data.name),
            cpf=data.cpf,
            phone=data.phone,
            phone_whatsapp=data.phone_whatsapp,
            email=data.email,
            street=at.street,
            number=at.number,
            complement=at.complement,
            district=at.district,
            city=at.city,
            state=at.state,
            zip_code=at.zip_code,
            data_confirmed_on=self.wall_clock.today(),
        )
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
