"""The contact log (``emdia contact``): what came of each contact with a patient — sent, no
answer, promised to pay on a date, refused — and the history of them all. It is the evidence
that collection was polite and lawful, and it moves the patient along the régua (a contact
just logged leaves today's list; a promise waits for its date).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.domain import limits
from app.domain.catalog import ContactOutcome, label
from app.domain.contacts import parse_channel, parse_outcome
from app.domain.dates import format_date, parse_date
from app.domain.law import contract_debt
from app.domain.money import format_brl, parse_money_field
from app.domain.promises import PROMISE_STATUS_LABELS, PaymentFact, promise_status, with_payments
from app.domain.regua import DEFAULT_STEPS
from app.errors import FieldError, NotFoundError, ValidationError
from app.persistence import models
from app.services.base import Context, Permission, Service
from app.services.collection.drafts import DraftService, MessageDraft
from app.services.ports import UnitOfWorkPort

MAX_PROMISE_DAYS = 90  # a promise further away than this is a renegotiation, not a promise


@dataclass(frozen=True)
class OutcomeForm:
    """An outcome logged from the worklist (two clicks) or ``emdia contact log``. Step, channel
    and contract default to the step due today for that patient."""

    patient_id: int
    outcome: str
    channel: str = ""
    step_key: str = ""
    contract_id: int | None = None
    promise_date: str = ""
    promise_amount: str = ""
    note: str = ""
    message_text: str = ""
    # The person confirmed a promise larger than today's debt (paying parcelas ahead).
    confirm_above_debt: bool = False


@dataclass(frozen=True)
class LoggedContact:
    contact_id: int
    outcome: str
    step_key: str
    channel: str
    promise_id: int | None = None
    promised_on: date | None = None
    promise_cents: int | None = None


@dataclass(frozen=True)
class ContactView:
    """A line of the patient's contact history (the evidence of polite collection)."""

    id: int
    at: datetime
    channel: str
    step: str
    outcome: str
    who: str
    note: str = ""
    promise: str = ""
    flags: tuple[str, ...] = field(default_factory=tuple)


