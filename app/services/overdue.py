"""Cobrança → Inadimplentes: who owes what, since when, and why they are a risk.

How it stays fast at 20,000 patients / 400,000 installments (measured in
``bench/bench_worklist.py``):

1. SQL finds the *overdue open* installments — a range scan of the covering partial index
   ``ix_installment_open`` (revision 0004, file ``0005_receivables_indexes.py``) — with their
   contract's terms; their settlements come from one indexed join. Nothing else of the 400k
   rows is read.
2. ``law.updated_debt`` — the one formula — runs only over those installments (≈ 7 % of them).
3. Risk facts (paid history, contacts, promises, cheques, negativações, agreements) are read only
   for the patients that are overdue, in IN-list chunks; ``risk.assess`` explains each one.
4. The result is an immutable ``Worklist``: the screen filters, sorts, searches and pages it in
   memory (a few thousand rows), the dashboard sums the same rows, exports write them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from app.domain.aging import BUCKET_LABELS
from app.domain.catalog import label
from app.domain.columns import Column, Kind
from app.domain.law import DebtLine, Settlement, updated_debt
from app.domain.negativacao import RemovalDue
from app.domain.receivables import ChangeMark, LedgerContext, Person, StartSettlements
from app.domain.risk import (
    CONTACT_LOOKBACK_DAYS,
    FLAG_LABELS,
    PROMISE_LOOKBACK_DAYS,
    UNREACHABLE_ATTEMPTS,
)
from app.domain.worklist import (
    Assessments,
    OverdueRow,
    PatientDebt,
    RiskFacts,
    Worklist,
    assemble,
    patient_debts,
    payer_of,
)
from app.errors import NotFoundError
from app.progress import Progress
from app.services.alongside import Alongside, Result, beside_file, for_many_rows, start_read
from app.services.base import Context, Permission, Service, gc_paused
from app.services.kept import KeptUnderMark, PatchedUnderMark
from app.services.negativacao import pending_removals
from app.services.patient_figures import PARTIAL_LIMIT, Ahead, PatientFigures, Snapshot, Started
from app.services.ports import UnitOfWorkPort
from app.tabular import write_table


@dataclass(frozen=True)
class CollectionStatus:
    """A patient's standing for the header of their page."""

    patient_id: int
    suspended: bool  # set by a person (patient.suspend_new_treatments)
    row: OverdueRow | None  # None: nothing overdue today

    @property
    def suspension_suggested(self) -> bool:
        return self.row is not None and self.row.suspension_suggested and not self.suspended


Money = tuple[list[PatientDebt], dict[int, int | None]]  # the debts, and each contract's payer


def overdue_debts(
    uow: UnitOfWorkPort,
    as_of: date,
    patient_ids: Collection[int] | None = None,
    alongside: Alongside | None = None,
    context: Result[LedgerContext] | None = None,
) -> Money:
    """Per patient, the overdue money on ``as_of`` — the worklist and the dashboard both sum
    through here — and each contract's responsável financeiro: ``law.updated_debt`` of every
    installment overdue that day, grouped by ``worklist.patient_debts``. (One pass over the
    ~25,000 overdue installments of a large clinic: no list in between.) With ``alongside``
    (a database server), the settlements are read on another connection while the
    contracts are. ``context`` (the whole book only) waits for the contracts' parties and the
    settlements read on another connection (``read_context``) while the installments are
    read here."""
    start: StartSettlements | None = None
    if alongside is not None:

        def start(ids: list[int]) -> Callable[[], Mapping[int, tuple[Settlement, ...]]]:
            return alongside.start(lambda other: other.receivables.settlements_of(ids))

    lines: list[tuple[int, int, DebtLine]] = []
    add = lines.append
    responsible: dict[int, int | None] = {}
    for contract_id, parties, terms, settlements in uow.receivables.overdue_ledgers(
        as_of, patient_ids, start, context
    ):
        line = updated_debt(terms, settlements, as_of, parties.policy)
        if line.is_overdue:
            add((parties.patient_id, contract_id, line))
            responsible[contract_id] = parties.responsible_id
    return patient_debts(lines), responsible


