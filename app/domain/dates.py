"""pt-BR dates: what people type (``dd/mm/aaaa``) and what they read."""

from __future__ import annotations

import re
from datetime import date

from app.errors import FieldError

_BR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_DIGITS = re.compile(r"^(\d{2})(\d{2})(\d{4}|\d{2})$")  # 14032015 or 140315
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# A two-digit year: 00–29 is this century, 30–99 the last one (birth dates of the 1980s and
# due dates of the 2020s both come out right), as spreadsheets read them.
_PIVOT = 30


def _full_year(typed: str) -> int:
    year = int(typed)
    if len(typed) == 4:
        return year
    return 2000 + year if year < _PIVOT else 1900 + year


def parse_date(text: str, field: str, label: str) -> date | FieldError:
    """What people type at the desk — ``14/03/2015``, ``14/3/15``, ``14032015``,
    ``14-03-2015`` — or ISO ``aaaa-mm-dd`` (files and the CLI)."""
    raw = (text or "").strip()
    if match := (_BR.match(raw) or _DIGITS.match(raw)):
        day, month, year = int(match[1]), int(match[2]), _full_year(match[3])
    elif iso := _ISO.match(raw):
        year, month, day = (int(g) for g in iso.groups())
    else:
        return FieldError(
            field, f"{label}: '{raw}' não é uma data; use dd/mm/aaaa, como 31/01/2026."
        )
    try:
        return date(year, month, day)
    except ValueError:
        return FieldError(field, f"{label}: '{raw}' não é uma data válida.")


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def age_on(birth: date, today: date) -> int:
    years = today.year - birth.year
    if (today.month, today.day) < (birth.month, birth.day):
        years -= 1
    return years


MONTHS = (
    "janeiro", "fevereiro", "março", "abril", "maio", "junho",
    "julho", "agosto", "setembro", "outubro", "novembro", "dezembro",
)  # fmt: skip


def format_date_long(value: date) -> str:
    """``16 de março de 2026`` (the date line of letters and contracts)."""
    return f"{value.day} de {MONTHS[value.month - 1]} de {value.year}"


MONTH_ABBR = ("jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez")


def day_span(start: date, end: date) -> str:
    """``16–31 mar`` (a period inside one month, as chart labels show it)."""
    return f"{start.day}–{end.day} {MONTH_ABBR[start.month - 1]}"
