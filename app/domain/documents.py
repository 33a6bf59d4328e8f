"""Printed documents: their kinds, names, deadlines, which ones a contract allows today, and the
archive entry of each PDF produced.

The deadlines are law and good practice, kept here so every document and the CLI agree:
- notificação extrajudicial: payment asked within at most 7 days (a short, reasonable deadline);
- aviso prévio de negativação (the clinic's comunicação prévia): inclusion no sooner than 10
  days after it — the bureaus' practice; the legal notice of CDC art. 43 §2 is the bureau's own
  (Súmula 359 STJ).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.domain.catalog import KIND_LABELS, ContractStatus, DocumentKind
from app.domain.dates import format_date
from app.domain.law import DebtLine
from app.domain.negativacao import OpenNegativacao, bureau_label
from app.domain.prescription import collectable, is_prescribed, prescribed_reason

NOTIFICATION_DEADLINE_DAYS = 7
NEGATIVACAO_NOTICE_DAYS = 10


# Documents whose name is feminine in Portuguese: "Confissão de dívida gerada", "Recibo gerado".
FEMININE_KINDS = frozenset({DocumentKind.NOTIFICACAO, DocumentKind.CONFISSAO})


def generated_text(kind: str) -> str:
    """``Confissão de dívida gerada e arquivada``, ``Aviso prévio de negativação gerado e
    arquivado``: the document's name with the words agreeing with it."""
    done = "gerada e arquivada" if kind in FEMININE_KINDS else "gerado e arquivado"
    return f"{KIND_LABELS[kind]} {done}"


# Short codes in file names and in each page's footer reference.
KIND_CODES: dict[str, str] = {
    DocumentKind.CONTRATO: "CTR",
    DocumentKind.CARNE: "CAR",
    DocumentKind.RECIBO: "REC",
    DocumentKind.NOTIFICACAO: "NOT",
    DocumentKind.AVISO_NEGATIVACAO: "AVN",
    DocumentKind.CONFISSAO: "CDD",
    DocumentKind.EXTRATO: "EXT",
    DocumentKind.RELATORIO: "REL",
    DocumentKind.DOSSIE: "DOS",
    DocumentKind.ASSINADO: "ASS",
}


# Documents made from a contract, in the order the desk needs them (the receipt is made from a
# payment, the confissão de dívida from an acordo).
CONTRACT_KINDS: tuple[DocumentKind, ...] = (
    DocumentKind.CONTRATO,
    DocumentKind.CARNE,
    DocumentKind.EXTRATO,
    DocumentKind.NOTIFICACAO,
    DocumentKind.AVISO_NEGATIVACAO,
)


LETTERS = (DocumentKind.NOTIFICACAO, DocumentKind.AVISO_NEGATIVACAO)

# What a letter needs of the debtor's address to go by post with AR (aviso de recebimento).
POSTAL_FIELDS = ("rua", "número", "cidade", "UF", "CEP")


def postal_address_missing(
    street: str, number: str, city: str, state: str, zip_code: str
) -> tuple[str, ...]:
    """The parts of an address a letter cannot go without (pt-BR names, in ``POSTAL_FIELDS``
    order)."""
    values = (street, number, city, state, zip_code)
    return tuple(name for name, value in zip(POSTAL_FIELDS, values, strict=True) if not value)


@dataclass(frozen=True)
class LetterFacts:
    """What a collection letter needs to know besides the installments: whether the person
    charged can receive it, and what is already registered with a credit bureau."""

    debtor_name: str = ""
    address_missing: tuple[str, ...] = ()  # ``postal_address_missing`` of the person charged
    negativacao: OpenNegativacao | None = None  # the contract's negativação in force


NO_LETTER_FACTS = LetterFacts()


def letter_lines(
    kind: str, lines: Sequence[DebtLine], letter: LetterFacts = NO_LETTER_FACTS
) -> list[DebtLine]:
    """The installments a letter charges: the overdue ones the clinic may still pursue (not
    prescribed, CC art. 206 §5 I); an aviso de negativação only those not registered yet —
    every one it lists is one that may be registered."""
    pursued = collectable(lines)
    if kind != DocumentKind.AVISO_NEGATIVACAO:
        return pursued
    # An aviso announces an inclusion from its earliest day: an installment prescribed by then
    # could not be registered, and announcing it would be a false statement (CDC art. 71).
    pursued = [ln for ln in pursued if not _prescribed_by_inclusion(ln)]
    registered = letter.negativacao
    if registered is not None:
        pursued = [ln for ln in pursued if not registered.covers(ln)]
    return pursued


