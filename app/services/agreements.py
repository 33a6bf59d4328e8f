"""acordos (Nova proposta de acordo, the patient's Acordos tab, ``emdia agreement``) and the
records of consultas de crédito (``emdia credit-check``).

Roles: the desk drafts and accepts acordos (``CONTRACTS``); a discount above the
clinic's limit (``clinic.discount_approval_limit_bp``) needs the gestor — proposed by someone
without ``DISCOUNT_ABOVE_LIMIT`` it is saved waiting for approval, and only
``APPROVE_RENEGOTIATION`` releases it. Accepting is one transaction: the old installments are
marked renegotiated (kept, never deleted), a new contract carries the plan, all audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from app.domain import agreements as rules
from app.domain import credit_checks as credit
from app.domain.agreements import (
    AgreementForm,
    AgreementOption,
    AgreementPlan,
    AgreementView,
    OpenInstallment,
    OriginItem,
    OriginLine,
    ScheduleItem,
)
from app.domain.catalog import AgreementStatus, ContractStatus, PaymentMethod
from app.domain.contracts import ContractData
from app.domain.credit_checks import CreditCheckForm, CreditCheckView
from app.domain.law import contract_debt
from app.domain.money import format_brl, format_percent
from app.domain.schedule import PlannedInstallment
from app.errors import EmDiaError, NotFoundError, ValidationError
from app.persistence import models
from app.services.base import Permission, Service, clinic_calendar
from app.services.contracts import ContractService
from app.services.ports import UnitOfWorkPort

_OPEN_STATUSES = (AgreementStatus.ACCEPTED.value, AgreementStatus.BROKEN.value)


class AgreementService(Service):
    def __init__(self, ctx: Any, contracts: ContractService) -> None:
        super().__init__(ctx)
        self.contracts = contracts

    # --- what can be renegotiated -----------------------------------------------------------
    def open_installments(self, patient_id: int) -> list[OpenInstallment]:
        """Every open installment of the patient's contracts and of those they are responsável
        for, updated today (oldest first)."""
        self.require(Permission.CONTRACTS)
        with self.uow() as uow:
            return self._open(uow, patient_id, self.clock.today())

    def _open(self, uow: UnitOfWorkPort, patient_id: int, as_of: date) -> list[OpenInstallment]:
        if uow.patients.get(patient_id) is None:
            raise NotFoundError(f"Paciente {patient_id} não encontrado.")
        contracts = [
            c
            for c in uow.contracts.for_patient(patient_id)
            if c.status not in (ContractStatus.CANCELLED.value, ContractStatus.SETTLED.value)
        ]
        ledgers = uow.contracts.ledgers_of([c.id for c in contracts])
        names = {p.id: p.name for p in _people(uow, {c.patient_id for c in contracts})}
        found: list[OpenInstallment] = []
        for contract in contracts:
            lines = contract_debt(
                ledgers.get(contract.id, []), as_of, uow.contracts.policy(contract)
            )
            for line in lines:
                if line.is_open:
                    origin = OriginLine(line.key, contract.id, contract.installments_count, line)
                    found.append(OpenInstallment(origin, names.get(contract.patient_id, "")))
        found.sort(key=lambda o: (o.line.effective_due_date, o.origin.contract_id, o.line.number))
        return found

    def _origin(
        self, uow: UnitOfWorkPort, patient_id: int, form: AgreementForm, as_of: date
    ) -> list[OriginLine]:
        offered = {o.origin.installment_id: o.origin for o in self._open(uow, patient_id, as_of)}
        unknown = [i for i in form.installment_ids if i not in offered]
        if unknown:
            raise ValidationError.single(
                "installment_ids",
                "Parcelas: "
                + ", ".join(str(i) for i in unknown)
                + " não são parcelas em aberto deste paciente (nem de quem ele é responsável).",
            )
        return [offered[i] for i in dict.fromkeys(form.installment_ids)]

    # --- proposing --------------------------------------------------------------------------
    def preview(self, patient_id: int, form: AgreementForm) -> list[AgreementOption]:
        """The options side by side for the form (the typed plan among them); nothing is
        written. Refusals are pt-BR ValidationErrors per field."""
        self.require(Permission.CONTRACTS)
        today = self.clock.today()
        with self.uow() as uow:
            origin = self._origin(uow, patient_id, form, today)
            terms = rules.validate(form, origin, today)
            return rules.options(origin, terms, today, clinic_calendar(uow))

    def propose(self, patient_id: int, form: AgreementForm) -> AgreementView:
        """Compute the acordo from today's updated debt and store it as proposed (waiting for
        the gestor when the discount passes the clinic's limit and the user may not give it)."""
        actor = self.require(Permission.CONTRACTS)
        today = self.clock.today()
        with self.uow() as uow:
            uow.begin_write()
            patient = uow.patients.get(patient_id)
            if patient is None:
                raise NotFoundError(f"Paciente {patient_id} não encontrado.")
            origin = self._origin(uow, patient_id, form, today)
            terms = rules.validate(form, origin, today)
            plan = rules.compute(origin, terms, today, clinic_calendar(uow))
            clinic = uow.clinic.get_or_create()
            above = plan.discount_bp > clinic.discount_approval_limit_bp
            may = actor.can(Permission.DISCOUNT_ABOVE_LIMIT)
            row = models.Agreement(
                patient_id=patient_id,
                status=AgreementStatus.PROPOSED.value,
                as_of=today,
                principal_cents=plan.debt.principal_cents,
                charges_cents=plan.debt.charges_cents,
                discount_cents=plan.discount_cents,
                down_payment_cents=plan.down_payment_cents,
                installments_count=plan.count,
                first_due_date=plan.first_due,
                breakdown=_breakdown(plan, patient, needs_approval=above and not may),
                approved_by_id=actor.user_id if above and may else None,
                created_by_id=actor.user_id,
                notes=terms.notes,
            )
            uow.agreements.add(row)
            self.audit(uow, "agreement.propose", "agreement", row.id, None, _audit_of(row))
            uow.commit()
            return view_of(uow, row)

    def approve(self, agreement_id: int) -> AgreementView:
        """The gestor releases a proposal whose discount passes the clinic's limit."""
        actor = self.require(Permission.APPROVE_RENEGOTIATION)
        with self.uow() as uow:
            uow.begin_write()
            row = self._get(uow, agreement_id)
            if row.status != AgreementStatus.PROPOSED.value:
                raise EmDiaError(
                    f"Acordo {agreement_id}: só uma proposta pode ser aprovada (este está "
                    f"{rules.STATUS_LABELS.get(row.status, row.status)})."
                )
            before = _audit_of(row)
            row.approved_by_id = actor.user_id
            row.breakdown = {**row.breakdown, "needs_approval": False}
            self.audit(uow, "agreement.approve", "agreement", row.id, before, _audit_of(row))
            uow.commit()
            return view_of(uow, row)

    # --- accepting --------------------------------------------------------------------------
    def accept(self, agreement_id: int) -> AgreementView:
        """The patient agreed: in one transaction the chosen installments become
        "renegociado" (kept), a new contract carries the plan, and both are audited."""
        self.require(Permission.CONTRACTS)
        today = self.clock.today()
        with self.uow() as uow:
            uow.begin_write()
            row = uow.agreements.get_for_update(agreement_id)
            if row is None:
                raise NotFoundError(f"Acordo {agreement_id} não encontrado.")
            # A payment being taken on an origin contract right now goes first, or waits.
            for contract_id in sorted({o["contract_id"] for o in row.breakdown["origin"]}):
                uow.lock_contract(contract_id)
            if row.status != AgreementStatus.PROPOSED.value:
                raise EmDiaError(
                    f"Acordo {agreement_id}: já está "
                    f"{rules.STATUS_LABELS.get(row.status, row.status)}; nada foi alterado."
                )
            if row.breakdown.get("needs_approval"):
                raise EmDiaError(
                    f"Acordo {agreement_id}: o desconto de {format_brl(row.discount_cents)} passa "
                    "do limite da clínica e precisa da aprovação do gestor antes de ser aceito."
                )
            if today > row.first_due_date:
                raise EmDiaError(
                    f"Acordo {agreement_id}: o primeiro vencimento da proposta já passou; faça "
                    "uma nova proposta com os valores de hoje."
                )
            olds = self._unchanged_origin(uow, row)
            patient = uow.patients.get(int(row.breakdown["contract_patient_id"]))
            assert patient is not None
            data = ContractData(
                total_cents=row.principal_cents + row.charges_cents - row.discount_cents,
                down_payment_cents=row.down_payment_cents,
                installments=row.installments_count,
                first_due=row.first_due_date,
                method=PaymentMethod(row.breakdown.get("method", PaymentMethod.PIX.value)),
                description=f"Acordo nº {row.id} (renegociação)",
                guarantor_cpf=None,
                signed_on=today,
                witnesses=(),
            )
            planned = [
                # The entrada is due the day the patient signs (a proposal accepted days later
                # does not start with an overdue entrada).
                PlannedInstallment(s["number"], today, today, s["amount_cents"])
                if s["number"] == 0
                else PlannedInstallment(
                    s["number"],
                    date.fromisoformat(s["due_date"]),
                    date.fromisoformat(s["effective_due_date"]),
                    s["amount_cents"],
                )
                for s in row.breakdown["schedule"]
            ]
            contract = self.contracts.build(uow, patient, data, planned)
            contract.agreement_id = row.id
            # The confessed charges folded into the plan earn no new juros (Súmula 121 STF).
            contract.interest_free_cents = rules.folded_charges_cents(
                row.charges_cents, int(row.breakdown.get("discount_on_charges_cents", 0))
            )
            uow.flush()
            self.contracts.audit_created(uow, contract, action="agreement.contract")
            before = _audit_of(row)
            touched: set[int] = set()
            for inst in olds:
                inst.renegotiated_agreement_id = row.id
                touched.add(inst.contract_id)
            uow.flush()
            for contract_id in sorted(touched):
                self._mark_renegotiated(uow, contract_id)
            row.status = AgreementStatus.ACCEPTED.value
            row.accepted_on = today
            after = {**_audit_of(row), "contract_id": contract.id,
                     "renegotiated_installments": [i.id for i in olds]}  # fmt: skip
            self.audit(uow, "agreement.accept", "agreement", row.id, before, after)
            uow.commit()
            return view_of(uow, row)

    def _unchanged_origin(
        self, uow: UnitOfWorkPort, row: models.Agreement
    ) -> list[models.Installment]:
        """The proposal's installments, refused if any was paid, renegotiated or cancelled
        since: the confissão must confess exactly what is owed."""
        origin = row.breakdown["origin"]
        installments = {i.id: i for i in uow.agreements.installments(o["installment_id"]
                                                                    for o in origin)}  # fmt: skip
        changed = []
        for item in origin:
            inst = installments.get(item["installment_id"])
            if (
                inst is None
                or inst.renegotiated_agreement_id is not None
                or inst.settled_on is not None
                or inst.amount_cents - inst.paid_cents != item["principal_cents"]
                or inst.contract.status == ContractStatus.CANCELLED.value
            ):
                changed.append(item["label"])
        if changed:
            raise EmDiaError(
                "As parcelas mudaram desde a proposta (" + "; ".join(changed) + "): houve "
                "pagamento, cancelamento ou outro acordo. Faça uma nova proposta."
            )
        return [installments[o["installment_id"]] for o in origin]

    @staticmethod
    def _mark_renegotiated(uow: UnitOfWorkPort, contract_id: int) -> None:
        """A contract whose every open installment went into acordos is "renegociado"."""
        contract = uow.contracts.get(contract_id)
        assert contract is not None
        still_open = [
            i
            for i in uow.contracts.installments(contract_id)
            if i.settled_on is None and i.renegotiated_agreement_id is None
        ]
        if not still_open and contract.status == ContractStatus.ACTIVE.value:
            contract.status = ContractStatus.RENEGOTIATED.value

    # --- reading ----------------------------------------------------------------------------
    def for_patient(self, patient_id: int) -> list[AgreementView]:
        """The patient's acordos, newest first; accepted ones that went unpaid are flagged
        "não cumprido" on the way (see ``flag_broken``)."""
        self.require(Permission.CONTRACTS)
        with self.uow() as uow:
            rows = uow.agreements.for_patient(patient_id)
            if self._flag_broken(uow, rows):
                uow.commit()
            return [view_of(uow, r) for r in rows]

    def get(self, agreement_id: int) -> AgreementView:
        self.require(Permission.CONTRACTS)
        with self.uow() as uow:
            row = self._get(uow, agreement_id)
            if self._flag_broken(uow, [row]):
                uow.commit()
            return view_of(uow, row)

    def flag_broken(self) -> list[int]:
        """Mark every accepted acordo with a parcela more than ``BROKEN_AFTER_DAYS`` overdue as
        "não cumprido" (``broken_on`` = the day it broke), audited; its history stays as it
        was. Returns the ids flagged now."""
        self.require(Permission.CONTRACTS)
        with self.uow() as uow:
            rows = uow.agreements.with_status([AgreementStatus.ACCEPTED.value])
            flagged = self._flag_broken(uow, rows)
            uow.commit()
            return flagged

    def _flag_broken(self, uow: UnitOfWorkPort, rows: Sequence[models.Agreement]) -> list[int]:
        accepted = [r for r in rows if r.status == AgreementStatus.ACCEPTED.value]
        if not accepted:
            return []
        today = self.clock.today()
        plans = uow.agreements.plan_installments(r.id for r in accepted)
        flagged = []
        for row in accepted:
            day = rules.broken_on(plans.get(row.id, []), today)
            if day is None:
                continue
            before = _audit_of(row)
            row.status = AgreementStatus.BROKEN.value
            row.broken_on = day
            self.audit(uow, "agreement.broken", "agreement", row.id, before, _audit_of(row))
            flagged.append(row.id)
        return flagged

    def _get(self, uow: UnitOfWorkPort, agreement_id: int) -> models.Agreement:
        row = uow.agreements.get(agreement_id)
        if row is None:
            raise NotFoundError(f"Acordo {agreement_id} não encontrado.")
        return row

    def approval_note(self, plan: AgreementPlan) -> str | None:
        """What the dialog says when the discount passes the clinic's limit (``None`` if not)."""
        with self.uow() as uow:
            limit = uow.clinic.get_or_create().discount_approval_limit_bp
        if plan.discount_bp <= limit:
            return None
        if self.actor.can(Permission.DISCOUNT_ABOVE_LIMIT):
            return (
                f"Desconto acima do limite da clínica ({format_percent(limit)}): aprovado por "
                "você ao salvar."
            )
        return (
            f"Desconto acima do limite da clínica ({format_percent(limit)}): a proposta fica "
            "aguardando a aprovação do gestor antes de ser aceita."
        )

    # --- consultas de crédito ---------------------------------------------------------------
    def add_credit_check(self, patient_id: int, form: CreditCheckForm) -> CreditCheckView:
        """Record that a bureau was consulted (EmDia calls no bureau online), audited."""
        actor = self.require(Permission.PATIENTS)
        data = credit.validate(form, self.clock.today())
        with self.uow() as uow:
            if uow.patients.get(patient_id) is None:
                raise NotFoundError(f"Paciente {patient_id} não encontrado.")
            row = uow.agreements.add_credit_check(
                models.CreditCheck(
                    patient_id=patient_id,
                    bureau=data.bureau,
                    checked_on=data.checked_on,
                    result=data.result,
                    notes=data.notes,
                    user_id=actor.user_id,
                )
            )
            self.audit(
                uow,
                "credit_check.add",
                "credit_check",
                row.id,
                None,
                {"patient_id": patient_id, "bureau": data.bureau,
                 "checked_on": data.checked_on.isoformat(), "result": data.result},
            )  # fmt: skip
            uow.commit()
            return _credit_view(row, actor.full_name or actor.username)

    def credit_checks(self, patient_id: int) -> list[CreditCheckView]:
        self.require(Permission.PATIENTS)
        with self.uow() as uow:
            rows = uow.agreements.credit_checks(patient_id)
            users = uow.users.display_names(r.user_id for r in rows)
            return [_credit_view(r, users.get(r.user_id or 0, "")) for r in rows]

    def credit_reminder(self, patient_id: int, total_cents: int) -> str | None:
        """The non-blocking note for a new contract of ``total_cents`` (Novo contrato)."""
        self.require(Permission.CONTRACTS)
        with self.uow() as uow:
            clinic = uow.clinic.get_or_create()
            checks = uow.agreements.credit_checks(patient_id)
            patient = uow.patients.get(patient_id)
            if patient is not None and patient.responsible_id is not None:
                # The responsável pays: their consultation is the one that speaks for the plan.
                checks += uow.agreements.credit_checks(patient.responsible_id)
            last = max((c.checked_on for c in checks), default=None)
            threshold = credit.reminder_threshold(clinic.credit_check_above_cents)
        return credit.reminder(total_cents, threshold, last, self.clock.today())


