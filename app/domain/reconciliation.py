"""Conciliação bancária: which installment a credit of the bank statement pays.

Each rule is a pure function with its own test (``tests/unit/test_reconciliation.py``):

1. **certain** (``certain``) — the credit carries EmDia's PIX txid of a contract that exists, is
   not cancelled and owes at least the amount; or exactly one contract has an open debt equal to
   the amount *and* the payer's CPF digits (as the bank shows them, masked) *and* the payer's
   name match its payer. Certain credits are registered with one click.
2. **suggested** (``suggested``) — the amount equals an open installment's updated value on the
   bank's date (or its principal without charges, or a promise's amount; an acordo's parcelas
   are installments too) of a person whose name resembles the payer's — or CPF and name match
   but the amount does not (a partial payment). Ranked by ``score``, each with its reason; the
   receptionist picks one.
3. **not ours** (``unmatched``) — the clinic's own transfers, card settlements, and credits
   nobody matches. Debits are ``debit``. The receptionist may ignore them once.

A payment typed at the desk that the statement also shows (same contract's payer, same amount,
within ``DESK_DAYS`` of the bank's date) is recognised by ``desk_payment_for`` and linked instead
of registered twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from app.domain.bank import (
    ClinicIdentity,
    Payer,
    StatementLine,
    document_matches,
    not_a_payment,
    txid_in,
)
from app.domain.dates import format_date
from app.domain.law import ChargePolicy, InstallmentTerms, Settlement, updated_debt
from app.domain.money import format_brl
from app.domain.pix import TxidRef
from app.domain.text import fold


class MatchStatus(StrEnum):
    CERTAIN = "certain"
    SUGGESTED = "suggested"
    UNMATCHED = "unmatched"
    IGNORED = "ignored"
    REGISTERED = "registered"
    DUPLICATE = "duplicate"
    DEBIT = "debit"


STATUS_LABELS = {
    MatchStatus.CERTAIN: "Certo",
    MatchStatus.SUGGESTED: "Sugestão",
    MatchStatus.UNMATCHED: "Sem paciente",
    MatchStatus.IGNORED: "Ignorado",
    MatchStatus.REGISTERED: "Registrado",
    MatchStatus.DUPLICATE: "Já importado",
    MatchStatus.DEBIT: "Débito",
}

_COUNTED = {
    MatchStatus.CERTAIN: ("certo", "certos"),
    MatchStatus.SUGGESTED: ("sugestão", "sugestões"),
    MatchStatus.UNMATCHED: ("sem paciente", "sem paciente"),
    MatchStatus.IGNORED: ("ignorado", "ignorados"),
    MatchStatus.REGISTERED: ("registrado", "registrados"),
    MatchStatus.DUPLICATE: ("já importado", "já importados"),
    MatchStatus.DEBIT: ("débito", "débitos"),
}


def counted(status: MatchStatus, count: int) -> str:
    """``3 certos``, ``1 sugestão``: how many lines of a statement are in ``status``."""
    one, many = _COUNTED[status]
    return f"{count} {one if count == 1 else many}"


def installment_words(number: int | None) -> str:
    """``parcela 3``, ``entrada`` (number 0), or ``""`` when no installment is named (the oldest
    open ones are paid first)."""
    if number is None:
        return ""
    return "entrada" if number == 0 else f"parcela {number}"


DESK_DAYS = 3  # a PIX lands the same day; a TED or a payment typed late, a day or two apart
PROMISE_GRACE_DAYS = 7  # a promise kept a few days late is still the promised money

# Score parts (0–100 in all): what the amount matches, how much of the name, the CPF digits.
AMOUNT_UPDATED, AMOUNT_PROMISE, AMOUNT_PRINCIPAL, AMOUNT_NONE = 50, 45, 40, 10
NAME_WEIGHT, DOCUMENT_POINTS = 30, 20


# --- names ---------------------------------------------------------------------------------

PARTICLES = frozenset({"da", "de", "do", "das", "dos", "e", "d"})


_NOT_LETTERS = re.compile(r"[^a-z]+")


@lru_cache(maxsize=100_000)
def name_tokens(name: str) -> tuple[str, ...]:
    """``'MARIA DA SILVA'`` → ``('maria', 'da', 'silva')``: accent-free, letters only. Cached:
    a statement compares the same few thousand names again and again."""
    words = (_NOT_LETTERS.sub("", word) for word in fold(name).split())
    return tuple(word for word in words if word)


@lru_cache(maxsize=200_000)
def name_score(payer_name: str, person_name: str) -> int:
    """How much of the person's name the payer's name shows, 0–100; 0 = does not resemble.

    Banks print names upper-case, without accents, often cut short ("MARIA D") or without
    middle names ("MARIA SILVA" for Maria Eduarda da Silva). So: the first names must be equal;
    every other word of the payer's must appear, in order, in the person's name — the last one
    (cut by the bank) or an initial may be the start of a word; particles (da, de, dos…) the
    payer leaves out do not count against it. At least two words must match. The score is the
    share of the person's words (particles aside) the payer's name shows."""
    payer, person = name_tokens(payer_name), name_tokens(person_name)
    if len(payer) < 2 or not person or payer[0] != person[0]:
        return 1 if payer and payer == person else 0
    position, matched, named = 1, 1, {0}
    for index, word in enumerate(payer[1:], start=1):
        may_be_cut = index == len(payer) - 1 or len(word) == 1
        found = next(
            (
                k
                for k in range(position, len(person))
                if person[k] == word or (may_be_cut and person[k].startswith(word))
            ),
            None,
        )
        if found is None:
            if word in PARTICLES:
                continue
            return 0
        position, matched = found + 1, matched + 1
        named.add(found)
    if matched < 2:
        return 0
    words = [k for k, word in enumerate(person) if word not in PARTICLES]
    return max(1, round(100 * len(named & set(words)) / len(words)))


# --- who could have paid --------------------------------------------------------------------


@dataclass(frozen=True)
class Debtor:
    """A person who pays (or paid) contracts: as patient or as responsável financeiro."""

    person_id: int
    name: str
    cpf: str | None = None


class Directory:
    """The clinic's payers indexed by name words and by the six middle CPF digits (the ones a
    PIX receipt shows), so each credit looks at a handful of people, not at all of them."""

    def __init__(self, debtors: Iterable[Debtor]) -> None:
        self.people: dict[int, Debtor] = {}
        self._words: dict[str, set[int]] = {}
        self._middle: dict[str, set[int]] = {}
        for debtor in debtors:
            self.people[debtor.person_id] = debtor
            for word in set(name_tokens(debtor.name)) - PARTICLES:
                self._words.setdefault(word, set()).add(debtor.person_id)
            if debtor.cpf and len(debtor.cpf) == 11:
                self._middle.setdefault(debtor.cpf[3:9], set()).add(debtor.person_id)

    def candidates(self, payer: Payer) -> list[Debtor]:
        """People whose CPF digits or name match the payer's (``resembles``)."""
        found: set[int] = set()
        middle = payer.pattern[3:9] if len(payer.pattern) == 11 else ""
        if middle.isdigit():
            found |= self._middle.get(middle, set())
        words = name_tokens(payer.name)
        if len(words) >= 2:
            named = set(self._words.get(words[0], set()))
            for word in words[1:-1]:  # the last one may be cut short by the bank
                if word not in PARTICLES and word in self._words:
                    named &= self._words[word]
            found |= named
        people = (self.people[pid] for pid in sorted(found))
        return [p for p in people if resembles(payer, p)]


