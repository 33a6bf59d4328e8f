"""Contacting a patient about money: outcomes, who receives the message, and the rules that say
whether a contact is allowed *now* (CDC art. 42 and 71).

- **Outcomes** of an attempt (``catalog.ContactOutcome``; the contact log is the evidence of
  polite collection), typed in pt-BR on the command line.
- **Recipient**: the responsável financeiro when there is one, else the patient;
  their per-channel opt-outs are respected and a channel they refused falls back to another.
- **Rules**: allowed windows per weekday (default Mon–Fri 08:00–20:00, Sat 08:00–14:00, never on
  Sundays or holidays), and a minimum number of days between two contacts — collecting every day
  is the "constrangimento" CDC art. 42 forbids.

Pure: the caller passes ``now`` (the service clock) and the clinic's ``BusinessCalendar`` for
holidays.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from app.domain.business_calendar import BusinessCalendar
from app.domain.catalog import Channel, ContactOutcome, label
from app.domain.dates import format_date
from app.domain.text import fold
from app.errors import FieldError, ValidationError

# What people type on the command line (pt-BR words), besides the stored values.
_OUTCOME_ALIASES = {
    "enviado": ContactOutcome.SENT,
    "enviada": ContactOutcome.SENT,
    "conversou": ContactOutcome.ANSWERED,
    "atendeu": ContactOutcome.ANSWERED,
    "sem_resposta": ContactOutcome.NO_ANSWER,
    "numero_errado": ContactOutcome.WRONG_CONTACT,
    "contato_errado": ContactOutcome.WRONG_CONTACT,
    "prometeu": ContactOutcome.PROMISED,
    "prometeu_pagar": ContactOutcome.PROMISED,
    "recusou": ContactOutcome.REFUSED,
    "pagou": ContactOutcome.PAID,
}


def parse_outcome(text: str, field: str = "outcome") -> ContactOutcome:
    key = fold(text).replace(" ", "_").replace("-", "_")
    if key in tuple(ContactOutcome):
        return ContactOutcome(key)
    if key in _OUTCOME_ALIASES:
        return _OUTCOME_ALIASES[key]
    choices = "enviado, sem_resposta, numero_errado, prometeu, recusou, pagou, conversou"
    raise ValidationError.single(field, f"Resultado: '{text}' não existe; use {choices}.")


# --- channels -------------------------------------------------------------------------------


# Channels that carry a text to the person (they must identify the clinic, CDC art. 42-A).
TEXT_CHANNELS = frozenset({Channel.WHATSAPP, Channel.EMAIL, Channel.SMS})
# Formal steps: a letter, the gestor's act. Only these may inform a legal consequence
# (negativação, protesto, ação judicial), in neutral words (``templates.wording_problems``).
FORMAL_CHANNELS = frozenset({Channel.LETTER, Channel.MANUAL})


def parse_channel(text: str, field: str = "channel") -> Channel:
    key = fold(text).replace("-", "")
    aliases = {"zap": Channel.WHATSAPP, "ligacao": Channel.PHONE, "telefone": Channel.PHONE}
    aliases |= {"carta": Channel.LETTER, "gestor": Channel.MANUAL}
    if key in tuple(Channel):
        return Channel(key)
    if key in aliases:
        return aliases[key]
    choices = ", ".join(c for c in Channel if c is not Channel.IN_PERSON)
    raise ValidationError.single(field, f"Canal: '{text}' não existe; use {choices}.")


@dataclass(frozen=True)
class Recipient:
    """Who receives the message: the responsável financeiro, or the patient when none."""

    person_id: int
    name: str
    phone: str = ""
    phone_whatsapp: bool = False
    phone_alt: str = ""
    phone_alt_whatsapp: bool = False
    email: str = ""
    opt_out_whatsapp: bool = False
    opt_out_sms: bool = False
    opt_out_email: bool = False
    opt_out_phone: bool = False
    is_patient: bool = True

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else ""

    @property
    def whatsapp_number(self) -> str:
        if self.phone and self.phone_whatsapp:
            return self.phone
        if self.phone_alt and self.phone_alt_whatsapp:
            return self.phone_alt
        return ""

    @property
    def any_phone(self) -> str:
        return self.phone or self.phone_alt


# A channel the person refused (or has no address for) falls back to the next one.
_FALLBACK = {
    Channel.WHATSAPP: (Channel.WHATSAPP, Channel.EMAIL),
    Channel.EMAIL: (Channel.EMAIL, Channel.WHATSAPP),
    Channel.SMS: (Channel.SMS, Channel.WHATSAPP, Channel.EMAIL),
    Channel.PHONE: (Channel.PHONE,),
    Channel.LETTER: (Channel.LETTER,),
    Channel.MANUAL: (Channel.MANUAL,),
}


def _unusable(channel: Channel, who: Recipient) -> str | None:
    """Why ``channel`` cannot reach ``who`` (pt-BR), or None when it can."""
    if channel is Channel.WHATSAPP:
        if who.opt_out_whatsapp:
            return "pediu para não receber"
        if not who.whatsapp_number:
            return "sem número com WhatsApp"
    elif channel is Channel.EMAIL:
        if who.opt_out_email:
            return "pediu para não receber"
        if not who.email:
            return "sem e-mail cadastrado"
    elif channel is Channel.SMS:
        if who.opt_out_sms:
            return "pediu para não receber"
        if not who.any_phone:
            return "sem telefone cadastrado"
    elif channel is Channel.PHONE:
        if who.opt_out_phone:
            return "pediu para não receber ligações"
        if not who.any_phone:
            return "sem telefone cadastrado"
    return None


def choose_channel(preferred: Channel, who: Recipient) -> tuple[Channel, str | None]:
    """The channel to use for a step that prefers ``preferred``, honouring opt-outs (
    compliance on contact methods). Returns ``(channel, None)`` or ``(preferred, reason)``."""
    reasons: list[str] = []
    for channel in _FALLBACK[preferred]:
        problem = _unusable(channel, who)
        if problem is None:
            return channel, None
        reasons.append(f"{label(channel)} — {problem}")
    return preferred, f"Não há como contatar {who.name}: " + "; ".join(reasons) + "."


# --- when contacting is allowed -------------------------------------------------------------

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_LABELS = ("segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo")

Window = tuple[time, time]

# Business hours on weekdays, a short Saturday, never Sunday.
DEFAULT_WINDOWS: dict[int, Window | None] = {
    0: (time(8), time(20)),
    1: (time(8), time(20)),
    2: (time(8), time(20)),
    3: (time(8), time(20)),
    4: (time(8), time(20)),
    5: (time(8), time(14)),
    6: None,
}
DEFAULT_MIN_DAYS_BETWEEN = 2
MAX_MIN_DAYS_BETWEEN = 30


@dataclass(frozen=True)
class ContactRules:
    windows: Mapping[int, Window | None]
    calendar: BusinessCalendar  # the clinic's: no collection on a holiday
    min_days_between: int = DEFAULT_MIN_DAYS_BETWEEN


_HHMM = re.compile(r"^([0-9]{1,2})(?::|h)?([0-9]{2})?$")


def _parse_time(text: str) -> time | None:
    match = _HHMM.match(text.strip().lower())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour == 24 and minute == 0:
        return time(23, 59)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def windows_from_json(stored: Mapping[str, Any] | None) -> dict[int, Window | None]:
    """The clinic's ``contact_windows`` JSON (``{"mon": ["08:00", "20:00"], "sun": null}``);
    days not stored keep the default, unreadable values too (the editor refuses them)."""
    windows = dict(DEFAULT_WINDOWS)
    for index, key in enumerate(WEEKDAY_KEYS):
        if not stored or key not in stored:
            continue
        value = stored[key]
        if value is None or value == [] or value == "":
            windows[index] = None
            continue
        if isinstance(value, list | tuple) and len(value) == 2:
            start, end = _parse_time(str(value[0])), _parse_time(str(value[1]))
            if start is not None and end is not None and start < end:
                windows[index] = (start, end)
    return windows


def windows_to_json(windows: Mapping[int, Window | None]) -> dict[str, Any]:
    return {
        key: None if windows.get(i) is None else [f"{w:%H:%M}" for w in windows[i] or ()]
        for i, key in enumerate(WEEKDAY_KEYS)
    }


def format_window(window: Window | None) -> str:
    if window is None:
        return ""
    return f"{window[0]:%H:%M} às {window[1]:%H:%M}"


def parse_windows(texts: Mapping[str, tuple[str, str]]) -> dict[int, Window | None]:
    """What the settings screen typed (``{"mon": ("08:00", "20:00"), "sun": ("", "")}``):
    an empty pair means no contact that day. Raises ValidationError naming the day."""
    errors: list[FieldError] = []
    windows: dict[int, Window | None] = {}
    for index, key in enumerate(WEEKDAY_KEYS):
        start_text, end_text = texts.get(key, ("", ""))
        label = WEEKDAY_LABELS[index].capitalize()
        if not start_text.strip() and not end_text.strip():
            windows[index] = None
            continue
        start, end = _parse_time(start_text), _parse_time(end_text)
        if start is None or end is None:
            errors.append(
                FieldError(
                    f"window_{key}",
                    f"{label}: use horários como 08:00 e 20:00 (ou deixe os dois em branco para "
                    "não fazer contatos nesse dia).",
                )
            )
        elif start >= end:
            errors.append(
                FieldError(f"window_{key}", f"{label}: o início precisa ser antes do fim.")
            )
        elif start < time(8) or end > time(20):
            # CDC art. 42: no collection calls or messages at rest hours.
            errors.append(
                FieldError(
                    f"window_{key}",
                    f"{label}: contatos de cobrança só entre 08:00 e 20:00 — fora disso "
                    "atrapalham o descanso (CDC art. 42).",
                )
            )
        else:
            windows[index] = (start, end)
    if errors:
        raise ValidationError(errors)
    if 6 in windows and windows[6] is not None:
        raise ValidationError.single(
            "window_sun", "Domingo: a clínica não faz contatos de cobrança aos domingos."
        )
    return windows


def check_min_days(value: int) -> FieldError | None:
    if not 0 <= value <= MAX_MIN_DAYS_BETWEEN:
        return FieldError(
            "min_days_between_contacts",
            f"Dias entre contatos: use de 0 a {MAX_MIN_DAYS_BETWEEN}.",
        )
    return None


@dataclass(frozen=True)
class Refusal:
    """Why a contact is not allowed now: ``short`` for a list column, ``message`` in full."""

    short: str
    message: str

    def __str__(self) -> str:
        return self.message


def time_refusal(rules: ContactRules, now: datetime) -> Refusal | None:
    """Why contacting at ``now`` is not allowed (pt-BR), or None when it is."""
    day = now.date()
    if day.weekday() == 6:
        return Refusal("domingo", "Domingo: a clínica não faz contatos de cobrança aos domingos.")
    name = rules.calendar.holiday_name(day)
    if name:
        return Refusal("feriado", f"Feriado ({name}): nada de contatos de cobrança hoje.")
    window = rules.windows.get(day.weekday())
    weekday = WEEKDAY_LABELS[day.weekday()]
    if window is None:
        return Refusal(
            "dia sem contatos", f"Hoje ({weekday}) a clínica não faz contatos de cobrança."
        )
    start, end = window
    if now.time() < start:
        return Refusal(
            f"a partir das {start:%H:%M}",
            f"Ainda é cedo: hoje ({weekday}) os contatos são das {format_window(window)}.",
        )
    if now.time() >= end:
        return Refusal(
            "fora do horário",
            f"Fora do horário: hoje ({weekday}) os contatos são das {format_window(window)}; "
            "fica para o próximo dia permitido.",
        )
    return None


def spacing_refusal(rules: ContactRules, last_contact: date | None, today: date) -> Refusal | None:
    """Why it is too soon after the previous contact, or None."""
    if last_contact is None or rules.min_days_between <= 0:
        return None
    days = (today - last_contact).days
    if days >= rules.min_days_between:
        return None
    next_day = last_contact + timedelta(days=rules.min_days_between)
    return Refusal(
        f"próximo contato {next_day:%d/%m}",
        f"Último contato em {format_date(last_contact)}: a clínica espera "
        f"{rules.min_days_between} dias entre um contato e outro.",
    )


@dataclass(frozen=True)
class ContactRecord:
    """One line of the contact log, as the régua reads it."""

    at: datetime
    step_key: str
    outcome: str
    channel: str = ""
    contract_id: int | None = None

    @property
    def day(self) -> date:
        return self.at.date()


def last_contact_day(contacts: Sequence[ContactRecord]) -> date | None:
    return max((c.day for c in contacts), default=None)
