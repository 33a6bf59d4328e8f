"""Plumbing shared by every ``emdia`` command: parsing, the clock, the services, JSON output and
the one place refusals are printed."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from app.clock import Clock, FixedClock, SystemClock
from app.config import Config, load_config
from app.domain.dates import format_date
from app.domain.text import parse_int
from app.errors import EmDiaError, FieldError, LoginRefused, ValidationError
from app.security.unlock import resolve_key

if TYPE_CHECKING:
    from app.bootstrap import Services
    from app.security.keys import DataKey

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

_ARGPARSE_PT = (
    ("the following arguments are required:", "faltam argumentos obrigatórios:"),
    ("unrecognized arguments:", "argumentos não reconhecidos:"),
    ("invalid choice:", "opção inválida:"),
    ("choose from", "escolha entre"),
    ("expected one argument", "falta o valor"),
    ("invalid int value:", "número inteiro inválido:"),
    ("invalid whole_number value:", "número inválido:"),
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


def whole_number(text: str) -> int:
    """An id, a count or a limit as typed on the command line: ASCII digits that fit the
    database's 64-bit integers (``int`` alone takes ``١٢`` and numbers no column can hold)."""
    value = parse_int(text)
    if value is None:
        raise argparse.ArgumentTypeError(
            f"'{text}' não é um número inteiro de até 18 algarismos (0-9), como 12"
        )
    return value


def key_value(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"'{text}' deve ser CHAVE=VALOR, como city=Campinas")
    key, _, value = text.partition("=")
    return key.strip(), value


def clocks_for(args: argparse.Namespace) -> tuple[Clock, Clock]:
    """The rules' date (``--today`` pins it) and the computer's clock, which records evidence
    whatever ``--today`` says (app/clock.py)."""
    computer = SystemClock()
    return (FixedClock(args.today) if args.today else computer), computer


# Commands that record nothing in the clinic's database — look-ups, reports, simulations,
# exports to a file: on a real clinic they are the only ones ``--today`` may pin to a day other
# than the computer's (docs/CLI.md, "--today"). ``demo`` only ever fills an empty database with
# the demonstration clinic. A command not listed here records something, and is refused.
SIMULATIONS = frozenset(
    {
        "self-check", "demo", "debt", "messages", "audit",
        "clinic show", "patient list", "patient show", "contract show", "contract list",
        "index show", "report overdue", "report aging", "report dashboard", "user list",
        "backup verify", "backup list", "security status", "db show", "db check",
        "export patients", "export installments", "export payments", "export overdue",
        "contact history", "regua show", "agreement list", "agreement show",
        "credit-check list", "negativacao check", "negativacao list",
    }
)  # fmt: skip

PINNED_RECORD = (
    "--today {day}: numa clínica real, a data das regras só pode ser outra que a deste "
    "computador em consultas e simulações (dívida, relatórios, checklist, exportações). "
    "`emdia {command}` registra dados, e o EmDia grava a data e a hora reais: rode sem "
    "--today. Nada foi alterado."
)


def command_name(args: argparse.Namespace) -> str:
    """``payment add``, ``debt``…: the command and, for a group, its sub-command."""
    sub = next(
        (v for k, v in vars(args).items() if k.endswith("_command") and isinstance(v, str)), ""
    )
    return f"{args.command} {sub}".strip()


def pins_another_day(args: argparse.Namespace) -> bool:
    """``--today`` was given and is not the computer's own date."""
    return args.today is not None and args.today != SystemClock().today()


def refuse_pinned_records(args: argparse.Namespace, services: Services) -> None:
    """A pinned date may drive a simulation, never a record of a real clinic: evidence (an
    aviso sent, a payment, a negativação) dated by a flag would lie about when it happened. The
    demonstration clinic holds no real evidence, so there it drives everything."""
    if not pins_another_day(args) or getattr(args, "dry_run", False):
        return
    if command_name(args) in SIMULATIONS or services.clinic.get().is_demo:
        return
    raise EmDiaError(PINNED_RECORD.format(day=format_date(args.today), command=command_name(args)))


def config_for(args: argparse.Namespace, *, demo: bool = False) -> Config:
    return load_config(args.db, demo=demo)


USER_ENV, PASSWORD_ENV = "EMDIA_USER", "EMDIA_PASSWORD"
NEW_PASSWORD_ENV, NEW_PASSPHRASE_ENV = "EMDIA_NEW_PASSWORD", "EMDIA_NEW_PASSPHRASE"


def interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def prompt_secret(label: str) -> str | None:
    """Read a secret from the terminal (never echoed); ``None`` when not interactive."""
    if not interactive():
        return None
    try:
        return getpass.getpass(label, stream=sys.stderr)
    except EOFError:
        return None


def new_secret(env: str, label: str) -> str:
    """A new password/frase-senha: from ``env``, or typed twice at the terminal."""
    value = os.environ.get(env)
    if value:
        return value
    first = prompt_secret(f"{label}: ")
    if first is None:
        raise ValidationError.single(
            env, f"{label}: defina {env} ou rode em um terminal para digitá-la."
        )
    if prompt_secret(f"{label} (de novo): ") != first:
        raise ValidationError.single(env, f"{label}: as duas digitações não conferem.")
    return first


