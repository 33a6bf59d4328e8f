"""Rows that other issues' services will create (contracts, payments), inserted directly so the
security tests do not wait for them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from app.persistence import models

DAY = date(2026, 3, 16)


def insert_contract(
    engine: Engine,
    patient_id: int,
    *,
    contract_id: int = 1,
    status: str = "active",
    description: str = "",
    total_cents: int = 120000,
) -> int:
    with engine.begin() as conn:
        conn.execute(
            models.Contract.__table__.insert(),
            {
                "id": contract_id,
                "patient_id": patient_id,
                "description": description,
                "total_cents": total_cents,
                "down_payment_cents": 0,
                "installments_count": 1,
                "first_due_date": DAY,
                "due_day": DAY.day,
                "payment_method": "pix",
                "status": status,
                "fine_bp": 200,
                "interest_monthly_bp": 100,
                "witness1_name": "",
                "witness1_cpf": "",
                "witness2_name": "",
                "witness2_cpf": "",
                "version": 1,
                "created_at": DAY,
                "updated_at": DAY,
            },
        )
    return contract_id