# Reads the risk facts of the patients of the debts and who pays for them (the contracts'
# responsáveis): ``facts_of``, or the service's, which keeps them between looks.
FactsReader = Callable[
    [UnitOfWorkPort, date, Sequence[PatientDebt], Mapping[int, int | None]], RiskFacts
]


def read_facts(
    uow: UnitOfWorkPort,
    as_of: date,
    ids: list[int],
    people: Mapping[int, Person],
    alongside: Alongside | None = None,
) -> RiskFacts:
    """What ``risk.assess`` weighs for the overdue patients ``ids`` and the ``people`` (those
    patients and who pays for them): paid history, payments and cheques by patient; contacts,
    promises, negativações and acordos by person. With ``alongside`` (a database server), the
    paid history and the payments are read on other connections meanwhile."""
    history = start_read(uow, lambda u: u.receivables.paid_history(ids, as_of), alongside)
    seen = start_read(uow, lambda u: u.receivables.payments_seen(ids, as_of), alongside)
    repo = uow.receivables
    since = as_of - timedelta(days=CONTACT_LOOKBACK_DAYS)
    contacts = repo.contacts(people, since, as_of, latest=UNREACHABLE_ATTEMPTS)
    promises = repo.promises(people, as_of - timedelta(days=PROMISE_LOOKBACK_DAYS), as_of)
    negativados = repo.negativados(people, as_of)
    agreements = repo.agreements(people, as_of)
    last_contacts = repo.last_contacts(people.keys() - contacts.keys(), as_of)
    last_paid, cheques = seen()
    return RiskFacts(
        people=people,
        history=history(),
        last_paid=last_paid,
        cheques=cheques,
        contacts=contacts,
        last_contacts=last_contacts,
        promises=promises,
        negativados=negativados,
        agreements=agreements,
    )


def worklist_people(
    uow: UnitOfWorkPort, debts: Sequence[PatientDebt], responsible: Mapping[int, int | None]
) -> tuple[list[int], dict[int, Person]]:
    """The overdue patients' ids, and those patients and who pays for them, as they are now."""
    ids = [d.patient_id for d in debts]
    repo = uow.receivables
    people = repo.people(ids)
    payers = {payer_of(d, responsible, people) for d in debts}
    people.update(repo.people(payers - people.keys()))
    return ids, people


def facts_of(
    uow: UnitOfWorkPort,
    as_of: date,
    debts: Sequence[PatientDebt],
    responsible: Mapping[int, int | None],
) -> RiskFacts:
    """``read_facts`` of the debts' patients and who pays for them (``worklist_people``)."""
    return read_facts(uow, as_of, *worklist_people(uow, debts, responsible))


class FactsAhead(NamedTuple):
    """The risk facts of everyone who may be overdue on a day, read before the overdue money
    says who is (``read_facts_ahead``)."""

    ids: frozenset[int]  # every patient who may be overdue
    facts: RiskFacts  # its people: they and who pays for them, as they are now

    def covering(
        self, debts: Sequence[PatientDebt], responsible: Mapping[int, int | None]
    ) -> frozenset[int] | None:
        """The people of the worklist of ``debts`` (the patients and who pays for them), when
        these facts hold every one of them; otherwise None (a contract or a payment landed
        between the two reads)."""
        if any(d.patient_id not in self.ids for d in debts):
            return None
        people = self.facts.people
        payers = {payer_of(d, responsible, people) for d in debts}
        if not payers <= people.keys():
            return None
        return frozenset(payers.union(d.patient_id for d in debts))


def read_facts_ahead(
    uow: UnitOfWorkPort, as_of: date, alongside: Alongside | None = None
) -> FactsAhead:
    """``read_facts`` of every patient with an installment open and past due on ``as_of``
    (``owing_on``: the overdue ones and the few whose payments settle what is late), without
    the overdue money: on a database server, read on another connection while this
    process computes the money (``OverdueService.worklist``). Each fact is read person by
    person, so a patient's are the same whoever else is read with them."""
    repo = uow.receivables
    owing = repo.owing_on(as_of)
    ids = sorted({patient for patient, _ in owing})
    people = repo.people(ids)
    payers = {payer for _, payer in owing if payer is not None}
    payers.update(p.responsible_id for p in people.values() if p.responsible_id is not None)
    people.update(repo.people(payers - people.keys()))
    return FactsAhead(frozenset(ids), read_facts(uow, as_of, ids, people, alongside))


