"""Brazilian identifiers and contact data: validate, normalise for storage, format for people.

Stored forms are bare: CPF 11 digits, CNPJ 14 characters, phone DDD+number digits, CEP 8 digits.
The messages — which field, what is wrong, how to fix it — are decided here. Whether a CPF's or
CNPJ's check digits hold, whether a number exists in Brazil's numbering plan and whether an
e-mail address is well formed are questions this module asks an ``IdentityChecks`` the caller
hands in: well-kept libraries answer them (``app.adapters.identity_checks``: validate-docbr, which
also knows the alphanumeric CNPJ the Receita Federal issues from July 2026; Google's
libphonenumber; email-validator, offline), and the domain imports no library.
"""

from __future__ import annotations

import re
from typing import Protocol

from app.errors import FieldError


class IdentityChecks(Protocol):
    """What the rules ask about identifiers whose rules the country (or the e-mail RFCs)
    publishes. Each answer is about an already bare value."""

    def cpf_is_valid(self, cpf: str) -> bool:
        """11 digits whose check digits hold."""
        ...

    def cnpj_is_valid(self, cnpj: str) -> bool:
        """14 characters (numeric or alphanumeric) whose check digits hold."""
        ...

    def phone_is_valid(self, phone: str) -> bool:
        """DDD + number (10 or 11 digits) that Brazil's numbering plan allows."""
        ...

    def normalized_email(self, address: str) -> str | None:
        """The address in its normal form (the domain in lower case), or None when it is not a
        well-formed address."""
        ...


UFS: tuple[str, ...] = (
    "AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA",
    "PB", "PE", "PI", "PR", "RJ", "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO",
)  # fmt: skip


def digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text or "")


def normalize_cpf(
    text: str, field: str = "cpf", label: str = "CPF", *, checks: IdentityChecks
) -> str | FieldError:
    """Bare 11-digit CPF, or a FieldError saying what is wrong."""
    raw = (text or "").strip()
    bare = digits(raw)
    if re.search(r"[^0-9.\-\s]", raw):
        return FieldError(field, f"{label}: use só números (com ou sem pontos e traço).")
    if len(bare) != 11:
        return FieldError(field, f"{label}: '{raw}' deve ter 11 dígitos, como 123.456.789-09.")
    if not checks.cpf_is_valid(bare):
        return FieldError(
            field, f"{label}: '{raw}' não é um CPF válido (dígitos verificadores não conferem)."
        )
    return bare


def normalize_cnpj(
    text: str, field: str = "cnpj", label: str = "CNPJ", *, checks: IdentityChecks
) -> str | FieldError:
    """Bare 14-character CNPJ (numeric or the new alphanumeric), or a FieldError."""
    raw = (text or "").strip()
    bare = re.sub(r"[.\-/\s]", "", raw).upper()
    if len(bare) != 14 or not re.fullmatch(r"[0-9A-Z]{12}[0-9]{2}", bare):
        return FieldError(
            field, f"{label}: '{raw}' deve ter 14 caracteres, como 12.345.678/0001-95."
        )
    if not checks.cnpj_is_valid(bare):
        return FieldError(
            field, f"{label}: '{raw}' não é um CNPJ válido (dígitos verificadores não conferem)."
        )
    return bare


def format_cpf(bare: str | None) -> str:
    if not bare:
        return ""
    return f"{bare[:3]}.{bare[3:6]}.{bare[6:9]}-{bare[9:]}"


def cpf_while_typing(text: str) -> str:
    """``52998`` → ``529.98``: the CPF takes its dots and dash as the digits arrive. Anything
    that is not only a CPF's digits and separators is left as typed (the check then says why)."""
    if re.search(r"[^\d.\-\s]", text):
        return text
    bare = digits(text)
    if len(bare) > 11:
        return text
    parts = [bare[:3], bare[3:6], bare[6:9]]
    shown = ".".join(p for p in parts if p)
    return shown + (f"-{bare[9:]}" if len(bare) > 9 else "")


def phone_while_typing(text: str) -> str:
    """``1998765`` → ``(19) 98765``…: DDD in brackets and the dash as the digits arrive;
    ``(19) 3251-7788`` for 10 digits, ``(19) 98765-4321`` for 11. An international or a
    long-distance prefix (``+55``, ``0``), or letters, stay as typed."""
    if re.search(r"[^\d()\-\s]", text):
        return text
    bare = digits(text)
    if not bare or bare.startswith("0") or len(bare) > 11:
        return text if bare else ""
    if len(bare) <= 2:
        return f"({bare}"
    if len(bare) <= 6:
        return f"({bare[:2]}) {bare[2:]}"
    if len(bare) <= 10:
        return f"({bare[:2]}) {bare[2:6]}-{bare[6:]}"
    return f"({bare[:2]}) {bare[2:7]}-{bare[7:]}"


