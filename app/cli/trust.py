"""The certificates the clinic trusts for checking electronic signatures (the gestor's):

    emdia trust add ARQUIVO(.pem|.cer|.crt|.p7b)
    emdia trust list [--json]
    emdia trust remove ID

Until a root is added every signature is reported "cadeia não verificada"; EmDia ships none.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_OK, Parser, open_services, print_json
from app.domain.dates import format_date
from app.services.trust import TrustedCertificate


def register(sub: Any) -> None:
    trust = sub.add_parser(
        "trust",
        help="certificados confiáveis para conferir assinaturas (gestor)",
        description=(
            "Certificados raiz (ICP-Brasil, gov.br) em que a clínica confia para conferir as "
            "assinaturas eletrônicas dos documentos que recebe. Baixe-os do ITI e adicione uma "
            "vez; sem eles, toda assinatura fica com a cadeia não verificada."
        ),
    )
    commands = trust.add_subparsers(
        dest="trust_command", metavar="add|list|remove", required=True, parser_class=Parser
    )
    add = commands.add_parser("add", help="adiciona os certificados de um arquivo")
    add.add_argument("file", metavar="ARQUIVO", help=".pem, .cer, .crt ou .p7b")
    add.set_defaults(handler=cmd_add)
    listing = commands.add_parser("list", help="lista os certificados confiáveis")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)
    remove = commands.add_parser("remove", help="deixa de confiar em um certificado")
    remove.add_argument("id", type=int, metavar="ID")
    remove.set_defaults(handler=cmd_remove)


def cmd_add(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        result = services.trust.add(Path(args.file))
    for cert in result.added:
        print(f"adicionado {cert.id}, {cert.role_label}: {cert.subject}")
    for cert in result.already:
        print(f"já estava na lista {cert.id}: {cert.subject}")
    print(result.message)
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        certificates = services.trust.list()
    if args.json:
        print_json([_as_json(c) for c in certificates])
        return EXIT_OK
    if not certificates:
        print("Nenhum certificado confiável: as assinaturas ficam com a cadeia não verificada.")
    for c in certificates:
        print(
            f"{c.id}  {c.role_label}  {c.subject}  válido até {format_date(c.not_after.date())}  "
            f"SHA-256 {c.sha256}"
        )
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        removed = services.trust.remove(args.id)
    print(f"removido {removed.id}: {removed.subject}")
    return EXIT_OK


def _as_json(c: TrustedCertificate) -> dict[str, Any]:
    return {
        "id": c.id,
        "subject": c.subject,
        "issuer": c.issuer,
        "sha256": c.sha256,
        "is_root": c.is_root,
        "not_before": c.not_before.date(),
        "not_after": c.not_after.date(),
        "added_at": c.added_at.isoformat(timespec="seconds"),
    }
