"""Efetividade da cobrança: which steps of the régua and which channels bring the money in —
contacts made in the period, promises made and kept, money received within 7 days of a contact;
acordos made, kept and broken; negativações and the money recovered after them.

Outcomes are judged as they stand today (a promise made in March is kept or broken by now), so
the report answers "did it work?", not "what did we know that day?".

- **Recebido em até 7 dias**: each effective payment (not reversed) of the person contacted —
  as patient or as responsável financeiro — is credited to the latest contact made with them in
  the 7 days before it (a contact on the day of the payment counts). One payment is never
  credited twice, so the column adds up to money really received. The thank-you step, sent
  *after* a payment, is never credited.
- **Promessas**: the promises recorded with a contact of the period; **cumpridas** when the
  money arrived by the promised day (``app.domain.promises``); the rate counts only the
  promises whose day has passed (a pending one is neither kept nor broken yet).
- **Acordos**: accepted in the period; **não cumpridos** once a parcela is more than 30 days
  late (``app.domain.agreements.broken_on``); the others count as cumpridos (being paid, or
  paid).
- **Negativações**: included and removed in the period; **recuperado** is the money paid on the
  negativado debt from the day of the inclusion until today, for those included in the period.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.agreements import PlanInstallment, broken_on
from app.domain.catalog import AgreementStatus, label
from app.domain.dashboard import rate_bp
from app.domain.money import format_brl, format_percent
from app.domain.promises import PromiseStatus
from app.domain.regua import EVENT_STEPS
from app.domain.reports.period import REPORT_TITLES, Period, ReportKind
from app.domain.reports.view import (
    Chart,
    ReportTable,
    ReportView,
    Series,
    count,
    money,
    percent,
    text,
)

ATTRIBUTION_DAYS = 7
NO_STEP = ""  # a contact logged outside the régua
NO_STEP_LABEL = "Contato avulso"


@dataclass(frozen=True)
class ContactFact:
    contact_id: int
    person_id: int  # who was contacted (the responsável financeiro, or the patient)
    day: date
    step: str  # régua step key ("" outside the régua)
    channel: str


@dataclass(frozen=True)
class PaymentFact:
    person_id: int  # the patient or the responsável of the contract paid
    day: date
    amount_cents: int


@dataclass(frozen=True)
class AgreementFact:
    accepted_on: date
    broken: bool  # a parcela more than 30 days late by today


@dataclass(frozen=True)
class NegativacaoFact:
    included_on: date
    removed_on: date | None
    recovered_cents: int  # paid on the negativado debt since the inclusion


@dataclass(frozen=True)
class StepResult:
    step: str
    channel: str
    contacts: int = 0
    promises: int = 0
    promises_kept: int = 0
    paid_within_7_days_cents: int = 0
    promises_pending: int = 0  # their day has not come yet

    @property
    def kept_bp(self) -> int:
        """Kept out of the promises already due (a pending one is neither kept nor broken)."""
        return rate_bp(self.promises_kept, self.promises - self.promises_pending)


@dataclass(frozen=True)
class EffectivenessReport:
    period: Period
    steps: tuple[StepResult, ...]
    agreements_made: int
    agreements_kept: int
    agreements_broken: int
    negativacoes_included: int
    negativacoes_removed: int
    negativacoes_recovered_cents: int
    step_names: Mapping[str, str]

    def step_name(self, step: str) -> str:
        return self.step_names.get(step, step) if step else NO_STEP_LABEL


def agreement_broken(status: str, plan: Sequence[PlanInstallment], today: date) -> bool:
    """Não cumprido: flagged so, or a parcela of its plan more than 30 days late by today."""
    return status == AgreementStatus.BROKEN or broken_on(plan, today) is not None


def credited(contacts: Sequence[ContactFact], payments: Iterable[PaymentFact]) -> dict[int, int]:
    """Money credited to each contact: every payment to the latest non-event contact with the
    same person in the ``ATTRIBUTION_DAYS`` days before it (the same day included)."""
    by_person: dict[int, list[ContactFact]] = {}
    for c in sorted(contacts, key=lambda c: (c.day, c.contact_id)):
        if c.step not in EVENT_STEPS:
            by_person.setdefault(c.person_id, []).append(c)
    days = {pid: [c.day for c in found] for pid, found in by_person.items()}
    out: dict[int, int] = {}
    for p in payments:
        found = by_person.get(p.person_id)
        if not found:
            continue
        index = bisect_right(days[p.person_id], p.day) - 1
        if index < 0:
            continue
        contact = found[index]
        if p.day - contact.day <= timedelta(days=ATTRIBUTION_DAYS):
            out[contact.contact_id] = out.get(contact.contact_id, 0) + p.amount_cents
    return out


def build(
    period: Period,
    contacts: Sequence[ContactFact],
    promises: Iterable[tuple[int, PromiseStatus]],
    payments: Iterable[PaymentFact],
    agreements: Iterable[AgreementFact],
    negativacoes: Iterable[NegativacaoFact],
    step_order: Sequence[tuple[str, str]],
) -> EffectivenessReport:
    """``promises``: (contact id, status today) of each promise recorded with a contact;
    ``step_order``: the régua's (key, name) in its order."""
    in_period = [c for c in contacts if c.day in period]
    money_of = credited(contacts, payments)
    promised: dict[int, list[PromiseStatus]] = {}
    for contact_id, status in promises:
        promised.setdefault(contact_id, []).append(status)
    groups: dict[tuple[str, str], list[int]] = {}
    for c in in_period:
        key = (c.step, c.channel)
        acc = groups.setdefault(key, [0, 0, 0, 0, 0])
        statuses = promised.get(c.contact_id, [])
        acc[0] += 1
        acc[1] += len(statuses)
        acc[2] += statuses.count(PromiseStatus.KEPT)
        acc[3] += money_of.get(c.contact_id, 0)
        acc[4] += statuses.count(PromiseStatus.PENDING)
    position = {key: i for i, (key, _name) in enumerate(step_order)}
    steps = tuple(
        StepResult(step, channel, *acc)
        for (step, channel), acc in sorted(
            groups.items(), key=lambda kv: (position.get(kv[0][0], len(position)), kv[0])
        )
    )
    made = [a for a in agreements if a.accepted_on in period]
    negs = list(negativacoes)
    included = [n for n in negs if n.included_on in period]
    return EffectivenessReport(
        period=period,
        steps=steps,
        agreements_made=len(made),
        agreements_kept=sum(1 for a in made if not a.broken),
        agreements_broken=sum(1 for a in made if a.broken),
        negativacoes_included=len(included),
        negativacoes_removed=sum(1 for n in negs if n.removed_on in period),
        negativacoes_recovered_cents=sum(n.recovered_cents for n in included),
        step_names=dict(step_order),
    )


