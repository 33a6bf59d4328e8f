"""Prescription: when a debt can no longer be collected.

A debt written in a private instrument (the clinic's contract, a confissão de dívida)
prescribes five years after it fell due (CC art. 206 §5 I). The STJ (3ª Turma, 2023) holds that
prescription bars collection out of court too, not only the lawsuit: a prescribed installment
gets no régua step, no message, no notificação and no aviso, and a negativação of it must be
removed (CDC art. 43 §1 and §5; Súmula 323 STJ). The money stays on the books — a patient may
still pay it of their own will (CC art. 882) — but apart from what the clinic can pursue: the
worklist marks it *prescrita* and the dashboard shows it separately.

The five years run from the effective due date (the day payment could first be demanded). What
interrupts them — a protest, a lawsuit served, the debtor's acknowledgement (CC art. 202) — is
not recorded in EmDia: an acordo's confissão starts a new debt with its own due dates; anything
else is the clinic's lawyer's to judge.

Pure: every answer comes from a ``law.DebtLine`` and the day asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from app.domain.dates import format_date
from app.domain.law import DebtLine

# CC art. 206 §5 I: five years from the due date.
PRESCRIPTION_YEARS = 5
# "próximo da prescrição" from 4½ years on: still time to act (a confissão, a lawsuit).
PRESCRIPTION_WARNING_DAYS = 183

LAW = "CC art. 206 §5 I"


def add_years(day: date, years: int) -> date:
    """Same day and month ``years`` later (29/02 → 28/02 when that year has none)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def prescribes_on(due: date) -> date:
    """The day a debt due on ``due`` (its effective due date) can no longer be collected."""
    return add_years(due, PRESCRIPTION_YEARS)


def is_prescribed(due: date, on: date) -> bool:
    return on >= prescribes_on(due)


# Five calendar years are never fewer than 365 × 5 days (a span may hold no 29 February, as
# 2097–2102 does not): a line fewer days late cannot be prescrita — the answer for nearly every
# line of the worklist, without building dates.
FEWEST_DAYS_TO_PRESCRIBE = 365 * PRESCRIPTION_YEARS


def is_prescrita(line: DebtLine) -> bool:
    """An open overdue installment five years or more past its due date on the line's day
    (``updated_debt`` counted its days late up to the day asked)."""
    if line.days_late < FEWEST_DAYS_TO_PRESCRIBE or not line.is_overdue:
        return False
    on = date.fromordinal(line.effective_due_date.toordinal() + line.days_late)
    return is_prescribed(line.effective_due_date, on)


def collectable(lines: Iterable[DebtLine]) -> list[DebtLine]:
    """The overdue installments the clinic may still pursue (not prescritas)."""
    return [ln for ln in lines if ln.is_overdue and not is_prescrita(ln)]


def prescribed(lines: Iterable[DebtLine]) -> list[DebtLine]:
    return [ln for ln in lines if is_prescrita(ln)]


def prescribed_reason(lines: Iterable[DebtLine]) -> str:
    """Why nothing may be collected: ``parcela vencida em 05/03/2021: prescrita desde
    05/03/2026 (CC art. 206 §5 I) — a cobrança, mesmo extrajudicial, não é mais permitida``."""
    found = sorted(prescribed(lines), key=lambda ln: (ln.effective_due_date, ln.number))
    if not found:
        return ""
    first = found[0].effective_due_date
    what = (
        f"parcela vencida em {format_date(first)}"
        if len(found) == 1
        else f"{len(found)} parcelas vencidas desde {format_date(first)}"
    )
    return (
        f"{what}: prescrita desde {format_date(prescribes_on(first))} ({LAW}) — a cobrança, "
        "mesmo extrajudicial, não é mais permitida"
    )
