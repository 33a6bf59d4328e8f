"""The contact log (``emdia contact``): what came of each contact with a patient — sent, no
answer, promised to pay on a date, refused — and the history of them all. It is the evidence
that collection was polite and lawful, and it moves the patient along the régua (a contact
just logged leaves today's list; a promise waits for its date).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.domain import limits
from app.domain.catalog import ContactOutcome, label
from app.domain.contacts import parse_channel, parse_outcome
from app.domain.dates import format_date, parse_date
from app.domain.law import contract_debt
from app.domain.money import format_brl, parse_money_field
from app.domain.promises import (
    PROMISE_STATUS_LABELS,
    PaymentFact,
    PromiseStatus,
    promise_status,
    split_promise,
    with_payments,
)
from app.domain.regua import DEFAULT_STEPS
from app.errors import EmDiaError, FieldError, NotFoundError, ValidationError
from app.persistence import models
from app.services.base import Context, Permission, Service
from app.services.collection.drafts import DraftService, MessageDraft
from app.services.ports import UnitOfWorkPort

MAX_PROMISE_DAYS = 90  # a promise further away than this is a renegotiation, not a promise
# A wrong button is noticed while the list is still open; after that, the right outcome is
# logged on top and the history keeps both.
UNDO_MINUTES = 30


@dataclass(frozen=True)
class OutcomeForm:
    """An outcome logged from the worklist (two clicks) or ``emdia contact log``. Step, channel
    and contract default to the step due today for that patient. ``together`` names the other
    patients of the same conversation (a responsável paying for several): each gets the same
    line in their log, about their own contract."""

    patient_id: int
    outcome: str
    channel: str = ""
    step_key: str = ""
    contract_id: int | None = None
    promise_date: str = ""
    promise_amount: str = ""
    note: str = ""
    message_text: str = ""
    together: tuple[int, ...] = ()
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
    contact_ids: tuple[int, ...] = ()  # every line written, the first being ``contact_id``


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


@dataclass(frozen=True)
class _Checked:
    """An outcome form once checked: what will be written for each patient."""

    outcome: ContactOutcome
    channel: str
    step_key: str
    contracts: dict[int, int | None]  # patient → the contract the line is about
    promised_on: date | None
    promise_shares: dict[int, int]  # patient → their part of the promised amount


class ContactLogService(Service):
    def __init__(self, ctx: Context, drafts: DraftService) -> None:
        super().__init__(ctx)
        self.drafts = drafts  # an outcome defaults to the step due today

    def log_outcome(self, form: OutcomeForm) -> LoggedContact:
        """Record what happened (the evidence of polite collection); "prometeu pagar" also
        records the promise. The row leaves today's list. The contact rules are not enforced
        here: the log says what happened, even a call the patient made on a Sunday."""
        self.require(Permission.MESSAGES)
        drafts = self._drafts(form)
        patients = tuple(drafts)
        checked = self._check(form, drafts)
        with self.uow() as uow:
            ids: list[int] = []
            promise_id: int | None = None
            for pid in patients:
                self._check_contract(uow, pid, checked.contracts[pid])
            if checked.promise_shares and not form.confirm_above_debt:
                promised = sum(checked.promise_shares.values())
                above = self._above_debt(uow, checked.contracts, promised, self.clock.today())
                if above is not None:
                    raise ValidationError.single("promise_amount", above)
            for pid in patients:
                draft = drafts[pid]
                contract_id = checked.contracts[pid]
                same_step = draft is not None and draft.step_key == checked.step_key
                log = uow.collection.add_contact(
                    models.ContactLog(
                        patient_id=pid,
                        contract_id=contract_id,
                        installment_id=draft.installment_id
                        if draft is not None and same_step and draft.contract_id == contract_id
                        else None,
                        contacted_at=self.wall_clock.now(),
                        user_id=self.actor.user_id,
                        channel=checked.channel,
                        step_key=checked.step_key,
                        outcome=checked.outcome.value,
                        note=form.note.strip(),
                        message_text=form.message_text
                        or (draft.text if draft is not None and same_step else ""),
                    )
                )
                ids.append(log.id)
                share = checked.promise_shares.get(pid, 0)
                if checked.promised_on is not None and share > 0:
                    promise = uow.collection.add_promise(
                        models.Promise(
                            patient_id=pid,
                            contract_id=contract_id,
                            contact_log_id=log.id,
                            promised_on=checked.promised_on,
                            amount_cents=share,
                        )
                    )
                    promise_id = promise_id or promise.id
                promised_on = checked.promised_on if share > 0 else None
                self.audit(
                    uow,
                    "contact.log",
                    "contact_log",
                    log.id,
                    None,
                    _contact_audit(log, promised_on, share if promised_on else None),
                )
            uow.commit()
        total = sum(checked.promise_shares.values()) if checked.promised_on else None
        return LoggedContact(
            ids[0],
            checked.outcome.value,
            checked.step_key,
            checked.channel,
            promise_id,
            checked.promised_on,
            total,
            tuple(ids),
        )

    def _drafts(self, form: OutcomeForm) -> dict[int, MessageDraft | None]:
        """Each patient of the conversation (the form's first) → the message due today."""
        patients = dict.fromkeys((form.patient_id, *form.together))
        return {pid: self.drafts.draft_for(pid) for pid in patients}

    def _check(self, form: OutcomeForm, drafts: dict[int, MessageDraft | None]) -> _Checked:
        """Every problem of the form at once (ValidationError), or what to write."""
        outcome = parse_outcome(form.outcome)
        draft = drafts[form.patient_id]
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
        contracts = self._contracts(form, drafts)
        promised_on: date | None = None
        shares: dict[int, int] = {}
        if outcome is ContactOutcome.PROMISED:
            asked = {
                pid: d.amount_cents if d is not None and d.step_key == step_key else 0
                for pid, d in drafts.items()
            }
            promised_on, cents = self._promise(form, sum(asked.values()), errors)
            if cents is not None:
                shares = dict(zip(asked, split_promise(cents, list(asked.values())), strict=True))
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
        return _Checked(outcome, channel, step_key, contracts, promised_on, shares)

    def promise_above_debt(self, form: OutcomeForm) -> str | None:
        """The question to ask before logging ``form``'s promise when it is larger than
        everything the person owes today for the conversation (``None`` when it is not): the
        window asks it, the command line wants ``--confirm-above-debt``."""
        self.require(Permission.MESSAGES)
        amount = parse_money_field(form.promise_amount, "promise_amount", "Valor prometido")
        if not isinstance(amount, int) or amount <= 0:
            return None  # blank or wrong: log_outcome says what is wrong
        contracts = self._contracts(form, self._drafts(form))
        with self.uow() as uow:
            return self._above_debt(uow, contracts, amount, self.clock.today())

    @staticmethod
    def _contracts(
        form: OutcomeForm, drafts: dict[int, MessageDraft | None]
    ) -> dict[int, int | None]:
        """Each patient of the conversation → the contract its line is about (the one the form
        names for the first, else the one of the step due today)."""
        contracts = {pid: (d.contract_id if d is not None else None) for pid, d in drafts.items()}
        contracts[form.patient_id] = form.contract_id or contracts[form.patient_id]
        return contracts

    @staticmethod
    def _above_debt(
        uow: UnitOfWorkPort, contracts: dict[int, int | None], amount: int, today: date
    ) -> str | None:
        """A promise is a date for money owed: more than the updated debt of the contracts
        (or of every open contract of a patient whose contract is not named) is a typo until
        the person confirms it."""
        found: dict[int, models.Contract] = {}
        for patient_id, contract_id in contracts.items():
            rows = (
                [c for c in (uow.contracts.get(contract_id),) if c is not None]
                if contract_id is not None
                else uow.contracts.open_for_patient(patient_id)
            )
            found |= {c.id: c for c in rows}
        debt = 0
        for contract in found.values():
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
    def _check_contract(uow: UnitOfWorkPort, patient_id: int, contract_id: int | None) -> None:
        if uow.patients.get(patient_id) is None:
            raise NotFoundError(f"Paciente {patient_id} não encontrado.")
        if contract_id is None:
            return
        contract = uow.contracts.get(contract_id)
        if contract is None or patient_id not in (contract.patient_id, contract.responsible_id):
            raise ValidationError.single(
                "contract", f"Contrato {contract_id}: não é deste paciente."
            )

    def _promise(
        self, form: OutcomeForm, asked_cents: int, errors: list[FieldError]
    ) -> tuple[date | None, int | None]:
        """The promised day and amount (the amount the message asked for when left empty)."""
        today = self.clock.today()
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
        if amount is None and asked_cents > 0:
            amount = asked_cents  # what the message asked for
        if amount is None:
            errors.append(
                FieldError("promise_amount", "Valor prometido: informe o valor, como 150,00.")
            )
        return promised_on, amount

    # --- a click by mistake ----------------------------------------------------------------------
    def undo(self, contact_ids: Sequence[int]) -> None:
        """Undo outcomes logged by mistake, within ``UNDO_MINUTES`` of logging them and by the
        same person: the lines stay as evidence, marked undone (and audited), their promise is
        cancelled, and the régua counts them no more — the row is due again today."""
        self.require(Permission.MESSAGES)
        now = self.wall_clock.now()  # the contact's time is the computer's, as logged
        with self.uow() as uow:
            for contact_id in contact_ids:
                row = uow.collection.contact(contact_id)
                if row is None:
                    raise NotFoundError(f"Contato {contact_id} não encontrado.")
                self._may_undo(row, now)
                row.undone_at = now
                row.undone_by = self.actor.user_id
                promise = uow.collection.promise_of_contact(contact_id)
                if promise is not None and promise.resolution is None:
                    promise.resolution = PromiseStatus.CANCELLED.value
                    promise.resolved_on = now.date()
                self.audit(
                    uow,
                    "contact.undo",
                    "contact_log",
                    contact_id,
                    {"outcome": row.outcome, "step_key": row.step_key},
                    {"undone": True},
                )
            uow.commit()

    def _may_undo(self, row: models.ContactLog, now: datetime) -> None:
        if row.undone_at is not None:
            raise EmDiaError("Este resultado já foi desfeito.")
        if row.user_id != self.actor.user_id:
            raise EmDiaError("Só quem registrou o resultado pode desfazê-lo.")
        if now - row.contacted_at > timedelta(minutes=UNDO_MINUTES):
            raise EmDiaError(
                f"Só dá para desfazer até {UNDO_MINUTES} minutos depois de registrar. Registre "
                "o resultado certo agora: o histórico mostra os dois."
            )

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
                        outcome=label(log.outcome)
                        + (" (desfeito)" if log.undone_at is not None else ""),
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
