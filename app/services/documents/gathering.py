"""What a document prints, read inside the caller's unit of work: the clinic's letterhead, a
contract's parties, terms and updated debt on the day (``ContractFacts``), its overdue
installments at a deadline (``OverdueFacts``), and an installment's PIX slip.

Amounts come from ``law.updated_debt`` on the day given (the service clock's date); the
renderers in ``app.documents`` compute no money and read no clock.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from app.adapters.qr import qr_matrix
from app.documents.model import ContractFacts, Letterhead, OverdueFacts, Party, PixSlip
from app.domain import pix
from app.domain.catalog import ContractStatus, DocumentKind
from app.domain.clinic import ClinicInfo
from app.domain.documents import (
    NO_LETTER_FACTS,
    LetterFacts,
    letter_lines,
    postal_address_missing,
    reference,
    why_not,
)
from app.domain.identity import format_cep, format_phone
from app.domain.law import ChargePolicy, DebtLine, InstallmentLedger, contract_debt
from app.errors import EmDiaError, NotFoundError, ValidationError
from app.persistence import models
from app.persistence.records import clinic_info
from app.services.negativacao import open_negativacao
from app.services.ports import UnitOfWorkPort

CLINIC_MISSING = (
    "Dados da clínica: preencha a razão social, o CNPJ (ou CPF) e o endereço (com cidade e UF) "
    "em Configurações → Clínica — todo documento de cobrança identifica o credor com nome, "
    "endereço e CNPJ/CPF (CDC art. 42-A)."
)


class NothingToPrint(EmDiaError):
    """The document would be empty or untrue (nothing overdue, a reversed payment…)."""


class Gathered(NamedTuple):
    letterhead: Letterhead
    facts: ContractFacts
    ledgers: list[InstallmentLedger]
    policy: ChargePolicy
    patient_id: int
    letter: LetterFacts = NO_LETTER_FACTS


def debtor_of(uow: UnitOfWorkPort, contract: models.Contract) -> models.Patient:
    """Who a contract's documents are addressed to: its responsável financeiro, else the
    patient."""
    debtor = uow.patients.get(contract.responsible_id) if contract.responsible_id else None
    patient = debtor or uow.patients.get(contract.patient_id)
    assert patient is not None
    return patient


def letter_facts(
    uow: UnitOfWorkPort, contract: models.Contract, debtor: models.Patient, *, registered: bool
) -> LetterFacts:
    """Whether the person charged can receive a letter (a postal address) and, when
    ``registered``, the contract's negativação in force (an aviso announces only what is not
    registered yet)."""
    missing = postal_address_missing(
        debtor.street, debtor.number, debtor.city, debtor.state, debtor.zip_code
    )
    negativacao = (
        open_negativacao(uow.negativacoes.open_for_contract(contract.id)) if registered else None
    )
    return LetterFacts(debtor.name, missing, negativacao)


def letterhead(
    uow: UnitOfWorkPort,
    kind: str,
    number: int,
    day: date,
    clinic: ClinicInfo | None = None,
    *,
    ref: str | None = None,
) -> Letterhead:
    """The clinic's header and the page reference (``ref``, or the kind's with ``number``);
    refused while the clinic cannot be identified as the creditor."""
    clinic = clinic or clinic_info(uow.clinic.get())
    if not clinic.is_configured:
        raise ValidationError.single("clinic", CLINIC_MISSING)
    return Letterhead(clinic=clinic, as_of=day, reference=ref or reference(kind, number, day))


def gather(
    uow: UnitOfWorkPort,
    kind: str,
    contract_id: int,
    day: date,
    *,
    payments: bool = False,
    number: int | None = None,
    prefetched: dict[int, list[InstallmentLedger]] | None = None,
    clinic: ClinicInfo | None = None,
) -> Gathered:
    """Everything a contract's document prints on ``day``. ``number``: the reference's number
    when it is not the contract's (a receipt's payment); ``prefetched``/``clinic``: what a batch
    already read for many contracts at once."""
    row = uow.contracts.get(contract_id)
    if row is None:
        raise NotFoundError(f"Contrato {contract_id} não encontrado.")
    header = letterhead(uow, kind, number or contract_id, day, clinic)
    patient = uow.patients.get(row.patient_id)
    assert patient is not None
    debtor = debtor_of(uow, row)
    guarantor = uow.patients.get(row.guarantor_id) if row.guarantor_id else None
    ledgers = (prefetched or {}).get(contract_id) or uow.contracts.ledgers(contract_id)
    letter = letter_facts(uow, row, debtor, registered=kind == DocumentKind.AVISO_NEGATIVACAO)
    policy = uow.contracts.policy(row)
    witnesses = tuple(
        (name, cpf)
        for name, cpf in (
            (row.witness1_name, row.witness1_cpf),
            (row.witness2_name, row.witness2_cpf),
        )
        if name
    )
    facts = ContractFacts(
        id=row.id,
        created_on=row.created_at.date(),
        signed_on=row.signed_at,
        debtor=party(debtor),
        patient=party(patient),
        guarantor=party(guarantor) if guarantor else None,
        total_cents=row.total_cents,
        down_payment_cents=row.down_payment_cents,
        installments_count=row.installments_count,
        method=row.payment_method,
        fine_bp=row.fine_bp,
        interest_monthly_bp=row.interest_monthly_bp,
        punctuality_discount_bp=row.punctuality_discount_bp,
        correction_index=row.correction_index,
        witnesses=witnesses,
        status=ContractStatus(row.status),
        lines=tuple(contract_debt(ledgers, day, policy)),
        payments=tuple(uow.payments.views_for_contract(contract_id)) if payments else (),
    )
    return Gathered(header, facts, ledgers, policy, row.patient_id, letter)


def refuse_unless_allowed(
    kind: str, facts: ContractFacts, day: date, letter: LetterFacts = NO_LETTER_FACTS
) -> None:
    """``NothingToPrint`` when the contract does not allow this document today
    (``app.domain.documents.why_not``: the same answer the patient page gives)."""
    problem = why_not(kind, facts.id, facts.status, facts.lines, day, letter)
    if problem is not None:
        raise NothingToPrint(problem)


def overdue_facts(kind: str, got: Gathered, deadline: date) -> OverdueFacts:
    """The installments a letter charges today (``letter_lines``: overdue, not prescribed, for
    an aviso not registered yet) and what they will cost at ``deadline`` (a notification asks
    payment by then; an aviso de negativação says what would be registered)."""
    facts = got.facts
    refuse_unless_allowed(kind, facts, got.letterhead.as_of, got.letter)
    overdue = tuple(letter_lines(kind, facts.lines, got.letter))
    numbers = {ln.number for ln in overdue}
    later = contract_debt(got.ledgers, deadline, got.policy)
    at_deadline = tuple(ln for ln in later if ln.number in numbers)
    return OverdueFacts(contract=facts, overdue=overdue, deadline=deadline, at_deadline=at_deadline)


def pix_slip(clinic: ClinicInfo, contract_id: int, line: DebtLine) -> PixSlip:
    """The BR Code for one installment's updated amount (a carnê's slip); without a PIX key the
    slip still prints, without a QR."""
    if not clinic.pix_key or line.total_cents <= 0:
        return PixSlip(line=line, payload="")
    data = pix.pix_for(pix.clinic_receiver(clinic), line.total_cents, contract_id, line.number)
    payload = pix.brcode(data)
    matrix = tuple(tuple(row) for row in qr_matrix(payload))
    return PixSlip(line=line, payload=payload, matrix=matrix)


def party(row: models.Patient) -> Party:
    """A person as a document names them: name, CPF, address on one line, phone, e-mail."""
    street = ", ".join(p for p in (row.street, row.number, row.complement) if p)
    place = " – ".join(p for p in (row.city, row.state) if p)
    address = ", ".join(
        p
        for p in (
            street,
            row.district,
            place,
            f"CEP {format_cep(row.zip_code)}" if row.zip_code else "",
        )
        if p
    )
    return Party(
        name=row.name,
        cpf=row.cpf,
        address=address,
        phone=format_phone(row.phone),
        email=row.email,
    )
