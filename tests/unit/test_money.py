from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.money import (
    format_brl,
    format_percent,
    money_in_form,
    parse_brl,
    parse_money_field,
    parse_percent,
    split_cents,
)
from app.errors import FieldError, ValidationError


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1.234,56", 123456),
        ("1234,56", 123456),
        ("R$ 1.234,56", 123456),
        ("R$\xa01.234,5", 123450),
        ("1234", 123400),
        ("0,01", 1),
        ("1.000.000,00", 100000000),
        (" 150,00 ", 15000),
    ],
)
def test_pt_br_amounts_parse_to_exact_centavos(text: str, cents: int) -> None:
    assert parse_brl(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "1,234", "12.5", "1.23,45", "-10,00", "1,2,3"])
def test_malformed_amount_is_refused_with_field_name(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_brl(text, "total", "Valor total")
    assert info.value.errors[0].field == "total"
    assert info.value.message.startswith("Valor total:")


def test_dot_decimal_gets_a_hint_to_use_comma() -> None:
    with pytest.raises(ValidationError, match="vírgula"):
        parse_brl("12.50")


def test_zero_can_be_refused() -> None:
    with pytest.raises(ValidationError, match="maior que zero"):
        parse_brl("0,00", allow_zero=False)


@pytest.mark.parametrize(
    ("cents", "text"),
    [(123456, "R$ 1.234,56"), (5, "R$ 0,05"), (0, "R$ 0,00"), (-1050, "-R$ 10,50")],
)
def test_format_brl(cents: int, text: str) -> None:
    assert format_brl(cents) == text


@given(st.integers(min_value=0, max_value=10**12))
def test_format_then_parse_round_trips(cents: int) -> None:
    assert parse_brl(format_brl(cents)) == cents


@given(st.integers(min_value=0, max_value=10**10), st.integers(min_value=1, max_value=360))
def test_split_sums_to_total_and_differs_by_at_most_one_centavo(total: int, parts: int) -> None:
    amounts = split_cents(total, parts)
    assert sum(amounts) == total
    assert len(amounts) == parts
    assert max(amounts) - min(amounts) <= 1
    assert amounts == sorted(amounts, reverse=True)  # remainder cents on the first ones


def test_split_puts_remainder_on_first_installments() -> None:
    assert split_cents(10000, 3) == [3334, 3333, 3333]


@pytest.mark.parametrize(("text", "bp"), [("2", 200), ("2,5", 250), ("1.5", 150), ("0,33%", 33)])
def test_percent_parses_to_basis_points(text: str, bp: int) -> None:
    assert parse_percent(text, "fine_percent") == bp


def test_percent_format() -> None:
    assert format_percent(200) == "2 %"
    assert format_percent(150) == "1,5 %"
    assert format_percent(33) == "0,33 %"


def test_a_money_field_left_blank_is_none_unless_required() -> None:
    assert parse_money_field("  ", "down_payment", "Entrada") is None
    assert parse_money_field("", "total", "Valor total", required="por exemplo 1.200,00") == (
        FieldError("total", "Valor total: obrigatório, por exemplo 1.200,00.")
    )
    assert parse_money_field("", "amount", "Valor", required="como 150,00") == (
        FieldError("amount", "Valor: obrigatório, como 150,00.")
    )


def test_a_money_field_gives_parse_brl_s_refusal_for_its_field() -> None:
    assert parse_money_field("1.234,56", "total", "Valor total") == 123_456
    assert parse_money_field("0", "amount", "Valor") == 0
    assert parse_money_field("0", "amount", "Valor", allow_zero=False) == (
        FieldError("amount", "Valor: o valor precisa ser maior que zero.")
    )
    assert parse_money_field("12.5", "discount", "Desconto") == FieldError(
        "discount",
        "Desconto: '12.5' não é um valor válido — use vírgula para os centavos, por exemplo 12,50.",
    )


def test_a_form_collects_every_money_refusal_and_reads_zero_for_it() -> None:
    errors: list[FieldError] = []
    assert money_in_form("-5", "discount", "Desconto", errors) == 0
    assert money_in_form("", "down_payment", "Entrada", errors) == 0
    assert money_in_form("", "total", "Valor total", errors, required="por exemplo 1.200,00") == 0
    assert money_in_form("150,00", "amount", "Valor", errors) == 15_000
    assert [e.field for e in errors] == ["discount", "total"]
    assert errors[0].message == "Desconto: o valor não pode ser negativo."
