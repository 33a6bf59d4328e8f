"""The régua and the contact log: the steps, the installments each step looks at, and the
contacts and promises that move a patient along."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, null, or_, select

from app.domain import promises as promise_rules
from app.domain.contacts import ContactRecord
from app.domain.law import ChargePolicy, InstallmentTerms, Settlement
from app.domain.negativacao import OpenNegativacao
from app.persistence import models
from app.persistence.records import REGUA_PERSON_COLUMNS, ReguaInstallment, ReguaPerson
from app.persistence.repositories._sql import Repository, among, effective
from app.persistence.repositories.contracts import ContractRepository


class CollectionRepository(Repository):
    # --- the régua's steps ---------------------------------------------------------------
    def steps(self) -> list[models.ReguaStep]:
        r = models.ReguaStep
        return list(self.session.scalars(select(r).order_by(r.position, r.id)))

    # --- installments ----------------------------------------------------------------------
    def _installments(self, *conditions: Any, open_only: bool = False) -> list[ReguaInstallment]:
        """``open_only``: the installments not settled, through the partial index of open
        installments (their ``settled_on`` is None, not read from the table), unsorted."""
        i, c = models.Installment, models.Contract
        settled_on = null().label("settled_on") if open_only else i.settled_on
        stmt = (
            select(
                i.id,
                i.contract_id,
                c.patient_id,
                c.responsible_id,
                c.installments_count,
                i.number,
                i.due_date,
                i.effective_due_date,
                i.amount_cents,
                settled_on,
            )
            .join(c, c.id == i.contract_id)
            .where(
                i.renegotiated_agreement_id.is_(None),
                c.status.not_in(("cancelled", "renegotiated")),
                *conditions,
            )
        )
        if open_only:  # the caller sorts (the index's order is the due date's)
            stmt = stmt.where(i.settled_on.is_(None))
        else:
            stmt = stmt.order_by(i.contract_id, i.effective_due_date, i.number)
        return [
            ReguaInstallment(
                id=row[0],
                contract_id=row[1],
                patient_id=row[2],
                responsible_id=row[3],
                installments_count=row[4],
                terms=InstallmentTerms(
                    number=row[5],
                    due_date=row[6],
                    effective_due_date=row[7],
                    amount_cents=row[8],
                    key=row[0],
                ),
                settled_on=row[9],
            )
            for row in self._run(stmt).all()  # plain rows, fetched at once (tens of thousands)
        ]

    def open_installments(
        self, due_until: date, as_of: date, patient_ids: Collection[int] | None = None
    ) -> list[ReguaInstallment]:
        """Installments open on ``as_of`` (settled later counts as open then) and due by
        ``due_until`` (of every patient, or of ``patient_ids``)."""
        i, c = models.Installment, models.Contract
        conditions: list[Any] = [i.effective_due_date <= due_until]
        if patient_ids is not None:
            conditions.append(c.patient_id.in_(sorted(patient_ids)))
        # Two reads, not one with "settled_on IS NULL OR settled_on > as_of": each has its
        # index (the open installments' partial index, the settlement date's), where the OR
        # made SQLite walk the whole table — 400,000 installments at 20,000 patients.
        found = self._installments(*conditions, open_only=True)
        found += self._installments(*conditions, i.settled_on > as_of)
        return sorted(found, key=_by_contract_due_and_number)

    def settled_late(
        self, since: date, as_of: date, patient_ids: Collection[int] | None = None
    ) -> list[ReguaInstallment]:
        """Installments fully paid after their due date, between ``since`` and ``as_of`` (of
        every patient, or of ``patient_ids``)."""
        i, c = models.Installment, models.Contract
        conditions: list[Any] = [
            i.settled_on >= since,
            i.settled_on <= as_of,
            i.settled_on > i.effective_due_date,
        ]
        if patient_ids is not None:
            conditions.append(c.patient_id.in_(sorted(patient_ids)))
        return self._installments(*conditions)

    def settlements(self, installment_ids: Sequence[int]) -> dict[int, list[Settlement]]:
        """Settlements of effective (not reversed) payments, per installment id."""
        found = self._settlements_of(installment_ids)
        return {key: list(value) for key, value in found.items()}

    def policies(self, contract_ids: Sequence[int]) -> dict[int, ChargePolicy]:
        return ContractRepository(self.session).policies_of(contract_ids)

    # --- people ----------------------------------------------------------------------------
    def people(self, ids: Sequence[int]) -> dict[int, ReguaPerson]:
        table = models.Patient.__table__
        columns = [table.c[name] for name in REGUA_PERSON_COLUMNS]
        rows = self._chunked(ids, lambda chunk: select(*columns).where(among(table.c.id, chunk)))
        return {row[0]: ReguaPerson(*row) for row in rows}

    def negativados(self, patient_ids: Sequence[int], as_of: date) -> dict[int, date]:
        """Patients with a negativação in force on ``as_of``: since when."""
        n = models.Negativacao
        found: dict[int, date] = {}
        for chunk in self._id_lists(patient_ids):
            stmt = select(n.patient_id, func.min(n.included_on)).where(
                among(n.patient_id, chunk),
                n.included_on <= as_of,
                or_(n.removed_on.is_(None), n.removed_on > as_of),
            )
            for pid, since in self.session.execute(stmt.group_by(n.patient_id)):
                found[pid] = since
        return found

    def registrations(
        self, contract_ids: Sequence[int], as_of: date
    ) -> dict[int, list[OpenNegativacao]]:
        """The negativações in force on ``as_of`` of these contracts (what each registered)."""
        n = models.Negativacao
        found: dict[int, list[OpenNegativacao]] = {}
        for chunk in self._id_lists(contract_ids):
            stmt = select(
                n.id, n.contract_id, n.bureau, n.included_on, n.protocol, n.installments
            ).where(
                among(n.contract_id, chunk),
                n.included_on <= as_of,
                or_(n.removed_on.is_(None), n.removed_on > as_of),
            )
            for nid, cid, bureau, on, protocol, numbers in self.session.execute(stmt):
                if cid is None:
                    continue
                registered = None if numbers is None else tuple(numbers)
                found.setdefault(cid, []).append(
                    OpenNegativacao(nid, bureau, on, protocol, registered)
                )
        return found

    # --- contacts and promises -------------------------------------------------------------
    def contacts(
        self, patient_ids: Sequence[int], until: datetime
    ) -> dict[int, list[ContactRecord]]:
        log = models.ContactLog
        found: dict[int, list[ContactRecord]] = {}
        for chunk in self._id_lists(patient_ids):
            stmt = (
                select(log.patient_id, log.contacted_at, log.step_key, log.outcome, log.channel,
                       log.contract_id)
                .where(
                    among(log.patient_id, chunk), log.contacted_at < until, log.undone_at.is_(None)
                )
                .order_by(log.contacted_at, log.id)
            )  # fmt: skip
            for pid, at, step, outcome, channel, contract_id in self.session.execute(stmt):
                found.setdefault(pid, []).append(
                    ContactRecord(at, step, outcome, channel, contract_id)
                )
        return found

    def payments_of(
        self, patient_ids: Sequence[int], since: date
    ) -> dict[int, list[promise_rules.PaymentFact]]:
        """Effective payments on the patients' contracts from ``since`` on."""
        p, c = models.Payment, models.Contract
        found: dict[int, list[promise_rules.PaymentFact]] = {}
        for chunk in self._id_lists(patient_ids):
            stmt = (
                select(c.patient_id, p.paid_on, p.amount_cents, p.contract_id, p.created_at)
                .join(c, c.id == p.contract_id)
                .where(
                    among(c.patient_id, chunk),
                    p.paid_on >= since,
                    *effective(p),
                )
            )
            for pid, paid_on, amount, contract_id, created in self.session.execute(stmt):
                found.setdefault(pid, []).append(
                    promise_rules.PaymentFact(paid_on, amount, contract_id, recorded_at=created)
                )
        return found

    def promises(
        self, patient_ids: Sequence[int], made_until: date
    ) -> dict[int, list[promise_rules.PromiseRecord]]:
        """Promises made by ``made_until`` (``paid_cents`` not computed yet). A promise is made
        on the day of the contact that recorded it."""
        pr, log = models.Promise, models.ContactLog
        found: dict[int, list[promise_rules.PromiseRecord]] = {}
        for chunk in self._id_lists(patient_ids):
            stmt = (
                select(pr, log.contacted_at)
                .outerjoin(log, log.id == pr.contact_log_id)
                .where(among(pr.patient_id, chunk))
                .order_by(pr.promised_on, pr.id)
            )
            for row, contacted_at in self.session.execute(stmt):
                made_on = (contacted_at or row.created_at).date()
                if made_on > made_until:
                    continue
                found.setdefault(row.patient_id, []).append(_promise(row, made_on))
        return found

    def add_step(self, row: models.ReguaStep) -> models.ReguaStep:
        """A régua step (written at the commit: seeding twice at once is then one refusal)."""
        return self._add(row, flush=False)

    def add_contact(self, row: models.ContactLog) -> models.ContactLog:
        return self._add(row)

    def add_promise(self, row: models.Promise) -> models.Promise:
        return self._add(row)

    def contacts_logged(self, since: datetime, until: datetime) -> int:
        """How many contacts were logged in [since, until) (undone ones left out)."""
        log = models.ContactLog
        stmt = select(func.count(log.id)).where(
            log.contacted_at >= since, log.contacted_at < until, log.undone_at.is_(None)
        )
        return int(self.session.scalar(stmt) or 0)

    def contact(self, contact_id: int) -> models.ContactLog | None:
        return self.session.get(models.ContactLog, contact_id)

    def promise_of_contact(self, contact_id: int) -> models.Promise | None:
        pr = models.Promise
        return self.session.scalars(select(pr).where(pr.contact_log_id == contact_id)).first()

    def history(self, patient_id: int) -> list[tuple[models.ContactLog, str, str]]:
        """The patient's contact log, newest first, with who logged each line."""
        log, u = models.ContactLog, models.User
        stmt = (
            select(log, u.username, u.full_name)
            .outerjoin(u, u.id == log.user_id)
            .where(log.patient_id == patient_id)
            .order_by(log.contacted_at.desc(), log.id.desc())
        )
        return [(row, name or "", full or "") for row, name, full in self.session.execute(stmt)]

    def promises_by_contact(self, patient_id: int) -> dict[int, promise_rules.PromiseRecord]:
        """The patient's promises keyed by the contact that recorded them."""
        pr, log = models.Promise, models.ContactLog
        stmt = (
            select(pr, log.contacted_at)
            .join(log, log.id == pr.contact_log_id)
            .where(pr.patient_id == patient_id)
        )
        return {
            row.contact_log_id or 0: _promise(row, contacted_at.date())
            for row, contacted_at in self.session.execute(stmt)
        }


def _promise(row: models.Promise, made_on: date) -> promise_rules.PromiseRecord:
    """A promise row as the domain reads it (made on the day of its contact)."""
    return promise_rules.PromiseRecord(
        made_on=made_on,
        promised_on=row.promised_on,
        amount_cents=row.amount_cents,
        resolution=row.resolution,
        key=row.id,
        contract_id=row.contract_id,
        made_at=row.created_at,
    )


def _by_contract_due_and_number(row: ReguaInstallment) -> tuple[int, date, int]:
    return row.contract_id, row.terms.effective_due_date, row.terms.number
