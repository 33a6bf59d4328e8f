"""The Relatórios' pure parts: the period asked for, the cash closing and its count, receipts by
period, the effectiveness of the collection, the portfolio, the forecast and the table every
report is shown as."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.domain.columns import Kind
from app.domain.promises import PromiseStatus
from app.domain.reports import cash, effectiveness, forecast, portfolio, receipts
from app.domain.reports.period import (
    Granularity,
    Period,
    ReportForm,
    ReportKind,
    buckets,
    default_granularity,
    default_period,
    month_ends,
    reference,
    validate_report,
)
from app.domain.reports.view import cell_text
from app.errors import ValidationError
from tests.unit.test_worklist import row

D = date
TODAY = D(2026, 3, 16)


# --- the period ---------------------------------------------------------------------------


def test_a_report_request_is_checked_field_by_field() -> None:
    with pytest.raises(ValidationError) as refused:
        validate_report(ReportForm("lucros", "31/02/2026", "ontem", "ano"), TODAY)
    fields = [e.field for e in refused.value.errors]
    assert fields == ["kind", "granularity", "from", "to"]
    assert "Relatório: 'lucros' não existe" in refused.value.errors[0].message


def test_the_end_of_a_period_cannot_come_before_its_start() -> None:
    with pytest.raises(ValidationError) as refused:
        validate_report(ReportForm("caixa", "2026-03-10", "09/03/2026"), TODAY)
    assert refused.value.for_field("to") == (
        "Até: 09/03/2026 vem antes de 10/03/2026; troque as datas."
    )


def test_a_default_history_is_at_most_24_months_and_never_in_the_future() -> None:
    ok = validate_report(ReportForm("inadimplencia", "2024-04-01", "2026-03-31"), TODAY)
    assert ok.kind is ReportKind.INADIMPLENCIA
    with pytest.raises(ValidationError, match="no máximo 24 meses"):
        validate_report(ReportForm("inadimplencia", "2024-03-31", "2026-03-16"), TODAY)
    with pytest.raises(ValidationError, match="ainda não chegou"):
        validate_report(ReportForm("inadimplencia", "2026-04-01", "2026-05-01"), TODAY)


def test_receipts_are_grouped_by_what_a_person_can_read() -> None:
    assert default_granularity(Period(D(2026, 3, 1), D(2026, 3, 31))) is Granularity.DAY
    assert default_granularity(Period(D(2026, 1, 1), D(2026, 3, 31))) is Granularity.WEEK
    assert default_granularity(Period(D(2025, 1, 1), D(2026, 3, 31))) is Granularity.MONTH
    chosen = validate_report(ReportForm("recebimentos", "2026-03-01", "2026-03-31", "mes"), TODAY)
    assert chosen.granularity is Granularity.MONTH


def test_weeks_run_monday_to_sunday_clipped_to_the_period() -> None:
    weeks = buckets(Period(D(2026, 3, 4), D(2026, 3, 20)), Granularity.WEEK)  # a Wednesday
    assert [(w.start, w.end) for w in weeks] == [
        (D(2026, 3, 4), D(2026, 3, 8)),
        (D(2026, 3, 9), D(2026, 3, 15)),
        (D(2026, 3, 16), D(2026, 3, 20)),
    ]


def test_a_history_is_taken_at_each_month_end_and_never_after_today() -> None:
    days = month_ends(Period(D(2025, 12, 15), D(2026, 6, 30)), TODAY)
    assert days == [D(2025, 12, 31), D(2026, 1, 31), D(2026, 2, 28), TODAY]
    assert month_ends(Period(D(2026, 4, 1), D(2026, 6, 30)), TODAY) == []


def test_each_report_opens_on_its_own_period() -> None:
    assert default_period(ReportKind.CAIXA, TODAY) == (TODAY, TODAY)
    assert default_period(ReportKind.RECEBIMENTOS, TODAY) == (D(2026, 3, 1), TODAY)
    assert default_period(ReportKind.INADIMPLENCIA, TODAY) == (D(2025, 4, 1), TODAY)
    assert default_period(ReportKind.EFETIVIDADE, TODAY) == (D(2026, 2, 15), TODAY)
    assert default_period(ReportKind.PREVISAO, TODAY) == (D(2025, 10, 1), TODAY)


def test_a_printed_report_is_referenced_by_its_kind_and_period() -> None:
    request = validate_report(ReportForm("caixa", "2026-03-01", "2026-03-16"), TODAY)
    assert reference(request) == "REL-CAI-20260301-20260316"


# --- fechamento de caixa ------------------------------------------------------------------


def line(
    pid: int, day: date, cents: int, method: str = "pix", user: str = "recepcao", **kw: object
) -> cash.CashLine:
    return cash.CashLine(pid, day, cents, method, user, 1, "Ana", 10, **kw)  # type: ignore[arg-type]


def test_a_closing_lists_what_came_in_and_the_days_estornos_apart() -> None:
    lines = [
        line(1, TODAY, 15_000, "dinheiro"),
        line(2, TODAY, 20_000, "pix", reversed_on=D(2026, 3, 20)),
        line(3, TODAY, 5_000, "dinheiro", user="gestor"),
        # A cheque from last week returned today.
        line(4, TODAY, -30_000, "cheque", reverses_payment_id=99, reversal_code="cheque_devolvido"),
        line(5, TODAY, -5_000, "dinheiro", reverses_payment_id=3, reversal_code="erro_lancamento"),
    ]
    report = cash.build(Period(TODAY, TODAY), lines, [])
    assert report.total_cents == 40_000  # the reversed PIX did come in today
    assert report.reversals_cents == 35_000
    assert report.net_cents == 5_000
    assert report.by_method == {"pix": 20_000, "boleto": 0, "cartao": 0, "dinheiro": 20_000,
                                "cheque": 0, "transferencia": 0}  # fmt: skip
    assert report.reversals_by_method["cheque"] == 30_000
    assert report.by_user == {"recepcao": 35_000, "gestor": 5_000}
    assert report.by_source == {"balcao": 40_000, "banco": 0}
    # Cash in the drawer: 150 + 50 received − 50 of the mistaken entry reversed = 150,00.
    assert report.expected_cash(TODAY) == 15_000
    assert [x.situation for x in report.payments] == [
        "recebido",
        "estornado em 20/03/2026",
        "recebido",
    ]
    assert report.reversals[0].situation == "estorno do lançamento 99 (cheque devolvido)"


def test_a_closing_keeps_the_latest_count_of_each_day() -> None:
    first = cash.CashCount(TODAY, 15_000, 14_000, "recepcao", datetime(2026, 3, 16, 18, 0), "x")
    recount = cash.CashCount(TODAY, 15_000, 15_000, "recepcao", datetime(2026, 3, 16, 18, 5))
    report = cash.build(Period(TODAY, TODAY), [], [recount, first])
    assert report.counts == (recount,)
    assert recount.difference_cents == 0 and first.difference_cents == -1_000


def test_a_count_is_refused_field_by_field_and_a_difference_needs_a_reason() -> None:
    with pytest.raises(ValidationError) as refused:
        cash.validate_count(cash.CashCountForm("2026-03-17", "-5,00", "x" * 301), TODAY)
    assert [e.field for e in refused.value.errors] == ["day", "counted", "note"]
    assert "Dia: 17/03/2026 ainda não chegou" in refused.value.errors[0].message
    with pytest.raises(ValidationError) as blank:
        cash.validate_count(cash.CashCountForm("16/03/2026", ""), TODAY)
    assert blank.value.for_field("counted") == (
        "Dinheiro contado: obrigatório, por exemplo 350,00."
    )
    data = cash.validate_count(cash.CashCountForm("16/03/2026", "140,00"), TODAY)
    with pytest.raises(ValidationError) as why:
        cash.check_difference(data, 15_000)
    assert why.value.for_field("note") == (
        "Observação: o dinheiro contado tem R$ 10,00 faltando em relação ao esperado "
        "(R$ 150,00); explique a diferença antes de gravar."
    )
    cash.check_difference(data, 14_000)  # it matches: no reason needed


# --- recebimentos -------------------------------------------------------------------------


def test_receipts_split_on_time_late_and_credit_and_add_up_to_what_came_in() -> None:
    period = Period(D(2026, 3, 1), D(2026, 3, 31))
    payments = [
        receipts.PaymentDay(D(2026, 3, 2), "pix", 10_000),
        receipts.PaymentDay(D(2026, 3, 10), "dinheiro", 32_200, credit_cents=1_000),
        receipts.PaymentDay(D(2026, 3, 20), "pix", -10_000),  # the estorno of the first
    ]
    settled = [
        # On time with a punctuality discount: 105 of principal − 5 of discount = 100,00.
        receipts.SettledDay(D(2026, 3, 2), "pix", False, 10_500, 0, 500),
        # 322,00: a late one (300 + 9 of multa and juros − 2 of juros waived = 307), 5 on an
        # installment not yet due, and 10 left as credit.
        receipts.SettledDay(D(2026, 3, 10), "dinheiro", True, 30_000, 900, 200),
        receipts.SettledDay(D(2026, 3, 10), "dinheiro", False, 500, 0, 0),
        receipts.SettledDay(D(2026, 3, 20), "pix", False, -10_500, 0, -500),
    ]
    report = receipts.build(period, Granularity.MONTH, payments, settled)
    [month] = report.periods
    assert month.total_cents == 32_200
    assert month.on_time_cents == 10_000 + 500 - 10_000
    assert month.late_cents == 30_700
    assert month.credit_cents == 1_000
    assert month.total_cents == month.on_time_cents + month.late_cents + month.credit_cents
    assert (month.charges_cents, month.waived_cents, month.punctuality_cents) == (700, 200, 0)
    assert month.by_method["pix"] == 0 and month.by_method["dinheiro"] == 32_200


def test_receipts_by_day_list_every_day_of_the_period() -> None:
    period = Period(D(2026, 3, 1), D(2026, 3, 3))
    report = receipts.build(
        period, Granularity.DAY, [receipts.PaymentDay(D(2026, 3, 2), "pix", 100)], []
    )
    assert [p.total_cents for p in report.periods] == [0, 100, 0]
    assert report.total.total_cents == 100


# --- efetividade ----------------------------------------------------------------------------


def contact(cid: int, person: int, day: date, step: str, channel: str = "whatsapp"):  # type: ignore[no-untyped-def]
    return effectiveness.ContactFact(cid, person, day, step, channel)


def test_a_payment_is_credited_once_to_the_latest_contact_in_the_7_days_before_it() -> None:
    contacts = [
        contact(1, 7, D(2026, 3, 1), "atraso_leve"),
        contact(2, 7, D(2026, 3, 5), "ligacao", "phone"),
        contact(3, 8, D(2026, 3, 1), "atraso"),
        contact(4, 7, D(2026, 3, 9), "agradecimento"),  # sent after the payment: never credited
    ]
    payments = [
        effectiveness.PaymentFact(7, D(2026, 3, 9), 20_000),  # → the call of 05/03
        effectiveness.PaymentFact(8, D(2026, 3, 9), 5_000),  # 8 days after: nobody's
        effectiveness.PaymentFact(7, D(2026, 2, 28), 1_000),  # before any contact
    ]
    assert effectiveness.credited(contacts, payments) == {2: 20_000}


def test_effectiveness_by_step_and_channel_with_acordos_and_negativacoes() -> None:
    period = Period(D(2026, 3, 1), D(2026, 3, 31))
    contacts = [
        contact(1, 7, D(2026, 3, 1), "ligacao", "phone"),
        contact(2, 8, D(2026, 3, 2), "ligacao", "phone"),
        contact(3, 9, D(2026, 3, 2), "atraso_leve"),
        contact(4, 9, D(2026, 2, 27), "atraso_leve"),  # before the period: not counted
    ]
    report = effectiveness.build(
        period,
        contacts,
        [
            (1, PromiseStatus.KEPT),
            (2, PromiseStatus.BROKEN),
            (2, PromiseStatus.KEPT),
            (1, PromiseStatus.PENDING),
        ],
        [effectiveness.PaymentFact(7, D(2026, 3, 4), 15_000)],
        [
            effectiveness.AgreementFact(D(2026, 3, 3), broken=False),
            effectiveness.AgreementFact(D(2026, 3, 4), broken=True),
            effectiveness.AgreementFact(D(2026, 2, 4), broken=True),  # another month's
        ],
        [
            effectiveness.NegativacaoFact(D(2026, 3, 1), None, 40_000),
            effectiveness.NegativacaoFact(D(2026, 1, 10), D(2026, 3, 12), 9_000),
        ],
        [("atraso_leve", "Atraso leve"), ("ligacao", "Ligação")],
    )
    assert [(s.step, s.contacts, s.promises, s.promises_kept, s.paid_within_7_days_cents)
            for s in report.steps] == [("atraso_leve", 1, 0, 0, 0),
                                       ("ligacao", 2, 4, 2, 15_000)]  # fmt: skip
    # 2 kept of the 3 whose day has passed (the pending one is neither kept nor broken yet).
    assert (report.steps[1].promises_pending, report.steps[1].kept_bp) == (1, 6_667)
    assert effectiveness.step_label("Ligação", "Ligação") == "Ligação"
    assert (report.agreements_made, report.agreements_kept, report.agreements_broken) == (2, 1, 1)
    assert (report.negativacoes_included, report.negativacoes_removed) == (1, 1)
    assert report.negativacoes_recovered_cents == 40_000


# --- carteira -------------------------------------------------------------------------------


def test_the_portfolio_sums_the_worklist_by_segment_and_risk_band() -> None:
    rows = [row(1, 40, 30_000, "Ana"), row(2, 10, 5_000, "Bia"), row(3, 200, 90_000, "Caio")]
    report = portfolio.build(TODAY, rows, 70_000, [portfolio.Suspension(3, "Caio")])
    assert report.overdue_updated_cents == sum(r.updated_cents for r in rows)
    assert sum(g.patients for g in report.segments) == 3
    assert sum(g.updated_cents for g in report.risk_bands) == report.overdue_updated_cents
    assert [d.patient_id for d in report.largest] == [3, 1, 2]
    assert report.receivable_cents == 70_000 + 125_000
    assert len(report.suspended) == 1


def test_what_prescribes_in_the_next_6_months_and_what_already_did() -> None:
    # Due 5 years ago minus 3 months: prescribes in 3 months. Due 5 years and 1 day ago: gone.
    soon = row(1, (TODAY - D(2021, 6, 16)).days, 10_000, "Ana")
    gone = row(2, (TODAY - D(2021, 3, 15)).days, 20_000, "Bia")
    later = row(3, (TODAY - D(2021, 12, 1)).days, 30_000, "Caio")
    amounts, past = portfolio.prescription_sums([soon, gone, later], TODAY)
    assert amounts == soon.updated_cents
    assert past == gone.prescribed_cents == 20_000  # its open principal, as Início shows it
    assert gone.updated_cents == 0  # prescribed money is no longer pursued
    assert portfolio.months_later(D(2026, 8, 31), 6) == D(2027, 2, 28)


# --- previsão × realizado ----------------------------------------------------------------


def test_forecast_compares_each_month_and_looks_3_months_ahead() -> None:
    period = Period(D(2026, 1, 1), D(2026, 3, 16))
    report = forecast.build(
        period,
        TODAY,
        {D(2026, 1, 10): 10_000, D(2026, 2, 10): 10_000, D(2026, 3, 10): 10_000},
        {D(2026, 1, 11): 9_000, D(2026, 2, 20): 12_000, D(2026, 3, 17): 99_999},
        {D(2026, 3, 20): 5_000, D(2026, 4, 10): 7_000, D(2026, 6, 30): 8_000, D(2026, 7, 1): 1},
    )
    assert [(f"{m.month:%Y-%m}", m.expected_cents, m.received_cents) for m in report.months] == [
        ("2026-01", 10_000, 9_000),
        ("2026-02", 10_000, 12_000),
        ("2026-03", 10_000, 0),  # what comes after today is not realised yet
        ("2026-04", 7_000, None),
        ("2026-05", 0, None),
        ("2026-06", 8_000, None),
    ]
    assert report.months[2].current and report.months[0].realized_bp == 9_000


# --- the table every report is shown as ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [(123_456, Kind.MONEY, "R$ 1.234,56"), (-500, Kind.MONEY, "-R$ 5,00"),
     (D(2026, 3, 1), Kind.DATE, "01/03/2026"), (1_250, Kind.PERCENT, "12,5 %"),
     (None, Kind.MONEY, ""), (True, Kind.TEXT, "sim"), (7, Kind.INT, "7")],
)  # fmt: skip
def test_a_cell_reads_in_portuguese(value: object, kind: Kind, text: str) -> None:
    assert cell_text(value, kind) == text


def test_every_report_view_has_a_main_table_with_a_cell_per_column() -> None:
    views = [
        cash.view(cash.build(Period(TODAY, TODAY), [line(1, TODAY, 100)], [])),
        receipts.view(receipts.build(Period(TODAY, TODAY), Granularity.DAY, [], [])),
        portfolio.view(portfolio.build(TODAY, [row(1, 40, 30_000, "Ana")], 0, [])),
    ]
    for view in views:
        for table in view.tables:
            assert all(len(r) == len(table.columns) for r in table.rows)
            assert table.total is None or len(table.total) == len(table.columns)


def test_a_printed_charts_ticks_read_in_reais_and_never_alike() -> None:
    from app.documents.report import reais_tick

    ticks = [reais_tick(v) for v in (0, 500, 1_000, 1_500, 2_000, 12_500, 1_234_567)]
    assert ticks == ["R$ 0", "R$ 500", "R$ 1 mil", "R$ 1,5 mil", "R$ 2 mil", "R$ 12 mil",
                     "R$ 1.235 mil"]  # fmt: skip


def test_a_printed_table_fits_the_page_at_one_size_with_no_header_overrun() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from app.documents.layout import BOLD, CONTENT_WIDTH, FONT, MoneyTable
    from app.documents.report import CELL_MIN_SIZE, HEADER_MIN_SIZE, fit_columns

    headers = ["Mês", "A receber", "Vencido", "Taxa", "1–30 dias", "31–60 dias", "61–90 dias",
               "mais de 90 dias", "Pacientes em atraso", "Novo atraso", "Recuperado"]  # fmt: skip
    rows = [["dez/2025", "R$ 600.968,44", "R$ 120.458,83", "20,04 %", "R$ 6.405,91",
             "R$ 5.454,46", "R$ 2.186,04", "R$ 106.412,42", "43", "R$ 31.175,84", "R$ 19.660,68"],
            ["jan/2026", *(["R$ 0,00"] * 10)]]  # fmt: skip
    total = ["No período", *([""] * 8), "R$ 398.717,69", "R$ 296.506,24"]
    widths, size = fit_columns(headers, rows, total, 7.6)
    assert CELL_MIN_SIZE <= size < 7.6  # eleven columns of amounts: the whole table shrinks
    assert sum(widths) <= CONTENT_WIDTH + 0.01
    pad = 2 * MoneyTable.PAD
    for i, header in enumerate(headers):
        assert widths[i] >= stringWidth(header, BOLD, HEADER_MIN_SIZE) + pad - 0.01
        assert all(widths[i] >= stringWidth(r[i], FONT, size) + pad - 0.01 for r in rows)
    huge = [["R$ 12.345.678,90"] * 11] * 2
    squeezed, smallest = fit_columns(headers, huge, None, 7.6)
    assert smallest == CELL_MIN_SIZE and sum(squeezed) <= CONTENT_WIDTH + 0.01
    narrow, same = fit_columns(["Forma", "Recebido"], [["PIX", "R$ 4.874,27"]], None, 8.3)
    assert same == 8.3 and sum(narrow) <= CONTENT_WIDTH  # a small table keeps its size


def test_a_printed_charts_long_categories_break_before_the_channel() -> None:
    from app.documents.report import _fitted

    assert _fitted("Ligação", 60, 6.5) == "Ligação"
    assert _fitted("Aviso de negativação (Carta)", 60, 6.5) == "Aviso de negativação\n(Carta)"
    assert _fitted("Notificação extrajudicial", 20, 6.5) == "Notificação extrajudicial"
