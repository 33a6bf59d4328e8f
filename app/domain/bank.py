"""The clinic's bank statement as EmDia reads it: the account, each line, and what a line says
about who paid.

A Brazilian bank exports the statement (extrato) as an OFX file; ``app.adapters.ofx`` reads the
file into these values. Everything here is pure: what a memo says about the payer (name, the CPF
digits the bank shows masked — ``•••.982.247-••``), EmDia's PIX identifier (``EMDIAC000123P07``,
``app.domain.pix.txid_for``) when the payer's bank passed it on, and the credits that are not a
patient's payment at all (the clinic's own transfers, card settlements).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.domain.pix import TxidRef
from app.domain.pix import txid_in as pix_txid_in
from app.domain.text import fold
from app.errors import EmDiaError


class StatementError(EmDiaError):
    """The statement file cannot be read; the message says what is wrong with it (pt-BR)."""


@dataclass(frozen=True)
class BankAccountRef:
    """The account the statement is of, as the file names it (any part may be missing: some
    banks leave ``<BANKACCTFROM>`` half empty)."""

    bank_id: str = ""
    branch_id: str = ""
    account_id: str = ""
    bank_name: str = ""

    @property
    def label(self) -> str:
        """``Banco 341 · ag. 1234 · conta 56789-0`` (what is known of it)."""
        parts = []
        if self.bank_name or self.bank_id:
            parts.append(self.bank_name or f"Banco {self.bank_id}")
        if self.branch_id:
            parts.append(f"ag. {self.branch_id}")
        if self.account_id:
            parts.append(f"conta {self.account_id}")
        return " · ".join(parts) or "conta sem identificação no arquivo"


@dataclass(frozen=True)
class StatementLine:
    """One line of the statement. ``amount_cents`` is negative for a debit; ``posted_on`` is the
    bank's calendar day as printed (never shifted by a time zone)."""

    fitid: str
    posted_on: date
    amount_cents: int
    kind: str = ""  # TRNTYPE as given (CREDIT, DEP, XFER, PIX, OTHER…)
    memo: str = ""
    name: str = ""
    reference: str = ""  # REFNUM or CHECKNUM, where some banks put the PIX end-to-end id

    @property
    def is_credit(self) -> bool:
        return self.amount_cents > 0

    @property
    def text(self) -> str:
        """Everything the bank wrote about the line, for the payer and the txid."""
        return " - ".join(part for part in (self.name, self.memo) if part.strip())


@dataclass(frozen=True)
class Statement:
    account: BankAccountRef
    start: date | None
    end: date | None
    lines: tuple[StatementLine, ...]

    @property
    def credits(self) -> tuple[StatementLine, ...]:
        return tuple(line for line in self.lines if line.is_credit)


# --- EmDia's PIX identifier ----------------------------------------------------------------

# A txid some bank wrapped across a space when it cut the memo into lines: read with the spaces
# taken out, so the installment is its two digits exactly (what ``txid_for`` writes).
_WRAPPED_TXID = re.compile(r"EMDIAC(\d{6,})P(\d{2})")
_TXID_LOOSE = re.compile(r"(?i)emdiac\s*\d{6}\s*p\s*\d{2}")  # as printed, maybe wrapped


def txid_in(line: StatementLine) -> TxidRef | None:
    """The first EmDia txid the line carries — in the memo, the name, the reference or the
    FITID (banks differ) —, as ``pix.txid_in`` reads it, or read across the spaces some banks
    insert when they wrap a memo."""
    texts = (line.memo, line.name, line.reference, line.fitid)
    for text in texts:
        found = pix_txid_in(text)
        if found is not None:
            return found
    for text in texts:
        wrapped = _WRAPPED_TXID.search(re.sub(r"\s+", "", text).upper())
        if wrapped:
            return TxidRef(int(wrapped.group(1)), int(wrapped.group(2)))
    return None


# --- who paid ------------------------------------------------------------------------------

# A CPF or CNPJ as banks print it, whole or masked (•, *, x or X for the hidden digits).
_MASK = "•*xX"
_DOC = re.compile(
    rf"(?<![\d{_MASK}])"
    rf"([\d{_MASK}]{{2,3}}\.?[\d{_MASK}]{{3}}\.?[\d{_MASK}]{{3}}(?:/[\d{_MASK}]{{4}})?-?[\d{_MASK}]{{2}})"
    rf"(?![\d{_MASK}])"
)
_DIGITS = re.compile(r"\d[\d.,:/\-]*")
_BANK_PART = re.compile(
    r"\b(s\.?\s?/?a\.?|banco|bco|ag(encia)?|conta|cc|c/c|instituicao|pagamentos|ip)\b|\(\d{3,4}\)"
)
# Words banks put around the payer's name; stripped only at the start or the end of a piece,
# so "de" inside "Maria de Souza" stays.
_NOISE_WORDS = (
    "pix recebido recebida receb rec transferencia transf transfer ted doc tev cred credito rem "
    "remetente de do da pelo pela recebimento entrada dep deposito depositante cp pagador origem "
    "cliente ordenante favorecido enviado enviada por qr code chave automatico agendado dinheiro "
    "conta corrente inst mesma titularidade"
)
_NOISE = frozenset(_NOISE_WORDS.split())


