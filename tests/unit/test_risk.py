"""Risk is explainable: every segment, flag and point comes from a named rule with a pt-BR
reason (segments of late payers, payment pattern)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.domain.aging import Bucket
from app.domain.law import ChargePolicy, InstallmentTerms, Settlement, updated_debt
from app.domain.prescription import add_years
from app.domain.risk import (
    AGING_POINTS,
    MAX_SCORE,
    SUSPEND_AFTER_DAYS,
    AgreementRecord,
    ContactAttempt,
    Flag,
    InstallmentRecord,
    PromiseRecord,
    PromiseStatus,
    RiskInput,
    Segment,
    Trend,
    assess,
    payment_pattern,
    promise_status,
    suggest_suspension,
)

TODAY = date(2026, 3, 16)
POLICY = ChargePolicy()


def overdue_line(due: date, number: int = 3, amount: int = 50_000, paid: int = 0):  # type: ignore[no-untyped-def]
    settlements = [Settlement(due - timedelta(days=1), principal_cents=paid)] if paid else []
    terms = InstallmentTerms(number, due, due, amount, key=number)
    return updated_debt(terms, settlements, TODAY, POLICY)


def history(delays: list[int], start: date = date(2025, 1, 10)) -> list[InstallmentRecord]:
    """Paid installments, one a month, each ``delay`` days after its due date."""
    out = []
    for i, delay in enumerate(delays):
        due = start + timedelta(days=30 * i)
        out.append(InstallmentRecord(due, due + timedelta(days=delay)))
    return out


def risk(**changes):  # type: ignore[no-untyped-def]
    data = {
        "as_of": TODAY,
        "overdue": [overdue_line(TODAY - timedelta(days=10))],
        "history": history([0, 0, 0, 0, 0, 0]),
        "last_payment_on": TODAY - timedelta(days=20),
        "data_confirmed_on": TODAY - timedelta(days=30),
    }
    data.update(changes)
    return assess(RiskInput(**data))


def test_a_punctual_patient_who_missed_one_is_esquecido() -> None:
    result = risk()
    assert result.segment is Segment.ESQUECIDO
    assert "costuma pagar em dia (6 de 6 parcelas pagas em dia)" in result.segment_reason
    assert result.flags == ()
    assert result.score == AGING_POINTS[Bucket.D1_30] == 5


def test_three_of_eight_paid_more_than_15_days_late_is_a_reason_with_points() -> None:
    result = risk(history=history([0, 20, 0, 16, 0, 30, 0, 5]))
    texts = {r.text: r.points for r in result.reasons}
    assert texts["3 de 8 parcelas pagas com atraso > 15 dias"] == 9
    assert result.segment is Segment.FREQUENTE  # 4 of 8 late: half of them
    assert result.segment_reason == "frequente: 4 de 8 parcelas pagas com atraso"


def test_late_now_and_then_is_esporadico() -> None:
    result = risk(history=history([0, 3, 0, 0, 0, 0, 2, 0, 0, 0]))
    assert result.segment is Segment.ESPORADICO


def test_broken_promise_is_alto_risco_with_its_date() -> None:
    promise = PromiseRecord(date(2026, 3, 5), date(2026, 3, 10), 50_000, None, paid_cents=0)
    result = risk(promises=[promise])
    assert result.segment is Segment.ALTO_RISCO
    assert Flag.PROMESSA_QUEBRADA in result.flags
    # 20 for the broken promise + 5 for the oldest installment 10 days late (1–30 days).
    assert [(r.text, r.points) for r in result.reasons] == [
        ("promessa de 10/03 não cumprida", 20),
        ("parcela mais antiga em atraso há 10 dias (1–30 dias)", 5),
    ]
    assert result.score == 25


def test_promise_kept_by_payments_or_still_pending_is_not_broken() -> None:
    kept = PromiseRecord(date(2026, 3, 5), date(2026, 3, 10), 50_000, None, paid_cents=50_000)
    pending = PromiseRecord(date(2026, 3, 12), date(2026, 3, 20), 50_000)
    assert promise_status(kept, TODAY) is PromiseStatus.KEPT
    assert promise_status(pending, TODAY) is PromiseStatus.PENDING
    assert Flag.PROMESSA_QUEBRADA not in risk(promises=[kept, pending]).flags


def test_a_recorded_resolution_wins_over_the_money() -> None:
    cancelled = PromiseRecord(date(2026, 3, 5), date(2026, 3, 10), 50_000, "cancelled")
    assert promise_status(cancelled, TODAY) is PromiseStatus.CANCELLED
    assert Flag.PROMESSA_QUEBRADA not in risk(promises=[cancelled]).flags


def test_three_unanswered_attempts_mean_sem_contato() -> None:
    attempts = [ContactAttempt(datetime(2026, 3, day, 10), "no_answer") for day in (2, 6, 12)]
    result = risk(contacts=attempts)
    assert Flag.SEM_CONTATO in result.flags and result.segment is Segment.ALTO_RISCO
    assert any("sem resposta nas últimas 3 tentativas" in r.text for r in result.reasons)
    answered = [*attempts, ContactAttempt(datetime(2026, 3, 14, 9), "answered")]
    assert Flag.SEM_CONTATO not in risk(contacts=answered).flags


def test_nobody_to_call_means_sem_contato() -> None:
    result = risk(reachable=False)
    assert Flag.SEM_CONTATO in result.flags
    assert any(r.text == "sem telefone nem e-mail utilizável para contato" for r in result.reasons)


def test_paying_in_parts_is_financial_difficulty() -> None:
    partial = overdue_line(TODAY - timedelta(days=40), amount=50_000, paid=20_000)
    result = risk(overdue=[partial])
    assert result.segment is Segment.DIFICULDADE
    assert Flag.PAGAMENTOS_PARCIAIS in result.flags
    assert any(r.text == "1 parcela paga só em parte (falta R$ 300,00)" for r in result.reasons)


def test_asking_to_renegotiate_is_financial_difficulty() -> None:
    result = risk(agreements=[AgreementRecord(date(2026, 2, 1), "proposed")])
    assert result.segment is Segment.DIFICULDADE
    assert "pediu renegociação em 01/02/2026" in [r.text for r in result.reasons]


def test_bounced_cheque_and_negativacao_are_flags() -> None:
    result = risk(bounced_cheques=[date(2026, 2, 12)], negativado_since=date(2026, 1, 5))
    assert {Flag.CHEQUE_DEVOLVIDO, Flag.NEGATIVADO} <= set(result.flags)
    assert "cheque devolvido em 12/02/2026" in [r.text for r in result.reasons]
    assert "negativado desde 05/01/2026" in [r.text for r in result.reasons]


def test_first_installment_never_paid_is_alto_risco_only_without_history() -> None:
    first = overdue_line(TODAY - timedelta(days=20), number=1)
    never = risk(overdue=[first], history=[])
    assert Flag.PRIMEIRA_PARCELA in never.flags and never.segment is Segment.ALTO_RISCO
    # 20 for the 1ª parcela never paid (due 16/03 − 20 days = 24/02) + 5 for 20 days late.
    assert [(r.text, r.points) for r in never.reasons] == [
        ("a 1ª parcela (vencida em 24/02/2026) nunca foi paga", 20),
        ("parcela mais antiga em atraso há 20 dias (1–30 dias)", 5),
    ]
    assert never.score == 25
    regular = risk(overdue=[first])  # six installments of an older contract paid on time
    assert Flag.PRIMEIRA_PARCELA in regular.flags and regular.segment is Segment.ESQUECIDO
    recent = risk(overdue=[overdue_line(TODAY - timedelta(days=5), number=1)], history=[])
    assert Flag.PRIMEIRA_PARCELA not in recent.flags  # the régua has not even called yet


def test_contact_data_not_confirmed_for_a_year_is_stale() -> None:
    stale = risk(data_confirmed_on=date(2025, 1, 2))
    assert Flag.DADOS_DESATUALIZADOS in stale.flags
    assert "dados de contato confirmados em 02/01/2025 (há 14 meses)" in [
        r.text for r in stale.reasons
    ]
    assert Flag.DADOS_DESATUALIZADOS in risk(data_confirmed_on=None).flags
    assert Flag.DADOS_DESATUALIZADOS not in risk(data_confirmed_on=date(2025, 6, 1)).flags


def test_prescription_is_flagged_from_four_and_a_half_years() -> None:
    """CC art. 206 §5 I: five years from the due date."""
    due = date(2021, 9, 1)
    assert add_years(due, 5) == date(2026, 9, 1)
    assert add_years(date(2024, 2, 29), 5) == date(2029, 2, 28)
    flagged = risk(overdue=[overdue_line(due)])
    assert Flag.PRESCRICAO in flagged.flags
    assert "parcela vencida em 01/09/2021 prescreve em 01/09/2026 (CC art. 206 §5 I)" in [
        r.text for r in flagged.reasons
    ]
    assert Flag.PRESCRICAO not in risk(overdue=[overdue_line(date(2022, 1, 10))]).flags


def test_a_prescribed_installment_is_flagged_prescrita_not_near_prescription() -> None:
    """CC art. 206 §5 I: on 16/03/2026 a parcela due 05/03/2021 is five years late."""
    assessed = risk(overdue=[overdue_line(date(2021, 3, 5))])
    assert Flag.PRESCRITA in assessed.flags and Flag.PRESCRICAO not in assessed.flags
    assert (
        "parcela vencida em 05/03/2021: prescrita desde 05/03/2026 (CC art. 206 §5 I) — a "
        "cobrança, mesmo extrajudicial, não é mais permitida",
        0,
    ) in [(r.text, r.points) for r in assessed.reasons]


def test_score_is_the_sum_of_the_listed_points_capped_at_100() -> None:
    modest = risk(history=history([20, 0, 0]))
    # 5 (oldest installment 10 days late) + 3 (one installment paid > 15 days late, 3 each).
    assert [r.points for r in modest.reasons] == [5, 3] and modest.score == 8
    everything = risk(
        overdue=[overdue_line(date(2021, 9, 1), number=1)],
        history=[],
        last_payment_on=None,
        promises=[PromiseRecord(date(2026, 3, 1), date(2026, 3, 10), 1_000)],
        reachable=False,
        bounced_cheques=[date(2026, 1, 2)],
        negativado_since=date(2025, 1, 1),
        data_confirmed_on=None,
    )
    # 90+ days late 35, broken promise 20, 1ª parcela unpaid 20, unreachable 15, bounced
    # cheque 15, no payment 10, negativado 10, prescription 10, stale data 5: 140, shown in
    # that order (largest first) and capped at 100.
    assert [r.points for r in everything.reasons] == [35, 20, 20, 15, 15, 10, 10, 10, 5]
    assert everything.score == MAX_SCORE == 100


def test_payment_pattern_shows_share_on_time_average_delay_and_trend() -> None:
    worse = payment_pattern(history([0, 0, 1, 0, 12, 15, 20]))
    assert (worse.paid, worse.on_time, worse.late) == (7, 3, 4)
    assert worse.on_time_pct == 42 and worse.avg_delay_days == 7
    assert worse.trend is Trend.WORSENING
    assert worse.text() == "42 % em dia (3 de 7) · atraso médio 7 dias · piorando"
    assert payment_pattern(history([20, 25, 18, 0, 0, 1])).trend is Trend.IMPROVING
    assert payment_pattern(history([0, 2])).trend is Trend.UNKNOWN
    assert payment_pattern([]).text() == "nenhuma parcela paga ainda"


def test_suspension_is_suggested_after_the_final_notice_deadline() -> None:
    """Notificação at D+30 with 7 days to pay, then suspend new treatments: the
    deadline ends on day 30 + 7 = 37, so day 36 is still inside it and day 37 is the first
    day to suggest suspending."""
    assert SUSPEND_AFTER_DAYS == 37
    assert [d for d in range(0, 400) if suggest_suspension(d)] == list(range(37, 400))
