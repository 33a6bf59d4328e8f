"""The Relatórios on the command line (docs/CLI.md):

    emdia report caixa|recebimentos|inadimplencia|efetividade|carteira|previsao
          [--from AAAA-MM-DD] [--to AAAA-MM-DD] [--by dia|semana|mes]
          [--json | --out ARQUIVO.pdf|.xlsx|.csv]
    emdia cash count --counted 350,00 [--day AAAA-MM-DD] [--note TEXTO] [--json]

The same ``ReportService`` as the window's Relatórios: the same figures, the same refusals (the
desk sees only today's fechamento de caixa). Without ``--from``/``--to`` each report covers what
the window opens with (``DEFAULT_PERIODS``). ``--out`` with ``.pdf`` prints the report (archived
like every document) and copies it there; with ``.xlsx``/``.csv`` exports its tables.

JSON keys are a contract: money in ``*_cents``, dates ISO, codes (not labels).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_OK, FLAG_OF_FIELD, open_services, print_json
from app.domain.aging import BUCKETS
from app.domain.columns import Kind
from app.domain.money import format_brl
from app.domain.reports import cash, default_history, effectiveness, forecast, portfolio, receipts
from app.domain.reports.period import ReportForm, ReportKind, default_period
from app.domain.reports.view import ReportTable, ReportView, row_texts
from app.errors import ValidationError
from app.services.reports import Report, ReportResult

FLAG_OF_FIELD.update({"granularity": "--by", "counted": "--counted", "out": "--out"})
OUT_SUFFIXES = (".pdf", ".xlsx", ".csv")


def register_kinds(report: Any) -> None:
    """``report KIND`` for every Relatório (``report`` is the group's subparsers)."""
    for kind in ReportKind:
        parser = report.add_parser(kind.value, help=_HELP[kind])
        parser.add_argument("--from", dest="start", default="", metavar="AAAA-MM-DD")
        parser.add_argument("--to", dest="end", default="", metavar="AAAA-MM-DD")
        if kind is ReportKind.RECEBIMENTOS:
            parser.add_argument(
                "--by",
                dest="granularity",
                default="",
                metavar="dia|semana|mes",
                help="padrão: por dia até 31 dias, por semana até 92, por mês acima",
            )
        output = parser.add_mutually_exclusive_group()
        output.add_argument("--json", action="store_true")
        output.add_argument("--out", metavar="ARQUIVO.pdf|.xlsx|.csv")
        parser.set_defaults(handler=cmd_report_kind, kind=kind.value)


def register_cash(sub: Any) -> None:
    cash_group = sub.add_parser("cash", help="conferência do caixa (dinheiro contado)")
    commands = cash_group.add_subparsers(dest="cash_command", metavar="count", required=True)
    count = commands.add_parser(
        "count", help="grava o dinheiro contado no caixa e a diferença para o esperado"
    )
    count.add_argument("--counted", required=True, metavar="350,00", help="dinheiro contado")
    count.add_argument("--day", default="", metavar="AAAA-MM-DD", help="padrão: hoje")
    count.add_argument("--note", default="", metavar="TEXTO", help="por que há diferença")
    count.add_argument("--json", action="store_true")
    count.set_defaults(handler=cmd_cash_count)


_HELP = {
    ReportKind.CAIXA: "fechamento de caixa: recebido por forma e por usuário, estornos do dia",
    ReportKind.RECEBIMENTOS: "recebimentos por dia/semana/mês: em dia, em atraso, encargos",
    ReportKind.INADIMPLENCIA: "inadimplência mês a mês, calculada no último dia de cada mês",
    ReportKind.EFETIVIDADE: "efetividade da cobrança: contatos, promessas, acordos",
    ReportKind.CARTEIRA: "carteira: segmentos, maiores devedores, prescrição, suspensões",
    ReportKind.PREVISAO: "previsão × realizado por mês e os próximos 3 meses",
}


def cmd_report_kind(args: argparse.Namespace) -> int:
    kind = ReportKind(args.kind)
    if args.out:
        _check_out(args.out)
    with open_services(args) as services:
        start, end = default_period(kind, services.clock.today())
        form = ReportForm(
            kind.value,
            args.start or start.isoformat(),
            args.end or end.isoformat(),
            getattr(args, "granularity", ""),
        )
        result = services.reports.run(form)
        if args.out:
            return _write(services.reports, result, Path(args.out).expanduser())
    if args.json:
        print_json(report_json(result))
    else:
        print_view(result.view)
    return EXIT_OK


def _check_out(text: str) -> None:
    if Path(text).suffix.lower() not in OUT_SUFFIXES:
        raise ValidationError.single(
            "out", f"Arquivo: '{text}' deve terminar em .pdf, .xlsx ou .csv."
        )


def _write(reports: Any, result: ReportResult, out: Path) -> int:
    if out.suffix.lower() == ".pdf":
        document = reports.print(result)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(document.file_path, out)
        print(f"{out}  (arquivado: {document.file_path})")
        return EXIT_OK
    rows = reports.export(result, out)
    print(f"{rows} linhas exportadas para {out}.")
    return EXIT_OK


def cmd_cash_count(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        day = args.day or services.clock.today().isoformat()
        count = services.reports.count_cash(cash.CashCountForm(day, args.counted, args.note))
    if args.json:
        print_json(count_json(count))
        return EXIT_OK
    print(
        f"Caixa de {count.day:%d/%m/%Y}: esperado {format_brl(count.expected_cents)}, contado "
        f"{format_brl(count.counted_cents)}, diferença {format_brl(count.difference_cents)}."
    )
    return EXIT_OK


# --- text -----------------------------------------------------------------------------------


def print_view(view: ReportView) -> None:
    print(f"{view.title} — {view.subtitle}")
    width = max((len(label) for label, _ in view.summary), default=0)
    for label, value in view.summary:
        print(f"  {label + ':':<{width + 1}} {value}")
    for table in view.tables:
        print()
        print_table(table)


def print_table(table: ReportTable) -> None:
    print(table.title)
    if not table.rows:
        print(f"  {table.empty}")
        return
    headers = [c.header for c in table.columns]
    lines = [row_texts(table.columns, row) for row in table.rows]
    if table.total is not None:
        lines.append(row_texts(table.columns, table.total))
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]
    numeric = [c.kind is not Kind.TEXT for c in table.columns]
    print(
        "  " + "  ".join(_cell(h, w, n) for h, w, n in zip(headers, widths, numeric, strict=True))
    )
    for line in lines:
        cells = zip(line, widths, numeric, strict=True)
        print("  " + "  ".join(_cell(v, w, n) for v, w, n in cells))


def _cell(text: str, width: int, right: bool) -> str:
    return f"{text:>{width}}" if right else f"{text:<{width}}"


# --- JSON -----------------------------------------------------------------------------------


def report_json(result: ReportResult) -> dict[str, Any]:
    period = result.request.period
    head = {"report": result.request.kind.value, "from": period.start, "to": period.end}
    return {**head, **_body(result.report)}


def _body(report: Report) -> dict[str, Any]:
    if isinstance(report, cash.CashReport):
        return caixa_json(report)
    if isinstance(report, receipts.ReceiptsReport):
        return recebimentos_json(report)
    if isinstance(report, default_history.DefaultHistoryReport):
        return inadimplencia_json(report)
    if isinstance(report, effectiveness.EffectivenessReport):
        return efetividade_json(report)
    if isinstance(report, portfolio.PortfolioReport):
        return carteira_json(report)
    return previsao_json(report)


def caixa_json(r: cash.CashReport) -> dict[str, Any]:
    return {
        "total_cents": r.total_cents,
        "reversals_cents": r.reversals_cents,
        "net_cents": r.net_cents,
        "by_method": r.by_method,
        "reversals_by_method": r.reversals_by_method,
        "by_user": r.by_user,
        "by_source": r.by_source,
        "payments": [
            {
                "payment_id": p.payment_id,
                "patient_id": p.patient_id,
                "contract_id": p.contract_id,
                "date": p.day,
                "amount_cents": p.amount_cents,
                "method": p.method,
                "user": p.user,
                "reversed": p.reversed_on is not None,
                "reversed_on": p.reversed_on,
                "source": p.source,
                "patient_name": p.patient_name,
            }
            for p in r.payments
        ],
        "reversals": [
            {
                "payment_id": x.payment_id,
                "reverses_payment_id": x.reverses_payment_id,
                "patient_id": x.patient_id,
                "contract_id": x.contract_id,
                "date": x.day,
                "amount_cents": x.amount_cents,
                "method": x.method,
                "user": x.user,
                "code": x.reversal_code,
                "reason": x.reason,
            }
            for x in r.reversals
        ],
        "cash_counts": [count_json(c) for c in r.counts],
        "reconciled_cents": r.reconciled_cents,
        "reconciled": [
            {
                "payment_id": x.payment_id,
                "reconciled_on": x.reconciled_on,
                "bank_date": x.bank_day,
                "amount_cents": x.amount_cents,
                "contract_id": x.contract_id,
                "patient_name": x.patient_name,
                "linked_existing": x.linked_existing,
            }
            for x in r.reconciled
        ],
    }


def count_json(c: cash.CashCount) -> dict[str, Any]:
    return {
        "date": c.day,
        "expected_cents": c.expected_cents,
        "counted_cents": c.counted_cents,
        "difference_cents": c.difference_cents,
        "user": c.user,
        "at": c.at.isoformat(timespec="seconds"),
        "note": c.note,
    }


def _receipt(p: receipts.ReceiptPeriod) -> dict[str, Any]:
    return {
        "start": p.start,
        "end": p.end,
        "total_cents": p.total_cents,
        "on_time_cents": p.on_time_cents,
        "late_cents": p.late_cents,
        "credit_cents": p.credit_cents,
        "charges_cents": p.charges_cents,
        "waived_cents": p.waived_cents,
        "punctuality_discount_cents": p.punctuality_cents,
        "by_method": p.by_method,
    }


def recebimentos_json(r: receipts.ReceiptsReport) -> dict[str, Any]:
    return {
        "by": r.granularity.value,
        "periods": [_receipt(p) for p in r.periods],
        "total": _receipt(r.total),
    }


def inadimplencia_json(r: default_history.DefaultHistoryReport) -> dict[str, Any]:
    return {
        "months": [
            {
                "month": f"{m.month:%Y-%m}",
                "as_of": m.as_of,
                "receivable_cents": m.receivable_cents,
                "not_due_cents": m.not_due_cents,
                "overdue_principal_cents": m.overdue_cents,
                "default_rate_bp": m.default_rate_bp,
                "new_overdue_cents": m.new_overdue_cents,
                "recovered_cents": m.recovered_cents,
                "overdue_patients": m.overdue_patients,
                "aging": {b.value: m.aging.get(b, 0) for b in BUCKETS},
            }
            for m in r.months
        ]
    }


def efetividade_json(r: effectiveness.EffectivenessReport) -> dict[str, Any]:
    return {
        "steps": [
            {
                "step": s.step,
                "step_name": r.step_name(s.step),
                "channel": s.channel,
                "contacts": s.contacts,
                "promises": s.promises,
                "promises_kept": s.promises_kept,
                "promises_pending": s.promises_pending,
                "paid_within_7_days_cents": s.paid_within_7_days_cents,
            }
            for s in r.steps
        ],
        "agreements": {
            "made": r.agreements_made,
            "kept": r.agreements_kept,
            "broken": r.agreements_broken,
        },
        "negativacoes": {
            "included": r.negativacoes_included,
            "removed": r.negativacoes_removed,
            "recovered_cents": r.negativacoes_recovered_cents,
        },
    }


def _group(g: portfolio.Group, key: str) -> dict[str, Any]:
    return {
        key: g.name,
        "patients": g.patients,
        "overdue_cents": g.overdue_cents,
        "updated_cents": g.updated_cents,
    }


def carteira_json(r: portfolio.PortfolioReport) -> dict[str, Any]:
    return {
        "as_of": r.as_of,
        "segments": [_group(g, "segment") for g in r.segments],
        "risk_bands": [_group(g, "band") for g in r.risk_bands],
        "largest": [
            {
                "patient_id": d.patient_id,
                "patient_name": d.patient_name,
                "updated_cents": d.updated_cents,
                "overdue_cents": d.overdue_cents,
                "days_late": d.days_late,
                "segment": d.segment.value,
                "score": d.score,
            }
            for d in r.largest
        ],
        "receivable_cents": r.receivable_cents,
        "not_due_cents": r.not_due_cents,
        "overdue_updated_cents": r.overdue_updated_cents,
        "prescribing_6_months_cents": r.prescribing_6_months_cents,
        "prescribed_cents": r.prescribed_cents,
        "suspended": len(r.suspended),
        "suspended_patients": [
            {"patient_id": s.patient_id, "patient_name": s.patient_name} for s in r.suspended
        ],
    }


def previsao_json(r: forecast.ForecastReport) -> dict[str, Any]:
    return {
        "months": [
            {
                "month": f"{m.month:%Y-%m}",
                "start": m.start,
                "end": m.end,
                "expected_cents": m.expected_cents,
                "received_cents": m.received_cents,
                "forecast": m.is_future,
            }
            for m in r.months
        ]
    }
