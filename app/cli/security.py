"""Security commands: users, the audit log, verified backups and database encryption."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import asdict
from typing import Any

from app.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    NEW_PASSPHRASE_ENV,
    NEW_PASSWORD_ENV,
    Parser,
    confirm,
    interactive,
    iso_date,
    new_secret,
    open_services,
    print_json,
    whole_number,
)
from app.domain.audit import action_label, describe, record_label
from app.errors import ValidationError
from app.security import keystore
from app.security.unlock import PASSPHRASE_ENV


def register(sub: Any) -> None:
    _users(sub)
    _backups(sub)
    _security(sub)


def _users(sub: Any) -> None:
    user = sub.add_parser("user", help="usuários e perfis").add_subparsers(
        dest="user_command",
        metavar="add|list|set|passwd|unlock",
        required=True,
        parser_class=Parser,
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
    audit.add_argument("--since", type=iso_date, metavar="AAAA-MM-DD")
    audit.add_argument("--until", type=iso_date, metavar="AAAA-MM-DD")
    audit.add_argument("--limit", type=whole_number, default=100)
    audit.add_argument("--json", action="store_true")
    audit.set_defaults(handler=cmd_audit)


def _backups(sub: Any) -> None:
    backup = sub.add_parser("backup", help="backups verificados").add_subparsers(
        dest="backup_command",
        metavar="create|verify|restore|list|folder",
        required=True,
        parser_class=Parser,
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


def _security(sub: Any) -> None:
    sec = sub.add_parser("security", help="criptografia do banco").add_subparsers(
        dest="security_command",
        metavar="status|encrypt|passphrase",
        required=True,
        parser_class=Parser,
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


def user_by_name(services: Any, username: str) -> Any:
    for user in services.users.list_users():
        if user.username == username.strip().lower():
            return user
    raise ValidationError.single("username", f"Usuário: '{username}' não existe.")


def cmd_user_add(args: argparse.Namespace) -> int:
    from app.services.users import UserForm

    with open_services(args) as services:
        password = new_secret(NEW_PASSWORD_ENV, f"Senha para {args.username}")
        user = services.users.create(
            UserForm(args.username, args.full_name, args.role, password, None)
        )
    print(f"Usuário cadastrado: {user.username} (perfil {user.role_label}).")
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        users = services.users.list_users()
    if args.json:
        print_json(
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
    with open_services(args) as services:
        user = user_by_name(services, args.username)
        updated = services.users.update(
            user.id,
            full_name=user.full_name if args.full_name is None else args.full_name,
            role=args.role or user.role.value,
            active=user.active if args.active is None else args.active == "sim",
        )
    print(f"Usuário {updated.username}: perfil {updated.role_label}, ativo: {updated.active}.")
    return EXIT_OK


def cmd_user_passwd(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        user = user_by_name(services, args.username)
        password = new_secret(NEW_PASSWORD_ENV, f"Nova senha de {user.username}")
        services.users.reset_password(user.id, password)
    print(f"Senha de {args.username} redefinida.")
    return EXIT_OK


def cmd_user_unlock(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        services.users.unlock(user_by_name(services, args.username).id)
    print(f"Usuário {args.username} desbloqueado.")
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    from app.services.audit import AuditQuery

    query = AuditQuery(username=args.username, text=args.text, since=args.since, until=args.until)
    with open_services(args) as services:
        entries = services.audit.search(query, 0, args.limit)
    if args.json:
        print_json(
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
        # The same words as the window's Auditoria; --json keeps the codes for scripts.
        for e in entries:
            what = record_label(e.entity, e.entity_id)
            print(
                f"{e.at:%Y-%m-%d %H:%M} UTC  {e.username:<16} {action_label(e.action):<34} {what}"
            )
            if e.before or e.after:
                print(f"    antes: {describe(e.before) or '—'}  depois: {describe(e.after) or '—'}")
    return EXIT_OK


def print_backup_report(report: Any) -> None:
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
    print(f"  documentos arquivados: {report.documents}")
    if report.ok:
        print("  verificação: ok (abre, integridade ok, contagens conferem)")
    for problem in report.problems:
        print(f"problema: {problem}", file=sys.stderr)
    for warning in report.warnings:
        print(f"aviso: {warning}", file=sys.stderr)


def cmd_backup_create(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        result = services.backups.create(args.dir)
    if args.json:
        print_json({"file": str(result.file.path), **result.report.as_dict()})
    else:
        print(f"Backup criado e verificado: {result.file.path}")
    return EXIT_OK


def cmd_backup_verify(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        report = services.backups.verify(args.file, os.environ.get(PASSPHRASE_ENV))
    if args.json:
        print_json(report.as_dict())
    else:
        print_backup_report(report)
    return EXIT_OK if report.ok else EXIT_REFUSED


def cmd_backup_restore(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        secret = os.environ.get(PASSPHRASE_ENV)
        preview = services.backups.verify(args.file, secret)
        print_backup_report(preview)
        if not preview.ok:
            return EXIT_REFUSED
        confirm("Substituir o banco de dados atual por este backup?", args.yes)
        restored = services.backups.restore(
            args.file, secret, passphrase=os.environ.get(NEW_PASSPHRASE_ENV)
        )
    print("Backup restaurado. O banco anterior foi guardado na pasta de backups.")
    if restored.recovery_code:
        print(
            "O backup não era criptografado; o banco restaurado agora é, com uma chave nova. "
            "Chave de recuperação (anote e guarde fora da clínica; ela não será mostrada de "
            f"novo): {restored.recovery_code}"
        )
    return EXIT_OK


def cmd_backup_list(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        files = services.backups.list_files()
        folder = services.backups.folder()
    if args.json:
        print_json(
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
    with open_services(args) as services:
        folder = services.backups.set_folder(args.dir)
    print(f"Backups automáticos irão para {folder}.")
    return EXIT_OK


# --- security -----------------------------------------------------------------------------


def cmd_security_status(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        status = services.security.status()
    if args.json:
        print_json({**asdict(status), "summary": status.summary})
    else:
        print(status.summary)
    return EXIT_OK


def cmd_security_encrypt(args: argparse.Namespace) -> int:

    with open_services(args) as services:
        passphrase: str | None = os.environ.get(NEW_PASSPHRASE_ENV)
        if not passphrase and (interactive() or not keystore.available()):
            passphrase = new_secret(NEW_PASSPHRASE_ENV, "Frase-senha do banco")
        protected = services.security.encrypt(passphrase or None)
    print("Banco de dados criptografado.")
    print("CHAVE DE RECUPERAÇÃO (anote e guarde em lugar seguro; ela não será mostrada de novo):")
    print(f"  {protected.recovery_code}")
    return EXIT_OK


def cmd_security_passphrase(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        passphrase = new_secret(NEW_PASSPHRASE_ENV, "Nova frase-senha do banco")
        services.security.set_passphrase(passphrase)
    print("Frase-senha do banco definida.")
    return EXIT_OK
