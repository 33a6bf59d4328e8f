"""What a document prints, gathered by ``DocumentService`` from the database and handed over as
frozen data: renderers never query, never read the clock, and compute no money (every amount is
a ``law.DebtLine`` or a recorded payment)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.domain.catalog import ContractStatus
from app.domain.clinic import ClinicInfo
from app.domain.contracts import PaymentView
from app.domain.law import DebtLine, Settlement


@dataclass(frozen=True)
class Party:
    """A person on a document: name, CPF (bare) and one-line address."""

    name: str
    cpf: str | None = None
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Letterhead:
    """Who issues the document and on which day (every page's header: CDC art. 42-A)."""

    clinic: ClinicInfo
    as_of: date
    reference: str  # e.g. ``NOT-C000123-20260316``: printed in the footer of every page


@dataclass(frozen=True)
class ContractFacts:
    id: int
    created_on: date
    signed_on: date | None
    debtor: Party  # contratante: the responsável financeiro, or the patient
    patient: Party  # beneficiary of the services
    guarantor: Party | None
    total_cents: int
    down_payment_cents: int
    installments_count: int
    method: str
    fine_bp: int
    interest_monthly_bp: int
    punctuality_discount_bp: int
    correction_index: str
    witnesses: tuple[tuple[str, str], ...]
    status: ContractStatus
    lines: tuple[DebtLine, ...]  # every installment, updated to the letterhead's date
    payments: tuple[PaymentView, ...] = ()

    @property
    def debtor_is_patient(self) -> bool:
        return self.debtor.cpf == self.patient.cpf and self.debtor.name == self.patient.name


@dataclass(frozen=True)
class PixSlip:
    """One carnê slip: the installment as of the print date and its BR Code."""

    line: DebtLine
    payload: str  # copia-e-cola ("" when the clinic has no PIX key)
    matrix: tuple[tuple[bool, ...], ...] = ()


@dataclass(frozen=True)
class AllocationLine:
    """How much of a payment went to one installment (``law.Settlement`` of that payment)."""

    number: int
    due_date: date
    settlement: Settlement


@dataclass(frozen=True)
class ReceiptFacts:
    payment: PaymentView
    contract: ContractFacts
    allocations: tuple[AllocationLine, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class OverdueFacts:
    """A notification's or notice's content: the overdue installments on the document's date and
    on its deadline (both from ``updated_debt``)."""

    contract: ContractFacts
    overdue: tuple[DebtLine, ...]
    deadline: date
    at_deadline: tuple[DebtLine, ...]

    @property
    def total_cents(self) -> int:
        return sum(line.total_cents for line in self.overdue)

    @property
    def total_at_deadline_cents(self) -> int:
        return sum(line.total_cents for line in self.at_deadline)