def build_worklist(
    uow: UnitOfWorkPort,
    as_of: date,
    patient_ids: Collection[int] | None = None,
    progress: Progress | None = None,
    money: Money | None = None,
    facts: FactsReader = facts_of,
    assessments: Assessments | None = None,
) -> Worklist:
    """The worklist on ``as_of`` (every overdue patient, or only ``patient_ids``); ``money`` is
    ``overdue_debts`` already computed for the same day and patients; ``facts`` reads the risk
    facts (``OverdueService`` passes one that keeps them between looks, and the
    ``assessments`` it keeps)."""
    steps = 3

    def step(n: int) -> None:
        if progress is not None:
            progress(n, steps)

    debts, responsible = money or overdue_debts(uow, as_of, patient_ids)
    step(1)
    if not debts:
        return Worklist(as_of=as_of)
    found = facts(uow, as_of, debts, responsible)
    step(2)
    worklist = assemble(as_of, debts, responsible, found, assessments)
    step(3)
    return worklist


EXPORT_COLUMNS = (
    Column("Prioridade", Kind.INT),
    Column("Paciente"),
    Column("Responsável financeiro"),
    Column("Contrato", Kind.INT),
    Column("Vencimento mais antigo", Kind.DATE),
    Column("Dias de atraso", Kind.INT),
    Column("Faixa de atraso"),
    Column("Parcelas em atraso", Kind.INT),
    Column("Principal em atraso", Kind.MONEY),
    Column("Valor atualizado", Kind.MONEY),
    Column("Prescrito (não cobrável)", Kind.MONEY),
    Column("Segmento"),
    Column("Risco (0-100)", Kind.INT),
    Column("Sinais"),
    Column("Motivos"),
    Column("Padrão de pagamento"),
    Column("Último contato", Kind.DATE),
    Column("Resultado do contato"),
    Column("Novos tratamentos"),
)


def export_cells(row: OverdueRow) -> tuple[object, ...]:
    a = row.assessment
    return (
        row.rank,
        row.patient_name,
        "" if row.payer_is_patient else row.payer_name,
        row.contract_id,
        row.oldest_due_date,
        row.days_late,
        BUCKET_LABELS[row.bucket],
        row.installments,
        row.overdue_cents,
        row.updated_cents,
        row.prescribed_cents,
        a.segment_label,
        a.score,
        ", ".join(FLAG_LABELS[f] for f in a.flags),
        "; ".join(f"{r.text} (+{r.points})" for r in a.reasons),
        a.pattern.text(),
        row.last_contact_at.date() if row.last_contact_at else None,
        label(row.last_contact_outcome) if row.last_contact_outcome else "",
        _suspension_text(row),
    )


def _suspension_text(row: OverdueRow) -> str:
    if row.suspended:
        return "suspensos"
    return "sugerido suspender" if row.suspension_suggested else ""


class PatientMoney(NamedTuple):
    """One patient's overdue money on a day and who pays each contract it comes from (a named
    tuple: one per overdue patient)."""

    debt: PatientDebt
    responsible: Mapping[int, int | None]  # contract id → responsável financeiro


def read_context(beside: Alongside | None, as_of: date) -> Result[LedgerContext] | None:
    """On a SQLite file (``beside``), start reading there what the overdue money of the whole
    book needs besides its installments (``overdue_context``); ``None`` elsewhere."""
    if beside is None:
        return None
    return beside.start(lambda other: other.receivables.overdue_context(as_of))


def money_by_patient(
    uow: UnitOfWorkPort,
    as_of: date,
    patient_ids: Collection[int] | None,
    alongside: Alongside | None = None,
    context: Result[LedgerContext] | None = None,
) -> dict[int, PatientMoney]:
    """``overdue_debts`` keyed by patient (what ``PatientFigures`` keeps)."""
    with gc_paused():
        debts, responsible = overdue_debts(uow, as_of, patient_ids, alongside, context)
    return {
        d.patient_id: PatientMoney(d, {c: responsible[c] for c in d.contract_ids}) for d in debts
    }


