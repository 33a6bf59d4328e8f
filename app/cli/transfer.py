"""Spreadsheets in and out: ``emdia import patients|contracts|payments FILE [--dry-run]`` and
``emdia export patients|installments|payments FILE(.csv|.xlsx)`` (docs/CLI.md).

An import with any refused line exits 1, explains every such line on stderr (``linha 14, coluna
vencimento: …``) and writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    FLAG_OF_FIELD,
    Parser,
    key_value,
    open_services,
    print_json,
)
from app.cli.reports import add_export_overdue
from app.domain.importing import mapping_from_names, normalize_header
from app.domain.layouts import LAYOUTS, describe_created, format_count
from app.services.transfer import EXPORTS, ImportReport

IMPORT_KINDS = tuple(LAYOUTS)
EXPORT_METAVAR = "|".join(("overdue", *EXPORTS))
_DELIMITERS = {";": ";", ",": ",", "tab": "\t"}
FLAG_OF_FIELD["file"] = "ARQUIVO"


def register(sub: Any) -> None:
    imp = sub.add_parser(
        "import",
        help="importa pacientes, contratos (com parcelas) ou pagamentos de uma planilha",
        description=(
            "Lê CSV (; ou ,  — UTF-8, UTF-8 com BOM ou Windows-1252) ou XLSX. Tudo ou nada: se "
            "alguma linha tiver problema, cada uma é explicada e nada é gravado."
        ),
    )
    imp.add_argument("kind", choices=IMPORT_KINDS, metavar="|".join(IMPORT_KINDS))
    imp.add_argument("file", type=Path, metavar="ARQUIVO")
    imp.add_argument(
        "--dry-run", action="store_true", help="só confere e mostra o que faria; não grava nada"
    )
    imp.add_argument(
        "--confirm-duplicates",
        action="store_true",
        help="pagamentos: linhas iguais (contrato, data, valor) são pagamentos diferentes",
    )
    imp.add_argument(
        "--map",
        action="append",
        type=key_value,
        default=[],
        metavar="CAMPO=COLUNA",
        help="corrige o mapeamento: campo do EmDia = título (ou letra) da coluna; vazio ignora",
    )
    imp.add_argument(
        "--encoding", choices=("utf-8", "windows-1252", "utf-16"), help="padrão: detecta"
    )
    imp.add_argument("--delimiter", choices=tuple(_DELIMITERS), help="padrão: detecta")
    imp.add_argument(
        "--template", action="store_true", help="grava em ARQUIVO o modelo da planilha e sai"
    )
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=cmd_import)

    # One `export` group: patients/installments/payments here, the overdue worklist from reports.
    exp = sub.add_parser(
        "export", help="exporta para planilha CSV (;, UTF-8 com BOM) ou XLSX"
    ).add_subparsers(
        dest="export_command", metavar=EXPORT_METAVAR, required=True, parser_class=Parser
    )
    for kind, spec in EXPORTS.items():
        one = exp.add_parser(kind, help=spec.title)
        one.add_argument("file", type=Path, metavar="ARQUIVO.csv|.xlsx")
        one.add_argument("--json", action="store_true")
        one.set_defaults(handler=cmd_export, kind=kind)
    add_export_overdue(exp)


def report_json(report: ImportReport) -> dict[str, Any]:
    return {
        "kind": report.kind,
        "file": report.file,
        "dry_run": report.dry_run,
        "written": report.written,
        "source": {
            "format": report.source.format,
            "encoding": report.source.encoding,
            "delimiter": report.source.delimiter,
            "sheet": report.source.sheet,
        },
        "warnings": list(report.source.warnings),
        "columns": dict(report.columns),
        "ignored_columns": list(report.ignored_columns),
        "rows": report.rows,
        "created": dict(report.created),
        "skipped": [{"lines": list(s.lines), "reason": s.reason} for s in report.skipped],
        "errors": [
            {
                "line": e.line,
                "column": e.column,
                "field": e.field,
                "value": e.value,
                "message": str(e),
            }
            for e in report.errors
        ],
    }


def cmd_import(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        transfer = services.transfer
        if args.template:
            transfer.write_template(args.kind, args.file)
            print(f"Modelo de {LAYOUTS[args.kind].title.lower()} gravado em {args.file}.")
            return EXIT_OK
        table = transfer.read(
            args.file,
            encoding=args.encoding,
            delimiter=_DELIMITERS[args.delimiter] if args.delimiter else None,
        )
        mapping = mapping_from_names(LAYOUTS[args.kind].fields, table, dict(args.map))
        report = transfer.run(
            args.kind,
            table,
            mapping,
            dry_run=args.dry_run,
            file_name=args.file.name,
            confirm_duplicates=args.confirm_duplicates,
        )
    if args.json:
        print_json(report_json(report))
    else:
        _print_report(report)
    for error in report.errors:
        print(f"erro: {error}", file=sys.stderr)
    if report.errors:
        lines = len(report.error_lines())
        print(
            f"erro: nada foi gravado — {format_count(lines)} linha(s) de {report.file} com "
            "problema; corrija a planilha e importe de novo.",
            file=sys.stderr,
        )
        if report.has_duplicates:
            print(
                "Se as linhas repetidas são pagamentos diferentes, importe de novo com "
                "--confirm-duplicates.",
                file=sys.stderr,
            )
        return EXIT_REFUSED
    return EXIT_OK


def _print_report(report: ImportReport) -> None:
    if report.dry_run:
        print("Simulação (--dry-run): nada foi gravado.")
    print(f"Arquivo: {report.file} — {report.source.describe()}.")
    for warning in report.source.warnings:
        print(f"atenção: {warning}")
    headers = {spec.key: spec.header for spec in LAYOUTS[report.kind].fields}
    mapped = ", ".join(
        column if normalize_header(column) == normalize_header(headers[key]) else
        f"{column} ({headers[key]})"
        for key, column in report.columns.items()
    )  # fmt: skip
    print(f"Colunas usadas: {mapped}.")
    if report.ignored_columns:
        print(f"Colunas não usadas: {', '.join(report.ignored_columns)}.")
    created = describe_created(dict(report.created))
    if report.written:
        verb = "Importado"
    elif report.dry_run and report.ok:
        verb = "Seria importado"
    else:
        verb = "Seria importado (se não houvesse erros)"
    print(f"{format_count(report.rows)} linha(s) lida(s). {verb}: {created}.")
    if report.skipped:
        count = sum(len(s.lines) for s in report.skipped)
        print(f"{format_count(count)} linha(s) ignorada(s), já estavam no EmDia:")
        for skip in report.skipped:
            print(f"  {skip}")


def cmd_export(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        count = services.transfer.export(args.kind, args.file)
    if args.json:
        print_json({"kind": args.kind, "file": str(args.file), "rows": count})
    else:
        title = EXPORTS[args.kind].title.lower()
        print(f"{format_count(count)} linha(s) de {title} exportada(s) para {args.file}.")
    return EXIT_OK
