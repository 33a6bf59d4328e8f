"""PIX static BR Code (EMV® QRCPS Merchant-Presented Mode, as profiled by the Banco Central's
"Manual de Padrões para Iniciação do Pix"): the copia-e-cola text and what goes in the QR code.

Pure and offline: the payload is a string of TLV fields (two-digit ID, two-digit length, value)
closed by a CRC16-CCITT-FALSE of everything before it. The amount is the installment's updated
amount from ``law.updated_debt`` on the document's date; the txid ties a payment seen in the bank
statement back to its installment (``txid_for``) or, for one PIX covering several contracts of
the same payer, to that payer (``payer_txid``); ``read_txid`` reads either back. The QR image
of a payload is drawn by ``app.adapters.qr``.

Used by documents (carnê, notifications) and the régua's messages.
"""

from __future__ import annotations

import binascii
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from app.domain.clinic import ClinicInfo
from app.errors import EmDiaError

GUI = "br.gov.bcb.pix"  # the Banco Central's globally unique identifier, as in its example
MCC_UNDEFINED = "0000"
CURRENCY_BRL = "986"  # ISO 4217
COUNTRY = "BR"
MAX_NAME = 25
MAX_CITY = 15
MAX_TXID_STATIC = 25  # static BR Code: up to 25 alphanumeric characters
NO_TXID = "***"  # the manual's "no identifier" value
MAX_KEY = 77


class PixError(EmDiaError):
    """The clinic's PIX data cannot make a valid BR Code (message in pt-BR)."""


# --- CRC and TLV ------------------------------------------------------------------------------


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR —
    the standard library's ``binascii.crc_hqx`` (same polynomial, unreflected) started at
    0xFFFF. Cobrança de hoje computes one per draft with a PIX code: thousands at a time."""
    return binascii.crc_hqx(data, 0xFFFF)


def tlv(tag: str, value: str) -> str:
    length = len(value.encode("utf-8"))
    if not 0 < length <= 99:
        raise ValueError(f"EMV field {tag}: length {length} out of 1..99")
    return f"{tag}{length:02d}{value}"


def parse_tlv(text: str) -> dict[str, str]:
    """``{tag: value}`` of one level of TLV fields (nested templates are parsed again)."""
    fields: dict[str, str] = {}
    position = 0
    while position < len(text):
        if position + 4 > len(text):
            raise ValueError(f"truncated TLV at {position}")
        tag, length = text[position : position + 2], int(text[position + 2 : position + 4])
        fields[tag] = text[position + 4 : position + 4 + length]
        if len(fields[tag]) != length:
            raise ValueError(f"truncated TLV value for {tag}")
        position += 4 + length
    return fields


def with_crc(body_without_crc: str) -> str:
    """Append field 63 (CRC) computed over the body including ``6304``."""
    head = body_without_crc + "6304"
    return head + f"{crc16_ccitt_false(head.encode('utf-8')):04X}"


def crc_is_valid(payload: str) -> bool:
    if len(payload) < 8 or payload[-8:-4] != "6304":
        return False
    return with_crc(payload[:-8]) == payload


# --- the payload --------------------------------------------------------------------------


@dataclass(frozen=True)
class StaticPix:
    """What a static BR Code carries. ``amount_cents=None`` lets the payer type the amount."""

    key: str
    merchant_name: str
    merchant_city: str
    amount_cents: int | None = None
    txid: str = NO_TXID


def brcode(pix: StaticPix) -> str:
    """The copia-e-cola text, field by field in the manual's order. Values are used as given;
    ``pix_for`` prepares them from the clinic's data."""
    if pix.amount_cents is not None and pix.amount_cents <= 0:
        raise ValueError("PIX amount must be positive")
    account = tlv("00", GUI) + tlv("01", pix.key)
    body = tlv("00", "01") + tlv("26", account) + tlv("52", MCC_UNDEFINED) + tlv("53", CURRENCY_BRL)
    if pix.amount_cents is not None:
        reais, cents = divmod(pix.amount_cents, 100)
        body += tlv("54", f"{reais}.{cents:02d}")
    body += tlv("58", COUNTRY) + tlv("59", pix.merchant_name) + tlv("60", pix.merchant_city)
    body += tlv("62", tlv("05", pix.txid))
    return with_crc(body)


@dataclass(frozen=True)
class DecodedPix:
    key: str
    merchant_name: str
    merchant_city: str
    amount_cents: int | None
    txid: str


def decode(payload: str) -> DecodedPix:
    """Read back a BR Code (tests, and checking what a QR will pay). Raises ValueError."""
    if not crc_is_valid(payload):
        raise ValueError("CRC does not match")
    fields = parse_tlv(payload)
    account = parse_tlv(fields["26"])
    if account.get("00", "").lower() != GUI:
        raise ValueError("not a PIX BR Code")
    amount = None
    if "54" in fields:
        reais, _, cents = fields["54"].partition(".")
        amount = int(reais) * 100 + int((cents + "00")[:2])
    extra = parse_tlv(fields.get("62", ""))
    return DecodedPix(
        key=account["01"],
        merchant_name=fields["59"],
        merchant_city=fields["60"],
        amount_cents=amount,
        txid=extra.get("05", NO_TXID),
    )


# --- from the clinic's data ---------------------------------------------------------------


def merchant_text(text: str, limit: int) -> str:
    """Upper-case ASCII without accents, single spaces, cut at ``limit`` (the manual's charset
    for names and cities; bank apps show it as the receiver)."""
    bare = unicodedata.normalize("NFKD", text or "")
    ascii_only = "".join(c for c in bare if not unicodedata.combining(c)).encode("ascii", "ignore")
    cleaned = re.sub(r"[^A-Z0-9 .\-]", " ", ascii_only.decode().upper())
    return " ".join(cleaned.split())[:limit].strip()