@dataclass(frozen=True)
class Payer:
    """Who the bank says paid: the name as printed and the document as shown (maybe masked).

    ``pattern`` is the document as 11 (CPF) or 14 (CNPJ) characters, a digit where the bank
    shows it and ``?`` where it hides it: ``•••.982.247-••`` → ``???982247??``."""

    name: str = ""
    document: str = ""
    pattern: str = ""

    @property
    def is_company(self) -> bool:
        return len(self.pattern) == 14


def document_pattern(shown: str) -> str:
    """``•••.982.247-••`` → ``???982247??``; ``''`` when it is no CPF/CNPJ shape."""
    bare = re.sub(r"[.\-/\s]", "", shown)
    pattern = "".join(c if c.isdigit() else "?" for c in bare)
    return pattern if len(pattern) in (11, 14) and any(c.isdigit() for c in pattern) else ""


def _name_piece(piece: str) -> str:
    """A piece of memo reduced to the words of a name (upper-case, as banks print names): digits,
    dates and times gone ("MARIA D16/03" → "MARIA D"), the bank's words around it stripped."""
    words = [re.sub(r"[^a-z'\-]", "", w) for w in fold(_DIGITS.sub(" ", piece)).split()]
    words = [w.strip("-'") for w in words if w.strip("-'")]
    while words and words[0] in _NOISE:
        words.pop(0)
    while words and words[-1] in _NOISE:
        words.pop()
    return " ".join(words).upper()


def payer_of(line: StatementLine) -> Payer:
    """The payer the line names: the first CPF/CNPJ shape found, and the longest piece of the
    name or memo that reads as a person's or company's name (bank names, agencies, dates and
    the words around them left out)."""
    text = _TXID_LOOSE.sub(" ", line.text)
    document = ""
    found = _DOC.search(text)
    if found and document_pattern(found.group(1)):
        document = found.group(1)
        text = text.replace(document, " - ")
    pieces = re.split(r"\s+-\s+|\s{2,}|\||;|:|\"", text)
    names = [
        _name_piece(piece)
        for piece in pieces
        if piece.strip() and not _BANK_PART.search(fold(piece))
    ]
    names = [n for n in names if len(n.replace(" ", "")) >= 2]
    name = max(names, key=lambda n: (len(n.split()), len(n)), default="")
    return Payer(name=name, document=document, pattern=document_pattern(document))


def document_matches(pattern: str, digits: str | None) -> bool | None:
    """Whether the digits the bank shows are those of ``digits`` (a CPF or CNPJ): ``None`` when
    the bank shows none or the person has no document on file."""
    if not pattern or not digits or len(pattern) != len(digits):
        return None
    return all(shown in ("?", real) for shown, real in zip(pattern, digits, strict=True))


# --- not a patient's payment ---------------------------------------------------------------

_OWN_WORDS = re.compile(
    r"\b(mesma titularidade|entre contas|transf(erencia)? entre|resgate|aplicacao|rendimento|"
    r"rend pago|juros poupanca|estorno)\b"
)
_CARD_WORDS = re.compile(
    r"\b(cielo|redecard|rede s\.?a|stone pagamentos|getnet|pagseguro|sumup|safrapay|"
    r"vendas? (com |no |em )?cart(ao|oes)|antecipacao|liquidacao|visa|mastercard|maestro|"
    r"hipercard|amex|credenciador)\b"
)


@dataclass(frozen=True)
class ClinicIdentity:
    """How the clinic itself appears in a statement: its own transfers are not payments."""

    name: str = ""
    cnpj: str | None = None
    cpf: str | None = None


def not_a_payment(line: StatementLine, payer: Payer, clinic: ClinicIdentity) -> str | None:
    """Why a credit is not a patient's payment (the reason shown), or ``None``."""
    for own in (clinic.cnpj, clinic.cpf):
        if document_matches(payer.pattern, own):
            return "transferência da própria clínica (mesmo CNPJ/CPF)"
    if clinic.name and payer.name and fold(payer.name) == fold(clinic.name):
        return "transferência da própria clínica (mesmo nome)"
    words = fold(line.text)
    if _OWN_WORDS.search(words):
        return "transferência entre contas, aplicação ou resgate da clínica"
    if _CARD_WORDS.search(words):
        return "repasse de vendas com cartão (maquininha)"
    return None
