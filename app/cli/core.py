"""Core commands: the window, self-check, the demo clinic, clinic data and patients."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from app.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    PASSWORD_ENV,
    USER_ENV,
    Parser,
    clocks_for,
    config_for,
    confirm,
    key_value,
    open_key,
    open_services,
    pins_another_day,
    print_json,
    whole_number,
)
from app.domain.clinic import CLINIC_KEYS, ClinicInfo, display_values
from app.domain.dates import format_date
from app.domain.identity import format_cpf, format_phone
from app.domain.patients import PatientForm, ResponsibleForm
from app.errors import EmDiaError


def register(sub: Any) -> None:
    gui = sub.add_parser("gui", help="abre a janela (padrão)")
    gui.add_argument("--demo", action="store_true", help="abre a clínica de demonstração")
    gui.set_defaults(handler=cmd_gui)

    check = sub.add_parser("self-check", help="versões, banco de dados e esquema")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=cmd_self_check)

    demo = sub.add_parser("demo", help="cria uma clínica de demonstração (banco vazio)")
    demo.add_argument("--patients", type=whole_number, default=200, metavar="N")
    demo.add_argument("--seed", type=whole_number, default=1, metavar="N")
    demo.set_defaults(handler=cmd_demo)

    clinic = sub.add_parser("clinic", help="dados da clínica").add_subparsers(
        dest="clinic_command", metavar="show|set", required=True, parser_class=Parser
    )
    show = clinic.add_parser("show", help="mostra os dados da clínica")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_clinic_show)
    clinic_set = clinic.add_parser(
        "set",
        help="altera campos: " + " ".join(CLINIC_KEYS),
        description="Campos: " + ", ".join(CLINIC_KEYS),
    )
    clinic_set.add_argument("pairs", nargs="+", type=key_value, metavar="CHAVE=VALOR")
    clinic_set.set_defaults(handler=cmd_clinic_set)

    patient = sub.add_parser("patient", help="pacientes").add_subparsers(
        dest="patient_command",
        metavar="add|list|show|export|anonymize",
        required=True,
        parser_class=Parser,
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
    lst.add_argument("--limit", type=whole_number, default=50)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_patient_list)

    pshow = patient.add_parser("show", help="mostra um paciente")
    pshow.add_argument("patient_id", type=whole_number, metavar="ID")
    pshow.add_argument("--json", action="store_true")
    pshow.set_defaults(handler=cmd_patient_show)
    pexport = patient.add_parser("export", help="exporta tudo sobre um paciente (LGPD, JSON)")
    pexport.add_argument("patient_id", type=whole_number, metavar="ID")
    pexport.add_argument("--out", required=True, metavar="ARQUIVO.json")
    pexport.set_defaults(handler=cmd_patient_export)

    panon = patient.add_parser("anonymize", help="anonimiza um paciente (LGPD)")
    panon.add_argument("patient_id", type=whole_number, metavar="ID")
    panon.add_argument("--yes", action="store_true", help="confirma (não pergunta)")
    panon.set_defaults(handler=cmd_patient_anonymize)


GUI_PINNED = (
    "--today {day}: na janela, tudo o que se faz fica registrado com a data real; a data das "
    "regras só pode ser fixada na clínica de demonstração (emdia --today AAAA-MM-DD gui "
    "--demo). Para simular numa clínica real, use os relatórios da linha de comando."
)


def cmd_gui(args: argparse.Namespace) -> int:
    if pins_another_day(args) and not args.demo:
        raise EmDiaError(GUI_PINNED.format(day=format_date(args.today)))
    # The window lives in the ``ui`` package; ``app`` never imports Qt at module level, so the
    # CLI stays usable on a machine without a display (app/ never imports Qt).
    run_gui: Callable[..., int] = importlib.import_module("ui.main").run_gui
    rules, computer = clocks_for(args)
    return run_gui(config_for(args, demo=args.demo), rules, computer)


def cmd_self_check(args: argparse.Namespace) -> int:
    from app.persistence.databases import Database
    from app.services.health import check

    config = config_for(args)
    key_problem = None
    try:
        key = open_key(config)
    except EmDiaError as exc:
        key, key_problem = None, exc.message
    with Database.open(config.db_url, key) as database:
        report = check(config, database, key_problem=key_problem)
    if args.json:
        print_json(report.as_dict())
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
        print(f"Auditoria: {report.audit}")
        print(f"Pasta de dados: {report.data_dir}")
        print(f"Registros (log): {report.log_dir}")
        for problem in report.problems:
            print(f"problema: {problem}", file=sys.stderr)
        print("Tudo certo." if report.healthy else "Há problemas (veja acima).")
    return EXIT_OK if report.healthy else EXIT_REFUSED


def cmd_demo(args: argparse.Namespace) -> int:
    # Refuses a non-empty database; a new one stays plain (fictitious people, no secret).
    with open_services(args, login_required=False, plain_if_new=True) as services:
        report = services.demo.create(patients=args.patients, seed=args.seed)
    print(
        f"Clínica de demonstração criada: {report.patients} pacientes, "
        f"{report.responsibles} responsáveis financeiros, {report.contracts} contratos, "
        f"{report.installments} parcelas e {report.payments} pagamentos (semente {report.seed})."
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
    with open_services(args) as services:
        info = services.clinic.get()
    if args.json:
        print_json(_clinic_as_cli(info))
        return EXIT_OK
    shown = display_values(info)
    for key, value in shown.items():
        print(f"{CLINIC_KEYS[key].label}: {value or '—'}")
    if info.is_demo:
        print("(clínica de demonstração)")
    return EXIT_OK


def cmd_clinic_set(args: argparse.Namespace) -> int:
    changes = dict(args.pairs)
    with open_services(args) as services:
        services.clinic.update(changes)
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
    with open_services(args) as services:
        patient = services.patients.create(form)
    if args.json:
        print_json({"patient_id": patient.id, "name": patient.name, "cpf": patient.data.cpf})
    else:
        print(f"Paciente cadastrado: {patient.name} (código {patient.id}).")
    return EXIT_OK


def cmd_patient_list(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        items = services.patients.search(args.search, 0, args.limit)
    if args.json:
        print_json(
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
    with open_services(args) as services:
        patient = services.patients.get(args.patient_id)
    if args.json:
        print_json(
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


def cmd_patient_export(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        out = services.lgpd.export_patient_file(args.patient_id, args.out)
    print(f"Dados do paciente {args.patient_id} exportados para {out}.")
    return EXIT_OK


def cmd_patient_anonymize(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        confirm(f"Anonimizar o paciente {args.patient_id}? Isto não pode ser desfeito.", args.yes)
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
