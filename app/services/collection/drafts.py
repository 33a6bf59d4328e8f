"""Cobrança de hoje (``emdia messages``): for each patient, the single régua step due today and
its message drafted — to whom, by which channel, with the PIX copia-e-cola — and whether it may
be sent now or why not.

One payer, one conversation: a responsável paying for several dependents gets one row (one
message, one call) about all of them at the same step, with one PIX of the total and the list per
patient in the text (``app.domain.messages.conversations``). Letters stay one per contract.

Every amount comes from ``law.updated_debt`` on the service clock's day; the PIX payload carries
that same amount (``app.domain.messages.pix_payload``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple, Protocol, TypeVar

from app.domain.catalog import Channel
from app.domain.clinic import ClinicInfo
from app.domain.contacts import (
    TEXT_CHANNELS,
    ContactRules,
    Recipient,
    Refusal,
    choose_channel,
    last_contact_day,
    spacing_refusal,
    time_refusal,
)
from app.domain.dates import format_date
from app.domain.documents import postal_address_missing
from app.domain.identity import format_phone
from app.domain.law import updated_debt
from app.domain.memo import LastOf
from app.domain.messages import (
    DraftInput,
    Part,
    PayerDue,
    PayerPix,
    conversations,
    identification_missing,
    mailto_url,
    message_values,
    pix_payload,
    render_message,
    subject_for,
    whatsapp_url,
)
from app.domain.money import format_brl
from app.domain.promises import PaymentFact, with_payments
from app.domain.regua import (
    NEGATIVACAO_NOTICE_DAYS,
    THANKS_WINDOW_DAYS,
    DueStep,
    PatientCase,
    ReguaItem,
    ReguaStep,
    StepKey,
    has_overdue,
    in_order,
    ladder,
    step_due,
    steps_due,
)
from app.persistence.records import ReguaInstallment, ReguaPerson, clinic_info
from app.services.base import Context, Permission, Service, gc_paused
from app.services.collection.regua_settings import (
    ReguaSettingsService,
    read_contact_rules,
    read_steps,
)
from app.services.kept import PatchedUnderMark
from app.services.ports import UnitOfWorkPort


class DraftOutline(NamedTuple):
    """One row of Cobrança de hoje without its message (text, PIX code, links): what Início's
    desk counts and lists. The same rows as ``MessageDraft``'s, decided the same way; drafting
    the messages is most of their cost (a named tuple: one per row of the day)."""

    patient_id: int
    patient_name: str
    contract_id: int
    step_key: str
    channel: str
    refusal: Refusal | None  # why the step may not be done now; None: it may
    amount_cents: int
    days_late: int

    @property
    def allowed_now(self) -> bool:
        return self.refusal is None


class _Sendable(Protocol):
    @property
    def allowed_now(self) -> bool: ...
    @property
    def channel(self) -> str: ...


Row = TypeVar("Row")
Sendable = TypeVar("Sendable", bound=_Sendable)


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
    step_when: str  # D−3, D+15 (the régua's settings and the command line)
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
    document_kind: str | None = None  # letter steps: the document to generate
    # Every patient the message is about (one, or each dependent of the same payer), the first
    # being ``patient_id``'s.
    parts: tuple[DraftPart, ...] = ()
    step_in_words: str = ""  # "15 dias depois do vencimento": what the desk reads

    @property
    def is_message(self) -> bool:
        return self.channel in TEXT_CHANNELS

    @property
    def payer_id(self) -> int:
        """Who is asked to pay: the responsável financeiro, or the patient."""
        return self.recipient_id

    @property
    def patient_ids(self) -> tuple[int, ...]:
        return tuple(p.patient_id for p in self.parts) or (self.patient_id,)

    @property
    def contract_ids(self) -> tuple[int, ...]:
        ids = tuple(dict.fromkeys(p.contract_id for p in self.parts))
        return ids or (self.contract_id,)

    @property
    def patient_names(self) -> tuple[str, ...]:
        return tuple(p.patient_name for p in self.parts) or (self.patient_name,)

    def as_json(self) -> dict[str, Any]:
        """``emdia messages --json``: one item per payer and step; the keys scripts relied on
        (``patient_id`` is the first patient's) and who pays for whom."""
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
            "payer_id": self.payer_id,
            "patient_ids": list(self.patient_ids),
            "contract_ids": list(self.contract_ids),
        }


