"""pt-BR dates: what people type (``dd/mm/aaaa``) and what they read."""

from __future__ import annotations

import re
from datetime import date, timedelta

from app.errors import FieldError

# ASCII digits only (``\d`` also matches other scripts' digits).
_BR = re.compile(r"^([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4}|[0-9]{2})$")
_DIGITS = re.compile(r"^([0-9]{2})([0-9]{2})([0-9]{4}|[0-9]{2})$")  # 14032015 or 140315
_ISO = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
# A two-digit year: 00–29 is this century, 30–99 the last one (birth dates of the 1980s and
# due dates of the 2020s both come out right), as spreadsheets read them.
_PIVOT = 30
# No date a clinic records is before 1900 (an "0001-01-01" is a slip, or an attempt to move a
# payment to before any charge existed) or after 2199 (where date arithmetic would overflow).
FIRST_YEAR, LAST_YEAR = 1900, 2199


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
        value = date(year, month, day)
    except ValueError:
        return FieldError(field, f"{label}: '{raw}' não é uma data válida.")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        return FieldError(
            field, f"{label}: '{raw}' — confira o ano (use um ano de {FIRST_YEAR} a {LAST_YEAR})."
        )
    return value


def format_date(value: date | None) -> str:
    """``dd/mm/aaaa`` — the year always in four digits (``strftime`` drops the zeros of a year
    like 0001 on some systems, and such a date is exactly what a refusal must show)."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else ""


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


def format_month(value: date) -> str:
    """``mar/2026`` (a month in a report's rows and chart labels)."""
    return f"{MONTH_ABBR[value.month - 1]}/{value.year}"


def month_start(value: date) -> date:
    return value.replace(day=1)


def add_months(value: date, months: int) -> date:
    """The first day of the month ``months`` after ``value``'s (negative: before)."""
    index = value.year * 12 + value.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(value: date) -> date:
    return add_months(value, 1) - timedelta(days=1)


def day_span(start: date, end: date) -> str:
    """``16–31 mar`` (a period inside one month, as chart labels show it)."""
    return f"{start.day}–{end.day} {MONTH_ABBR[start.month - 1]}"