class _Facts(NamedTuple):
    patients: frozenset[int]  # the overdue patients they were read for
    people: frozenset[int]  # those patients and who pays for them
    facts: RiskFacts  # without the people (names and phones change without moving the mark)


# Reads the risk facts of the overdue patients ``ids`` and the ``people`` (``read_facts``).
FactsRead = Callable[[list[int], Mapping[int, Person]], RiskFacts]

_NO_FACTS = RiskFacts({}, {}, {}, {}, {}, {}, {}, {}, {})


class KeptFacts:
    """The worklist's risk facts of one day, kept under the data mark for the patients and
    people they were read for (``PatchedUnderMark``), and read again only for the people a
    change touched (``people_changed_since``: a payment or an estorno, a contract, an acordo,
    a negativação, a contact logged or undone with its promise) and those not read yet — a
    patient newly overdue, a payer named since. The others' facts are kept: each fact is one
    patient's or one person's (``RiskFacts.patched``)."""

    def __init__(self) -> None:
        self._kept: PatchedUnderMark[_Facts] = PatchedUnderMark()

    def get(
        self,
        uow: UnitOfWorkPort,
        as_of: date,
        ids: list[int],
        people: Mapping[int, Person],
        read: FactsRead,
    ) -> RiskFacts:
        """The facts of the overdue patients ``ids`` and the ``people`` on ``as_of``."""
        patients, persons = frozenset(ids), frozenset(people)

        def everyone() -> _Facts:
            return _Facts(patients, persons, replace(read(ids, people), people={}))

        def patch(kept: _Facts, touched: frozenset[int]) -> _Facts:
            unread = (patients - kept.patients) | (persons - kept.people)
            again = (touched | unread) & persons
            if not again and kept.patients == patients and kept.people == persons:
                return kept
            if len(again) > PARTIAL_LIMIT:
                return everyone()
            fresh = (
                read([i for i in ids if i in again], {p: people[p] for p in again})
                if again
                else _NO_FACTS  # only narrowed: someone left the worklist
            )
            return _Facts(patients, persons, kept.facts.patched(fresh, again, patients, persons))

        receivables = uow.receivables
        found = self._kept.get(
            as_of, receivables.change_mark, receivables.people_changed_since, everyone, patch
        )
        return replace(found.facts, people=people)

    def keep(
        self,
        as_of: date,
        mark: ChangeMark,
        ids: Collection[int],
        people: Collection[int],
        facts: RiskFacts,
    ) -> None:
        """Keep ``facts``, read for the patients ``ids`` and the ``people`` after the caller
        took ``mark`` (nothing, when the mark is not exact)."""
        kept = _Facts(frozenset(ids), frozenset(people), replace(facts, people={}))
        self._kept.keep(as_of, mark, kept)


