"""Contact rules (hours, holidays, spacing, opt-outs), the lawful-wording check, message
rendering and links, and promises kept or broken from the payments."""

from __future__ import annotations

from datetime import date, datetime, time
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from app.adapters.business_days import business_calendar
from app.domain.catalog import Channel, ContactOutcome
from app.domain.clinic import ClinicInfo
from app.domain.contacts import (
    DEFAULT_WINDOWS,
    ContactRules,
    Recipient,
    choose_channel,
    parse_channel,
    parse_outcome,
    parse_windows,
    spacing_refusal,
    time_refusal,
    windows_from_json,
    windows_to_json,
)
from app.domain.law import ChargePolicy
from app.domain.messages import (
    DEMO_PATIENT,
    DEMO_RECIPIENT,
    DraftInput,
    demo_due,
    identification,
    mailto_url,
    message_values,
    render_message,
    whatsapp_url,
)
from app.domain.promises import (
    PaymentFact,
    PromiseRecord,
    PromiseStatus,
    promise_status,
    tally,
    with_payments,
)
from app.domain.regua import DEFAULT_BY_KEY, StepKey
from app.domain.templates import render, template_problems
from app.errors import ValidationError

RULES = ContactRules(DEFAULT_WINDOWS, business_calendar("SP"), 2)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


# --- hours, holidays and spacing -------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (at(date(2026, 3, 16), 8), True),  # Monday at 08:00
        (at(date(2026, 3, 16), 7, 59), False),
        (at(date(2026, 3, 16), 19, 59), True),
        (at(date(2026, 3, 16), 20), False),
        (at(date(2026, 3, 21), 10), True),  # Saturday morning
        (at(date(2026, 3, 21), 14), False),  # Saturday afternoon
        (at(date(2026, 3, 22), 10), False),  # Sunday
        (at(date(2026, 4, 21), 10), False),  # Tiradentes (a Tuesday)
        (at(date(2026, 7, 9), 10), False),  # São Paulo's state holiday
        (at(date(2026, 2, 16), 10), False),  # Carnaval: banks closed
    ],
)
def test_contact_windows(moment: datetime, allowed: bool) -> None:
    assert (time_refusal(RULES, moment) is None) is allowed


def test_refusals_say_why() -> None:
    assert "domingo" in str(time_refusal(RULES, at(date(2026, 3, 22), 10)))
    assert "Tiradentes" in str(time_refusal(RULES, at(date(2026, 4, 21), 10)))
    saturday = time_refusal(RULES, at(date(2026, 3, 21), 15))
    assert saturday is not None and saturday.short == "fora do horário"
    assert "sábado" in saturday.message and "08:00 às 14:00" in saturday.message


def test_state_holidays_follow_the_clinics_state() -> None:
    rio = ContactRules(DEFAULT_WINDOWS, business_calendar("RJ"), 2)
    assert time_refusal(rio, at(date(2026, 7, 9), 10)) is None


def test_minimum_days_between_contacts() -> None:
    today = date(2026, 3, 16)
    assert spacing_refusal(RULES, None, today) is None
    assert spacing_refusal(RULES, date(2026, 3, 13), today) is None
    assert spacing_refusal(RULES, date(2026, 3, 14), today) is None
    refusal = spacing_refusal(RULES, date(2026, 3, 15), today)
    assert refusal is not None and refusal.short == "próximo contato 17/03"
    assert "15/03/2026" in refusal.message and "2 dias" in refusal.message


def test_windows_round_trip_and_editor_refusals() -> None:
    custom = windows_from_json({"sat": None, "mon": ["09:00", "18:00"]})
    assert (
        custom[5] is None and custom[0] == (time(9), time(18)) and custom[1] == DEFAULT_WINDOWS[1]
    )
    assert windows_from_json(windows_to_json(custom)) == custom
    with pytest.raises(ValidationError) as refused:
        parse_windows({"mon": ("07:00", "20:00"), "tue": ("18:00", "09:00"), "wed": ("x", "")})
    messages = " ".join(e.message for e in refused.value.errors)
    assert "Segunda" in messages and "descanso" in messages
    assert "Terça" in messages and "antes do fim" in messages
    assert "Quarta" in messages
    with pytest.raises(ValidationError, match="domingos"):
        parse_windows({"sun": ("09:00", "12:00")})


