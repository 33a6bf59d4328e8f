from __future__ import annotations

from pathlib import Path

import pytest

from app.adapters.identity_checks import IDENTITY_CHECKS
from app.bootstrap import Services, bootstrap
from app.config import load_config
from app.domain.dates import format_date
from app.domain.identity import format_phone
from app.domain.patients import PatientForm, ResponsibleForm, validate_patient
from app.progress import Cancelled
from app.services.demo import DemoRefused


def test_demo_refuses_a_database_with_data(demo_services: Services) -> None:
    with pytest.raises(DemoRefused, match="banco vazio"):
        demo_services.demo.create(patients=5)


def test_same_seed_same_clinic(tmp_path: Path, template_db: Path, clock) -> None:  # type: ignore[no-untyped-def]
    names = []
    for n in range(2):
        path = tmp_path / f"d{n}.db"
        path.write_bytes(template_db.read_bytes())
        svc = bootstrap(load_config(str(path)), clock)
        svc.demo.create(patients=30, seed=42)
        names.append([(p.name, p.cpf, p.phone) for p in svc.patients.search("", 0, 100)])
        svc.close()
    assert names[0] == names[1]


def test_demo_people_pass_the_same_validation_as_typed_ones(demo_services: Services) -> None:
    today = demo_services.clock.today()
    clinic = demo_services.clinic.get()
    assert clinic.is_demo and clinic.is_configured
    for item in demo_services.patients.search("", 0, 500):
        p = demo_services.patients.get(item.id)
        d = p.data
        responsible = None
        if p.responsible:
            responsible = ResponsibleForm(cpf=p.responsible.cpf or "")
        validate_patient(
            PatientForm(
                name=d.name,
                cpf=d.cpf or "",
                birth_date=format_date(d.birth_date),
                phone=format_phone(d.phone),
                email=d.email,
                state=d.state,
                zip_code=d.zip_code,
                responsible=responsible,
            ),
            today,
            checks=IDENTITY_CHECKS,
        )


def test_cancel_writes_nothing(services: Services) -> None:
    with pytest.raises(Cancelled) as caught:
        services.demo.create(patients=10, cancelled=lambda: True)
    assert caught.value.message == "Criação da demonstração cancelada; nada foi gravado."
    assert services.demo.is_empty()


def test_progress_is_reported(services: Services) -> None:
    seen: list[tuple[int, int]] = []
    services.demo.create(patients=10, progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1]


@pytest.mark.slow
@pytest.mark.timeout(900)  # ~4 min alone on 2 busy cores; the suite's 300 s is for the rest
def test_twenty_thousand_patients_build_a_consistent_clinic(services: Services) -> None:
    # How long it takes is measured by bench/ (not a timed test: CI machines vary).
    report = services.demo.create(patients=20_000, seed=3)
    assert report.patients == 20_000
    assert services.patients.count() == report.patients + report.responsibles
    assert services.contracts.count() == report.contracts > 20_000
    assert len(services.patients.search("silva", 0, 200)) == 200


def test_demo_histories_obey_the_same_ledger_rules(demo_services: Services) -> None:
    from sqlalchemy import func, select

    from app.persistence import models

    svc = demo_services
    contracts = svc.contracts.search("", 0, 1000)
    assert len(contracts) > 30
    statuses: set[str] = set()
    reversal_codes: set[str] = set()
    for summary in contracts:
        view = svc.contracts.get(summary.id)
        with svc.engine.connect() as conn:
            stored = dict(
                conn.execute(
                    select(models.Installment.number, models.Installment.paid_cents).where(
                        models.Installment.contract_id == summary.id
                    )
                ).all()
            )
        assert {line.number: line.paid_cents for line in view.lines} == stored
        assert sum(line.principal_cents for line in view.lines) == summary.total_cents
        statuses.update(line.status.value for line in view.lines)
        reversal_codes.update(p.reversal_code for p in view.payments if p.is_reversal)
        for payment in view.payments:
            if payment.reversed_by_id:
                reversal = next(p for p in view.payments if p.id == payment.reversed_by_id)
                assert reversal.amount_cents == -payment.amount_cents
    # The demo shows every situation the screens must handle.
    assert {"pago", "pago_com_atraso", "vencido", "a_vencer"} <= statuses
    with svc.engine.connect() as conn:
        partial = conn.scalar(
            select(func.count()).where(
                models.Installment.paid_cents > 0,
                models.Installment.paid_cents < models.Installment.amount_cents,
            )
        )
    assert partial and partial > 0


def test_contracts_scale_adds_contracts_and_one_changes_nothing(
    tmp_path: Path, template_db: Path, clock
) -> None:  # type: ignore[no-untyped-def]
    reports = []
    for n, extra in enumerate(({}, {"contracts_scale": 1.0}, {"contracts_scale": 2.0})):
        path = tmp_path / f"s{n}.db"
        path.write_bytes(template_db.read_bytes())
        svc = bootstrap(load_config(str(path)), clock)
        reports.append(svc.demo.create(patients=40, seed=9, **extra))
        svc.close()
    default, same, doubled = reports
    assert same == default
    assert doubled.contracts > 1.6 * default.contracts
    assert doubled.installments > 1.6 * default.installments


def test_the_demo_has_a_collection_history(demo_services: Services) -> None:
    """Contacts, promises and negativações, so the worklist's flags show something real."""
    worklist = demo_services.overdue.worklist()
    assert any(r.last_contact_at is not None for r in worklist.rows)
    flags = {f for r in worklist.rows for f in r.flags}
    assert len(flags) >= 4
