"""Conciliação bancária (docs/CLI.md, "bank"): the bank statement (OFX) imported and its credits
registered as payments — the same service as Cobrança → Conciliação bancária.

emdia bank import FILE.ofx [--dry-run] [--json] [--register-certain]
emdia bank pending [--json]
emdia bank match --fitid ID --contract N [--installment K] [--account N] [--json]
emdia bank ignore --fitid ID [--reason T] [--account N]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_OK, FLAG_OF_FIELD, Parser, open_services, print_json
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.domain.reconciliation import STATUS_LABELS, MatchStatus, installment_words
from app.services.bank import BankImport, BankLine

FLAG_OF_FIELD.update({"fitid": "--fitid"})


def register(sub: Any) -> None:
    group = sub.add_parser(
        "bank", help="conciliação bancária: extrato OFX do banco → pagamentos"
    ).add_subparsers(
        dest="bank_command",
        metavar="import|pending|match|ignore",
        required=True,
        parser_class=Parser,
    )
    imp = group.add_parser("import", help="lê o extrato (OFX), guarda os créditos e os associa")
    imp.add_argument("file", type=Path, metavar="ARQUIVO.ofx")
    imp.add_argument("--dry-run", action="store_true", help="só mostra; não grava nada")
    imp.add_argument(
        "--register-certain", action="store_true", help="registra já os créditos certos"
    )
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=cmd_import)
    pending = group.add_parser("pending", help="créditos importados ainda sem registro")
    pending.add_argument("--json", action="store_true")
    pending.set_defaults(handler=cmd_pending)
    match = group.add_parser("match", help="registra um crédito como pagamento de um contrato")
    match.add_argument("--fitid", required=True, metavar="ID", help="identificador do banco")
    match.add_argument("--contract", type=int, required=True, metavar="N")
    match.add_argument("--installment", type=int, metavar="K", help="a parcela que ele paga")
    match.add_argument("--account", type=int, metavar="N", help="a conta, se o FITID se repete")
    match.add_argument("--json", action="store_true")
    match.set_defaults(handler=cmd_match)
    ignore = group.add_parser("ignore", help="marca um crédito como não sendo de paciente")
    ignore.add_argument("--fitid", required=True, metavar="ID")
    ignore.add_argument("--reason", default="", metavar="TEXTO")
    ignore.add_argument("--account", type=int, metavar="N")
    ignore.set_defaults(handler=cmd_ignore)


def line_json(line: BankLine) -> dict[str, Any]:
    """One statement line (docs/CLI.md): codes, ISO dates, money in ``*_cents``."""
    return {
        "fitid": line.fitid,
        "date": line.posted_on,
        "amount_cents": line.amount_cents,
        "memo": line.memo,
        "payer_name": line.payer_name,
        "payer_document": line.payer_document,
        "status": line.status.value,
        "contract_id": line.contract_id,
        "installment_number": line.installment_number,
        "patient_id": line.patient_id,
        "payment_id": line.payment_id,
        "reason": line.reason,
        "candidates": [
            {
                "contract_id": c.contract_id,
                "installment_number": c.installment_number,
                "patient_id": c.patient_id,
                "score": c.score,
                "reason": c.reason,
            }
            for c in line.candidates
        ],
    }


def import_json(result: BankImport) -> dict[str, Any]:
    return {
        "file": result.file,
        "account": {
            "id": result.account_id,
            "bank_id": result.account.bank_id,
            "branch_id": result.account.branch_id,
            "account_id": result.account.account_id,
            "label": result.account.label,
        },
        "period": {"start": result.start, "end": result.end},
        "dry_run": result.dry_run,
        "transactions": [line_json(line) for line in result.lines],
    }


def print_lines(lines: list[BankLine] | tuple[BankLine, ...]) -> None:
    for line in lines:
        who = f" — {line.best.patient_name}" if line.best and line.best.patient_name else ""
        target = ""
        if line.contract_id is not None:
            parcel = installment_words(line.installment_number)
            parcel = f" {parcel}" if parcel else ""
            target = f" → contrato {line.contract_id}{parcel}{who}"
        print(
            f"{format_date(line.posted_on)}  {format_brl(line.amount_cents):>14}  "
            f"{STATUS_LABELS[line.status]:<12}  {line.fitid}  {line.payer_name or line.memo}"
            f"{target}"
        )
        if line.reason and line.status is not MatchStatus.DEBIT:
            print(f"{'':42}{line.reason}")


def cmd_import(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        result = services.bank.import_statement(
            args.file, dry_run=args.dry_run, register_certain=args.register_certain
        )
    if args.json:
        print_json(import_json(result))
        return EXIT_OK
    period = f"{format_date(result.start)} a {format_date(result.end)}"
    print(f"{result.file}: {result.account.label}, {period}")
    print_lines(result.lines)
    dry = " Nada foi gravado (--dry-run)." if result.dry_run else ""
    print(f"Resumo: {result.summary}.{dry}")
    return EXIT_OK


def cmd_pending(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        lines = services.bank.pending()
    if args.json:
        print_json([line_json(line) for line in lines])
    elif lines:
        print_lines(lines)
    else:
        print("Nenhum crédito aguardando registro.")
    return EXIT_OK


def cmd_match(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        line = services.bank.match(args.fitid, args.contract, args.installment, args.account)
    if args.json:
        print_json(line_json(line))
    else:
        print(
            f"Crédito {line.fitid} de {format_brl(line.amount_cents)} em "
            f"{format_date(line.posted_on)}: {line.reason}."
        )
    return EXIT_OK


def cmd_ignore(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        services.bank.ignore_fitid(args.fitid, args.reason, args.account)
    print(f"Crédito {args.fitid} ignorado: não aparece mais na conciliação.")
    return EXIT_OK
