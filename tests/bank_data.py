"""A clinic whose patients appear in the statement fixtures of ``tests/fixtures/ofx/`` (the
fixtures' Monday is 16/03/2026).

- contract 1: Maria da Silva (CPF 529.982.247-25), 12 × 150,00 from 20/03/2026;
- contract 2: José Carlos Pereira (CPF 111.444.777-35), 8 × 300,00 from 10/02/2026 (the first one
  overdue: on 12/03 it costs 300,00 + 2 % multa 6,00 + 1 % a.m. for 30 days 3,00 = 309,00);
- contract 3: João de Souza Lima (CPF 390.533.447-05), 4 × 150,00 from 05/03/2026.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.adapters.ofx import render_statement
from app.bootstrap import Services
from app.domain.bank import BankAccountRef, StatementLine
from app.domain.contracts import ContractForm
from app.domain.patients import PatientForm

FIXTURES = Path(__file__).parent / "fixtures" / "ofx"
CLINIC_CNPJ = "11.222.333/0001-81"


def seed_clinic(services: Services) -> dict[str, int]:
    """The three payers and their contracts; ``{"maria": 1, "jose": 2, "joao": 3}`` (contract
    ids), plus their patient ids under ``"<name>_patient"``."""
    services.clinic.update(
        {"name": "Clínica Sorriso Ltda", "cnpj": CLINIC_CNPJ, "city": "Campinas", "state": "SP"}
    )
    ids: dict[str, int] = {}
    for key, name, cpf, total, count, first in (
        ("maria", "Maria da Silva", "529.982.247-25", "1.800,00", "12", "2026-03-20"),
        ("jose", "José Carlos Pereira", "111.444.777-35", "2.400,00", "8", "2026-02-10"),
        ("joao", "João de Souza Lima", "390.533.447-05", "600,00", "4", "2026-03-05"),
    ):
        patient = services.patients.create(PatientForm(name=name, cpf=cpf))
        form = ContractForm(
            total=total, installments=count, first_due=first, signed_on="2026-02-01"
        )
        ids[key] = services.contracts.create(patient.id, form).summary.id
        ids[f"{key}_patient"] = patient.id
    return ids


def statement_file(
    folder: Path, lines: list[tuple[str, str, int, str]], name: str = "x.ofx"
) -> Path:
    """A small OFX statement with ``(fitid, AAAA-MM-DD, cents, memo)`` lines, written to
    ``folder / name``."""
    account = BankAccountRef("0033", "0001", "13000123-4")
    rows = [StatementLine(f, date.fromisoformat(d), c, memo=m) for f, d, c, m in lines]
    path = folder / name
    path.write_text(render_statement(account, rows), encoding="utf-8")
    return path
