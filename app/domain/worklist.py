"""The overdue worklist (Cobrança → Inadimplentes, ``emdia report overdue``, ``export overdue``)
and the aging summary the dashboard draws from the very same rows.

One row per patient with money overdue on ``as_of``. Amounts come from ``law.updated_debt`` (the
service computes the lines); filtering, searching and sorting are pure functions over the rows,
so the screen, the CLI and the export show the same list in the same order.

**Prescribed money** (five years past due, CC art. 206 §5 I — ``app.domain.prescription``) stays
on the row, marked *prescrita*, but apart: ``overdue_cents``, ``updated_cents``, the aging band
and the priority count only what the clinic may still pursue; ``prescribed_cents`` is the rest.

**Priority** (the default order: "grupos de importância, ticket médio"): updated amount
× the weight of the aging band (1–30 dias ×1, 31–60 ×2, 61–90 ×3, 90+ ×4) — the more money and the
older it is, the higher. Ties: oldest first. The treatment ("tipo de serviço") is deliberately
not used: the contract description is free text for internal use and health data (LGPD art. 11),
so collection decisions never read it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from operator import attrgetter
from typing import Any, NamedTuple, Protocol, TypeVar

from app.domain.aging import BUCKETS, Bucket, bucket_for
from app.domain.law import DebtLine
from app.domain.memo import LastOf
from app.domain.prescription import FEWEST_DAYS_TO_PRESCRIBE, is_prescrita
from app.domain.promises import PromiseRecord
from app.domain.receivables import Person
from app.domain.risk import (
    AgreementRecord,
    Assessment,
    ContactAttempt,
    Flag,
    InstallmentRecord,
    RiskInput,
    Segment,
    assess,
    suggest_suspension,
)
from app.domain.text import fold

_F = TypeVar("_F")  # one patient's or one person's fact

AGE_WEIGHTS = {Bucket.D1_30: 1, Bucket.D31_60: 2, Bucket.D61_90: 3, Bucket.D90_PLUS: 4}


def priority_points(updated_cents: int, bucket: Bucket) -> int:
    """Priority in points: updated amount in reais × the band's weight (rounded down)."""
    return updated_cents * AGE_WEIGHTS[bucket] // 100


class PatientDebt(NamedTuple):
    """The money side of a worklist row: one patient's overdue installments, summed — what may
    still be collected apart from what is prescribed. (A named tuple, immutable: one per
    overdue patient each time the overdue money is computed.)"""

    patient_id: int
    contract_id: int  # the contract of the oldest overdue installment (collectable, if any)
    contract_ids: tuple[int, ...]
    oldest_due_date: date  # effective due date of that installment
    days_late: int
    bucket: Bucket
    installments: int  # overdue installments the clinic may still collect
    overdue_cents: int  # their open principal
    updated_cents: int  # what settles them today (updated_debt totals)
    lines: tuple[DebtLine, ...]  # every overdue installment, prescribed ones included
    prescribed_installments: int = 0  # five years or more past due: not collectable
    prescribed_cents: int = 0  # their open principal

    @property
    def prescrita(self) -> bool:
        """Only prescribed money is overdue: the row is shown, nothing is collected."""
        return self.installments == 0 and self.prescribed_installments > 0


