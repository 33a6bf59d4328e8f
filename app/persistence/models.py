"""SQLAlchemy 2 typed models for the whole domain (docs/DOMAIN.md).

Conventions:
- money is ``BigInteger`` centavos (``*_cents``), never float; rates are integer basis points
  (``*_bp``: 1 % = 100 bp);
- every table has ``created_at``/``updated_at``; records people edit at the same time carry a
  ``version`` column (optimistic locking);
- nothing money-related is ever deleted: reversals, renegotiations and removals are new rows or
  status changes;
- the schema changes only through Alembic migrations in ``migrations/`` (a test compares this
  module with the migrated database).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.timeutil import utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


Cents = BigInteger


class Clinic(Timestamps, Base):
    """The clinic itself (one row). Its identification goes on every charge (CDC art. 42-A)."""

    __tablename__ = "clinic"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(200), default="")
    trade_name: Mapped[str] = mapped_column(String(200), default="")
    cnpj: Mapped[str | None] = mapped_column(String(14))
    cpf: Mapped[str | None] = mapped_column(String(11))
    cro: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    state: Mapped[str] = mapped_column(String(2), default="")
    zip_code: Mapped[str] = mapped_column(String(8), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    pix_key: Mapped[str] = mapped_column(String(100), default="")
    pix_merchant_name: Mapped[str] = mapped_column(String(25), default="")
    pix_merchant_city: Mapped[str] = mapped_column(String(15), default="")
    logo_path: Mapped[str] = mapped_column(String(500), default="")
    # Charges policy (defaults: CDC art. 52 §1 fine cap 2 %; 1 % a.m. contractual interest).
    fine_bp: Mapped[int] = mapped_column(Integer, default=200)
    interest_monthly_bp: Mapped[int] = mapped_column(Integer, default=100)
    correction_index: Mapped[str] = mapped_column(String(20), default="none")
    punctuality_discount_bp: Mapped[int] = mapped_column(Integer, default=0)
    discount_approval_limit_bp: Mapped[int] = mapped_column(Integer, default=1000)
    # A payment dated more than this many days back is a gestor's decision, with a reason: a
    # date far in the past cancels the multa and juros of every parcela late since then.
    payment_backdate_days: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    # Contact rules (CDC art. 42: no contact at unreasonable hours): allowed windows per
    # weekday, minimum spacing.
    contact_windows: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The city's own holidays (the ``holidays`` package knows national and state ones only):
    # [{"day": "MM-DD" (every year) or "AAAA-MM-DD", "name": ...}].
    holidays: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list, server_default="[]")
    min_days_between_contacts: Mapped[int] = mapped_column(Integer, default=2)
    credit_check_above_cents: Mapped[int] = mapped_column(Cents, default=0)
    # A demonstration clinic (fake people): the window title says DEMO so nobody mistakes it.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # Safety: where automatic backups go ("" = the data folder's backups/), and how
    # long an idle window stays open before it locks itself (0 = never).
    backup_dir: Mapped[str] = mapped_column(String(500), default="")
    idle_lock_minutes: Mapped[int] = mapped_column(Integer, default=10)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class User(Timestamps, Base):
    """Someone who logs in. ``role`` is an ``app.domain.access.Role``; the password is an argon2
    hash; ``failed_attempts``/``locked_until`` implement the 5-tries lockout."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)


