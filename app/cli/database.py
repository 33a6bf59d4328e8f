"""``emdia db``: where the data lives, and moving a clinic to the clinic's PostgreSQL server (or
back to a file on this PC). The same service as Configurações → Banco de dados."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from app.cli.common import EXIT_OK, NEW_PASSPHRASE_ENV, Parser, open_services, print_json
from app.services.database import PROTECTION_NEW_KEY, PROTECTION_SAME_KEY


def register(sub: Any) -> None:
    db = sub.add_parser(
        "db", help="onde estão os dados; levar a clínica para o servidor"
    ).add_subparsers(
        dest="db_command", metavar="show|check|copy|use", required=True, parser_class=Parser
    )
    show = db.add_parser("show", help="onde estão os dados e quantos registros há")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    check = db.add_parser("check", help="testa a conexão com um banco (nada é alterado)")
    check.add_argument(
        "url", metavar="URL", help="postgresql+psycopg://usuario:senha@servidor/emdia"
    )
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=cmd_check)

    copy = db.add_parser(
        "copy",
        help="copia a clínica aberta para um banco vazio (servidor ou arquivo .db)",
        description="Copia todos os dados (com os mesmos códigos) para um banco vazio, depois de "
        "criar nele as tabelas desta versão. Tudo ou nada.",
    )
    copy.add_argument("--to", required=True, metavar="URL|ARQUIVO")
    copy.add_argument("--use", action="store_true", help="passa a abrir o destino neste computador")
    copy.add_argument("--json", action="store_true")
    copy.set_defaults(handler=cmd_copy)

    use = db.add_parser("use", help="escolhe o banco que este computador abre (ou 'local')")
    use.add_argument("target", metavar="URL|ARQUIVO|local")
    use.set_defaults(handler=cmd_use)


def cmd_show(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        info = services.database.info()
    if args.json:
        print_json({**info.__dict__, "patients": info.patients})
        return EXIT_OK
    print(f"Banco de dados: {info.engine} em {info.location}")
    print(f"  {info.source}")
    print(f"Pacientes: {info.patients}")
    if info.on_server:
        print(f"Arquivo deste computador (guardado): {info.local_file}")
    print(f"Backups: {info.backup_dir}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        result = services.database.check(args.url)
    if args.json:
        print_json(
            {
                "url": result.shown,
                "server_version": result.server_version,
                "schema": result.schema,
                "head": result.head,
                "patients": result.patients,
                "empty": result.empty,
                "ready_to_use": result.ready_to_use,
            }
        )
    else:
        print(result.summary)
    return EXIT_OK


def cmd_copy(args: argparse.Namespace) -> int:
    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\rcopiando… {done}/{total}", end="", file=sys.stderr, flush=True)

    with open_services(args) as services:
        report = services.database.copy_to(
            args.to, progress, passphrase=os.environ.get(NEW_PASSPHRASE_ENV)
        )
        saved = services.database.use(args.to) if args.use else None
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        print_json(
            {
                "rows": report.rows,
                "tables": report.counts,
                "using": bool(saved),
                "encryption": report.protection or None,
                "recovery_code": report.recovery_code or None,
            }
        )
        return EXIT_OK
    print(f"Cópia concluída: {report.rows} registros em {len(report.counts)} tabelas.")
    if report.protection == PROTECTION_SAME_KEY:
        print(
            "O arquivo novo é criptografado com a MESMA chave desta clínica: a mesma frase-senha "
            "e a mesma chave de recuperação o abrem."
        )
    elif report.protection == PROTECTION_NEW_KEY:
        print(
            "O arquivo novo é criptografado com uma chave NOVA. Chave de recuperação (anote e "
            f"guarde fora da clínica; ela não será mostrada de novo): {report.recovery_code}"
        )
    if saved is not None:
        print("Este computador passa a abrir o destino a partir de agora.")
    return EXIT_OK


def cmd_use(args: argparse.Namespace) -> int:
    with open_services(args, migrate=False) as services:
        target = None if args.target.strip().lower() == "local" else args.target
        if target is not None:
            services.database.check(target)  # refuse a server that cannot be reached now
        services.database.use(target)
    print(
        "Este computador vai abrir o seu próprio arquivo de dados."
        if target is None
        else "Este computador vai abrir o banco indicado a partir do próximo início."
    )
    return EXIT_OK
