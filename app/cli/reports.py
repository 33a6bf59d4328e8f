"""Reports (docs/CLI.md): ``report overdue|aging|dashboard [--json]`` and
``export overdue FILE(.csv|.xlsx)`` — the worklist, the aging bands and the dashboard, computed by
the same services as Cobrança → Inadimplentes and Início. The Relatórios of the window (``report
caixa|recebimentos|…``) are ``app.cli.report_kinds``.

The ``export`` group itself is built by ``app.cli.transfer`` (patients, installments,
payments); ``add_export_overdue(export_subparsers)`` adds ``overdue`` to it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_OK, FLAG_OF_FIELD, Parser, open_services, print_json
from app.cli.report_kinds import register_kinds
from app.domain.aging import BUCKET_LABELS, BUCKETS, Bucket
from app.domain.catalog import label
from app.domain.dashboard import Dashboard
from app.domain.dates import format_date
from app.domain.money import format_brl, format_percent, parse_brl
from app.domain.reports.period import ReportKind
from app.domain.risk import FLAG_LABELS, FLAGS, SEGMENT_LABELS, SEGMENTS, Flag, Segment
from app.domain.worklist import (
    DESCENDING_FIRST,
    AgingBand,
    OverdueRow,
    SortKey,
    WorklistQuery,
    totals,
)

FLAG_OF_FIELD.update({"min_amount": "--min-amount", "file": "ARQUIVO"})


def register(sub: Any) -> None:
    report = sub.add_parser("report", help="relatórios").add_subparsers(
        dest="report_command",
        metavar="overdue|aging|dashboard|" + "|".join(k.value for k in ReportKind),
        required=True,
        parser_class=Parser,
    )
    overdue = report.add_parser("overdue", help="inadimplentes: quem deve, quanto e por quê")
    _add_filters(overdue)
    overdue.add_argument("--json", action="store_true")
    overdue.set_defaults(handler=cmd_report_overdue)
    aging = report.add_parser("aging", help="envelhecimento da dívida por faixa de atraso")
    aging.add_argument("--json", action="store_true")
    aging.set_defaults(handler=cmd_report_aging)
    dashboard = report.add_parser("dashboard", help="o painel: a receber, em atraso, previsão")
    dashboard.add_argument("--json", action="store_true")
    dashboard.set_defaults(handler=cmd_report_dashboard)
    register_kinds(report)


def add_export_overdue(export_sub: Any) -> None:
    """``export overdue FILE``: the worklist with the same filters and order as the screen."""
    overdue = export_sub.add_parser("overdue", help="inadimplentes, como na tela Cobrança")
    overdue.add_argument(
        "file", type=Path, metavar="ARQUIVO.csv|.xlsx", help="arquivo .csv (;) ou .xlsx"
    )
    _add_filters(overdue)
    overdue.set_defaults(handler=cmd_export_overdue)


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bucket", choices=[b.value for b in BUCKETS], help="faixa de atraso")
    parser.add_argument("--segment", choices=[s.value for s in SEGMENTS], help="segmento")
    parser.add_argument("--flag", choices=[f.value for f in FLAGS], help="sinal de risco")
    parser.add_argument("--min-amount", default="", metavar="100,00", help="valor atualizado ≥")
    parser.add_argument("--search", default="", help="nome, CPF ou telefone")
    parser.add_argument(
        "--sort",
        choices=[k.value for k in SortKey],
        default=SortKey.PRIORITY.value,
        help="coluna (padrão: prioridade = valor atualizado × peso do atraso)",
    )
    parser.add_argument("--reverse", action="store_true", help="inverte a ordem")


def query_from(args: argparse.Namespace) -> WorklistQuery:
    key = SortKey(args.sort)
    return WorklistQuery(
        text=args.search,
        bucket=Bucket(args.bucket) if args.bucket else None,
        segment=Segment(args.segment) if args.segment else None,
        flag=Flag(args.flag) if args.flag else None,
        min_cents=_min_cents(args.min_amount),
        sort=key,
        # Money, age and risk biggest first; names and dates A→Z / oldest first (as on screen).
        descending=(key in DESCENDING_FIRST) != args.reverse,
    )


def _min_cents(text: str) -> int:
    return parse_brl(text, "min_amount", "valor mínimo") if text.strip() else 0


def overdue_json(row: OverdueRow) -> dict[str, Any]:
    """The documented keys (docs/CLI.md) first, then the extras the screen shows."""
    a = row.assessment
    return {
        "patient_id": row.patient_id,
        "patient_name": row.patient_name,
        "contract_id": row.contract_id,
        "oldest_due_date": row.oldest_due_date,
        "days_late": row.days_late,
        "overdue_cents": row.overdue_cents,
        "updated_cents": row.updated_cents,
        "segment": a.segment.value,
        "score": a.score,
        "flags": [f.value for f in a.flags],
        "reasons": [r.text for r in a.reasons],
        "rank": row.rank,
        "priority": row.priority,
        "responsible_id": row.payer_id,
        "responsible_name": row.payer_name,
        "contract_ids": list(row.debt.contract_ids),
        "bucket": row.bucket.value,
        "installments": row.installments,
        "score_breakdown": [{"reason": r.text, "points": r.points} for r in a.reasons],
        "segment_reason": a.segment_reason,
        "pattern": {
            "paid": a.pattern.paid,
            "on_time_pct": a.pattern.on_time_pct,
            "avg_delay_days": a.pattern.avg_delay_days,
            "trend": a.pattern.trend.name.lower(),
        },
        "last_contact_at": row.last_contact_at.isoformat(timespec="minutes")
        if row.last_contact_at
        else None,
        "last_contact_outcome": row.last_contact_outcome or None,
        "last_contact_outcome_label": label(row.last_contact_outcome)
        if row.last_contact_outcome
        else None,
        "suspended": row.suspended,
        "suspension_suggested": row.suspension_suggested,
        "prescribed_installments": row.prescribed_installments,
        "prescribed_cents": row.prescribed_cents,
    }


def aging_json(bands: tuple[AgingBand, ...]) -> list[dict[str, Any]]:
    return [
        {
            "bucket": b.bucket.value,
            "label": BUCKET_LABELS[b.bucket],
            "patients": b.patients,
            "installments": b.installments,
            "overdue_cents": b.overdue_cents,
            "updated_cents": b.updated_cents,
        }
        for b in bands
    ]


def dashboard_json(d: Dashboard) -> dict[str, Any]:
    return {
        "as_of": d.as_of,
        "receivable_cents": d.receivable_cents,
        "not_due_cents": d.not_due_cents,
        "overdue_cents": d.overdue_cents,
        "overdue_updated_cents": d.overdue_updated_cents,
        "overdue_patients": d.overdue_patients,
        "overdue_installments": d.overdue_installments,
        "prescribed_cents": d.prescribed_cents,
        "prescribed_patients": d.prescribed_patients,
        "default_rate_bp": d.default_rate_bp,
        "aging": aging_json(d.aging),
        "recovered_month_cents": d.recovered_month_cents,
        "recovered_month_payments": d.recovered_month_payments,
        "month_start": d.month_start,
        "promises_week": {
            "start": d.week_start,
            "end": d.week_end,
            "count": len(d.promises_week),
            "pending": d.promises_week_pending,
            "amount_cents": d.promises_week_cents,
            "items": [
                {
                    "patient_id": p.promise.patient_id,
                    "patient_name": p.promise.patient_name,
                    "promised_on": p.promise.promised_on,
                    "amount_cents": p.promise.amount_cents,
                    "status": p.status.value,
                }
                for p in d.promises_week
            ],
        },
        "next_90_days": {
            "expected_cents": d.expected_90_days_cents,
            "windows": [
                {"start": w.start, "end": w.end, "expected_cents": w.cents} for w in d.cash_windows
            ],
        },
        "negativacao_removals": {
            "pending": len(d.negativacao_removals),
            "overdue": d.removals_overdue,
            "items": [
                {
                    "negativacao_id": r.id,
                    "patient_id": r.patient_id,
                    "patient_name": r.patient_name,
                    "contract_id": r.contract_id,
                    "bureau": r.bureau,
                    "included_on": r.included_on,
                    "paid_on": r.countdown.paid_on,
                    "deadline": r.countdown.deadline,
                    "business_days_left": r.countdown.business_days_left,
                    "overdue": r.overdue,
                }
                for r in d.negativacao_removals
            ],
        },
    }


def cmd_report_overdue(args: argparse.Namespace) -> int:
    query = query_from(args)
    with open_services(args) as services:
        worklist = services.overdue.worklist()
    rows = worklist.select(query)
    if args.json:
        print_json([overdue_json(r) for r in rows])
        return EXIT_OK
    print(f"Inadimplentes em {format_date(worklist.as_of)} — ordem: {query.sort.value}")
    print(
        f"{'#':>4}  {'Paciente':<32}  {'Responsável':<24}  {'Venc.':<10}  {'Dias':>5}  "
        f"{'Principal':>12}  {'Atualizado':>12}  {'Segmento':<22}  {'Risco':>5}  Sinais"
    )
    for r in rows:
        payer = "" if r.payer_is_patient else r.payer_name
        print(
            f"{r.rank:>4}  {r.patient_name[:32]:<32}  {payer[:24]:<24}  "
            f"{format_date(r.oldest_due_date):<10}  {r.days_late:>5}  "
            f"{format_brl(r.overdue_cents):>12}  {format_brl(r.updated_cents):>12}  "
            f"{SEGMENT_LABELS[r.segment]:<22}  {r.score:>5}  "
            f"{', '.join(FLAG_LABELS[f] for f in r.flags)}"
        )
    t = totals(rows)
    print(
        f"{t.patients} pacientes, {t.installments} parcelas: principal "
        f"{format_brl(t.overdue_cents)}, atualizado {format_brl(t.updated_cents)}"
    )
    if t.prescribed_installments:
        print(
            f"Prescrito (não cobrável, CC art. 206 §5 I): {t.prescribed_installments} parcelas "
            f"de {t.prescribed_patients} pacientes, principal {format_brl(t.prescribed_cents)}"
        )
    return EXIT_OK


def cmd_report_aging(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        worklist = services.overdue.worklist()
    bands = worklist.aging()
    t = worklist.totals()
    if args.json:
        print_json(
            {
                "as_of": worklist.as_of,
                "buckets": aging_json(bands),
                "total": {
                    "patients": t.patients,
                    "installments": t.installments,
                    "overdue_cents": t.overdue_cents,
                    "updated_cents": t.updated_cents,
                },
                "prescribed": {
                    "patients": t.prescribed_patients,
                    "installments": t.prescribed_installments,
                    "principal_cents": t.prescribed_cents,
                },
            }
        )
        return EXIT_OK
    print(f"Envelhecimento da dívida em {format_date(worklist.as_of)}")
    print(
        f"{'Faixa':<16}  {'Pacientes':>9}  {'Parcelas':>8}  {'Principal':>14}  {'Atualizado':>14}"
    )
    for b in bands:
        print(
            f"{BUCKET_LABELS[b.bucket]:<16}  {b.patients:>9}  {b.installments:>8}  "
            f"{format_brl(b.overdue_cents):>14}  {format_brl(b.updated_cents):>14}"
        )
    print(
        f"{'Total':<16}  {t.patients:>9}  {t.installments:>8}  "
        f"{format_brl(t.overdue_cents):>14}  {format_brl(t.updated_cents):>14}"
    )
    return EXIT_OK


def cmd_report_dashboard(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        d = services.dashboard.summary()
    if args.json:
        print_json(dashboard_json(d))
        return EXIT_OK
    print(f"Painel em {format_date(d.as_of)}")
    print(f"Total a receber (principal):   {format_brl(d.receivable_cents):>16}")
    print(f"  a vencer:                    {format_brl(d.not_due_cents):>16}")
    print(
        f"Em atraso (atualizado):        {format_brl(d.overdue_updated_cents):>16}  "
        f"(principal {format_brl(d.overdue_cents)}; {d.overdue_patients} pacientes)"
    )
    print(f"Taxa de inadimplência:         {format_percent(d.default_rate_bp):>16}")
    print(
        f"Recuperado no mês:             {format_brl(d.recovered_month_cents):>16}  "
        f"({d.recovered_month_payments} pagamentos desde {format_date(d.month_start)})"
    )
    print(
        f"Promessas da semana:           {format_brl(d.promises_week_cents):>16}  "
        f"({len(d.promises_week)} de {format_date(d.week_start)} a {format_date(d.week_end)}, "
        f"{d.promises_week_pending} pendentes)"
    )
    if d.negativacao_removals:
        print(
            f"Negativações a retirar:        {len(d.negativacao_removals):>16}  "
            f"({d.removals_overdue} com o prazo vencido — Súmula 548 STJ)"
        )
    print(f"Próximos 90 dias (a vencer):   {format_brl(d.expected_90_days_cents):>16}")
    for w in d.cash_windows:
        print(f"  {format_date(w.start)} a {format_date(w.end)}:   {format_brl(w.cents):>16}")
    for b in d.aging:
        print(
            f"  {BUCKET_LABELS[b.bucket]:<16} {b.patients:>6} pacientes  "
            f"{format_brl(b.updated_cents):>16}"
        )
    return EXIT_OK


def cmd_export_overdue(args: argparse.Namespace) -> int:
    query = query_from(args)
    with open_services(args) as services:
        rows = services.overdue.worklist().select(query)
        count = services.overdue.export(args.file, rows)
    print(f"{count} pacientes exportados para {args.file}.")
    return EXIT_OK
