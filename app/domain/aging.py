"""Aging (envelhecimento da dívida): the four bands an owner reads an overdue portfolio by.

A patient sits in the band of their *oldest* overdue installment — the worklist's filter and the
dashboard's chart use this same rule, so a bar always equals the worklist filtered by that band.
"""

from __future__ import annotations

from enum import StrEnum


class Bucket(StrEnum):
    D1_30 = "1-30"
    D31_60 = "31-60"
    D61_90 = "61-90"
    D90_PLUS = "90+"


BUCKETS: tuple[Bucket, ...] = (Bucket.D1_30, Bucket.D31_60, Bucket.D61_90, Bucket.D90_PLUS)

BUCKET_LABELS = {
    Bucket.D1_30: "1–30 dias",
    Bucket.D31_60: "31–60 dias",
    Bucket.D61_90: "61–90 dias",
    Bucket.D90_PLUS: "mais de 90 dias",
}

# Upper bound (inclusive) of each band in days late; the last one is open-ended.
_LIMITS = ((30, Bucket.D1_30), (60, Bucket.D31_60), (90, Bucket.D61_90))


def bucket_for(days_late: int) -> Bucket:
    """The band of an installment ``days_late`` days past its effective due date (≥ 1)."""
    if days_late < 1:
        raise ValueError("only overdue installments have an aging band")
    for limit, bucket in _LIMITS:
        if days_late <= limit:
            return bucket
    return Bucket.D90_PLUS
