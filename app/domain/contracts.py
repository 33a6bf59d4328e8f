"""Contracts and payments as the receptionist types them, and what makes them valid.

Forms hold text (from the dialog or the CLI); ``validate_*`` returns clean typed data or raises
one ValidationError listing every field to fix, in pt-BR.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.domain import identity, limits
from app.domain.catalog import ContractStatus, PaymentMethod
from app.domain.clinic import DEFAULT_BACKDATE_DAYS
from app.domain.dates import age_on, format_date, parse_date
from app.domain.documents import NO_LETTER_FACTS, LetterFacts
from app.domain.identity import IdentityChecks
from app.domain.law import DebtLine
from app.domain.money import format_brl, money_in_form
from app.domain.pix import txid_in
from app.domain.text import clean_name, parse_int
from app.errors import FieldError, ValidationError

MAX_INSTALLMENTS = 60
ADULT_AGE = 18  # CC art. 5: only adults contract on their own


@dataclass(frozen=True)
class ContractForm:
    total: str = ""
    down_payment: str = ""
    installments: str = "1"
    first_due: str = ""
    method: str = PaymentMethod.PIX
    description: str = ""
    guarantor_cpf: str = ""
    signed_on: str = ""
    witness1_name: str = ""
    witness1_cpf: str = ""
    witness2_name: str = ""
    witness2_cpf: str = ""
    down_paid_now: bool = False  # the entrada is paid at the desk as the contract is signed


@dataclass(frozen=True)
class ContractData:
    total_cents: int
    down_payment_cents: int
    installments: int
    first_due: date
    method: PaymentMethod
    description: str
    guarantor_cpf: str | None
    signed_on: date | None
    witnesses: tuple[tuple[str, str], ...]


LABELS = {
    "total": "Valor total",
    "down_payment": "Entrada",
    "installments": "Parcelas",
    "first_due": "Primeiro vencimento",
    "method": "Forma de pagamento",
    "guarantor_cpf": "CPF do fiador",
    "signed_on": "Data da assinatura",
    "amount": "Valor",
    "paid_on": "Data do pagamento",
    "reason": "Motivo",
    "description": "Descrição",
    "witness1_name": "Testemunha 1",
    "witness2_name": "Testemunha 2",
    "witness1_cpf": "CPF da testemunha 1",
    "witness2_cpf": "CPF da testemunha 2",
    "reference": "Referência",
    "installment": "Parcela indicada",
}
# The longest text each field takes (see ``app.domain.limits``).
TEXT_LENGTHS = {
    "description": limits.NOTE,
    "witness1_name": limits.COLUMNS["contract.witness1_name"],
    "witness2_name": limits.COLUMNS["contract.witness2_name"],
    "reference": limits.COLUMNS["payment.reference"],
    "reason": limits.COLUMNS["payment.reason"],
}

METHOD_CHOICES = ", ".join(m.value for m in PaymentMethod)
AMOUNT_EXAMPLE = "por exemplo 1.200,00"  # after "obrigatório," when a required amount is blank


def _method(raw: str, errors: list[FieldError]) -> PaymentMethod:
    try:
        return PaymentMethod((raw or "").strip().lower())
    except ValueError:
        errors.append(
            FieldError("method", f"Forma de pagamento: '{raw}' não existe; use {METHOD_CHOICES}.")
        )
        return PaymentMethod.PIX


def validate_contract(
    form: ContractForm,
    today: date,
    *,
    patient_birth: date | None,
    has_responsible: bool,
    checks: IdentityChecks,
) -> ContractData:
    errors = limits.form_text_errors(form, LABELS, TEXT_LENGTHS)
    total = money_in_form(form.total, "total", LABELS["total"], errors, required=AMOUNT_EXAMPLE)
    if not errors and total == 0:
        errors.append(FieldError("total", "Valor total: precisa ser maior que zero."))
    down = money_in_form(form.down_payment, "down_payment", LABELS["down_payment"], errors)
    if total and down >= total:
        errors.append(
            FieldError(
                "down_payment",
                f"Entrada: {format_brl(down)} não pode ser igual ou maior que o total "
                f"({format_brl(total)}); para pagamento à vista use 1 parcela.",
            )
        )
    parsed_count = parse_int(form.installments)
    count = parsed_count or 0
    if parsed_count is None:
        errors.append(FieldError("installments", "Parcelas: informe um número inteiro, como 12."))
    else:
        if not 1 <= count <= MAX_INSTALLMENTS:
            errors.append(
                FieldError("installments", f"Parcelas: use de 1 a {MAX_INSTALLMENTS} parcelas.")
            )
    if total and count >= 1 and total - down < count:
        errors.append(
            FieldError("installments", "Parcelas: cada parcela precisa de pelo menos R$ 0,01.")
        )

    first_due = today
    parsed = parse_date(form.first_due, "first_due", LABELS["first_due"])
    if isinstance(parsed, FieldError):
        errors.append(parsed)
    elif parsed < today - timedelta(days=5 * 366) or parsed > today + timedelta(days=366):
        errors.append(
            FieldError(
                "first_due",
                "Primeiro vencimento: use uma data entre 5 anos atrás (contratos antigos) e "
                "1 ano à frente.",
            )
        )
    else:
        first_due = parsed

    method = _method(form.method, errors)

    guarantor = None
    if form.guarantor_cpf.strip():
        result = identity.normalize_cpf(
            form.guarantor_cpf, "guarantor_cpf", LABELS["guarantor_cpf"], checks=checks
        )
        if isinstance(result, FieldError):
            errors.append(result)
        else:
            guarantor = result

    signed_on, witnesses = _signature(form, today, errors, checks)

    if (
        patient_birth is not None
        and not has_responsible
        and age_on(patient_birth, today) < ADULT_AGE
    ):
        errors.append(
            FieldError(
                "patient",
                "Paciente menor de idade não assina contrato sozinho (Código Civil art. 5): "
                "cadastre um responsável financeiro no paciente antes.",
            )
        )

    if errors:
        raise ValidationError(limits.first_per_field(errors))
    return ContractData(
        total_cents=total,
        down_payment_cents=down,
        installments=count,
        first_due=first_due,
        method=method,
        description=(form.description or "").strip(),
        guarantor_cpf=guarantor,
        signed_on=signed_on,
        witnesses=witnesses,
    )


@dataclass(frozen=True)
class ContractTermsForm:
    """What may still change on a registered contract: never money or dates of the plan, only
    its internal description and the signature details (often filled in after the signing)."""

    description: str = ""
    signed_on: str = ""
    witness1_name: str = ""
    witness1_cpf: str = ""
    witness2_name: str = ""
    witness2_cpf: str = ""


@dataclass(frozen=True)
class ContractTerms:
    description: str
    signed_on: date | None
    witnesses: tuple[tuple[str, str], ...]


def validate_contract_terms(
    form: ContractTermsForm, today: date, *, checks: IdentityChecks
) -> ContractTerms:
    errors = limits.form_text_errors(form, LABELS, TEXT_LENGTHS)
    signed_on, witnesses = _signature(form, today, errors, checks)
    if errors:
        raise ValidationError(limits.first_per_field(errors))
    return ContractTerms((form.description or "").strip(), signed_on, witnesses)


def _signature(
    form: ContractForm | ContractTermsForm,
    today: date,
    errors: list[FieldError],
    checks: IdentityChecks,
) -> tuple[date | None, tuple[tuple[str, str], ...]]:
    """Signature date and the two witnesses (CPC art. 784 III: a contract signed by the debtor
    and two witnesses is a título executivo extrajudicial)."""
    signed_on = None
    if form.signed_on.strip():
        signed = parse_date(form.signed_on, "signed_on", LABELS["signed_on"])
        if isinstance(signed, FieldError):
            errors.append(signed)
        elif signed > today:
            errors.append(FieldError("signed_on", "Data da assinatura: não pode ser no futuro."))
        else:
            signed_on = signed

    witnesses: list[tuple[str, str]] = []
    for n in (1, 2):
        name = clean_name(getattr(form, f"witness{n}_name"))
        cpf_raw = getattr(form, f"witness{n}_cpf")
        if not name and not cpf_raw.strip():
            continue
        key = f"witness{n}_cpf"
        cpf = identity.normalize_cpf(cpf_raw, key, f"CPF da testemunha {n}", checks=checks)
        if isinstance(cpf, FieldError):
            errors.append(cpf)
            continue
        if not name:
            errors.append(FieldError(f"witness{n}_name", f"Testemunha {n}: informe o nome."))
            continue
        witnesses.append((name, cpf))
    return signed_on, tuple(witnesses)


@dataclass(frozen=True)
class PaymentForm:
    contract_id: int
    amount: str
    paid_on: str
    method: str = PaymentMethod.PIX
    reference: str = ""
    waive_charges: bool = False
    keep_credit: bool = False
    reason: str = ""  # why a payment is dated beyond the clinic's window (a gestor's)
    # The installment the debtor says they are paying, as typed ("3", "entrada"); blank: none
    # named (a PIX txid in ``reference`` then names it).
    installment: str = ""


@dataclass(frozen=True)
class PaymentData:
    contract_id: int
    amount_cents: int
    paid_on: date
    method: PaymentMethod
    reference: str
    waive_charges: bool
    keep_credit: bool
    reason: str = ""
    # The debtor's choice (CC art. 352): this installment is settled first; None = oldest
    # first (art. 355).
    installment_number: int | None = None


def validate_payment(form: PaymentForm, today: date) -> PaymentData:
    errors = limits.form_text_errors(form, LABELS, TEXT_LENGTHS)
    amount = money_in_form(form.amount, "amount", LABELS["amount"], errors, required=AMOUNT_EXAMPLE)
    if not errors and amount == 0:
        errors.append(FieldError("amount", "Valor: precisa ser maior que zero."))
    paid_on = today
    parsed = parse_date(form.paid_on, "paid_on", LABELS["paid_on"])
    if isinstance(parsed, FieldError):
        errors.append(parsed)
    elif parsed > today:
        errors.append(
            FieldError("paid_on", "Data do pagamento: não pode ser no futuro — registre no dia.")
        )
    else:
        paid_on = parsed
    method = _method(form.method, errors)
    reference = (form.reference or "").strip()  # a longer one is refused above, never cut
    chosen = _installment_named(form, reference, errors)
    if errors:
        raise ValidationError(limits.first_per_field(errors))
    return PaymentData(
        contract_id=form.contract_id,
        amount_cents=amount,
        paid_on=paid_on,
        method=method,
        reference=reference,
        waive_charges=form.waive_charges,
        keep_credit=form.keep_credit,
        reason=" ".join((form.reason or "").split()),
        installment_number=chosen,
    )


MAX_REASON = 200  # the gestor's reason for a payment dated beyond the window


@dataclass(frozen=True)
class BackdateWindow:
    """Which dates a payment of one contract may carry, and who is asking.

    A payment dated in the past is applied as of that date: the multa and juros of every
    parcela late since then vanish. So a date before the contract is a typo (or worse), and a
    date more than ``days`` back is a gestor's decision, with a reason the audit log keeps."""

    today: date  # the latest day a record may carry (never after the real date)
    contract_start: date  # signed, or registered, whichever came first
    days: int = DEFAULT_BACKDATE_DAYS
    gestor: bool = False  # the one asking may date beyond ``days``


