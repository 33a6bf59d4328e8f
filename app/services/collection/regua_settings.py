"""The régua's settings (Configurações → Régua de cobrança, ``emdia regua``): its steps — when,
by which channel, with which text — and the contact rules (allowed hours, days between
contacts).

The steps live in the ``regua_step`` table. The default steps are seeded on first use
(``ensure_steps``), not by a migration: their pt-BR texts live in one place
(``app.domain.regua.DEFAULT_STEPS``), pass the same lawful-wording check as the user's edits, and
a database created before a step existed gets it the first time anyone opens the worklist.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import time

from app.domain import limits
from app.domain.catalog import Channel
from app.domain.contacts import (
    FORMAL_CHANNELS,
    ContactRules,
    check_min_days,
    parse_channel,
    parse_windows,
    windows_from_json,
    windows_to_json,
)
from app.domain.law import ChargePolicy
from app.domain.messages import (
    DEMO_PATIENT,
    DEMO_RECIPIENT,
    DraftInput,
    demo_due,
    message_values,
    pix_payload,
    render_message,
)
from app.domain.regua import (
    DEFAULT_BY_KEY,
    DEFAULT_STEPS,
    FORMER_DEFAULTS,
    MAX_OFFSET,
    MIN_OFFSET,
    ReguaStep,
    StepKey,
)
from app.domain.templates import template_problems
from app.domain.text import parse_int
from app.errors import DuplicateError, FieldError, NotFoundError, ValidationError
from app.persistence import models
from app.persistence.records import clinic_info, regua_step
from app.services.base import Permission, Service, clinic_calendar
from app.services.ports import UnitOfWorkPort


@dataclass(frozen=True)
class StepForm:
    """What the régua editor (or a script) typed for one step."""

    offset_days: str
    channel: str
    template: str
    active: bool = True

    def offset(self) -> int | None:
        """``-3``, ``+5``, ``−3`` (typographic minus) → days; None when not a number."""
        return parse_int(self.offset_days)


@dataclass(frozen=True)
class StepChange:
    """A headless change to one step (``emdia regua set``): what is None stays as it is."""

    text: str | None = None
    channel: str | None = None
    offset: str | None = None
    active: str | None = None  # "sim" | "nao"


YES, NO = ("sim", "s", "yes", "true", "1"), ("nao", "não", "n", "no", "false", "0")


@dataclass(frozen=True)
class Preview:
    text: str
    problems: tuple[FieldError, ...] = ()


@dataclass(frozen=True)
class RulesView:
    windows: dict[int, tuple[time, time] | None]
    min_days_between: int


def read_steps(uow: UnitOfWorkPort) -> list[ReguaStep]:
    """The clinic's steps as saved (seeded first by ``ReguaSettingsService.ensure_steps``)."""
    return [regua_step(r) for r in uow.collection.steps()]


def read_contact_rules(uow: UnitOfWorkPort) -> ContactRules:
    """The clinic's contact rules (the defaults before the clinic was set up)."""
    row = uow.clinic.get()
    calendar = clinic_calendar(uow)
    if row is None:
        return ContactRules(windows_from_json(None), calendar)
    return ContactRules(
        windows_from_json(row.contact_windows), calendar, row.min_days_between_contacts
    )


class ReguaSettingsService(Service):
    # --- the steps ---------------------------------------------------------------------------
    def ensure_steps(self) -> None:
        """Seed the default steps that are missing (first use, or a step added by a newer
        version), and bring a text still equal to a former default up to today's. Another
        computer doing the same at once is harmless."""
        with self.uow() as uow:
            rows = uow.collection.steps()
            present = {row.key for row in rows}
            missing = [s for s in DEFAULT_STEPS if s.key not in present]
            stale = [r for r in rows if r.template in FORMER_DEFAULTS.get(r.key, ())]
            if not missing and not stale:
                return
            for row in stale:
                row.template = DEFAULT_BY_KEY[row.key].template
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

    def steps(self) -> list[ReguaStep]:
        self.require(Permission.MESSAGES)
        self.ensure_steps()
        with self.uow() as uow:
            return read_steps(uow)

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
        problem = limits.text_problem(form.template, "Texto", limits.TEMPLATE)
        # A letter or the gestor's step may inform a legal consequence, neutrally (formal).
        formal = channel in FORMAL_CHANNELS
        errors.extend(
            [FieldError("template", problem)]
            if problem
            else template_problems(form.template, formal=formal)
        )
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
            return regua_step(row)

    def change_step(self, key: str, change: StepChange) -> ReguaStep:
        """``emdia regua set``: the step as saved, with what ``change`` gives replacing it —
        through ``save_step``, so the same checks (wording included) refuse the same things and
        nothing is saved when one fails."""
        self.require(Permission.SETTINGS)
        current = next((s for s in self.steps() if s.key == key), None)
        if current is None:
            keys = ", ".join(s.key for s in DEFAULT_STEPS)
            raise ValidationError.single("key", f"Passo '{key}' não existe na régua; use {keys}.")
        active = current.active
        if change.active is not None:
            answer = change.active.strip().lower()
            if answer not in YES + NO:
                raise ValidationError.single("active", "Ativo: responda sim ou nao.")
            active = answer in YES
        form = StepForm(
            offset_days=str(current.offset_days) if change.offset is None else change.offset,
            channel=current.channel if change.channel is None else change.channel,
            template=current.template if change.text is None else change.text,
            active=active,
        )
        return self.save_step(key, form)

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
        pix = None if key == StepKey.AGRADECIMENTO else pix_payload(clinic, due)
        values = message_values(DraftInput(due, DEMO_RECIPIENT, DEMO_PATIENT, clinic, today, pix))
        return Preview(render_message(form.template, form.channel, values), problems)

    # --- the contact rules -------------------------------------------------------------------
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
