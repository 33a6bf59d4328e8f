"""Relatórios on a real database (SQLite and PostgreSQL): a small clinic whose every figure was
worked out by hand, the month-end history tied to Início and to ``report aging`` today, who may
see what, the cash count (recorded, audited, refused in pt-BR), printing and exporting."""

from __future__ import annotations

import csv
import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.bootstrap import Services
from app.domain.aging import Bucket
from app.domain.reports.cash import CashCountForm
from app.domain.reports.default_history import (
    InstallmentHistory,
    PaidLine,
    PrincipalFlow,
    history,
)
from app.domain.reports.period import Period, ReportForm, month_ends
from app.errors import PermissionDenied, ValidationError
from app.persistence import models
from tests.conftest import STAFF_PASSWORD, TODAY
from tests.report_data import seed_report_clinic


@pytest.fixture
def clinic(staff: Services) -> dict[str, int]:
    return seed_report_clinic(staff)


def run(services: Services, kind: str, start: str, end: str, by: str = "") -> object:
    return services.reports.run(ReportForm(kind, start, end, by)).report


def test_month_end_history_worked_out_by_hand(services: Services, clinic: dict[str, int]) -> None:
    report = run(services, "inadimplencia", "2026-01-01", "2026-03-16")
    jan, feb, mar = report.months  # type: ignore[attr-defined]
    # 31/01: nothing late (Ana's first paid on 20/01); to receive Ana 400 + Bia 300 + Caio 1.000.
    assert (jan.receivable_cents, jan.overdue_cents, jan.default_rate_bp) == (170_000, 0, 0)
    # 28/02: Ana's second (12/02) late; Bia's cheque still good. 200 ÷ 1.400 = 14,29 %.
    assert (feb.receivable_cents, feb.overdue_cents, feb.default_rate_bp) == (
        140_000,
        20_000,
        1_429,
    )
    # 16/03: Ana 156,13 (200 − 43,87 of today's 50,00 after 2,13 of juros and 4,00 of multa) +
    # 200 (12/03) and Bia's 300 again (the cheque returned today): 656,13 of 1.656,13 = 39,62 %.
    assert (mar.receivable_cents, mar.overdue_cents, mar.default_rate_bp) == (
        165_613,
        65_613,
        3_962,
    )
    assert mar.aging[Bucket.D31_60] == 65_613  # Ana since 12/02 (32 days), Bia since 05/02
    assert [m.new_overdue_cents for m in report.months] == [20_000, 20_000, 20_000]  # type: ignore[attr-defined]
    # Late money: Ana's 204,53 in January, her 50,00 today; the returned cheque was on time.
    assert [m.recovered_cents for m in report.months] == [20_453, 0, 5_000]  # type: ignore[attr-defined]


def test_today_ties_out_with_inicio_cobranca_and_the_carteira(
    services: Services, clinic: dict[str, int]
) -> None:
    [month] = run(services, "inadimplencia", "2026-03-01", "2026-03-16").months  # type: ignore[attr-defined]
    dashboard = services.dashboard.summary()
    assert (month.receivable_cents, month.overdue_cents, month.default_rate_bp) == (
        dashboard.receivable_cents,
        dashboard.overdue_cents,
        dashboard.default_rate_bp,
    )
    assert {b.bucket: b.overdue_cents for b in dashboard.aging} == month.aging
    assert month.overdue_patients == dashboard.overdue_patients
    carteira = run(services, "carteira", "2026-03-16", "2026-03-16")
    worklist = services.overdue.worklist()
    assert carteira.overdue_updated_cents == worklist.totals().updated_cents  # type: ignore[attr-defined]
    assert carteira.overdue_updated_cents == dashboard.overdue_updated_cents  # type: ignore[attr-defined]
    assert carteira.not_due_cents == dashboard.not_due_cents  # type: ignore[attr-defined]


def test_receipts_forecast_and_the_cash_closing_agree(
    services: Services, clinic: dict[str, int]
) -> None:
    months = run(services, "recebimentos", "2026-01-01", "2026-03-16", "mes").periods  # type: ignore[attr-defined]
    assert [(p.total_cents, p.on_time_cents, p.late_cents, p.charges_cents) for p in months] == [
        (20_453, 0, 20_453, 453),
        (30_000, 30_000, 0, 0),
        (5_000 - 30_000, -30_000, 5_000, 613),  # today's cash; the cheque's estorno
    ]
    assert months[1].by_method["cheque"] == 30_000
    history_ = run(services, "inadimplencia", "2026-01-01", "2026-03-16")
    assert [p.late_cents for p in months] == [m.recovered_cents for m in history_.months]  # type: ignore[attr-defined]
    forecast = run(services, "previsao", "2026-01-01", "2026-03-16")
    assert [(m.expected_cents, m.received_cents) for m in forecast.months] == [  # type: ignore[attr-defined]
        (20_000, 20_453),
        (50_000, 30_000),
        (20_000, -25_000),
        (50_000, None),  # Caio's first, 10/04
        (50_000, None),
        (0, None),
    ]
    cash = run(services, "caixa", "2026-03-16", "2026-03-16")
    assert (cash.total_cents, cash.reversals_cents, cash.net_cents) == (5_000, 30_000, -25_000)  # type: ignore[attr-defined]
    assert cash.net_cents == months[2].total_cents  # type: ignore[attr-defined]
    assert cash.by_user == {"gestor": 5_000}  # type: ignore[attr-defined]
    assert cash.expected_cash(TODAY) == 5_000  # type: ignore[attr-defined]
    february = run(services, "caixa", "2026-02-02", "2026-02-02")
    [line] = february.payments  # type: ignore[attr-defined]
    assert (line.payment_id, line.reversed_on, line.method) == (clinic["cheque"], TODAY, "cheque")


