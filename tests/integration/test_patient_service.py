from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.bootstrap import Services
from app.domain.patients import PatientForm, ResponsibleForm
from app.domain.text import fold
from app.errors import ConflictError, ValidationError
from app.persistence import models

MARIA = PatientForm(
    name="Maria Conceição da Silva",
    cpf="529.982.247-25",
    phone="(19) 98765-4321",
    phone_whatsapp=True,
    email="maria@exemplo.com.br",
    city="Campinas",
    state="SP",
)


def count_patients(services: Services) -> int:
    with services.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(models.Patient.__table__)) or 0)


def test_create_and_read_back(services: Services) -> None:
    created = services.patients.create(MARIA)
    loaded = services.patients.get(created.id)
    assert loaded.data.cpf == "52998224725"
    assert loaded.data_confirmed_on == services.clock.today()
    assert loaded.version == 1


def test_invalid_input_writes_nothing(services: Services) -> None:
    with pytest.raises(ValidationError):
        services.patients.create(PatientForm(name="Maria Silva", cpf="529.982.247-26"))
    assert count_patients(services) == 0


def test_duplicate_cpf_is_refused_naming_the_existing_record(services: Services) -> None:
    first = services.patients.create(MARIA)
    with pytest.raises(ValidationError) as info:
        services.patients.create(PatientForm(name="Outra Pessoa", cpf="52998224725"))
    assert f"código {first.id}" in (info.value.for_field("cpf") or "")
    assert count_patients(services) == 1


def test_new_responsible_is_registered_and_linked(services: Services) -> None:
    child = services.patients.create(
        PatientForm(
            name="Pedro Souza",
            birth_date="10/05/2015",
            responsible=ResponsibleForm(
                cpf="529.982.247-25", name="Joana Souza", phone="19987654321"
            ),
        )
    )
    assert child.responsible is not None and child.responsible.name == "Joana Souza"
    parent = services.patients.get(child.responsible.id)
    assert [d.name for d in parent.dependents] == ["Pedro Souza"]


def test_a_new_responsible_lives_at_the_patients_address_or_their_own(
    services: Services,
) -> None:
    """The notificação and the negativação go to whoever pays: their address is recorded."""
    child = services.patients.create(
        PatientForm(
            name="Pedro Souza",
            street="Rua das Flores, 10",
            city="Campinas",
            state="sp",
            zip_code="13010-000",
            responsible=ResponsibleForm(cpf="111.444.777-35", name="Ana Souza", same_address=True),
        )
    )
    assert child.responsible is not None
    ana = services.patients.get(child.responsible.id).data
    assert (ana.street, ana.city, ana.state, ana.zip_code) == (
        "Rua das Flores, 10",
        "Campinas",
        "SP",
        "13010000",
    )
    with pytest.raises(ValidationError) as refused:
        services.patients.create(
            PatientForm(
                name="Lia Lima",
                responsible=ResponsibleForm(
                    cpf="529.982.247-25", name="Rui Lima", state="XX", zip_code="123"
                ),
            )
        )
    assert {e.field for e in refused.value.errors} == {"responsible_state", "responsible_zip_code"}
    assert services.patients.find_by_cpf("529.982.247-25") is None


def test_unknown_responsible_without_name_is_refused_and_nothing_saved(services: Services) -> None:
    with pytest.raises(ValidationError) as info:
        services.patients.create(
            PatientForm(name="Pedro Souza", responsible=ResponsibleForm(cpf="529.982.247-25"))
        )
    assert info.value.errors[0].field == "responsible_name"
    assert count_patients(services) == 0


def test_existing_responsible_is_linked_by_cpf(services: Services) -> None:
    mother = services.patients.create(MARIA)
    child = services.patients.create(
        PatientForm(name="Pedro Souza", responsible=ResponsibleForm(cpf="529.982.247-25"))
    )
    assert child.responsible is not None and child.responsible.id == mother.id
    assert count_patients(services) == 2


def test_responsible_cycle_is_refused(services: Services) -> None:
    mother = services.patients.create(MARIA)
    child = services.patients.create(
        PatientForm(
            name="Pedro Souza", cpf="111.444.777-35", responsible=ResponsibleForm(cpf=MARIA.cpf)
        )
    )
    form = PatientForm(**{**MARIA.__dict__, "responsible": ResponsibleForm(cpf="111.444.777-35")})
    with pytest.raises(ValidationError, match="um não pode ser responsável pelo outro"):
        services.patients.update(mother.id, form, mother.version)
    # Nothing was written: the child still answers to the mother, who answers to nobody.
    stored_child = services.patients.get(child.id).responsible
    assert stored_child is not None and stored_child.id == mother.id
    assert services.patients.get(mother.id).responsible is None
    assert services.patients.get(mother.id).version == mother.version


def test_stale_form_cannot_overwrite_a_newer_change(services: Services) -> None:
    patient = services.patients.create(MARIA)
    services.patients.update(patient.id, PatientForm(**{**MARIA.__dict__, "city": "Valinhos"}), 1)
    with pytest.raises(ConflictError, match="Outro usuário alterou este registro"):
        services.patients.update(patient.id, PatientForm(**{**MARIA.__dict__, "city": "Sumaré"}), 1)
    assert services.patients.get(patient.id).data.city == "Valinhos"


def test_update_confirms_contact_data_only_when_asked(services: Services) -> None:
    patient = services.patients.create(MARIA)
    with services.engine.begin() as conn:
        conn.execute(models.Patient.__table__.update().values(data_confirmed_on=None))
    updated = services.patients.update(patient.id, MARIA, patient.version)
    assert updated.data_confirmed_on is None
    confirmed = services.patients.update(
        patient.id, PatientForm(**{**MARIA.__dict__, "confirm_data_today": True}), updated.version
    )
    assert confirmed.data_confirmed_on == services.clock.today()


def test_search_by_name_ignores_accents_and_case(services: Services) -> None:
    services.patients.create(MARIA)
    services.patients.create(PatientForm(name="José Pereira", cpf="111.444.777-35"))
    assert [p.name for p in services.patients.search("conceicao")] == [MARIA.name]
    assert [p.name for p in services.patients.search("MARIA silva")] == [MARIA.name]
    assert [p.name for p in services.patients.search("jose")] == ["José Pereira"]


def test_search_by_cpf_prefix_and_phone_digits(services: Services) -> None:
    services.patients.create(MARIA)
    assert len(services.patients.search("529.982")) == 1
    assert len(services.patients.search("98765-4321")) == 1
    assert services.patients.search("000000") == []
    assert services.patients.count("529982") == 1


def test_search_pages_in_name_order(demo_services: Services) -> None:
    total = demo_services.patients.count("")
    first = demo_services.patients.search("", 0, 10)
    second = demo_services.patients.search("", 10, 10)
    assert total > 20 and len(first) == len(second) == 10
    names = [p.name for p in first + second]
    assert {p.id for p in first}.isdisjoint({p.id for p in second})
    assert names == sorted(names, key=fold)


def test_find_by_cpf(services: Services) -> None:
    services.patients.create(MARIA)
    assert services.patients.find_by_cpf("529.982.247-25") is not None
    assert services.patients.find_by_cpf("111.444.777-35") is None
    assert services.patients.find_by_cpf("lixo") is None