def patient_debts(lines: Iterable[tuple[int, int, DebtLine]]) -> list[PatientDebt]:
    """Group overdue ``(patient_id, contract_id, line)`` by patient. The worklist and the
    dashboard both sum through here: their numbers cannot disagree."""
    grouped: dict[int, list[tuple[int, int, DebtLine]]] = {}
    for item in lines:  # the caller's tuples, kept as they are (no new one per line)
        items = grouped.get(item[0])
        if items is None:
            grouped[item[0]] = [item]
        else:
            items.append(item)
    debts = []
    for patient_id, items in grouped.items():
        if len(items) > 1:
            items.sort(key=_by_contract_and_number)  # the same whatever the SQL order
        # One pass (this runs over every overdue installment of the clinic): which lines are
        # still pursued (not prescritas), the sums of each side, and the oldest line of each —
        # the first of the earliest effective due date in (contract, number) order.
        pursued = overdue = updated = prescribed = 0
        _, oldest_contract, oldest = items[0]
        pursued_contract, oldest_pursued = oldest_contract, oldest
        contracts = set()
        for _, contract_id, line in items:
            due = line.effective_due_date
            if due < oldest.effective_due_date:
                oldest_contract, oldest = contract_id, line
            contracts.add(contract_id)
            if line.days_late >= FEWEST_DAYS_TO_PRESCRIBE and is_prescrita(line):
                prescribed += line.principal_cents - line.paid_cents
                continue
            if not pursued or due < oldest_pursued.effective_due_date:
                pursued_contract, oldest_pursued = contract_id, line
            pursued += 1
            overdue += line.principal_cents - line.paid_cents
            updated += line.total_cents
        contract_id, first = (
            (pursued_contract, oldest_pursued) if pursued else (oldest_contract, oldest)
        )
        debts.append(
            PatientDebt(
                patient_id,
                contract_id,
                tuple(sorted(contracts)),
                first.effective_due_date,
                first.days_late,
                bucket_for(first.days_late),
                pursued,
                overdue,
                updated,
                tuple([item[2] for item in items]),
                len(items) - pursued,
                prescribed,
            )
        )
    return debts


_contacted_at = attrgetter("at")  # of a ContactAttempt


def _by_contract_and_number(item: tuple[int, int, DebtLine]) -> tuple[int, int]:
    return item[1], item[2].number


class OverdueRow(NamedTuple):
    """One row of the worklist (a named tuple, immutable: one per overdue patient each time
    the worklist is built, and a tuple is built about twice as fast as a frozen dataclass)."""

    debt: PatientDebt
    patient_name: str
    payer_id: int  # who is charged: the responsável financeiro, or the patient
    payer_name: str
    assessment: Assessment
    last_contact_at: datetime | None = None
    last_contact_outcome: str = ""
    suspended: bool = False  # patient.suspend_new_treatments (set by a person)
    suspension_suggested: bool = False
    search_key: str = ""  # folded names (patient.name_search), CPF and phone digits
    patient_sort: str = ""  # folded name: sorting ignores accents and case
    payer_sort: str = ""
    priority: int = 0
    rank: int = 0  # 1 = first by priority over the whole worklist

    @property
    def patient_id(self) -> int:
        return self.debt.patient_id

    @property
    def contract_id(self) -> int:
        return self.debt.contract_id

    @property
    def oldest_due_date(self) -> date:
        return self.debt.oldest_due_date

    @property
    def days_late(self) -> int:
        return self.debt.days_late

    @property
    def bucket(self) -> Bucket:
        return self.debt.bucket

    @property
    def installments(self) -> int:
        return self.debt.installments

    @property
    def overdue_cents(self) -> int:
        return self.debt.overdue_cents

    @property
    def updated_cents(self) -> int:
        return self.debt.updated_cents

    @property
    def prescribed_installments(self) -> int:
        return self.debt.prescribed_installments

    @property
    def prescribed_cents(self) -> int:
        return self.debt.prescribed_cents

    @property
    def prescrita(self) -> bool:
        return self.debt.prescrita

    @property
    def payer_is_patient(self) -> bool:
        return self.payer_id == self.patient_id

    @property
    def segment(self) -> Segment:
        return self.assessment.segment

    @property
    def score(self) -> int:
        return self.assessment.score

    @property
    def flags(self) -> tuple[Flag, ...]:
        return self.assessment.flags


class SortKey(StrEnum):
    PRIORITY = "prioridade"
    PATIENT = "paciente"
    PAYER = "responsavel"
    OLDEST_DUE = "vencimento"
    DAYS_LATE = "atraso"
    OVERDUE = "principal"
    UPDATED = "atualizado"
    SEGMENT = "segmento"
    SCORE = "risco"
    FLAGS = "sinais"
    LAST_CONTACT = "contato"


