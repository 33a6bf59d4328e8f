"""Negativação (gestor): the readiness checklist, recording the inclusion and the removal, and
the removals due after a full payment (``emdia negativacao``; the patient page's
"Negativação…"; the top of Cobrança de hoje; the dashboard).

The rules are ``app.domain.negativacao``; every amount comes from ``law.updated_debt`` on the
service clock's day. Recepção may look at the checklist and at the removals due; only who has
``Permission.NEGATIVACAO`` (gestor) records an inclusion or a removal — both audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.domain import limits
from app.domain.business_calendar import BusinessCalendar
from app.domain.catalog import DocumentKind
from app.domain.dates import format_date, parse_date
from app.domain.law import DebtLine, Status, contract_debt
from app.domain.money import format_brl
from app.domain.negativacao import (
    REMOVAL_REASONS,
    ArchivedFact,
    Countdown,
    DebtorData,
    NegativacaoFacts,
    NoticeSent,
    OpenNegativacao,
    Readiness,
    RemovalDue,
    TitleFacts,
    bureau_label,
    countdown,
    debt_paid_on,
    expiry_countdown,
    expiry_from,
    parse_bureau,
    readiness,
    surely_unpaid,
)
from app.domain.promises import pending_promise, with_payments
from app.domain.regua import StepKey
from app.errors import FieldError, NotFoundError, ValidationError
from app.persistence import models
from app.persistence.records import NegativacaoRow
from app.services.base import Permission, Service, clinic_calendar
from app.services.ports import UnitOfWorkPort


@dataclass(frozen=True)
class ContractCheck:
    """The checklist of one contract's overdue debt on ``as_of``."""

    contract_id: int
    patient_id: int
    patient_name: str
    debtor_id: int
    debtor_name: str
    as_of: date
    readiness: Readiness

    @property
    def ready(self) -> bool:
        return self.readiness.ready

    def as_json(self) -> dict[str, Any]:
        return {
            "contract_id": self.contract_id,
            "patient_id": self.patient_id,
            "patient_name": self.patient_name,
            "debtor_id": self.debtor_id,
            "debtor_name": self.debtor_name,
            "as_of": self.as_of,
            "ready": self.ready,
            "amount_cents": self.readiness.amount_cents,
            "oldest_due_date": self.readiness.oldest_due,
            "notice_document_id": self.readiness.notice_document_id,
            "installments": list(self.readiness.installments),
            "items": [
                {"key": i.key, "label": i.label, "ok": i.ok, "why": i.why}
                for i in self.readiness.items
            ],
        }


@dataclass(frozen=True)
class InclusionForm:
    contract_id: int
    bureau: str
    included_on: str  # dd/mm/aaaa or AAAA-MM-DD
    protocol: str = ""


@dataclass(frozen=True)
class RemovalForm:
    negativacao_id: int
    removed_on: str = ""  # default: today
    reason: str = ""  # default: "pagamento integral" when the debt was paid


@dataclass(frozen=True)
class NegativacaoView:
    """A negativação with where it stands today: active, to be removed (countdown), removed."""

    row: NegativacaoRow
    paid_on: date | None  # the debt registered was fully paid on this day
    countdown: Countdown | None  # only while not removed and paid
    by_acordo: bool = False  # paid through an acordo (its first parcela), not in full

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def bureau_label(self) -> str:
        return bureau_label(self.row.bureau)

    @property
    def status(self) -> str:
        if self.row.removed_on is not None:
            return f"retirada em {format_date(self.row.removed_on)}"
        if self.countdown is not None:
            return self.countdown.text
        return "ativa"

    def removal_due(self) -> RemovalDue:
        assert self.countdown is not None
        r = self.row
        return RemovalDue(
            r.id,
            r.patient_id,
            r.patient_name,
            r.contract_id,
            r.bureau,
            r.included_on,
            self.countdown,
        )

    def as_json(self) -> dict[str, Any]:
        r, c = self.row, self.countdown
        return {
            "negativacao_id": r.id,
            "patient_id": r.patient_id,
            "patient_name": r.patient_name,
            "contract_id": r.contract_id,
            "bureau": r.bureau,
            "amount_cents": r.amount_cents,
            "included_on": r.included_on,
            "protocol": r.protocol,
            "notice_document_id": r.notice_document_id,
            "installments": None if r.installments is None else list(r.installments),
            "removed_on": r.removed_on,
            "removal_reason": r.removal_reason,
            "paid_on": self.paid_on,
            "removal_deadline": c.deadline if c else None,
            "business_days_left": c.business_days_left if c else None,
            "removal_overdue": c.overdue if c else False,
            "status": self.status,
        }


