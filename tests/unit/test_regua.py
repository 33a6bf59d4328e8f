"""The régua engine over simulated mornings: each step once and in order, one step after a week
with the PC off, idempotent, promises that hold or move the patient along, thanks after a late
payment, and the negativação that never comes before its written notice (CDC art. 43 §2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytest

from app.adapters.business_days import business_calendar
from app.domain.contacts import FORMAL_CHANNELS, ContactRecord
from app.domain.law import (
    ChargePolicy,
    InstallmentLedger,
    InstallmentTerms,
    Settlement,
    Status,
    allocate,
    updated_debt,
)
from app.domain.promises import PaymentFact, PromiseRecord, with_payments
from app.domain.regua import (
    DEFAULT_STEPS,
    DueStep,
    PatientCase,
    ReguaItem,
    ReguaStep,
    StepKey,
    ladder,
    step_due,
    steps_due,
)
from app.domain.templates import template_problems

POLICY = ChargePolicy(fine_bp=200, interest_monthly_bp=100)
FIRST_DUE = date(2026, 3, 2)  # a Monday


def day(offset: int) -> date:
    """D+offset of the first installment."""
    return FIRST_DUE + timedelta(days=offset)


@dataclass
class Clinic:
    """One patient with a 3× contract of R$ 300,00, the clinic's contact log and promises —
    rebuilt into a PatientCase every morning, as the service does from the database."""

    contract_id: int = 7
    patient_id: int = 1
    terms: list[InstallmentTerms] = field(default_factory=list)
    settlements: dict[int, list[Settlement]] = field(default_factory=dict)
    contacts: list[ContactRecord] = field(default_factory=list)
    promises: list[PromiseRecord] = field(default_factory=list)
    payments: list[PaymentFact] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.terms:
            for number in (1, 2, 3):
                due = date(2026, 2 + number, 2)
                self.terms.append(
                    InstallmentTerms(
                        number,
                        due,
                        business_calendar("SP").next_business_day(due),
                        30_000,
                        key=number,
                    )
                )

    def lines(self, today: date) -> list[ReguaItem]:
        return [
            ReguaItem(
                self.contract_id,
                3,
                updated_debt(
                    t, [s for s in self.settlements.get(t.key, []) if s.paid_on <= today], today,
                    POLICY,
                ),
            )
            for t in self.terms
        ]  # fmt: skip

    def case(self, today: date) -> PatientCase:
        items = self.lines(today)
        lead = today + timedelta(days=3)
        return PatientCase(
            patient_id=self.patient_id,
            open_items=[i for i in items if i.line.is_open and i.due <= lead],
            settled_late=[
                i
                for i in items
                if i.line.status is Status.PAGO_COM_ATRASO
                and i.line.settled_on is not None
                and i.line.settled_on >= today - timedelta(days=10)
            ],
            contacts=[c for c in self.contacts if c.day <= today],
            promises=[with_payments(p, self.payments, today) for p in self.promises],
        )

    def due(self, today: date, steps: tuple[ReguaStep, ...] = DEFAULT_STEPS) -> DueStep | None:
        return step_due(self.case(today), steps, today)

    def log(self, today: date, step_key: str, outcome: str = "sent") -> None:
        at = datetime.combine(today, time(10))
        self.contacts.append(ContactRecord(at, step_key, outcome, "whatsapp", self.contract_id))

    def promise(self, today: date, promised_on: date, amount_cents: int) -> None:
        self.log(today, StepKey.LIGACAO, "promised")
        self.promises.append(
            PromiseRecord(today, promised_on, amount_cents, key=len(self.promises) + 1)
        )

    def pay(self, today: date, amount_cents: int) -> None:
        ledgers = [InstallmentLedger(t, tuple(self.settlements.get(t.key, []))) for t in self.terms]
        allocation = allocate(amount_cents, today, ledgers, POLICY)
        for terms, settlement in allocation.lines:
            self.settlements.setdefault(terms.key, []).append(settlement)
        self.payments.append(PaymentFact(today, amount_cents, self.contract_id))


def run(
    clinic: Clinic,
    start: date,
    end: date,
    off: set[date] = frozenset(),  # type: ignore[assignment]
) -> list[tuple[date, str]]:
    """Every morning from ``start`` to ``end``: the receptionist opens the list and logs each
    step shown (except on the days the PC stayed off)."""
    shown: list[tuple[date, str]] = []
    today = start
    while today <= end:
        if today not in off:
            due = clinic.due(today)
            if due is not None:
                shown.append((today, due.step.key))
                clinic.log(today, due.step.key)
                assert clinic.due(today) is None, "a logged step leaves the list"
        today += timedelta(days=1)
    return shown


def test_a_month_of_mornings_walks_the_default_regua_once_and_in_order() -> None:
    clinic = Clinic()
    shown = run(clinic, day(-10), day(55))
    assert shown == [
        (day(-3), StepKey.LEMBRETE),
        (day(0), StepKey.VENCIMENTO),
        (day(1), StepKey.ATRASO_LEVE),
        (day(5), StepKey.ATRASO),
        (day(10), StepKey.LIGACAO),
        (day(15), StepKey.PROPOSTA),
        (day(30), StepKey.NOTIFICACAO),
        (day(40), StepKey.AVISO_NEGATIVACAO),
        (day(50), StepKey.NEGATIVACAO),
    ]


def test_after_a_week_with_the_pc_off_each_patient_shows_one_step_not_a_burst() -> None:
    clinic = Clinic()
    off = {day(n) for n in range(4, 11)}  # D+4 … D+10 off: atraso (D+5) and ligação missed
    shown = run(clinic, day(-5), day(20), off)
    assert (day(11), StepKey.LIGACAO) in shown  # the latest reached step, alone
    assert [d for d, _ in shown].count(day(11)) == 1
    assert StepKey.ATRASO not in [k for _, k in shown]
    assert shown[-1] == (day(15), StepKey.PROPOSTA)


def test_first_use_on_an_old_debt_offers_the_written_notice_not_the_negativacao() -> None:
    clinic = Clinic()
    due = clinic.due(day(200))
    assert due is not None and due.step.key == StepKey.AVISO_NEGATIVACAO
    clinic.log(day(200), StepKey.AVISO_NEGATIVACAO)
    later = clinic.due(day(203))
    assert later is not None and later.step.key == StepKey.NEGATIVACAO
    assert later.notice_sent_on == day(200)  # ready only 10 days after (the service checks)


def test_running_twice_on_the_same_morning_gives_the_same_answer() -> None:
    """Nothing logged: each morning shows the latest step the oldest installment has reached
    (the default régua's offsets), however often the list is opened. The negativação (D+50)
    never shows: no aviso prévio was logged (CDC art. 43 §2)."""
    reached = [(-3, StepKey.LEMBRETE), (0, StepKey.VENCIMENTO), (1, StepKey.ATRASO_LEVE),
               (5, StepKey.ATRASO), (10, StepKey.LIGACAO), (15, StepKey.PROPOSTA),
               (30, StepKey.NOTIFICACAO), (40, StepKey.AVISO_NEGATIVACAO)]  # fmt: skip
    clinic = Clinic()
    for offset in range(-5, 60):
        expected = [key for start, key in reached if start <= offset][-1:] or [None]
        first, again = clinic.due(day(offset)), clinic.due(day(offset))
        assert first == again
        assert [first.step.key if first else None] == expected, offset
        assert first is None or first.anchor.line.number == 1
    assert clinic.contacts == []


def test_fees_are_computed_on_the_day_and_never_posted() -> None:
    clinic = Clinic()
    first, later = clinic.due(day(5)), clinic.due(day(12))
    assert first is not None and later is not None
    assert first.amount_cents == 30_000 + 600 + 50  # 2 % fine + 5 days of 1 % a.m.
    assert later.amount_cents == 30_000 + 600 + 120  # 12 days
    assert clinic.settlements == {}  # nothing was written


def test_message_states_every_overdue_installment_of_the_contract() -> None:
    clinic = Clinic()
    run(clinic, day(-5), day(30))  # up to the notificação of the first installment
    # The second installment (due 02/04) is late too, but travels with the first: no new
    # "maybe you forgot" after a notificação.
    assert clinic.due(day(36)) is None
    notice = Clinic()
    due = notice.due(day(40))
    assert due is not None and [i.line.number for i in due.items] == [1, 2]
    expected = sum(i.line.total_cents for i in notice.lines(day(40)) if i.line.days_late > 0)
    assert due.amount_cents == expected


def test_a_pending_promise_holds_the_regua_and_a_broken_one_moves_the_patient_along() -> None:
    clinic = Clinic()
    run(clinic, day(-5), day(9))
    ligacao = clinic.due(day(10))
    assert ligacao is not None and ligacao.step.key == StepKey.LIGACAO
    clinic.promise(day(10), day(12), ligacao.amount_cents)
    assert [clinic.due(day(n)) for n in (10, 11, 12)] == [None, None, None]
    broken = clinic.due(day(13))
    assert broken is not None
    assert broken.step.key == StepKey.PROPOSTA  # the next step, two days early
    assert broken.broken_promise is not None and broken.broken_promise.promised_on == day(12)
    clinic.log(day(13), StepKey.PROPOSTA)
    assert clinic.due(day(15)) is None  # the proposta was done already
    assert clinic.due(day(30)) is not None


def test_a_kept_promise_is_not_broken_and_the_payment_is_thanked() -> None:
    clinic = Clinic()
    run(clinic, day(-5), day(9))
    clinic.promise(day(10), day(12), 30_800)
    clinic.pay(day(12), 30_800)
    thanks = clinic.due(day(12))
    assert thanks is not None and thanks.step.key == StepKey.AGRADECIMENTO
    assert thanks.paid_on == day(12)
    clinic.log(day(12), StepKey.AGRADECIMENTO)
    assert clinic.due(day(13)) is None
    assert all(clinic.due(day(n)) is None for n in range(13, 28))
    lembrete = clinic.due(day(28))  # the second installment (due 02/04) enters the régua
    assert lembrete is not None and lembrete.step.key == StepKey.LEMBRETE
    assert lembrete.anchor.line.number == 2


def test_thanks_expire_after_a_week() -> None:
    clinic = Clinic()
    clinic.pay(day(3), 30_700)
    assert clinic.due(day(3)) is not None
    assert clinic.due(day(3 + 8)) is None


def test_no_thanks_while_another_installment_is_still_late() -> None:
    """Paying the oldest installment late while the next one is 15 days overdue is no reason
    for a "Muito obrigado!": the thank-you waits until nothing is overdue any more."""
    clinic = Clinic()
    run(clinic, day(-5), day(45))
    [first, second, _third] = clinic.lines(day(46))
    assert second.line.days_late == 15 and first.line.days_late > 0
    clinic.log(day(46), StepKey.PROPOSTA)  # the second installment's step is done today
    clinic.pay(day(46), first.line.total_cents)
    assert clinic.lines(day(46))[0].line.is_open is False
    assert clinic.due(day(46)) is None
    clinic.pay(day(47), clinic.lines(day(47))[1].line.total_cents)
    thanks = clinic.due(day(47))  # now nothing is overdue: thanks for both payments' week
    assert thanks is not None and thanks.step.key == StepKey.AGRADECIMENTO
    assert thanks.paid_on == day(47)


def test_a_payment_restarts_the_regua_on_the_next_installment() -> None:
    clinic = Clinic()
    run(clinic, day(-5), day(30))  # notificação of installment 1 done on D+30
    clinic.pay(day(31), 30_000 + 600 + 310)
    clinic.log(day(31), StepKey.AGRADECIMENTO)
    due = clinic.due(day(36))  # installment 2 (due 02/04) is 5 days late: its own atraso
    assert due is not None and due.step.key == StepKey.ATRASO
    assert due.anchor.line.number == 2


def test_inactive_steps_are_skipped_and_offsets_are_the_clinics() -> None:
    steps = tuple(
        s if s.key != StepKey.LIGACAO else ReguaStep(**{**s.__dict__, "active": False})
        for s in DEFAULT_STEPS
    )
    steps = tuple(
        s if s.key != StepKey.ATRASO else ReguaStep(**{**s.__dict__, "offset_days": 7})
        for s in steps
    )
    clinic = Clinic()
    shown = []
    for offset in range(-5, 20):
        due = clinic.due(day(offset), steps)
        if due is not None:
            shown.append((offset, due.step.key))
            clinic.log(day(offset), due.step.key)
    assert (7, StepKey.ATRASO) in shown
    assert StepKey.LIGACAO not in [k for _, k in shown]


def test_the_most_advanced_contract_wins_one_row_per_patient() -> None:
    old, new = Clinic(contract_id=1), Clinic(contract_id=2)
    new.terms = [InstallmentTerms(1, day(20), day(20), 50_000, key=9)]
    today = day(21)
    case = PatientCase(1, [*old.case(today).open_items, *new.case(today).open_items], contacts=[])
    due = step_due(case, DEFAULT_STEPS, today)
    assert due is not None and due.contract_id == 1 and due.step.key == StepKey.PROPOSTA
    listed = steps_due([case, Clinic(patient_id=2).case(day(1))], DEFAULT_STEPS, today)
    assert [d.patient_id for d in listed] == [1, 2]


def test_renegotiated_or_paid_installments_leave_the_regua() -> None:
    clinic = Clinic()
    clinic.terms = [InstallmentTerms(1, FIRST_DUE, FIRST_DUE, 30_000, renegotiated=True, key=1)]
    assert clinic.due(day(10)) is None


def test_a_prescribed_installment_gets_no_step() -> None:
    """CC art. 206 §5 I: a debt due 05/03/2021 is prescribed on 02/04/2026 — the régua must not
    offer the aviso de negativação (nor anything else) for it."""
    clinic = Clinic()
    due = date(2021, 3, 5)
    clinic.terms = [InstallmentTerms(1, due, due, 30_000, key=1)]
    assert clinic.due(date(2026, 4, 2)) is None
    assert clinic.due(date(2026, 3, 4)) is not None  # the day before, still collectable


def test_a_newer_installment_is_collected_without_the_prescribed_one() -> None:
    clinic = Clinic()
    old, new = date(2021, 3, 5), date(2026, 3, 2)
    clinic.terms = [
        InstallmentTerms(1, old, old, 30_000, key=1),
        InstallmentTerms(2, new, new, 30_000, key=2),
    ]
    due = clinic.due(date(2026, 3, 7))
    assert due is not None
    assert (due.step.key, [i.line.number for i in due.items]) == (StepKey.ATRASO, [2])


@pytest.mark.parametrize("step", DEFAULT_STEPS, ids=lambda s: s.key)
def test_the_default_templates_pass_the_lawful_wording_check(step: ReguaStep) -> None:
    formal = step.channel in FORMAL_CHANNELS  # a letter or the gestor's step
    assert template_problems(step.template, formal=formal) == []


def test_the_default_regua_is_designs_table() -> None:
    when = {s.key: (s.offset_days, s.channel) for s in DEFAULT_STEPS}
    assert when == {
        "lembrete": (-3, "whatsapp"),
        "vencimento": (0, "whatsapp"),
        "atraso_leve": (1, "whatsapp"),
        "atraso": (5, "whatsapp"),
        "ligacao": (10, "phone"),
        "proposta": (15, "whatsapp"),
        "notificacao": (30, "letter"),
        "aviso_negativacao": (40, "letter"),
        "negativacao": (50, "manual"),
        "agradecimento": (0, "whatsapp"),
    }
    assert [s.when for s in ladder(DEFAULT_STEPS)][:3] == ["D−3", "D0", "D+1"]


def test_the_desk_reads_when_a_step_comes_in_words() -> None:
    words = {s.key: s.in_words for s in DEFAULT_STEPS}
    assert words[StepKey.LEMBRETE] == "3 dias antes do vencimento"
    assert words[StepKey.VENCIMENTO] == "no dia do vencimento"
    assert words[StepKey.ATRASO_LEVE] == "1 dia depois do vencimento"
    assert words[StepKey.AVISO_NEGATIVACAO] == "40 dias depois do vencimento"
    assert words[StepKey.AGRADECIMENTO] == "depois do pagamento"
    assert all("D" not in w for w in words.values())
