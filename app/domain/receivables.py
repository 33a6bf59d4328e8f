"""Facts about receivables as the repository hands them to the worklist and the dashboard."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from app.domain.law import ChargePolicy, InstallmentTerms, Settlement


class ContractParties(NamedTuple):
    """Whose a contract is and its charge policy: one per contract, shared by its installments."""

    patient_id: int
    responsible_id: int | None  # the contract's responsável financeiro
    policy: ChargePolicy


# An installment open and past its effective due date on the day, with its contract's parties
# and its settlements: ``(contract_id, parties, terms, settlements)``, exactly what
# ``law.updated_debt`` needs. A plain tuple, not a named one: one is built for every overdue
# installment of the clinic each time the overdue money is computed (25,000 at 20,000
# patients), and a plain tuple is built without a call into Python.
OverdueLedger = tuple[int, ContractParties, InstallmentTerms, tuple[Settlement, ...]]

# Starts reading the settlements of these installment ids; gives back what waits for them.
StartSettlements = Callable[[list[int]], Callable[[], Mapping[int, tuple[Settlement, ...]]]]

# What the overdue installments of a day need besides their terms, for the whole book — each
# contract's parties and each installment's settlements — as the repository read it on one
# connection (``overdue_context``) for ``overdue_ledgers`` to take on another: its own form.
LedgerContext = tuple[str, str]


@dataclass(frozen=True)
class Person:
    """A patient or responsável as collection sees them: who to call and whether we can."""

    id: int
    name: str
    name_search: str  # folded, as stored for search-as-you-type
    cpf: str | None
    phone: str
    phone_alt: str
    email: str
    responsible_id: int | None
    data_confirmed_on: date | None
    suspended: bool
    opt_out_whatsapp: bool = False
    opt_out_sms: bool = False
    opt_out_email: bool = False
    opt_out_phone: bool = False

    @property
    def reachable(self) -> bool:
        """Has a phone or an e-mail the person did not opt out of (LGPD: consent per channel)."""
        phone_ok = bool(self.phone or self.phone_alt) and not (
            self.opt_out_whatsapp and self.opt_out_sms and self.opt_out_phone
        )
        return phone_ok or (bool(self.email) and not self.opt_out_email)


@dataclass(frozen=True)
class PromiseDue:
    """A promise whose day falls in a period (the dashboard's "promessas da semana")."""

    patient_id: int
    patient_name: str
    promised_on: date
    amount_cents: int
    made_on: date
    resolution: str | None
    paid_cents: int


@dataclass(frozen=True)
class ChangeMark:
    """How far the clinic's data had come when figures were computed from it: the newest id of
    each table a money change writes to (every money change adds a row or an audit line) and
    how many contracts were cancelled. ``exact`` is False when the database could not promise
    that no older row was still about to appear (PostgreSQL, a writer busy at that moment):
    figures computed under such a mark are recomputed in full at the next look."""

    newest: tuple[int, ...]
    cancelled: int
    exact: bool = True


@dataclass(frozen=True)
class MoneyChanges:
    """What changed since a mark: the patients (and contracts) whose money may differ, or
    ``everything`` when a change cannot be narrowed down to some patients (a correction index,
    the clinic's terms, a row that went missing)."""

    mark: ChangeMark
    patient_ids: frozenset[int] = frozenset()
    contract_ids: frozenset[int] = frozenset()
    everything: bool = False

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.patient_ids or self.contract_ids)


@dataclass(frozen=True)
class PeopleChanges:
    """What changed since a mark, for the worklist's risk facts (which are read person by
    person): the people whose facts may differ, or ``everything`` when a change cannot be
    narrowed down to some people."""

    mark: ChangeMark
    person_ids: frozenset[int] = frozenset()
    everything: bool = False