_SEGMENT_ORDER = {s: i for i, s in enumerate(Segment)}
_MIN_DATETIME = datetime(1900, 1, 1)

# Natural direction of each key when first clicked: money, age and risk biggest first.
DESCENDING_FIRST = {
    SortKey.PRIORITY,
    SortKey.DAYS_LATE,
    SortKey.OVERDUE,
    SortKey.UPDATED,
    SortKey.SEGMENT,
    SortKey.SCORE,
    SortKey.FLAGS,
    SortKey.LAST_CONTACT,
}

_SORT: dict[SortKey, Callable[[OverdueRow], Any]] = {
    SortKey.PRIORITY: lambda r: r.priority,
    SortKey.PATIENT: lambda r: r.patient_sort,
    SortKey.PAYER: lambda r: r.payer_sort,
    SortKey.OLDEST_DUE: lambda r: r.oldest_due_date,
    SortKey.DAYS_LATE: lambda r: r.days_late,
    SortKey.OVERDUE: lambda r: r.overdue_cents,
    SortKey.UPDATED: lambda r: r.updated_cents,
    SortKey.SEGMENT: lambda r: _SEGMENT_ORDER[r.segment],
    SortKey.SCORE: lambda r: r.score,
    SortKey.FLAGS: lambda r: len(r.flags),
    SortKey.LAST_CONTACT: lambda r: r.last_contact_at or _MIN_DATETIME,
}


@dataclass(frozen=True)
class WorklistQuery:
    """What the user chose on screen (or on the command line)."""

    text: str = ""
    bucket: Bucket | None = None
    segment: Segment | None = None
    flag: Flag | None = None
    min_cents: int = 0
    sort: SortKey = SortKey.PRIORITY
    descending: bool = True

    def matches(self, row: OverdueRow, tokens: Sequence[str]) -> bool:
        if self.bucket is not None and row.bucket is not self.bucket:
            return False
        if self.segment is not None and row.segment is not self.segment:
            return False
        if self.flag is not None and self.flag not in row.flags:
            return False
        if row.updated_cents < self.min_cents:
            return False
        return all(t in row.search_key for t in tokens)


def _tokens(text: str) -> list[str]:
    """Words of the search; digits typed with dots/dashes (CPF, phone) are matched bare."""
    out = []
    for token in fold(text).split():
        bare = "".join(c for c in token if c not in ".-/()")
        out.append(bare if bare.isdigit() else token)
    return out


def select(rows: Sequence[OverdueRow], query: WorklistQuery) -> list[OverdueRow]:
    """Filter, then sort; ties always fall back to the priority order (rank)."""
    tokens = _tokens(query.text)
    kept = [r for r in rows if query.matches(r, tokens)]
    kept.sort(key=lambda r: r.rank)
    kept.sort(key=_SORT[query.sort], reverse=query.descending)
    return kept


def suspension_suggested(debt: PatientDebt) -> bool:
    """Whether the worklist suggests suspending this patient's new treatments: long enough late
    (``risk.suggest_suspension``), and not when only prescribed money is overdue — nothing
    collectable is left, so no pressure to pay it either (CC art. 206 §5 I)."""
    return suggest_suspension(debt.days_late) and not debt.prescrita


def by_priority(debts: Iterable[PatientDebt]) -> list[PatientDebt]:
    """Priority order (the worklist's rank 1, 2, …): points first, then the oldest, then id."""

    def key(d: PatientDebt) -> tuple[int, date, int]:
        return -priority_points(d.updated_cents, d.bucket), d.oldest_due_date, d.patient_id

    return sorted(debts, key=key)


class HasDebt(Protocol):
    @property
    def bucket(self) -> Bucket: ...
    @property
    def installments(self) -> int: ...
    @property
    def overdue_cents(self) -> int: ...
    @property
    def updated_cents(self) -> int: ...
    @property
    def prescribed_installments(self) -> int: ...
    @property
    def prescribed_cents(self) -> int: ...


@dataclass(frozen=True)
class AgingBand:
    bucket: Bucket
    patients: int = 0
    installments: int = 0
    overdue_cents: int = 0
    updated_cents: int = 0


