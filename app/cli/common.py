"""Plumbing shared by every ``emdia`` command: parsing, the clock, the services, JSON output and
the one place refusals are printed."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import date
from typing import TYPE_CHECKING, NoReturn

from app.clock import Clock, FixedClock, SystemClock
from app.config import Config, load_config
from app.errors import EmDiaError, ValidationError

if TYPE_CHECKING:
    from app.bootstrap import Services

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

_ARGPARSE_PT = (
    ("the following arguments are required:", "faltam argumentos obrigatórios:"),
    ("unrecognized arguments:", "argumentos não reconhecidos:"),
    ("invalid choice:", "opção inválida:"),
    ("choose from", "escolha entre"),
    ("expected one argument", "falta o valor"),
    ("invalid int value:", "número inteiro inválido:"),
    ("argument ", "argumento "),
    ("usage:", "uso:"),
)


class Parser(argparse.ArgumentParser):
    """argparse with pt-BR usage errors (exit 2)."""

    def error(self, message: str) -> NoReturn:
        for en, pt in _ARGPARSE_PT:
            message = message.replace(en, pt)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: erro de uso: {message}\n")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "uso:", 1)

    def format_help(self) -> str:
        text = super().format_help().replace("usage:", "uso:", 1)
        return text.replace("options:", "opções:").replace("positional arguments:", "argumentos:")


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' não é uma data no formato AAAA-MM-DD (ex.: 2026-03-31)"
        ) from None


def key_value(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"'{text}' deve ser CHAVE=VALOR, como city=Campinas")
    key, _, value = text.partition("=")
    return key.strip(), value


def clock_for(args: argparse.Namespace) -> Clock:
    return FixedClock(args.today) if args.today else SystemClock()


def config_for(args: argparse.Namespace, *, demo: bool = False) -> Config:
    return load_config(args.db, demo=demo)


@contextmanager
def open_services(args: argparse.Namespace, *, migrate: bool = True) -> Iterator[Services]:
    """The services for this command's database (backed up and migrated first), closed after."""
    from app.bootstrap import bootstrap

    services = bootstrap(config_for(args), clock_for(args), migrate=migrate)
    try:
        yield services
    finally:
        services.close()


def json_default(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(payload: object) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=2, default=json_default))


FLAG_OF_FIELD = {
    "birth_date": "--birth-date",
    "phone_alt": "--phone-alt",
    "zip_code": "--zip-code",
    "responsible_cpf": "--responsible-cpf",
    "responsible_name": "--responsible-name",
    "responsible_phone": "--responsible-phone",
    "responsible_email": "--responsible-email",
}


def report_refusal(exc: EmDiaError, command: str | None) -> None:
    if isinstance(exc, ValidationError):
        for error in exc.errors:
            where = (
                error.field
                if command == "clinic"
                else FLAG_OF_FIELD.get(error.field, f"--{error.field.replace('_', '-')}")
            )
            print(f"erro: {error.message} [{where}]", file=sys.stderr)
    else:
        print(f"erro: {exc.message}", file=sys.stderr)