def login(args: argparse.Namespace, services: Services) -> None:
    """A database with users needs one (EMDIA_USER/EMDIA_PASSWORD or --user)."""
    if not services.users.has_users():
        return  # set-up mode: no users yet
    username = args.user or os.environ.get(USER_ENV)
    if not username:
        raise LoginRefused(
            "Este banco de dados tem usuários: informe quem executa o comando com "
            f"{USER_ENV} e {PASSWORD_ENV} (ou --user USUÁRIO e digite a senha)."
        )
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        password = prompt_secret(f"Senha de {username}: ")
    if password is None:
        raise LoginRefused(
            f"Senha de {username}: defina {PASSWORD_ENV} ou rode em um terminal para digitá-la."
        )
    services.login(username, password)


def open_key(config: Config) -> DataKey | None:
    return resolve_key(config.sqlite_path, prompt=prompt_secret if interactive() else None)


def new_clinic_key(config: Config) -> DataKey | None:
    """A clinic's database created by a command (set-up mode) is encrypted from its first
    byte, like the window's after its set-up: a new key, kept in the keyring and wrapped by
    ``EMDIA_NEW_PASSPHRASE`` when given (required where there is no keyring); the recovery key
    is printed once. ``None`` when the file already exists (or is a server)."""
    from app.bootstrap import check_location
    from app.security import unlock

    path = config.sqlite_path
    if path is None or (path.exists() and path.stat().st_size > 0):
        return None
    check_location(config)
    passphrase = os.environ.get(NEW_PASSPHRASE_ENV) or None
    try:
        unlock.check_new_passphrase(passphrase, None)
    except ValidationError as exc:  # named by the variable that fixes it, whatever the command
        raise ValidationError(
            [FieldError(NEW_PASSPHRASE_ENV, e.message) for e in exc.errors]
        ) from None
    key = unlock.new_protection(path, passphrase)
    print(
        f"Banco de dados novo, criptografado (SQLCipher, AES-256): {path}. Chave de "
        f"recuperação — anote e guarde fora da clínica, ela não será mostrada de novo: "
        f"{key.recovery_code()}",
        file=sys.stderr,
    )
    return key


@contextmanager
def open_services(
    args: argparse.Namespace,
    *,
    migrate: bool = True,
    login_required: bool = True,
    plain_if_new: bool = False,
) -> Iterator[Services]:
    """The services for this command's database — unlocked (EMDIA_PASSPHRASE, the
    keyring or a prompt), backed up and migrated first, the acting user logged in — closed
    after, whatever happens. A database that does not exist yet is created encrypted
    (``new_clinic_key``), except the demo clinic's (``plain_if_new``: fictitious people)."""
    from app.bootstrap import bootstrap

    config = config_for(args)
    rules, computer = clocks_for(args)
    new = None if plain_if_new or config.demo else new_clinic_key(config)
    try:
        key = new or open_key(config)
        services = bootstrap(config, rules, wall_clock=computer, migrate=migrate, key=key)
    except BaseException:
        if new is not None and config.sqlite_path is not None:
            _forget_new(config.sqlite_path)
        raise
    try:
        refuse_pinned_records(args, services)
        if login_required:
            login(args, services)
        yield services
    finally:
        services.close()


def _forget_new(path: Path) -> None:
    """A database that could not be created leaves neither an empty file nor its key file."""
    from app.security.keys import key_file_path

    if not path.exists() or path.stat().st_size == 0:
        path.unlink(missing_ok=True)
        key_file_path(path).unlink(missing_ok=True)


def confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not interactive():
        raise ValidationError.single("yes", f"{question} Confirme com --yes.")
    answer = input(f"{question} [s/N] ").strip().lower()
    if answer not in ("s", "sim"):
        raise EmDiaError("Cancelado; nada foi alterado.")


def json_default(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(payload: object) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=2, default=json_default))


def read_text_file(path: str, field: str, label: str) -> str:
    """A text file (UTF-8, or with a BOM) as the text a flag would carry; a file that cannot be
    read is refused naming the flag, like any other input."""
    try:
        return Path(path).expanduser().read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError.single(field, f"{label}: '{path}' não está em UTF-8.") from None
    except OSError as exc:
        raise ValidationError.single(
            field, f"{label}: não foi possível ler '{path}' ({exc.strerror})."
        ) from None


FLAG_OF_FIELD = {
    "password": NEW_PASSWORD_ENV,
    "password_confirm": NEW_PASSWORD_ENV,
    "passphrase": NEW_PASSPHRASE_ENV,
    "passphrase_confirm": NEW_PASSPHRASE_ENV,
    "backup_dir": "PASTA",
    "file": "ARQUIVO",
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
            if command == "clinic" or error.field.startswith("EMDIA_"):
                where = error.field
            else:
                where = FLAG_OF_FIELD.get(error.field, f"--{error.field.replace('_', '-')}")
            print(f"erro: {error.message} [{where}]", file=sys.stderr)
    else:
        print(f"erro: {exc.message}", file=sys.stderr)