def aging(rows: Iterable[HasDebt]) -> tuple[AgingBand, ...]:
    """Sum of the worklist rows per band (a patient in the band of their oldest installment):
    the money that may still be collected (prescribed money is in ``totals``)."""
    sums: dict[Bucket, list[int]] = {b: [0, 0, 0, 0] for b in BUCKETS}
    for r in rows:
        if not r.installments:
            continue  # only prescribed money: in no band
        s = sums[r.bucket]
        s[0] += 1
        s[1] += r.installments
        s[2] += r.overdue_cents
        s[3] += r.updated_cents
    return tuple(AgingBand(b, *sums[b]) for b in BUCKETS)


@dataclass(frozen=True)
class Totals:
    """The collectable money of the rows (``patients``: those who owe some), and apart the
    prescribed money (CC art. 206 §5 I) that may no longer be pursued."""

    patients: int
    installments: int
    overdue_cents: int
    updated_cents: int
    prescribed_patients: int = 0
    prescribed_installments: int = 0
    prescribed_cents: int = 0


def totals(rows: Iterable[HasDebt]) -> Totals:
    patients = installments = overdue = updated = 0
    p_patients = p_installments = prescribed = 0
    for r in rows:
        if r.installments:
            patients += 1
        installments += r.installments
        overdue += r.overdue_cents
        updated += r.updated_cents
        if r.prescribed_installments:
            p_patients += 1
        p_installments += r.prescribed_installments
        prescribed += r.prescribed_cents
    return Totals(patients, installments, overdue, updated, p_patients, p_installments, prescribed)


@dataclass(frozen=True)
class Worklist:
    """Every overdue patient on ``as_of``, ranked by priority. Immutable: compute it once (off
    the UI thread), then filter/sort/page it as often as the user types."""

    as_of: date
    rows: tuple[OverdueRow, ...] = field(default_factory=tuple)

    def select(self, query: WorklistQuery) -> list[OverdueRow]:
        return select(self.rows, query)

    def totals(self) -> Totals:
        return totals(self.rows)

    def aging(self) -> tuple[AgingBand, ...]:
        return aging(self.rows)

    def row_for(self, patient_id: int) -> OverdueRow | None:
        return next((r for r in self.rows if r.patient_id == patient_id), None)


# --- assembling the rows --------------------------------------------------------------------


@dataclass(frozen=True)
class RiskFacts:
    """What the repository read about the overdue patients and the people who pay for them
    (keyed by person id; histories, payments and cheques by patient)."""

    people: Mapping[int, Person]
    history: Mapping[int, Sequence[InstallmentRecord]]  # installments paid, by patient
    last_paid: Mapping[int, date]
    cheques: Mapping[int, Sequence[date]]
    # Each person's recent attempts, newest first: the last ``risk.UNREACHABLE_ATTEMPTS`` are
    # all that risk and the row weigh (the newest is the row's last contact).
    contacts: Mapping[int, Sequence[ContactAttempt]]
    last_contacts: Mapping[int, ContactAttempt]  # the latest, for people with no recent one
    promises: Mapping[int, Sequence[PromiseRecord]]
    negativados: Mapping[int, date]
    agreements: Mapping[int, Sequence[AgreementRecord]]

    def patched(
        self,
        fresh: RiskFacts,
        again: Collection[int],
        patients: Collection[int],
        people: Collection[int],
    ) -> RiskFacts:
        """These facts narrowed to ``patients`` (histories, payments and cheques) and
        ``people`` (the rest), with those of ``again`` taken from ``fresh``, read for them
        alone: every fact is one patient's or one person's, whoever else is read with them.
        Without ``people`` (the caller sets them)."""

        def mine(
            kept: Mapping[int, _F], read: Mapping[int, _F], whose: Collection[int]
        ) -> dict[int, _F]:
            found = {k: v for k, v in kept.items() if k in whose and k not in again}
            found.update(read)
            return found

        return RiskFacts(
            people={},
            history=mine(self.history, fresh.history, patients),
            last_paid=mine(self.last_paid, fresh.last_paid, patients),
            cheques=mine(self.cheques, fresh.cheques, patients),
            contacts=mine(self.contacts, fresh.contacts, people),
            last_contacts=mine(self.last_contacts, fresh.last_contacts, people),
            promises=mine(self.promises, fresh.promises, people),
            negativados=mine(self.negativados, fresh.negativados, people),
            agreements=mine(self.agreements, fresh.agreements, people),
        )


