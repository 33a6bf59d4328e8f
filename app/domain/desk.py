"""Início: the desk's day (what the receptionist did and has left today, the promises that fall
due today, the money that came in) and the gestor's inbox (what waits for a decision only they
may take). Plain values; ``app.services.desk`` fills them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.dashboard import PromiseLine
from app.domain.promises import PromiseStatus


@dataclass(frozen=True)
class Received:
    """Payments that still count (neither an estorno nor reversed), late or on time."""

    cents: int
    count: int


@dataclass(frozen=True)
class DeskDay:
    day: date
    contacts_done: int  # outcomes logged today, by anyone (undone ones left out)
    contacts_left: int  # rows still in Cobrança de hoje
    contacts_now: int  # of those, the ones the contact rules allow right now
    promises_today: tuple[PromiseLine, ...]  # promised for today, with where each stands
    received_today: Received
    received_month: Received

    @property
    def month_start(self) -> date:
        return self.day.replace(day=1)

    @property
    def promises_today_cents(self) -> int:
        return sum(
            p.promise.amount_cents
            for p in self.promises_today
            if p.status is not PromiseStatus.CANCELLED
        )


class InboxKind(StrEnum):
    """What waits for the gestor, in the order the inbox lists it."""

    REMOVAL = "removal"  # a paid debt still negativada: removal within 5 business days
    APPROVAL = "approval"  # an acordo whose discount passes the clinic's limit
    NEGATIVACAO = "negativacao"  # notice sent 10+ days ago: ready to be registered
    SUSPENSION = "suspension"  # new treatments: suspension suggested


INBOX_TITLES = {
    InboxKind.REMOVAL: "Retirar negativação",
    InboxKind.APPROVAL: "Acordo para aprovar",
    InboxKind.NEGATIVACAO: "Negativação pronta para registrar",
    InboxKind.SUSPENSION: "Suspensão de novos tratamentos sugerida",
}


@dataclass(frozen=True)
class InboxItem:
    kind: InboxKind
    patient_id: int
    patient_name: str
    detail: str  # pt-BR: the amount, the deadline, why
    contract_id: int | None = None
    agreement_id: int | None = None
    urgent: bool = False  # past its legal deadline

    @property
    def title(self) -> str:
        return INBOX_TITLES[self.kind]


def inbox_order(items: list[InboxItem]) -> list[InboxItem]:
    """Urgent first, then by kind (removals have a legal deadline), then by name."""
    kinds = list(InboxKind)
    return sorted(items, key=lambda i: (not i.urgent, kinds.index(i.kind), i.patient_name))