def views_of(
    uow: UnitOfWorkPort,
    rows: list[NegativacaoRow],
    today: date,
    calendar: BusinessCalendar | None = None,
) -> list[NegativacaoView]:
    """Each negativação with the day its debt was paid (``updated_debt`` on ``today``) and, if
    still registered, the removal countdown (Súmula 548 STJ). ``calendar``: the clinic's, when
    the caller has read it already."""
    calendar = calendar or clinic_calendar(uow)
    contract_ids = sorted({r.contract_id for r in rows if r.contract_id is not None})
    ledgers = uow.contracts.ledgers_of(contract_ids) if contract_ids else {}
    policies = uow.contracts.policies_of(contract_ids) if contract_ids else {}
    acordos = uow.negativacoes.acordo_first_paid(contract_ids) if contract_ids else {}
    views = []
    for r in rows:
        paid_on, by_acordo = None, False
        registered: list[DebtLine] = []
        if r.contract_id is not None and r.contract_id in policies:
            lines = contract_debt(ledgers.get(r.contract_id, []), today, policies[r.contract_id])
            scope = OpenNegativacao(r.id, r.bureau, r.included_on, installments=r.installments)
            registered = [ln for ln in lines if scope.covers(ln)]
            paid_on = debt_paid_on(lines, r.included_on, acordos, r.installments)
            by_acordo = paid_on is not None and any(
                ln.status is Status.RENEGOCIADO for ln in registered
            )
        clock = None
        if r.removed_on is None and paid_on is not None:
            clock = countdown(paid_on, today, calendar)
        elif r.removed_on is None:
            # Five years of the oldest registered installment: removed like a paid one.
            clock = expiry_countdown(registered, today, calendar)
        views.append(NegativacaoView(r, paid_on, clock, by_acordo))
    return views


def pending_removals(uow: UnitOfWorkPort, today: date) -> list[NegativacaoView]:
    """Negativações still registered whose debt is paid (or five years old): most urgent first
    (the dashboard and Cobrança de hoje share this).

    Most open negativações are of debts still unpaid; an installment never settled nor
    renegotiated says so without reading a payment (``surely_unpaid``), and such a debt can
    only be due for removal by age. For a negativação of a contract's whole overdue debt the
    database answers that in one grouped query (``whole_debts_kept_unpaid``); one of listed
    installments reads its contract's installments (``installment_states``). Only the others
    are computed from their ledgers (``views_of``) — at a clinic with hundreds of
    negativações, the ledgers were most of Início's time. Every way gives the same answer (a
    test compares them with the ledgers' on the demo clinic)."""
    rows = uow.negativacoes.rows(open_only=True)
    unpaid = uow.negativacoes.whole_debts_kept_unpaid() if rows else {}
    listed = sorted(
        {r.contract_id for r in rows if r.contract_id is not None and r.installments is not None}
    )
    states = uow.contracts.installment_states(listed) if listed else {}
    calendar = clinic_calendar(uow)
    pending: list[NegativacaoView] = []
    to_compute: list[NegativacaoRow] = []
    for r in rows:
        if r.installments is None:
            oldest = unpaid.get(r.id)
            kept_unpaid = oldest is not None
            clock = expiry_from(oldest, today, calendar) if oldest is not None else None
        else:
            scope = OpenNegativacao(r.id, r.bureau, r.included_on, installments=r.installments)
            kept = states.get(r.contract_id, []) if r.contract_id is not None else []
            kept_unpaid = surely_unpaid(scope, kept)
            clock = expiry_countdown([i for i in kept if scope.covers(i)], today, calendar)
        if not kept_unpaid:
            to_compute.append(r)
        elif clock is not None:
            pending.append(NegativacaoView(r, None, clock, False))
    computed = views_of(uow, to_compute, today, calendar)
    pending += [v for v in computed if v.countdown is not None]
    return sorted(pending, key=lambda v: (v.countdown.deadline if v.countdown else today, v.id))


