"""Fechamento de caixa: what came in on a day (or a period) — by payment method, by who
registered it and by how it was registered — with the day's estornos apart, and the cash box:
the money the system expects in the drawer against what the person at the desk counted.

- **Recebido**: every payment dated in the period, as it was registered (a payment reversed
  later is still listed, marked *estornado*, because the money did come in that day).
- **Estornos**: the counter-entries dated in the period, whatever day the payment they cancel was
  from — a bounced cheque is the day's news, not a rewrite of an old closing. So a closing
  printed for the envelope never changes afterwards.
- **Dinheiro esperado** on a day: cash (``dinheiro``) received that day minus the cash estornos
  of that day — the money that should be in the drawer, not counting the change float.
- **Conferência**: the person types what they counted; the difference is recorded and audited.
  A difference must be explained in the note (a careful accountant asks "why?" before anything
  else).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from app.domain.catalog import PaymentMethod, label
from app.domain.dates import format_date, parse_date
from app.domain.money import format_brl, parse_money_field
from app.domain.reports.period import REPORT_TITLES, Period, ReportKind
from app.domain.reports.view import (
    Chart,
    ReportTable,
    ReportView,
    Series,
    count,
    day,
    money,
    text,
)
from app.domain.reversals import REVERSAL_CODES
from app.errors import FieldError, ValidationError

TRANSFER = "transferencia"  # TED/DOC/transferência that a bank statement brings in
# Every way money comes in, in the order a closing lists them.
CASH_METHODS: tuple[str, ...] = (*(m.value for m in PaymentMethod), TRANSFER)
CASH = PaymentMethod.DINHEIRO.value
MAX_NOTE = 300
UNKNOWN_USER = "sistema"  # payments written by the demonstration or an import, not a person


def method_name(method: str) -> str:
    return "Transferência" if method == TRANSFER else label(method)


class PaymentSource(StrEnum):
    """How a payment got into EmDia."""

    DESK = "balcao"  # typed at the desk (Receber pagamento, ``emdia payment add``)
    BANK = "banco"  # matched from the clinic's bank statement


SOURCE_LABELS = {PaymentSource.DESK.value: "Balcão", PaymentSource.BANK.value: "Extrato bancário"}


def source_name(source: str) -> str:
    return SOURCE_LABELS.get(source, source)


@dataclass(frozen=True)
class CashLine:
    """A payment line dated in the period: money received or, with ``reverses_payment_id``, an
    estorno (negative amount)."""

    payment_id: int
    day: date
    amount_cents: int
    method: str
    user: str  # who registered it
    patient_id: int
    patient_name: str
    contract_id: int
    reverses_payment_id: int | None = None
    reversed_on: date | None = None  # a payment reversed later: the estorno's date
    reversal_code: str = ""
    reason: str = ""
    source: str = PaymentSource.DESK.value

    @property
    def is_reversal(self) -> bool:
        return self.reverses_payment_id is not None

    @property
    def situation(self) -> str:
        if self.is_reversal:
            why = REVERSAL_CODES.get(self.reversal_code, self.reason or "estorno")
            return f"estorno do lançamento {self.reverses_payment_id} ({why.lower()})"
        if self.reversed_on is not None:
            return f"estornado em {format_date(self.reversed_on)}"
        return "recebido"


@dataclass(frozen=True)
class ReconciledLine:
    """A payment registered from a line of the bank statement (or a desk payment the statement
    was recognised as) by someone on ``reconciled_on`` — whatever day the bank dated it."""

    payment_id: int
    reconciled_on: date  # the day the receptionist registered or linked it
    bank_day: date  # the payment's date: the day the money reached the bank
    amount_cents: int
    patient_name: str
    contract_id: int
    linked_existing: bool = False  # a desk payment the statement only confirmed

    @property
    def how(self) -> str:
        return (
            "pagamento do balcão reconhecido" if self.linked_existing else "registrado do extrato"
        )


@dataclass(frozen=True)
class CashCount:
    """A count of the drawer: what the system expected and what the person counted."""

    day: date
    expected_cents: int
    counted_cents: int
    user: str
    at: datetime
    note: str = ""

    @property
    def difference_cents(self) -> int:
        """Counted − expected: positive is money over, negative money missing."""
        return self.counted_cents - self.expected_cents


@dataclass(frozen=True)
class CashReport:
    period: Period
    payments: tuple[CashLine, ...]  # received, oldest first
    reversals: tuple[CashLine, ...]  # estornos dated in the period
    counts: tuple[CashCount, ...] = ()  # the latest count of each day, oldest first
    # Payments reconciled from the bank statement in the period (by the day it was done).
    reconciled: tuple[ReconciledLine, ...] = ()

    @property
    def reconciled_cents(self) -> int:
        return sum(line.amount_cents for line in self.reconciled)

    @property
    def total_cents(self) -> int:
        return sum(p.amount_cents for p in self.payments)

    @property
    def reversals_cents(self) -> int:
        """The estornos of the period, as a positive amount."""
        return -sum(r.amount_cents for r in self.reversals)

    @property
    def net_cents(self) -> int:
        return self.total_cents - self.reversals_cents

    @property
    def by_method(self) -> dict[str, int]:
        """Received per method: every method listed, zero included."""
        return _sum_by(self.payments, lambda line: line.method, CASH_METHODS)

    @property
    def reversals_by_method(self) -> dict[str, int]:
        return {k: -v for k, v in _sum_by(self.reversals, lambda r: r.method, CASH_METHODS).items()}

    @property
    def by_user(self) -> dict[str, int]:
        return _sum_by(self.payments, lambda line: line.user, ())

    @property
    def by_source(self) -> dict[str, int]:
        return _sum_by(self.payments, lambda line: line.source, tuple(SOURCE_LABELS))

    def expected_cash(self, on: date) -> int:
        return expected_cash([*self.payments, *self.reversals], on)


def _sum_by(
    lines: Iterable[CashLine], key: Callable[[CashLine], str], listed: Sequence[str]
) -> dict[str, int]:
    sums = dict.fromkeys(listed, 0)
    for line in lines:
        name = key(line)
        sums[name] = sums.get(name, 0) + line.amount_cents
    return sums


def expected_cash(lines: Iterable[CashLine], on: date) -> int:
    """Cash received on ``on`` minus the cash estornos of ``on``: what should be in the drawer."""
    return sum(line.amount_cents for line in lines if line.day == on and line.method == CASH)


def build(
    period: Period,
    lines: Iterable[CashLine],
    counts: Iterable[CashCount],
    reconciled: Iterable[ReconciledLine] = (),
) -> CashReport:
    ordered = sorted(lines, key=lambda line: (line.day, line.payment_id))
    latest: dict[date, CashCount] = {}
    for c in sorted(counts, key=lambda c: c.at):
        if c.day in period:
            latest[c.day] = c
    return CashReport(
        period=period,
        payments=tuple(line for line in ordered if not line.is_reversal),
        reversals=tuple(line for line in ordered if line.is_reversal),
        counts=tuple(latest[d] for d in sorted(latest)),
        reconciled=tuple(sorted(reconciled, key=lambda r: (r.reconciled_on, r.payment_id))),
    )


# --- the count typed at the desk ------------------------------------------------------------


@dataclass(frozen=True)
class CashCountForm:
    day: str
    counted: str
    note: str = ""


@dataclass(frozen=True)
class CashCountData:
    day: date
    counted_cents: int
    note: str


def validate_count(form: CashCountForm, today: date) -> CashCountData:
    """The day and the amount counted, or ``ValidationError`` naming ``day``/``counted``/``note``.
    The note is checked against the expected amount by ``check_difference``."""
    errors: list[FieldError] = []
    day_ = parse_date(form.day, "day", "Dia")
    if isinstance(day_, FieldError):
        errors.append(day_)
    elif day_ > today:
        errors.append(
            FieldError("day", f"Dia: {format_date(day_)} ainda não chegou; confira a data.")
        )
    counted = parse_money_field(
        form.counted, "counted", "dinheiro contado", required="por exemplo 350,00"
    )
    if isinstance(counted, FieldError):
        errors.append(counted)
    note = (form.note or "").strip()
    if len(note) > MAX_NOTE:
        errors.append(FieldError("note", f"Observação: use no máximo {MAX_NOTE} caracteres."))
    if errors:
        raise ValidationError(errors)
    assert isinstance(day_, date) and isinstance(counted, int)
    return CashCountData(day_, counted, note)


def check_difference(data: CashCountData, expected_cents: int) -> None:
    """A drawer that does not match what was registered needs a reason on record."""
    difference = data.counted_cents - expected_cents
    if difference and not data.note:
        over = "sobrando" if difference > 0 else "faltando"
        raise ValidationError.single(
            "note",
            f"Observação: o dinheiro contado tem {format_brl(abs(difference))} {over} em relação "
            f"ao esperado ({format_brl(expected_cents)}); explique a diferença antes de gravar.",
        )


# --- what the screen, the paper and the spreadsheet show ------------------------------------


def view(report: CashReport) -> ReportView:
    lines = sorted((*report.payments, *report.reversals), key=lambda x: (x.day, x.payment_id))
    summary = [
        ("Recebido", format_brl(report.total_cents)),
        ("Estornos do período", format_brl(report.reversals_cents)),
        ("Líquido", format_brl(report.net_cents)),
        (
            "Pagamentos conciliados do extrato",
            f"{len(report.reconciled)} ({format_brl(report.reconciled_cents)})",
        ),
    ]
    if report.period.start == report.period.end:
        expected = report.expected_cash(report.period.start)
        summary.append(("Dinheiro esperado no caixa", format_brl(expected)))
    for c in report.counts[-1:]:
        summary.append(
            (
                f"Dinheiro contado em {format_date(c.day)}",
                f"{format_brl(c.counted_cents)} (diferença {format_brl(c.difference_cents)})",
            )
        )
    main = ReportTable(
        "Pagamentos e estornos",
        (
            count("Lançamento"),
            day("Data"),
            text("Paciente"),
            count("Contrato"),
            text("Forma"),
            text("Registrado por"),
            text("Origem"),
            money("Valor"),
            text("Situação"),
        ),
        tuple(
            (
                line.payment_id,
                line.day,
                line.patient_name,
                line.contract_id,
                method_name(line.method),
                line.user,
                source_name(line.source),
                line.amount_cents,
                line.situation,
            )
            for line in lines
        ),
        total=("Líquido", None, None, None, None, None, None, report.net_cents, None),
        empty="Nenhum pagamento nem estorno no período.",
    )
    reversed_by = report.reversals_by_method
    methods = ReportTable(
        "Por forma de pagamento",
        (text("Forma"), money("Recebido"), money("Estornos"), money("Líquido")),
        tuple(
            (method_name(m), cents, reversed_by.get(m, 0), cents - reversed_by.get(m, 0))
            for m, cents in report.by_method.items()
        ),
        total=("Total", report.total_cents, report.reversals_cents, report.net_cents),
    )
    users = ReportTable(
        "Por quem registrou",
        (text("Usuário"), money("Recebido")),
        tuple(sorted(report.by_user.items())),
        total=("Total", report.total_cents),
    )
    sources = ReportTable(
        "Por origem do registro",
        (text("Origem"), money("Recebido")),
        tuple((source_name(s), cents) for s, cents in report.by_source.items()),
        total=("Total", report.total_cents),
    )
    reconciled = ReportTable(
        "Pagamentos conciliados",
        (
            count("Lançamento"),
            day("Conciliado em"),
            day("Data no banco"),
            text("Paciente"),
            count("Contrato"),
            text("Como"),
            money("Valor"),
        ),
        tuple(
            (
                r.payment_id,
                r.reconciled_on,
                r.bank_day,
                r.patient_name,
                r.contract_id,
                r.how,
                r.amount_cents,
            )
            for r in report.reconciled
        ),
        total=("Total", None, None, None, None, None, report.reconciled_cents),
        empty="Nenhum pagamento conciliado do extrato bancário no período.",
    )
    counts = ReportTable(
        "Conferência do dinheiro",
        (
            day("Dia"),
            money("Esperado"),
            money("Contado"),
            money("Diferença"),
            text("Conferido por"),
            text("Observação"),
        ),
        tuple(
            (c.day, c.expected_cents, c.counted_cents, c.difference_cents, c.user, c.note)
            for c in report.counts
        ),
        empty="Nenhuma conferência registrada no período.",
    )
    chart = Chart(
        "Recebido por forma de pagamento (líquido dos estornos)",
        tuple(method_name(m) for m in report.by_method),
        (Series("Líquido", tuple(c - reversed_by.get(m, 0) for m, c in report.by_method.items())),),
    )
    return ReportView(
        kind=ReportKind.CAIXA,
        title=REPORT_TITLES[ReportKind.CAIXA],
        subtitle=report.period.label,
        summary=tuple(summary),
        tables=(main, methods, users, sources, reconciled, counts),
        chart=chart,
        notes=(
            "Recebido: pagamentos com data no período, como foram registrados (um pagamento "
            "estornado depois continua na lista, marcado). Estornos: os contra-lançamentos com "
            "data no período, de qualquer pagamento. Dinheiro esperado: dinheiro recebido no dia "
            "menos os estornos em dinheiro do dia, sem o fundo de troco. Pagamentos "
            "conciliados: os registrados a partir do extrato bancário no período (ou pagamentos "
            "do balcão que o extrato confirmou), pelo dia em que isso foi feito, com a data em "
            "que o dinheiro chegou ao banco.",
        ),
        as_of=report.period.end,
    )