def step_label(name: str, channel: str) -> str:
    """``Atraso (WhatsApp)``; just ``Ligação`` when the step is named after its channel."""
    return name if name.lower() == channel.lower() else f"{name} ({channel})"


def view(report: EffectivenessReport) -> ReportView:
    steps = report.steps
    contacts = sum(s.contacts for s in steps)
    promises = sum(s.promises for s in steps)
    kept = sum(s.promises_kept for s in steps)
    due = promises - sum(s.promises_pending for s in steps)
    paid = sum(s.paid_within_7_days_cents for s in steps)
    kept_bp = rate_bp(kept, due)
    main = ReportTable(
        "Por etapa da régua e canal",
        (
            text("Etapa"),
            text("Canal"),
            count("Contatos"),
            count("Promessas"),
            count("Cumpridas"),
            percent("% cumpridas (das vencidas)"),
            money("Recebido em até 7 dias"),
        ),
        tuple(
            (
                report.step_name(s.step),
                label(s.channel),
                s.contacts,
                s.promises,
                s.promises_kept,
                s.kept_bp,
                s.paid_within_7_days_cents,
            )
            for s in steps
        ),
        total=("Total", None, contacts, promises, kept, kept_bp, paid),
        empty="Nenhum contato registrado no período.",
    )
    outcomes = ReportTable(
        "Acordos e negativações",
        (text("O quê"), count("Quantos"), money("Valor recuperado")),
        (
            ("Acordos feitos", report.agreements_made, None),
            ("Acordos cumpridos (em dia ou quitados)", report.agreements_kept, None),
            ("Acordos não cumpridos", report.agreements_broken, None),
            ("Negativações incluídas", report.negativacoes_included, None),
            ("Negativações retiradas", report.negativacoes_removed, None),
            (
                "Recuperado após a negativação",
                None,
                report.negativacoes_recovered_cents,
            ),
        ),
    )
    return ReportView(
        kind=ReportKind.EFETIVIDADE,
        title=REPORT_TITLES[ReportKind.EFETIVIDADE],
        subtitle=report.period.label,
        summary=(
            ("Contatos", str(contacts)),
            ("Promessas cumpridas", f"{kept} de {due} vencidas ({format_percent(kept_bp)})"),
            ("Recebido em até 7 dias de um contato", format_brl(paid)),
            ("Acordos cumpridos", f"{report.agreements_kept} de {report.agreements_made}"),
            ("Recuperado após negativação", format_brl(report.negativacoes_recovered_cents)),
        ),
        tables=(main, outcomes),
        chart=Chart(
            "Recebido em até 7 dias, por etapa",
            tuple(step_label(report.step_name(s.step), label(s.channel)) for s in steps),
            (Series("Recebido", tuple(s.paid_within_7_days_cents for s in steps)),),
        ),
        notes=(
            "Contatos e promessas do período; cumprida ou não e o dinheiro recebido são vistos "
            "hoje. Cada pagamento conta para o último contato feito com a pessoa nos 7 dias "
            "anteriores (nunca para dois). Acordos: aceitos no período; não cumprido = parcela "
            "com mais de 30 dias de atraso. Recuperado após negativação: pago na dívida "
            "negativada desde a inclusão, das negativações incluídas no período.",
        ),
        as_of=report.period.end,
    )