class NegativacaoService(Service):
    # --- the checklist ----------------------------------------------------------------------
    def check(
        self, contract_id: int | None = None, patient_id: int | None = None
    ) -> list[ContractCheck]:
        """The checklist of one contract, or of each active contract of a patient (as patient
        or as responsável financeiro) with money overdue."""
        self.require(Permission.PATIENTS)
        today = self.clock.today()
        with self.uow() as uow:
            if contract_id is not None:
                return [self._check(uow, contract_id, today)]
            if patient_id is None:
                raise ValidationError.single("contract", "Informe o contrato ou o paciente.")
            if uow.patients.get(patient_id) is None:
                raise NotFoundError(f"Paciente {patient_id} não encontrado.")
            checks = [
                self._check(uow, row.id, today)
                for row in uow.contracts.for_patient(patient_id)
                if row.status == "active"
            ]
        overdue = [c for c in checks if c.readiness.oldest_due is not None]
        return sorted(overdue or checks, key=lambda c: c.contract_id)

    def _check(self, uow: UnitOfWorkPort, contract_id: int, on: date) -> ContractCheck:
        contract = uow.contracts.get(contract_id)
        if contract is None:
            raise NotFoundError(f"Contrato {contract_id} não encontrado.")
        patient = uow.patients.get(contract.patient_id)
        assert patient is not None
        debtor_id = contract.responsible_id or patient.responsible_id or patient.id
        debtor = uow.patients.get(debtor_id) or patient
        policy = uow.contracts.policy(contract)
        lines = contract_debt(uow.contracts.ledgers(contract_id), on, policy)
        repo = uow.negativacoes
        notices = repo.documents_of((DocumentKind.AVISO_NEGATIVACAO.value,), contract_id)
        people = {debtor.id, patient.id}
        sent = repo.notices_sent(people, contract_id, StepKey.AVISO_NEGATIVACAO.value)
        promises = uow.collection.promises(sorted(people), on)
        promise_until = None
        if promises:
            records = [p for ps in promises.values() for p in ps]
            records = [p for p in records if p.contract_id in (None, contract_id)]
            if records:
                since = min(p.made_on for p in records)
                payments = uow.collection.payments_of(sorted(people), since)
                paid = [f for fs in payments.values() for f in fs]
                running = pending_promise([with_payments(p, paid, on) for p in records], on)
                promise_until = running.promised_on if running else None
        open_row = repo.open_for_contract(contract_id)
        facts = NegativacaoFacts(
            contract_id=contract_id,
            contract_status=contract.status,
            lines=lines,
            debtor=DebtorData(
                name=debtor.name,
                cpf=debtor.cpf,
                street=debtor.street,
                number=debtor.number,
                district=debtor.district,
                city=debtor.city,
                state=debtor.state,
                zip_code=debtor.zip_code,
            ),
            title=title_facts(uow, contract),
            notices=[
                ArchivedFact(i, k, at.date(), *announced_of(facts)) for i, k, at, facts in notices
            ],
            notices_sent=[NoticeSent(day, outcome) for day, outcome in sent],
            promise_until=promise_until,
            open_negativacao=open_negativacao(open_row),
        )
        return ContractCheck(
            contract_id=contract_id,
            patient_id=patient.id,
            patient_name=patient.name,
            debtor_id=debtor.id,
            debtor_name=debtor.name,
            as_of=on,
            readiness=readiness(facts, on),
        )

    # --- inclusion and removal --------------------------------------------------------------
    def include(self, form: InclusionForm) -> NegativacaoView:
        """Record that the debt was registered with a bureau. Refused — with the checklist's
        failing items — unless every item holds on the inclusion date; the amount is the
        updated debt today (``law.updated_debt``). Audited."""
        self.require(Permission.NEGATIVACAO)
        today = self.clock.today()
        errors: list[FieldError] = []
        bureau = parse_bureau(form.bureau)
        if bureau is None:
            errors.append(FieldError("bureau", "Birô: escolha SPC, Serasa, Boa Vista ou outro."))
        on = parse_date(form.included_on, "date", "Data da inclusão")
        if isinstance(on, FieldError):
            errors.append(on)
            on = today
        elif on > self.latest_record_day():
            errors.append(FieldError("date", "Data da inclusão: não pode ser depois de hoje."))
        protocol = form.protocol.strip()
        problem = limits.text_problem(protocol, "Protocolo", limits.COLUMNS["negativacao.protocol"])
        if problem is not None:
            errors.append(FieldError("protocol", problem))
        if errors:
            raise ValidationError(errors)
        assert bureau is not None
        with self.uow() as uow:
            # Two PCs including the same debt: the second waits for the first (BEGIN IMMEDIATE
            # on SQLite, the contract row locked FOR UPDATE on PostgreSQL) and then sees it.
            uow.lock_contract(form.contract_id)
            check = self._check(uow, form.contract_id, on)
            if not check.ready:
                raise ValidationError(
                    [
                        FieldError("checklist", f"{item.label}: {item.why}.")
                        for item in check.readiness.failing
                    ]
                )
            amount = self._check(uow, form.contract_id, today).readiness.amount_cents
            row = uow.negativacoes.add(
                models.Negativacao(
                    patient_id=check.debtor_id,
                    contract_id=form.contract_id,
                    bureau=bureau.value,
                    amount_cents=amount,
                    included_on=on,
                    protocol=protocol,
                    notice_document_id=check.readiness.notice_document_id,
                    installments=list(check.readiness.installments),
                    included_by_id=self.actor.user_id,
                )
            )
            self.audit(
                uow,
                "negativacao.include",
                "negativacao",
                row.id,
                None,
                {
                    "contract_id": form.contract_id,
                    "patient_id": check.debtor_id,
                    "bureau": bureau.value,
                    "amount_cents": amount,
                    "included_on": on.isoformat(),
                    "protocol": protocol,
                    "notice_document_id": check.readiness.notice_document_id,
                    "installments": list(check.readiness.installments),
                },
            )
            uow.commit()
            return self._view(uow, row.id, today)

    def remove(self, form: RemovalForm) -> NegativacaoView:
        """Record that the bureau was asked to remove the negativação (Súmula 548 STJ: within 5
        business days of the full payment). Audited."""
        self.require(Permission.NEGATIVACAO)
        today = self.clock.today()
        with self.uow() as uow:
            uow.begin_write()
            row = uow.negativacoes.get_row(form.negativacao_id)
            if row is None:
                raise NotFoundError(f"Negativação {form.negativacao_id} não encontrada.")
            if row.contract_id is not None:  # PostgreSQL: two PCs removing it queue up here
                uow.lock_contract(row.contract_id)
                uow.refresh(row)
            if row.removed_on is not None:
                raise ValidationError.single(
                    "negativacao",
                    f"Negativação {row.id}: já retirada em {format_date(row.removed_on)}.",
                )
            view = self._view(uow, row.id, today)
            on: date | FieldError = today
            if form.removed_on.strip():
                on = parse_date(form.removed_on, "date", "Data da retirada")
            errors: list[FieldError] = []
            if isinstance(on, FieldError):
                errors.append(on)
            elif on > self.latest_record_day():
                errors.append(FieldError("date", "Data da retirada: não pode ser depois de hoje."))
            elif on < row.included_on:
                errors.append(
                    FieldError(
                        "date",
                        "Data da retirada: não pode ser antes da inclusão "
                        f"({format_date(row.included_on)}).",
                    )
                )
            paid_reason = "pagamento integral"
            if view.by_acordo:
                paid_reason = "acordo: primeira parcela paga"
            elif view.countdown is not None and view.countdown.expired:
                paid_reason = "prazo de 5 anos"
            due = view.paid_on is not None or view.countdown is not None
            reason = form.reason.strip() or (paid_reason if due else "")
            if not reason:
                errors.append(
                    FieldError(
                        "reason",
                        "Motivo: a dívida ainda não foi paga — diga por que retirar ("
                        + ", ".join(REMOVAL_REASONS[1:])
                        + ").",
                    )
                )
            elif problem := limits.text_problem(
                reason, "Motivo", limits.COLUMNS["negativacao.removal_reason"]
            ):
                errors.append(FieldError("reason", problem))
            if errors:
                raise ValidationError(errors)
            assert isinstance(on, date)
            row.removed_on = on
            row.removal_reason = reason
            row.removed_by_id = self.actor.user_id
            self.audit(
                uow,
                "negativacao.remove",
                "negativacao",
                row.id,
                {"removed_on": None},
                {
                    "removed_on": on.isoformat(),
                    "removal_reason": reason,
                    "paid_on": view.paid_on.isoformat() if view.paid_on else None,
                    "deadline": view.countdown.deadline.isoformat() if view.countdown else None,
                },
            )
            uow.commit()
            return self._view(uow, row.id, today)

    def _view(self, uow: UnitOfWorkPort, negativacao_id: int, today: date) -> NegativacaoView:
        rows = uow.negativacoes.rows(negativacao_id=negativacao_id)
        if not rows:
            raise NotFoundError(f"Negativação {negativacao_id} não encontrada.")
        return views_of(uow, rows, today)[0]

    # --- lists --------------------------------------------------------------------------------
    def pending_removals(self) -> list[NegativacaoView]:
        """Registered negativações whose debt is fully paid, with the 5-business-day countdown
        (most urgent first): the top of Cobrança de hoje."""
        self.require(Permission.MESSAGES)
        with self.uow() as uow:
            return pending_removals(uow, self.clock.today())

    def list(
        self, *, pending_removal: bool = False, patient_id: int | None = None
    ) -> list[NegativacaoView]:
        self.require(Permission.MESSAGES)
        if pending_removal:
            found = self.pending_removals()
            return [v for v in found if patient_id is None or v.row.patient_id == patient_id]
        with self.uow() as uow:
            return views_of(uow, uow.negativacoes.rows(patient_id=patient_id), self.clock.today())