# --- recipients, channels and opt-outs ------------------------------------------------------


ANA = Recipient(1, "Ana Souza", phone="19998765432", phone_whatsapp=True, email="ana@x.com.br")


def test_the_preferred_channel_when_allowed() -> None:
    assert choose_channel(Channel.WHATSAPP, ANA) == (Channel.WHATSAPP, None)


def test_an_opt_out_falls_back_to_another_channel() -> None:
    no_whatsapp = Recipient(**{**ANA.__dict__, "opt_out_whatsapp": True})
    assert choose_channel(Channel.WHATSAPP, no_whatsapp) == (Channel.EMAIL, None)


def test_no_channel_left_says_why() -> None:
    nothing = Recipient(2, "Bruno Lima", phone="1932345678", opt_out_email=True)
    channel, reason = choose_channel(Channel.WHATSAPP, nothing)
    assert channel is Channel.WHATSAPP and reason is not None
    assert "Bruno Lima" in reason and "sem número com WhatsApp" in reason
    assert "pediu para não receber" in reason
    calls = Recipient(3, "Carla Dias", phone="1932345678", opt_out_phone=True)
    assert "ligações" in (choose_channel(Channel.PHONE, calls)[1] or "")


def test_cli_words_for_outcomes_and_channels() -> None:
    assert parse_outcome("enviado") is ContactOutcome.SENT
    assert parse_outcome("sem_resposta") is ContactOutcome.NO_ANSWER
    assert parse_outcome("número errado") is ContactOutcome.WRONG_CONTACT
    assert parse_outcome("prometeu") is ContactOutcome.PROMISED
    assert parse_outcome("pagou") is ContactOutcome.PAID
    assert parse_channel("WhatsApp") is Channel.WHATSAPP
    assert parse_channel("ligação") is Channel.PHONE
    with pytest.raises(ValidationError, match="Resultado"):
        parse_outcome("ameacei")


# --- lawful wording -------------------------------------------------------------------------


# The table of texts refused and passed, tricks included: tests/unit/test_wording_guard.py.


def test_polite_wording_passes() -> None:
    polite = (
        "Olá, {responsavel}! A parcela {parcela} referente {referente} venceu em {vencimento}. "
        "Podemos combinar uma nova data? Obrigado, {clinica}."
    )
    assert template_problems(polite) == []


def test_unknown_placeholders_and_empty_templates_are_refused() -> None:
    problems = template_problems("Olá {nme}, {valor}")
    assert len(problems) == 1 and "{nme}" in problems[0].message and "{nome}" in problems[0].message
    assert "obrigatório" in template_problems("   ")[0].message


def test_render_leaves_unknown_text_alone() -> None:
    assert render("Olá {nome} {x} {", {"nome": "Ana"}) == "Olá Ana {x} {"


# --- drafting -------------------------------------------------------------------------------

CLINIC = ClinicInfo(
    legal_name="Clínica Sorriso Ltda",
    trade_name="Sorriso",
    cnpj="11222333000181",
    phone="1932345678",
    pix_key="financeiro@sorriso.com.br",
    pix_merchant_name="SORRISO",
    pix_merchant_city="CAMPINAS",
)


def test_every_text_identifies_the_clinic_even_if_the_template_forgets() -> None:
    due = demo_due(DEFAULT_BY_KEY[StepKey.ATRASO_LEVE], date(2026, 3, 16), ChargePolicy())
    values = message_values(
        DraftInput(due, DEMO_RECIPIENT, DEMO_PATIENT, CLINIC, date(2026, 3, 16))
    )
    text = render_message("Olá, {responsavel}.", Channel.WHATSAPP, values)
    assert text.endswith(identification(CLINIC))
    assert "CNPJ 11.222.333/0001-81" in text and "Clínica Sorriso Ltda" in text