def view_of(uow: UnitOfWorkPort, row: models.Agreement) -> AgreementView:
    """The acordo as screens, the CLI and the confissão read it."""
    b = row.breakdown
    patient = uow.patients.get(row.patient_id)
    debtor = uow.patients.get(int(b.get("debtor_id", row.patient_id)))
    contract = uow.agreements.contract_of(row.id)
    users = uow.users.display_names([row.created_by_id, row.approved_by_id])
    return AgreementView(
        id=row.id,
        patient_id=row.patient_id,
        patient_name=patient.name if patient else "",
        debtor_id=debtor.id if debtor else row.patient_id,
        debtor_name=debtor.name if debtor else "",
        status=AgreementStatus(row.status),
        needs_approval=bool(b.get("needs_approval")),
        as_of=row.as_of,
        principal_cents=row.principal_cents,
        fine_cents=int(b.get("fine_cents", 0)),
        interest_cents=int(b.get("interest_cents", 0)),
        correction_cents=int(b.get("correction_cents", 0)),
        discount_on_charges_cents=int(b.get("discount_on_charges_cents", 0)),
        discount_on_principal_cents=int(b.get("discount_on_principal_cents", 0)),
        down_payment_cents=row.down_payment_cents,
        count=row.installments_count,
        first_due=row.first_due_date,
        origin=tuple(
            OriginItem(
                installment_id=o["installment_id"],
                contract_id=o["contract_id"],
                label=o["label"],
                due_date=date.fromisoformat(o["effective_due_date"]),
                days_late=o["days_late"],
                principal_cents=o["principal_cents"],
                fine_cents=o["fine_cents"],
                interest_cents=o["interest_cents"],
                correction_cents=o["correction_cents"],
                total_cents=o["total_cents"],
            )
            for o in b.get("origin", [])
        ),
        schedule=tuple(
            ScheduleItem(
                s["number"],
                date.fromisoformat(s["due_date"]),
                date.fromisoformat(s["effective_due_date"]),
                s["amount_cents"],
            )
            for s in b.get("schedule", [])
        ),
        contract_id=contract.id if contract else None,
        accepted_on=row.accepted_on,
        broken_on=row.broken_on,
        created_by=users.get(row.created_by_id or 0, ""),
        approved_by=users.get(row.approved_by_id or 0, ""),
        notes=row.notes,
    )


