from __future__ import annotations

import pytest

from app.domain import identity
from app.errors import FieldError


def test_valid_cpf_with_or_without_mask_is_stored_bare() -> None:
    assert identity.normalize_cpf("529.982.247-25") == "52998224725"
    assert identity.normalize_cpf("52998224725") == "52998224725"


@pytest.mark.parametrize("text", ["529.982.247-26", "111.111.111-11", "123", "5299822472a"])
def test_invalid_cpf_is_refused_with_pt_br_message(text: str) -> None:
    result = identity.normalize_cpf(text)
    assert isinstance(result, FieldError)
    assert result.field == "cpf"
    assert result.message.startswith("CPF:")


def test_cnpj_with_repeated_digits_is_refused() -> None:
    result = identity.normalize_cnpj("11.111.111/1111-11")
    assert isinstance(result, FieldError)
    assert "não é um CNPJ válido" in result.message


def test_numeric_and_alphanumeric_cnpj_are_accepted() -> None:
    assert identity.normalize_cnpj("11.222.333/0001-81") == "11222333000181"
    # The Receita Federal issues alphanumeric CNPJs from July 2026 (IN RFB 2.229/2024).
    assert identity.normalize_cnpj("12.ABC.345/01DE-35") == "12ABC34501DE35"


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("(19) 98765-4321", "19987654321"),
        ("+55 19 98765-4321", "19987654321"),
        ("019 98765-4321", "19987654321"),
        ("(19) 3234-5678", "1932345678"),
    ],
)
def test_phone_is_stored_as_ddd_and_number(text: str, bare: str) -> None:
    assert identity.normalize_phone(text) == bare


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("98765-4321", "deve ter DDD e número, como (11) 98765-4321."),
        ("(00) 98765-4321", "não é um telefone brasileiro válido (confira o DDD)."),
        ("123", "deve ter DDD e número, como (11) 98765-4321."),
    ],
)
def test_phone_without_valid_ddd_is_refused(text: str, why: str) -> None:
    assert identity.normalize_phone(text) == FieldError("phone", f"Telefone: '{text}' {why}")


def test_format_helpers() -> None:
    assert identity.format_cpf("52998224725") == "529.982.247-25"
    assert identity.format_cnpj("11222333000181") == "11.222.333/0001-81"
    assert identity.format_phone("19987654321") == "(19) 98765-4321"
    assert identity.format_phone("1932345678") == "(19) 3234-5678"
    assert identity.format_cep("13012100") == "13012-100"


def test_email_and_cep_and_uf() -> None:
    assert identity.normalize_email("Ana@Exemplo.com.br") == "Ana@exemplo.com.br"
    assert isinstance(identity.normalize_email("ana@"), FieldError)
    assert identity.normalize_cep("13012-100") == "13012100"
    assert isinstance(identity.normalize_cep("1301"), FieldError)
    assert identity.normalize_uf("sp") == "SP"
    assert isinstance(identity.normalize_uf("XX"), FieldError)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("529.982.247-25", "52998224725"),
        ("11.222.333/0001-81", "11222333000181"),
        ("Financeiro@Clinica.com.br", "financeiro@clinica.com.br"),
        ("(19) 98765-4321", "+5519987654321"),
        ("+55 19 98765-4321", "+5519987654321"),
        ("123E4567-E89B-12D3-A456-426614174000", "123e4567-e89b-12d3-a456-426614174000"),
    ],
)
def test_pix_keys_are_normalised_to_the_directory_form(text: str, key: str) -> None:
    assert identity.normalize_pix_key(text) == key


def test_garbage_pix_key_is_refused() -> None:
    result = identity.normalize_pix_key("minha chave")
    assert isinstance(result, FieldError)
    assert "chave PIX" in result.message
