"""Printed documents: their kinds, names, deadlines, which ones a contract allows today, and the
archive entry of each PDF produced.

The deadlines are law and good practice, kept here so every document and the CLI agree:
- notificação extrajudicial: payment asked within at most 7 days (a short, reasonable deadline);
- aviso prévio de negativação: inclusion no sooner than 10 days after the notice (CDC art. 43
  §2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.domain.catalog import ContractStatus, DocumentKind
from app.domain.dates import format_date
from app.domain.law import DebtLine

NOTIFICATION_DEADLINE_DAYS = 7
NEGATIVACAO_NOTICE_DAYS = 10

KIND_LABELS: dict[str, str] = {
    DocumentKind.CONTRATO: "Contrato",
    DocumentKind.CARNE: "Carnê",
    DocumentKind.RECIBO: "Recibo",
    DocumentKind.NOTIFICACAO: "Notificação extrajudicial",
    DocumentKind.AVISO_NEGATIVACAO: "Aviso prévio de negativação",
    DocumentKind.CONFISSAO: "Confissão de dívida",
    DocumentKind.EXTRATO: "Extrato",
    DocumentKind.RELATORIO: "Relatório",
    DocumentKind.DOSSIE: "Dossiê de cobrança",
}

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


def why_not(
    kind: str, contract_id: int, status: str, lines: Sequence[DebtLine], as_of: date
) -> str | None:
    """Why the contract's document of ``kind`` would not be true on ``as_of`` (pt-BR), or
    ``None`` when it may be printed. ``lines``: the contract's installments on ``as_of``.

    The contract and its extrato can always be printed. A carnê asks for installments, so it
    needs an open one of an active contract; a notificação extrajudicial or an aviso de
    negativação charges a debt, so it needs an overdue one — never for a contract that is
    settled, renegotiated or cancelled."""
    active = status == ContractStatus.ACTIVE
    if kind == DocumentKind.CARNE:
        if active and any(ln.is_open for ln in lines):
            return None
        return f"Carnê: o contrato {contract_id} não tem parcelas em aberto."
    if kind in (DocumentKind.NOTIFICACAO, DocumentKind.AVISO_NEGATIVACAO):
        if active and any(ln.is_overdue for ln in lines):
            return None
        return (
            f"{KIND_LABELS[kind]}: o contrato {contract_id} não tem parcelas em atraso em "
            f"{format_date(as_of)}."
        )
    return None


def contract_documents(
    contract_id: int, status: str, lines: Sequence[DebtLine], as_of: date
) -> dict[DocumentKind, str | None]:
    """Each document a contract can give, with why it may not be printed today (``None``: it
    may): what the patient page offers and what ``emdia documents`` refuses."""
    return {kind: why_not(kind, contract_id, status, lines, as_of) for kind in CONTRACT_KINDS}


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

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)
