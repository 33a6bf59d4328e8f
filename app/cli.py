"""``emdia``: the headless face of EmDia (DESIGN.md §11). Same services as the window.

Exit codes: 0 ok; 1 the input was refused (pt-BR message on stderr naming the field, nothing
written); 2 usage error; 3 unexpected internal error (details in the log file, never a traceback
on the terminal).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import importlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date
from typing import Any, NoReturn

from app.clock import Clock, FixedClock, SystemClock
from app.config import Config, load_config
from app.domain.clinic import CLINIC_KEYS, ClinicInfo, display_values
from app.domain.identity import format_cpf, format_phone
from app.domain.patients import PatientForm, ResponsibleForm
from app.errors import EmDiaError, LoginRefused, ValidationError
from app.logging_setup import configure_logging
from app.security.unlock import PASSPHRASE_ENV, resolve_key

log = logging.getLogger("emdia.cli")

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


class _Parser(argparse.ArgumentParser):
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


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' não é uma data no formato AAAA-MM-DD (ex.: 2026-03-31)"
        ) from None


def _key_value(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"'{text}' deve ser CHAVE=VALOR, como city=Campinas")
    key, _, value = text.partition("=")
    return key.strip(), value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="emdia",
        description="EmDia — recebíveis e cobrança para clínicas. Sem comando, abre a janela.",
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help="mostra esta ajuda e sai")
    parser.add_argument("--db", metavar="PATH|URL", help="arquivo SQLite ou URL do banco")
    parser.add_argument(
        "--today", type=_iso_date, metavar="AAAA-MM-DD", help="data de hoje para as regras"
    )
    parser.add_argument(
        "--user",
        metavar="USUÁRIO",
        help="quem executa (senha em EMDIA_PASSWORD ou digitada); padrão: EMDIA_USER",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMANDO", parser_class=_Parser)

    gui = sub.add_parser("gui", help="abre a janela (padrão)")
    gui.add_argument("--demo", action="store_true", help="abre a clínica de demonstração")
    gui.set_defaults(handler=cmd_gui)

    check = sub.add_parser("self-check", help="versões, banco de dados e esquema")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=cmd_self_check)

    demo = sub.add_parser("demo", help="cria uma clínica de demonstração (banco vazio)")
    demo.add_argument("--patients", type=int, default=200, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="N")
    demo.set_defaults(handler=cmd_demo)

    clinic = sub.add_parser("clinic", help="dados da clínica").add_subparsers(
        dest="clinic_command", metavar="show|set", required=True, parser_class=_Parser
    )
    show = clinic.add_parser("show", help="mostra os dados da clínica")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_clinic_show)
    clinic_set = clinic.add_parser(
        "set",
        help="altera campos: " + " ".join(CLINIC_KEYS),
        description="Campos: " + ", ".join(CLINIC_KEYS),
    )
    clinic_set.add_argument("pairs", nargs="+", type=_key_value, metavar="CHAVE=VALOR")
    clinic_set.set_defaults(handler=cmd_clinic_set)

    patient = sub.add_parser("patient", help="pacientes").add_subparsers(
        dest="patient_command", metavar="add|list|show", required=True, parser_class=_Parser
    )
    add = patient.add_parser("add", help="cadastra um paciente")
    add.add_argument("--name", required=True)
    add.add_argument("--cpf", default="")
    add.add_argument("--birth-date", default="", metavar="DD/MM/AAAA")
    add.add_argument("--phone", default="")
    add.add_argument("--whatsapp", action="store_true", help="o telefone tem WhatsApp")
    add.add_argument("--phone-alt", default="")
    add.add_argument("--email", default="")
    for flag in ("street", "number", "complement", "district", "city", "state", "zip-code"):
        add.add_argument(f"--{flag}", default="")
    add.add_argument("--responsible-cpf", default="")
    add.add_argument("--responsible-name", default="")
    add.add_argument("--responsible-phone", default="")
    add.add_argument(
        "--opt-out",
        action="append",
        default=[],
        choices=["whatsapp", "sms", "email", "phone"],
        help="canal que o paciente pediu para não usar (repetível)",
    )
    add.add_argument("--notes", default="")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=cmd_patient_add)

    lst = patient.add_parser("list", help="lista/busca pacientes")
    lst.add_argument("--search", default="", help="nome, CPF ou telefone")
    lst.add_argument("--limit", type=int, default=50)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_patient_list)

    pshow = patient.add_parser("show", help="mostra um paciente")
    pshow.add_argument("patient_id", type=int, metavar="ID")
    pshow.add_argument("--json", action="store_true")
    pshow.set_defaults(handler=cmd_patient_show)

    pexport = patient.add_parser("export", help="exporta tudo sobre um paciente (LGPD, JSON)")
    pexport.add_argument("patient_id", type=int, metavar="ID")
    pexport.add_argument("--out", required=True, metavar="ARQUIVO.json")
    pexport.set_defaults(handler=cmd_patient_export)

    panon = patient.add_parser("anonymize", help="anonimiza um paciente (LGPD)")
    panon.add_argument("patient_id", type=int, metavar="ID")
    panon.add_argument("--yes", action="store_true", help="confirma (não pergunta)")
    panon.set_defaults(handler=cmd_patient_anonymize)

    _add_user_commands(sub)
    _add_backup_commands(sub)
    _add_security_commands(sub)
    return parser


def _add_user_commands(sub: Any) -> None:
    user = sub.add_parser("user", help="usuários e perfis").add_subparsers(
        dest="user_command",
        metavar="add|list|set|passwd|unlock",
        required=True,
        parser_class=_Parser,
    )
    roles = ["recepcao", "gestor", "admin"]
    add = user.add_parser(
        "add",
        help="cadastra um usuário (senha em EMDIA_NEW_PASSWORD ou digitada)",
    )
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=roles)
    add.add_argument("--full-name", default="")
    add.set_defaults(handler=cmd_user_add)
    lst = user.add_parser("list", help="lista os usuários")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_user_list)
    upd = user.add_parser("set", help="altera nome, perfil ou ativo")
    upd.add_argument("--username", required=True)
    upd.add_argument("--role", choices=roles)
    upd.add_argument("--full-name")
    upd.add_argument("--active", choices=["sim", "nao"])
    upd.set_defaults(handler=cmd_user_set)
    pwd = user.add_parser("passwd", help="define nova senha (EMDIA_NEW_PASSWORD ou digitada)")
    pwd.add_argument("--username", required=True)
    pwd.set_defaults(handler=cmd_user_passwd)
    unl = user.add_parser("unlock", help="desbloqueia após tentativas erradas")
    unl.add_argument("--username", required=True)
    unl.set_defaults(handler=cmd_user_unlock)

    audit = sub.add_parser("audit", help="registro de auditoria (gestor)")
    audit.add_argument("--username", default="", help="só as ações deste usuário")
    audit.add_argument("--text", default="", help="parte da ação, ex.: clinic, user, patient")
    audit.add_argument("--since", type=_iso_date, metavar="AAAA-MM-DD")
    audit.add_argument("--until", type=_iso_date, metavar="AAAA-MM-DD")
    audit.add_argument("--limit", type=int, default=100)
    audit.add_argument("--json", action="store_true")
    audit.set_defaults(handler=cmd_audit)


def _add_backup_commands(sub: Any) -> None:
    backup = sub.add_parser("backup", help="backups verificados").add_subparsers(
        dest="backup_command",
        metavar="create|verify|restore|list|folder",
        required=True,
        parser_class=_Parser,
    )
    create = backup.add_parser("create", help="faz um backup verificado agora")
    create.add_argument("dir", nargs="?", metavar="PASTA", help="padrão: a pasta configurada")
    create.add_argument("--json", action="store_true")
    create.set_defaults(handler=cmd_backup_create)
    verify = backup.add_parser("verify", help="verifica um backup e mostra o que ele contém")
    verify.add_argument("file", metavar="ARQUIVO")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=cmd_backup_verify)
    restore = backup.add_parser("restore", help="restaura um backup (mostra antes o conteúdo)")
    restore.add_argument("file", metavar="ARQUIVO")
    restore.add_argument("--yes", action="store_true", help="confirma (não pergunta)")
    restore.set_defaults(handler=cmd_backup_restore)
    lst = backup.add_parser("list", help="backups na pasta configurada")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_backup_list)
    folder = backup.add_parser("folder", help="escolhe a pasta dos backups automáticos")
    folder.add_argument("dir", metavar="PASTA")
    folder.set_defaults(handler=cmd_backup_folder)


def _add_security_commands(sub: Any) -> None:
    sec = sub.add_parser("security", help="criptografia do banco").add_subparsers(
        dest="security_command",
        metavar="status|encrypt|passphrase",
        required=True,
        parser_class=_Parser,
    )
    status = sec.add_parser("status", help="o banco é criptografado? onde está a chave?")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_security_status)
    enc = sec.add_parser(
        "encrypt",
        help="criptografa este banco (frase-senha em EMDIA_NEW_PASSPHRASE ou digitada)",
    )
    enc.set_defaults(handler=cmd_security_encrypt)
    pas = sec.add_parser("passphrase", help="cria ou troca a frase-senha do banco")
    pas.set_defaults(handler=cmd_security_passphrase)


# --- plumbing -----------------------------------------------------------------------------


def _clock(args: argparse.Namespace) -> Clock:
    return FixedClock(args.today) if args.today else SystemClock()


def _config(args: argparse.Namespace, *, demo: bool = False) -> Config:
    return load_config(args.db, demo=demo)


USER_ENV, PASSWORD_ENV = "EMDIA_USER", "EMDIA_PASSWORD"
NEW_PASSWORD_ENV, NEW_PASSPHRASE_ENV = "EMDIA_NEW_PASSWORD", "EMDIA_NEW_PASSPHRASE"


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _prompt_secret(label: str) -> str | None:
    """Read a secret from the terminal (never echoed); ``None`` when not interactive."""
    if not _interactive():
        return None
    try:
        return getpass.getpass(label, stream=sys.stderr)
    except EOFError:
        return None


def _new_secret(env: str, label: str) -> str:
    """A new password/frase-senha: from ``env``, or typed twice at the terminal."""
    value = os.environ.get(env)
    if value:
        return value
    first = _prompt_secret(f"{label}: ")
    if first is None:
        raise ValidationError.single(
            env, f"{label}: defina {env} ou rode em um terminal para digitá-la."
        )
    if _prompt_secret(f"{label} (de novo): ") != first:
        raise ValidationError.single(env, f"{label}: as duas digitações não conferem.")
    return first


def _login(args: argparse.Namespace, services: Any) -> None:
    """DESIGN.md §11: a database with users needs one (EMDIA_USER/EMDIA_PASSWORD or --user)."""
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
        password = _prompt_secret(f"Senha de {username}: ")
    if password is None:
        raise LoginRefused(
            f"Senha de {username}: defina {PASSWORD_ENV} ou rode em um terminal para digitá-la."
        )
    services.login(username, password)


def _open_key(config: Config) -> Any:
    return resolve_key(config.sqlite_path, prompt=_prompt_secret if _interactive() else None)


@contextlib.contextmanager
def _opened(args: argparse.Namespace) -> Iterator[Any]:
    """Services for one command (key, login), closed afterwards whatever happens."""
    services = _services(args)
    try:
        yield services
    finally:
        services.close()


def _services(args: argparse.Namespace, *, login: bool = True) -> Any:
    from app.bootstrap import bootstrap

    config = _config(args)
    services = bootstrap(config, _clock(args), key=_open_key(config))
    if login:
        try:
            _login(args, services)
        except BaseException:
            services.close()
            raise
    return services


def _json_default(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _print_json(payload: object) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=2, default=_json_default))


_FLAG_OF_FIELD = {
    "password": NEW_PASSWORD_ENV,
    "password_confirm": NEW_PASSWORD_ENV,
    "passphrase": NEW_PASSPHRASE_ENV,
    "passphrase_confirm": NEW_PASSPHRASE_ENV,
    "backup_dir": "PASTA",
    "file": "ARQUIVO",
    "patient": "ID",
    "birth_date": "--birth-date",
    "phone_alt": "--phone-alt",
    "zip_code": "--zip-code",
    "responsible_cpf": "--responsible-cpf",
    "responsible_name": "--responsible-name",
    "responsible_phone": "--responsible-phone",
    "responsible_email": "--responsible-email",
}


def _report_refusal(exc: EmDiaError, command: str | None) -> None:
    if isinstance(exc, ValidationError):
        for error in exc.errors:
            if command == "clinic" or error.field.startswith("EMDIA_"):
                where = error.field
            else:
                where = _FLAG_OF_FIELD.get(error.field, f"--{error.field.replace('_', '-')}")
            print(f"erro: {error.message} [{where}]", file=sys.stderr)
    else:
        print(f"erro: {exc.message}", file=sys.stderr)


# --- commands -----------------------------------------------------------------------------


def cmd_gui(args: argparse.Namespace) -> int:
    # The window lives in the ``ui`` package; ``app`` never imports Qt at module level, so the
    # CLI stays usable on a machine without a display (DESIGN.md non-negotiable 2).
    run_gui: Callable[..., int] = importlib.import_module("ui.main").run_gui
    return run_gui(_config(args, demo=args.demo), _clock(args))


def cmd_self_check(args: argparse.Namespace) -> int:
    from app.persistence.db import make_engine
    from app.services.health import check

    config = _config(args)
    key_problem = None
    try:
        key = _open_key(config)
    except EmDiaError as exc:
        key, key_problem = None, exc.message
    engine = make_engine(config.db_url, key)
    try:
        report = check(config, engine, key_problem=key_problem)
    finally:
        engine.dispose()
    if args.json:
        _print_json(report.as_dict())
    else:
        print(f"EmDia {report.emdia_version} (Python {report.python_version})")
        for name, ver in report.packages.items():
            print(f"  {name}: {ver}")
        print(f"Banco de dados: {report.database}")
        print(f"Esquema: {report.schema_current or 'nenhum'} (atual: {report.schema_head})")
        print(f"Integridade: {report.integrity}")
        print(f"Criptografado: {'sim' if report.encrypted else 'não'}")
        if report.patients is not None:
            print(f"Pacientes: {report.patients}")
        print(f"Pasta de dados: {report.data_dir}")
        print(f"Registros (log): {report.log_dir}")
        for problem in report.problems:
            print(f"problema: {problem}", file=sys.stderr)
        print("Tudo certo." if report.healthy else "Há problemas (veja acima).")
    return EXIT_OK if report.healthy else EXIT_REFUSED


def cmd_demo(args: argparse.Namespace) -> int:
    services = _services(args, login=False)  # demo refuses any database that has data
    try:
        report = services.demo.create(patients=args.patients, seed=args.seed)
    finally:
        services.close()
    print(
        f"Clínica de demonstração criada: {report.patients} pacientes e "
        f"{report.responsibles} responsáveis financeiros (semente {report.seed})."
    )
    print(
        f"Usuários: {', '.join(report.users)} — todos com a senha '{report.password}' "
        f"(ex.: {USER_ENV}=admin {PASSWORD_ENV}={report.password} emdia ...)."
    )
    return EXIT_OK


def _clinic_as_cli(info: ClinicInfo) -> dict[str, Any]:
    """JSON of ``clinic show``: the ``clinic set`` keys with stored (unmasked) values."""
    shown = display_values(info)
    return {
        **{key: getattr(info, spec.attr) for key, spec in CLINIC_KEYS.items()},
        "fine_percent": shown["fine_percent"],
        "interest_monthly_percent": shown["interest_monthly_percent"],
        "fine_bp": info.fine_bp,
        "interest_monthly_bp": info.interest_monthly_bp,
        "is_demo": info.is_demo,
    }


def cmd_clinic_show(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        info = services.clinic.get()
    finally:
        services.close()
    if args.json:
        _print_json(_clinic_as_cli(info))
        return EXIT_OK
    shown = display_values(info)
    for key, value in shown.items():
        print(f"{CLINIC_KEYS[key].label}: {value or '—'}")
    if info.is_demo:
        print("(clínica de demonstração)")
    return EXIT_OK


def cmd_clinic_set(args: argparse.Namespace) -> int:
    changes = dict(args.pairs)
    services = _services(args)
    try:
        services.clinic.update(changes)
    finally:
        services.close()
    print("Dados da clínica atualizados: " + ", ".join(changes))
    return EXIT_OK


def cmd_patient_add(args: argparse.Namespace) -> int:
    responsible = None
    if args.responsible_cpf or args.responsible_name:
        responsible = ResponsibleForm(
            cpf=args.responsible_cpf, name=args.responsible_name, phone=args.responsible_phone
        )
    form = PatientForm(
        name=args.name,
        cpf=args.cpf,
        birth_date=args.birth_date,
        phone=args.phone,
        phone_whatsapp=args.whatsapp,
        phone_alt=args.phone_alt,
        email=args.email,
        street=args.street,
        number=args.number,
        complement=args.complement,
        district=args.district,
        city=args.city,
        state=args.state,
        zip_code=args.zip_code,
        opt_out_whatsapp="whatsapp" in args.opt_out,
        opt_out_sms="sms" in args.opt_out,
        opt_out_email="email" in args.opt_out,
        opt_out_phone="phone" in args.opt_out,
        notes=args.notes,
        responsible=responsible,
    )
    services = _services(args)
    try:
        patient = services.patients.create(form)
    finally:
        services.close()
    if args.json:
        _print_json({"patient_id": patient.id, "name": patient.name, "cpf": patient.data.cpf})
    else:
        print(f"Paciente cadastrado: {patient.name} (código {patient.id}).")
    return EXIT_OK


def cmd_patient_list(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        items = services.patients.search(args.search, 0, args.limit)
    finally:
        services.close()
    if args.json:
        _print_json(
            [
                {
                    "patient_id": i.id,
                    "name": i.name,
                    "cpf": i.cpf,
                    "phone": i.phone,
                    "whatsapp": i.phone_whatsapp,
                    "email": i.email,
                    "city": i.city,
                    "responsible_name": i.responsible_name,
                    "data_confirmed_on": i.data_confirmed_on,
                }
                for i in items
            ]
        )
    else:
        for i in items:
            print(f"{i.id:>6}  {i.name:<40}  {format_cpf(i.cpf):<14}  {format_phone(i.phone)}")
    return EXIT_OK


def cmd_patient_show(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        patient = services.patients.get(args.patient_id)
    finally:
        services.close()
    if args.json:
        _print_json(
            {
                "patient_id": patient.id,
                "version": patient.version,
                **asdict(patient.data),
                "responsible": asdict(patient.responsible) if patient.responsible else None,
                "data_confirmed_on": patient.data_confirmed_on,
            }
        )
    else:
        d = patient.data
        print(f"{patient.name} (código {patient.id})")
        print(f"  CPF: {format_cpf(d.cpf) or '—'}")
        print(
            f"  Telefone: {format_phone(d.phone) or '—'}{' (WhatsApp)' if d.phone_whatsapp else ''}"
        )
        print(f"  E-mail: {d.email or '—'}")
        if patient.responsible:
            print(f"  Responsável financeiro: {patient.responsible.name}")
    return EXIT_OK


# --- users, audit, LGPD ----------------------------------------------------------------------


def _user_by_name(services: Any, username: str) -> Any:
    for user in services.users.list_users():
        if user.username == username.strip().lower():
            return user
    raise ValidationError.single("username", f"Usuário: '{username}' não existe.")


def cmd_user_add(args: argparse.Namespace) -> int:
    from app.services.users import UserForm

    with _opened(args) as services:
        password = _new_secret(NEW_PASSWORD_ENV, f"Senha para {args.username}")
        user = services.users.create(
            UserForm(args.username, args.full_name, args.role, password, None)
        )
    print(f"Usuário cadastrado: {user.username} (perfil {user.role_label}).")
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    with _opened(args) as services:
        users = services.users.list_users()
    if args.json:
        _print_json(
            [
                {
                    "username": u.username,
                    "full_name": u.full_name,
                    "role": u.role.value,
                    "active": u.active,
                    "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
                    "locked_until": u.locked_until.isoformat() if u.locked_until else None,
                }
                for u in users
            ]
        )
    else:
        for u in users:
            state = "ativo" if u.active else "inativo"
            print(f"{u.username:<20} {u.role_label:<14} {state:<8} {u.full_name}")
    return EXIT_OK


def cmd_user_set(args: argparse.Namespace) -> int:
    with _opened(args) as services:
        user = _user_by_name(services, args.username)
        updated = services.users.update(
            user.id,
            full_name=user.full_name if args.full_name is None else args.full_name,
            role=args.role or user.role.value,
            active=user.active if args.active is None else args.active == "sim",
        )
    print(f"Usuário {updated.username}: perfil {updated.role_label}, ativo: {updated.active}.")
    return EXIT_OK


def cmd_user_passwd(args: argparse.Namespace) -> int:
    with _opened(args) as services:
        user = _user_by_name(services, args.username)
        password = _new_secret(NEW_PASSWORD_ENV, f"Nova senha de {user.username}")
        services.users.reset_password(user.id, password)
    print(f"Senha de {args.username} redefinida.")
    return EXIT_OK


def cmd_user_unlock(args: argparse.Namespace) -> int:
    with _opened(args) as services:
        services.users.unlock(_user_by_name(services, args.username).id)
    print(f"Usuário {args.username} desbloqueado.")
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    from app.services.audit import AuditQuery

    query = AuditQuery(username=args.username, text=args.text, since=args.since, until=args.until)
    with _opened(args) as services:
        entries = services.audit.search(query, 0, args.limit)
    if args.json:
        _print_json(
            [
                {
                    "id": e.id,
                    "at": e.at.isoformat() + "Z",
                    "username": e.username,
                    "action": e.action,
                    "entity": e.entity,
                    "entity_id": e.entity_id,
                    "before": e.before,
                    "after": e.after,
                }
                for e in entries
            ]
        )
    else:
        for e in entries:
            what = f"{e.entity} {e.entity_id}" if e.entity_id is not None else e.entity
            print(f"{e.at:%Y-%m-%d %H:%M} UTC  {e.username:<16} {e.action:<24} {what}")
            if e.before or e.after:
                print(f"    antes: {e.before}  depois: {e.after}")
    return EXIT_OK


def cmd_patient_export(args: argparse.Namespace) -> int:
    with _opened(args) as services:
        out = services.lgpd.export_patient_file(args.patient_id, args.out)
    print(f"Dados do paciente {args.patient_id} exportados para {out}.")
    return EXIT_OK


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not _interactive():
        raise ValidationError.single("yes", f"{question} Confirme com --yes.")
    answer = input(f"{question} [s/N] ").strip().lower()
    if answer not in ("s", "sim"):
        raise EmDiaError("Cancelado; nada foi alterado.")


def cmd_patient_anonymize(args: argparse.Namespace) -> int:
    with _opened(args) as services:
        _confirm(f"Anonimizar o paciente {args.patient_id}? Isto não pode ser desfeito.", args.yes)
        report = services.lgpd.anonymize_patient(args.patient_id)
    print(
        f"Paciente {report.patient_id} anonimizado: dados pessoais substituídos; "
        f"{report.contracts} contrato(s) e os pagamentos mantidos (registros financeiros)."
    )
    if report.documents_on_disk:
        print(
            f"Atenção: {report.documents_on_disk} documento(s) PDF arquivado(s) ainda contêm "
            "os dados pessoais; guarde-os só enquanto a lei exigir."
        )
    return EXIT_OK


# --- backups ------------------------------------------------------------------------------


def _print_backup_report(report: Any) -> None:
    print(f"Backup: {report.path}")
    print(f"  feito em: {report.created_at} ({report.kind}); EmDia {report.app_version}")
    print(f"  clínica: {report.clinic or '—'}; esquema: {report.schema}")
    print(f"  criptografado: {'sim' if report.encrypted else 'não'}")
    labels = {
        "patient": "pacientes",
        "contract": "contratos",
        "installment": "parcelas",
        "payment": "pagamentos",
        "app_user": "usuários",
        "audit_log": "registros de auditoria",
    }
    for table, label in labels.items():
        if table in report.counts:
            print(f"  {label}: {report.counts[table]}")
    if report.ok:
        print("  verificação: ok (abre, integridade ok, contagens conferem)")
    for problem in report.problems:
        print(f"problema: {problem}", file=sys.stderr)


def cmd_backup_create(args: argparse.Namespace) -> int:
    with _opened(args) as services:
        result = services.backups.create(args.dir)
    if args.json:
        _print_json({"file": str(result.file.path), **result.report.as_dict()})
    else:
        print(f"Backup criado e verificado: {result.file.path}")
    return EXIT_OK


def cmd_backup_verify(args: argparse.Namespace) -> int:
    with _opened(args) as services:
        report = services.backups.verify(args.file, os.environ.get(PASSPHRASE_ENV))
    if args.json:
        _print_json(report.as_dict())
    else:
        _print_backup_report(report)
    return EXIT_OK if report.ok else EXIT_REFUSED


def cmd_backup_restore(args: argparse.Namespace) -> int:
    with _opened(args) as services:
        secret = os.environ.get(PASSPHRASE_ENV)
        preview = services.backups.verify(args.file, secret)
        _print_backup_report(preview)
        if not preview.ok:
            return EXIT_REFUSED
        _confirm("Substituir o banco de dados atual por este backup?", args.yes)
        services.backups.restore(args.file, secret)
    print("Backup restaurado. O banco anterior foi guardado na pasta de backups.")
    return EXIT_OK


def cmd_backup_list(args: argparse.Namespace) -> int:
    with _opened(args) as services:
        files = services.backups.list_files()
        folder = services.backups.folder()
    if args.json:
        _print_json(
            [
                {
                    "file": str(f.path),
                    "created_at": f.created_at.isoformat(),
                    "kind": f.kind,
                    "size": f.size,
                }
                for f in files
            ]
        )
    else:
        print(f"Pasta: {folder}")
        for f in files:
            print(f"  {f.created_at:%d/%m/%Y %H:%M}  {f.kind_label:<24} {f.path.name}")
    return EXIT_OK


def cmd_backup_folder(args: argparse.Namespace) -> int:
    with _opened(args) as services:
        folder = services.backups.set_folder(args.dir)
    print(f"Backups automáticos irão para {folder}.")
    return EXIT_OK


# --- security -----------------------------------------------------------------------------


def cmd_security_status(args: argparse.Namespace) -> int:
    with _opened(args) as services:
        status = services.security.status()
    if args.json:
        _print_json({**asdict(status), "summary": status.summary})
    else:
        print(status.summary)
    return EXIT_OK


def cmd_security_encrypt(args: argparse.Namespace) -> int:
    from app.security import keystore

    with _opened(args) as services:
        passphrase: str | None = os.environ.get(NEW_PASSPHRASE_ENV)
        if not passphrase and (_interactive() or not keystore.available()):
            passphrase = _new_secret(NEW_PASSPHRASE_ENV, "Frase-senha do banco")
        protected = services.security.encrypt(passphrase or None)
    print("Banco de dados criptografado.")
    print("CHAVE DE RECUPERAÇÃO (anote e guarde em lugar seguro; ela não será mostrada de novo):")
    print(f"  {protected.recovery_code}")
    return EXIT_OK


def cmd_security_passphrase(args: argparse.Namespace) -> int:
    with _opened(args) as services:
        passphrase = _new_secret(NEW_PASSPHRASE_ENV, "Nova frase-senha do banco")
        services.security.set_passphrase(passphrase)
    print("Frase-senha do banco definida.")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.command, args.demo = "gui", False
        args.handler = cmd_gui
    config = _config(args, demo=getattr(args, "demo", False))
    log_file = configure_logging(config.log_dir)
    try:
        result: int = args.handler(args)
        return result
    except EmDiaError as exc:
        _report_refusal(exc, args.command)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print("interrompido.", file=sys.stderr)
        return EXIT_REFUSED
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
