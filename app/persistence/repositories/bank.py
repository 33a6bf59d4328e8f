"""Bank statements: the clinic's accounts and the stored credits of each imported statement (the
conciliação bancária's rows)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select

from app.domain.bank import BankAccountRef
from app.persistence import models
from app.persistence.records import PaymentLink
from app.persistence.repositories._sql import Repository, among, effective, end_of

OPEN, IGNORED, REGISTERED = "open", "ignored", "registered"


class BankRepository(Repository):
    def account(self, ref: BankAccountRef) -> models.BankAccount:
        """The account the statement is of, created the first time it is seen."""
        found = self.find_account(ref)
        if found is None:
            found = self._add(
                models.BankAccount(
                    bank_id=ref.bank_id,
                    branch_id=ref.branch_id,
                    account_id=ref.account_id,
                    bank_name=ref.bank_name,
                )
            )
        return found

    def find_account(self, ref: BankAccountRef) -> models.BankAccount | None:
        a = models.BankAccount
        return self.session.scalar(
            select(a).where(
                a.bank_id == ref.bank_id,
                a.branch_id == ref.branch_id,
                a.account_id == ref.account_id,
            )
        )

    def add(self, row: models.BankTransaction, *, flush: bool = True) -> models.BankTransaction:
        return self._add(row, flush=flush)

    def known(self, account_id: int, fitids: Collection[str]) -> dict[str, models.BankTransaction]:
        """The account's stored credits among ``fitids`` (a re-import finds them)."""
        t = models.BankTransaction
        found: dict[str, models.BankTransaction] = {}
        ordered = sorted(set(fitids))
        for start in range(0, len(ordered), 500):
            part = ordered[start : start + 500]
            stmt = select(t).where(t.account_id == account_id, t.fitid.in_(part))
            found.update((row.fitid, row) for row in self.session.scalars(stmt))
        return found

    def by_fitid(self, fitid: str, account_id: int | None = None) -> list[models.BankTransaction]:
        t = models.BankTransaction
        stmt = select(t).where(t.fitid == fitid)
        if account_id is not None:
            stmt = stmt.where(t.account_id == account_id)
        return list(self.session.scalars(stmt.order_by(t.account_id)))

    def get_for_update(self, transaction_id: int) -> models.BankTransaction | None:
        """The credit, locked until the unit of work ends (two PCs registering it queue up)."""
        t = models.BankTransaction
        stmt = (
            select(t)
            .where(t.id == transaction_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self.session.scalar(stmt)

    def waiting(self) -> list[models.BankTransaction]:
        """Credits still to be decided: open ones, and registered ones whose every payment was
        reversed since (the money is in the bank; it belongs to someone)."""
        t, link, p = models.BankTransaction, models.BankPaymentLink, models.Payment
        counting = (
            select(link.id)
            .join(p, p.id == link.payment_id)
            .where(link.transaction_id == t.id, *effective(p))
        )
        stmt = (
            select(t)
            .where(or_(t.state == OPEN, and_(t.state == REGISTERED, ~counting.exists())))
            .order_by(t.posted_on, t.id)
        )
        return list(self.session.scalars(stmt))

    def link(self, transaction_id: int, payment_id: int, *, existing: bool = False) -> None:
        """The credit became (or, ``existing``, is) this payment."""
        self._add(
            models.BankPaymentLink(
                transaction_id=transaction_id, payment_id=payment_id, linked_existing=existing
            )
        )

    def payments_of(self, transaction_ids: Collection[int]) -> dict[int, list[PaymentLink]]:
        """The payments each credit became, oldest link first, whether each still counts."""
        link, p = models.BankPaymentLink, models.Payment
        found: dict[int, list[PaymentLink]] = {}
        for part in self._id_lists(transaction_ids):
            stmt = (
                select(link.transaction_id, link.payment_id, link.linked_existing, p.reversed_by_id)
                .join(p, p.id == link.payment_id)
                .where(among(link.transaction_id, part))
                .order_by(link.id)
            )
            for tid, pid, existing, reversed_by in self.session.execute(stmt):
                found.setdefault(tid, []).append(PaymentLink(pid, existing, reversed_by is None))
        return found

    def decided_between(self, start: datetime, end: datetime) -> list[models.BankTransaction]:
        """Credits registered (or linked to a desk payment) in ``[start, end)`` (UTC)."""
        t = models.BankTransaction
        stmt = select(t).where(t.state == REGISTERED, t.decided_at >= start, t.decided_at < end)
        return list(self.session.scalars(stmt.order_by(t.decided_at, t.id)))

    def count(self, state: str | None = None) -> int:
        t = models.BankTransaction
        stmt = select(func.count()).select_from(t)
        if state is not None:
            stmt = stmt.where(t.state == state)
        return int(self.session.scalar(stmt) or 0)

    def reconciled_on(self, day: date) -> list[models.BankTransaction]:
        """Registered on ``day`` (UTC day of the decision)."""
        return self.decided_between(datetime.combine(day, datetime.min.time()), end_of(day))
