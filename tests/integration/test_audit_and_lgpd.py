"""The audit log is append-only (the database refuses changes); LGPD export and anonymisation."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import IntegrityError

from app.bootstrap import Services
from app.domain.patients import PatientForm
from app.errors import PermissionDenied, ValidationError
from app.persistence import models
from app.services.audit import AuditQuery
from tests.conftest import STAFF_PASSWORD
from tests.factories import insert_contract


def test_audit_log_refuses_update_and_delete(services: Services) -> None:
    services.clinic.update({"fine_percent": "1"})
    for statement in ("UPDATE audit_log SET username = 'ninguem'", "DELETE FROM audit_log"):
        with (
            pytest.raises((IntegrityError, SADatabaseError), match="somente inclusão"),
            services.engine.begin() as conn,
        ):
            conn.execute(text(statement))
    with services.engine.connect() as conn:
        assert (
            conn.execute(text("SELECT username FROM audit_log")).scalar() == "configuracao-inicial"
        )


def test_audit_viewer_filters_by_user_text_and_date(staff: Services) -> None:
    staff.login("gestor", STAFF_PASSWORD)
    staff.clinic.update({"fine_percent": "1,5"})
    staff.login("admin", STAFF_PASSWORD)
    staff.clinic.update({"pix_key": "contato@clinica.com.br"})
    assert {e.username for e in staff.audit.search(AuditQuery(username="gestor"))} == {"gestor"}
    assert staff.audit.count(AuditQuery(text="clinic")) == 2
    assert staff.audit.count(AuditQuery(text="user.create")) == 3
    assert staff.audit.count(AuditQuery(since=date(2000, 1, 1), until=date(2000, 1, 2))) == 0
    assert "gestor" in staff.audit.usernames()


def _patient_with_history(services: Services) -> int:
    patient = services.patients.create(
        PatientForm(
            name="Joana Titular",
            cpf="529.982.247-25",
            phone="(19) 98765-4321",
            email="joana@exemplo.com.br",
            city="Campinas",
        )
    )
    insert_contract(services.engine, patient.id, status="settled", description="Implante dentário")
    with services.engine.begin() as conn:
        conn.execute(
            models.Payment.__table__.insert(),
            {
                "contract_id": 1,
                "paid_on": date(2026, 1, 10),
                "amount_cents": 120000,
                "method": "pix",
                "reference": "",
                "reason": "",
                "credit_cents": 0,
                "created_at": date(2026, 1, 10),
                "updated_at": date(2026, 1, 10),
            },
        )
    return patient.id


def test_lgpd_export_has_everything_about_the_patient(services: Services) -> None:
    patient_id = _patient_with_history(services)
    data = services.lgpd.export_patient(patient_id)
    json.dumps(data, ensure_ascii=False)  # JSON-ready
    assert data["patient"]["name"] == "Joana Titular"
    assert data["contracts"][0]["total_cents"] == 120000
    assert data["payments"][0]["amount_cents"] == 120000


def test_anonymise_replaces_personal_fields_and_keeps_the_money(services: Services) -> None:
    patient_id = _patient_with_history(services)
    report = services.lgpd.anonymize_patient(patient_id)
    assert "cpf" in report.fields
    patient = services.patients.get(patient_id)
    assert patient.name == f"Titular anonimizado nº {patient_id}"
    assert patient.data.cpf is None and patient.data.phone == "" and patient.data.email == ""
    assert services.patients.search("joana") == []
    data = services.lgpd.export_patient(patient_id)
    assert data["contracts"][0]["description"] == "[anonimizado]"
    assert data["payments"][0]["amount_cents"] == 120000  # financial records kept
    with pytest.raises(ValidationError, match="já foi anonimizado"):
        services.lgpd.anonymize_patient(patient_id)


def test_anonymise_is_refused_while_the_patient_owes(services: Services) -> None:
    patient_id = _patient_with_history(services)
    with services.engine.begin() as conn:
        conn.execute(text("UPDATE contract SET status = 'active'"))
        conn.execute(
            models.Installment.__table__.insert(),
            {
                "contract_id": 1,
                "number": 1,
                "due_date": date(2026, 2, 10),
                "effective_due_date": date(2026, 2, 10),
                "amount_cents": 50000,
                "paid_cents": 0,
                "created_at": date(2026, 1, 1),
                "updated_at": date(2026, 1, 1),
            },
        )
    with pytest.raises(ValidationError, match="parcelas em aberto"):
        services.lgpd.anonymize_patient(patient_id)
    assert services.patients.get(patient_id).name == "Joana Titular"


def test_reception_cannot_export_or_anonymise(staff: Services) -> None:
    staff.login("recepcao", STAFF_PASSWORD)
    patient = staff.patients.create(PatientForm(name="Ana Lima", cpf="529.982.247-25"))
    with pytest.raises(PermissionDenied):
        staff.lgpd.export_patient(patient.id)
    with pytest.raises(PermissionDenied):
        staff.lgpd.anonymize_patient(patient.id)