def test_effectiveness_credits_the_contact_and_its_kept_promise(
    services: Services, clinic: dict[str, int]
) -> None:
    report = run(services, "efetividade", "2026-03-01", "2026-03-16")
    [step] = report.steps  # type: ignore[attr-defined]
    assert (step.step, step.channel, step.contacts, step.promises, step.promises_kept) == (
        "atraso",
        "whatsapp",
        1,
        1,
        1,
    )
    assert step.paid_within_7_days_cents == 5_000


def test_the_desk_sees_only_todays_cash_closing(services: Services, clinic: dict[str, int]) -> None:
    services.login("recepcao", STAFF_PASSWORD)
    today = run(services, "caixa", "2026-03-16", "2026-03-16")
    assert today.total_cents == 5_000  # type: ignore[attr-defined]
    with pytest.raises(PermissionDenied) as refused:
        run(services, "caixa", "2026-03-13", "2026-03-13")
    assert refused.value.message == (
        "O usuário recepcao pode ver só o fechamento de caixa de hoje (16/03/2026); outros dias "
        "e períodos são do gestor."
    )
    with pytest.raises(PermissionDenied, match="não pode ver relatórios"):
        run(services, "recebimentos", "2026-03-16", "2026-03-16")
    with pytest.raises(PermissionDenied):
        services.reports.count_cash(CashCountForm("2026-03-13", "10,00", "x"))


def audit_actions(services: Services) -> list[tuple[str, object]]:
    with services.reports.uow() as uow:
        rows = uow.session.execute(  # type: ignore[attr-defined]
            select(models.AuditLog.action, models.AuditLog.after).order_by(models.AuditLog.id)
        )
        return [(a, after) for a, after in rows if a == "cash.count"]


def counts(services: Services) -> int:
    with services.reports.uow() as uow:
        return len(uow.cash_counts.between(date(2000, 1, 1), date(2100, 1, 1)))


def test_the_cash_count_is_recorded_audited_and_refused_in_portuguese(
    services: Services, clinic: dict[str, int]
) -> None:
    services.login("recepcao", STAFF_PASSWORD)
    with pytest.raises(ValidationError) as refused:
        services.reports.count_cash(CashCountForm("16/03/2026", "45,00"))
    assert refused.value.for_field("note") == (
        "Observação: o dinheiro contado tem R$ 5,00 faltando em relação ao esperado (R$ 50,00); "
        "explique a diferença antes de gravar."
    )
    with pytest.raises(ValidationError, match="não é um valor válido"):
        services.reports.count_cash(CashCountForm("16/03/2026", "45.5"))
    assert counts(services) == 0 and audit_actions(services) == []  # nothing partial
    count = services.reports.count_cash(
        CashCountForm("16/03/2026", "45,00", "troco dado a mais para a Ana")
    )
    assert (count.expected_cents, count.counted_cents, count.difference_cents) == (
        5_000,
        4_500,
        -500,
    )
    assert count.user == "recepcao"
    [(_action, after)] = audit_actions(services)
    assert after == {"day": "2026-03-16", "expected_cents": 5_000, "counted_cents": 4_500,
                     "difference_cents": -500, "note": "troco dado a mais para a Ana"}  # fmt: skip
    closing = run(services, "caixa", "2026-03-16", "2026-03-16")
    assert closing.counts[-1].counted_cents == 4_500  # type: ignore[attr-defined]


def test_a_printed_report_is_archived_like_every_document(
    services: Services, clinic: dict[str, int]
) -> None:
    result = services.reports.run(ReportForm("inadimplencia", "2026-01-01", "2026-03-16"))
    document = services.reports.print(result)
    assert document.kind == "relatorio" and document.patient_id is None
    pdf = Path(document.file_path)
    assert pdf.name.startswith("REL-INA-20260101-20260316")
    printed = services.archive.archived_bytes(document.id)  # checked against its SHA-256
    assert printed.startswith(b"%PDF")
    assert hashlib.sha256(printed).hexdigest() == document.sha256