def resembles(payer: Payer, person: Debtor) -> bool:
    """Whether the payer may be this person: no CPF digit shown contradicts theirs, and the
    name resembles theirs — or, when the bank shows no name, the CPF digits match."""
    document = document_matches(payer.pattern, person.cpf)
    if document is False:
        return False
    if name_score(payer.name, person.name) > 0:
        return True
    return document is True and not payer.name


# --- what they owe ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenInstallment:
    """An installment not yet settled, with what ``updated_debt`` needs for any day."""

    contract_id: int
    patient_id: int
    payer_id: int  # the responsável financeiro, or the patient
    terms: InstallmentTerms
    settlements: tuple[Settlement, ...]
    policy: ChargePolicy
    agreement_id: int | None = None


@dataclass(frozen=True)
class OpenPromise:
    person_id: int
    contract_id: int | None
    made_on: date
    promised_on: date
    amount_cents: int


@dataclass(frozen=True)
class ContractFacts:
    """What a txid's contract is: whose, and whether it still takes payments."""

    contract_id: int
    patient_id: int
    cancelled: bool = False


@dataclass(frozen=True)
class DebtBook:
    """The open debts the matcher may look at (the service loads only the people and contracts
    the credits point to)."""

    installments: tuple[OpenInstallment, ...] = ()
    promises: tuple[OpenPromise, ...] = ()
    contracts: Mapping[int, ContractFacts] = field(default_factory=dict)
    _by_person: dict[int, list[OpenInstallment]] = field(init=False, repr=False, compare=False)
    _by_contract: dict[int, list[OpenInstallment]] = field(init=False, repr=False, compare=False)
    _promised: dict[int, list[OpenPromise]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_person: dict[int, list[OpenInstallment]] = {}
        by_contract: dict[int, list[OpenInstallment]] = {}
        for item in sorted(
            self.installments,
            key=lambda i: (i.terms.effective_due_date, i.contract_id, i.terms.number),
        ):
            for person_id in {item.payer_id, item.patient_id}:
                by_person.setdefault(person_id, []).append(item)
            by_contract.setdefault(item.contract_id, []).append(item)
        promised: dict[int, list[OpenPromise]] = {}
        for promise in self.promises:
            promised.setdefault(promise.person_id, []).append(promise)
        object.__setattr__(self, "_by_person", by_person)
        object.__setattr__(self, "_by_contract", by_contract)
        object.__setattr__(self, "_promised", promised)

    def of_person(self, person_id: int) -> list[OpenInstallment]:
        """What the person pays, as patient or as responsável financeiro — oldest first."""
        return self._by_person.get(person_id, [])

    def promises_of(self, person_id: int) -> list[OpenPromise]:
        return self._promised.get(person_id, [])

    def of_contract(self, contract_id: int) -> list[OpenInstallment]:
        return self._by_contract.get(contract_id, [])


# --- the answer ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A contract (and the installment, when one is named) the credit may pay, and why."""

    contract_id: int
    installment_number: int | None
    patient_id: int
    score: int
    reason: str


@dataclass(frozen=True)
class Match:
    status: MatchStatus
    reason: str
    candidates: tuple[Candidate, ...] = ()

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def match_credit(
    line: StatementLine,
    payer: Payer,
    people: Sequence[Debtor],
    book: DebtBook,
    clinic: ClinicIdentity,
) -> Match:
    """The rules above, in order, for one line; ``people`` are ``Directory.candidates(payer)``."""
    if not line.is_credit:
        return Match(MatchStatus.DEBIT, "débito: saída da conta, não é pagamento")
    ref = txid_in(line)
    if ref is not None:
        return by_txid(line, ref, book)
    why_not = not_a_payment(line, payer, clinic)
    if why_not is not None:
        return Match(MatchStatus.UNMATCHED, why_not)
    candidates, certain = ranked(line, payer, people, book)
    if len(certain) == 1:
        chosen = certain[0]
        rest = tuple(c for c in candidates if c != chosen)
        reason = f"CPF, nome e valor conferem: {chosen.reason}"
        return Match(MatchStatus.CERTAIN, reason, (chosen, *rest))
    if candidates:
        several = f" ({len(candidates)} possibilidades)" if len(candidates) > 1 else ""
        return Match(MatchStatus.SUGGESTED, candidates[0].reason + several, tuple(candidates))
    if not payer.name and not payer.pattern:
        return Match(MatchStatus.UNMATCHED, "o banco não mostra quem pagou")
    return Match(MatchStatus.UNMATCHED, "nenhuma dívida em aberto confere com pagador e valor")


def by_txid(line: StatementLine, ref: TxidRef, book: DebtBook) -> Match:
    """Rule 1, txid: the identifier names the installment (CC art. 352: the debtor's choice).
    Certain unless the contract is unknown, cancelled, settled, or owes less than the credit."""
    code = f"EMDIAC{ref.contract_id:06d}P{ref.number:02d}"
    facts = book.contracts.get(ref.contract_id)
    if facts is None:
        return Match(MatchStatus.UNMATCHED, f"identificador {code} de um contrato que não existe")
    if facts.cancelled:
        return Match(MatchStatus.UNMATCHED, f"identificador {code}: o contrato está cancelado")
    owed = sum(
        updated_debt(i.terms, i.settlements, line.posted_on, i.policy).total_cents
        for i in book.of_contract(ref.contract_id)
    )
    candidate = Candidate(
        ref.contract_id,
        ref.number,
        facts.patient_id,
        100,
        f"PIX com o identificador da {installment_words(ref.number)} do contrato "
        f"{ref.contract_id} ({code})",
    )
    if owed == 0:
        reason = f"identificador {code}, mas o contrato já está quitado (pago em duplicidade?)"
        return Match(MatchStatus.SUGGESTED, reason, (replace(candidate, installment_number=None),))
    if not open_installment(book, ref.contract_id, ref.number, line.posted_on):
        # The debtor named an installment that no longer takes money (paid at the desk, or
        # replaced by an acordo): their choice cannot be honoured, so the receptionist decides;
        # registered, the money goes to the oldest open ones (CC art. 355).
        reason = (
            f"identificador {code}, mas a {installment_words(ref.number)} já está "
            "paga ou foi renegociada: o valor iria para as parcelas em aberto mais antigas"
        )
        return Match(MatchStatus.SUGGESTED, reason, (replace(candidate, installment_number=None),))
    if line.amount_cents > owed:
        reason = (
            f"identificador {code}, mas o valor passa do que o contrato deve nesse dia "
            f"({format_brl(owed)}): o excedente fica como crédito do paciente"
        )
        return Match(MatchStatus.SUGGESTED, reason, (candidate,))
    return Match(MatchStatus.CERTAIN, candidate.reason, (candidate,))


def open_installment(book: DebtBook, contract_id: int, number: int, day: date) -> bool:
    """Whether the contract's installment ``number`` still takes money on ``day`` (the book
    holds only installments neither settled nor renegotiated)."""
    return any(
        item.terms.number == number
        and updated_debt(item.terms, item.settlements, day, item.policy).is_open
        for item in book.of_contract(contract_id)
    )


def could_be(amount_cents: int, item: OpenInstallment, day: date) -> bool:
    """A quick bound before ``updated_debt`` (a statement asks it of thousands of installments):
    on ``day`` the installment costs at least its open principal less the punctuality discount,
    and — without correction — at most its amount plus the multa and the juros of every day
    since the due date (and a day more). Never rules out a real match (property test)."""
    principal = item.terms.amount_cents - sum(s.principal_cents for s in item.settlements)
    low = principal * (10_000 - item.policy.punctuality_discount_bp) // 10_000
    if amount_cents < low:
        return False
    if item.policy.correction is not None:
        return True
    full = item.terms.amount_cents
    days = max(0, (day - item.terms.effective_due_date).days) + 1
    charges = full * item.policy.fine_bp + full * item.policy.interest_monthly_bp * days // 30
    return amount_cents * 10_000 <= full * 10_000 + charges + 10_000


def amount_reason(line: StatementLine, item: OpenInstallment) -> tuple[int, str] | None:
    """Whether the credit is exactly what the installment costs on the bank's date (updated) or
    its principal still open (paid without the charges); the score part and the reason."""
    if not could_be(line.amount_cents, item, line.posted_on):
        return None
    debt = updated_debt(item.terms, item.settlements, line.posted_on, item.policy)
    if not debt.is_open:
        return None
    what = installment_words(item.terms.number)
    if item.agreement_id is not None:
        what += f" do acordo {item.agreement_id}"
    due = format_date(item.terms.due_date)
    if line.amount_cents == debt.total_cents:
        return AMOUNT_UPDATED, f"valor da {what} (vence {due}) atualizado no dia do crédito"
    if line.amount_cents == debt.open_principal_cents:
        return AMOUNT_PRINCIPAL, f"valor da {what} (vence {due}) sem multa e juros"
    return None


def ranked(
    line: StatementLine, payer: Payer, people: Sequence[Debtor], book: DebtBook
) -> tuple[list[Candidate], list[Candidate]]:
    """Rules 1 (CPF) and 2: every contract of a resembling person whose debt the amount
    matches, best first — one per contract —, and those among them that are certain (the CPF
    digits and the name match, and the amount is a debt's)."""
    best: dict[int, tuple[Candidate, bool]] = {}
    for person in people:
        document = document_matches(payer.pattern, person.cpf) is True
        naming = name_score(payer.name, person.name)
        who = NAME_WEIGHT * naming // 100 + (DOCUMENT_POINTS if document else 0)
        identified = document and naming > 0
        for candidate, amount_points in person_candidates(line, person, book, who, identified):
            sure = identified and amount_points >= AMOUNT_PRINCIPAL
            kept = best.get(candidate.contract_id)
            if kept is None or candidate.score > kept[0].score:
                best[candidate.contract_id] = (candidate, sure)
    ordered = sorted(best.values(), key=lambda pair: (-pair[0].score, pair[0].contract_id))
    return [c for c, _ in ordered], [c for c, sure in ordered if sure]


def person_candidates(
    line: StatementLine, person: Debtor, book: DebtBook, who: int, identified: bool
) -> list[tuple[Candidate, int]]:
    """One person's debts the credit's amount matches (installments, oldest first; promises),
    each with the part of its score the amount gave; or — when the person is ``identified`` (CPF
    digits and name both match) but no amount does — their oldest open contract, as a partial
    payment. ``who`` is the part of the score the payer's name and CPF give."""
    found: list[tuple[Candidate, int]] = []
    items = book.of_person(person.person_id)
    for item in items:
        matched = amount_reason(line, item)
        if matched is not None:
            points, reason = matched
            number = item.terms.number
            candidate = Candidate(item.contract_id, number, item.patient_id, points + who, reason)
            found.append((candidate, points))
    for promise in book.promises_of(person.person_id):
        if promise.amount_cents != line.amount_cents:
            continue
        latest = promise.promised_on + timedelta(days=PROMISE_GRACE_DAYS)
        contract_id = promise.contract_id or (items[0].contract_id if items else None)
        if contract_id is None or not promise.made_on <= line.posted_on <= latest:
            continue
        patient = next((i.patient_id for i in items if i.contract_id == contract_id), None)
        reason = f"valor da promessa de pagamento para {format_date(promise.promised_on)}"
        candidate = Candidate(
            contract_id, None, patient or person.person_id, AMOUNT_PROMISE + who, reason
        )
        found.append((candidate, AMOUNT_PROMISE))
    if not found and items and identified:
        first = items[0]
        reason = "CPF e nome conferem, mas o valor não é o de nenhuma parcela (pagamento parcial?)"
        candidate = Candidate(first.contract_id, None, first.patient_id, AMOUNT_NONE + who, reason)
        found.append((candidate, AMOUNT_NONE))
    return found


# --- a payment already typed at the desk ---------------------------------------------------


@dataclass(frozen=True)
class DeskPayment:
    """An effective payment not yet linked to any statement line."""

    payment_id: int
    contract_id: int
    person_ids: frozenset[int]  # the contract's patient and responsável
    paid_on: date
    amount_cents: int


def desk_payment_for(
    line: StatementLine,
    contract_ids: Iterable[int],
    person_ids: Iterable[int],
    payments: Sequence[DeskPayment],
    taken: Iterable[int] = (),
) -> DeskPayment | None:
    """The desk payment this credit is (same amount, a contract the txid names or a payer the
    statement shows, within ``DESK_DAYS``), closest in date first; ``taken`` are payments
    already linked to another line."""
    contracts, people, used = set(contract_ids), set(person_ids), set(taken)
    window = timedelta(days=DESK_DAYS)
    fitting = [
        p
        for p in payments
        if p.amount_cents == line.amount_cents
        and p.payment_id not in used
        and abs(p.paid_on - line.posted_on) <= window
        and (p.contract_id in contracts or p.person_ids & people)
    ]
    return min(
        fitting, key=lambda p: (abs((p.paid_on - line.posted_on).days), p.payment_id), default=None
    )