class Patient(Timestamps, Base):
    """A person the clinic knows: a patient, or the responsável financeiro who pays for one."""

    __tablename__ = "patient"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Lower-case, accent-free copy of the name: search-as-you-type without collation tricks.
    name_search: Mapped[str] = mapped_column(String(200), index=True)
    cpf: Mapped[str | None] = mapped_column(String(11), unique=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(13), default="", index=True)
    phone_whatsapp: Mapped[bool] = mapped_column(Boolean, default=False)
    phone_alt: Mapped[str] = mapped_column(String(13), default="")
    phone_alt_whatsapp: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str] = mapped_column(String(200), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    number: Mapped[str] = mapped_column(String(20), default="")
    complement: Mapped[str] = mapped_column(String(100), default="")
    district: Mapped[str] = mapped_column(String(100), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    state: Mapped[str] = mapped_column(String(2), default="")
    zip_code: Mapped[str] = mapped_column(String(8), default="")
    responsible_id: Mapped[int | None] = mapped_column(
        ForeignKey("patient.id", ondelete="RESTRICT"), index=True
    )
    # Per-channel opt-out: the patient asked not to be contacted this way (LGPD: consent per
    # channel).
    opt_out_whatsapp: Mapped[bool] = mapped_column(Boolean, default=False)
    opt_out_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    opt_out_email: Mapped[bool] = mapped_column(Boolean, default=False)
    opt_out_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    data_confirmed_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    suspend_new_treatments: Mapped[bool] = mapped_column(Boolean, default=False)
    anonymized_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    responsible: Mapped[Patient | None] = relationship(remote_side=[id], lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class Contract(Timestamps, Base):
    """A treatment sold in installments. ``description`` is internal only (LGPD art. 11)."""

    __tablename__ = "contract"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    guarantor_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    total_cents: Mapped[int] = mapped_column(Cents)
    down_payment_cents: Mapped[int] = mapped_column(Cents, default=0)
    installments_count: Mapped[int] = mapped_column(Integer)
    first_due_date: Mapped[date] = mapped_column(Date)
    due_day: Mapped[int] = mapped_column(Integer)
    payment_method: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    # Rates as contracted (the contract's own terms rule its charges).
    fine_bp: Mapped[int] = mapped_column(Integer)
    interest_monthly_bp: Mapped[int] = mapped_column(Integer)
    punctuality_discount_bp: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    correction_index: Mapped[str] = mapped_column(String(20), default="none", server_default="none")
    # An acordo's plan: the multa, juros and correção confessed and folded into it, on which no
    # new juros run (no interest on interest, Súmula 121 STF). 0 for a sale.
    interest_free_cents: Mapped[int] = mapped_column(Cents, default=0, server_default="0")
    signed_at: Mapped[date | None] = mapped_column(Date)
    witness1_name: Mapped[str] = mapped_column(String(200), default="")
    witness1_cpf: Mapped[str] = mapped_column(String(11), default="")
    witness2_name: Mapped[str] = mapped_column(String(200), default="")
    witness2_cpf: Mapped[str] = mapped_column(String(11), default="")
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id"))
    # The contract's number in the spreadsheet or system it was imported from: importing the
    # same file again finds it and skips it instead of duplicating the debt.
    external_ref: Mapped[str | None] = mapped_column(String(60), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    installments: Mapped[list[Installment]] = relationship(
        back_populates="contract", order_by="Installment.number"
    )
    # Lets a contract be written with a patient registered in the same flush (an import).
    patient: Mapped[Patient] = relationship(foreign_keys=[patient_id])

    __mapper_args__ = {"version_id_col": version}


_OPEN_INSTALLMENT = "settled_on IS NULL AND renegotiated_agreement_id IS NULL"
_SETTLED_INSTALLMENT = "settled_on IS NOT NULL"
_CHARGES_ONLY = "principal_cents = 0"
# The partial indexes' predicate on PostgreSQL is the same as on SQLite (revision 0004 creates
# both). It is attached by ``add_postgresql_predicates`` when a PostgreSQL engine is made:
# written in ``Index(...)`` as ``postgresql_where``, it would make every start import
# SQLAlchemy's PostgreSQL dialect to check the keyword, SQLite clinics included.
PARTIAL_INDEXES = {
    "ix_installment_open": _OPEN_INSTALLMENT,
    "ix_installment_settled_on": _SETTLED_INSTALLMENT,
    "ix_payment_allocation_charges_only": _CHARGES_ONLY,
}
# SQLite keeps each row's id (its rowid) in every index; PostgreSQL reads the open installments
# from the index alone only with the id included (else it scanned the whole table: 180 ms
# against 24 ms at 80,000 patients). Attached with the predicates, for the same reason.
POSTGRESQL_INCLUDE = {"ix_installment_open": ["id"]}


class Installment(Timestamps, Base):
    """One parcela. ``paid_cents`` is the principal covered by allocations (kept by payments)."""

    __tablename__ = "installment"
    __table_args__ = (
        UniqueConstraint("contract_id", "number", name="uq_installment_contract_number"),
        # The receivables index (worklist, dashboard, régua): only installments still open, and
        # every column those queries read, so SQLite answers "what is overdue / falling due" from
        # the index alone (an index-only range scan over effective_due_date) at 400k rows.
        Index(
            "ix_installment_open",
            "effective_due_date",
            "contract_id",
            "number",
            "due_date",
            "amount_cents",
            "paid_cents",
            sqlite_where=text(_OPEN_INSTALLMENT),
        ),
        # Installments settled after a past ``--today`` were still open on that day. Partial
        # (NOT NULL) so SQLite never prefers it to the one above for "settled_on IS NULL".
        Index(
            "ix_installment_settled_on",
            "settled_on",
            sqlite_where=text(_SETTLED_INSTALLMENT),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 0 = entrada (down payment)
    due_date: Mapped[date] = mapped_column(Date)
    effective_due_date: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(Cents)
    paid_cents: Mapped[int] = mapped_column(Cents, default=0)
    settled_on: Mapped[date | None] = mapped_column(Date)
    renegotiated_agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id"))

    contract: Mapped[Contract] = relationship(back_populates="installments")


class Payment(Timestamps, Base):
    """Money received (or, with ``reverses_payment_id``, its counter-entry). Never deleted."""

    __tablename__ = "payment"
    __table_args__ = (
        # Payments of a period that still count (neither an estorno nor reversed): the caixa,
        # the receipts and Início's money recovered this month read them from the index alone.
        Index("ix_payment_paid_on_effective", "paid_on", "reverses_payment_id", "reversed_by_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(Cents)
    method: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(120), default="")
    reverses_payment_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id"))
    # Set on the original when its estorno is recorded: reversed payments stop counting.
    reversed_by_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id"))
    # On an estorno: why (``cheque_devolvido`` counts for risk, ``erro_lancamento``, ``outro``).
    reversal_code: Mapped[str] = mapped_column(String(30), default="", server_default="")
    reason: Mapped[str] = mapped_column(String(300), default="")
    credit_cents: Mapped[int] = mapped_column(Cents, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    contract: Mapped[Contract] = relationship()


class PaymentAllocation(Timestamps, Base):
    """How a payment was spread over installments: principal and each charge, in centavos."""

    __tablename__ = "payment_allocation"
    __table_args__ = (
        # A payment's allocations with what each brought in, from the index alone (a month of
        # payments for Início and the reports: thousands of look-ups by payment).
        Index(
            "ix_payment_allocation_payment_money",
            "payment_id",
            "installment_id",
            "principal_cents",
            "fine_cents",
            "interest_cents",
            "correction_cents",
            "discount_cents",
        ),
        # The few allocations that paid no principal (a late payment smaller than the juros
        # and multa pays only those, CC art. 354): with ``Installment.paid_cents`` they tell
        # which open installments have settlements to read without probing the allocations of
        # every one of them (most open installments have none).
        Index(
            "ix_payment_allocation_charges_only",
            "installment_id",
            sqlite_where=text(_CHARGES_ONLY),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"))
    installment_id: Mapped[int] = mapped_column(ForeignKey("installment.id"), index=True)
    principal_cents: Mapped[int] = mapped_column(Cents, default=0)
    fine_cents: Mapped[int] = mapped_column(Cents, default=0)
    interest_cents: Mapped[int] = mapped_column(Cents, default=0)
    correction_cents: Mapped[int] = mapped_column(Cents, default=0)
    discount_cents: Mapped[int] = mapped_column(Cents, default=0)

    # Let a payment and its allocations be written in one flush (an import writes thousands).
    payment: Mapped[Payment] = relationship()
    installment: Mapped[Installment] = relationship()


class CorrectionIndexValue(Timestamps, Base):
    """Monthly variation of a correction index (e.g. IPCA) typed in by the user."""

    __tablename__ = "correction_index_value"
    __table_args__ = (UniqueConstraint("index_name", "month", name="uq_correction_index_month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    index_name: Mapped[str] = mapped_column(String(20))
    month: Mapped[date] = mapped_column(Date)  # first day of the month
    variation_bp: Mapped[int] = mapped_column(Integer)  # 0,44 % = 44 bp; may be negative


class ReguaStep(Timestamps, Base):
    """regua: one step of the collection schedule (offset in days from the due date)."""

    __tablename__ = "regua_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    offset_days: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20))
    template: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ContactLog(Timestamps, Base):
    """Evidence of lawful, polite collection: every contact attempt and its outcome."""

    __tablename__ = "contact_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"))
    installment_id: Mapped[int | None] = mapped_column(ForeignKey("installment.id"))
    contacted_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    channel: Mapped[str] = mapped_column(String(20))
    step_key: Mapped[str] = mapped_column(String(40), default="")
    outcome: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    message_text: Mapped[str] = mapped_column(Text, default="")
    # An outcome clicked by mistake and undone soon after: the line stays (it is evidence, and
    # the audit log says who undid it), but it no longer counts as a contact.
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class Promise(Timestamps, Base):
    """Promessa de pagamento; kept or broken is computed from payments."""

    __tablename__ = "promise"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"))
    contact_log_id: Mapped[int | None] = mapped_column(ForeignKey("contact_log.id"))
    promised_on: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(Cents)
    resolution: Mapped[str | None] = mapped_column(String(20))  # kept | broken | cancelled
    resolved_on: Mapped[date | None] = mapped_column(Date)


class Agreement(Timestamps, Base):
    """acordo: open installments replaced by a new plan computed from the updated debt."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    as_of: Mapped[date] = mapped_column(Date)
    principal_cents: Mapped[int] = mapped_column(Cents)
    charges_cents: Mapped[int] = mapped_column(Cents)
    discount_cents: Mapped[int] = mapped_column(Cents, default=0)
    down_payment_cents: Mapped[int] = mapped_column(Cents, default=0)
    installments_count: Mapped[int] = mapped_column(Integer)
    first_due_date: Mapped[date] = mapped_column(Date)
    breakdown: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    accepted_on: Mapped[date | None] = mapped_column(Date)
    broken_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


class CreditCheck(Timestamps, Base):
    """A manual record that a credit bureau was consulted (no online call)."""

    __tablename__ = "credit_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    bureau: Mapped[str] = mapped_column(String(40))
    checked_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class Negativacao(Timestamps, Base):
    """negativacao: the debt registered with a bureau (CDC art. 43), and its removal."""

    __tablename__ = "negativacao"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"))
    bureau: Mapped[str] = mapped_column(String(40))
    amount_cents: Mapped[int] = mapped_column(Cents)
    included_on: Mapped[date] = mapped_column(Date)
    protocol: Mapped[str] = mapped_column(String(80), default="")
    notice_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    # Installment numbers registered (those the aviso announced); None on rows recorded before
    # EmDia kept them: the installments due before the inclusion.
    installments: Mapped[list[int] | None] = mapped_column(JSON)
    removed_on: Mapped[date | None] = mapped_column(Date)
    removal_reason: Mapped[str] = mapped_column(String(200), default="")
    included_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class Document(Timestamps, Base):
    """Archive of every PDF produced: the exact file that was sent, with its SHA-256."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id"))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id"))
    generated_at: Mapped[datetime] = mapped_column(DateTime)
    as_of: Mapped[date | None] = mapped_column(Date)
    # Indexed: a signed file that comes back is matched to the archived original by its hash.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_path: Mapped[str] = mapped_column(String(500))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # What an aviso prévio announced: {"installments": [numbers], "amount_cents": N}. The
    # inclusion registers no other installment and no more money.
    announced: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A signed copy (kind ``assinado``) points at the archived document whose bytes it signs.
    original_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))


class SignatureCheck(Timestamps, Base):
    """The verification of a document the debtor signed electronically and sent back (a
    ``document`` of kind ``assinado``): who the certificate names, and what was checked. Done
    again, and updated, each time the same file is received (a root trusted since then)."""

    __tablename__ = "signature_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), unique=True)
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    signer_cpf: Mapped[str | None] = mapped_column(String(11))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime)  # as the signer's software said
    intact: Mapped[bool] = mapped_column(Boolean)
    valid: Mapped[bool] = mapped_column(Boolean)
    covers_original: Mapped[bool] = mapped_column(Boolean)
    trusted: Mapped[bool] = mapped_column(Boolean)
    matches_debtor: Mapped[bool] = mapped_column(Boolean)
    notes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    signatures: Mapped[list[Any]] = mapped_column(JSON, default=list)  # every signature
    verified_at: Mapped[datetime] = mapped_column(DateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class TrustedCertificate(Timestamps, Base):
    """A certificate the gestor trusts for checking signatures: a root (ICP-Brasil's, the
    gov.br's) is an anchor; any other is only a link of a chain."""

    __tablename__ = "trusted_certificate"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(500))
    issuer: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    pem: Mapped[str] = mapped_column(Text)
    is_root: Mapped[bool] = mapped_column(Boolean)
    not_before: Mapped[datetime] = mapped_column(DateTime)
    not_after: Mapped[datetime] = mapped_column(DateTime)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class CashCount(Timestamps, Base):
    """Conferência do caixa: the cash someone counted in the drawer on a day, against what EmDia
    expected from the day's payments and estornos in dinheiro. Never changed: a recount is a
    new row (the latest of a day is the one that counts); each one is audited."""

    __tablename__ = "cash_count"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    expected_cents: Mapped[int] = mapped_column(Cents)
    counted_cents: Mapped[int] = mapped_column(Cents)
    note: Mapped[str] = mapped_column(String(300), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class AuditLog(Base):
    """Append-only: who changed what money, when, with the values before and after.

    The database itself refuses UPDATE, DELETE and REPLACE on this table (triggers of migrations
    0003 and 0012), and each line is sealed with a hash chained to the line before it
    (``app.domain.audit``): a line changed or removed by any other means shows.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    username: Mapped[str] = mapped_column(String(60), default="")
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The seal of the line before this one (by id) and this line's own seal over its content,
    # written by ``AuditRepository`` as the transaction commits.
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class BankAccount(Timestamps, Base):
    """A bank account of the clinic, as its statement files name it (parts may be empty: some
    banks leave them out of the file)."""

    __tablename__ = "bank_account"
    __table_args__ = (
        UniqueConstraint("bank_id", "branch_id", "account_id", name="uq_bank_account_identity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_id: Mapped[str] = mapped_column(String(20), default="")
    branch_id: Mapped[str] = mapped_column(String(30), default="")
    account_id: Mapped[str] = mapped_column(String(40), default="")
    bank_name: Mapped[str] = mapped_column(String(120), default="")


class BankTransaction(Timestamps, Base):
    """A credit of an imported bank statement, and what became of it (conciliação bancária).

    ``state``: ``open`` (waiting for someone to register or ignore it), ``ignored`` (not a
    patient's payment: ``ignore_reason``), ``registered`` (the payments it became, or the desk
    payment it was recognised as: ``BankPaymentLink``). The bank's FITID is unique per account,
    so importing the same statement again writes nothing twice."""

    __tablename__ = "bank_transaction"
    __table_args__ = (
        UniqueConstraint("account_id", "fitid", name="uq_bank_transaction_account_fitid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("bank_account.id"))
    fitid: Mapped[str] = mapped_column(String(255))
    posted_on: Mapped[date] = mapped_column(Date, index=True)
    amount_cents: Mapped[int] = mapped_column(Cents)
    kind: Mapped[str] = mapped_column(String(20), default="")
    memo: Mapped[str] = mapped_column(String(500), default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    reference: Mapped[str] = mapped_column(String(120), default="")
    file_name: Mapped[str] = mapped_column(String(255), default="")
    state: Mapped[str] = mapped_column(String(20), default="open", index=True)
    ignore_reason: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class BankPaymentLink(Timestamps, Base):
    """A payment a statement credit became (or, ``linked_existing``, the desk payment it was
    recognised as). A payment belongs to one credit at most; one credit may become several
    payments (one PIX of a responsável covering two contracts)."""

    __tablename__ = "bank_payment_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("bank_transaction.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), unique=True)
    linked_existing: Mapped[bool] = mapped_column(Boolean, default=False)


def add_postgresql_predicates() -> None:
    """Give the partial indexes their PostgreSQL predicate (``PARTIAL_INDEXES``); once."""
    for model in (Installment, PaymentAllocation):
        table = model.__table__
        assert isinstance(table, Table)
        for index in table.indexes:
            where = PARTIAL_INDEXES.get(str(index.name))
            options = index.dialect_options["postgresql"]
            if where is not None and options["where"] is None:
                options["where"] = text(where)
            include = POSTGRESQL_INCLUDE.get(str(index.name))
            if include is not None:
                options["include"] = include
