"""Collection test data: three debtors on the fixtures' Monday (16/03/2026), and the helpers the
collection and kept-figures tests share (an acordo, a second PC's payment, counting case reads)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.bootstrap import Services, bootstrap
from app.domain.agreements import AgreementForm
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.patients import PatientForm, ResponsibleForm
from app.services.collection.drafts import DraftService

CNPJ = "11.222.333/0001-81"


def seed_debtors(services: Services) -> dict[str, int]:
    """Maria 5 days late, Pedro (paid by his mother Ana) due in 3 days, Bruno (1 day late) who
    refused WhatsApp — in a clinic identified with name, CNPJ and PIX key."""
    services.clinic.update(
        {
            "name": "Clínica Sorriso Ltda",
            "trade_name": "Sorriso",
            "cnpj": CNPJ,
            "phone": "(19) 3234-5678",
            "address": "Av. Brasil, 100",
            "city": "Campinas",
            "state": "SP",
            "pix_key": "financeiro@sorriso.com.br",
        }
    )
    maria = services.patients.create(
        PatientForm(
            name="Maria da Silva",
            cpf="529.982.247-25",
            phone="(19) 99876-5432",
            phone_whatsapp=True,
        )
    )
    pedro = services.patients.create(
        PatientForm(
            name="Pedro Souza",
            responsible=ResponsibleForm(
                cpf="111.444.777-35", name="Ana Souza", phone="(19) 98888-7777", phone_whatsapp=True
            ),
        )
    )
    bruno = services.patients.create(
        PatientForm(
            name="Bruno Lima",
            cpf="123.456.789-09",
            phone="(19) 97777-6666",
            phone_whatsapp=True,
            email="bruno@exemplo.com.br",
            opt_out_whatsapp=True,
        )
    )
    ids = {"maria": maria.id, "pedro": pedro.id, "bruno": bruno.id}
    for who, first_due in (
        ("maria", "2026-03-11"),
        ("pedro", "2026-03-19"),
        ("bruno", "2026-03-13"),
    ):
        contract = services.contracts.create(
            ids[who],
            ContractForm(
                total="900,00",
                installments="3",
                first_due=first_due,
                description="Implante e prótese (uso interno)",
            ),
        )
        ids[f"{who}_contract"] = contract.summary.id
    return ids


def propose_for_overdue(services: Services, patient_id: int, first_due: date) -> int:
    """An acordo proposed over every overdue installment of ``patient_id``, in three parcelas
    from ``first_due``: its id."""
    ids = tuple(
        o.origin.installment_id
        for o in services.agreements.open_installments(patient_id)
        if o.line.is_overdue
    )
    form = AgreementForm(installment_ids=ids, count="3", first_due=first_due.isoformat())
    return services.agreements.propose(patient_id, form).id


def pay_from_another_pc(services: Services, contract_id: int, amount: str, day: date) -> None:
    """The same person, logged in on a second PC of the clinic, records a payment there."""
    other_pc = bootstrap(services.config, services.clock, migrate=False)
    other_pc.actor = services.actor
    try:
        other_pc.payments.add(PaymentForm(contract_id, amount, day.isoformat()))
    finally:
        other_pc.close()


def count_case_reads(monkeypatch: pytest.MonkeyPatch, by: object = None) -> list[date]:
    """The days for which Cobrança de hoje reads every patient's case from the database
    (``DraftService._cases`` without a patient), by any ``DraftService`` or only by ``by``."""
    seen: list[date] = []
    original = DraftService._cases

    def counted(self: DraftService, uow: Any, steps: Any, today: date, patient_id: Any) -> Any:
        if patient_id is None and (by is None or self is by):
            seen.append(today)
        return original(self, uow, steps, today, patient_id)

    monkeypatch.setattr(DraftService, "_cases", counted)
    return seen


def count_fact_reads(monkeypatch: pytest.MonkeyPatch) -> list[date]:
    """The days for which the worklist's risk facts are read from the database
    (``overdue.read_facts``), by any ``OverdueService``."""
    from app.services import overdue

    seen: list[date] = []
    original = overdue.read_facts

    def counted(uow: Any, as_of: date, ids: Any, people: Any, alongside: Any = None) -> Any:
        seen.append(as_of)
        return original(uow, as_of, ids, people, alongside)

    monkeypatch.setattr(overdue, "read_facts", counted)
    return seen
