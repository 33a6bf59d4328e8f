from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.bootstrap import Services
from app.domain.contracts import ContractForm
from app.domain.patients import PatientForm
from app.errors import ConflictError, ValidationError
from app.persistence import models


def test_update_and_read_back(services: Services) -> None:
    info = services.clinic.update(
        {
            "name": "Clínica Boa Saúde Ltda",
            "cnpj": "11.222.333/0001-81",
            "state": "mg",
            "pix_key": "(31) 98765-4321",
        }
    )
    assert info.legal_name == "Clínica Boa Saúde Ltda"
    assert info.cnpj == "11222333000181"
    assert info.state == "MG"
    assert info.pix_key == "+5531987654321"
    assert services.clinic.get() == info
    # CDC art. 42-A: the creditor's name, address and CNPJ/CPF on every charge.
    assert not info.is_configured and info.identification_gaps == ("endereço", "cidade")
    located = services.clinic.update({"address": "Rua da Bahia, 1000", "city": "Belo Horizonte"})
    assert located.is_configured
    assert located.postal_address == "Rua da Bahia, 1000 — Belo Horizonte/MG"


def test_the_clinics_own_holidays_are_kept_and_move_due_dates(services: Services) -> None:
    info = services.clinic.update(
        {"state": "SP", "holidays": "20/01 São Sebastião; 06/04/2026 Ponto facultativo"}
    )
    assert [h.text for h in info.holidays] == [
        "20/01 São Sebastião",
        "06/04/2026 Ponto facultativo",
    ]
    with pytest.raises(
        ValidationError, match="Feriados municipais: '31/02 Dia' não é uma data válida"
    ):
        services.clinic.update({"holidays": "31/02 Dia"})
    assert services.clinic.get().holidays == info.holidays  # nothing saved
    patient = services.patients.create(PatientForm(name="Ana Souza", cpf="111.444.777-35"))
    view = services.contracts.create(
        patient.id, ContractForm(total="200,00", installments="2", first_due="2026-04-06")
    )
    # Monday 06/04/2026 is the city's holiday: the parcela falls due on Tuesday.
    assert [ln.effective_due_date for ln in view.lines] == [date(2026, 4, 7), date(2026, 5, 6)]


def test_one_bad_key_saves_nothing(services: Services) -> None:
    services.clinic.update({"name": "Clínica Boa Saúde Ltda"})
    with pytest.raises(ValidationError) as info:
        services.clinic.update({"city": "Belo Horizonte", "fine_percent": "2,5"})
    assert [e.field for e in info.value.errors] == ["fine_percent"]
    assert services.clinic.get().city == ""


def test_unknown_key_lists_the_valid_ones(services: Services) -> None:
    with pytest.raises(ValidationError, match="pix_key"):
        services.clinic.update({"colour": "azul"})


def test_fine_change_goes_to_the_audit_log(services: Services) -> None:
    services.clinic.update({"fine_percent": "1,5"})
    with services.engine.connect() as conn:
        rows = conn.execute(select(models.AuditLog.__table__)).mappings().all()
    assert len(rows) == 1
    assert rows[0]["action"] == "clinic.update"
    assert rows[0]["before"] == {"fine_bp": 200}
    assert rows[0]["after"] == {"fine_bp": 150}


def test_stale_settings_screen_is_refused(services: Services) -> None:
    first = services.clinic.update({"name": "Clínica A Ltda"})
    services.clinic.update({"city": "Campinas"}, first.version)
    with pytest.raises(ConflictError):
        services.clinic.update({"city": "Sumaré"}, first.version)
