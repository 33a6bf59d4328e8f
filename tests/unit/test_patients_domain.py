from __future__ import annotations

from datetime import date

import pytest

from app.adapters.identity_checks import IDENTITY_CHECKS as CHECKS
from app.domain.patients import PatientForm, ResponsibleForm, validate_patient
from app.errors import ValidationError

TODAY = date(2026, 3, 16)


def fields(exc: ValidationError) -> set[str]:
    return {e.field for e in exc.errors}


def test_valid_form_is_cleaned() -> None:
    data = validate_patient(
        PatientForm(
            name="  Maria   da Silva ",
            cpf="529.982.247-25",
            birth_date="05/04/1980",
            phone="(19) 98765-4321",
            phone_whatsapp=True,
            email="maria@exemplo.com.br",
            state="sp",
            zip_code="13012-100",
        ),
        TODAY,
        checks=CHECKS,
    )
    assert data.name == "Maria da Silva"
    assert data.cpf == "52998224725"
    assert data.birth_date == date(1980, 4, 5)
    assert data.phone == "19987654321" and data.phone_whatsapp
    assert data.state == "SP" and data.zip_code == "13012100"


def test_every_bad_field_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as info:
        validate_patient(
            PatientForm(name="Ana", cpf="123", birth_date="31/02/2000", phone="12", email="x@"),
            TODAY,
            checks=CHECKS,
        )
    assert fields(info.value) == {"name", "cpf", "birth_date", "phone", "email"}
    for error in info.value.errors:
        assert ":" in error.message  # "Campo: what is wrong"


def test_cpf_is_required_without_a_responsible() -> None:
    with pytest.raises(ValidationError) as info:
        validate_patient(PatientForm(name="Pedro Souza"), TODAY, checks=CHECKS)
    assert "responsável" in (info.value.for_field("cpf") or "")


def test_child_without_cpf_is_accepted_with_a_responsible() -> None:
    data = validate_patient(
        PatientForm(
            name="Pedro Souza",
            birth_date="10/05/2015",
            responsible=ResponsibleForm(cpf="529.982.247-25", name="Joana Souza"),
        ),
        TODAY,
        checks=CHECKS,
    )
    assert data.cpf is None
    assert data.responsible is not None and data.responsible.cpf == "52998224725"


def test_responsible_with_the_patients_own_cpf_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        validate_patient(
            PatientForm(
                name="Pedro Souza",
                cpf="529.982.247-25",
                responsible=ResponsibleForm(cpf="52998224725", name="Joana Souza"),
            ),
            TODAY,
            checks=CHECKS,
        )
    assert fields(info.value) == {"responsible_cpf"}


def test_birth_date_in_the_future_is_refused() -> None:
    with pytest.raises(ValidationError, match="futuro"):
        validate_patient(
            PatientForm(name="Pedro Souza", cpf="52998224725", birth_date="17/03/2026"),
            TODAY,
            checks=CHECKS,
        )


def test_whatsapp_tick_without_a_number_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        validate_patient(
            PatientForm(name="Pedro Souza", cpf="52998224725", phone_whatsapp=True),
            TODAY,
            checks=CHECKS,
        )
    assert fields(info.value) == {"phone"}


def test_a_new_responsaveis_address_is_bounded_like_a_patients() -> None:
    """The responsável's address becomes a patient row: its columns' lengths and no control
    characters, each error under the responsável's own field."""
    long_street = "Rua " + "A" * 300
    with pytest.raises(ValidationError) as caught:
        validate_patient(
            PatientForm(
                name="Pedro Souza",
                responsible=ResponsibleForm(
                    cpf="529.982.247-25",
                    name="Joana Souza",
                    street=long_street,
                    city="Campi\x07nas",
                ),
            ),
            TODAY,
            checks=CHECKS,
        )
    assert {"responsible_street", "responsible_city"} <= fields(caught.value)
    messages = " ".join(e.message for e in caught.value.errors)
    assert "Endereço do responsável" in messages and "Cidade do responsável" in messages
