"""``emdia``: the headless face of EmDia (DESIGN.md §11). Same services as the window.

Exit codes: 0 ok; 1 the input was refused (pt-BR message on stderr naming the field, nothing
written); 2 usage error; 3 unexpected internal error (details in the log file, never a traceback
on the terminal).
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date
from typing import Any, NoReturn

from app.clock import Clock, FixedClock, SystemClock
from app.config import Config, load_config
from app.domain.catalog import PaymentMethod
from app.domain.clinic import CLINIC_KEYS, ClinicInfo, display_values
from app.domain.contracts import REVERSAL_CODES, ContractForm, ContractView, PaymentForm
from app.domain.dates import format_date
from app.domain.identity import format_cpf, format_phone
from app.domain.law import STATUS_LABELS
from app.domain.money import format_brl, format_percent
from app.domain.patients import PatientForm, ResponsibleForm
from app.errors import EmDiaError, ValidationError
from app.logging_setup import configure_logging

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

    contract = sub.add_parser("contract", help="contratos").add_subparsers(
        dest="contract_command", metavar="add|show|list", required=True, parser_class=_Parser
    )
    cadd = contract.add_parser("add", help="registra um contrato parcelado")
    who = cadd.add_mutually_exclusive_group(required=True)
    who.add_argument("--patient-cpf")
    who.add_argument("--patient-id", type=int)
    cadd.add_argument("--total", required=True, metavar="1.200,00")
    cadd.add_argument("--installments", required=True, metavar="N")
    cadd.add_argument("--first-due", required=True, metavar="AAAA-MM-DD")
    cadd.add_argument("--down", default="", metavar="0,00")
    cadd.add_argument("--down-paid", action="store_true", help="a entrada foi paga agora")
    cadd.add_argument("--method", default="pix", metavar="|".join(m.value for m in PaymentMethod))
    cadd.add_argument("--description", default="", help="uso interno; nunca vai em mensagens")
    cadd.add_argument("--guarantor-cpf", default="")
    cadd.add_argument("--json", action="store_true")
    cadd.set_defaults(handler=cmd_contract_add)
    cshow = contract.add_parser("show", help="mostra um contrato com a dívida de hoje")
    cshow.add_argument("contract_id", type=int, metavar="ID")
    cshow.add_argument("--json", action="store_true")
    cshow.set_defaults(handler=cmd_contract_show)
    clist = contract.add_parser("list", help="lista contratos")
    clist.add_argument("--search", default="", help="nome ou CPF do paciente, ou número")
    clist.add_argument("--limit", type=int, default=50)
    clist.add_argument("--json", action="store_true")
    clist.set_defaults(handler=cmd_contract_list)

    payment = sub.add_parser("payment", help="pagamentos").add_subparsers(
        dest="payment_command", metavar="add|reverse", required=True, parser_class=_Parser
    )
    padd = payment.add_parser("add", help="registra um pagamento (parcelas mais antigas primeiro)")
    padd.add_argument("--contract", type=int, required=True, metavar="ID")
    padd.add_argument("--amount", required=True, metavar="150,00")
    padd.add_argument("--date", default="", metavar="AAAA-MM-DD", help="padrão: hoje")
    padd.add_argument("--method", default="pix", metavar="|".join(m.value for m in PaymentMethod))
    padd.add_argument("--reference", default="")
    padd.add_argument("--waive-charges", action="store_true", help="dispensa multa e juros")
    padd.add_argument("--keep-credit", action="store_true", help="guarda o excedente como crédito")
    padd.add_argument("--json", action="store_true")
    padd.set_defaults(handler=cmd_payment_add)
    prev = payment.add_parser("reverse", help="estorna um pagamento (contra-lançamento)")
    prev.add_argument("--payment", type=int, required=True, metavar="ID")
    prev.add_argument("--reason", required=True)
    prev.add_argument("--code", default="", metavar="|".join(REVERSAL_CODES))
    prev.add_argument("--json", action="store_true")
    prev.set_defaults(handler=cmd_payment_reverse)

    debt = sub.add_parser("debt", help="dívida atualizada por parcela na data --today")
    debt.add_argument("--contract", type=int, required=True, metavar="ID")
    debt.add_argument("--json", action="store_true")
    debt.set_defaults(handler=cmd_debt)

    index = sub.add_parser("index", help="índice de correção monetária (IPCA)").add_subparsers(
        dest="index_command", metavar="set|show", required=True, parser_class=_Parser
    )
    iset = index.add_parser("set", help="grava variações mensais: 2026-01=0,44 ...")
    iset.add_argument("name", metavar="ipca")
    iset.add_argument("pairs", nargs="+", type=_key_value, metavar="AAAA-MM=VAR")
    iset.set_defaults(handler=cmd_index_set)
    ishow = index.add_parser("show", help="mostra as variações gravadas")
    ishow.add_argument("name", metavar="ipca")
    ishow.add_argument("--json", action="store_true")
    ishow.set_defaults(handler=cmd_index_show)
    return parser


# --- plumbing -----------------------------------------------------------------------------


def _clock(args: argparse.Namespace) -> Clock:
    return FixedClock(args.today) if args.today else SystemClock()


def _config(args: argparse.Namespace, *, demo: bool = False) -> Config:
    return load_config(args.db, demo=demo)


def _services(args: argparse.Namespace, *, migrate: bool = True) -> Any:
    from app.bootstrap import bootstrap

    return bootstrap(_config(args), _clock(args), migrate=migrate)


def _json_default(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _print_json(payload: object) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=2, default=_json_default))


_FLAG_OF_FIELD = {
    "total": "--total",
    "down_payment": "--down",
    "installments": "--installments",
    "first_due": "--first-due",
    "paid_on": "--date",
    "amount": "--amount",
    "patient": "--patient-cpf",
    "contract": "--contract",
    "payment": "--payment",
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
            where = (
                error.field
                if command == "clinic"
                else _FLAG_OF_FIELD.get(error.field, f"--{error.field.replace('_', '-')}")
            )
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
    engine = make_engine(config.db_url)
    try:
        report = check(config, engine)
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
        if report.patients is not None:
            print(f"Pacientes: {report.patients}")
        print(f"Pasta de dados: {report.data_dir}")
        print(f"Registros (log): {report.log_dir}")
        for problem in report.problems:
            print(f"problema: {problem}", file=sys.stderr)
        print("Tudo certo." if report.healthy else "Há problemas (veja acima).")
    return EXIT_OK if report.healthy else EXIT_REFUSED


def cmd_demo(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        report = services.demo.create(patients=args.patients, seed=args.seed)
    finally:
        services.close()
    print(
        f"Clínica de demonstração criada: {report.patients} pacientes, "
        f"{report.responsibles} responsáveis financeiros, {report.contracts} contratos, "
        f"{report.installments} parcelas e {report.payments} pagamentos (semente {report.seed})."
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


def _patient_id(services: Any, args: argparse.Namespace) -> int:
    if args.patient_id is not None:
        return int(args.patient_id)
    person = services.patients.find_by_cpf(args.patient_cpf)
    if person is None:
        raise ValidationError.single(
            "patient_cpf",
            f"CPF do paciente: '{args.patient_cpf}' não está cadastrado (ou é inválido); "
            "cadastre com `emdia patient add` primeiro.",
        )
    return int(person.id)


def debt_json(view: ContractView) -> dict[str, Any]:
    """DESIGN.md §11 `debt --json` (plus ``discount_cents`` and ``settled_on``)."""
    return {
        "contract_id": view.summary.id,
        "as_of": view.as_of,
        "installments": [
            {
                "number": line.number,
                "due_date": line.due_date,
                "effective_due_date": line.effective_due_date,
                "principal_cents": line.principal_cents,
                "paid_cents": line.paid_cents,
                "days_late": line.days_late,
                "fine_cents": line.fine_cents,
                "interest_cents": line.interest_cents,
                "correction_cents": line.correction_cents,
                "discount_cents": line.discount_cents,
                "total_cents": line.total_cents,
                "status": line.status.value,
                "settled_on": line.settled_on,
            }
            for line in view.lines
        ],
        "total_cents": view.total_due_cents,
    }


def _print_debt(view: ContractView) -> None:
    s = view.summary
    print(f"Contrato {s.id} — {s.patient_name} — dívida em {format_date(view.as_of)}")
    print(
        f"{'Nº':>3}  {'Vencimento':<10}  {'Valor':>12}  {'Pago':>12}  {'Atraso':>6}  "
        f"{'Multa':>10}  {'Juros':>10}  {'Correção':>10}  {'Hoje':>12}  Situação"
    )
    for ln in view.lines:
        print(
            f"{ln.number:>3}  {format_date(ln.effective_due_date):<10}  "
            f"{format_brl(ln.principal_cents):>12}  {format_brl(ln.paid_cents):>12}  "
            f"{ln.days_late:>6}  {format_brl(ln.fine_cents):>10}  "
            f"{format_brl(ln.interest_cents):>10}  "
            f"{format_brl(ln.correction_cents):>10}  {format_brl(ln.total_cents):>12}  "
            f"{STATUS_LABELS[ln.status]}"
        )
    print(f"Total para quitar hoje: {format_brl(view.total_due_cents)}")
    if view.credit_cents:
        print(f"Crédito do paciente: {format_brl(view.credit_cents)}")


def cmd_contract_add(args: argparse.Namespace) -> int:
    form = ContractForm(
        total=args.total,
        down_payment=args.down,
        installments=args.installments,
        first_due=args.first_due,
        method=args.method,
        description=args.description,
        guarantor_cpf=args.guarantor_cpf,
        down_paid_now=args.down_paid,
    )
    services = _services(args)
    try:
        view = services.contracts.create(_patient_id(services, args), form)
    finally:
        services.close()
    if args.json:
        _print_json(debt_json(view))
    else:
        s = view.summary
        print(
            f"Contrato {s.id} registrado: {s.patient_name}, {format_brl(s.total_cents)} em "
            f"{s.installments}x."
        )
        _print_debt(view)
    return EXIT_OK


def cmd_contract_show(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        view = services.contracts.get(args.contract_id)
    finally:
        services.close()
    if args.json:
        payload = debt_json(view)
        payload["payments"] = [asdict(p) for p in view.payments]
        payload["credit_cents"] = view.credit_cents
        payload["status"] = view.summary.status
        _print_json(payload)
    else:
        _print_debt(view)
    return EXIT_OK


def cmd_contract_list(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        items = services.contracts.search(args.search, 0, args.limit)
    finally:
        services.close()
    if args.json:
        _print_json(
            [
                {
                    "contract_id": c.id,
                    "patient_id": c.patient_id,
                    "patient_name": c.patient_name,
                    "total_cents": c.total_cents,
                    "installments": c.installments,
                    "method": c.method,
                    "status": c.status,
                    "open_principal_cents": c.open_principal_cents,
                    "next_due": c.next_due,
                }
                for c in items
            ]
        )
    else:
        for c in items:
            print(
                f"{c.id:>6}  {c.patient_name:<40}  {format_brl(c.total_cents):>12}  "
                f"{c.installments:>3}x  {c.status}"
            )
    return EXIT_OK


def cmd_payment_add(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        form = PaymentForm(
            contract_id=args.contract,
            amount=args.amount,
            paid_on=args.date or services.clock.today().isoformat(),
            method=args.method,
            reference=args.reference,
            waive_charges=args.waive_charges,
            keep_credit=args.keep_credit,
        )
        result = services.payments.add(form)
    finally:
        services.close()
    if args.json:
        _print_json(
            {
                "payment_id": result.payment_id,
                "amount_cents": result.amount_cents,
                "credit_cents": result.allocation.credit_cents,
                "contract_settled": result.contract_settled,
                "allocations": [
                    {
                        "number": t.number,
                        "principal_cents": s.principal_cents,
                        "fine_cents": s.fine_cents,
                        "interest_cents": s.interest_cents,
                        "correction_cents": s.correction_cents,
                        "discount_cents": s.discount_cents,
                    }
                    for t, s in result.allocation.lines
                ],
            }
        )
    else:
        numbers = ", ".join(str(t.number) for t, _ in result.allocation.lines)
        print(
            f"Pagamento {result.payment_id} registrado: {format_brl(result.amount_cents)} "
            f"(parcelas {numbers})."
        )
        if result.allocation.credit_cents:
            print(f"Crédito guardado: {format_brl(result.allocation.credit_cents)}.")
        if result.contract_settled:
            print("Contrato quitado.")
    return EXIT_OK


def cmd_payment_reverse(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        result = services.payments.reverse(args.payment, args.reason, args.code)
    finally:
        services.close()
    if args.json:
        _print_json(asdict(result))
    else:
        print(
            f"Pagamento {result.payment_id} estornado ({REVERSAL_CODES[result.code]}): "
            f"contra-lançamento {result.reversal_id} de {format_brl(-result.amount_cents)}."
        )
    return EXIT_OK


def cmd_debt(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        view = services.contracts.get(args.contract)
    finally:
        services.close()
    if args.json:
        _print_json(debt_json(view))
    else:
        _print_debt(view)
    return EXIT_OK


def cmd_index_set(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        count = services.indexes.set_values(args.name.lower(), dict(args.pairs))
    finally:
        services.close()
    print(f"{count} mês(es) de {args.name.upper()} gravado(s).")
    return EXIT_OK


def cmd_index_show(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        values = services.indexes.values(args.name.lower())
    finally:
        services.close()
    if args.json:
        _print_json([{"month": m.strftime("%Y-%m"), "variation_bp": bp} for m, bp in values])
    else:
        for month, bp in values:
            print(f"{month:%m/%Y}  {format_percent(bp)}")
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
