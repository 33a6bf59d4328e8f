"""The answers ``app.domain.identity`` asks for, from well-kept libraries: CPF and CNPJ check
digits (``validate-docbr``, which also knows the alphanumeric CNPJ the Receita Federal issues
from July 2026), Brazilian phone numbers (Google's ``phonenumbers``) and e-mail syntax
(``email-validator``, offline: no DNS lookup).

Each library loads on its first question, not at start-up (together ~60 ms of the window's
start). ``IDENTITY_CHECKS`` is what the services hand the domain's validators.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from app.domain.identity import IdentityChecks


@cache
def _docbr() -> tuple[Any, Any]:
    from validate_docbr import CNPJ, CPF

    return CPF(), CNPJ()


# 10 or 11 ASCII digits that ``phonenumbers.parse(…, "BR")`` reads as they are: not starting
# with a national prefix it strips (0, or 90 and a carrier) nor with the country code 55.
_PLAIN_NATIONAL = re.compile(r"(?!0|90|55)[0-9]{10,11}")


class LibraryIdentityChecks:
    """``app.domain.identity.IdentityChecks`` answered by the libraries."""

    def cpf_is_valid(self, cpf: str) -> bool:
        return bool(_docbr()[0].validate(cpf))

    def cnpj_is_valid(self, cnpj: str) -> bool:
        return bool(_docbr()[1].validate(cnpj))

    def phone_is_valid(self, phone: str) -> bool:
        import phonenumbers

        if _PLAIN_NATIONAL.fullmatch(phone):
            # What ``parse`` would build, without its general machinery (a third of an import's
            # validation): DDD and number, none of the prefixes ``parse`` would strip.
            parsed = phonenumbers.PhoneNumber(country_code=55, national_number=int(phone))
            return bool(phonenumbers.is_valid_number(parsed))
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
