"""Negativação commands (gestor; ``check`` and ``list`` also for recepção):

emdia negativacao check --contract ID [--json]        exit 0 ready, 1 not ready
emdia negativacao include --contract ID --bureau spc|serasa|boa_vista|outro --date AAAA-MM-DD
                          [--protocol P] [--json]
emdia negativacao remove --negativacao ID [--date AAAA-MM-DD] [--reason ..] [--json]
emdia negativacao list [--pending-removal] [--json]
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    FLAG_OF_FIELD,
    Parser,
    open_services,
    print_json,
    whole_number,
)
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.domain.negativacao import Bureau
from app.services.negativacao import InclusionForm, RemovalForm, describe

FLAG_OF_FIELD.update(
    {"bureau": "--bureau", "checklist": "checklist", "negativacao": "--negativacao"}
)


def register(sub: Any) -> None:
    group = sub.add_parser(
        "negativacao", help="negativação: checklist, inclusão, retirada (gestor)"
    ).add_subparsers(
        dest="negativacao_command",
        metavar="check|include|remove|list",
        required=True,
        parser_class=Parser,
    )
    check = group.add_parser(
        "check",
        help="checklist antes de negativar (saída 0: pode; 1: não pode, com os motivos)",
    )
    check.add_argument("--contract", type=whole_number, required=True, metavar="ID")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=cmd_check)
    include = group.add_parser(
        "include", help="registra a inclusão no birô (recusada se o checklist falhar)"
    )
    include.add_argument("--contract", type=whole_number, required=True, metavar="ID")
    include.add_argument("--bureau", required=True, choices=[b.value for b in Bureau])
    include.add_argument("--date", required=True, metavar="AAAA-MM-DD", help="data da inclusão")
    include.add_argument("--protocol", default="", metavar="P", help="protocolo do birô")
    include.add_argument("--json", action="store_true")
    include.set_defaults(handler=cmd_include)
    remove = group.add_parser("remove", help="registra a retirada (Súmula 548 STJ)")
    remove.add_argument("--negativacao", type=whole_number, required=True, metavar="ID")
    remove.add_argument("--date", default="", metavar="AAAA-MM-DD", help="padrão: hoje")
    remove.add_argument(
        "--reason", default="", help="padrão: pagamento integral (quando a dívida foi paga)"
    )
    remove.add_argument("--json", action="store_true")
    remove.set_defaults(handler=cmd_remove)
    listing = group.add_parser("list", help="negativações (ativas, a retirar, retiradas)")
    listing.add_argument(
        "--pending-removal", action="store_true", help="só as pagas ainda não retiradas"
    )
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)


def cmd_check(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        [check] = services.negativacao.check(contract_id=args.contract)
    if args.json:
        print_json(check.as_json())
    else:
        r = check.readiness
        print(
            f"Contrato {check.contract_id} — devedor(a) {check.debtor_name}; valor atualizado em "
            f"{format_date(check.as_of)}: {format_brl(r.amount_cents)}"
        )
        for item in r.items:
            print(f"  [{'ok' if item.ok else 'X '}] {item.label}: {item.why}")
        print("Pode negativar." if check.ready else "Ainda não pode negativar.")
    if not check.ready:
        for item in check.readiness.failing:
            print(f"erro: {item.label}: {item.why}.", file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK


def cmd_include(args: argparse.Namespace) -> int:
    form = InclusionForm(args.contract, args.bureau, args.date, args.protocol)
    with open_services(args) as services:
        view = services.negativacao.include(form)
    if args.json:
        print_json(view.as_json())
    else:
        print(f"Negativação registrada: {describe(view)}")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    form = RemovalForm(args.negativacao, args.date, args.reason)
    with open_services(args) as services:
        view = services.negativacao.remove(form)
    if args.json:
        print_json(view.as_json())
    else:
        print(f"Retirada registrada: {describe(view)} ({view.row.removal_reason})")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        views = services.negativacao.list(pending_removal=args.pending_removal)
    if args.json:
        print_json([v.as_json() for v in views])
        return EXIT_OK
    if not views:
        print("Nenhuma negativação" + (" a retirar." if args.pending_removal else "."))
    for view in views:
        print(describe(view))
    return EXIT_OK
