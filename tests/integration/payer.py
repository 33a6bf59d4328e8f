"""A second (and third) clinic PC in a test: a separate process receiving payments, or logging
contacts, at the same time as another."""

from __future__ import annotations

from datetime import date
from multiprocessing.synchronize import Event
from typing import Any

from app.bootstrap import bootstrap
from app.clock import FixedClock
from app.config import load_config
from app.domain.contracts import PaymentForm
from app.errors import ValidationError
from app.services.collection.contact_log import OutcomeForm


def receive_many(
    db_url: str, contract_id: int, times: int, amount: str, start: Event, results: Any
) -> None:
    services = bootstrap(load_config(db_url), FixedClock(date(2026, 3, 16)), migrate=False)
    accepted = refused = 0
    try:
        start.wait(30)
        for _ in range(times):
            try:
                services.payments.add(PaymentForm(contract_id, amount, "2026-03-16"))
                accepted += 1
            except ValidationError:
                refused += 1  # nothing left to pay: "maior que tudo o que este contrato deve"
    finally:
        services.close()
        results.put((accepted, refused))


def log_contacts(db_url: str, patient_id: int, times: int, start: Event, results: Any) -> None:
    """Log ``times`` phone calls to one patient (each an audited line) as fast as possible."""
    services = bootstrap(load_config(db_url), FixedClock(date(2026, 3, 16)), migrate=False)
    logged = 0
    try:
        start.wait(30)
        for _ in range(times):
            services.contacts.log_outcome(
                OutcomeForm(patient_id=patient_id, outcome="no_answer", channel="phone")
            )
            logged += 1
    finally:
        services.close()
        results.put(logged)
