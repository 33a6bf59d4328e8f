"""Payments and estornos: the rows, their allocations to installments, and the listings (the
contract's payments, the Pagamentos export, the re-import check)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.domain.contracts import PaymentView
from app.domain.layouts import PaymentLine
from app.persistence import models
from app.persistence.repositories._sql import Repository, effective


class PaymentRepository(Repository):
    def add(self, row: models.Payment, *, flush: bool = True) -> models.Payment:
        """``flush=False``: written with the next flush, with its allocations."""
        return self._add(row, flush=flush)

    def add_allocation(self, row: models.PaymentAllocation) -> models.PaymentAllocation:
        """Where a payment's centavos went on one installment (written with the next flush)."""
        return self._add(row, flush=False)

    def get(self, payment_id: int) -> models.Payment | None:
        return self.session.get(models.Payment, payment_id)

    def allocations(self, payment_id: int) -> list[models.PaymentAllocation]:
        a = models.PaymentAllocation
        return list(
            self.session.scalars(select(a).where(a.payment_id == payment_id).order_by(a.id))
        )

    def count_all(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(models.Payment)) or 0)

    def effective_on(self, contract_id: int) -> dict[tuple[date, int], list[str]]:
        """(date, amount) → references of the contract's effective payments (re-import check)."""
        p = models.Payment
        stmt = select(p.paid_on, p.amount_cents, p.reference).where(
            p.contract_id == contract_id, *effective(p)
        )
        found: dict[tuple[date, int], list[str]] = {}
        for paid_on, amount, reference in self.session.execute(stmt):
            found.setdefault((paid_on, amount), []).append(reference or "")
        return found

    def export_lines(self, chunk: int = 2_000) -> Iterator[PaymentLine]:
        """Every payment and estorno, by date (the Pagamentos export)."""
        p, c, pt = models.Payment, models.Contract, models.Patient
        a, i = models.PaymentAllocation, models.Installment
        ids = list(self.session.scalars(select(p.id).order_by(p.paid_on, p.id)))
        for start in range(0, len(ids), chunk):
            batch = ids[start : start + chunk]
            numbers = self._numbers(a.payment_id.in_(batch), order_by=(a.payment_id, i.number))
            rows = self.session.execute(
                select(p, c.external_ref, pt.cpf, pt.name)
                .join(c, c.id == p.contract_id)
                .join(pt, pt.id == c.patient_id)
                .where(p.id.in_(batch))
                .order_by(p.paid_on, p.id)
            )
            for pay, external_ref, cpf, name in rows:
                yield PaymentLine(
                    id=pay.id,
                    contract_key=external_ref or str(pay.contract_id),
                    patient_cpf=cpf,
                    patient_name=name,
                    paid_on=pay.paid_on,
                    amount_cents=pay.amount_cents,
                    method=pay.method,
                    reference=pay.reference,
                    installments=tuple(numbers.get(pay.id, ())),
                    credit_cents=pay.credit_cents,
                    reversed=pay.reversed_by_id is not None,
                    is_reversal=pay.reverses_payment_id is not None,
                    reason=pay.reason,
                )
            self.session.expunge_all()

    def _numbers(self, where: Any, *, order_by: tuple[Any, ...]) -> dict[int, list[int]]:
        """The installment numbers each payment touched (once each, in ``order_by`` order)."""
        a, i = models.PaymentAllocation, models.Installment
        touched = (
            select(a.payment_id, i.number)
            .join(i, i.id == a.installment_id)
            .where(where)
            .order_by(*order_by)
        )
        numbers: dict[int, list[int]] = {}
        for payment_id, number in self.session.execute(touched):
            if number not in numbers.setdefault(payment_id, []):
                numbers[payment_id].append(number)
        return numbers

    def views_for_contract(self, contract_id: int) -> list[PaymentView]:
        p, i = models.Payment, models.Installment
        numbers = self._numbers(i.contract_id == contract_id, order_by=(i.number,))
        rows = self.session.scalars(
            select(p).where(p.contract_id == contract_id).order_by(p.paid_on.desc(), p.id.desc())
        )
        return [
            PaymentView(
                id=r.id,
                paid_on=r.paid_on,
                amount_cents=r.amount_cents,
                method=r.method,
                reference=r.reference,
                credit_cents=r.credit_cents,
                reversed_by_id=r.reversed_by_id,
                reverses_payment_id=r.reverses_payment_id,
                reversal_code=r.reversal_code,
                reason=r.reason,
                installments=tuple(numbers.get(r.id, ())),
            )
            for r in rows
        ]
