"""What a stored row means to the rest of the application, without any query: ORM rows mapped to
the domain's frozen dataclasses, and the plain row records some repositories return.

No session here: services and repositories share these mappings, and fakes in tests can hand
the same ORM row objects to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from app.domain.bank import StatementLine
from app.domain.clinic import ClinicInfo, holidays_stored
from app.domain.law import InstallmentTerms
from app.domain.patients import PatientData, PersonRef
from app.domain.regua import ReguaStep
from app.domain.reversals import AllocationRecord, PaymentRecord
from app.persistence import models


def clinic_info(row: models.Clinic | None) -> ClinicInfo:
    """The clinic as the domain reads it (the defaults when nothing was configured yet)."""
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
        payment_backdate_days=row.payment_backdate_days,
        holidays=holidays_stored(row.holidays),
        is_demo=row.is_demo,
        version=row.version,
    )


def person_ref(row: models.Patient) -> PersonRef:
    return PersonRef(
        id=row.id,
        name=row.name,
        cpf=row.cpf,
        phone=row.phone,
        phone_whatsapp=row.phone_whatsapp,
        email=row.email,
    )


def patient_data(row: models.Patient) -> PatientData:
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


def regua_step(row: models.ReguaStep) -> ReguaStep:
    """One step of the clinic's régua as saved."""
    return ReguaStep(
        key=row.key,
        name=row.name,
        offset_days=row.offset_days,
        channel=row.channel,
        template=row.template,
        active=row.active,
        position=row.position,
    )


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


@dataclass(frozen=True)
class PaymentLink:
    """A payment a statement credit became (``existing``: a desk payment it was recognised
    as); ``effective`` while not reversed."""

    payment_id: int
    existing: bool
    effective: bool


def statement_line(row: models.BankTransaction) -> StatementLine:
    """A stored credit of a bank statement as the domain reads a statement's line."""
    return StatementLine(
        fitid=row.fitid,
        posted_on=row.posted_on,
        amount_cents=row.amount_cents,
        kind=row.kind,
        memo=row.memo,
        name=row.name,
        reference=row.reference,
    )


def payment_record(row: models.Payment) -> PaymentRecord:
    return PaymentRecord(
        id=row.id,
        contract_id=row.contract_id,
        paid_on=row.paid_on,
        amount_cents=row.amount_cents,
        credit_cents=row.credit_cents,
        method=row.method,
        reference=row.reference,
        reverses_payment_id=row.reverses_payment_id,
        reversed_by_id=row.reversed_by_id,
    )


def allocation_record(row: models.PaymentAllocation) -> AllocationRecord:
    return AllocationRecord(
        installment_id=row.installment_id,
        principal_cents=row.principal_cents,
        fine_cents=row.fine_cents,
        interest_cents=row.interest_cents,
        correction_cents=row.correction_cents,
        discount_cents=row.discount_cents,
    )


class ReguaInstallment(NamedTuple):
    """An installment row with what the régua needs of its contract (a named tuple: every
    open installment due by the lembrete's day is read at each draft run, tens of thousands
    at a clinic of 20,000)."""

    id: int
    contract_id: int
    patient_id: int
    responsible_id: int | None
    installments_count: int
    terms: InstallmentTerms
    settled_on: date | None


class ReguaPerson(NamedTuple):
    """A patient or responsável as the régua's drafts read them: who, how to reach them, where a
    letter goes. Plain columns (a named tuple): every overdue patient and payer is read at each
    draft run, thousands at a clinic of 20,000."""

    id: int
    name: str
    responsible_id: int | None
    phone: str
    phone_whatsapp: bool
    phone_alt: str
    phone_alt_whatsapp: bool
    email: str
    opt_out_whatsapp: bool
    opt_out_sms: bool
    opt_out_email: bool
    opt_out_phone: bool
    street: str
    number: str
    city: str
    state: str
    zip_code: str


REGUA_PERSON_COLUMNS = ReguaPerson._fields  # the patient columns, in the record's order


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
    installments: tuple[int, ...] | None = None  # registered; None: those due before inclusion