def test_values_are_pt_br_and_never_name_the_treatment() -> None:
    due = demo_due(DEFAULT_BY_KEY[StepKey.ATRASO], date(2026, 3, 16), ChargePolicy())
    values = message_values(
        DraftInput(due, DEMO_RECIPIENT, DEMO_PATIENT, CLINIC, date(2026, 3, 16))
    )
    assert values["valor_original"] == "R$ 350,00"
    assert values["valor_atualizado"] == "R$ 357,58"  # 2 % fine + 5 days of 1 % a.m.
    assert values["vencimento"] == "11/03/2026"
    assert values["dias_atraso"] == "5"
    assert values["referente"] == "ao atendimento de Pedro"
    assert values["responsavel"] == "Ana"
    assert "chave PIX" in values["pix_copia_e_cola"]  # no payload given: the key, at least


def test_whatsapp_and_mailto_links_are_url_encoded() -> None:
    text = "Olá, Ana!\nValor: R$ 1.234,56 & PIX"
    url = whatsapp_url("19998765432", text)
    assert url.startswith("https://wa.me/5519998765432?text=")
    assert unquote(url.split("text=", 1)[1]) == text
    assert " " not in url and "\n" not in url
    mail = mailto_url("ana@x.com.br", "Sorriso — pagamento", text)
    query = parse_qs(urlsplit(mail).query)
    assert mail.startswith("mailto:ana@x.com.br?")
    assert query == {"subject": ["Sorriso — pagamento"], "body": [text]}


# --- promises -------------------------------------------------------------------------------


def test_promises_are_kept_or_broken_by_the_payments() -> None:
    promise = PromiseRecord(date(2026, 3, 10), date(2026, 3, 12), 30_000, contract_id=7)
    paid_late = [PaymentFact(date(2026, 3, 13), 30_000, 7)]
    on_time = [PaymentFact(date(2026, 3, 11), 10_000, 7), PaymentFact(date(2026, 3, 12), 20_000, 7)]
    other_contract = [PaymentFact(date(2026, 3, 11), 30_000, 8)]
    assert promise_status(with_payments(promise, [], date(2026, 3, 12)), date(2026, 3, 12)) is (
        PromiseStatus.PENDING
    )
    assert promise_status(
        with_payments(promise, on_time, date(2026, 3, 20)), date(2026, 3, 20)
    ) is (PromiseStatus.KEPT)
    late = with_payments(promise, paid_late, date(2026, 3, 20))
    assert promise_status(late, date(2026, 3, 20)) is PromiseStatus.BROKEN
    elsewhere = with_payments(promise, other_contract, date(2026, 3, 20))
    assert promise_status(elsewhere, date(2026, 3, 20)) is PromiseStatus.BROKEN
    cancelled = PromiseRecord(date(2026, 3, 10), date(2026, 3, 12), 30_000, resolution="cancelled")
    assert promise_status(cancelled, date(2026, 3, 20)) is PromiseStatus.CANCELLED
    counted = tally([with_payments(promise, on_time, date(2026, 3, 20)), late], date(2026, 3, 20))
    assert (counted.kept, counted.broken, counted.pending) == (1, 1, 0)


def test_a_payment_entered_before_the_promise_the_same_day_does_not_keep_it() -> None:
    morning, noon, evening = (datetime(2026, 3, 16, h) for h in (9, 12, 18))
    promise = PromiseRecord(date(2026, 3, 16), date(2026, 3, 18), 30_000, made_at=noon)
    before = [PaymentFact(date(2026, 3, 16), 30_000, recorded_at=morning)]
    after = [PaymentFact(date(2026, 3, 16), 30_000, recorded_at=evening)]
    later = date(2026, 3, 19)
    assert promise_status(with_payments(promise, before, later), later) is PromiseStatus.BROKEN
    assert promise_status(with_payments(promise, after, later), later) is PromiseStatus.KEPT
