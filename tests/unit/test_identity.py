"""Brazilian identifiers: the domain's messages and stored forms, with the libraries' answers
(``app.adapters.identity_checks``) — and that the messages are the domain's, whatever answers."""

from __future__ import annotations

import pytest

from app.adapters.identity_checks import IDENTITY_CHECKS as CHECKS
from app.domain import identity
from app.errors import FieldError


def test_valid_cpf_with_or_without_mask_is_stored_bare() -> None:
    assert identity.normalize_cpf("529.982.247-25", checks=CHECKS) == "52998224725"
    assert identity.normalize_cpf("52998224725", checks=CHECKS) == "52998224725"


@pytest.mark.parametrize("text", ["529.982.247-26", "111.111.111-11", "123", "5299822472a"])
def test_invalid_cpf_is_refused_with_pt_br_message(text: str) -> None:
    result = identity.normalize_cpf(text, checks=CHECKS)
    assert isinstance(result, FieldError)
    assert result.field == "cpf"
    assert result.message.startswith("CPF:")


def test_cnpj_with_repeated_digits_is_refused() -> None:
    result = identity.normalize_cnpj("11.111.111/1111-11", checks=CHECKS)
    assert isinstance(result, FieldError)
    assert "não é um CNPJ válido" in result.message


def test_numeric_and_alphanumeric_cnpj_are_accepted() -> None:
    assert identity.normalize_cnpj("11.222.333/0001-81", checks=CHECKS) == "11222333000181"
    # The Receita Federal issues alphanumeric CNPJs from July 2026 (IN RFB 2.229/2024).
    assert identity.normalize_cnpj("12.ABC.345/01DE-35", checks=CHECKS) == "12ABC34501DE35"


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
    assert identity.normalize_phone(text, checks=CHECKS) == bare


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("98765-4321", "deve ter DDD e número, como (11) 98765-4321."),
        ("(00) 98765-4321", "não é um telefone brasileiro válido (confira o DDD)."),
        ("123", "deve ter DDD e número, como (11) 98765-4321."),
    ],
)
def test_phone_without_valid_ddd_is_refused(text: str, why: str) -> None:
    assert identity.normalize_phone(text, checks=CHECKS) == FieldError(
        "phone", f"Telefone: '{text}' {why}"
    )


def test_format_helpers() -> None:
    assert identity.format_cpf("52998224725") == "529.982.247-25"
    assert identity.format_cnpj("11222333000181") == "11.222.333/0001-81"
    assert identity.format_phone("19987654321") == "(19) 98765-4321"
    assert identity.format_phone("1932345678") == "(19) 3234-5678"
    assert identity.format_cep("13012100") == "13012-100"


def test_email_and_cep_and_uf() -> None:
    assert identity.normalize_email("Ana@Exemplo.com.br", checks=CHECKS) == "Ana@exemplo.com.br"
    assert isinstance(identity.normalize_email("ana@", checks=CHECKS), FieldError)
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
    assert identity.normalize_pix_key(text, checks=CHECKS) == key


def test_garbage_pix_key_is_refused() -> None:
    result = identity.normalize_pix_key("minha chave", checks=CHECKS)
    assert isinstance(result, FieldError)
    assert "chave PIX" in result.message


class Answers:
    """An ``IdentityChecks`` that answers as told and records what it was asked."""

    def __init__(self, valid: bool) -> None:
        self.valid = valid
        self.asked: list[str] = []

    def cpf_is_valid(self, cpf: str) -> bool:
        self.asked.append(cpf)
        return self.valid

    def cnpj_is_valid(self, cnpj: str) -> bool:
        self.asked.append(cnpj)
        return self.valid

    def phone_is_valid(self, phone: str) -> bool:
        self.asked.append(phone)
        return self.valid

    def normalized_email(self, address: str) -> str | None:
        self.asked.append(address)
        return address.lower() if self.valid else None


def test_the_checks_are_asked_about_the_bare_value_and_the_message_is_the_domains() -> None:
    no = Answers(valid=False)
    result = identity.normalize_cpf(
        " 529.982.247-25 ", "witness1_cpf", "CPF da testemunha 1", checks=no
    )
    assert no.asked == ["52998224725"]
    assert result == FieldError(
        "witness1_cpf",
        "CPF da testemunha 1: '529.982.247-25' não é um CPF válido (dígitos verificadores não "
        "conferem).",
    )
    assert identity.normalize_phone("+55 (19) 3234-5678", checks=no) == FieldError(
        "phone",
        "Telefone: '+55 (19) 3234-5678' não é um telefone brasileiro válido (confira o DDD).",
    )
    assert no.asked[-1] == "1932345678"  # country code dropped: DDD + number


def test_a_value_of_the_wrong_shape_is_refused_before_any_check_is_asked() -> None:
    yes = Answers(valid=True)
    assert isinstance(identity.normalize_cpf("123", checks=yes), FieldError)
    assert isinstance(identity.normalize_cnpj("12.345", checks=yes), FieldError)
    assert isinstance(identity.normalize_phone("98765-4321", checks=yes), FieldError)
    assert yes.asked == []


def test_what_the_checks_accept_is_stored_as_they_normalise_it() -> None:
    yes = Answers(valid=True)
    assert identity.normalize_email("  Ana@Exemplo.COM ", checks=yes) == "ana@exemplo.com"
    assert yes.asked == ["Ana@Exemplo.COM"]
    assert identity.normalize_cpf("111.111.111-11", checks=yes) == "11111111111"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("", ""),
        ("529", "529"),
        ("5299", "529.9"),
        ("5299822", "529.982.2"),
        ("52998224725", "529.982.247-25"),
        ("529.982.247-25", "529.982.247-25"),
        ("529.982.24", "529.982.24"),  # a digit deleted: the separators follow
        ("529982247251", "529982247251"),  # too many digits: left for the check to refuse
        ("52a", "52a"),
    ],
)
def test_a_cpf_is_formatted_while_typed(typed: str, shown: str) -> None:
    assert identity.cpf_while_typing(typed) == shown


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("1", "(1"),
        ("19", "(19"),
        ("199", "(19) 9"),
        ("1932517788", "(19) 3251-7788"),
        ("19987654321", "(19) 98765-4321"),
        ("(19) 9876-54321", "(19) 98765-4321"),  # the 11th digit moves the dash
        ("(19) 9876-", "(19) 9876"),
        ("+55 19 98765-4321", "+55 19 98765-4321"),  # international: as typed
        ("019987654321", "019987654321"),
        ("ramal 12", "ramal 12"),
    ],
)
def test_a_phone_is_formatted_while_typed(typed: str, shown: str) -> None:
    assert identity.phone_while_typing(typed) == shown


@pytest.mark.parametrize(
    ("typed", "mobile"),
    [
        ("(19) 98765-4321", True),
        ("+55 19 98765-4321", True),
        ("(19) 3251-7788", False),
        ("(19) 8765-4321", False),
        ("1998765432", False),
    ],
)
def test_a_cell_number_is_recognised(typed: str, mobile: bool) -> None:
    assert identity.looks_mobile(typed) is mobile
