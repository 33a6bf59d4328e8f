"""Promessas de pagamento: a date and an amount the patient (or the responsável) committed to.

Kept or broken is never typed by anyone: it is computed from the payments, as of a day
(docs/DOMAIN.md, "Promises"). A promise is

- **cumprida** (kept) once the effective payments made from the day it was made up to the
  promised day add up to the promised amount;
- **pendente** (pending) until the end of the promised day;
- **quebrada** (broken) from the day after, when the money did not arrive — the régua then moves
  the patient to the next step and the risk analysis flags "promessa quebrada";
- **cancelada** only when someone recorded that (``resolution``).

Pure: the caller passes the payments (reversed ones already left out) and ``as_of``. The risk
analysis and the régua both use these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum


class PromiseStatus(StrEnum):
    PENDING = "pending"
    KEPT = "kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"


PROMISE_STATUS_LABELS = {
    PromiseStatus.PENDING: "pendente",
    PromiseStatus.KEPT: "cumprida",
    PromiseStatus.BROKEN: "quebrada",
    PromiseStatus.CANCELLED: "cancelada",
}


@dataclass(frozen=True)
class PromiseRecord:
    """A promise as recorded; ``paid_cents`` is what was paid towards it (see ``paid_towards``)."""

    made_on: date
    promised_on: date
    amount_cents: int
    resolution: str | None = None  # only "cancelled" is ever typed; kept/broken are computed
    paid_cents: int = 0
    key: int = 0  # the promise's database id
    contract_id: int | None = None
    made_at: datetime | None = None  # when it was recorded (same clock as ``recorded_at``)

    @property
    def broken_on(self) -> date:
        """The first day the promise counts as broken if the money did not arrive."""
        return self.promised_on + timedelta(days=1)


@dataclass(frozen=True)
class PaymentFact:
    """One effective payment (not reversed, not an estorno): when and how much."""

    paid_on: date
    amount_cents: int
    contract_id: int | None = None
    recorded_at: datetime | None = None  # when the payment was entered


def _after_promise(payment: PaymentFact, promise: PromiseRecord) -> bool:
    """A payment on the day the promise was made counts only if entered after the promise: one
    made earlier that day is what the patient had already paid, not what they promised."""
    if payment.paid_on > promise.made_on:
        return True
    if payment.paid_on < promise.made_on:
        return False
    if payment.recorded_at is None or promise.made_at is None:
        return True
    return payment.recorded_at >= promise.made_at


def paid_towards(promise: PromiseRecord, payments: Iterable[PaymentFact], as_of: date) -> int:
    """Money paid after the promise was made, up to the promised day (and not after ``as_of``):
    only that counts for keeping it. With a ``contract_id`` only that contract's payments
    count."""
    until = min(promise.promised_on, as_of)
    return sum(
        p.amount_cents
        for p in payments
        if p.paid_on <= until
        and _after_promise(p, promise)
        and (promise.contract_id is None or p.contract_id in (None, promise.contract_id))
    )


def with_payments(
    promise: PromiseRecord, payments: Iterable[PaymentFact], as_of: date
) -> PromiseRecord:
    return replace(promise, paid_cents=paid_towards(promise, payments, as_of))


_RESOLUTIONS = tuple(PromiseStatus)


def promise_status(promise: PromiseRecord, as_of: date) -> PromiseStatus:
    """A recorded resolution wins; otherwise the money decides once the promised day is over."""
    if promise.resolution in _RESOLUTIONS:
        return PromiseStatus(str(promise.resolution))
    if promise.paid_cents >= promise.amount_cents:
        return PromiseStatus.KEPT
    if promise.promised_on < as_of:
        return PromiseStatus.BROKEN
    return PromiseStatus.PENDING


def pending_promise(promises: Sequence[PromiseRecord], as_of: date) -> PromiseRecord | None:
    """The promise the patient is still within (the latest promised day), if any: while it
    runs, the régua waits instead of charging again."""
    open_ = [p for p in promises if promise_status(p, as_of) is PromiseStatus.PENDING]
    return max(open_, key=lambda p: (p.promised_on, p.key), default=None)


def latest_broken(promises: Sequence[PromiseRecord], as_of: date) -> PromiseRecord | None:
    broken = [p for p in promises if promise_status(p, as_of) is PromiseStatus.BROKEN]
    return max(broken, key=lambda p: (p.promised_on, p.key), default=None)


@dataclass(frozen=True)
class PromiseTally:
    kept: int = 0
    broken: int = 0
    pending: int = 0


def tally(promises: Sequence[PromiseRecord], as_of: date) -> PromiseTally:
    """How many promises were kept (in the patient's favour), broken and still pending."""
    statuses = [promise_status(p, as_of) for p in promises]
    return PromiseTally(
        kept=statuses.count(PromiseStatus.KEPT),
        broken=statuses.count(PromiseStatus.BROKEN),
        pending=statuses.count(PromiseStatus.PENDING),
    )


def split_promise(amount_cents: int, shares: Sequence[int]) -> list[int]:
    """One promise made by a payer for several patients, split among them in the order given:
    each gets up to their share, the last one whatever is left (more than asked included).
    ``[0]`` shares mean no promise for that patient."""
    parts: list[int] = []
    left = amount_cents
    for index, share in enumerate(shares):
        part = left if index == len(shares) - 1 else min(left, max(share, 0))
        parts.append(part)
        left -= part
    return parts
