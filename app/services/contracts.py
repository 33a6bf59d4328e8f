"""Contracts and their plans (Novo contrato, the patient's financial screen, ``emdia contract``,
``emdia debt``)."""

from __future__ import annotations

from datetime import date, datetime

from app.adapters.identity_checks import IDENTITY_CHECKS
from app.domain import identity
from app.domain.catalog import ContractStatus
from app.domain.contracts import (
    ContractData,
    ContractForm,
    ContractSummary,
    ContractTermsForm,
    ContractView,
    PaymentData,
    validate_contract,
    validate_contract_terms,
)
from app.domain.law import ChargePolicy, DebtLine, contract_debt
from app.domain.schedule import PlannedInstallment, plan
from app.errors import NotFoundError, ValidationError
from app.persistence import models
from app.services.base import Permission, Service, clinic_calendar, expect_version
from app.services.documents.gathering import debtor_of, letter_facts
from app.services.payments import record_payment
from app.services.ports import UnitOfWorkPort
from app.timeutil import as_utc


class ContractService(Service):
    # --- planning ---------------------------------------------------------------------------
    def _validated(
        self, uow: UnitOfWorkPort, patient_id: int, form: ContractForm
    ) -> tuple[models.Patient, ContractData]:
        patient = uow.patients.get(patient_id)
        if patient is None:
            raise NotFoundError(f"Paciente {patient_id} não encontrado.")
        data = validate_contract(
            form,
            self.clock.today(),
            patient_birth=patient.birth_date,
            has_responsible=patient.responsible_id is not None,
            checks=IDENTITY_CHECKS,
        )
        return patient, data

    def _plan(self, uow: UnitOfWorkPort, data: ContractData) -> list[PlannedInstallment]:
        return plan(
            data.total_cents,
            data.down_payment_cents,
            data.installments,
            data.first_due,
            clinic_calendar(uow),
            down_payment_due=self.clock.today(),
        )

    def preview(self, patient_id: int, form: ContractForm) -> list[PlannedInstallment]:
        """The plan the contract would have (for the live preview); nothing is written."""
        self.require(Permission.CONTRACTS)
        with self.uow() as uow:
            _patient, data = self._validated(uow, patient_id, form)
            return self._plan(uow, data)

    # --- commands ---------------------------------------------------------------------------
    def create(self, patient_id: int, form: ContractForm) -> ContractView:
        self.require(Permission.CONTRACTS)
        today = self.clock.today()
        with self.uow() as uow:
            patient, data = self._validated(uow, patient_id, form)
            contract = self.insert(uow, patient, data, self._plan(uow, data))
            if form.down_paid_now and data.down_payment_cents:
                record_payment(
                    self,
                    uow,
                    contract,
                    PaymentData(
                        contract_id=contract.id,
                        amount_cents=data.down_payment_cents,
                        paid_on=today,
                        method=data.method,
                        reference="entrada",
                        waive_charges=False,
                        keep_credit=False,
                    ),
                )
            uow.commit()
            return self._view(uow, contract, today)

    def update_terms(
        self, contract_id: int, form: ContractTermsForm, expected_version: int
    ) -> ContractView:
        """Edit description, signature date and witnesses. ``expected_version`` is the version
        the screen showed: if another PC saved this contract (or a payment changed its status)
        since, nothing is written and ``ConflictError`` says so."""
        self.require(Permission.CONTRACTS)
        today = self.clock.today()
        terms = validate_contract_terms(form, today, checks=IDENTITY_CHECKS)
        with self.uow() as uow:
            contract = uow.contracts.get(contract_id)
            if contract is None:
                raise NotFoundError(f"Contrato {contract_id} não encontrado.")
            expect_version(contract.version, expected_version)
            witnesses = [*terms.witnesses, ("", ""), ("", "")]
            contract.description = terms.description
            contract.signed_at = terms.signed_on
            contract.witness1_name, contract.witness1_cpf = witnesses[0]
            contract.witness2_name, contract.witness2_cpf = witnesses[1]
            uow.commit()
            return self._view(uow, contract, today)

    def insert(
        self,
        uow: UnitOfWorkPort,
        patient: models.Patient,
        data: ContractData,
        planned: list[PlannedInstallment],
    ) -> models.Contract:
        """Write a validated contract and its plan inside the caller's transaction, audited."""
        contract = self.build(uow, patient, data, planned)
        uow.flush()
        self.audit_created(uow, contract)
        return contract

    def build(
        self,
        uow: UnitOfWorkPort,
        patient: models.Patient,
        data: ContractData,
        planned: list[PlannedInstallment],
        *,
        clinic: models.Clinic | None = None,
        external_ref: str | None = None,
        punctuality_discount_bp: int | None = None,
        created_at: datetime | None = None,
    ) -> models.Contract:
        """The contract and its installments, added to the unit of work (written at the next flush;
        the spreadsheet import writes hundreds per flush). Audit it with ``audit_created``."""
        guarantor_id = None
        if data.guarantor_cpf:
            guarantor = uow.patients.by_cpf(data.guarantor_cpf)
            if guarantor is None:
                raise ValidationError.single(
                    "guarantor_cpf",
                    f"CPF do fiador: {identity.format_cpf(data.guarantor_cpf)} não está "
                    "cadastrado; cadastre o fiador em Pacientes primeiro.",
                )
            if guarantor.id in (patient.id, patient.responsible_id):
                # A fiador answers for someone else's debt (CC art. 818): the debtor cannot be
                # their own guarantor, nor can the responsável who already pays.
                who = "o próprio paciente" if guarantor.id == patient.id else "o responsável"
                raise ValidationError.single(
                    "guarantor_cpf",
                    f"CPF do fiador: é {who} deste contrato — o fiador precisa ser outra "
                    "pessoa, que garante a dívida de quem paga.",
                )
            guarantor_id = guarantor.id
        clinic = clinic or uow.clinic.get_or_create()
        contract = models.Contract(
            patient=patient,
            responsible_id=patient.responsible_id,
            guarantor_id=guarantor_id,
            description=data.description,
            total_cents=data.total_cents,
            down_payment_cents=data.down_payment_cents,
            installments_count=data.installments,
            first_due_date=data.first_due,
            due_day=data.first_due.day,
            payment_method=data.method.value,
            status="active",
            # The contract's own terms rule its charges, even if the clinic changes later.
            fine_bp=clinic.fine_bp,
            interest_monthly_bp=clinic.interest_monthly_bp,
            punctuality_discount_bp=(
                clinic.punctuality_discount_bp
                if punctuality_discount_bp is None
                else punctuality_discount_bp
            ),
            correction_index=clinic.correction_index,
            signed_at=data.signed_on,
            witness1_name=data.witnesses[0][0] if len(data.witnesses) > 0 else "",
            witness1_cpf=data.witnesses[0][1] if len(data.witnesses) > 0 else "",
            witness2_name=data.witnesses[1][0] if len(data.witnesses) > 1 else "",
            witness2_cpf=data.witnesses[1][1] if len(data.witnesses) > 1 else "",
            external_ref=external_ref,
            created_by_id=self.ctx.actor().user_id,
        )
        # Registered now (the real time; an import gives the contract's own date): a payment
        # may not be dated before it (``check_payment_date``).
        contract.created_at = created_at or as_utc(self.wall_clock.now())
        contract.installments = [
            models.Installment(
                number=item.number,
                due_date=item.due_date,
                effective_due_date=item.effective_due_date,
                amount_cents=item.amount_cents,
                paid_cents=0,
            )
            for item in planned
        ]
        uow.contracts.add(contract, flush=False)
        return contract

    def audit_created(
        self, uow: UnitOfWorkPort, contract: models.Contract, action: str = "contract.create"
    ) -> None:
        """The audit line of a new contract (once it has been flushed and has its id)."""
        self.audit(
            uow,
            action,
            "contract",
            contract.id,
            None,
            {
                "patient_id": contract.patient_id,
                "total_cents": contract.total_cents,
                "down_payment_cents": contract.down_payment_cents,
                "installments": [
                    [i.number, i.effective_due_date.isoformat(), i.amount_cents]
                    for i in contract.installments
                ],
                "fine_bp": contract.fine_bp,
                "interest_monthly_bp": contract.interest_monthly_bp,
                **({"external_ref": contract.external_ref} if contract.external_ref else {}),
            },
        )

    # --- queries ----------------------------------------------------------------------------
    def get(self, contract_id: int, as_of: date | None = None) -> ContractView:
        self.require(Permission.CONTRACTS)
        with self.uow() as uow:
            contract = uow.contracts.get(contract_id)
            if contract is None:
                raise NotFoundError(f"Contrato {contract_id} não encontrado.")
            return self._view(uow, contract, as_of or self.clock.today())

    def debt(self, contract_id: int, as_of: date | None = None) -> tuple[date, list[DebtLine]]:
        view = self.get(contract_id, as_of)
        return view.as_of, list(view.lines)

    def for_patient(self, patient_id: int) -> list[ContractSummary]:
        self.require(Permission.CONTRACTS)
        with self.uow() as uow:
            return uow.contracts.summaries_for_patient(patient_id)

    def search(
        self,
        text: str = "",
        offset: int = 0,
        limit: int = 100,
        *,
        status: ContractStatus | None = None,
        overdue: bool = False,
    ) -> list[ContractSummary]:
        """Contracts by patient name, CPF or number — of one status, or only those with an
        installment overdue today — newest first."""
        self.require(Permission.CONTRACTS)
        late = self.clock.today() if overdue else None
        with self.uow() as uow:
            return uow.contracts.search(text, offset, limit, status and status.value, late)

    def count(
        self, text: str = "", *, status: ContractStatus | None = None, overdue: bool = False
    ) -> int:
        self.require(Permission.CONTRACTS)
        late = self.clock.today() if overdue else None
        with self.uow() as uow:
            return uow.contracts.count(text, status and status.value, late)

    def policy(self, contract_id: int) -> ChargePolicy:
        self.require(Permission.CONTRACTS)
        with self.uow() as uow:
            contract = uow.contracts.get(contract_id)
            if contract is None:
                raise NotFoundError(f"Contrato {contract_id} não encontrado.")
            return uow.contracts.policy(contract)

    @staticmethod
    def _view(uow: UnitOfWorkPort, contract: models.Contract, as_of: date) -> ContractView:
        summary = uow.contracts.summary(contract.id)
        assert summary is not None
        lines = contract_debt(
            uow.contracts.ledgers(contract.id), as_of, uow.contracts.policy(contract)
        )
        return ContractView(
            summary=summary,
            description=contract.description,
            down_payment_cents=contract.down_payment_cents,
            fine_bp=contract.fine_bp,
            interest_monthly_bp=contract.interest_monthly_bp,
            punctuality_discount_bp=contract.punctuality_discount_bp,
            as_of=as_of,
            lines=tuple(lines),
            payments=tuple(uow.payments.views_for_contract(contract.id)),
            version=contract.version,
            letter=letter_facts(uow, contract, debtor_of(uow, contract), registered=True),
            signed_on=contract.signed_at,
            witnesses=tuple(
                (name, cpf)
                for name, cpf in (
                    (contract.witness1_name, contract.witness1_cpf),
                    (contract.witness2_name, contract.witness2_cpf),
                )
                if name or cpf
            ),
        )
