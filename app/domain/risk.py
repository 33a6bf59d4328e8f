"""Risk, explained: which overdue patients are unlikely to pay, and *why* (docs/DOMAIN.md, "Risk").

No black box. The input is a patient's payment history on a given day; the output is

- a **segment** — the usual kinds of late payers: *esquecido* (usually pays on time, forgot
  this one), *esporádico* (late now and then), *frequente* (late most of the time),
  *dificuldade financeira* (collectors' "quebrados": pays in parts, asked to renegotiate) and
  *alto risco* (collectors' "malandros": broken promises, unreachable, bounced cheque, first
  installment never paid, stopped paying);
- **flags**, the chips the receptionist sees;
- a **score** 0–100 that is nothing but the sum of the named weights below (capped at 100), each
  point arriving with a pt-BR reason such as "3 de 8 parcelas pagas com atraso > 15 dias";
- the **payment pattern**: share paid on time, average delay, trend.

Pure: the caller passes ``as_of`` and the facts; amounts come from ``law.updated_debt`` lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from operator import attrgetter, itemgetter
from typing import NamedTuple

from app.domain import prescription
from app.domain.aging import BUCKET_LABELS, Bucket, bucket_for
from app.domain.catalog import ContactOutcome
from app.domain.dates import format_date
from app.domain.law import DebtLine, Status
from app.domain.money import format_brl
from app.domain.promises import PromiseRecord, PromiseStatus, promise_status

# --- thresholds (each one a documented policy choice) -------------------------------------

VERY_LATE_DAYS = 15  # "pagas com atraso > 15 dias": past the régua's renegotiation offer (D+15)
FREQUENT_MIN_LATE = 3  # frequente: at least 3 installments paid late …
FREQUENT_LATE_SHARE_PCT = 50  # … and at least half of those paid so far
SPORADIC_MIN_LATE = 2  # esporádico: late more than once; once is an esquecido
TREND_RECENT = 3  # the last 3 paid installments against the ones before them
TREND_MIN_OLDER = 2
TREND_MIN_DIFF_DAYS = 5  # average delay moved by 5 days or more: a trend, not noise
STALE_DATA_DAYS = 365  # contact data not confirmed for 12 months: messages may go nowhere
NO_PAYMENT_DAYS = 90  # nothing paid for 90 days while 90+ days late: stopped paying
UNREACHABLE_ATTEMPTS = 3  # the last 3 attempts unanswered (or a wrong number): sem contato
CONTACT_LOOKBACK_DAYS = 90
PROMISE_LOOKBACK_DAYS = 365
CHEQUE_LOOKBACK_DAYS = 730
# Suspend new treatments when the final-deadline notice did not work: the
# notificação extrajudicial goes at D+30 with at most 7 days to pay → D+37.
SUSPEND_AFTER_DAYS = 37

# --- weights of the score (points; the sum is capped at 100) ------------------------------

AGING_POINTS = {Bucket.D1_30: 5, Bucket.D31_60: 15, Bucket.D61_90: 25, Bucket.D90_PLUS: 35}
POINTS_PER_VERY_LATE = 3
VERY_LATE_MAX_POINTS = 15
W_BROKEN_PROMISE = 20
W_FIRST_UNPAID = 20
W_UNREACHABLE = 15
W_BOUNCED_CHEQUE = 15
W_BROKEN_AGREEMENT = 15
W_PARTIAL = 10
W_NO_PAYMENT = 10
W_NEGATIVADO = 10
W_PRESCRIPTION = 10
W_RENEGOTIATION = 5
W_STALE_DATA = 5
W_TREND_WORSE = 5
MAX_SCORE = 100


class Segment(StrEnum):
    ESQUECIDO = "esquecido"
    ESPORADICO = "esporadico"
    FREQUENTE = "frequente"
    DIFICULDADE = "dificuldade_financeira"
    ALTO_RISCO = "alto_risco"


SEGMENTS: tuple[Segment, ...] = tuple(Segment)

SEGMENT_LABELS = {
    Segment.ESQUECIDO: "esquecido",
    Segment.ESPORADICO: "esporádico",
    Segment.FREQUENTE: "frequente",
    Segment.DIFICULDADE: "dificuldade financeira",
    Segment.ALTO_RISCO: "alto risco",
}


class Flag(StrEnum):
    PROMESSA_QUEBRADA = "promessa_quebrada"
    SEM_CONTATO = "sem_contato"
    PAGAMENTOS_PARCIAIS = "pagamentos_parciais"
    NEGATIVADO = "negativado"
    CHEQUE_DEVOLVIDO = "cheque_devolvido"
    PRIMEIRA_PARCELA = "primeira_parcela_em_aberto"
    DADOS_DESATUALIZADOS = "dados_desatualizados"
    PRESCRICAO = "proximo_da_prescricao"
    PRESCRITA = "prescrita"


FLAGS: tuple[Flag, ...] = tuple(Flag)

FLAG_LABELS = {
    Flag.PROMESSA_QUEBRADA: "promessa quebrada",
    Flag.SEM_CONTATO: "sem contato",
    Flag.PAGAMENTOS_PARCIAIS: "pagamentos parciais",
    Flag.NEGATIVADO: "negativado",
    Flag.CHEQUE_DEVOLVIDO: "cheque devolvido",
    Flag.PRIMEIRA_PARCELA: "primeira parcela em aberto",
    Flag.DADOS_DESATUALIZADOS: "dados desatualizados",
    Flag.PRESCRICAO: "próximo da prescrição",
    Flag.PRESCRITA: "prescrita",
}


class Trend(StrEnum):
    IMPROVING = "melhorando"
    STABLE = "estável"
    WORSENING = "piorando"
    UNKNOWN = "sem histórico suficiente"


# --- input ----------------------------------------------------------------------------------


class InstallmentRecord(NamedTuple):
    """One installment already due (entrada excluded: it is paid at the desk when signing). A
    named tuple, immutable: the paid history of every overdue patient is read with the
    worklist (144,000 of them at 80,000 patients), and a tuple is built several times
    faster than a frozen dataclass."""

    due: date  # effective due date
    settled_on: date | None  # fully paid on; None if still open on the day


class ContactAttempt(NamedTuple):
    """A contact attempt as risk weighs it (a named tuple, like the other per-patient values
    below: tens of thousands are built per worklist of a large clinic, and a tuple is built
    about twice as fast as a frozen dataclass)."""

    at: datetime
    outcome: str  # ContactOutcome value


@dataclass(frozen=True)
class AgreementRecord:
    """An acordo (renegotiation) asked for or made; ``status`` is catalog.AgreementStatus."""

    created_on: date
    status: str


class RiskInput(NamedTuple):
    as_of: date
    overdue: Sequence[DebtLine]  # the patient's open overdue installments (updated_debt lines)
    history: Sequence[InstallmentRecord] = ()  # every installment (number ≥ 1) due by as_of
    last_payment_on: date | None = None
    contacts: Sequence[ContactAttempt] = ()
    promises: Sequence[PromiseRecord] = ()
    bounced_cheques: Sequence[date] = ()
    negativado_since: date | None = None
    agreements: Sequence[AgreementRecord] = ()
    data_confirmed_on: date | None = None  # of the person who is charged (the responsável)
    reachable: bool = True  # that person has a phone or e-mail they did not opt out of


# --- output ---------------------------------------------------------------------------------


class Reason(NamedTuple):
    text: str
    points: int
    flag: Flag | None = None


class PaymentPattern(NamedTuple):
    """How this patient pays (installments already paid)."""

    paid: int
    on_time: int
    late: int
    very_late: int
    avg_delay_days: int  # over paid installments, on-time ones counting 0
    trend: Trend
    recent_avg_delay_days: int | None = None
    older_avg_delay_days: int | None = None

    @property
    def on_time_pct(self) -> int | None:
        return None if self.paid == 0 else self.on_time * 100 // self.paid

    def text(self) -> str:
        if self.paid == 0:
            return "nenhuma parcela paga ainda"
        parts = [
            f"{self.on_time_pct} % em dia ({self.on_time} de {self.paid})",
            f"atraso médio {self.avg_delay_days} dia{'s' if self.avg_delay_days != 1 else ''}",
        ]
        if self.trend is not Trend.UNKNOWN:
            parts.append(self.trend.value)
        return " · ".join(parts)


class Assessment(NamedTuple):
    segment: Segment
    segment_reason: str
    score: int
    flags: tuple[Flag, ...]
    reasons: tuple[Reason, ...]  # every point of the score, largest first
    pattern: PaymentPattern

    @property
    def segment_label(self) -> str:
        return SEGMENT_LABELS[self.segment]

    @property
    def flag_labels(self) -> tuple[str, ...]:
        return tuple(FLAG_LABELS[f] for f in self.flags)


# --- the rules ------------------------------------------------------------------------------


def payment_pattern(history: Sequence[InstallmentRecord]) -> PaymentPattern:
    # (Comprehensions and one loop, not a generator per sum: this runs for every overdue
    # patient's paid history when the worklist is built — 140,000 installments at 80,000
    # patients.)
    dated = [(r.due, (r.settled_on - r.due).days) for r in history if r.settled_on is not None]
    if len(dated) > 1:
        dated.sort(key=_first)  # by due date; stable, as the history came for equal ones
    delays = [delay if delay > 0 else 0 for _, delay in dated]  # early counts as on time
    late = very_late = 0
    for delay in delays:
        if delay > 0:
            late += 1
            if delay > VERY_LATE_DAYS:
                very_late += 1
    avg = _avg(delays) if delays else 0
    trend, recent_avg, older_avg = Trend.UNKNOWN, None, None
    if len(delays) >= TREND_RECENT + TREND_MIN_OLDER:
        recent_avg = _avg(delays[-TREND_RECENT:])
        older_avg = _avg(delays[:-TREND_RECENT])
        if recent_avg - older_avg >= TREND_MIN_DIFF_DAYS:
            trend = Trend.WORSENING
        elif older_avg - recent_avg >= TREND_MIN_DIFF_DAYS:
            trend = Trend.IMPROVING
        else:
            trend = Trend.STABLE
    return PaymentPattern(
        paid=len(delays),
        on_time=len(delays) - late,
        late=late,
        very_late=very_late,
        avg_delay_days=avg,
        trend=trend,
        recent_avg_delay_days=recent_avg,
        older_avg_delay_days=older_avg,
    )


_first = itemgetter(0)


def _avg(values: Sequence[int]) -> int:
    return (sum(values) * 2 + len(values)) // (2 * len(values))  # half-up, integers only


def suggest_suspension(days_late: int) -> bool:
    """Suggest suspending new treatments once the final-deadline notice has failed."""
    return days_late >= SUSPEND_AFTER_DAYS


def _paid(count: int) -> str:
    """ "8 parcelas pagas" / "1 parcela paga" (the noun agrees with the total)."""
    return "1 parcela paga" if count == 1 else f"{count} parcelas pagas"


def _day_month(day: date) -> str:
    return day.strftime("%d/%m")


def _installment_name(number: int) -> str:
    return "a entrada" if number == 0 else f"a {number}ª parcela"


def assess(data: RiskInput) -> Assessment:
    """Segment, flags, score and reasons of one overdue patient on ``data.as_of``."""
    if not data.overdue:
        raise ValueError("risk is assessed for patients with overdue installments")
    as_of = data.as_of
    reasons: list[Reason] = []
    high_risk: list[str] = []  # why alto risco, in the owner's words
    difficulty: list[str] = []

    def add(text: str, points: int, flag: Flag | None = None) -> None:
        reasons.append(Reason(text, points, flag))

    # Aging: how long the oldest overdue installment has waited.
    oldest = max(data.overdue, key=lambda ln: (ln.days_late, -ln.number))
    bucket = bucket_for(oldest.days_late)
    add(
        f"parcela mais antiga em atraso há {oldest.days_late} dias ({BUCKET_LABELS[bucket]})",
        AGING_POINTS[bucket],
    )

    # History: installments paid well after their due date.
    pattern = payment_pattern(data.history)
    if pattern.very_late:
        add(
            f"{pattern.very_late} de {_paid(pattern.paid)} com atraso > {VERY_LATE_DAYS} dias",
            min(VERY_LATE_MAX_POINTS, POINTS_PER_VERY_LATE * pattern.very_late),
        )
    if pattern.trend is Trend.WORSENING:
        add(
            f"atrasos aumentando: média de {pattern.recent_avg_delay_days} dias nas últimas "
            f"{TREND_RECENT} parcelas, contra {pattern.older_avg_delay_days} antes",
            W_TREND_WORSE,
        )

    # Promises (table filled by the régua; empty is fine).
    # (Each collection below is looked at only when the patient has any: most have none, and
    # this runs for every overdue patient of the clinic when the worklist is built.)
    promised_since = as_of - timedelta(days=PROMISE_LOOKBACK_DAYS)
    broken = (
        sorted(
            (
                p
                for p in data.promises
                if p.promised_on >= promised_since
                and promise_status(p, as_of) is PromiseStatus.BROKEN
            ),
            key=attrgetter("promised_on"),
        )
        if data.promises
        else []
    )
    if broken:
        last = broken[-1]
        day = _day_month(last.promised_on)
        text = f"promessa de {day} não cumprida"
        if len(broken) > 1:
            text = f"{len(broken)} promessas não cumpridas (a última de {day})"
        add(text, W_BROKEN_PROMISE, Flag.PROMESSA_QUEBRADA)
        high_risk.append("promessa quebrada")

    # Reachability: no channel at all, or the last attempts went unanswered.
    contacted_since = as_of - timedelta(days=CONTACT_LOOKBACK_DAYS)
    recent = (
        sorted(
            (c for c in data.contacts if c.at.date() >= contacted_since),
            key=attrgetter("at"),
            reverse=True,
        )[:UNREACHABLE_ATTEMPTS]
        if data.contacts
        else []
    )
    unanswered = (ContactOutcome.NO_ANSWER, ContactOutcome.WRONG_CONTACT)
    if not data.reachable:
        add("sem telefone nem e-mail utilizável para contato", W_UNREACHABLE, Flag.SEM_CONTATO)
        high_risk.append("sem contato")
    elif len(recent) == UNREACHABLE_ATTEMPTS and all(c.outcome in unanswered for c in recent):
        add(
            f"sem resposta nas últimas {UNREACHABLE_ATTEMPTS} tentativas de contato (a última "
            f"em {_day_month(recent[0].at.date())})",
            W_UNREACHABLE,
            Flag.SEM_CONTATO,
        )
        high_risk.append("sem contato")

    cheque_since = as_of - timedelta(days=CHEQUE_LOOKBACK_DAYS)
    cheques = (
        sorted(d for d in data.bounced_cheques if d >= cheque_since) if data.bounced_cheques else []
    )
    if cheques:
        text = f"cheque devolvido em {format_date(cheques[-1])}"
        if len(cheques) > 1:
            text = f"{len(cheques)} cheques devolvidos (o último em {format_date(cheques[-1])})"
        add(text, W_BOUNCED_CHEQUE, Flag.CHEQUE_DEVOLVIDO)
        high_risk.append("cheque devolvido")

    # First payment default: the entrada or the 1st installment never paid, past the régua's
    # call and offer (D+10, D+15). Alto risco only for someone who never paid any installment:
    # a long-standing patient who misses the first one of a new treatment is not a "malandro".
    firsts = [
        ln
        for ln in data.overdue
        if ln.number <= 1 and ln.paid_cents == 0 and ln.days_late > VERY_LATE_DAYS
    ]
    if len(firsts) > 1:
        firsts.sort(key=lambda ln: ln.effective_due_date)
    if firsts:
        first = firsts[0]
        add(
            f"{_installment_name(first.number)} (vencida em {format_date(first.effective_due_date)}"
            ") nunca foi paga",
            W_FIRST_UNPAID,
            Flag.PRIMEIRA_PARCELA,
        )
        if pattern.paid == 0:
            high_risk.append("nunca pagou uma parcela")

    broken_agreements: list[date] = []
    asked: list[date] = []
    if data.agreements:
        broken_agreements = sorted(a.created_on for a in data.agreements if a.status == "broken")
        asked = sorted(
            a.created_on for a in data.agreements if a.status in ("proposed", "accepted")
        )
    if broken_agreements:
        add(f"acordo de {format_date(broken_agreements[-1])} não cumprido", W_BROKEN_AGREEMENT)
        high_risk.append("acordo não cumprido")

    if oldest.days_late > NO_PAYMENT_DAYS and (
        data.last_payment_on is None or (as_of - data.last_payment_on).days > NO_PAYMENT_DAYS
    ):
        text = (
            "nenhum pagamento registrado"
            if data.last_payment_on is None
            else f"nenhum pagamento há {(as_of - data.last_payment_on).days} dias"
        )
        add(text, W_NO_PAYMENT)
        high_risk.append("parou de pagar")

    # Financial difficulty: paying in parts, asking to renegotiate.
    partial = [ln for ln in data.overdue if ln.status is Status.PARCIAL]
    if partial:
        missing = sum(ln.open_principal_cents for ln in partial)
        count = len(partial)
        add(
            f"{count} parcela{'s' if count > 1 else ''} paga{'s' if count > 1 else ''} só em "
            f"parte (falta{'m' if count > 1 else ''} {format_brl(missing)})",
            W_PARTIAL,
            Flag.PAGAMENTOS_PARCIAIS,
        )
        difficulty.append("paga em partes")
    if asked:
        add(f"pediu renegociação em {format_date(asked[-1])}", W_RENEGOTIATION)
        difficulty.append("pediu renegociação")

    if data.negativado_since is not None:
        add(f"negativado desde {format_date(data.negativado_since)}", W_NEGATIVADO, Flag.NEGATIVADO)

    if data.data_confirmed_on is None:
        add("dados de contato nunca confirmados", W_STALE_DATA, Flag.DADOS_DESATUALIZADOS)
    elif (as_of - data.data_confirmed_on).days > STALE_DATA_DAYS:
        months = (as_of - data.data_confirmed_on).days // 30
        add(
            f"dados de contato confirmados em {format_date(data.data_confirmed_on)} "
            f"(há {months} meses)",
            W_STALE_DATA,
            Flag.DADOS_DESATUALIZADOS,
        )

    if oldest.days_late < prescription.FEWEST_DAYS_TO_PRESCRIBE:
        # Nothing here is five years late, so nothing is prescrito (nearly every patient).
        pursued = [ln for ln in data.overdue if ln.is_overdue]
    else:
        if prescription.prescribed(data.overdue):
            # Not a risk point: a fact that takes the money out of collection.
            add(prescription.prescribed_reason(data.overdue), 0, Flag.PRESCRITA)
        pursued = prescription.collectable(data.overdue)
    if pursued:
        oldest_due = min(ln.effective_due_date for ln in pursued)
        limit = prescription.prescribes_on(oldest_due)
        if as_of >= limit - timedelta(days=prescription.PRESCRIPTION_WARNING_DAYS):
            add(
                f"parcela vencida em {format_date(oldest_due)} prescreve em "
                f"{format_date(limit)} ({prescription.LAW})",
                W_PRESCRIPTION,
                Flag.PRESCRICAO,
            )

    segment, segment_reason = _segment(pattern, high_risk, difficulty)
    reasons.sort(key=lambda r: -r.points)  # stable: equal points keep the order above
    raised = {r.flag for r in reasons}
    flags = tuple(f for f in FLAGS if f in raised)
    return Assessment(
        segment=segment,
        segment_reason=segment_reason,
        score=min(MAX_SCORE, sum(r.points for r in reasons)),
        flags=flags,
        reasons=tuple(reasons),
        pattern=pattern,
    )


def _segment(
    pattern: PaymentPattern, high_risk: list[str], difficulty: list[str]
) -> tuple[Segment, str]:
    """First rule that matches, from the most to the least serious (the segments above)."""
    if high_risk:
        return Segment.ALTO_RISCO, "alto risco: " + ", ".join(high_risk)
    if difficulty:
        return Segment.DIFICULDADE, "dificuldade financeira: " + ", ".join(difficulty)
    late_of = f"{pattern.late} de {_paid(pattern.paid)} com atraso"
    if (
        pattern.late >= FREQUENT_MIN_LATE
        and pattern.late * 100 >= FREQUENT_LATE_SHARE_PCT * pattern.paid
    ):
        return Segment.FREQUENTE, f"frequente: {late_of}"
    if pattern.late >= SPORADIC_MIN_LATE:
        return Segment.ESPORADICO, f"esporádico: {late_of}"
    if pattern.paid == 0:
        return Segment.ESQUECIDO, "esquecido: ainda sem histórico de pagamentos"
    return Segment.ESQUECIDO, (
        f"esquecido: costuma pagar em dia ({pattern.on_time} de {_paid(pattern.paid)} em dia)"
    )
