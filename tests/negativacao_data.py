"""A debt ready for negativação on the fixtures' clocks: Ana owes one 600,00 installment due
10/01/2026 (contract archived, complete data), so only the aviso prévio is missing."""

from __future__ import annotations

from datetime import date, datetime, time

from app.bootstrap import Services
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.money import format_brl
from app.domain.patients import PatientForm
from app.services.collection.contact_log import OutcomeForm
from tests.collection_data import CNPJ
from tests.conftest import TODAY


def seed_debt(services: Services) -> dict[str, int]:
    services.clinic.update(
        {
            "name": "Clínica Sorriso Ltda",
            "cnpj": CNPJ,
            "phone": "(19) 3234-5678",
            "city": "Campinas",
            "state": "SP",
            "address": "Av. Brasil, 100",
        }
    )
    ana = services.patients.create(
        PatientForm(
            name="Ana Souza",
            cpf="111.444.777-35",
            phone="(19) 98888-7777",
            phone_whatsapp=True,
            street="Rua das Flores",
            number="10",
            district="Centro",
            city="Campinas",
            state="SP",
            zip_code="13010-000",
        )
    )
    contract = services.contracts.create(
        ana.id,
        ContractForm(
            total="600,00", installments="1", first_due="2026-01-10", signed_on="2025-12-10"
        ),
    )
    services.documents.generate("contrato", contract_id=contract.summary.id)
    return {"ana": ana.id, "contract": contract.summary.id}


def send_notice(services: Services, ids: dict[str, int]) -> int:
    """Generate the aviso prévio and log that the letter went out (today)."""
    [doc] = services.documents.generate("aviso-negativacao", contract_id=ids["contract"])
    services.contacts.log_outcome(
        OutcomeForm(
            patient_id=ids["ana"],
            outcome="sent",
            channel="letter",
            step_key="aviso_negativacao",
            contract_id=ids["contract"],
        )
    )
    return doc.id


def pay_everything(services: Services, ids: dict[str, int], paid_on: str) -> None:
    view = services.contracts.get(ids["contract"])
    services.payments.add(
        PaymentForm(
            contract_id=ids["contract"],
            amount=format_brl(view.total_due_cents, symbol=False),
            paid_on=paid_on,
        )
    )


class Days:
    """A clock the test moves from day to day (starts Monday 16/03/2026 10:00)."""

    def __init__(self) -> None:
        self.day = TODAY

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return datetime.combine(self.day, time(10))
