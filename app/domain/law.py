"""The legal limits on what a clinic may charge a late patient — one place, each rule cited.

Amounts are integer centavos; rates are integer basis points (1 % = 100 bp). Every rule here
has a named test in ``tests/unit/test_law.py``. The updated-debt computation that uses these
limits lives beside them (contracts issue).
"""

from __future__ import annotations

from app.domain.money import format_percent
from app.errors import FieldError

# CDC art. 52 §1: the late fine on consumer credit may not exceed 2 % of the installment.
MAX_FINE_BP = 200

# Juros de mora convencionais between a clinic and a consumer: at most 1 % a.m.
# (Decreto 22.626/1933 "Lei de Usura" art. 1 and 5, with CC art. 406; simple, pro rata die).
MAX_INTEREST_MONTHLY_BP = 100

DEFAULT_FINE_BP = 200
DEFAULT_INTEREST_MONTHLY_BP = 100


def check_fine_bp(bp: int, field: str = "fine_percent") -> FieldError | None:
    if bp < 0:
        return FieldError(field, "Multa: o percentual não pode ser negativo.")
    if bp > MAX_FINE_BP:
        return FieldError(
            field,
            f"Multa: {format_percent(bp)} passa do máximo de {format_percent(MAX_FINE_BP)} "
            "permitido pelo Código de Defesa do Consumidor (art. 52 §1). Use até 2.",
        )
    return None


def check_interest_monthly_bp(
    bp: int, field: str = "interest_monthly_percent"
) -> FieldError | None:
    if bp < 0:
        return FieldError(field, "Juros de mora: o percentual não pode ser negativo.")
    if bp > MAX_INTEREST_MONTHLY_BP:
        return FieldError(
            field,
            f"Juros de mora: {format_percent(bp)} ao mês passa do máximo de "
            f"{format_percent(MAX_INTEREST_MONTHLY_BP)} ao mês (Lei de Usura, Decreto "
            "22.626/1933, e Código Civil art. 406). Use até 1.",
        )
    return None
