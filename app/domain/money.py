"""Money is integer centavos (``int``), never float.

One parser for what people type (pt-BR: ``1.234,56``, ``1234,56``, ``R$ 1.234,56``), one
formatter for what they read (``R$ 1.234,56``), and the exact split of a total into installments.
"""

from __future__ import annotations

import re

from app.errors import FieldError, ValidationError

# Only the ASCII digits 0-9 are money: ``\d`` would also take ``١٠`` (Arabic-Indic) or ``１０``
# (full width) as R$ 10,00 — text nobody at a Brazilian desk means as an amount.
_GROUPED = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]{1,2})?$")
_PLAIN = re.compile(r"^[0-9]+(?:,[0-9]{1,2})?$")
_PERCENT = re.compile(r"^[0-9]+(?:[,.][0-9]{1,2})?$")
# The largest amount typed anywhere: far above any clinic's contract, far below what a 64-bit
# column holds (nine million such amounts still add up inside one).
MAX_CENTS = 10**12  # R$ 10.000.000.000,00


def parse_brl(
    text: str, field: str = "valor", label: str | None = None, *, allow_zero: bool = True
) -> int:
    """Parse a pt-BR amount into centavos, or raise ValidationError naming ``field``.

    Accepts ``1.234,56``, ``1234,56``, ``1234``, ``R$ 1.234,56``. Refuses negatives, more than two
    decimal places and the ambiguous ``12.5`` (is it 12,50 or 125?). ``label`` is the field's
    pt-BR name in the message (defaults to ``field``).
    """
    name = _cap(label or field)
    raw = (text or "").strip()
    cleaned = raw.replace("R$", "").replace("\xa0", "").replace(" ", "")
    if not cleaned:
        raise ValidationError.single(field, f"{name}: informe um valor, por exemplo 1.234,56.")
    if cleaned.startswith("-"):
        raise ValidationError.single(field, f"{name}: o valor não pode ser negativo.")
    if not (_GROUPED.match(cleaned) or _PLAIN.match(cleaned)):
        if re.match(r"^[0-9]+\.[0-9]{1,2}$", cleaned):
            hint = "use vírgula para os centavos, por exemplo 12,50"
        else:
            hint = "use o formato 1.234,56"
        raise ValidationError.single(field, f"{name}: '{raw}' não é um valor válido — {hint}.")
    reais, _, cents = cleaned.replace(".", "").partition(",")
    reais = reais.lstrip("0") or "0"
    value = (
        int(reais) * 100 + int((cents + "00")[:2])
        if len(reais) <= len(str(MAX_CENTS // 100))  # before int(): 5,000 digits overflow it
        else MAX_CENTS + 1
    )
    if value > MAX_CENTS:
        raise ValidationError.single(
            field, f"{name}: '{raw}' é grande demais — o máximo é {format_brl(MAX_CENTS)}."
        )
    if value == 0 and not allow_zero:
        raise ValidationError.single(field, f"{name}: o valor precisa ser maior que zero.")
    return value


def parse_money_field(
    text: str, field: str, label: str, *, required: str = "", allow_zero: bool = True
) -> int | FieldError | None:
    """An amount typed in a form or read from a spreadsheet cell: its centavos; ``None`` when
    left blank and optional; or the ``FieldError`` naming the field (``parse_brl``'s message).

    ``required``: a blank is refused, with this hint after "obrigatório" (each form shows an
    example that fits it: ``"por exemplo 1.200,00"``, ``"como 150,00"``)."""
    if not (text or "").strip():
        return FieldError(field, f"{_cap(label)}: obrigatório, {required}.") if required else None
    try:
        return parse_brl(text, field, label, allow_zero=allow_zero)
    except ValidationError as exc:
        return exc.errors[0]


def money_in_form(
    text: str, field: str, label: str, errors: list[FieldError], *, required: str = ""
) -> int:
    """``parse_money_field`` for a form that lists every wrong field at once: the amount (0 when
    blank or refused), the refusal appended to ``errors``."""
    value = parse_money_field(text, field, label, required=required)
    if isinstance(value, FieldError):
        errors.append(value)
        return 0
    return value or 0


def format_brl(cents: int, *, symbol: bool = True) -> str:
    """``123456`` → ``R$ 1.234,56`` (negative: ``-R$ 1.234,56``)."""
    sign = "-" if cents < 0 else ""
    reais, rest = divmod(abs(cents), 100)
    grouped = f"{reais:,}".replace(",", ".")
    body = f"{grouped},{rest:02d}"
    return f"{sign}R$ {body}" if symbol else f"{sign}{body}"


def parse_percent(text: str, field: str, label: str | None = None) -> int:
    """Parse ``2``, ``2,5``, ``1.5`` or ``2%`` into basis points (1 % = 100 bp)."""
    name = _cap(label or field)
    raw = (text or "").strip()
    cleaned = raw.replace("%", "").replace(" ", "")
    if not cleaned or not _PERCENT.match(cleaned):
        raise ValidationError.single(
            field, f"{name}: '{raw}' não é um percentual válido — use, por exemplo, 2 ou 1,5."
        )
    whole, _, frac = cleaned.replace(",", ".").partition(".")
    if len(whole.lstrip("0")) > 4:
        raise ValidationError.single(field, f"{name}: '{raw}' não é um percentual válido.")
    return int(whole) * 100 + int((frac + "00")[:2])


def format_percent(bp: int) -> str:
    """``150`` → ``1,5 %``; ``200`` → ``2 %``."""
    whole, frac = divmod(abs(bp), 100)
    sign = "-" if bp < 0 else ""
    if frac == 0:
        return f"{sign}{whole} %"
    return f"{sign}{whole},{frac:02d}".rstrip("0") + " %"


def split_cents(total: int, parts: int) -> list[int]:
    """Split ``total`` into ``parts`` exact amounts; the remainder cents go to the first ones.

    ``split_cents(10000, 3) == [3334, 3333, 3333]``; the sum always equals ``total``.
    """
    if parts < 1:
        raise ValueError("parts must be >= 1")
    if total < 0:
        raise ValueError("total must be >= 0")
    base, remainder = divmod(total, parts)
    return [base + 1 if i < remainder else base for i in range(parts)]


def _cap(field: str) -> str:
    return field[:1].upper() + field[1:]
