"""The worklist's and the dashboard's read model: open installments by due date (through the
covering ``ix_installment_open``), their settlements, and the patient facts risk needs.

Plain-column queries through Core, ids as IN lists in chunks on SQLite and as one array on
PostgreSQL: these run on every refresh of the worklist, at 400,000 installments
(``bench/bench_worklist.py`` and ``bench/bench_growth.py`` time them)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Executable,
    String,
    and_,
    case,
    func,
    or_,
    select,
    tuple_,
    union_all,
)

from app.domain import agreements as agreement_rules
from app.domain import promises as promise_rules
from app.domain.catalog import ContractStatus
from app.domain.law import NEW_TUPLE, ChargePolicy, InstallmentTerms, Settlement
from app.domain.receivables import (
    ChangeMark,
    ContractParties,
    LedgerContext,
    MoneyChanges,
    OverdueLedger,
    PeopleChanges,
    Person,
    PromiseDue,
    StartSettlements,
)
from app.domain.reversals import CHEQUE_BOUNCED
from app.domain.risk import AgreementRecord, ContactAttempt, InstallmentRecord
from app.persistence import models
from app.persistence.queries import changes
from app.persistence.repositories._sql import (
    Repository,
    allocation_money,
    among,
    charges_only,
    effective,
    end_of,
    fields_of,
    grouped,
    settlement_rows,
    settlements_by_installment,
    terms_columns,
)
from app.persistence.repositories.agreements import AgreementRepository
from app.persistence.repositories.indexes import PolicyCache


class ReceivablesQueries(Repository):
    """What the worklist and the dashboard read.

    "Open on ``as_of``" = not renegotiated, in a contract that is not cancelled, and either not
    settled or settled only after ``as_of`` (a re-print for a past ``--today``)."""

    def change_mark(self) -> ChangeMark:
        """Where the data stands now, to tell later what changed (``changes_since``)."""
        return changes.change_mark(self.session)

    def changes_since(self, mark: ChangeMark) -> MoneyChanges:
        """The patients whose money may have changed after ``mark`` (or everything)."""
        return changes.changes_since(self.session, mark)

    def people_changed_since(self, mark: ChangeMark) -> PeopleChanges:
        """The people whose risk facts may have changed after ``mark`` (or everyone)."""
        return changes.people_changed_since(self.session, mark)

    # --- overdue installments with everything updated_debt needs ---------------------------
    def overdue_ledgers(
        self,
        as_of: date,
        patient_ids: Collection[int] | None = None,
        start_settlements: StartSettlements | None = None,
        context: Callable[[], LedgerContext] | None = None,
    ) -> Iterator[OverdueLedger]:
        """Installments still open on ``as_of`` and past their effective due date, each with
        its contract's parties and terms and its settlements (read at the first step, handed
        out one by one: the caller computes each as it comes, no list of them in between). The
        installments come from the covering index alone; their contracts (a few thousand) are
        read once each, not once per installment — at 25,000 overdue installments that join
        was half of the query's time.

        ``start_settlements(ids)`` starts the settlements' read and gives back what waits for
        it (the caller may start it on another connection: it then runs while the contracts
        are read here); without it they are read here, after the contracts.

        ``context``, for the whole book only, waits for the contracts' parties and the
        settlements that ``overdue_context`` read on another connection while the
        installments were read here: neither is then read here."""
        i, c = models.Installment, models.Contract
        overdue: tuple[ColumnElement[bool], ...] = (
            i.renegotiated_agreement_id.is_(None),
            i.effective_due_date < as_of,
        )
        if patient_ids is not None:
            theirs = select(c.id).where(c.patient_id.in_(sorted(patient_ids)))
            overdue += (i.contract_id.in_(theirs),)
        base = select(*terms_columns(), i.paid_cents).where(*overdue)
        run = self._run
        open_now = run(base.where(i.settled_on.is_(None))).all()
        settled_later = run(base.where(i.settled_on > as_of)).all()
        if context is not None:
            if patient_ids is not None:
                raise ValueError("the context read ahead is the whole book's")
            found_parties, found_settlements = self._context_of(context())
            yield from self._ledgers(
                open_now + settled_later, found_parties.get, found_settlements.get
            )
            return
        # Only an installment with principal paid (``paid_cents``) or listed by
        # ``charges_only`` has settlements — about one overdue installment in ten; those
        # settled after ``as_of`` had some by then.
        paid = [r[0] for r in open_now if r[6]] + [r[0] for r in settled_later]
        paid += run(charges_only(i.settled_on.is_(None), *overdue)).scalars()
        started = start_settlements(paid) if start_settlements is not None else None
        parties = self._contract_parties(
            {r[1] for r in open_now} | {r[1] for r in settled_later}
        ).get
        settlements = (started() if started is not None else self.settlements_of(paid)).get
        yield from self._ledgers(open_now + settled_later, parties, settlements)

    @staticmethod
    def _ledgers(
        rows: list[Any],
        parties: Callable[[int], ContractParties | None],
        settlements: Callable[[int, tuple[Settlement, ...]], tuple[Settlement, ...]],
    ) -> Iterator[OverdueLedger]:
        """``overdue_ledgers``' installments ``(id, contract, number, due date, effective due
        date, amount, paid)``, each with its contract's parties and its settlements."""
        for iid, cid, number, due, effective_due, amount, _paid in rows:
            contract = parties(cid)
            if contract is not None:  # a cancelled contract owes nothing
                fields = (number, due, effective_due, amount, False, iid)
                yield cid, contract, NEW_TUPLE(InstallmentTerms, fields), settlements(iid, ())

    def overdue_context(self, as_of: date) -> LedgerContext:
        """What ``overdue_ledgers`` needs besides the installments for the whole book on
        ``as_of`` — the parties of every contract not cancelled with an installment open and
        past its effective due date, and the settlements of each such installment that may
        have some — found by the database alone (no ids sent) and read as one text each
        (``_one_text``), for ``overdue_ledgers`` to take as its ``context``. Its caller reads
        it on another connection while the installments are read on its own: SQLite's part
        of the work then runs beside it. On another connection it may see a write committed
        after the caller's read began; the caller took its data mark before, so that write's
        patients are computed again at their next look (``PatientFigures``)."""
        i, c = models.Installment, models.Contract
        late = (i.renegotiated_agreement_id.is_(None), i.effective_due_date < as_of)
        open_late = (*late, i.settled_on.is_(None))
        # The installments that may have settlements, as ``overdue_ledgers`` finds them.
        may_have = union_all(
            select(i.id).where(*open_late, i.paid_cents > 0),
            select(i.id).where(*late, i.settled_on > as_of),
            charges_only(*open_late),
        )
        parties = select(c.id, c.patient_id, c.responsible_id, *PolicyCache.columns()).where(
            *_owing_contracts(as_of)
        )
        settlements = settlement_rows(models.PaymentAllocation.installment_id.in_(may_have))
        return self._one_text(parties), self._one_text(settlements)

    def _context_of(
        self, read: LedgerContext
    ) -> tuple[dict[int, ContractParties], dict[int, tuple[Settlement, ...]]]:
        """``overdue_context``'s texts as each contract's parties and each installment's
        settlements."""
        parties_text, settlements_text = read
        policies = PolicyCache(self.session)
        # Almost every contract has no charges confessed in an acordo (``interest_free_cents``
        # 0): its policy is then one of a few, whatever its total.
        whole: dict[tuple[str, str, str, str], ChargePolicy] = {}
        parties: dict[int, ContractParties] = {}
        for cid, patient, responsible, fine, interest, discount, index, total, free in fields_of(
            parties_text
        ):
            terms = (fine, interest, discount, index)
            policy = whole.get(terms) if free == "0" else None
            if policy is None:
                policy = policies.of(
                    int(fine), int(interest), int(discount), index, int(total), int(free or 0)
                )
                if free == "0":
                    whole[terms] = policy
            parties[int(cid)] = NEW_TUPLE(
                ContractParties, (int(patient), int(responsible) if responsible else None, policy)
            )
        days: dict[str, date] = {}
        rows = []
        for iid, pid, paid_on, principal, fine, interest, correction, discount in fields_of(
            settlements_text
        ):
            if paid_on:  # a payment that still counts
                day = days.get(paid_on)
                if day is None:
                    day = days[paid_on] = date.fromisoformat(paid_on)
                cents = (int(principal), int(fine), int(interest), int(correction), int(discount))
                rows.append((int(iid), int(pid), day, *cents))
        return parties, settlements_by_installment(rows)

    def owing_on(self, as_of: date) -> list[tuple[int, int | None]]:
        """The patient and the responsável financeiro of each contract not cancelled with an
        installment open on ``as_of`` and past its effective due date (distinct pairs): every
        patient ``overdue_ledgers`` finds overdue that day is among them, and who pays for
        them by contract. A superset — a line settled by its payments alone is not overdue —
        read without the installments' money or settlements."""
        c = models.Contract
        stmt = select(c.patient_id, c.responsible_id).where(*_owing_contracts(as_of)).distinct()
        return [(patient, responsible) for patient, responsible in self._run(stmt)]

    def settlements_of(self, installment_ids: Iterable[int]) -> dict[int, tuple[Settlement, ...]]:
        """Effective settlements of these installments, oldest first (``_settlements_of``)."""
        return self._settlements_of(installment_ids)

    def _contract_parties(self, contract_ids: Iterable[int]) -> dict[int, ContractParties]:
        """Patient, responsável and charge policy of each contract not cancelled."""
        c = models.Contract
        policies = PolicyCache(self.session)
        rows = self._chunked(
            contract_ids,
            lambda chunk: select(
                c.id, c.patient_id, c.responsible_id, *PolicyCache.columns()
            ).where(among(c.id, chunk), c.status != ContractStatus.CANCELLED.value),
        )
        found: dict[int, ContractParties] = {}
        for cid, patient_id, responsible_id, *terms in rows:
            found[cid] = ContractParties(patient_id, responsible_id, policies.of(*terms))
        return found

    # --- who they are -----------------------------------------------------------------------
    def people(self, ids: Iterable[int]) -> dict[int, Person]:
        pt = models.Patient
        columns = (
            pt.id,
            pt.name,
            pt.name_search,
            pt.cpf,
            pt.phone,
            pt.phone_alt,
            pt.email,
            pt.responsible_id,
            pt.data_confirmed_on,
            pt.suspend_new_treatments,
            pt.opt_out_whatsapp,
            pt.opt_out_sms,
            pt.opt_out_email,
            pt.opt_out_phone,
        )
        rows = self._chunked(ids, lambda chunk: select(*columns).where(among(pt.id, chunk)))
        return {r[0]: Person(*r) for r in rows}

    # --- history for risk -------------------------------------------------------------------
    def paid_history(
        self, patient_ids: Iterable[int], as_of: date
    ) -> dict[int, list[InstallmentRecord]]:
        """Installments (number ≥ 1) fully paid by ``as_of``: effective due date, settled on."""
        i, c = models.Installment, models.Contract
        rows = self._chunked(
            patient_ids,
            lambda chunk: (
                select(c.patient_id, i.effective_due_date, i.settled_on)
                .join(i, i.contract_id == c.id)
                .where(
                    among(c.patient_id, chunk),
                    c.status != ContractStatus.CANCELLED.value,
                    i.number >= 1,
                    i.renegotiated_agreement_id.is_(None),
                    i.settled_on.is_not(None),
                    i.settled_on <= as_of,
                )
            ),
        )
        return grouped((r[0], InstallmentRecord(r[1], r[2])) for r in rows)

    def payments_seen(
        self, patient_ids: Iterable[int], as_of: date
    ) -> tuple[dict[int, date], dict[int, list[date]]]:
        """Each patient's last payment that counts (neither an estorno nor reversed) and the days
        their cheques bounced (estornos coded ``cheque_devolvido``), up to ``as_of``. One pass
        over the patients' payments: at 80,000 patients on PostgreSQL each pass joins about
        100,000 payments of the overdue patients, and the two facts used to be read apart. The
        bounce days are then read only for the few patients that have any."""
        p, c = models.Payment, models.Contract
        bounced = and_(p.reverses_payment_id.is_not(None), p.reversal_code == CHEQUE_BOUNCED)
        rows = self._chunked(
            patient_ids,
            lambda chunk: (
                select(
                    c.patient_id,
                    func.max(case((and_(*effective(p)), p.paid_on))),
                    func.count(case((bounced, 1))),
                )
                .join(p, p.contract_id == c.id)
                .where(among(c.patient_id, chunk), p.paid_on <= as_of)
                .group_by(c.patient_id)
            ),
        )
        last = {pid: day for pid, day, _ in rows if day is not None}
        with_bounces = [pid for pid, _, count in rows if count]
        days = self._chunked(
            with_bounces,
            lambda chunk: (
                select(c.patient_id, p.paid_on)
                .join(p, p.contract_id == c.id)
                .where(among(c.patient_id, chunk), bounced, p.paid_on <= as_of)
            ),
        )
        return last, grouped((pid, day) for pid, day in days)

    def contacts(
        self, person_ids: Iterable[int], since: date, as_of: date, latest: int
    ) -> dict[int, list[ContactAttempt]]:
        """Each person's ``latest`` newest contact attempts from ``since`` to the end of
        ``as_of``, newest first, ranked by the database so the older ones are never sent
        (risk weighs the last few: at 80,000 patients the period holds 85,000 attempts, half
        of them older than each person's last three)."""
        log = models.ContactLog
        newest_first = (log.contacted_at.desc(), log.id.desc())
        rank = func.row_number().over(partition_by=log.patient_id, order_by=newest_first)

        def query(chunk: list[int]) -> Executable:
            ranked = (
                select(log.id, log.patient_id, log.contacted_at, log.outcome, rank.label("rank"))
                .where(
                    among(log.patient_id, chunk),
                    log.contacted_at >= datetime.combine(since, time()),
                    log.contacted_at < end_of(as_of),
                    log.undone_at.is_(None),
                )
                .subquery()
            )
            return (
                select(ranked.c.patient_id, ranked.c.contacted_at, ranked.c.outcome)
                .where(ranked.c.rank <= latest)
                .order_by(ranked.c.contacted_at.desc(), ranked.c.id.desc())
            )

        rows = self._chunked(person_ids, query)
        return grouped((pid, ContactAttempt(at, outcome)) for pid, at, outcome in rows)

    def last_contacts(self, person_ids: Iterable[int], as_of: date) -> dict[int, ContactAttempt]:
        """Each person's latest contact attempt up to the end of ``as_of``, however old."""
        log = models.ContactLog

        def query(chunk: list[int]) -> Executable:
            latest = (
                select(log.patient_id, func.max(log.contacted_at))
                .where(
                    among(log.patient_id, chunk),
                    log.contacted_at < end_of(as_of),
                    log.undone_at.is_(None),
                )
                .group_by(log.patient_id)
            )
            return (
                select(log.patient_id, log.contacted_at, log.outcome)
                .where(
                    tuple_(log.patient_id, log.contacted_at).in_(latest), log.undone_at.is_(None)
                )
                .order_by(log.id)
            )

        rows = self._chunked(person_ids, query)
        return {pid: ContactAttempt(at, outcome) for pid, at, outcome in rows}

    def promises(
        self, person_ids: Iterable[int], since: date, as_of: date
    ) -> dict[int, list[promise_rules.PromiseRecord]]:
        """Promises made by ``as_of`` for a day from ``since`` on, with what was paid towards
        each (effective payments from the day it was made to the promised day)."""
        pr = models.Promise
        rows = self._chunked(
            person_ids,
            lambda chunk: select(
                pr.patient_id, pr.created_at, pr.promised_on, pr.amount_cents, pr.resolution
            ).where(
                among(pr.patient_id, chunk),
                pr.promised_on >= since,
                pr.created_at < end_of(as_of),
            ),
        )
        paid = self.promise_payments([(r[0], r[1].date(), r[2]) for r in rows], as_of)
        return grouped(
            (
                pid,
                promise_rules.PromiseRecord(
                    created_at.date(), promised_on, amount, resolution, cents
                ),
            )
            for (pid, created_at, promised_on, amount, resolution), cents in zip(
                rows, paid, strict=True
            )
        )

    def promise_payments(self, promises: list[tuple[int, date, date]], as_of: date) -> list[int]:
        """For each (person, made on, promised on): the money that person paid from the day
        the promise was made to the promised day (or ``as_of``), on contracts where they are
        the patient or the responsável financeiro.

        Their contracts first (two index lookups per person), then those contracts' payments
        (one index probe per contract). A single join filtered on the payment's date let SQLite
        walk every payment of the period once per chunk of people instead — a cost that grew
        with the square of the clinic (7 s of an 80,000-patient worklist)."""
        if not promises:
            return []
        p, c = models.Payment, models.Contract
        start = min(made for _, made, _ in promises)
        wanted = {pid for pid, _, _ in promises}
        contracts = self._chunked(
            wanted,
            lambda chunk: select(c.id, c.patient_id, c.responsible_id).where(
                or_(among(c.patient_id, chunk), among(c.responsible_id, chunk))
            ),
        )
        people_of = {
            cid: {patient, responsible} & wanted for cid, patient, responsible in contracts
        }
        rows = self._chunked(
            people_of,
            lambda chunk: select(p.contract_id, p.paid_on, p.amount_cents).where(
                among(p.contract_id, chunk), *effective(p), p.paid_on >= start, p.paid_on <= as_of
            ),
        )
        payments = grouped(
            (person, (paid_on, amount))
            for contract_id, paid_on, amount in rows
            for person in people_of[contract_id]
        )
        return [
            sum(
                amount
                for paid_on, amount in payments.get(pid, ())
                if made <= paid_on <= min(promised, as_of)
            )
            for pid, made, promised in promises
        ]

    def negativados(self, patient_ids: Iterable[int], as_of: date) -> dict[int, date]:
        """Since when each person is negativado on ``as_of`` (CDC art. 43), if they are."""
        n = models.Negativacao
        rows = self._chunked(
            patient_ids,
            lambda chunk: (
                select(n.patient_id, func.min(n.included_on))
                .where(
                    among(n.patient_id, chunk),
                    n.included_on <= as_of,
                    or_(n.removed_on.is_(None), n.removed_on > as_of),
                )
                .group_by(n.patient_id)
            ),
        )
        return {pid: day for pid, day in rows}

    def agreements(
        self, patient_ids: Iterable[int], as_of: date
    ) -> dict[int, list[AgreementRecord]]:
        """Each person's acordos as they stood on ``as_of``: an accepted one whose parcela is
        more than ``BROKEN_AFTER_DAYS`` overdue counts as "broken" even before anyone opened it
        (the flag is a fact of the payments, like a broken promise)."""
        ag = models.Agreement
        rows = self._chunked(
            patient_ids,
            lambda chunk: select(ag.id, ag.patient_id, ag.as_of, ag.status).where(
                among(ag.patient_id, chunk), ag.as_of <= as_of
            ),
        )
        kept = [r[0] for r in rows if r[3] in ("accepted", "broken")]
        plans = AgreementRepository(self.session).plan_installments(kept) if kept else {}
        return grouped(
            (
                pid,
                AgreementRecord(
                    day,
                    "broken"
                    if aid in plans and agreement_rules.broken_on(plans[aid], as_of)
                    else ("accepted" if status == "broken" else status),
                ),
            )
            for aid, pid, day, status in rows
        )

    # --- the dashboard ----------------------------------------------------------------------
    def not_due_by_date(self, as_of: date) -> dict[date, int]:
        """Open principal of installments due from ``as_of`` on, per effective due date."""
        i, a, p = models.Installment, models.PaymentAllocation, models.Payment
        cancelled = select(models.Contract.id).where(
            models.Contract.status == ContractStatus.CANCELLED.value
        )
        by_day = (
            select(
                i.effective_due_date.label("day"),
                func.sum(i.amount_cents - i.paid_cents).label("cents"),
            )
            .where(
                i.settled_on.is_(None),
                i.renegotiated_agreement_id.is_(None),
                i.effective_due_date >= as_of,
                i.contract_id.not_in(cancelled),
            )
            .group_by(i.effective_due_date)
            .subquery()
        )
        found: dict[date, int] = {}
        if self.session.connection().dialect.name == "sqlite":
            # The few hundred days come back as one text ("2026-03-16 1234,…"), not one row
            # each: Início reads this sum on a second thread while it computes the overdue
            # money, and each row SQLite steps to lets the interpreter's lock go and must wait
            # to take it back from that computation (ADR 0009). SQLite keeps a date as its ISO
            # text. (A server's rows arrive in one go.)
            pairs = func.cast(by_day.c.day, String) + " " + func.cast(by_day.c.cents, String)
            text = self._run(select(func.aggregate_strings(pairs, ","))).scalar()
            for pair in text.split(",") if text else ():
                day, cents = pair.split(" ")
                found[date.fromisoformat(day)] = int(cents)
        else:
            found.update((day, int(cents)) for day, cents in self._run(select(by_day)).all())
        # Principal paid after a past ``as_of`` was still owed on that day. The payments are
        # found first by date (usually none), so the allocations table is never scanned.
        late_payments = select(p.id).where(p.paid_on > as_of, *effective(p))
        later = (
            select(i.effective_due_date, func.sum(a.principal_cents))
            .select_from(a)
            .join(i, i.id == a.installment_id)
            .where(
                a.payment_id.in_(late_payments),
                i.renegotiated_agreement_id.is_(None),
                i.effective_due_date >= as_of,
                i.contract_id.not_in(cancelled),
            )
            .group_by(i.effective_due_date)
        )
        for day, cents in self._run(later).all():
            found[day] = found.get(day, 0) + int(cents)
        return found

    def recovered(self, start: date, end: date) -> tuple[int, int]:
        """Money received in [start, end] for installments already overdue when paid (every
        component the payment extinguished, minus what was forgiven), and how many payments."""
        i, a, p = models.Installment, models.PaymentAllocation, models.Payment
        stmt = (
            select(func.coalesce(func.sum(allocation_money()), 0), func.count(func.distinct(p.id)))
            .select_from(p)
            .join(a, a.payment_id == p.id)
            .join(i, i.id == a.installment_id)
            .where(
                p.paid_on >= start,
                p.paid_on <= end,
                *effective(p),
                p.paid_on > i.effective_due_date,
            )
        )
        row = self._run(stmt).one()
        return int(row[0] or 0), int(row[1] or 0)

    def received(self, start: date, end: date) -> tuple[int, int]:
        """Every payment received in [start, end] that still counts (neither an estorno nor
        reversed), late or not: its amount and how many."""
        p = models.Payment
        stmt = select(func.coalesce(func.sum(p.amount_cents), 0), func.count(p.id)).where(
            p.paid_on >= start, p.paid_on <= end, *effective(p)
        )
        row = self._run(stmt).one()
        return int(row[0] or 0), int(row[1] or 0)

    def promises_due(self, start: date, end: date, as_of: date) -> list[PromiseDue]:
        pr, pt = models.Promise, models.Patient
        stmt = (
            select(
                pr.patient_id,
                pt.name,
                pr.promised_on,
                pr.amount_cents,
                pr.created_at,
                pr.resolution,
            )
            .join(pt, pt.id == pr.patient_id)
            .where(pr.promised_on >= start, pr.promised_on <= end)
            .order_by(pr.promised_on, pt.name_search)
        )
        rows = self._run(stmt).all()
        paid = self.promise_payments([(r[0], r[4].date(), r[2]) for r in rows], as_of)
        return [
            PromiseDue(
                patient_id=pid,
                patient_name=name,
                promised_on=promised_on,
                amount_cents=amount,
                made_on=created_at.date(),
                resolution=resolution,
                paid_cents=cents,
            )
            for (pid, name, promised_on, amount, created_at, resolution), cents in zip(
                rows, paid, strict=True
            )
        ]


def _owing_contracts(as_of: date) -> tuple[ColumnElement[bool], ...]:
    """The contracts not cancelled with an installment open on ``as_of`` and past its
    effective due date (conditions on ``models.Contract``)."""
    i, c = models.Installment, models.Contract
    late = (i.renegotiated_agreement_id.is_(None), i.effective_due_date < as_of)
    contracts = union_all(
        select(i.contract_id).where(*late, i.settled_on.is_(None)),
        select(i.contract_id).where(*late, i.settled_on > as_of),
    )
    return c.id.in_(contracts), c.status != ContractStatus.CANCELLED.value