def looks_mobile(text: str) -> bool:
    """A typed phone with a cell number: DDD + 9 digits starting with 9 (WhatsApp likely)."""
    bare = digits(text)
    if bare.startswith("55") and len(bare) == 13:
        bare = bare[2:]
    return is_mobile(bare)


def format_cnpj(bare: str | None) -> str:
    if not bare:
        return ""
    return f"{bare[:2]}.{bare[2:5]}.{bare[5:8]}/{bare[8:12]}-{bare[12:]}"


def normalize_phone(
    text: str, field: str = "phone", label: str = "Telefone", *, checks: IdentityChecks
) -> str | FieldError:
    """Brazilian phone as DDD + number digits (10 or 11), or a FieldError.

    Accepts ``(11) 98765-4321``, ``11987654321``, ``+55 11 98765-4321``.
    """
    raw = (text or "").strip()
    bare = digits(raw)
    if bare.startswith("55") and len(bare) in (12, 13):
        bare = bare[2:]
    if bare.startswith("0") and len(bare) in (11, 12):  # 0 + DDD, as dialled long-distance
        bare = bare[1:]
    if len(bare) not in (10, 11):
        return FieldError(field, f"{label}: '{raw}' deve ter DDD e número, como (11) 98765-4321.")
    if not checks.phone_is_valid(bare):
        return FieldError(
            field, f"{label}: '{raw}' não é um telefone brasileiro válido (confira o DDD)."
        )
    return bare


def is_mobile(bare_phone: str) -> bool:
    return len(bare_phone) == 11 and bare_phone[2] == "9"


def format_phone(bare: str | None) -> str:
    if not bare:
        return ""
    if len(bare) == 11:
        return f"({bare[:2]}) {bare[2:7]}-{bare[7:]}"
    if len(bare) == 10:
        return f"({bare[:2]}) {bare[2:6]}-{bare[6:]}"
    return bare


def normalize_email(
    text: str, field: str = "email", label: str = "E-mail", *, checks: IdentityChecks
) -> str | FieldError:
    raw = (text or "").strip()
    normalized = checks.normalized_email(raw)
    if normalized is None:
        return FieldError(
            field, f"{label}: '{raw}' não parece um e-mail válido (ex.: nome@provedor.com.br)."
        )
    return normalized


def normalize_cep(text: str, field: str = "zip_code", label: str = "CEP") -> str | FieldError:
    raw = (text or "").strip()
    bare = digits(raw)
    if len(bare) != 8 or re.search(r"[^0-9.\-\s]", raw):
        return FieldError(field, f"{label}: '{raw}' deve ter 8 dígitos, como 01310-100.")
    return bare


def format_cep(bare: str | None) -> str:
    return f"{bare[:5]}-{bare[5:]}" if bare else ""


def normalize_uf(text: str, field: str = "state", label: str = "UF") -> str | FieldError:
    uf = (text or "").strip().upper()
    if uf not in UFS:
        return FieldError(
            field, f"{label}: '{text}' não é uma UF; use a sigla do estado, como SP ou MG."
        )
    return uf


_EVP = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def normalize_pix_key(
    text: str, field: str = "pix_key", label: str = "Chave PIX", *, checks: IdentityChecks
) -> str | FieldError:
    """A PIX key in the form the Banco Central's directory uses.

    CPF (11 digits), CNPJ (14), e-mail (lower case), phone (``+55`` + DDD + number) or a random
    key (EVP, a UUID). A bare 11-digit number is read as CPF when its check digits hold, else as
    a phone.
    """
    raw = (text or "").strip()
    if _EVP.match(raw.lower()):
        return raw.lower()
    if "@" in raw:
        email = normalize_email(raw, field, label, checks=checks)
        return email.lower() if isinstance(email, str) else email
    bare = re.sub(r"[.\-/\s()]", "", raw)
    if raw.startswith("+"):
        phone = normalize_phone(raw, field, label, checks=checks)
        return "+55" + phone if isinstance(phone, str) else phone
    if len(bare) == 11 and isinstance(normalize_cpf(bare, checks=checks), str):
        return bare
    if len(bare) == 14 and isinstance(normalize_cnpj(bare, checks=checks), str):
        return bare.upper()
    phone = normalize_phone(raw, field, label, checks=checks)
    if isinstance(phone, str):
        return "+55" + phone
    return FieldError(
        field,
        f"{label}: '{raw}' não é uma chave PIX válida — use CPF, CNPJ, e-mail, celular com DDD "
        "ou a chave aleatória.",
    )
