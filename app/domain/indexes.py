"""Monthly variations of a correction index (IPCA) as the user types them: ``2026-01=0,44``."""

from __future__ import annotations

import re
from datetime import date

from app.errors import FieldError, ValidationError

_MONTH_ISO = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")
_MONTH_BR = re.compile(r"^([0-9]{1,2})/([0-9]{4})$")
_VARIATION = re.compile(r"^-?[0-9]{1,2}(?:[,.][0-9]{1,2})?$")


def parse_month(text: str, field: str = "month") -> date | FieldError:
    raw = (text or "").strip()
    match = _MONTH_ISO.match(raw)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
    elif m2 := _MONTH_BR.match(raw):
        month, year = int(m2.group(1)), int(m2.group(2))
    else:
        return FieldError(field, f"Mês: '{raw}' deve ser AAAA-MM ou mm/aaaa, como 2026-01.")
    if not (1 <= month <= 12 and 1994 <= year <= 2100):
        return FieldError(field, f"Mês: '{raw}' não é um mês válido.")
    return date(year, month, 1)


def parse_variation(text: str, field: str = "variation") -> int | FieldError:
    """``0,44`` → 44 bp; negative months (deflation) are allowed: ``-0,21``."""
    raw = (text or "").strip().replace("%", "").replace(" ", "")
    if not _VARIATION.match(raw):
        return FieldError(field, f"Variação: '{text}' deve ser um percentual como 0,44 ou -0,21.")
    negative = raw.startswith("-")
    whole, _, frac = raw.lstrip("-").replace(",", ".").partition(".")
    bp = int(whole) * 100 + int((frac + "00")[:2])
    return -bp if negative else bp


def parse_index_values(pairs: dict[str, str]) -> dict[date, int]:
    """``{"2026-01": "0,44"}`` → ``{date(2026, 1, 1): 44}`` or one ValidationError for all."""
    errors: list[FieldError] = []
    values: dict[date, int] = {}
    for month_text, variation_text in pairs.items():
        month = parse_month(month_text, month_text)
        variation = parse_variation(variation_text, month_text)
        for result in (month, variation):
            if isinstance(result, FieldError):
                errors.append(result)
        if isinstance(month, date) and isinstance(variation, int):
            values[month] = variation
    if errors:
        raise ValidationError(errors)
    return values