def check_payment_date(data: PaymentData, window: BackdateWindow, *, need_reason: bool) -> int:
    """Refuse a date the window does not allow (``ValidationError`` naming the field); return
    how many days back the payment is dated when that is beyond the window (0 otherwise).
    ``need_reason=False``: a preview, where the reason is not asked yet."""
    paid_on = data.paid_on
    if paid_on < window.contract_start:
        raise ValidationError.single(
            "paid_on",
            f"Data do pagamento: {format_date(paid_on)} é anterior ao contrato "
            f"({format_date(window.contract_start)}); confira a data.",
        )
    days = (window.today - paid_on).days
    if days <= window.days:
        return 0
    if not window.gestor:
        raise ValidationError.single(
            "paid_on",
            f"Data do pagamento: {format_date(paid_on)} foi há {days} dias; com mais de "
            f"{window.days} dias, só um gestor lança, informando o motivo. Nada foi gravado.",
        )
    if need_reason and not data.reason:
        raise ValidationError.single(
            "reason",
            f"Motivo: obrigatório para um pagamento de {days} dias atrás (mais de "
            f"{window.days}); fica no registro de auditoria.",
        )
    if len(data.reason) > MAX_REASON:
        raise ValidationError.single("reason", f"Motivo: use até {MAX_REASON} caracteres.")
    return days