def payer_of(
    debt: PatientDebt, responsible: Mapping[int, int | None], people: Mapping[int, Person]
) -> int:
    """Who is charged: the responsável financeiro of the contract (or of the patient today);
    messages and letters go to that person (docs/DOMAIN.md)."""
    contract_payer = responsible[debt.contract_id]
    return contract_payer or people[debt.patient_id].responsible_id or debt.patient_id


class Assessments(LastOf[int, RiskInput, Assessment]):
    """Each overdue patient's last ``risk.assess``, with what it weighed (``memo.LastOf``):
    ``assess`` is pure, so a row whose ``RiskInput`` equals the one last weighed gets the same
    assessment without weighing it again — after a payment, only the rows it changed are
    weighed (the worklist's service keeps one)."""

    def of(self, patient_id: int, data: RiskInput) -> Assessment:
        return self.get(patient_id, data, assess)


def assemble(
    as_of: date,
    debts: Iterable[PatientDebt],
    responsible: Mapping[int, int | None],
    facts: RiskFacts,
    assessments: Assessments | None = None,
) -> Worklist:
    """The worklist: each overdue patient's money, who pays, and ``risk.assess`` of the facts
    (through ``assessments``, which weighs again only what changed), in priority order."""
    rows = []
    people = facts.people
    weigh: Callable[[int, RiskInput], Assessment] = (
        assessments.of if assessments is not None else lambda _pid, data: assess(data)
    )
    for rank, debt in enumerate(by_priority(debts), start=1):
        pid = debt.patient_id
        patient, payer = people[pid], people[payer_of(debt, responsible, people)]
        who = {pid, payer.id}
        attempts = sorted(
            (c for p in who for c in facts.contacts.get(p, ())), key=_contacted_at, reverse=True
        )
        older = [c for p in who if (c := facts.last_contacts.get(p)) is not None]
        last = attempts[0] if attempts else max(older, key=_contacted_at, default=None)
        since = [d for p in who if (d := facts.negativados.get(p)) is not None]
        assessment = weigh(
            pid,
            RiskInput(
                as_of=as_of,
                overdue=debt.lines,
                history=facts.history.get(pid, ()),
                last_payment_on=facts.last_paid.get(pid),
                contacts=attempts,
                promises=[p for person in who for p in facts.promises.get(person, ())],
                bounced_cheques=facts.cheques.get(pid, ()),
                negativado_since=min(since) if since else None,
                agreements=[a for person in who for a in facts.agreements.get(person, ())],
                data_confirmed_on=payer.data_confirmed_on,
                reachable=payer.reachable,
            ),
        )
        keys = [patient.name_search, patient.cpf or "", patient.phone]
        if payer.id != pid:
            keys += [payer.name_search, payer.cpf or "", payer.phone]
        rows.append(
            OverdueRow(
                debt=debt,
                patient_name=patient.name,
                payer_id=payer.id,
                payer_name=payer.name,
                assessment=assessment,
                last_contact_at=last.at if last else None,
                last_contact_outcome=last.outcome if last else "",
                suspended=patient.suspended,
                suspension_suggested=suspension_suggested(debt),
                search_key=" ".join(k for k in keys if k),
                patient_sort=patient.name_search,
                payer_sort=payer.name_search,
                priority=priority_points(debt.updated_cents, debt.bucket),
                rank=rank,
            )
        )
    if assessments is not None:
        assessments.keep_only({row.patient_id for row in rows})
    return Worklist(as_of=as_of, rows=tuple(rows))
