"""Correction index tables (IPCA…): the monthly variations the clinic types in, and the charge
policies built from a contract's terms with them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.law import WHOLE_SHARE, ChargePolicy, CorrectionTable, interest_share_of
from app.persistence import models
from app.persistence.repositories._sql import Repository


def correction_table(session: Session, index: str) -> CorrectionTable:
    """Every month known of ``index`` (one query; callers cache it across contracts)."""
    v = models.CorrectionIndexValue
    rows = session.execute(select(v.month, v.variation_bp).where(v.index_name == index))
    return CorrectionTable({month: bp for month, bp in rows})


class IndexRepository(Repository):
    def values(self, index: str) -> list[tuple[date, int]]:
        """``(month, variation in bp)`` of ``index``, oldest first."""
        v = models.CorrectionIndexValue
        rows = self.session.execute(
            select(v.month, v.variation_bp).where(v.index_name == index).order_by(v.month)
        )
        return [(month, bp) for month, bp in rows]

    def put(self, index: str, values: dict[date, int]) -> dict[date, int]:
        """Insert or replace these months of ``index`` (written with the next flush); returns
        the variations they had before (for the audit log)."""
        existing = self._rows(index, values)
        before = {month: row.variation_bp for month, row in existing.items()}
        for month, bp in values.items():
            if month in existing:
                existing[month].variation_bp = bp
            else:
                row = models.CorrectionIndexValue(index_name=index, month=month, variation_bp=bp)
                self._add(row, flush=False)
        return before

    def _rows(self, index: str, months: Iterable[date]) -> dict[date, models.CorrectionIndexValue]:
        v = models.CorrectionIndexValue
        stmt = select(v).where(v.index_name == index, v.month.in_(list(months)))
        return {row.month: row for row in self.session.scalars(stmt)}


class PolicyCache:
    """One ChargePolicy per distinct contract terms; correction tables read once per index.

    Queries select ``PolicyCache.columns()`` of the contract and hand those six values to
    ``of``: the policy of thousands of contracts without an ORM entity each."""

    @staticmethod
    def columns() -> tuple[Any, ...]:
        """The contract's columns ``of`` takes, in its order."""
        c = models.Contract
        return (
            c.fine_bp,
            c.interest_monthly_bp,
            c.punctuality_discount_bp,
            c.correction_index,
            c.total_cents,
            c.interest_free_cents,
        )

    def of(
        self, fine_bp: int, interest_bp: int, discount_bp: int, index: str, total: int, free: int
    ) -> ChargePolicy:
        """The policy of a contract read through ``columns``; charges confessed in an acordo
        (``interest_free_cents``) bear no juros (``law.interest_share_of``)."""
        share = interest_share_of(total, free or 0)
        return self.get(fine_bp, interest_bp, discount_bp, index, share)

    def __init__(self, session: Session) -> None:
        self.session = session
        self.policies: dict[tuple[int, int, int, str, Fraction | None], ChargePolicy] = {}
        self.tables: dict[str, CorrectionTable] = {}

    def get(
        self,
        fine_bp: int,
        interest_bp: int,
        discount_bp: int,
        index: str,
        interest_share: Fraction = WHOLE_SHARE,
    ) -> ChargePolicy:
        # The whole share (a sale: almost every contract) is keyed by identity, as None:
        # hashing a Fraction for each of thousands of contracts read cost more than the rest
        # of the look-up.
        whole = interest_share is WHOLE_SHARE
        key = (fine_bp, interest_bp, discount_bp, index, None if whole else interest_share)
        policy = self.policies.get(key)
        if policy is None:
            policy = ChargePolicy(
                fine_bp=fine_bp,
                interest_monthly_bp=interest_bp,
                punctuality_discount_bp=discount_bp,
                correction=None if index == "none" else self._table(index),
                interest_share=interest_share,
            )
            self.policies[key] = policy
        return policy

    def _table(self, index: str) -> CorrectionTable:
        if index not in self.tables:
            self.tables[index] = correction_table(self.session, index)
        return self.tables[index]