def _prescribed_by_inclusion(line: DebtLine) -> bool:
    day = date.fromordinal(line.effective_due_date.toordinal() + line.days_late)
    return is_prescribed(line.effective_due_date, negativacao_earliest(day))


def why_not(
    kind: str,
    contract_id: int,
    status: str,
    lines: Sequence[DebtLine],
    as_of: date,
    letter: LetterFacts = NO_LETTER_FACTS,
) -> str | None:
    """Why the contract's document of ``kind`` would not be true on ``as_of`` (pt-BR), or
    ``None`` when it may be printed. ``lines``: the contract's installments on ``as_of``.

    The contract and its extrato can always be printed. A carnê asks for installments, so it
    needs an open one of an active contract. A notificação extrajudicial or an aviso de
    negativação charges a debt, so it needs an overdue one — never for a contract that is
    settled, renegotiated or cancelled, never for a prescribed debt (prescription bars
    collection out of court too), never to a debtor without a postal address (the letter goes
    with AR), and no aviso for a debt already registered (it would announce nothing)."""
    active = status == ContractStatus.ACTIVE
    if kind == DocumentKind.CARNE:
        if active and any(ln.is_open for ln in lines):
            return None
        return f"Carnê: o contrato {contract_id} não tem parcelas em aberto."
    if kind not in LETTERS:
        return None
    name = KIND_LABELS[kind]
    overdue = [ln for ln in lines if ln.is_overdue]
    if not active or not overdue:
        return (
            f"{name}: o contrato {contract_id} não tem parcelas em atraso em {format_date(as_of)}."
        )
    if not collectable(overdue):
        return f"{name}: {prescribed_reason(overdue)}."
    registered = letter.negativacao
    if not letter_lines(kind, overdue, letter):
        if registered is not None:
            return (
                f"{name}: o débito do contrato {contract_id} já está negativado desde "
                f"{format_date(registered.included_on)} ({bureau_label(registered.bureau)}); "
                "não há inclusão a anunciar."
            )
        return (
            f"{name}: as parcelas em atraso do contrato {contract_id} prescrevem antes de "
            f"{format_date(negativacao_earliest(as_of))}, o primeiro dia em que poderiam ser "
            "incluídas (CC art. 206 §5 I): não há inclusão a anunciar."
        )
    if letter.address_missing:
        who = letter.debtor_name or "o devedor"
        return (
            f"{name}: falta no cadastro de {who} o endereço ({', '.join(letter.address_missing)})"
            " — a carta vai pelo correio com aviso de recebimento (AR); cadastre o endereço."
        )
    return None


def contract_documents(
    contract_id: int,
    status: str,
    lines: Sequence[DebtLine],
    as_of: date,
    letter: LetterFacts = NO_LETTER_FACTS,
) -> dict[DocumentKind, str | None]:
    """Each document a contract can give, with why it may not be printed today (``None``: it
    may): what the patient page offers and what ``emdia documents`` refuses."""
    return {
        kind: why_not(kind, contract_id, status, lines, as_of, letter) for kind in CONTRACT_KINDS
    }


def notification_deadline(as_of: date, days: int = NOTIFICATION_DEADLINE_DAYS) -> date:
    """The date a notification asks payment by: ``days`` after it, never more than 7."""
    if not 1 <= days <= NOTIFICATION_DEADLINE_DAYS:
        raise ValueError("notification deadline must be 1..7 days")
    return as_of + timedelta(days=days)


def negativacao_earliest(as_of: date) -> date:
    """The first day the debt may be sent to a credit bureau after a notice dated ``as_of``."""
    return as_of + timedelta(days=NEGATIVACAO_NOTICE_DAYS)


def reference(kind: str, number: int, as_of: date) -> str:
    """The reference printed on every page: ``NOT-000123-20260316`` (kind, contract or payment
    number, date of the values)."""
    return f"{KIND_CODES[kind]}-{number:06d}-{as_of:%Y%m%d}"


@dataclass(frozen=True)
class ArchivedDocument:
    """One archived PDF: the exact file that was printed or sent, with its SHA-256."""

    id: int
    kind: str
    patient_id: int | None
    patient_name: str
    contract_id: int | None
    payment_id: int | None
    generated_at: datetime
    as_of: date | None
    sha256: str
    file_path: str
    agreement_id: int | None = None
    original_document_id: int | None = None  # a signed copy: the document it signs

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)
