"""The answers ``app.domain.identity`` asks for, from well-kept libraries: CPF and CNPJ check
digits (``validate-docbr``, which also knows the alphanumeric CNPJ the Receita Federal issues
from July 2026), Brazilian phone numbers (Google's ``phonenumbers``) and e-mail syntax
(``email-validator``, offline: no DNS lookup).

Each library loads on its first question, not at start-up (together ~60 ms of the window's
start). ``IDENTITY_CHECKS`` is what the services hand the domain's validators.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from app.domain.identity import IdentityChecks


@cache
def _docbr() -> tuple[Any, Any]:
    from validate_docbr import CNPJ, CPF

    return CPF(), CNPJ()


class LibraryIdentityChecks:
    """``app.domain.identity.IdentityChecks`` answered by the libraries."""

    def cpf_is_valid(self, cpf: str) -> bool:
        return bool(_docbr()[0].validate(cpf))

    def cnpj_is_valid(self, cnpj: str) -> bool:
        return bool(_docbr()[1].validate(cnpj))

    def phone_is_valid(self, phone: str) -> bool:
        import phonenumbers

        try:
            parsed = phonenumbers.parse(phone, "BR")
        except phonenumbers.NumberParseException:
            return False
        return bool(phonenumbers.is_valid_number(parsed))

    def normalized_email(self, address: str) -> str | None:
        from email_validator import EmailNotValidError, validate_email

        try:
            return str(validate_email(address, check_deliverability=False).normalized)
        except EmailNotValidError:
            return None


IDENTITY_CHECKS: IdentityChecks = LibraryIdentityChecks()
