from __future__ import annotations

import pytest
from sqlalchemy import select

from app.bootstrap import Services
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
    assert info.is_configured


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