def txid_for(contract_id: int, number: int) -> str:
    """Deterministic per installment, alphanumeric, ≤ 25: ``EMDIAC000123P07`` is contract 123,
    installment 7 (0 = entrada) — so a reprint carries the same identifier."""
    txid = f"EMDIAC{contract_id:06d}P{number:02d}"
    if len(txid) > MAX_TXID_STATIC:
        raise ValueError("txid too long")
    return txid


def payer_txid(payer_id: int, drafted_on: date) -> str:
    """One PIX for several contracts (a responsável paying for two children): it belongs to no
    single installment, so it names the payer and the day it was asked for —
    ``EMDIAR000045D20261125`` is payer 45 (their patient record), drafted on 25/11/2026. Whoever
    reconciles the bank statement finds the payer by it and applies the money to that person's
    overdue installments, oldest first, as a payment at the desk would."""
    txid = f"EMDIAR{payer_id:06d}D{drafted_on:%Y%m%d}"
    if len(txid) > MAX_TXID_STATIC:
        raise ValueError("txid too long")
    return txid


_TXID_IN_TEXT = re.compile(r"EMDIAC(\d{6,})P(\d{2,})", re.IGNORECASE)


@dataclass(frozen=True)
class TxidRef:
    """The installment a PIX txid names (``txid_for`` read back; ``number`` 0 = entrada)."""

    contract_id: int
    number: int


@dataclass(frozen=True)
class PayerTxid:
    """``payer_txid``'s: everything overdue of one payer, as asked on ``drafted_on``."""

    payer_id: int
    drafted_on: date


_INSTALLMENT_TXID = re.compile(r"EMDIAC(\d{6,})P(\d{2,})")
_PAYER_TXID = re.compile(r"EMDIAR(\d{6,})D(\d{8})")


def read_txid(txid: str) -> TxidRef | PayerTxid | None:
    """What an EmDia txid found in a bank statement points to; ``None`` for any other txid."""
    text = txid.strip().upper()
    if found := _INSTALLMENT_TXID.fullmatch(text):
        return TxidRef(int(found[1]), int(found[2]))
    if found := _PAYER_TXID.fullmatch(text):
        try:
            drafted_on = datetime.strptime(found[2], "%Y%m%d").date()
        except ValueError:
            return None
        return PayerTxid(int(found[1]), drafted_on)
    return None


def txid_in(text: str) -> TxidRef | None:
    """The EmDia txid inside a payment's reference or a bank statement's memo (``EMDIAC000123P07``
    anywhere in it), or None: a PIX paid from a carnê or a message names its installment, and
    that is the debtor's choice of what to pay (CC art. 352)."""
    match = _TXID_IN_TEXT.search(text or "")
    if match is None:
        return None
    return TxidRef(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class PixReceiver:
    """The clinic as a PIX receiver (key normalised by ``identity.normalize_pix_key``)."""

    key: str
    name: str
    city: str

    @property
    def configured(self) -> bool:
        return bool(self.key and self.name and self.city)


def receiver_from(
    key: str, merchant_name: str, merchant_city: str, fallback_name: str, fallback_city: str
) -> PixReceiver:
    """The receiver's name and city as the BR Code wants them; falls back to the clinic's
    name/city when the PIX-specific fields were left empty."""
    return PixReceiver(
        key=(key or "").strip(),
        name=merchant_text(merchant_name or fallback_name, MAX_NAME),
        city=merchant_text(merchant_city or fallback_city, MAX_CITY),
    )


def clinic_receiver(clinic: ClinicInfo) -> PixReceiver:
    """The clinic as the receiver of every PIX it asks for (the carnê's slips, the régua's
    messages): the name and city typed for PIX, else its legal (or trade) name and its city."""
    return receiver_from(
        clinic.pix_key,
        clinic.pix_merchant_name,
        clinic.pix_merchant_city,
        clinic.legal_name or clinic.trade_name,
        clinic.city,
    )


def pix_for(
    receiver: PixReceiver,
    amount_cents: int,
    contract_id: int,
    number: int,
    *,
    txid: str | None = None,
) -> StaticPix:
    """The BR Code data for one installment's updated amount (``txid`` replaces the
    installment's own, e.g. a ``payer_txid``), or PixError saying what to fill in
    Configurações → Clínica."""
    missing = [
        label
        for label, value in (
            ("Chave PIX", receiver.key),
            ("Nome no PIX (ou razão social)", receiver.name),
            ("Cidade no PIX (ou cidade)", receiver.city),
        )
        if not value
    ]
    if missing:
        raise PixError(
            "PIX: preencha " + ", ".join(missing) + " em Configurações → Clínica para gerar o "
            "QR code."
        )
    if len(receiver.key) > MAX_KEY:
        raise PixError("Chave PIX: longa demais para um QR code PIX (máximo 77 caracteres).")
    return StaticPix(
        key=receiver.key,
        merchant_name=receiver.name,
        merchant_city=receiver.city,
        amount_cents=amount_cents,
        txid=txid or txid_for(contract_id, number),
    )


def display_key(key: str) -> str:
    """The key as people read it on paper: ``11.222.333/0001-81``, ``(19) 98765-4321``…"""
    from app.domain.identity import format_cnpj, format_cpf, format_phone

    if key.startswith("+55"):
        return format_phone(key[3:])
    if len(key) == 11 and key.isdigit():
        return format_cpf(key)
    if len(key) == 14 and key[-2:].isdigit() and "@" not in key and "-" not in key:
        return format_cnpj(key)
    return key