class ContactLogService(Service):
    def __init__(self, ctx: Context, drafts: DraftService) -> None:
        super().__init__(ctx)
        self.drafts = drafts  # an outcome defaults to the step due today

    def log_outcome(self, form: OutcomeForm) -> LoggedContact:
        """Record what happened (the evidence of polite collection); "prometeu pagar" also
        records the promise. The row leaves today's list. The contact rules are not enforced
        here: the log says what happened, even a call the patient made on a Sunday."""
        self.require(Permission.MESSAGES)
        outcome = parse_outcome(form.outcome)
        draft = self.drafts.draft_for(form.patient_id)
        today = self.clock.today()
        errors: list[FieldError] = []
        channel = ""
        channel_text = form.channel or (draft.channel if draft else "")
        if not channel_text:
            errors.append(FieldError("channel", "Canal: informe como foi o contato."))
        else:
            try:
                channel = parse_channel(channel_text).value
            except ValidationError as exc:
                errors.extend(exc.errors)
        step_key = form.step_key or (draft.step_key if draft else "")
        if step_key and step_key not in {s.key for s in DEFAULT_STEPS}:
            errors.append(FieldError("step", f"Passo: '{step_key}' não existe na régua."))
        contract_id = form.contract_id or (draft.contract_id if draft else None)
        promised_on: date | None = None
        promise_cents: int | None = None
        if outcome is ContactOutcome.PROMISED:
            promised_on, promise_cents = self._promise(form, draft, today, errors)
        elif form.promise_date.strip() or form.promise_amount.strip():
            errors.append(
                FieldError(
                    "promise_amount" if form.promise_amount.strip() else "promise_date",
                    "Promessa: data e valor prometidos só valem com o resultado 'prometeu' — "
                    "escolha esse resultado ou deixe a promessa em branco.",
                )
            )
        problem = limits.text_problem(form.note, "Observação", limits.NOTE)
        if problem is not None:
            errors.append(FieldError("note", problem))
        if errors:
            raise ValidationError(errors)
        with self.uow() as uow:
            if uow.patients.get(form.patient_id) is None:
                raise NotFoundError(f"Paciente {form.patient_id} não encontrado.")
            if contract_id is not None:
                contract = uow.contracts.get(contract_id)
                if contract is None or form.patient_id not in (
                    contract.patient_id,
                    contract.responsible_id,
                ):
                    raise ValidationError.single(
                        "contract",
                        f"Contrato {contract_id}: não é deste paciente.",
                    )
            if promise_cents is not None and not form.confirm_above_debt:
                above = self._above_debt(uow, form.patient_id, contract_id, promise_cents, today)
                if above is not None:
                    raise ValidationError.single("promise_amount", above)
            installment_id = (
                draft.installment_id
                if draft and draft.contract_id == contract_id and draft.step_key == step_key
                else None
            )
            text = form.message_text or (draft.text if draft and draft.step_key == step_key else "")
            log = uow.collection.add_contact(
                models.ContactLog(
                    patient_id=form.patient_id,
                    contract_id=contract_id,
                    installment_id=installment_id,
                    contacted_at=self.wall_clock.now(),
                    user_id=self.actor.user_id,
                    channel=channel,
                    step_key=step_key,
                    outcome=outcome.value,
                    note=form.note.strip(),
                    message_text=text,
                )
            )
            promise_id = None
            if promised_on is not None and promise_cents is not None:
                promise = uow.collection.add_promise(
                    models.Promise(
                        patient_id=form.patient_id,
                        contract_id=contract_id,
                        contact_log_id=log.id,
                        promised_on=promised_on,
                        amount_cents=promise_cents,
                    )
                )
                promise_id = promise.id
            self.audit(
                uow,
                "contact.log",
                "contact_log",
                log.id,
                None,
                _contact_audit(log, promised_on, promise_cents),
            )
            uow.commit()
            return LoggedContact(
                log.id, outcome.value, step_key, channel, promise_id, promised_on, promise_cents
            )

    def promise_above_debt(self, form: OutcomeForm) -> str | None:
        """The question to ask before logging ``form``'s promise when it is larger than
        everything the patient owes today (``None`` when it is not): the window asks it, the
        command line wants ``--confirm-above-debt``."""
        self.require(Permission.MESSAGES)
        amount = parse_money_field(form.promise_amount, "promise_amount", "Valor prometido")
        if not isinstance(amount, int) or amount <= 0:
            return None  # blank or wrong: log_outcome says what is wrong
        draft = self.drafts.draft_for(form.patient_id)
        contract_id = form.contract_id or (draft.contract_id if draft else None)
        with self.uow() as uow:
            return self._above_debt(uow, form.patient_id, contract_id, amount, self.clock.today())

    @staticmethod
    def _above_debt(
        uow: UnitOfWorkPort, patient_id: int, contract_id: int | None, amount: int, today: date
    ) -> str | None:
        """A promise is a date for money owed: more than the updated debt of the contract (or
        of every open contract of the patient) is a typo until the person confirms it."""
        contracts = (
            [c for c in (uow.contracts.get(contract_id),) if c is not None]
            if contract_id is not None
            else uow.contracts.open_for_patient(patient_id)
        )
        debt = 0
        for contract in contracts:
            policy = uow.contracts.policy(contract)
            lines = contract_debt(uow.contracts.ledgers(contract.id), today, policy)
            debt += sum(line.total_cents for line in lines if line.is_open)
        if amount <= debt:
            return None
        return (
            f"Valor prometido: {format_brl(amount)} é mais do que a dívida de hoje "
            f"({format_brl(debt)}). Confira o valor; se o paciente vai mesmo adiantar parcelas, "
            "confirme o valor acima da dívida."
        )

    @staticmethod
    def _promise(
        form: OutcomeForm, draft: MessageDraft | None, today: date, errors: list[FieldError]
    ) -> tuple[date | None, int | None]:
        promised_on: date | None = None
        parsed = parse_date(form.promise_date, "promise_date", "Data da promessa")
        if not form.promise_date.strip():
            errors.append(FieldError("promise_date", "Data da promessa: informe quando vai pagar."))
        elif isinstance(parsed, FieldError):
            errors.append(parsed)
        elif parsed < today:
            errors.append(
                FieldError("promise_date", "Data da promessa: não pode ser antes de hoje.")
            )
        elif parsed > today + timedelta(days=MAX_PROMISE_DAYS):
            errors.append(
                FieldError(
                    "promise_date",
                    f"Data da promessa: até {MAX_PROMISE_DAYS} dias; para prazos maiores, "
                    "proponha um acordo.",
                )
            )
        else:
            promised_on = parsed
        amount = parse_money_field(
            form.promise_amount, "promise_amount", "Valor prometido", allow_zero=False
        )
        if isinstance(amount, FieldError):
            errors.append(amount)
            return promised_on, None
        if amount is None and draft is not None and draft.amount_cents > 0:
            amount = draft.amount_cents  # what the message asked for
        if amount is None:
            errors.append(
                FieldError("promise_amount", "Valor prometido: informe o valor, como 150,00.")
            )
        return promised_on, amount

    # --- history -------------------------------------------------------------------------------
    def history(self, patient_id: int) -> list[ContactView]:
        """Every contact with the patient (all channels, outcomes, who), newest first, with the
        promises and whether they were kept."""
        self.require(Permission.MESSAGES)
        today = self.clock.today()
        names = {s.key: s.name for s in DEFAULT_STEPS}
        with self.uow() as uow:
            names |= {r.key: r.name for r in uow.collection.steps()}
            rows = uow.collection.history(patient_id)
            promises = uow.collection.promises_by_contact(patient_id)
            payments: list[PaymentFact] = []
            if promises:
                since = min(log.contacted_at.date() for log, _u, _f in rows)
                payments = uow.collection.payments_of([patient_id], since).get(patient_id, [])
            views = []
            for log, username, full_name in rows:
                promise_text = ""
                promise = promises.get(log.id)
                if promise is not None:
                    record = with_payments(promise, payments, today)
                    status = PROMISE_STATUS_LABELS[promise_status(record, today)]
                    promise_text = (
                        f"{format_brl(record.amount_cents)} até "
                        f"{format_date(record.promised_on)} ({status})"
                    )
                views.append(
                    ContactView(
                        id=log.id,
                        at=log.contacted_at,
                        channel=label(log.channel),
                        step=names.get(log.step_key, log.step_key or "contato avulso"),
                        outcome=label(log.outcome),
                        who=full_name or username or "—",
                        note=log.note,
                        promise=promise_text,
                    )
                )
        return views


def _contact_audit(
    log: models.ContactLog, promised_on: date | None, promise_cents: int | None
) -> dict[str, object]:
    """What the audit log keeps of a contact: who was contacted about what, how, with which
    result — ids and codes only (the note and the message stay in the contact history, where
    LGPD anonymisation can reach them)."""
    after: dict[str, object] = {
        "patient_id": log.patient_id,
        "contract_id": log.contract_id,
        "channel": log.channel,
        "step": log.step_key,
        "outcome": log.outcome,
    }
    if promised_on is not None:
        after |= {"promised_on": promised_on.isoformat(), "amount_cents": promise_cents}
    return after