def test_an_export_has_a_sheet_per_table_and_a_csv_has_the_main_one(
    services: Services, clinic: dict[str, int], tmp_path: Path
) -> None:
    result = services.reports.run(ReportForm("caixa", "2026-02-01", "2026-03-16"))
    rows = services.reports.export(result, tmp_path / "caixa.xlsx")
    book = load_workbook(tmp_path / "caixa.xlsx")
    assert book.sheetnames == [
        "Pagamentos e estornos",
        "Por forma de pagamento",
        "Por quem registrou",
        "Por origem do registro",
        "Pagamentos conciliados",
        "Conferência do dinheiro",
    ]
    sheet = book["Pagamentos e estornos"]
    values = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert [v[0] for v in values] == [clinic["cheque"], clinic["cheque"] + 1, clinic["cash"],
                                      "Líquido"]  # fmt: skip
    assert float(values[-1][7]) == 50.0  # 300 + 50 − 300
    assert rows == sum(len(t.rows) + (t.total is not None) for t in result.view.tables)
    services.reports.export(result, tmp_path / "caixa.csv")
    with (tmp_path / "caixa.csv").open(encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle, delimiter=";"))
    assert lines[0][:3] == ["Lançamento", "Data", "Paciente"]
    assert lines[-1][7] == "50,00"


def test_extratos_em_lote_for_the_contracts_with_movement(
    services: Services, clinic: dict[str, int]
) -> None:
    result = services.document_batch.statements(date(2026, 3, 1), date(2026, 3, 16))
    assert sorted(d.contract_id for d in result.documents) == sorted(  # type: ignore[type-var]
        [clinic["c_ana"], clinic["c_ana"] + 1]
    )
    assert all(d.kind == "extrato" for d in result.documents)
    services.login("recepcao", STAFF_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.document_batch.statements(date(2026, 3, 1), date(2026, 3, 16))


def exact_facts(
    services: Services, days: list[date]
) -> tuple[list[PrincipalFlow], list[InstallmentHistory]]:
    """Every installment and payment line, one by one, straight from the tables."""
    i, c, a, p, ag = (models.Installment, models.Contract, models.PaymentAllocation,
                      models.Payment, models.Agreement)  # fmt: skip
    original = {row.id: row.paid_on for row in _all(services, p)}
    flows, histories = [], []
    with services.reports.uow() as uow:
        session = uow.session  # type: ignore[attr-defined]
        lines: dict[int, list[PaidLine]] = {}
        for alloc, payment in session.execute(select(a, p).join(p, p.id == a.payment_id)):
            money = (alloc.principal_cents + alloc.fine_cents + alloc.interest_cents
                     + alloc.correction_cents - alloc.discount_cents)  # fmt: skip
            lines.setdefault(alloc.installment_id, []).append(
                PaidLine(
                    payment.paid_on,
                    alloc.principal_cents,
                    money,
                    original.get(payment.reverses_payment_id),
                )
            )
        for inst, contract, agreement in session.execute(
            select(i, c, ag)
            .join(c, c.id == i.contract_id)
            .outerjoin(ag, ag.id == i.renegotiated_agreement_id)
        ):
            replaced = (agreement.accepted_on or date(1, 1, 1)) if agreement else None
            start = contract.created_at.date()
            paid = tuple(lines.get(inst.id, ()))
            histories.append(InstallmentHistory(contract.patient_id, inst.effective_due_date,
                                                inst.amount_cents, start, replaced, paid,
                                                contract.status == "cancelled"))  # fmt: skip
            if contract.status == "cancelled":
                continue
            due = inst.effective_due_date
            flows.append(PrincipalFlow(inst.amount_cents, start, due, replaced))
            flows += [
                PrincipalFlow(-ln.principal_cents, max(ln.day, start), due, replaced)
                for ln in paid
                if ln.day <= due
            ]
    return flows, histories


def _all(services: Services, model: type[models.Payment]) -> list[models.Payment]:
    with services.reports.uow() as uow:
        rows = list(uow.session.scalars(select(model)))  # type: ignore[attr-defined]
        for row in rows:
            uow.session.expunge(row)  # type: ignore[attr-defined]
        return rows


def test_the_grouped_queries_give_what_every_row_one_by_one_gives(
    demo_services: Services,
) -> None:
    """The database sums the not-yet-due principal per group and picks the installments that
    may have been late: the history must be what every installment and every payment line,
    read one by one, gives."""
    services = demo_services
    services.login("gestor", "demo")
    period = Period(date(2025, 4, 1), TODAY)
    days = month_ends(period, TODAY)
    report = services.reports.default_history(period)
    flows, histories = exact_facts(services, days)
    assert report.months == history(days, flows, histories, TODAY)
    assert any(m.overdue_cents for m in report.months)
    assert TODAY - timedelta(days=1) < report.months[-1].as_of