@dataclass(frozen=True)
class DraftPart:
    """One patient's share of a row of Cobrança de hoje (their step, contract and amount)."""

    patient_id: int
    patient_name: str
    contract_id: int
    installment_id: int
    amount_cents: int
    days_late: int


@dataclass(frozen=True)
class _Due:
    """A step due today with the people behind it: whose it is and who is asked to pay."""

    due: DueStep
    case: PatientCase
    patient: ReguaPerson
    recipient: Recipient
    channel: Channel
    channel_problem: str | None
    no_address: tuple[str, ...] = ()  # a letter's: what the payer's postal address lacks


def _owed(group: Sequence[_Due]) -> tuple[int, int]:
    """A row's amount (its steps' sum) and days late (the longest): the same on Cobrança de
    hoje's message and on the desk's outline."""
    return sum(g.due.amount_cents for g in group), max(g.due.days_late for g in group)


# Cobrança de hoje lists the conversations first and the letters after them, so the WhatsApp
# work is never buried under a batch of letters.
CONVERSATIONS_FIRST = (Channel.WHATSAPP, Channel.EMAIL, Channel.SMS, Channel.PHONE)
CHANNEL_ORDER = {
    channel: position
    for position, channel in enumerate((*CONVERSATIONS_FIRST, Channel.LETTER, Channel.MANUAL))
}


@dataclass(frozen=True)
class _DayCases:
    """The day's cases and the steps due in them (``DraftService._day_cases``)."""

    cases: dict[int, PatientCase]
    installments: dict[int, ReguaInstallment]
    due: dict[int, DueStep]  # by patient: the step due today in their case
    dues: list[DueStep]  # the same, in Cobrança de hoje's order (``in_order``)

    @staticmethod
    def of(
        cases: dict[int, PatientCase],
        installments: dict[int, ReguaInstallment],
        steps: Sequence[ReguaStep],
        today: date,
    ) -> _DayCases:
        due = _DayCases._due_in(cases, steps, today)
        return _DayCases(cases, installments, due, in_order(due.values(), steps))

    @staticmethod
    def _due_in(
        cases: dict[int, PatientCase], steps: Sequence[ReguaStep], today: date
    ) -> dict[int, DueStep]:
        """The step due today in each of ``cases`` that has one, by patient."""
        return {d.patient_id: d for d in (step_due(c, steps, today) for c in cases.values()) if d}

    def patched(
        self,
        cases: dict[int, PatientCase],
        installments: dict[int, ReguaInstallment],
        touched: frozenset[int],
        steps: Sequence[ReguaStep],
        today: date,
    ) -> _DayCases:
        """These cases with those of the ``touched`` patients read again (``cases`` and their
        ``installments``; a touched patient without a case any more has none). Each case is
        one patient's, whoever else is read with them, and so is the step due in it."""
        mine = {pid: c for pid, c in self.cases.items() if pid not in touched}
        mine.update(cases)
        rows = {k: r for k, r in self.installments.items() if r.patient_id not in touched}
        rows.update(installments)
        due = {pid: d for pid, d in self.due.items() if pid not in touched}
        due.update(_DayCases._due_in(cases, steps, today))
        return _DayCases(mine, rows, due, in_order(due.values(), steps))


