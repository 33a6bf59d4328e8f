"""``emdia``: the headless face of EmDia (docs/CLI.md). Same services as the window.

Exit codes: 0 ok; 1 the input was refused (pt-BR message on stderr naming the field, nothing
written); 2 usage error; 3 unexpected internal error (details in the log file, never a traceback
on the terminal).

Each group of commands lives in its own module with a ``register(subparsers)`` function; add a
new group to ``GROUPS``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from app.cli import (
    agreements,
    bank,
    collection,
    core,
    database,
    documents,
    money,
    negativacao,
    report_kinds,
    reports,
    security,
    transfer,
    trust,
)
from app.cli.common import (
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_REFUSED,
    Parser,
    config_for,
    iso_date,
    report_refusal,
)
from app.errors import EmDiaError
from app.logging_setup import configure_logging

log = logging.getLogger("emdia.cli")

GROUPS = (
    core.register,
    money.register,
    reports.register,
    security.register,
    transfer.register,
    database.register,
    documents.register,
    collection.register,
    agreements.register,
    negativacao.register,
    report_kinds.register_cash,
    bank.register,
    trust.register,
)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="emdia",
        description="EmDia — recebíveis e cobrança para clínicas. Sem comando, abre a janela.",
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help="mostra esta ajuda e sai")
    parser.add_argument("--db", metavar="PATH|URL", help="arquivo SQLite ou URL do banco")
    parser.add_argument(
        "--today", type=iso_date, metavar="AAAA-MM-DD", help="data de hoje para as regras"
    )
    parser.add_argument(
        "--user",
        metavar="USUÁRIO",
        help="quem executa (senha em EMDIA_PASSWORD ou digitada); padrão: EMDIA_USER",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMANDO", parser_class=Parser)
    for register in GROUPS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.command, args.demo = "gui", False
        args.handler = core.cmd_gui
    config = config_for(args, demo=getattr(args, "demo", False))
    log_file = configure_logging(config.log_dir)
    try:
        result: int = args.handler(args)
        return result
    except EmDiaError as exc:
        report_refusal(exc, args.command)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print("interrompido.", file=sys.stderr)
        return EXIT_REFUSED
    except BrokenPipeError:
        # The reader went away (e.g. `emdia debt ... | head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception:
        log.exception("unexpected error in `emdia %s`", args.command)
        print(
            f"erro inesperado: o EmDia não conseguiu concluir '{args.command}'. Os detalhes "
            f"foram gravados em {log_file}; envie esse arquivo ao suporte.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
