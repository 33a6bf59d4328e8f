"""How much text each field may hold, and which characters no field may hold.

Every text a person types (the forms, ``emdia`` flags, a spreadsheet's cells) is checked here
before anything is written, so what SQLite would accept is also what PostgreSQL accepts: a
10,000-character address must be refused at the desk, not months later when the clinic's data
moves to the server (``emdia db copy``) and the copy fails on a ``varchar(300)``. The lengths are
the columns' (``tests/integration/test_cli_bounds.py`` compares them with the models);
free text kept in ``Text`` columns (notes, descriptions, templates) gets a bound a person never
reaches.

Control characters (``\\x00``–``\\x1f`` and ``\\x7f``–``\\x9f``, tab and line breaks aside) and
lone surrogates are refused in every field: nobody types them, they are invisible on screen, and
one of them (``\\x07`` in a name) made every XLSX export of the clinic fail — XML cannot hold
them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from functools import cache

from app.errors import FieldError

NAME = 200  # a person's or a company's name, a witness, an e-mail address
NOTE = 5_000  # notes and internal descriptions: two pages of text
TEMPLATE = 4_000  # a régua message

# "table.column": the longest value the input accepts (never more than the column holds).
COLUMNS: dict[str, int] = {
    "patient.name": NAME,
    "patient.email": 200,
    "patient.street": 200,
    "patient.number": 20,
    "patient.complement": 100,
    "patient.district": 100,
    "patient.city": 120,
    "clinic.legal_name": NAME,
    "clinic.trade_name": NAME,
    "clinic.cro": 40,
    "clinic.address": 300,
    "clinic.city": 120,
    "clinic.email": 200,
    "clinic.pix_key": 100,
    "clinic.logo_path": 500,
    "clinic.backup_dir": 500,
    "contract.witness1_name": NAME,
    "contract.witness2_name": NAME,
    "payment.reference": 120,
    "payment.reason": 300,
    "app_user.full_name": NAME,
    "negativacao.protocol": 80,
    "negativacao.removal_reason": 200,
    "credit_check.result": 200,
}

_ALLOWED_CONTROLS = frozenset("\t\n\r")


def _forbidden(char: str) -> bool:
    if char in _ALLOWED_CONTROLS:
        return False
    return unicodedata.category(char) in ("Cc", "Cs") or char in ("\ufffe", "\uffff")


def forbidden_character(text: str) -> str | None:
    """The first character no field may hold, as ``U+0007``; ``None`` when the text is clean."""
    if text.isprintable():  # the usual case, at C speed: every forbidden one is unprintable
        return None
    bad = next((char for char in text if _forbidden(char)), None)
    return None if bad is None else f"U+{ord(bad):04X}"


def strip_forbidden(text: str) -> str:
    """``text`` with every forbidden character replaced by U+FFFD (shown as ``�``): what an
    export writes for a value saved before these checks existed."""
    if text.isprintable():  # the usual case, at C speed
        return text
    return "".join("\ufffd" if _forbidden(char) else char for char in text)


def text_problem(value: str, label: str, max_length: int | None = None) -> str | None:
    """Why ``value`` cannot be saved (pt-BR, starting with the field's label), or ``None``.
    The length counted is the text as it will be saved: outer spaces trimmed."""
    bad = forbidden_character(value)
    if bad is not None:
        return (
            f"{label}: tem um caractere de controle invisível ({bad}), que não pode ser gravado "
            "— apague o campo e digite o texto de novo."
        )
    length = len(value.strip())
    if max_length is not None and length > max_length:
        return f"{label}: use no máximo {max_length} caracteres (tem {length})."
    return None


def text_errors(
    values: Iterable[tuple[str, str]],
    labels: Mapping[str, str],
    lengths: Mapping[str, int] | None = None,
) -> list[FieldError]:
    """One ``FieldError`` per field of ``values`` (``(key, text)`` pairs) that holds a forbidden
    character or is longer than ``lengths[key]``; ``labels`` name the fields for people."""
    errors = []
    lengths = lengths or {}
    for key, value in values:
        if value.isprintable() and len(value) <= lengths.get(key, len(value)):
            continue  # clean and short enough (the usual case): no message to build
        problem = text_problem(value, labels.get(key, key), lengths.get(key))
        if problem is not None:
            errors.append(FieldError(key, problem))
    return errors


def form_texts(form: object, prefix: str = "") -> list[tuple[str, str]]:
    """Every text field of a form dataclass as ``(key, text)``, nested forms with ``prefix_``
    (a patient's responsável: ``responsible_name``)."""
    assert is_dataclass(form) and not isinstance(form, type)
    found: list[tuple[str, str]] = []
    for name in _field_names(type(form)):
        value = getattr(form, name)
        if isinstance(value, str):
            found.append((prefix + name, value))
        elif value is None or isinstance(value, bool):
            continue  # the usual other fields: no text inside
        elif is_dataclass(value) and not isinstance(value, type):
            found.extend(form_texts(value, f"{name}_"))
    return found


@cache
def _field_names(form_type: type) -> tuple[str, ...]:
    """A form class's fields (``dataclasses.fields`` costs more than reading them: an import
    asks once per line)."""
    return tuple(spec.name for spec in fields(form_type))


def form_text_errors(
    form: object, labels: Mapping[str, str], lengths: Mapping[str, int] | None = None
) -> list[FieldError]:
    """``text_errors`` over every text field of ``form``."""
    return text_errors(form_texts(form), labels, lengths)


def first_per_field(errors: Iterable[FieldError]) -> list[FieldError]:
    """One message per field, the first found (a character refused makes the other checks of
    that field moot)."""
    seen: set[str] = set()
    kept = []
    for error in errors:
        if error.field not in seen:
            seen.add(error.field)
            kept.append(error)
    return kept
