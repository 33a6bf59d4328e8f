"""Cobrança de hoje on a real database: drafts to the responsável, PIX with the updated amount,
contact rules, opt-outs, logging outcomes and promises, the régua's settings and roles."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from app.bootstrap import Services
from app.domain.contacts import FORMAL_CHANNELS
from app.domain.contracts import PaymentForm
from app.domain.pix import crc_is_valid, decode, txid_for
from app.domain.regua import DEFAULT_BY_KEY, StepKey
from app.domain.templates import wording_problems
from app.errors import PermissionDenied, ValidationError
from app.services.base import Actor
from app.services.collection.contact_log import OutcomeForm
from app.services.collection.drafts import MessageDraft
from app.services.collection.regua_settings import StepForm
from tests.collection_data import CNPJ, seed_debtors
from tests.conftest import STAFF_PASSWORD, TODAY


class Morning:
    """A clock the test moves from morning to morning (starts Monday 16/03/2026 10:00)."""

    def __init__(self) -> None:
        self.day, self.at = TODAY, time(10)

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return datetime.combine(self.day, self.at)

    def move(self, day: date, at: time) -> None:
        self.day, self.at = day, at


@pytest.fixture
def clock() -> Morning:
    return Morning()


@pytest.fixture
def clinic(services: Services) -> dict[str, int]:
    return seed_debtors(services)


def by_patient(drafts: list[MessageDraft]) -> dict[int, MessageDraft]:
    return {d.patient_id: d for d in drafts}


def test_the_morning_list_has_one_polite_draft_per_patient(
    services: Services, clinic: dict[str, int]
) -> None:
    drafts = by_patient(services.drafts.today())
    assert set(drafts) == {clinic["maria"], clinic["pedro"], clinic["bruno"]}
    maria, pedro, bruno = (drafts[clinic[k]] for k in ("maria", "pedro", "bruno"))
    assert maria.step_key == StepKey.ATRASO and maria.days_late == 5
    assert pedro.step_key == StepKey.LEMBRETE
    assert pedro.recipient_name == "Ana Souza"  # the responsável financeiro pays
    assert pedro.text.startswith("Olá, Ana!") and "ao atendimento de Pedro" in pedro.text
    assert pedro.whatsapp_url is not None and pedro.whatsapp_url.startswith(
        "https://wa.me/5519988887777?text="
    )
    assert bruno.step_key == StepKey.ATRASO_LEVE  # due Friday 13/03
    for draft in drafts.values():
        assert draft.allowed_now, draft.reason
        assert f"CNPJ {CNPJ}" in draft.text  # CDC art. 42-A: name, CNPJ and address
        assert "Av. Brasil, 100 — Campinas/SP" in draft.text
        assert "Implante" not in draft.text and "prótese" not in draft.text  # LGPD art. 11
        assert wording_problems(draft.text) == []


def test_pix_carries_the_updated_amount_with_a_valid_crc(
    services: Services, clinic: dict[str, int]
) -> None:
    draft = by_patient(services.drafts.today())[clinic["maria"]]
    assert draft.pix_payload is not None and crc_is_valid(draft.pix_payload)
    pix = decode(draft.pix_payload)
    view = services.contracts.get(clinic["maria_contract"])
    overdue = [ln for ln in view.lines if ln.is_overdue]
    assert pix.amount_cents == draft.amount_cents == sum(ln.total_cents for ln in overdue)
    assert pix.amount_cents == 30_000 + 600 + 50  # R$ 300 + 2 % + 5 days of 1 % a.m.
    assert pix.key == "financeiro@sorriso.com.br" and pix.merchant_name == "CLINICA SORRISO LTDA"
    assert pix.txid == txid_for(clinic["maria_contract"], 1)
    assert draft.pix_payload in draft.text and "R$ 306,50" in draft.text


def test_an_opt_out_switches_to_e_mail(services: Services, clinic: dict[str, int]) -> None:
    bruno = by_patient(services.drafts.today())[clinic["bruno"]]
    assert bruno.channel == "email" and bruno.whatsapp_url is None
    assert bruno.mailto_url is not None and bruno.mailto_url.startswith(
        "mailto:bruno@exemplo.com.br?subject="
    )


def test_sunday_and_late_evening_rows_say_why_not_now(
    services: Services, clinic: dict[str, int], clock: Morning
) -> None:
    maria, pedro, bruno = (clinic[k] for k in ("maria", "pedro", "bruno"))
    clock.move(date(2026, 3, 22), time(10))
    sunday = services.drafts.today()
    # Listed all the same, so the desk sees why; Maria's D+11 is the ligação, a call.
    assert {(d.patient_id, d.step_key) for d in sunday} == {
        (maria, StepKey.LIGACAO),
        (pedro, StepKey.ATRASO_LEVE),
        (bruno, StepKey.ATRASO),
    }
    assert all(not d.allowed_now and d.reason.startswith("Domingo:") for d in sunday)
    clock.move(date(2026, 3, 17), time(20, 30))
    evening = services.drafts.today()
    assert {(d.patient_id, d.step_key) for d in evening} == {
        (maria, StepKey.ATRASO),
        (pedro, StepKey.LEMBRETE),
        (bruno, StepKey.ATRASO_LEVE),
    }
    assert all(not d.allowed_now and "Fora do horário" in d.reason for d in evening)


def test_an_unidentified_clinic_cannot_charge(services: Services, clinic: dict[str, int]) -> None:
    services.clinic.update({"cnpj": ""})
    drafts = services.drafts.today()
    assert {d.patient_id for d in drafts} == {clinic["maria"], clinic["pedro"], clinic["bruno"]}
    assert all(not d.allowed_now and "CDC art. 42-A" in d.reason for d in drafts)


def test_logging_an_outcome_removes_the_row_and_spaces_the_next_contact(
    services: Services, clinic: dict[str, int], clock: Morning
) -> None:
    logged = services.contacts.log_outcome(OutcomeForm(clinic["maria"], "enviado"))
    assert logged.step_key == StepKey.ATRASO and logged.channel == "whatsapp"
    assert clinic["maria"] not in by_patient(services.drafts.today())
    history = services.contacts.history(clinic["maria"])
    assert [(h.step, h.outcome, h.channel) for h in history] == [
        ("Atraso", "mensagem enviada", "WhatsApp")
    ]
    # The ligação (D+10) comes on 21/03, a Saturday — and is still due on Monday.
    clock.move(date(2026, 3, 21), time(9))
    assert by_patient(services.drafts.today())[clinic["maria"]].step_key == StepKey.LIGACAO


def test_min_days_between_contacts_blocks_the_next_step(
    services: Services, clinic: dict[str, int], clock: Morning
) -> None:
    services.contacts.log_outcome(OutcomeForm(clinic["pedro"], "enviado"))
    clock.move(date(2026, 3, 19), time(9))
    assert by_patient(services.drafts.today())[clinic["pedro"]].allowed_now
    services.contacts.log_outcome(OutcomeForm(clinic["pedro"], "enviado"))
    clock.move(date(2026, 3, 20), time(9))
    pedro = by_patient(services.drafts.today())[clinic["pedro"]]
    assert pedro.step_key == StepKey.ATRASO_LEVE and not pedro.allowed_now
    assert "19/03/2026" in pedro.reason and "2 dias" in pedro.reason


def test_a_promise_holds_the_regua_until_it_breaks(
    services: Services, clinic: dict[str, int], clock: Morning
) -> None:
    logged = services.contacts.log_outcome(
        OutcomeForm(clinic["maria"], "prometeu", promise_date="2026-03-18")
    )
    assert logged.promise_cents == 30_650 and logged.promised_on == date(2026, 3, 18)
    history = services.contacts.history(clinic["maria"])
    assert history[0].outcome == "prometeu pagar" and "18/03/2026 (pendente)" in history[0].promise
    clock.move(date(2026, 3, 19), time(9))
    broken = by_patient(services.drafts.today())[clinic["maria"]]
    assert broken.step_key == StepKey.LIGACAO  # moved along a day early
    assert any("promessa quebrada" in f for f in broken.flags)
    assert "(quebrada)" in services.contacts.history(clinic["maria"])[0].promise


def test_a_kept_promise_and_a_thank_you(
    services: Services, clinic: dict[str, int], clock: Morning
) -> None:
    services.contacts.log_outcome(
        OutcomeForm(clinic["maria"], "prometeu", promise_date="17/03/2026", promise_amount="306,50")
    )
    clock.move(date(2026, 3, 17), time(9))
    services.payments.add(
        PaymentForm(contract_id=clinic["maria_contract"], amount="306,67", paid_on="2026-03-17")
    )
    assert "(cumprida)" in services.contacts.history(clinic["maria"])[0].promise
    thanks = by_patient(services.drafts.today())[clinic["maria"]]
    assert thanks.step_key == StepKey.AGRADECIMENTO and thanks.pix_payload is None
    assert "Recebemos o pagamento da parcela 1/3 em 17/03/2026" in thanks.text


def test_promise_input_is_checked(services: Services, clinic: dict[str, int]) -> None:
    with pytest.raises(ValidationError) as refused:
        services.contacts.log_outcome(
            OutcomeForm(
                clinic["maria"], "prometeu", promise_date="10/03/2026", promise_amount="12.5"
            )
        )
    fields = {e.field for e in refused.value.errors}
    assert fields == {"promise_date", "promise_amount"}
    assert services.contacts.history(clinic["maria"]) == []


def test_regua_defaults_are_seeded_once(services: Services) -> None:
    services.regua.ensure_steps()
    services.regua.ensure_steps()
    steps = services.regua.steps()
    assert [s.key for s in steps] == list(DEFAULT_BY_KEY)


def test_editing_a_step_runs_the_lawful_wording_check(staff: Services) -> None:
    staff.login("recepcao", STAFF_PASSWORD)
    form = StepForm("-2", "whatsapp", "Olá {responsavel}, lembrete da {clinica}.")
    with pytest.raises(PermissionDenied):
        staff.regua.save_step(StepKey.LEMBRETE, form)
    staff.login("gestor", STAFF_PASSWORD)
    with pytest.raises(ValidationError) as refused:
        staff.regua.save_step(
            StepKey.LEMBRETE, StepForm("-2", "whatsapp", "Pague, caloteiro, ou chamamos a polícia.")
        )
    messages = " ".join(e.message for e in refused.value.errors)
    assert "“caloteiro”" in messages and "“polícia”" in messages
    assert staff.regua.steps()[0].offset_days == -3  # nothing saved
    saved = staff.regua.save_step(StepKey.LEMBRETE, form)
    assert saved.offset_days == -2 and staff.regua.steps()[0].template == form.template
    preview = staff.regua.preview(StepKey.LEMBRETE, form)
    assert preview.text.startswith("Olá Ana, lembrete da ") and not preview.problems
    entries = staff.audit.search()
    assert any(e.action == "regua.update" for e in entries)


def test_contact_rules_are_saved_by_a_gestor(staff: Services) -> None:
    staff.login("gestor", STAFF_PASSWORD)
    windows = {key: ("09:00", "18:00") for key in ("mon", "tue", "wed", "thu", "fri")}
    windows |= {"sat": ("", ""), "sun": ("", "")}
    rules = staff.regua.save_rules(windows, 3)
    assert rules.windows[5] is None and rules.windows[0] == (time(9), time(18))
    assert staff.regua.rules().min_days_between == 3
    with pytest.raises(ValidationError):
        staff.regua.save_rules({**windows, "mon": ("06:00", "18:00")}, 3)


def test_drafting_needs_the_messages_permission(staff: Services) -> None:
    staff.actor = Actor.nobody()  # users exist, nobody logged in
    with pytest.raises(PermissionDenied):
        staff.drafts.today()
    staff.login("recepcao", STAFF_PASSWORD)
    assert staff.drafts.today() == []


def test_demo_clinic_drafts_are_lawful_and_payable(demo_services: Services) -> None:
    drafts = demo_services.drafts.today()
    assert len(drafts) > 10
    for draft in drafts:
        assert "Tratamento odontológico" not in draft.text
        formal = draft.channel in FORMAL_CHANNELS  # a letter may inform a legal consequence
        assert wording_problems(draft.text, formal=formal) == [], draft.text
        if draft.pix_payload:
            assert crc_is_valid(draft.pix_payload)
            assert decode(draft.pix_payload).amount_cents == draft.amount_cents > 0


def test_conversations_come_before_the_letters(demo_services: Services) -> None:
    """The morning's WhatsApp work is never buried under a batch of letters: among the rows
    that may be done now, WhatsApp, e-mail, SMS and calls come first, letters after them."""
    order = ["whatsapp", "email", "sms", "phone", "letter", "manual"]
    drafts = demo_services.drafts.today()
    now = [order.index(d.channel) for d in drafts if d.allowed_now]
    assert now == sorted(now)
    assert {"whatsapp", "letter"} <= {d.channel for d in drafts}
    assert all(d.allowed_now for d in drafts[: len(now)])  # what may be done now, first