def _installment_named(form: PaymentForm, reference: str, errors: list[FieldError]) -> int | None:
    """The installment the debtor named (CC art. 352): typed at the desk, or carried by the
    PIX txid of that installment (``EMDIAC…P…``) in the reference. Both given must agree, and
    a txid of another contract is refused (the money would be put on the wrong debt)."""
    typed: int | None = None
    raw = (form.installment or "").strip().lower()
    if raw in ("entrada", "e"):
        typed = 0
    elif raw:
        try:
            typed = int(raw)
        except ValueError:
            typed = -1
        if typed < 0:
            errors.append(
                FieldError(
                    "installment",
                    f"{LABELS['installment']}: '{form.installment}' não é uma parcela; use o "
                    "número (como 3), 'entrada' ou deixe em branco.",
                )
            )
            return None
    found = txid_in(reference)
    if found is None:
        return typed
    if found.contract_id != form.contract_id:
        errors.append(
            FieldError(
                "reference",
                f"Referência: o código PIX é do contrato {found.contract_id}, não do "
                f"{form.contract_id}; registre o pagamento no contrato certo.",
            )
        )
        return None
    if typed is not None and typed != found.number:
        errors.append(
            FieldError(
                "installment",
                f"{LABELS['installment']}: {typed} não confere com o código PIX da referência "
                f"(parcela {found.number}).",
            )
        )
        return None
    return found.number


