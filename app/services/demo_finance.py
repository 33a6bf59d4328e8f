"""Realistic payment histories for the demo clinic.

Each patient gets a payer profile (the usual kinds of late payers): punctual payers, the occasional
forgetful one, chronic late payers, partial payers in financial difficulty, a bounced cheque,
and patients who simply stopped paying (some never paid the first installment). Payments are
applied with the same ``allocate`` as the desk, so the demo's numbers obey the same law.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from app.domain.business_calendar import BusinessCalendar
from app.domain.catalog import PaymentMethod
from app.domain.law import (
    ChargePolicy,
    InstallmentLedger,
    InstallmentTerms,
    Settlement,
    allocate,
    updated_debt,
)
from app.domain.schedule import plan

PROFILES: tuple[tuple[str, float], ...] = (
    ("pontual", 0.55),
    ("esquecido", 0.18),
    ("frequente", 0.10),
    ("parcial", 0.06),
    ("cheque", 0.04),
    ("sumido", 0.07),
)
PLAN_SIZES = (1, 2, 3, 4, 5, 6, 8, 10, 12, 12, 12, 18, 24, 24)
METHODS = (PaymentMethod.PIX, PaymentMethod.PIX, PaymentMethod.BOLETO, PaymentMethod.CARTAO,
           PaymentMethod.DINHEIRO)  # fmt: skip


@dataclass
class _Contract:
    id: int
    patient_id: int
    responsible_id: int | None
    created: date
    total: int
    down: int
    method: PaymentMethod
    ledgers: list[InstallmentLedger]
    ids: list[int]
    payments: list[dict[str, Any]] = field(default_factory=list)
    settled_by: dict[int, list[tuple[int, Settlement]]] = field(default_factory=dict)
    allocations: list[dict[str, Any]] = field(default_factory=list)


class FinanceGenerator:
    def __init__(
        self, rng: random.Random, today: date, calendar: BusinessCalendar, policy: ChargePolicy
    ) -> None:
        self.rng = rng
        self.today = today
        self.calendar = calendar
        self.policy = policy
        self.next_contract = 1
        self.next_installment = 1
        self.next_payment = 1
        self.next_allocation = 1

    def profile(self) -> str:
        roll, acc = self.rng.random(), 0.0
        for name, weight in PROFILES:
            acc += weight
            if roll < acc:
                return name
        return PROFILES[0][0]

    # --- one contract -----------------------------------------------------------------------
    def contract(self, patient_id: int, responsible_id: int | None, profile: str) -> _Contract:
        rng = self.rng
        created = self.today - timedelta(days=rng.randint(5, 900))
        n = rng.choice(PLAN_SIZES)
        total = rng.randrange(30_000, 1_200_000, 1_000)
        down = rng.randrange(total // 10, total // 3, 1_000) if n > 1 and rng.random() < 0.35 else 0
        first_due = created + timedelta(days=rng.randint(20, 35))
        method = PaymentMethod.CHEQUE if profile == "cheque" else rng.choice(METHODS)
        planned = plan(total, down, n, first_due, self.calendar, down_payment_due=created)
        ids = list(range(self.next_installment, self.next_installment + len(planned)))
        self.next_installment += len(planned)
        ledgers = [
            InstallmentLedger(
                InstallmentTerms(p.number, p.due_date, p.effective_due_date, p.amount_cents, key=i)
            )
            for p, i in zip(planned, ids, strict=True)
        ]
        contract = _Contract(
            self.next_contract,
            patient_id,
            responsible_id,
            created,
            total,
            down,
            method,
            ledgers,
            ids,
        )
        self.next_contract += 1
        self._history(contract, profile)
        return contract

    def _intents(self, c: _Contract, profile: str) -> list[tuple[date, float]]:
        """(payment date, share of the oldest open installment's updated total) per installment."""
        rng = self.rng
        intents: list[tuple[date, float]] = []
        stop_after = rng.randint(0, max(0, len(c.ledgers) - 1)) if profile == "sumido" else None
        late_ones = set(rng.sample(range(len(c.ledgers)), k=min(2, len(c.ledgers))))
        for index, ledger in enumerate(c.ledgers):
            due = ledger.terms.effective_due_date
            if ledger.terms.number == 0:
                intents.append((c.created, 1.0))  # the entrada is paid at the desk
                continue
            if stop_after is not None and index > stop_after:
                break
            if profile == "pontual":
                intents.append((due - timedelta(days=rng.randint(0, 3)), 1.0))
            elif profile == "esquecido":
                late = rng.randint(1, 12) if index in late_ones else 0
                intents.append((due + timedelta(days=late), 1.0))
            elif profile == "frequente":
                intents.append((due + timedelta(days=rng.randint(5, 45)), 1.0))
            elif profile == "parcial":
                intents.append((due + timedelta(days=rng.randint(0, 20)), rng.uniform(0.4, 0.8)))
            elif profile == "cheque":
                intents.append((due - timedelta(days=rng.randint(0, 2)), 1.0))
            else:  # sumido: paid like a forgetful payer until they stopped
                intents.append((due + timedelta(days=rng.randint(0, 10)), 1.0))
        return sorted(intents, key=lambda it: it[0])

    def _history(self, c: _Contract, profile: str) -> None:
        bounced = False
        for paid_on, share in self._intents(c, profile):
            if paid_on > self.today:
                break
            open_ledgers = [ld for ld in c.ledgers if self._open(ld)]
            if not open_ledgers:
                break
            oldest = open_ledgers[0]
            due_now = updated_debt(
                oldest.terms, oldest.settlements, paid_on, self.policy
            ).total_cents
            amount = max(100, int(due_now * share)) if share < 1 else due_now
            if amount <= 0:
                continue
            payment_id = self._pay(c, paid_on, amount, open_ledgers)
            if profile == "cheque" and not bounced and self.rng.random() < 0.5:
                bounced = True
                self._bounce(c, payment_id, paid_on + timedelta(days=self.rng.randint(3, 8)))

    @staticmethod
    def _open(ledger: InstallmentLedger) -> bool:
        return sum(s.principal_cents for s in ledger.settlements) < ledger.terms.amount_cents

    def _pay(
        self, c: _Contract, paid_on: date, amount: int, ledgers: list[InstallmentLedger]
    ) -> int:
        allocation = allocate(amount, paid_on, ledgers, self.policy)
        payment_id = self.next_payment
        self.next_payment += 1
        c.payments.append(
            {
                "id": payment_id,
                "contract_id": c.id,
                "paid_on": paid_on,
                "amount_cents": amount,
                "method": c.method.value,
                "reference": "",
                "reverses_payment_id": None,
                "reversed_by_id": None,
                "reversal_code": "",
                "reason": "",
                "credit_cents": allocation.credit_cents,
                "created_by_id": None,
            }
        )
        by_key = {ld.terms.key: i for i, ld in enumerate(c.ledgers)}
        for terms, s in allocation.lines:
            i = by_key[terms.key]
            old = c.ledgers[i]
            c.ledgers[i] = InstallmentLedger(old.terms, (*old.settlements, s))
            c.settled_by.setdefault(payment_id, []).append((i, s))
            c.allocations.append(self._allocation_row(payment_id, terms.key, s, 1))
        return payment_id

    def _bounce(self, c: _Contract, payment_id: int, on: date) -> None:
        """A cheque returned by the bank: the payment is reversed and stops counting."""
        on = min(on, self.today)
        original = next(p for p in c.payments if p["id"] == payment_id)
        reversal_id = self.next_payment
        self.next_payment += 1
        original["reversed_by_id"] = reversal_id
        c.payments.append(
            {
                **original,
                "id": reversal_id,
                "paid_on": on,
                "amount_cents": -original["amount_cents"],
                "credit_cents": -original["credit_cents"],
                "reverses_payment_id": payment_id,
                "reversed_by_id": None,
                "reversal_code": "cheque_devolvido",
                "reason": "Cheque devolvido pelo banco (alínea 11)",
            }
        )
        for row in [a for a in c.allocations if a["payment_id"] == payment_id]:
            c.allocations.append({**row, "id": self._next_allocation(), "payment_id": reversal_id,
                                  **{k: -row[k] for k in _AMOUNTS}})  # fmt: skip
        for i, settlement in c.settled_by.pop(payment_id, []):
            remaining = list(c.ledgers[i].settlements)
            remaining.remove(settlement)
            c.ledgers[i] = InstallmentLedger(c.ledgers[i].terms, tuple(remaining))

    def _next_allocation(self) -> int:
        self.next_allocation += 1
        return self.next_allocation - 1

    def _allocation_row(
        self, payment_id: int, installment_id: int, s: Settlement, sign: int
    ) -> dict[str, Any]:
        return {
            "id": self._next_allocation(),
            "payment_id": payment_id,
            "installment_id": installment_id,
            "principal_cents": sign * s.principal_cents,
            "fine_cents": sign * s.fine_cents,
            "interest_cents": sign * s.interest_cents,
            "correction_cents": sign * s.correction_cents,
            "discount_cents": sign * s.discount_cents,
        }

    # --- rows for bulk insert ----------------------------------------------------------------
    def rows(self, c: _Contract, now: datetime) -> dict[str, list[dict[str, Any]]]:
        created_at = datetime.combine(c.created, datetime.min.time()).replace(hour=10)
        installments = []
        any_open = False
        for ld in c.ledgers:
            paid = sum(s.principal_cents for s in ld.settlements)
            settled = (
                max((s.paid_on for s in ld.settlements), default=None)
                if paid >= ld.terms.amount_cents
                else None
            )
            any_open = any_open or settled is None
            installments.append(
                {
                    "id": ld.terms.key,
                    "contract_id": c.id,
                    "number": ld.terms.number,
                    "due_date": ld.terms.due_date,
                    "effective_due_date": ld.terms.effective_due_date,
                    "amount_cents": ld.terms.amount_cents,
                    "paid_cents": paid,
                    "settled_on": settled,
                    "renegotiated_agreement_id": None,
                    "created_at": created_at,
                    "updated_at": now,
                }
            )
        contract = {
            "id": c.id,
            "patient_id": c.patient_id,
            "responsible_id": c.responsible_id,
            "guarantor_id": None,
            "description": "Tratamento odontológico (demonstração)",
            "total_cents": c.total,
            "down_payment_cents": c.down,
            "installments_count": len([ld for ld in c.ledgers if ld.terms.number > 0]),
            "first_due_date": next(ld.terms.due_date for ld in c.ledgers if ld.terms.number == 1),
            "due_day": next(ld.terms.due_date.day for ld in c.ledgers if ld.terms.number == 1),
            "payment_method": c.method.value,
            "status": "active" if any_open else "settled",
            "fine_bp": self.policy.fine_bp,
            "interest_monthly_bp": self.policy.interest_monthly_bp,
            "punctuality_discount_bp": self.policy.punctuality_discount_bp,
            "correction_index": "none",
            "signed_at": c.created,
            "witness1_name": "",
            "witness1_cpf": "",
            "witness2_name": "",
            "witness2_cpf": "",
            "agreement_id": None,
            "created_by_id": None,
            "version": 1,
            "created_at": created_at,
            "updated_at": now,
        }
        payments = [{**p, "created_at": now, "updated_at": now} for p in c.payments]
        allocations = [{**a, "created_at": now, "updated_at": now} for a in c.allocations]
        return {
            "contract": [contract],
            "installment": installments,
            "payment": payments,
            "payment_allocation": allocations,
        }


_AMOUNTS = ("principal_cents", "fine_cents", "interest_cents", "correction_cents", "discount_cents")
