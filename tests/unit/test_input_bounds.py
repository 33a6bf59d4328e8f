"""Pure rules behind the input bounds: the frase-senha's strength, the characters no field may
hold, money and dates typed with digits of other scripts."""

from __future__ import annotations

import pytest

from app.domain.dates import parse_date
from app.domain.limits import forbidden_character, strip_forbidden
from app.domain.money import MAX_CENTS, parse_brl
from app.domain.text import parse_int
from app.errors import FieldError, ValidationError
from app.security.keys import passphrase_weakness


@pytest.mark.parametrize(
    ("phrase", "why"),
    [
        ("1234567890", "só números"),
        ("31121999 0800", "só números"),
        ("aaaaaaaaaaaa", "sequência ou repetição"),
        ("abcdefghijkl", "sequência ou repetição"),
        ("0987654321ab", "senha comum"),
        ("qwertyuiop", "sequência ou repetição"),
        ("abcabcabcabc", "sequência ou repetição"),
        ("Senha2026!!", "senha comum"),
        ("clinica123456", "senha comum"),
        ("curta", "pelo menos 10"),
    ],
)
def test_a_weak_frase_senha_is_refused_even_when_long_enough(phrase: str, why: str) -> None:
    weakness = passphrase_weakness(phrase)
    assert weakness is not None and why in weakness


@pytest.mark.parametrize(
    "phrase", ["cavalo azul na janela", "frase secreta da clínica", "Minha tia fez 3 bolos!"]
)
def test_a_phrase_of_words_is_strong_enough(phrase: str) -> None:
    assert passphrase_weakness(phrase) is None


def test_control_characters_are_found_and_exports_show_them_as_a_replacement() -> None:
    assert forbidden_character("Ana\x07 Lima") == "U+0007"
    assert forbidden_character("linha 1\nlinha 2\tcom tab") is None
    assert forbidden_character("\ud800") == "U+D800"
    assert strip_forbidden("a\x00b\x1bc\u0085d") == "a\ufffdb\ufffdc\ufffdd"
    assert strip_forbidden("João da Conceição") == "João da Conceição"


@pytest.mark.parametrize("typed", ["١٠", "１０", "१०", "١٠,٠٠"])
def test_only_ascii_digits_are_money(typed: str) -> None:
    with pytest.raises(ValidationError, match="não é um valor válido"):
        parse_brl(typed, "amount", "Valor")


def test_the_largest_amount_is_refused_beyond_it_not_overflowed() -> None:
    assert parse_brl("R$ 10.000.000.000,00") == MAX_CENTS
    with pytest.raises(ValidationError, match="grande demais"):
        parse_brl("10.000.000.000,01")
    with pytest.raises(ValidationError, match="grande demais"):
        parse_brl("9" * 5000)  # more digits than int() even accepts


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("12", 12), (" -3 ", -3), ("+5", 5), ("−3", -3), ("١٢", None), ("9" * 19, None), ("", None)],
)
def test_whole_numbers_are_ascii_and_fit_64_bits(typed: str, expected: int | None) -> None:
    assert parse_int(typed) == expected


@pytest.mark.parametrize("typed", ["0001-01-01", "31/12/1899", "01/01/2200", "٠١/٠١/٢٠٢٦"])
def test_dates_outside_1900_2199_or_in_other_digits_are_refused(typed: str) -> None:
    assert isinstance(parse_date(typed, "x", "Data"), FieldError)