# --- what services return -----------------------------------------------------------------


@dataclass(frozen=True)
class ContractSummary:
    id: int
    patient_id: int
    patient_name: str
    responsible_name: str
    created_on: date
    total_cents: int
    installments: int
    method: str
    status: ContractStatus
    open_principal_cents: int
    next_due: date | None


@dataclass(frozen=True)
class PaymentView:
    id: int
    paid_on: date
    amount_cents: int
    method: str
    reference: str
    credit_cents: int
    reversed_by_id: int | None
    reverses_payment_id: int | None
    reversal_code: str
    reason: str
    installments: tuple[int, ...]  # numbers touched

    @property
    def is_reversal(self) -> bool:
        return self.reverses_payment_id is not None

    @property
    def is_effective(self) -> bool:
        return self.reversed_by_id is None and self.reverses_payment_id is None


@dataclass(frozen=True)
class ContractView:
    summary: ContractSummary
    description: str
    down_payment_cents: int
    fine_bp: int
    interest_monthly_bp: int
    punctuality_discount_bp: int
    as_of: date
    lines: tuple[DebtLine, ...]
    payments: tuple[PaymentView, ...]
    version: int
    letter: LetterFacts = NO_LETTER_FACTS  # what the collection letters need to know
    signed_on: date | None = None
    witnesses: tuple[tuple[str, str], ...] = ()

    @property
    def total_due_cents(self) -> int:
        return sum(line.total_cents for line in self.lines if line.is_open)

    @property
    def overdue_cents(self) -> int:
        return sum(line.total_cents for line in self.lines if line.is_overdue)

    @property
    def credit_cents(self) -> int:
        return sum(p.credit_cents for p in self.payments if p.is_effective)