def _credit_view(row: models.CreditCheck, user: str) -> CreditCheckView:
    return CreditCheckView(
        id=row.id,
        patient_id=row.patient_id,
        bureau=row.bureau,
        checked_on=row.checked_on,
        result=row.result,
        notes=row.notes,
        user=user,
    )


def _people(uow: UnitOfWorkPort, ids: set[int]) -> list[models.Patient]:
    return [p for p in (uow.patients.get(i) for i in sorted(ids)) if p is not None]


def _breakdown(
    plan: AgreementPlan, patient: models.Patient, *, needs_approval: bool
) -> dict[str, Any]:
    """What the acordo keeps of its computation: the itemised origin (what the confissão
    confesses), the discount split and the plan, exactly as proposed."""
    return {
        "needs_approval": needs_approval,
        # The new contract is the patient's; its debtor is their responsável when they have one.
        "contract_patient_id": patient.id,
        "debtor_id": patient.responsible_id or patient.id,
        "method": PaymentMethod.PIX.value,
        "fine_cents": plan.debt.fine_cents,
        "interest_cents": plan.debt.interest_cents,
        "correction_cents": plan.debt.correction_cents,
        "discount_on_charges_cents": plan.discount_on_charges_cents,
        "discount_on_principal_cents": plan.discount_on_principal_cents,
        "origin": [
            {
                "installment_id": o.installment_id,
                "contract_id": o.contract_id,
                "label": o.label,
                "number": o.line.number,
                "due_date": o.line.due_date.isoformat(),
                "effective_due_date": o.line.effective_due_date.isoformat(),
                "days_late": o.line.days_late,
                "principal_cents": o.line.open_principal_cents,
                "fine_cents": o.line.fine_cents,
                "interest_cents": o.line.interest_cents,
                "correction_cents": o.line.correction_cents,
                "total_cents": o.line.open_principal_cents + o.line.charges_cents,
            }
            for o in plan.origin
        ],
        "schedule": [
            {
                "number": p.number,
                "due_date": p.due_date.isoformat(),
                "effective_due_date": p.effective_due_date.isoformat(),
                "amount_cents": p.amount_cents,
            }
            for p in plan.schedule
        ],
    }


def _audit_of(row: models.Agreement) -> dict[str, Any]:
    return {
        "patient_id": row.patient_id,
        "status": row.status,
        "principal_cents": row.principal_cents,
        "charges_cents": row.charges_cents,
        "discount_cents": row.discount_cents,
        "down_payment_cents": row.down_payment_cents,
        "installments_count": row.installments_count,
        "first_due_date": row.first_due_date.isoformat(),
        "needs_approval": bool(row.breakdown.get("needs_approval")),
        "approved_by_id": row.approved_by_id,
        "accepted_on": row.accepted_on.isoformat() if row.accepted_on else None,
        "broken_on": row.broken_on.isoformat() if row.broken_on else None,
    }
