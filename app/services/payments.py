"""Receiving money and reversing it (Receber pagamento, Estornar, ``emdia payment``).

Nothing money-related is ever deleted: an estorno is a counter-entry that points at the payment it
cancels; the cancelled payment then stops counting, exactly as if it had never been made. The
rules are the domain's (``law.allocate``, ``app.domain.reversals``, ``law.standing``): this module
loads the rows, asks them, writes what they decided and audits it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.domain.catalog import ContractStatus
from app.domain.clinic import DEFAULT_BACKDATE_DAYS
from app.domain.contracts import (
    BackdateWindow,
    PaymentData,
    PaymentForm,
    PaymentView,
    check_payment_date,
    validate_payment,
)
from app.domain.law import (
    Allocation,
    ChargePolicy,
    InstallmentLedger,
    all_settled,
    allocate,
    choice_problem,
    contract_status,
    standing,
)
from app.domain.money import format_brl
from app.domain.reversals import (
    AllocationRecord,
    CounterEntry,
    check_reversible,
    counter_entry,
    reversal_code_for,
)
from app.errors import EmDiaError, FieldError, NotFoundError, ValidationError
from app.persistence import models
from app.persistence.records import allocation_record, payment_record
from app.services.base import Actor, Permission, Service
from app.services.ports import UnitOfWorkPort
from app.timeutil import local_day


@dataclass(frozen=True)
class PaymentResult:
    payment_id: int
    amount_cents: int
    allocation: Allocation
    contract_settled: bool


@dataclass(frozen=True)
class ReversalResult:
    reversal_id: int
    payment_id: int
    amount_cents: int
    code: str


class PaymentService(Service):
    def preview(self, form: PaymentForm) -> Allocation:
        """How the payment would be applied (for the dialog's live preview); nothing is written."""
        self.require(Permission.PAYMENTS)
        data = validate_payment(form, self.latest_record_day())
        with self.uow() as uow:
            contract = self._contract(uow, data.contract_id)
            refuse_cancelled(contract)
            check_payment_date(data, self._window(uow, contract), need_reason=False)
            return impute(data, uow.contracts.ledgers(contract.id), uow.contracts.policy(contract))

    def add(self, form: PaymentForm) -> PaymentResult:
        """Receive a payment. Its date is never after the real date (whatever ``--today`` says),
        never before the contract, and more than the clinic's window back only by a gestor with
        a reason (``check_payment_date``), kept in the audit line."""
        self.require(Permission.PAYMENTS)
        data = validate_payment(form, self.latest_record_day())
        with self.uow() as uow:
            contract = self._locked_contract(uow, data.contract_id)
            refuse_cancelled(contract)
            window = self._window(uow, contract)
            days_back = check_payment_date(data, window, need_reason=True)
            result = record_payment(self, uow, contract, data, days_back=days_back)
            uow.commit()
            return result

    def _window(self, uow: UnitOfWorkPort, contract: models.Contract) -> BackdateWindow:
        return backdate_window(uow, contract, self.latest_record_day(), self.actor)

    def reverse(self, payment_id: int, reason: str, code: str = "") -> ReversalResult:
        """Estorno: a counter-entry; the original stops counting. A bounced cheque is
        ``code="cheque_devolvido"`` (and counts against the patient in the risk analysis).
        What may be reversed and what the counter-entry holds are ``app.domain.reversals``'."""
        self.require(Permission.PAYMENTS)
        checked = reversal_code_for(code, reason)
        if isinstance(checked, FieldError):
            raise ValidationError([checked])
        today = self.clock.today()
        with self.uow() as uow:
            uow.begin_write()
            original = uow.payments.get(payment_id)
            if original is None:
                raise NotFoundError(f"Pagamento {payment_id} não encontrado.")
            check_reversible(payment_record(original))
            contract = self._locked_contract(uow, original.contract_id)
            uow.refresh(original)  # another PC may have reversed it while we waited
            check_reversible(payment_record(original), just_now=True)
            before = self._snapshot(uow.contracts.ledgers(contract.id))
            allocations = [allocation_record(a) for a in uow.payments.allocations(original.id)]
            entry = counter_entry(payment_record(original), allocations, checked, reason, today)
            reversal = uow.payments.add(self._reversal_row(entry))
            for alloc in entry.allocations:
                uow.payments.add_allocation(_allocation_row(reversal.id, alloc))
            original.reversed_by_id = reversal.id
            uow.flush()
            self.refresh(uow, contract)
            self.audit(
                uow,
                "payment.reverse",
                "payment",
                original.id,
                before,
                {
                    "reversal_id": reversal.id,
                    "code": entry.code,
                    "reason": entry.reason,
                    "amount_cents": original.amount_cents,
                },
            )
            uow.commit()
            return ReversalResult(reversal.id, original.id, original.amount_cents, entry.code)

    def _reversal_row(self, entry: CounterEntry) -> models.Payment:
        return models.Payment(
            contract_id=entry.contract_id,
            paid_on=entry.paid_on,
            amount_cents=entry.amount_cents,
            method=entry.method,
            reference=entry.reference,
            reverses_payment_id=entry.reverses_payment_id,
            reversal_code=entry.code,
            reason=entry.stored_reason,
            credit_cents=entry.credit_cents,
            created_by_id=self.ctx.actor().user_id,
        )

    def for_contract(self, contract_id: int) -> list[PaymentView]:
        self.require(Permission.PAYMENTS)
        with self.uow() as uow:
            return uow.payments.views_for_contract(contract_id)

    # --- helpers --------------------------------------------------------------------------
    @staticmethod
    def _contract(uow: UnitOfWorkPort, contract_id: int) -> models.Contract:
        contract = uow.contracts.get(contract_id)
        if contract is None:
            raise ValidationError.single("contract", f"Contrato {contract_id} não encontrado.")
        return contract

    @staticmethod
    def _locked_contract(uow: UnitOfWorkPort, contract_id: int) -> models.Contract:
        contract = uow.lock_contract(contract_id)
        if contract is None:
            raise ValidationError.single("contract", f"Contrato {contract_id} não encontrado.")
        return contract

    @staticmethod
    def _check_credit(data: PaymentData, allocation: Allocation) -> None:
        if allocation.credit_cents and not data.keep_credit:
            owed = allocation.allocated_cents
            raise ValidationError.single(
                "amount",
                f"Valor: {format_brl(data.amount_cents)} é maior que tudo o que este contrato deve "
                f"hoje ({format_brl(owed)}). Confira o valor ou marque para guardar a diferença "
                f"({format_brl(allocation.credit_cents)}) como crédito do paciente.",
            )

    @staticmethod
    def _snapshot(ledgers: list[InstallmentLedger]) -> dict[str, object]:
        return {
            "paid_principal": {
                str(ld.terms.number): sum(s.principal_cents for s in ld.settlements)
                for ld in ledgers
            }
        }

    @staticmethod
    def refresh(
        uow: UnitOfWorkPort,
        contract: models.Contract,
        ledgers: list[InstallmentLedger] | None = None,
    ) -> bool:
        """Write each installment's paid principal and settlement date, and the contract's
        status, as the effective settlements make them (``law.standing``,
        ``law.contract_status``). Returns whether nothing is left to pay.

        ``ledgers``: the contract's complete ledgers when the caller already holds them (an
        import that just allocated every payment); otherwise they are read back."""
        if ledgers is None:
            rows = {inst.number: inst for inst in uow.contracts.installments(contract.id)}
            ledgers = uow.contracts.ledgers(contract.id)
        else:
            rows = {inst.number: inst for inst in contract.installments}
        for ledger in ledgers:
            now = standing(ledger)
            inst = rows[ledger.terms.number]
            inst.paid_cents, inst.settled_on = now.paid_cents, now.settled_on
        status = contract_status(ContractStatus(contract.status), ledgers)
        if status != contract.status:
            contract.status = status.value
        return all_settled(ledgers)


def backdate_window(
    uow: UnitOfWorkPort, contract: models.Contract, today: date, actor: Actor
) -> BackdateWindow:
    """Which dates a payment of ``contract`` may carry when ``actor`` records it on ``today``
    (the latest day a record may carry: ``Service.latest_record_day``), at the desk or from a
    spreadsheet. The contract starts when it was signed, registered, or
    first fell due, whichever is earliest: a clinic that starts using EmDia registers contracts
    running for months."""
    clinic = uow.clinic.get()
    known = [local_day(contract.created_at), contract.first_due_date]
    if contract.signed_at is not None:
        known.append(contract.signed_at)
    return BackdateWindow(
        today=today,
        contract_start=min(known),
        days=clinic.payment_backdate_days if clinic else DEFAULT_BACKDATE_DAYS,
        gestor=actor.can(Permission.BACKDATE_PAYMENT),
    )


def record_payment(
    service: Service,
    uow: UnitOfWorkPort,
    contract: models.Contract,
    data: PaymentData,
    *,
    days_back: int = 0,
) -> PaymentResult:
    """Allocate and write one payment inside the caller's transaction, audited (the desk, and a
    new contract whose entrada is paid at the desk). ``days_back``: dated beyond the clinic's
    window by a gestor — the audit line keeps how far and why."""
    ledgers, allocation = allocate_payment(uow, contract, data)
    check_waiver(service, uow, data, allocation)
    payment = add_payment_rows(service.actor, uow, contract, data, allocation)
    uow.flush()
    before = PaymentService._snapshot(ledgers)
    settled = PaymentService.refresh(uow, contract)
    after = payment_audit(data, allocation)
    if days_back:
        after |= {"days_back": days_back, "reason": data.reason}
    service.audit(uow, "payment.add", "payment", payment.id, before, after)
    return PaymentResult(payment.id, data.amount_cents, allocation, settled)


def check_waiver(
    service: Service, uow: UnitOfWorkPort, data: PaymentData, allocation: Allocation
) -> None:
    """Forgiving multa/juros is a discount: above the clinic's limit only a gestor decides."""
    if not data.waive_charges:
        return
    waived = sum(s.fine_cents + s.interest_cents + s.correction_cents for _, s in allocation.lines)
    principal = sum(s.principal_cents for _, s in allocation.lines)
    clinic = uow.clinic.get()
    limit_bp = clinic.discount_approval_limit_bp if clinic else 0
    if waived * 10_000 > principal * limit_bp:
        service.require(Permission.DISCOUNT_ABOVE_LIMIT)


def refuse_cancelled(contract: models.Contract) -> None:
    """A cancelled contract takes no payments (nor a preview of one)."""
    if contract.status == ContractStatus.CANCELLED:
        raise EmDiaError(f"Contrato {contract.id} está cancelado: não recebe pagamentos.")


def allocate_payment(
    uow: UnitOfWorkPort,
    contract: models.Contract,
    data: PaymentData,
    ledgers: list[InstallmentLedger] | None = None,
    policy: ChargePolicy | None = None,
) -> tuple[list[InstallmentLedger], Allocation]:
    """Where a payment goes (``allocate``, the one formula), refusing what the desk refuses.

    ``ledgers``: the installments it may settle (default: every one of the contract, oldest
    first; the spreadsheet import passes the one parcela a line says was paid). ``policy``:
    the contract's terms when the caller already has them."""
    refuse_cancelled(contract)
    if ledgers is None:
        ledgers = uow.contracts.ledgers(contract.id)
    allocation = impute(data, ledgers, policy or uow.contracts.policy(contract))
    PaymentService._check_credit(data, allocation)
    return ledgers, allocation


def impute(
    data: PaymentData, ledgers: Sequence[InstallmentLedger], policy: ChargePolicy
) -> Allocation:
    """``law.allocate`` with the debtor's choice: the installment they named first (CC art.
    352) — refused when it is not open —, else the oldest first (art. 355)."""
    if data.installment_number is not None:
        problem = choice_problem(data.installment_number, data.paid_on, ledgers, policy)
        if problem is not None:
            raise ValidationError([problem])
    return allocate(
        data.amount_cents,
        data.paid_on,
        ledgers,
        policy,
        waive_charges=data.waive_charges,
        chosen=data.installment_number,
    )


def add_payment_rows(
    actor: Actor,
    uow: UnitOfWorkPort,
    contract: models.Contract,
    data: PaymentData,
    allocation: Allocation,
    installments: Mapping[int, models.Installment] | None = None,
) -> models.Payment:
    """The payment and its allocations, added to the unit of work (written at the next flush).

    ``installments`` (by number) when the allocation was computed before the installments had
    ids (a contract imported in the same flush)."""
    payment = models.Payment(
        contract=contract,
        paid_on=data.paid_on,
        amount_cents=data.amount_cents,
        method=data.method.value,
        reference=data.reference,
        credit_cents=allocation.credit_cents,
        created_by_id=actor.user_id,
    )
    uow.payments.add(payment, flush=False)
    for terms, settlement in allocation.lines:
        row = models.PaymentAllocation(
            payment=payment,
            principal_cents=settlement.principal_cents,
            fine_cents=settlement.fine_cents,
            interest_cents=settlement.interest_cents,
            correction_cents=settlement.correction_cents,
            discount_cents=settlement.discount_cents,
        )
        if installments is not None:
            row.installment = installments[terms.number]
        else:
            row.installment_id = terms.key
        uow.payments.add_allocation(row)
    return payment


def _allocation_row(payment_id: int, alloc: AllocationRecord) -> models.PaymentAllocation:
    return models.PaymentAllocation(
        payment_id=payment_id,
        installment_id=alloc.installment_id,
        principal_cents=alloc.principal_cents,
        fine_cents=alloc.fine_cents,
        interest_cents=alloc.interest_cents,
        correction_cents=alloc.correction_cents,
        discount_cents=alloc.discount_cents,
    )


def payment_audit(data: PaymentData, allocation: Allocation) -> dict[str, Any]:
    """What the audit log keeps of a payment: amount, date, method and where each centavo went."""
    return {
        "contract_id": data.contract_id,
        "amount_cents": data.amount_cents,
        "paid_on": data.paid_on.isoformat(),
        "method": data.method.value,
        "waive_charges": data.waive_charges,
        "installment_named": data.installment_number,
        "credit_cents": allocation.credit_cents,
        "allocations": [
            [
                t.number,
                s.principal_cents,
                s.fine_cents,
                s.interest_cents,
                s.correction_cents,
                s.discount_cents,
            ]
            for t, s in allocation.lines
        ],
    }
