"""``emdia``: the headless face of EmDia (docs/CLI.md). Same services as the window.

Exit codes: 0 ok; 1 the input was refused (pt-BR message on stderr naming the field, nothing
written); 2 usage error; 3 unexpected internal error (details in the log file, never a traceback
on the terminal).

Each group of commands lives in its own module with a ``register(subparsers)`` function; add a
new group to ``GROUPS``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

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
from app.launch import WINDOW_COMMAND, opens_window
from app.logging_setup import configure_logging

log = logging.getLogger("emdia.cli")

# (module in app.cli, its register function), in the order ``emdia --help`` lists them. The
# modules are imported by ``build_parser``: opening the window registers only ``core`` (its
# ``gui`` command), so a double-click does not import every command's services first.
GROUPS = (
    ("core", "register"),
    ("money", "register"),
    ("reports", "register"),
    ("security", "register"),
    ("transfer", "register"),
    ("database", "register"),
    ("documents", "register"),
    ("collection", "register"),
    ("agreements", "register"),
    ("negativacao", "register"),
    ("report_kinds", "register_cash"),
    ("bank", "register"),
    ("trust", "register"),
)


def build_parser(window_only: bool = False) -> argparse.ArgumentParser:
    """The whole command line; with ``window_only``, just what opening the window parses (the
    global options and the ``core`` group, ``gui`` among its commands)."""
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
    for module, function in GROUPS[:1] if window_only else GROUPS:
        getattr(importlib.import_module(f"app.cli.{module}"), function)(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(window_only=opens_window(argv))
    args = parser.parse_args(argv)
    if args.command is None:
        from app.cli.core import cmd_gui

        args.command, args.demo = WINDOW_COMMAND, False
        args.handler = cmd_gui
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
