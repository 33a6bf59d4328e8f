"""What Relatórios read: the payment lines of a period, what they extinguished, the portfolio's
principal as of past month ends, the collection effort and its outcome.

Plain-column queries through Core, summed in SQL where SQL can (``bench/bench_reports.py`` times
them at 20,000 patients against hand-written SQL). The rules stay in ``app.domain.reports``:
this module only gathers facts.

Month-end history: the not-yet-due principal adds up linearly, so it is summed per group of
*which of the requested days* each date falls on (``_slot`` below). Each group comes back with a
representative date that compares with every requested day exactly as the real dates of the
group do, so the domain's as-of rules give the same answer from a few hundred groups as from
hundreds of thousands of rows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Executable, String, and_, case, cast, func, or_, select
from sqlalchemy.orm import aliased

from app.domain.catalog import ContractStatus
from app.domain.promises import PromiseRecord
from app.domain.reports.cash import UNKNOWN_USER, CashLine, PaymentSource, ReconciledLine
from app.domain.reports.default_history import InstallmentHistory, PaidLine, PrincipalFlow
from app.domain.reports.effectiveness import ContactFact, NegativacaoFact, PaymentFact
from app.domain.reports.portfolio import Suspension
from app.domain.reports.receipts import PaymentDay, SettledDay
from app.persistence import models
from app.persistence.queries.receivables import ReceivablesQueries
from app.persistence.repositories._sql import (
    Repository,
    allocation_money,
    chunks,
    effective,
    end_of,
)
from app.persistence.repositories.bank import REGISTERED

_FAR_PAST = date(1, 1, 1)


def _not_cancelled() -> ColumnElement[bool]:
    return models.Contract.status != ContractStatus.CANCELLED.value


def _replaced_on() -> Any:
    """The day an acordo replaced the installment (``None``: never). A renegotiated installment
    whose acordo has no acceptance day counts as replaced from the start."""
    i, ag = models.Installment, models.Agreement
    return case(
        (i.renegotiated_agreement_id.is_(None), None),
        else_=func.coalesce(ag.accepted_on, _FAR_PAST),
    )


def _slot(value: Any, days: Sequence[date]) -> Any:
    """The index of the first requested day ``value`` is on or before (``len(days)`` when it is
    after the last); NULL stays NULL. Old values are the common case: tested first."""
    whens = [(value <= d, k) for k, d in enumerate(days)]
    return case((value.is_(None), None), *whens, else_=len(days))


def _due_slot(value: Any, days: Sequence[date]) -> Any:
    """How many requested days fall on or before ``value`` (a due date): from that index on, the
    installment is overdue. Future dates are the common case: tested first."""
    whens = [(value >= days[k], k + 1) for k in reversed(range(len(days)))]
    return case(*whens, else_=0)


def _registered_slot(days: Sequence[date]) -> Any:
    """The first requested day the contract was registered by (``created_at`` < end of day)."""
    created = models.Contract.created_at
    whens = [(created < end_of(d), k) for k, d in enumerate(days)]
    return case(*whens, else_=len(days))


def _straddles(paid: Any, due: Any, days: Sequence[date]) -> ColumnElement[bool]:
    """A cheap test that some requested day may fall between the payment and the due date —
    paid in an earlier month, or the due date or the last day in between — so the many
    payments made in the month they were due skip the grouping (the slots decide exactly)."""
    month = func.substr(cast(paid, String), 1, 7) < func.substr(cast(due, String), 1, 7)
    return or_(month, due.in_(list(days)), and_(paid <= days[-1], due >= days[-1]))


class ReportQueries(Repository):
    def _run(self, stmt: Executable) -> Any:
        return self.session.connection().execute(stmt)

    # --- fechamento de caixa ------------------------------------------------------------------
    def cash_lines(self, start: date, end: date) -> list[CashLine]:
        p, c, pt, u = models.Payment, models.Contract, models.Patient, models.User
        reversal, bank = aliased(models.Payment), models.BankPaymentLink
        stmt = (
            select(
                p.id,
                p.paid_on,
                p.amount_cents,
                p.method,
                u.username,
                c.patient_id,
                pt.name,
                p.contract_id,
                p.reverses_payment_id,
                reversal.paid_on,
                p.reversal_code,
                p.reason,
                bank.id,
            )
            .join(c, c.id == p.contract_id)
            .join(pt, pt.id == c.patient_id)
            .outerjoin(u, u.id == p.created_by_id)
            .outerjoin(reversal, reversal.id == p.reversed_by_id)
            .outerjoin(bank, bank.payment_id == p.id)
            .where(p.paid_on >= start, p.paid_on <= end)
            .order_by(p.paid_on, p.id)
        )
        return [
            CashLine(
                payment_id=r[0],
                day=r[1],
                amount_cents=r[2],
                method=r[3],
                user=r[4] or UNKNOWN_USER,
                patient_id=r[5],
                patient_name=r[6],
                contract_id=r[7],
                reverses_payment_id=r[8],
                reversed_on=r[9],
                reversal_code=r[10],
                reason=r[11],
                # Registered from a line of the bank statement, or typed at the desk.
                source=(PaymentSource.BANK if r[12] is not None else PaymentSource.DESK).value,
            )
            for r in self._run(stmt)
        ]

    def reconciled_lines(self, start: date, end: date) -> list[ReconciledLine]:
        """Payments registered from the bank statement (or desk payments it was recognised as)
        by someone between ``start`` and ``end``, by the day of that decision."""
        p, c, pt = models.Payment, models.Contract, models.Patient
        t, link = models.BankTransaction, models.BankPaymentLink
        stmt = (
            select(
                p.id,
                t.decided_at,
                p.paid_on,
                p.amount_cents,
                pt.name,
                p.contract_id,
                link.linked_existing,
            )
            .select_from(link)
            .join(t, t.id == link.transaction_id)
            .join(p, p.id == link.payment_id)
            .join(c, c.id == p.contract_id)
            .join(pt, pt.id == c.patient_id)
            .where(
                t.state == REGISTERED,
                t.decided_at >= datetime.combine(start, time.min),
                t.decided_at < end_of(end),
            )
            .order_by(t.decided_at, p.id)
        )
        return [
            ReconciledLine(r[0], r[1].date(), r[2], r[3], r[4], r[5], bool(r[6]))
            for r in self._run(stmt)
        ]

    # --- recebimentos ---------------------------------------------------------------------------
    def payment_days(self, start: date, end: date) -> list[PaymentDay]:
        """Payment lines (estornos negative) per day and method."""
        p = models.Payment
        stmt = (
            select(p.paid_on, p.method, func.sum(p.amount_cents), func.sum(p.credit_cents))
            .where(p.paid_on >= start, p.paid_on <= end)
            .group_by(p.paid_on, p.method)
        )
        return [PaymentDay(d, m, int(a), int(cr)) for d, m, a, cr in self._run(stmt)]

    def settled_days(self, start: date, end: date) -> list[SettledDay]:
        """What the payment lines of each day and method extinguished, on installments paid by
        their effective due date or after it (an estorno: as the payment it cancels)."""
        p, a, i = models.Payment, models.PaymentAllocation, models.Installment
        original = aliased(models.Payment)
        late = func.coalesce(original.paid_on, p.paid_on) > i.effective_due_date
        charges = a.fine_cents + a.interest_cents + a.correction_cents
        stmt = (
            select(
                p.paid_on,
                p.method,
                late,
                func.sum(a.principal_cents),
                func.sum(charges),
                func.sum(a.discount_cents),
            )
            .select_from(p)
            .join(a, a.payment_id == p.id)
            .join(i, i.id == a.installment_id)
            .outerjoin(original, original.id == p.reverses_payment_id)
            .where(p.paid_on >= start, p.paid_on <= end)
            .group_by(p.paid_on, p.method, late)
        )
        return [
            SettledDay(d, m, bool(lt), int(pr), int(ch), int(di))
            for d, m, lt, pr, ch, di in self._run(stmt)
        ]

    # --- inadimplência ao longo do tempo --------------------------------------------------------
    def principal_flows(self, days: Sequence[date]) -> list[PrincipalFlow]:
        """The not-yet-due principal as of ``days``, summed per group (see the module's
        docstring): each installment's amount from its contract's registration, and the
        principal each payment line extinguished before the due date, from the line's day."""
        i, c, ag = models.Installment, models.Contract, models.Agreement
        p, a = models.Payment, models.PaymentAllocation
        due = _due_slot(i.effective_due_date, days)
        replaced = _slot(_replaced_on(), days)
        registered = _registered_slot(days)
        amounts = (
            select(registered, due, replaced, func.sum(i.amount_cents))
            .select_from(i)
            .join(c, c.id == i.contract_id)
            .outerjoin(ag, ag.id == i.renegotiated_agreement_id)
            .where(_not_cancelled(), i.effective_due_date >= days[0])
            .group_by(registered, due, replaced)
        )
        paid = _slot(p.paid_on, days)
        payments = (
            select(registered, due, replaced, paid, func.sum(a.principal_cents))
            .select_from(a)
            .join(p, p.id == a.payment_id)
            .join(i, i.id == a.installment_id)
            .join(c, c.id == i.contract_id)
            .outerjoin(ag, ag.id == i.renegotiated_agreement_id)
            .where(
                _not_cancelled(),
                i.effective_due_date >= days[0],
                p.paid_on <= days[-1],
                p.paid_on <= i.effective_due_date,
                a.principal_cents != 0,
                _straddles(p.paid_on, i.effective_due_date, days),
            )
            .group_by(registered, due, replaced, paid)
        )
        flows = [
            PrincipalFlow(int(cents), _at(days, r), _due_at(days, d), _replaced_at(days, x))
            for r, d, x, cents in self._run(amounts)
        ]
        flows += [
            PrincipalFlow(
                -int(cents),
                max(_at(days, r), _at(days, k)),
                _due_at(days, d),
                _replaced_at(days, x),
            )
            for r, d, x, k, cents in self._run(payments)
        ]
        return flows

    def installment_histories(
        self, window_start: date, days: Sequence[date]
    ) -> list[InstallmentHistory]:
        """Every installment that may have been overdue on one of ``days`` or whose late money
        came in from ``window_start`` on: due before the last day and not paid by its due date
        (or paid only from ``window_start`` on), with all its payment lines."""
        i, c, ag = models.Installment, models.Contract, models.Agreement
        p, a = models.Payment, models.PaymentAllocation
        original = aliased(models.Payment)
        candidate = and_(
            i.effective_due_date < days[-1],
            or_(
                i.settled_on.is_(None),
                and_(i.settled_on > i.effective_due_date, i.settled_on >= window_start),
            ),
        )
        # One pass: each candidate with its payment lines (none: a row of NULLs).
        stmt = (
            select(
                i.id,
                c.patient_id,
                i.effective_due_date,
                i.amount_cents,
                c.created_at,
                _replaced_on(),
                c.status,
                p.paid_on,
                a.principal_cents,
                allocation_money(),
                original.paid_on,
            )
            .select_from(i)
            .join(c, c.id == i.contract_id)
            .outerjoin(ag, ag.id == i.renegotiated_agreement_id)
            .outerjoin(a, a.installment_id == i.id)
            .outerjoin(p, p.id == a.payment_id)
            .outerjoin(original, original.id == p.reverses_payment_id)
            .where(candidate)
        )
        heads: dict[int, tuple[Any, ...]] = {}
        paid: dict[int, list[PaidLine]] = {}
        for row in self._run(stmt).all():
            iid = row[0]
            if iid not in heads:
                heads[iid] = row[1:7]
                paid[iid] = []
            if row[7] is not None:
                paid[iid].append(PaidLine(row[7], int(row[8]), int(row[9]), row[10]))
        cancelled = ContractStatus.CANCELLED.value
        return [
            InstallmentHistory(
                patient_id=pid,
                due=due,
                amount_cents=amount,
                counts_from=created.date(),
                replaced_on=replaced,
                paid=tuple(paid[iid]),
                cancelled=status == cancelled,
            )
            for iid, (pid, due, amount, created, replaced, status) in heads.items()
        ]

    # --- previsão × realizado ---------------------------------------------------------------
    def due_by_day(self, start: date, end: date) -> dict[date, int]:
        """Principal falling due per effective due date, as contracted: installments of
        contracts not cancelled, unless an acordo replaced them before their due date."""
        i, c, ag = models.Installment, models.Contract, models.Agreement
        stmt = (
            select(i.effective_due_date, func.sum(i.amount_cents))
            .select_from(i)
            .join(c, c.id == i.contract_id)
            .outerjoin(ag, ag.id == i.renegotiated_agreement_id)
            .where(
                _not_cancelled(),
                i.effective_due_date >= start,
                i.effective_due_date <= end,
                or_(
                    i.renegotiated_agreement_id.is_(None),
                    ag.accepted_on > i.effective_due_date,
                ),
            )
            .group_by(i.effective_due_date)
        )
        return {day: int(cents) for day, cents in self._run(stmt)}

    # --- efetividade da cobrança ------------------------------------------------------------
    def contacts(self, start: date, end: date) -> list[ContactFact]:
        log = models.ContactLog
        stmt = select(log.id, log.patient_id, log.contacted_at, log.step_key, log.channel).where(
            log.contacted_at >= datetime.combine(start, time()), log.contacted_at < end_of(end)
        )
        return [
            ContactFact(cid, pid, at.date(), step or "", channel)
            for cid, pid, at, step, channel in self._run(stmt)
        ]

    def contact_promises(
        self, contact_ids: Collection[int], as_of: date
    ) -> list[tuple[int, PromiseRecord]]:
        """The promises recorded with these contacts — made on the day of the contact, like
        Cobrança de hoje reckons them — with what was paid towards each by ``as_of``."""
        pr, log = models.Promise, models.ContactLog
        rows = [
            row
            for chunk in chunks(contact_ids)
            for row in self._run(
                select(
                    pr.contact_log_id,
                    pr.patient_id,
                    log.contacted_at,
                    pr.promised_on,
                    pr.amount_cents,
                    pr.resolution,
                )
                .join(log, log.id == pr.contact_log_id)
                .where(pr.contact_log_id.in_(chunk))
            )
        ]
        receivables = ReceivablesQueries(self.session)
        paid = receivables.promise_payments([(r[1], r[2].date(), r[3]) for r in rows], as_of)
        return [
            (r[0], PromiseRecord(r[2].date(), r[3], r[4], r[5], cents))
            for r, cents in zip(rows, paid, strict=True)
        ]

    def person_payments(
        self, person_ids: Iterable[int], start: date, end: date
    ) -> list[PaymentFact]:
        """Effective payments from ``start`` to ``end`` on contracts where each person is the
        patient or the responsável financeiro. One pass over the period's payments (by date):
        with thousands of people contacted, that beats IN lists."""
        p, c = models.Payment, models.Contract
        wanted = set(person_ids)
        stmt = (
            select(c.patient_id, c.responsible_id, p.paid_on, p.amount_cents)
            .join(c, c.id == p.contract_id)
            .where(p.paid_on >= start, p.paid_on <= end, *effective(p))
        )
        return [
            PaymentFact(person, day, amount)
            for patient_id, responsible_id, day, amount in self._run(stmt)
            for person in {patient_id, responsible_id} & wanted
        ]

    def agreements_accepted(self, start: date, end: date) -> list[tuple[int, date, str]]:
        """(id, accepted on, status) of the acordos accepted in the period."""
        ag = models.Agreement
        stmt = (
            select(ag.id, ag.accepted_on, ag.status)
            .where(ag.accepted_on >= start, ag.accepted_on <= end)
            .order_by(ag.id)
        )
        return [(r[0], r[1], r[2]) for r in self._run(stmt)]

    def negativacoes(self, start: date, end: date, as_of: date) -> list[NegativacaoFact]:
        """Negativações included or removed in the period; for each, the effective payments on
        its contract (or, without one, on the person's contracts) from its inclusion to
        ``as_of``."""
        n, p, c = models.Negativacao, models.Payment, models.Contract
        rows = self._run(
            select(n.id, n.patient_id, n.contract_id, n.included_on, n.removed_on).where(
                or_(
                    and_(n.included_on >= start, n.included_on <= end),
                    and_(n.removed_on >= start, n.removed_on <= end),
                )
            )
        ).all()
        facts = []
        for _nid, person, contract_id, included, removed in rows:
            on_debt = (
                p.contract_id == contract_id
                if contract_id is not None
                else p.contract_id.in_(
                    select(c.id).where(or_(c.patient_id == person, c.responsible_id == person))
                )
            )
            paid = self._run(
                select(func.coalesce(func.sum(p.amount_cents), 0)).where(
                    on_debt, *effective(p), p.paid_on >= included, p.paid_on <= as_of
                )
            ).scalar_one()
            facts.append(NegativacaoFact(included, removed, int(paid)))
        return facts

    # --- carteira ---------------------------------------------------------------------------
    def suspended(self) -> list[Suspension]:
        pt = models.Patient
        stmt = select(pt.id, pt.name).where(pt.suspend_new_treatments.is_(True))
        return [Suspension(pid, name) for pid, name in self._run(stmt)]

    # --- extratos em lote -------------------------------------------------------------------
    def contracts_with_movement(self, start: date, end: date) -> list[int]:
        """Contracts with a payment or an estorno dated in the period."""
        p = models.Payment
        stmt = (
            select(p.contract_id)
            .where(p.paid_on >= start, p.paid_on <= end)
            .group_by(p.contract_id)
            .order_by(p.contract_id)
        )
        return [r[0] for r in self._run(stmt)]


def _at(days: Sequence[date], k: int) -> date:
    """A date that has passed on ``days[k]`` and not before (``k == len``: after the last)."""
    return days[k] if k < len(days) else days[-1] + timedelta(days=1)


def _due_at(days: Sequence[date], k: int) -> date:
    """A due date that is before ``days[k]`` and not before ``days[k - 1]``: not yet due on the
    days before index ``k``, overdue from it on."""
    return days[k] - timedelta(days=1) if k < len(days) else days[-1]


def _replaced_at(days: Sequence[date], k: int | None) -> date | None:
    if k is None or k >= len(days):
        return None
    return days[k]
