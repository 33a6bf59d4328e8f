"""Negativações (a debtor's name sent to a credit bureau, CDC art. 43) and what the checklist
before one reads: notices sent, documents archived, acordos that replaced the debt."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from app.persistence import models
from app.persistence.records import NegativacaoRow
from app.persistence.repositories._sql import Repository, among


class NegativacaoRepository(Repository):
    def add(self, row: models.Negativacao) -> models.Negativacao:
        return self._add(row)

    def get_row(self, negativacao_id: int) -> models.Negativacao | None:
        return self.session.get(models.Negativacao, negativacao_id)

    def acordo_first_paid(self, contract_ids: Iterable[int]) -> dict[int, date | None]:
        """For each renegotiated installment of these contracts: the day the acordo that replaced
        it had its first parcela (the earliest due: the entrada or parcela 1) settled, or None."""
        i, c = models.Installment, models.Contract
        replaced: dict[int, int] = {}
        for chunk in self._id_lists(contract_ids):
            stmt = select(i.id, i.renegotiated_agreement_id).where(
                among(i.contract_id, chunk), i.renegotiated_agreement_id.is_not(None)
            )
            replaced.update({iid: aid for iid, aid in self.session.execute(stmt) if aid})
        first: dict[int, date | None] = {}
        for chunk in self._id_lists(sorted(set(replaced.values()))):
            plan = (
                select(c.agreement_id, i.settled_on)
                .join(i, i.contract_id == c.id)
                .where(among(c.agreement_id, chunk), i.renegotiated_agreement_id.is_(None))
                .order_by(c.agreement_id, i.due_date, i.number)
            )
            for agreement_id, settled_on in self.session.execute(plan):
                if agreement_id is not None and agreement_id not in first:
                    first[agreement_id] = settled_on
        return {iid: first.get(aid) for iid, aid in replaced.items()}

    def whole_debts_kept_unpaid(self) -> dict[int, date]:
        """Open negativações of a contract's whole overdue debt (no installment list: what was
        due before the inclusion, ``OpenNegativacao.covers``) that an installment of that debt
        never settled nor renegotiated keeps unpaid, with the oldest due date the debt covers
        (the five-year limit counts from it) — by negativação id, one grouped query, no
        payment read. Only meaningful for the rows whose ``installments`` is None: a listed
        negativação is answered here too but covers other installments."""
        n, i = models.Negativacao, models.Installment
        never_settled = case(
            (and_(i.settled_on.is_(None), i.renegotiated_agreement_id.is_(None)), 1), else_=0
        )
        stmt = (
            select(n.id, func.min(i.effective_due_date))
            .join(i, and_(i.contract_id == n.contract_id, i.effective_due_date < n.included_on))
            .where(n.removed_on.is_(None))
            .group_by(n.id)
            .having(func.max(never_settled) == 1)
        )
        return {nid: oldest for nid, oldest in self._run(stmt).all()}

    def rows(
        self,
        *,
        open_only: bool = False,
        patient_id: int | None = None,
        negativacao_id: int | None = None,
    ) -> list[NegativacaoRow]:
        n, pt = models.Negativacao, models.Patient
        included, removed = aliased(models.User), aliased(models.User)
        # Plain columns, not ORM entities: the dashboard reads every open one each data change.
        # In ``NegativacaoRow``'s order, the installments last (a list made a tuple here).
        stmt = (
            select(
                n.id,
                n.patient_id,
                pt.name,
                n.contract_id,
                n.bureau,
                n.amount_cents,
                n.included_on,
                n.protocol,
                n.notice_document_id,
                n.removed_on,
                n.removal_reason,
                func.coalesce(included.username, ""),
                func.coalesce(removed.username, ""),
                n.installments,
            )
            .join(pt, pt.id == n.patient_id)
            .outerjoin(included, included.id == n.included_by_id)
            .outerjoin(removed, removed.id == n.removed_by_id)
            .order_by(n.included_on.desc(), n.id.desc())
        )
        if open_only:
            stmt = stmt.where(n.removed_on.is_(None))
        if patient_id is not None:
            c = models.Contract
            theirs = select(c.id).where(
                or_(c.patient_id == patient_id, c.responsible_id == patient_id)
            )
            stmt = stmt.where(or_(n.patient_id == patient_id, n.contract_id.in_(theirs)))
        if negativacao_id is not None:
            stmt = stmt.where(n.id == negativacao_id)
        # By position (a few hundred rows each look at Início: a row's attribute by name cost
        # more than building the record).
        rows: list[Any] = self._run(stmt).all()  # in NegativacaoRow's order (the select above)
        values = ((*r[:-1], None if r[-1] is None else tuple(r[-1])) for r in rows)
        return [NegativacaoRow(*v) for v in values]

    def open_for_contract(self, contract_id: int) -> models.Negativacao | None:
        n = models.Negativacao
        stmt = (
            select(n)
            .where(n.contract_id == contract_id, n.removed_on.is_(None))
            .order_by(n.included_on)
        )
        return self.session.scalars(stmt).first()

    def documents_of(
        self, kinds: Collection[str], contract_id: int, agreement_id: int | None = None
    ) -> list[tuple[int, str, datetime, dict[str, Any] | None]]:
        """``(id, kind, generated_at, announced)`` of archived documents of these kinds about
        the contract (or about the acordo that created it: the confissão de dívida)."""
        d = models.Document
        about = d.contract_id == contract_id
        if agreement_id is not None:
            about = or_(about, d.agreement_id == agreement_id)
        stmt = select(d.id, d.kind, d.generated_at, d.announced).where(
            d.kind.in_(list(kinds)), about
        )
        return [(i, k, at, facts) for i, k, at, facts in self.session.execute(stmt.order_by(d.id))]

    def notices_sent(
        self, person_ids: Collection[int], contract_id: int, step_key: str
    ) -> list[tuple[date, str]]:
        """Days and outcomes of contacts logged at ``step_key`` about this contract (or about no
        contract in particular) with these people."""
        log = models.ContactLog
        stmt = select(log.contacted_at, log.outcome).where(
            log.patient_id.in_(list(person_ids)),
            log.step_key == step_key,
            or_(log.contract_id.is_(None), log.contract_id == contract_id),
            log.undone_at.is_(None),
        )
        return [(at.date(), outcome) for at, outcome in self.session.execute(stmt)]
