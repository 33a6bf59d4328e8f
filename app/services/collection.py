"""Cobrança de hoje, the régua's settings and the contact log (``emdia messages``,
``emdia contact``).

The régua's steps live in the ``regua_step`` table. The defaults of DESIGN.md §5 are seeded on
first use (``ensure_steps``), not by a migration: their pt-BR texts live in one place
(``app.domain.regua.DEFAULT_STEPS``), pass the same lawful-wording check as the user's edits, and
a database created before this version gets them the first time anyone opens the worklist.

Every amount comes from ``law.updated_debt`` on the service clock's day; the PIX payload carries
that same amount (``app.domain.pix``).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from app.domain.catalog import Channel, ContactOutcome, label
from app.domain.clinic import ClinicInfo
from app.domain.contacts import (
    TEXT_CHANNELS,
    ContactRules,
    Recipient,
    Refusal,
    check_min_days,
    choose_channel,
    last_contact_day,
    parse_channel,
    parse_outcome,
    parse_windows,
    spacing_refusal,
    time_refusal,
    windows_from_json,
    windows_to_json,
)
from app.domain.dates import format_date, parse_date
from app.domain.identity import format_phone
from app.domain.law import ChargePolicy, updated_debt
from app.domain.messages import (
    DEMO_PATIENT,
    DEMO_RECIPIENT,
    DraftInput,
    demo_due,
    identification_missing,
    mailto_url,
    message_values,
    render_message,
    subject_for,
    whatsapp_url,
)
from app.domain.money import format_brl, parse_brl
from app.domain.pix import PixError, brcode, pix_for, receiver_from
from app.domain.promises import (
    PROMISE_STATUS_LABELS,
    PaymentFact,
    promise_status,
    with_payments,
)
from app.domain.regua import (
    DEFAULT_STEPS,
    MAX_OFFSET,
    MIN_OFFSET,
    NEGATIVACAO_NOTICE_DAYS,
    THANKS_WINDOW_DAYS,
    DueStep,
    PatientCase,
    ReguaItem,
    ReguaStep,
    StepKey,
    ladder,
    steps_due,
)
from app.domain.templates import template_problems
from app.errors import DuplicateError, FieldError, NotFoundError, ValidationError
from app.persistence import models
from app.persistence.records import ReguaInstallment, clinic_info
from app.services.base import Permission, Service, clinic_calendar
from app.services.ports import UnitOfWorkPort

MAX_PROMISE_DAYS = 90  # a promise further away than this is a renegotiation, not a promise


@dataclass(frozen=True)
class MessageDraft:
    """One row of Cobrança de hoje: the step due for a patient and its drafted text."""

    patient_id: int
    patient_name: str
    recipient_id: int
    recipient_name: str
    contract_id: int
    installment_id: int
    step_key: str
    step_name: str
    step_when: str
    channel: str
    text: str
    subject: str
    pix_payload: str | None
    whatsapp_url: str | None
    mailto_url: str | None
    phone: str
    email: str
    allowed_now: bool
    reason: str
    status: str  # short form of the reason (or "pode agora") for the list
    amount_cents: int
    days_late: int
    flags: tuple[str, ...] = ()
    document_kind: str | None = None  # letter steps: the document to generate (issue 7)

    @property
    def is_message(self) -> bool:
        return self.channel in TEXT_CHANNELS

    def as_json(self) -> dict[str, Any]:
        """DESIGN.md §11 ``messages --json``: exactly these keys."""
        return {
            "patient_id": self.patient_id,
            "patient_name": self.patient_name,
            "contract_id": self.contract_id,
            "step": self.step_key,
            "channel": self.channel,
            "text": self.text,
            "pix_payload": self.pix_payload,
            "whatsapp_url": self.whatsapp_url,
            "allowed_now": self.allowed_now,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class StepForm:
    """What the régua editor (or a script) typed for one step."""

    offset_days: str
    channel: str
    template: str
    active: bool = True

    def offset(self) -> int | None:
        """``-3``, ``+5``, ``−3`` (typographic minus) → days; None when not a number."""
        try:
            return int(self.offset_days.strip().replace("+", "").replace("−", "-"))
        except ValueError:
            return None


@dataclass(frozen=True)
class Preview:
    text: str
    problems: tuple[FieldError, ...] = ()


@dataclass(frozen=True)
class RulesView:
    windows: dict[int, tuple[time, time] | None]
    min_days_between: int


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


class CollectionService(Service):
    # --- the régua's steps -------------------------------------------------------------------
    def ensure_steps(self) -> None:
        """Seed the default steps that are missing (first use, or a step added by a newer
        version). Another computer doing the same at once is harmless."""
        with self.uow() as uow:
            present = {row.key for row in uow.collection.steps()}
            missing = [s for s in DEFAULT_STEPS if s.key not in present]
            if not missing:
                return
            for step in missing:
                uow.collection.add_step(
                    models.ReguaStep(
                        key=step.key,
                        name=step.name,
                        offset_days=step.offset_days,
                        channel=step.channel,
                        template=step.template,
                        active=step.active,
                        position=step.position,
                    )
                )
            with suppress(DuplicateError):  # seeded by another computer in the meantime
                uow.commit()

    @staticmethod
    def _step(row: models.ReguaStep) -> ReguaStep:
        return ReguaStep(
            key=row.key,
            name=row.name,
            offset_days=row.offset_days,
            channel=row.channel,
            template=row.template,
            active=row.active,
            position=row.position,
        )

    def _steps(self, uow: UnitOfWorkPort) -> list[ReguaStep]:
        return [self._step(r) for r in uow.collection.steps()]

    def steps(self) -> list[ReguaStep]:
        self.require(Permission.MESSAGES)
        self.ensure_steps()
        with self.uow() as uow:
            return self._steps(uow)

    def validate_step(self, key: str, form: StepForm) -> tuple[int, str]:
        errors: list[FieldError] = []
        offset = form.offset()
        if offset is None:
            offset = 0
            errors.append(FieldError("offset_days", "Quando: informe um número de dias, como -3."))
        else:
            event = key == StepKey.AGRADECIMENTO
            low, high = (0, 30) if event else (MIN_OFFSET, MAX_OFFSET)
            if not low <= offset <= high:
                errors.append(FieldError("offset_days", f"Quando: use de {low} a {high} dias."))
        channel = ""
        try:
            channel = parse_channel(form.channel).value
        except ValidationError as exc:
            errors.extend(exc.errors)
        if key == StepKey.NEGATIVACAO and channel and channel != Channel.MANUAL:
            errors.append(
                FieldError(
                    "channel",
                    "Canal: a negativação é uma decisão do gestor, registrada à mão — não é uma "
                    "mensagem.",
                )
            )
        errors.extend(template_problems(form.template))
        if errors:
            raise ValidationError(errors)
        return offset, channel

    def save_step(self, key: str, form: StepForm) -> ReguaStep:
        """Change one step (gestor). The lawful-wording check runs here: nothing unlawful is
        ever saved."""
        self.require(Permission.SETTINGS)
        offset, channel = self.validate_step(key, form)
        self.ensure_steps()
        with self.uow() as uow:
            row = next((r for r in uow.collection.steps() if r.key == key), None)
            if row is None:
                raise NotFoundError(f"Passo '{key}' não existe na régua.")
            before = {"offset_days": row.offset_days, "channel": row.channel,
                      "active": row.active, "template": row.template}  # fmt: skip
            row.offset_days, row.channel = offset, channel
            row.template, row.active = form.template.strip(), form.active
            after = {"offset_days": offset, "channel": channel, "active": form.active,
                     "template": row.template}  # fmt: skip
            if before != after:
                self.audit(uow, "regua.update", "regua_step", row.id, before, after)
            uow.commit()
            return self._step(row)

    def preview(self, key: str, form: StepForm) -> Preview:
        """The step's text for a demo patient, with the clinic's real data and rules, and the
        problems saving would refuse (shown live in the editor)."""
        self.require(Permission.SETTINGS)
        problems: tuple[FieldError, ...] = ()
        try:
            self.validate_step(key, form)
        except ValidationError as exc:
            problems = exc.errors
        today = self.clock.today()
        with self.uow() as uow:
            clinic = clinic_info(uow.clinic.get())
        step = ReguaStep(key, key, form.offset() or 0, form.channel, form.template)
        policy = ChargePolicy(
            clinic.fine_bp, clinic.interest_monthly_bp, clinic.punctuality_discount_bp
        )
        due = demo_due(step, today, policy)
        pix = None if key == StepKey.AGRADECIMENTO else self._pix(clinic, due)
        values = message_values(DraftInput(due, DEMO_RECIPIENT, DEMO_PATIENT, clinic, today, pix))
        return Preview(render_message(form.template, form.channel, values), problems)

    # --- contact rules -----------------------------------------------------------------------
    def rules(self) -> RulesView:
        with self.uow() as uow:
            row = uow.clinic.get()
            if row is None:
                return RulesView(windows_from_json(None), 2)
            return RulesView(windows_from_json(row.contact_windows), row.min_days_between_contacts)

    def save_rules(self, windows: dict[str, tuple[str, str]], min_days: int) -> RulesView:
        self.require(Permission.SETTINGS)
        errors: list[FieldError] = []
        parsed: dict[int, tuple[time, time] | None] = {}
        try:
            parsed = parse_windows(windows)
        except ValidationError as exc:
            errors.extend(exc.errors)
        problem = check_min_days(min_days)
        if problem is not None:
            errors.append(problem)
        if errors:
            raise ValidationError(errors)
        with self.uow() as uow:
            row = uow.clinic.get_or_create()
            before = {"contact_windows": row.contact_windows,
                      "min_days_between_contacts": row.min_days_between_contacts}  # fmt: skip
            row.contact_windows = windows_to_json(parsed)
            row.min_days_between_contacts = min_days
            after = {"contact_windows": row.contact_windows, "min_days_between_contacts": min_days}
            if before != after:
                self.audit(uow, "regua.rules", "clinic", row.id, before, after)
            uow.commit()
        return RulesView(parsed, min_days)

    def _contact_rules(self, uow: UnitOfWorkPort) -> ContactRules:
        row = uow.clinic.get()
        calendar = clinic_calendar(uow)
        if row is None:
            return ContactRules(windows_from_json(None), calendar)
        return ContactRules(
            windows_from_json(row.contact_windows), calendar, row.min_days_between_contacts
        )

    # --- today's worklist ----------------------------------------------------------------------
    def today(self) -> list[MessageDraft]:
        """Cobrança de hoje: one row per patient with the step due today and its drafted text;
        rows that may be sent now first."""
        self.require(Permission.MESSAGES)
        self.ensure_steps()
        with self.uow() as uow:
            drafts = self._drafts(uow, None)
        return sorted(drafts, key=lambda d: not d.allowed_now)

    def draft_for(self, patient_id: int) -> MessageDraft | None:
        """The step due today for one patient (None when nothing is due)."""
        self.require(Permission.MESSAGES)
        self.ensure_steps()
        with self.uow() as uow:
            drafts = self._drafts(uow, patient_id)
        return drafts[0] if drafts else None

    def _drafts(self, uow: UnitOfWorkPort, patient_id: int | None) -> list[MessageDraft]:
        today = self.clock.today()
        steps = self._steps(uow)
        cases, installments = self._cases(uow, steps, today, patient_id)
        dues = steps_due(cases.values(), steps, today)
        if not dues:
            return []
        clinic = clinic_info(uow.clinic.get())
        rules = self._contact_rules(uow)
        people = uow.collection.people([d.patient_id for d in dues])
        payer_ids = {installments[d.anchor.line.key].responsible_id for d in dues}
        payer_ids |= {p.responsible_id for p in people.values()}
        people |= uow.collection.people([i for i in payer_ids if i is not None])
        now = self.clock.now()
        return [
            self._draft(due, cases[due.patient_id], people, installments, clinic, rules, now)
            for due in dues
        ]

    def _cases(
        self,
        uow: UnitOfWorkPort,
        steps: Sequence[ReguaStep],
        today: date,
        patient_id: int | None,
    ) -> tuple[dict[int, PatientCase], dict[int, ReguaInstallment]]:
        active = [s for s in ladder(steps) if s.active]
        lead = max(0, -min((s.offset_days for s in active), default=0))
        repo = uow.collection
        rows = repo.open_installments(today + timedelta(days=lead), today, patient_id)
        thanks = next((s for s in steps if s.key == StepKey.AGRADECIMENTO and s.active), None)
        late: list[ReguaInstallment] = []
        if thanks is not None:
            since = today - timedelta(days=thanks.offset_days + THANKS_WINDOW_DAYS)
            late = repo.settled_late(since, today, patient_id)
        installments = {r.id: r for r in [*rows, *late]}
        settlements = repo.settlements(list(installments))
        policies = repo.policies(list({r.contract_id for r in installments.values()}))

        def item(r: ReguaInstallment) -> ReguaItem:
            line = updated_debt(r.terms, settlements.get(r.id, ()), today, policies[r.contract_id])
            return ReguaItem(r.contract_id, r.installments_count, line)

        open_items: dict[int, list[ReguaItem]] = {}
        for r in rows:
            open_items.setdefault(r.patient_id, []).append(item(r))
        settled: dict[int, list[ReguaItem]] = {}
        for r in late:
            settled.setdefault(r.patient_id, []).append(item(r))
        patient_ids = sorted(set(open_items) | set(settled))
        end_of_today = datetime.combine(today + timedelta(days=1), time())
        contacts = repo.contacts(patient_ids, end_of_today)
        promises = repo.promises(patient_ids, today)
        payments: dict[int, list[PaymentFact]] = {}
        if promises:
            since = min(p.made_on for ps in promises.values() for p in ps)
            payments = repo.payments_of(list(promises), since)
        negativados = repo.negativados(patient_ids, today)
        cases = {
            pid: PatientCase(
                patient_id=pid,
                open_items=open_items.get(pid, ()),
                settled_late=settled.get(pid, ()),
                contacts=contacts.get(pid, ()),
                promises=[
                    with_payments(p, payments.get(pid, ()), today) for p in promises.get(pid, ())
                ],
                negativado_since=negativados.get(pid),
            )
            for pid in patient_ids
        }
        return cases, installments

    @staticmethod
    def _pix(clinic: ClinicInfo, due: DueStep) -> str | None:
        if due.amount_cents <= 0:
            return None
        receiver = receiver_from(
            clinic.pix_key,
            clinic.pix_merchant_name,
            clinic.pix_merchant_city,
            clinic.legal_name or clinic.trade_name,  # as the documents do (issue 7)
            clinic.city,
        )
        try:
            data = pix_for(receiver, due.amount_cents, due.contract_id, due.anchor.line.number)
        except PixError:
            return None
        return brcode(data)

    def _draft(
        self,
        due: DueStep,
        case: PatientCase,
        people: dict[int, models.Patient],
        installments: dict[int, ReguaInstallment],
        clinic: ClinicInfo,
        rules: ContactRules,
        now: datetime,
    ) -> MessageDraft:
        patient = people[due.patient_id]
        anchor_row = installments[due.anchor.line.key]
        responsible_id = anchor_row.responsible_id or patient.responsible_id
        person = people.get(responsible_id) if responsible_id else None
        if person is None:
            person = patient
        recipient = Recipient(
            person_id=person.id,
            name=person.name,
            phone=person.phone,
            phone_whatsapp=person.phone_whatsapp,
            phone_alt=person.phone_alt,
            phone_alt_whatsapp=person.phone_alt_whatsapp,
            email=person.email,
            opt_out_whatsapp=person.opt_out_whatsapp,
            opt_out_sms=person.opt_out_sms,
            opt_out_email=person.opt_out_email,
            opt_out_phone=person.opt_out_phone,
            is_patient=person.id == patient.id,
        )
        step = due.step
        channel, channel_problem = choose_channel(Channel(step.channel), recipient)
        is_thanks = step.key == StepKey.AGRADECIMENTO
        pix = None if is_thanks or channel is Channel.MANUAL else self._pix(clinic, due)
        removal = case.negativado_since is not None and not any(
            i.line.is_overdue for i in case.open_items
        )
        values = message_values(
            DraftInput(due, recipient, patient.name, clinic, now.date(), pix, removal)
        )
        text = render_message(step.template, channel, values)
        subject = subject_for(step, clinic)
        wa = None
        if channel is Channel.WHATSAPP and recipient.whatsapp_number:
            wa = whatsapp_url(recipient.whatsapp_number, text)
        mail = mailto_url(recipient.email, subject, text) if channel is Channel.EMAIL else None
        refusal = self._refusal(due, case, channel, channel_problem, clinic, rules, now)
        flags: list[str] = []
        if due.broken_promise is not None:
            p = due.broken_promise
            flags.append(
                f"promessa quebrada ({format_brl(p.amount_cents)} para "
                f"{format_date(p.promised_on)})"
            )
        if case.negativado_since is not None:
            flags.append(f"negativado desde {format_date(case.negativado_since)}")
        return MessageDraft(
            patient_id=patient.id,
            patient_name=patient.name,
            recipient_id=recipient.person_id,
            recipient_name=recipient.name,
            contract_id=due.contract_id,
            installment_id=due.anchor.line.key,
            step_key=step.key,
            step_name=step.name,
            step_when=step.when,
            channel=channel.value,
            text=text,
            subject=subject,
            pix_payload=pix,
            whatsapp_url=wa,
            mailto_url=mail,
            phone=format_phone(recipient.whatsapp_number or recipient.any_phone),
            email=recipient.email,
            allowed_now=refusal is None,
            reason=refusal.message if refusal else "",
            status=refusal.short if refusal else "pode agora",
            amount_cents=due.amount_cents,
            days_late=due.days_late,
            flags=tuple(flags),
            document_kind=step.document_kind,
        )

    def _refusal(
        self,
        due: DueStep,
        case: PatientCase,
        channel: Channel,
        channel_problem: str | None,
        clinic: ClinicInfo,
        rules: ContactRules,
        now: datetime,
    ) -> Refusal | None:
        """Why this step may not be done now (pt-BR), or None. Letters and the gestor's
        negativação are not contacts: hours and spacing do not apply to them."""
        missing = identification_missing(clinic)
        if missing:
            return Refusal("falta o CNPJ da clínica", missing)
        if channel_problem:
            return Refusal("sem canal de contato", channel_problem)
        if channel is Channel.MANUAL:
            if not self.actor.can(Permission.NEGATIVACAO):
                return Refusal(
                    "decisão do gestor",
                    "Negativação: decisão do gestor — peça a quem tem essa permissão.",
                )
            notice = due.notice_sent_on
            if notice is None:
                return Refusal(
                    "falta o aviso prévio",
                    "Negativação: registre antes o envio do aviso de negativação — o devedor "
                    "precisa ser avisado por escrito (CDC art. 43 §2).",
                )
            ready = notice + timedelta(days=NEGATIVACAO_NOTICE_DAYS)
            if now.date() < ready:
                return Refusal(
                    f"a partir de {ready:%d/%m}",
                    f"Negativação: aviso enviado em {format_date(notice)}; a inclusão só a "
                    f"partir de {format_date(ready)} ({NEGATIVACAO_NOTICE_DAYS} dias, CDC art. "
                    "43 §2).",
                )
            return None
        if channel is Channel.LETTER:
            return None
        refusal = time_refusal(rules, now)
        if refusal:
            return refusal
        if due.step.key == StepKey.AGRADECIMENTO:
            return None  # a thank-you is not a collection contact
        return spacing_refusal(rules, last_contact_day(case.contacts), now.date())

    # --- logging an outcome -------------------------------------------------------------------
    def log_outcome(self, form: OutcomeForm) -> LoggedContact:
        """Record what happened (the evidence of polite collection); "prometeu pagar" also
        records the promise. The row leaves today's list. The contact rules are not enforced
        here: the log says what happened, even a call the patient made on a Sunday."""
        self.require(Permission.MESSAGES)
        outcome = parse_outcome(form.outcome)
        draft = self.draft_for(form.patient_id)
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
                    contacted_at=self.clock.now(),
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
            uow.commit()
            return LoggedContact(
                log.id, outcome.value, step_key, channel, promise_id, promised_on, promise_cents
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
        amount: int | None = None
        if form.promise_amount.strip():
            try:
                amount = parse_brl(
                    form.promise_amount, "promise_amount", "Valor prometido", allow_zero=False
                )
            except ValidationError as exc:
                errors.extend(exc.errors)
        elif draft is not None and draft.amount_cents > 0:
            amount = draft.amount_cents
        else:
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