def title_facts(uow: UnitOfWorkPort, contract: models.Contract) -> TitleFacts:
    """What proves the contract's debt: its recorded signing date, or the acordo it carries with
    the acceptance and the archived confissão, and the copies of them the debtor signed
    electronically (the checklist's *título* item)."""
    e_signed = uow.signatures.for_titles(contract.id, contract.agreement_id)
    if contract.agreement_id is None:
        return TitleFacts(signed_on=contract.signed_at, e_signed=e_signed)
    agreement = uow.agreements.get(contract.agreement_id)
    confessions = uow.negativacoes.documents_of(
        (DocumentKind.CONFISSAO.value,), contract.id, contract.agreement_id
    )
    last = max(confessions, key=lambda d: d[0], default=None)
    return TitleFacts(
        signed_on=contract.signed_at,
        agreement_id=contract.agreement_id,
        accepted_on=agreement.accepted_on if agreement is not None else None,
        confession=ArchivedFact(last[0], last[1], last[2].date()) if last else None,
        e_signed=e_signed,
    )


def announced_of(facts: dict[str, object] | None) -> tuple[tuple[int, ...] | None, int | None]:
    """An aviso's ``document.announced``: (installment numbers, amount) — (None, None) for one
    archived before EmDia kept them."""
    if not facts:
        return None, None
    numbers = facts.get("installments")
    cents = facts.get("amount_cents")
    return (
        tuple(int(n) for n in numbers) if isinstance(numbers, list) else None,
        cents if isinstance(cents, int) else None,
    )


def open_negativacao(row: models.Negativacao | None) -> OpenNegativacao | None:
    if row is None:
        return None
    registered = None if row.installments is None else tuple(row.installments)
    return OpenNegativacao(row.id, row.bureau, row.included_on, row.protocol, registered)


def describe(view: NegativacaoView) -> str:
    """One line for the terminal and tooltips."""
    r = view.row
    text = (
        f"{r.id}: {r.patient_name} — {view.bureau_label}, incluída em "
        f"{format_date(r.included_on)}, {format_brl(r.amount_cents)}"
    )
    if r.protocol:
        text += f", protocolo {r.protocol}"
    return f"{text} — {view.status}"