class OverdueService(Service):
    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._alongside = for_many_rows(ctx.config, ctx.uow_factory)
        alongside = self._alongside
        # On a SQLite file: what the money of the whole book needs besides its installments is
        # read there while they are (a server's clinic reads its settlements alongside
        # instead), and Início's sums after it (``alongside.beside_file``).
        self.beside = beside = beside_file(ctx.config, ctx.uow_factory)

        # (Not through ``self``: the figures would hold the service that holds them, and the
        # whole book's money would wait for the cyclic collector to be freed.)
        def compute(
            uow: UnitOfWorkPort, day: date, ids: Collection[int] | None, started: Started | None
        ) -> dict[int, PatientMoney]:
            if ids is None and started is None:
                started = read_context(beside, day)  # after the mark ``PatientFigures`` took
            return money_by_patient(uow, day, ids, alongside, started)

        self.figures: PatientFigures[PatientMoney] = PatientFigures(
            compute,
            lambda m: m.debt.contract_ids,
        )
        self._kept_facts = KeptFacts()
        self._assessments = Assessments()
        self._removals: KeptUnderMark[list[RemovalDue]] = KeptUnderMark()
        # Reads the risk facts ahead of the money (``worklist``): a pool of its own, as that
        # read starts two more on ``_alongside``.
        self._ahead = for_many_rows(ctx.config, ctx.uow_factory)

    def snapshot(
        self, uow: UnitOfWorkPort, as_of: date, ahead: Ahead | None = None
    ) -> Snapshot[PatientMoney]:
        """Every patient's overdue money on ``as_of``, computed once per data change: the
        dashboard and the worklist share it, and after a payment, a contract or an estorno only
        the patients it touched are recomputed (``PatientFigures``). ``ahead``: what
        ``start_money`` started for that day."""
        return self.figures.get(uow, as_of, ahead)

    def start_money(self, as_of: date, mark: ChangeMark) -> Ahead | None:
        """When the money of ``as_of`` is not kept yet, start reading beside what computing it
        needs (``read_context``), for ``snapshot`` to take: reads started beside after this
        one wait for it — Início's sums, which the money's computation needs later. ``mark``,
        taken by the caller before this, is the one the money will be kept under."""
        if self.figures.holds(as_of):
            return None
        started = read_context(self.beside, as_of)
        return None if started is None else Ahead(mark, started)

    def money(self, uow: UnitOfWorkPort, as_of: date) -> Money:
        """``snapshot`` as ``overdue_debts`` gives it: the debts and each contract's payer."""
        by_patient = self.snapshot(uow, as_of).by_patient
        debts = [m.debt for m in by_patient.values()]
        responsible = {c: r for m in by_patient.values() for c, r in m.responsible.items()}
        return debts, responsible

    def removals_due(
        self, uow: UnitOfWorkPort, as_of: date, mark: ChangeMark | None = None
    ) -> list[RemovalDue]:
        """The negativações to remove on ``as_of`` (``pending_removals``: registered, their
        debt paid or five years old), most urgent first, kept under the data mark — taken
        here, or given by a caller that took it before its other reads: Início's dashboard
        and the gestor's inbox share them. Each with the patient's name as it is now (an
        edit of a name moves no mark; reading a few names does not cost what the lines do)."""

        def compute() -> list[RemovalDue]:
            return [view.removal_due() for view in pending_removals(uow, as_of)]

        now = (lambda: mark) if mark is not None else uow.receivables.change_mark
        removals = self._removals.get(as_of, now, compute)
        if not removals:
            return []
        people = uow.receivables.people({r.patient_id for r in removals})
        return [
            replace(r, patient_name=people[r.patient_id].name) if r.patient_id in people else r
            for r in removals
        ]

    def prepare(self) -> bool:
        """Compute today's overdue money ahead of the first look (the window does this in the
        background once it is on screen): Cobrança and Início then open with it instead of
        computing it. Only for a user who sees either; returns whether it computed."""
        actor = self.actor
        if not (actor.can(Permission.MESSAGES) or actor.can(Permission.REPORTS)):
            return False
        with self.uow() as uow:
            self.snapshot(uow, self.clock.today())
        return True

    def prepare_worklist(self) -> bool:
        """Read the worklist's risk facts ahead of the first look at Cobrança → Inadimplentes
        (the window does this in the background, after the day's figures and cases): the
        look then reads only the people and ranks. For a user who sees the worklist; returns
        whether it read."""
        if not self.actor.can(Permission.MESSAGES):
            return False
        day = self.clock.today()
        with self.uow() as uow, gc_paused():
            debts, responsible = self.money(uow, day)
            if debts:
                self._facts(uow, day, debts, responsible)
        return True

    def worklist(self, as_of: date | None = None, progress: Progress | None = None) -> Worklist:
        """Every overdue patient today (or on ``as_of``), ranked by priority.

        On a database server, when the day's money is not kept yet, the risk facts are read
        on other connections while it is computed (``_facts_ahead``): the server's work for
        them then runs beside this process's."""
        self.require(Permission.MESSAGES)
        day = as_of or self.clock.today()
        with self.uow() as uow:
            facts: FactsReader = self._facts
            if self._ahead is not None and not self.figures.holds(day):
                facts = self._facts_ahead(uow, day, self._ahead)
            money = self.money(uow, day)
            with gc_paused():
                return build_worklist(
                    uow,
                    day,
                    progress=progress,
                    money=money,
                    facts=facts,
                    assessments=self._assessments,
                )

    def _facts(
        self,
        uow: UnitOfWorkPort,
        as_of: date,
        debts: Sequence[PatientDebt],
        responsible: Mapping[int, int | None],
    ) -> RiskFacts:
        """``read_facts``, kept under the data mark for the day and read again for the people
        a change touched (``KeptFacts``). Every fact comes from rows whose change moves the
        mark: a payment or an estorno, a contract or its terms, an acordo, a negativação, a
        contact logged or undone with its promise. The people (names, phones, the responsável,
        whether they may be reached) are read at every look (``worklist_people``)."""
        ids, people = worklist_people(uow, debts, responsible)
        alongside = self._alongside
        return self._kept_facts.get(
            uow,
            as_of,
            ids,
            people,
            lambda ids, people: read_facts(uow, as_of, ids, people, alongside),
        )

    def _facts_ahead(self, uow: UnitOfWorkPort, as_of: date, ahead: Alongside) -> FactsReader:
        """Starts ``read_facts_ahead`` on another connection, and gives back the reader that
        takes its facts once the money is known — and keeps them as ``_facts`` would, for the
        patients and people of the worklist, under the mark taken before the read started.
        When they do not hold every one of those (the data moved between the two reads), it
        reads as ``_facts`` does."""
        mark = uow.receivables.change_mark()
        alongside = self._alongside
        started = ahead.start(lambda other: read_facts_ahead(other, as_of, alongside))

        def facts(
            uow: UnitOfWorkPort,
            day: date,
            debts: Sequence[PatientDebt],
            responsible: Mapping[int, int | None],
        ) -> RiskFacts:
            found = started()
            people = found.covering(debts, responsible)
            if day != as_of or people is None:
                return self._facts(uow, day, debts, responsible)
            ids = [d.patient_id for d in debts]
            self._kept_facts.keep(as_of, mark, ids, people, found.facts)
            return found.facts

        return facts

    def for_patient(self, patient_id: int, as_of: date | None = None) -> OverdueRow | None:
        self.require(Permission.PATIENTS)
        with self.uow() as uow:
            worklist = build_worklist(uow, as_of or self.clock.today(), {patient_id})
        return worklist.row_for(patient_id)

    def status(self, patient_id: int) -> CollectionStatus:
        self.require(Permission.PATIENTS)
        with self.uow() as uow:
            row = uow.patients.get(patient_id)
            if row is None:
                raise NotFoundError(f"Paciente {patient_id} não encontrado.")
            suspended = row.suspend_new_treatments
            worklist = build_worklist(uow, self.clock.today(), {patient_id})
        return CollectionStatus(patient_id, suspended, worklist.row_for(patient_id))

    def set_suspension(self, patient_id: int, suspend: bool) -> CollectionStatus:
        """Suspender (or liberar) novos tratamentos: a person decides, the system suggests
        (suspending new treatments is a common collection practice); the decision is audited.
        The owner's call (gestor)."""
        self.require(Permission.SUSPEND_TREATMENTS)
        with self.uow() as uow:
            row = uow.patients.get(patient_id)
            if row is None:
                raise NotFoundError(f"Paciente {patient_id} não encontrado.")
            before = row.suspend_new_treatments
            if before != suspend:
                row.suspend_new_treatments = suspend
                self.audit(
                    uow,
                    "patient.suspend_new_treatments",
                    "patient",
                    patient_id,
                    {"suspend_new_treatments": before},
                    {"suspend_new_treatments": suspend},
                )
                uow.commit()
        return self.status(patient_id)

    def export(self, path: Path, rows: Sequence[OverdueRow]) -> int:
        """Write the rows — in the order given, i.e. as the user sees them — to .csv or .xlsx.
        A file of who owes what leaves the app (LGPD): the gestor's reports."""
        self.require(Permission.REPORTS)
        return write_table(path, EXPORT_COLUMNS, (export_cells(r) for r in rows))