class DraftService(Service):
    def __init__(self, ctx: Context, regua: ReguaSettingsService) -> None:
        super().__init__(ctx)
        self.regua = regua  # seeds the default steps before the first worklist
        self._kept: PatchedUnderMark[_DayCases] = PatchedUnderMark()
        # Each row's message by its patients, with what it was drafted from (``_draft``).
        self._messages: LastOf[tuple[int, ...], object, MessageDraft] = LastOf()

    def today(self) -> list[MessageDraft]:
        """Cobrança de hoje: one row per patient with the step due today and its drafted text;
        rows that may be sent now first."""
        drafts = self._day_rows(self._draft)
        self._messages.keep_only({d.patient_ids for d in drafts})
        return drafts

    def today_outline(self) -> list[DraftOutline]:
        """``today``'s rows, in the same order, without drafting their messages: Início's desk
        counts them and lists the negativações ready (3,446 rows at 20,000 patients, whose
        texts, PIX codes and WhatsApp links cost most of ``today``)."""
        return self._day_rows(self._outline)

    def _day_rows(
        self, row: Callable[[list[_Due], ClinicInfo, ContactRules, datetime], Sendable]
    ) -> list[Sendable]:
        """The day's rows, each made by ``row``, in Cobrança de hoje's order: what may be done
        now first, then by channel."""
        self.require(Permission.MESSAGES)
        self.regua.ensure_steps()
        with self.uow() as uow, gc_paused():  # tens of thousands of small objects, no garbage
            rows = self._drafts(uow, None, row)
        return sorted(rows, key=lambda d: (not d.allowed_now, CHANNEL_ORDER[Channel(d.channel)]))

    def draft_for(self, patient_id: int) -> MessageDraft | None:
        """The step due today for one patient (None when nothing is due)."""
        self.require(Permission.MESSAGES)
        self.regua.ensure_steps()
        with self.uow() as uow:
            drafts = self._drafts(uow, patient_id, self._draft)
        return drafts[0] if drafts else None

    def prepare(self) -> bool:
        """Read the day's cases ahead of the first look (the window does this in the background
        once it is on screen, next to the day's figures): Cobrança de hoje and Início's desk then
        draft from them. Only for a user who sees Cobrança de hoje; returns whether it read."""
        if not self.actor.can(Permission.MESSAGES):
            return False
        self.regua.ensure_steps()
        with self.uow() as uow, gc_paused():
            self._day_cases(uow, read_steps(uow), self.clock.today())
        return True

    def _day_cases(self, uow: UnitOfWorkPort, steps: Sequence[ReguaStep], today: date) -> _DayCases:
        """Every patient's case today and the step due in each (``step_due``, a function of
        the case alone), kept under the data mark for the day and the régua's steps
        (``PatchedUnderMark``): every change a case is made of moves it — a payment or an
        estorno, a contract, an acordo, a negativação, a contact logged or undone (with its
        promise), the clinic's terms or correction index — and only the cases of the patients
        it touched are read again (``people_changed_since``). The cases hold no one's name,
        phone or responsável: ``_drafts`` reads the people at each look."""

        def everyone() -> _DayCases:
            return _DayCases.of(*self._cases(uow, steps, today, None), steps, today)

        def patch(kept: _DayCases, touched: frozenset[int]) -> _DayCases:
            if not touched:
                return kept
            return kept.patched(*self._cases(uow, steps, today, touched), touched, steps, today)

        receivables = uow.receivables
        return self._kept.get(
            (today, tuple(steps)),
            receivables.change_mark,
            receivables.people_changed_since,
            everyone,
            patch,
        )

    def _drafts(
        self,
        uow: UnitOfWorkPort,
        patient_id: int | None,
        row: Callable[[list[_Due], ClinicInfo, ContactRules, datetime], Row],
    ) -> list[Row]:
        """The day's rows (or one patient's), each made by ``row`` from its group of steps: a
        patient's step, or one payer's conversation about several patients."""
        today = self.clock.today()
        steps = read_steps(uow)
        if patient_id is None:
            day = self._day_cases(uow, steps, today)
            cases, installments, dues = day.cases, day.installments, day.dues
        else:
            cases, installments = self._cases(uow, steps, today, {patient_id})
            dues = steps_due(cases.values(), steps, today)
        if not dues:
            return []
        clinic = clinic_info(uow.clinic.get())
        rules = read_contact_rules(uow)
        people = uow.collection.people(list(cases))
        payer_ids = {installments[d.anchor.line.key].responsible_id for d in dues}
        payer_ids |= {p.responsible_id for p in people.values()}
        people |= uow.collection.people([i for i in payer_ids if i is not None])
        now = self.clock.now()
        found = [self._due(d, cases[d.patient_id], people, installments) for d in dues]
        found = self._no_thanks_while_late(found, cases, people, installments)
        by_payer = conversations([PayerDue(f.recipient.person_id, f.channel, f.due) for f in found])
        index = {id(f.due): f for f in found}
        return [
            row([index[id(item.due)] for item in group], clinic, rules, now) for group in by_payer
        ]

    @staticmethod
    def _payer(
        case: PatientCase,
        people: dict[int, ReguaPerson],
        installments: dict[int, ReguaInstallment],
    ) -> int:
        """Who pays for this patient's debt: the contract's responsável, the patient's, or the
        patient."""
        for item in case.open_items:
            responsible = installments[item.line.key].responsible_id
            if responsible is not None:
                return responsible
        return people[case.patient_id].responsible_id or case.patient_id

    def _no_thanks_while_late(
        self,
        found: list[_Due],
        cases: dict[int, PatientCase],
        people: dict[int, ReguaPerson],
        installments: dict[int, ReguaInstallment],
    ) -> list[_Due]:
        """A thank-you goes only to a payer with nothing overdue any more — not to a mother
        whose other child is still late."""
        late_payers = {
            self._payer(case, people, installments) for case in cases.values() if has_overdue(case)
        }
        return [
            f
            for f in found
            if f.due.step.key != StepKey.AGRADECIMENTO or f.recipient.person_id not in late_payers
        ]

    @staticmethod
    def _due(
        due: DueStep,
        case: PatientCase,
        people: dict[int, ReguaPerson],
        installments: dict[int, ReguaInstallment],
    ) -> _Due:
        """The step with its patient, the person asked to pay, and the channel that reaches
        them."""
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
        channel, problem = choose_channel(Channel(due.step.channel), recipient)
        no_address: tuple[str, ...] = ()
        if due.step.document_kind is not None:  # a letter goes by post, with AR
            no_address = postal_address_missing(
                person.street, person.number, person.city, person.state, person.zip_code
            )
        return _Due(due, case, patient, recipient, channel, problem, no_address)

    def _cases(
        self,
        uow: UnitOfWorkPort,
        steps: Sequence[ReguaStep],
        today: date,
        patient_ids: Collection[int] | None,
    ) -> tuple[dict[int, PatientCase], dict[int, ReguaInstallment]]:
        """The cases today of every patient with a step the régua may take (or of
        ``patient_ids``), and the installments they are about."""
        active = [s for s in ladder(steps) if s.active]
        lead = max(0, -min((s.offset_days for s in active), default=0))
        repo = uow.collection
        rows = repo.open_installments(today + timedelta(days=lead), today, patient_ids)
        thanks = next((s for s in steps if s.key == StepKey.AGRADECIMENTO and s.active), None)
        late: list[ReguaInstallment] = []
        if thanks is not None:
            since = today - timedelta(days=thanks.offset_days + THANKS_WINDOW_DAYS)
            late = repo.settled_late(since, today, patient_ids)
        installments = {r.id: r for r in [*rows, *late]}
        settlements = repo.settlements(list(installments))
        policies = repo.policies(list({r.contract_id for r in installments.values()}))

        def item(r: ReguaInstallment) -> ReguaItem:
            line = updated_debt(r.terms, settlements.get(r.id, ()), today, policies[r.contract_id])
            return ReguaItem(r.contract_id, r.installments_count, line)

        registrations = repo.registrations(sorted({r.contract_id for r in rows}), today)
        registered: dict[int, set[int]] = {}  # by patient: their installments registered
        open_items: dict[int, list[ReguaItem]] = {}
        for r in rows:
            one = item(r)
            open_items.setdefault(r.patient_id, []).append(one)
            if any(n.covers(one.line) for n in registrations.get(r.contract_id, ())):
                registered.setdefault(r.patient_id, set()).add(r.id)
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
                registered=frozenset(registered.get(pid, ())),
            )
            for pid in patient_ids
        }
        return cases, installments

    def _draft(
        self, group: list[_Due], clinic: ClinicInfo, rules: ContactRules, now: datetime
    ) -> MessageDraft:
        """One row: a patient's step, or one payer's conversation about several patients.

        Whether it may be done now is decided at each look (the hour, the spacing). Its
        message — the text, the PIX code, the links — is a function of the steps due, the
        people, the channel, whether a negativação is to be removed, the clinic and the day:
        drafted again only when one of them differs from the last look's (``memo.LastOf``)."""
        refusal = self._refusal(group, clinic, rules, now)
        removal = any(
            g.case.negativado_since is not None
            and not any(i.line.is_overdue for i in g.case.open_items)
            for g in group
        )
        day = now.date()
        people = tuple((g.due, g.patient, g.recipient, g.channel) for g in group)
        inputs = (people, tuple(g.case.negativado_since for g in group), removal, clinic, day)
        key = tuple(g.patient.id for g in group)
        message = self._messages.get(
            key, inputs, lambda _: self._message(group, clinic, day, removal)
        )
        return replace(
            message,
            allowed_now=refusal is None,
            reason=refusal.message if refusal else "",
            status=refusal.short if refusal else "pode agora",
        )

    def _message(
        self, group: list[_Due], clinic: ClinicInfo, day: date, removal: bool
    ) -> MessageDraft:
        """``_draft``'s row with its message, as if it might be done now."""
        first = group[0]
        due, patient, recipient, channel = first.due, first.patient, first.recipient, first.channel
        step = due.step
        dues = tuple(g.due for g in group)
        amount, days_late = _owed(group)
        is_thanks = step.key == StepKey.AGRADECIMENTO
        payer = PayerPix(recipient.person_id, dues, day) if len(group) > 1 else None
        pix = None if is_thanks or channel is Channel.MANUAL else pix_payload(clinic, due, payer)
        parts = tuple(Part(g.due, g.patient.name) for g in group) if len(group) > 1 else ()
        values = message_values(
            DraftInput(due, recipient, patient.name, clinic, day, pix, removal, parts)
        )
        text = render_message(step.template, channel, values)
        subject = subject_for(step, clinic)
        wa = None
        if channel is Channel.WHATSAPP and recipient.whatsapp_number:
            wa = whatsapp_url(recipient.whatsapp_number, text)
        mail = mailto_url(recipient.email, subject, text) if channel is Channel.EMAIL else None
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
            step_in_words=step.in_words,
            channel=channel.value,
            text=text,
            subject=subject,
            pix_payload=pix,
            whatsapp_url=wa,
            mailto_url=mail,
            phone=format_phone(recipient.whatsapp_number or recipient.any_phone),
            email=recipient.email,
            allowed_now=True,
            reason="",
            status="pode agora",
            amount_cents=amount,
            days_late=days_late,
            flags=tuple(flag for g in group for flag in self._flags(g, len(group) > 1)),
            document_kind=step.document_kind,
            parts=tuple(
                DraftPart(
                    g.patient.id,
                    g.patient.name,
                    g.due.contract_id,
                    g.due.anchor.line.key,
                    g.due.amount_cents,
                    g.due.days_late,
                )
                for g in group
            ),
        )

    def _outline(
        self, group: list[_Due], clinic: ClinicInfo, rules: ContactRules, now: datetime
    ) -> DraftOutline:
        """A row without its message: whose step it is, whether it may be done now, how much."""
        first = group[0]
        return DraftOutline(
            first.patient.id,
            first.patient.name,
            first.due.contract_id,
            first.due.step.key,
            first.channel.value,
            self._refusal(group, clinic, rules, now),
            *_owed(group),
        )

    @staticmethod
    def _flags(item: _Due, several: bool) -> list[str]:
        """A broken promise, a negativação: said on the row (with whose, when several)."""
        flags: list[str] = []
        if item.due.broken_promise is not None:
            p = item.due.broken_promise
            flags.append(
                f"promessa quebrada ({format_brl(p.amount_cents)} para "
                f"{format_date(p.promised_on)})"
            )
        if item.case.negativado_since is not None:
            flags.append(f"negativado desde {format_date(item.case.negativado_since)}")
        if several:
            first = item.patient.name.split()[0] if item.patient.name.split() else ""
            return [f"{first}: {f}" for f in flags]
        return flags

    def _refusal(
        self, group: list[_Due], clinic: ClinicInfo, rules: ContactRules, now: datetime
    ) -> Refusal | None:
        """Why this step may not be done now (pt-BR), or None. Letters and the gestor's
        negativação are not contacts: hours and spacing do not apply to them; a letter needs
        the postal address of the person charged. A conversation about several patients keeps
        the spacing from the latest contact with any of them."""
        first = group[0]
        due, channel = first.due, first.channel
        missing = identification_missing(clinic)
        if missing:
            return Refusal("falta identificar a clínica", missing)
        if first.channel_problem:
            return Refusal("sem canal de contato", first.channel_problem)
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
            name, parts = first.recipient.name, first.no_address
            if parts:
                return Refusal(
                    "sem endereço",
                    f"Carta: falta no cadastro de {name} o endereço ({', '.join(parts)}). A "
                    "carta vai pelo correio com aviso de recebimento (AR): cadastre o endereço "
                    "antes de gerar o documento.",
                )
            return None
        refusal = time_refusal(rules, now)
        if refusal:
            return refusal
        if due.step.key == StepKey.AGRADECIMENTO:
            return None  # a thank-you is not a collection contact
        contacts = [c for g in group for c in g.case.contacts]
        return spacing_refusal(rules, last_contact_day(contacts), now.date())
