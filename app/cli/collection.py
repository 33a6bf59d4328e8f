"""Collection commands: today's worklist with drafted messages (``messages``), logging the
outcome of a contact (``contact log``), a patient's contact history (``contact history``) and
the régua's steps (``regua show``, ``regua set`` — through the same lawful-wording check as the
window)."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import (
    EXIT_OK,
    FLAG_OF_FIELD,
    Parser,
    open_services,
    print_json,
    read_text_file,
    whole_number,
)
from app.domain.catalog import label
from app.domain.money import format_brl
from app.domain.regua import ReguaStep
from app.services.collection.contact_log import OutcomeForm
from app.services.collection.regua_settings import StepChange

FLAG_OF_FIELD.update(
    {
        "outcome": "--outcome",
        "channel": "--channel",
        "step": "--step",
        "promise_date": "--promise-date",
        "promise_amount": "--promise-amount",
        "note": "--note",
        "template": "--text",
        "offset_days": "--offset",
        "text_file": "--text-file",
        "key": "PASSO",
    }
)

OUTCOMES = "enviado|sem_resposta|numero_errado|prometeu|recusou|pagou|conversou"


def register(sub: Any) -> None:
    messages = sub.add_parser(
        "messages", help="cobrança de hoje: quem contatar, com a mensagem pronta e o PIX"
    )
    messages.add_argument("--json", action="store_true")
    messages.set_defaults(handler=cmd_messages)

    contact = sub.add_parser("contact", help="registro de contatos de cobrança").add_subparsers(
        dest="contact_command", metavar="log|history", required=True, parser_class=Parser
    )
    log = contact.add_parser(
        "log",
        help="registra o resultado de um contato",
        description="Passo, canal e contrato, quando omitidos, são os do passo de hoje.",
    )
    log.add_argument("--patient", type=whole_number, required=True, metavar="ID")
    log.add_argument("--outcome", required=True, metavar=OUTCOMES)
    log.add_argument("--channel", default="", metavar="whatsapp|email|sms|phone|letter|manual")
    log.add_argument("--step", default="", metavar="PASSO", help="padrão: o passo de hoje")
    log.add_argument("--contract", type=whole_number, default=None, metavar="ID")
    log.add_argument("--promise-date", default="", metavar="AAAA-MM-DD")
    log.add_argument(
        "--promise-amount", default="", metavar="100,00", help="padrão: o valor atualizado"
    )
    log.add_argument(
        "--confirm-above-debt",
        action="store_true",
        help="confirma uma promessa maior do que a dívida de hoje",
    )
    log.add_argument("--note", default="")
    log.add_argument("--json", action="store_true")
    log.set_defaults(handler=cmd_contact_log)
    history = contact.add_parser("history", help="histórico de contatos de um paciente")
    history.add_argument("--patient", type=whole_number, required=True, metavar="ID")
    history.add_argument("--json", action="store_true")
    history.set_defaults(handler=cmd_contact_history)

    regua = sub.add_parser("regua", help="régua de cobrança").add_subparsers(
        dest="regua_command", metavar="show|set", required=True, parser_class=Parser
    )
    show = regua.add_parser("show", help="mostra os passos da régua")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_regua_show)
    change = regua.add_parser(
        "set",
        help="altera um passo (gestor); o texto passa pela mesma checagem da tela",
        description="O que não for informado fica como está.",
    )
    change.add_argument("key", metavar="PASSO", help="lembrete, vencimento, atraso_leve, …")
    text = change.add_mutually_exclusive_group()
    text.add_argument("--text", default=None, metavar="TEXTO")
    text.add_argument("--text-file", default=None, metavar="ARQUIVO", help="texto em UTF-8")
    change.add_argument("--channel", default=None, metavar="whatsapp|email|sms|phone|letter|manual")
    change.add_argument("--offset", default=None, metavar="N", help="dias do vencimento: -3, 5")
    change.add_argument("--active", default=None, metavar="sim|nao")
    change.add_argument("--json", action="store_true")
    change.set_defaults(handler=cmd_regua_set)


def cmd_messages(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        drafts = services.drafts.today()
    if args.json:
        print_json([d.as_json() for d in drafts])
        return EXIT_OK
    if not drafts:
        print("Nenhum contato de cobrança para hoje.")
        return EXIT_OK
    for d in drafts:
        to = d.recipient_name if d.recipient_name != d.patient_name else ""
        head = f"[{d.patient_id}] {d.patient_name}" + (f" (para {to})" if to else "")
        print(f"{head} — {d.step_name} ({d.step_when}) por {label(d.channel)}")
        print(f"  valor atualizado: {format_brl(d.amount_cents)}; contrato {d.contract_id}")
        if not d.allowed_now:
            print(f"  agora não: {d.reason}")
        for line in d.text.splitlines():
            print(f"  | {line}")
        print()
    return EXIT_OK


def cmd_contact_log(args: argparse.Namespace) -> int:
    form = OutcomeForm(
        patient_id=args.patient,
        outcome=args.outcome,
        channel=args.channel,
        step_key=args.step,
        contract_id=args.contract,
        promise_date=args.promise_date,
        promise_amount=args.promise_amount,
        note=args.note,
        confirm_above_debt=args.confirm_above_debt,
    )
    with open_services(args) as services:
        logged = services.contacts.log_outcome(form)
    if args.json:
        print_json(
            {
                "contact_id": logged.contact_id,
                "patient_id": args.patient,
                "outcome": logged.outcome,
                "step": logged.step_key,
                "channel": logged.channel,
                "promise_id": logged.promise_id,
                "promised_on": logged.promised_on,
                "promise_cents": logged.promise_cents,
            }
        )
        return EXIT_OK
    print(f"Contato {logged.contact_id} registrado: {label(logged.outcome)}.")
    if logged.promised_on is not None and logged.promise_cents is not None:
        print(
            f"Promessa registrada: {format_brl(logged.promise_cents)} até "
            f"{logged.promised_on:%d/%m/%Y}."
        )
    return EXIT_OK


def cmd_contact_history(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        views = services.contacts.history(args.patient)
    if args.json:
        print_json(
            [
                {
                    "contact_id": v.id,
                    "at": v.at.isoformat(timespec="minutes"),
                    "channel": v.channel,
                    "step": v.step,
                    "outcome": v.outcome,
                    "who": v.who,
                    "note": v.note,
                    "promise": v.promise,
                }
                for v in views
            ]
        )
        return EXIT_OK
    if not views:
        print("Nenhum contato registrado.")
    for v in views:
        extra = f" — promessa {v.promise}" if v.promise else ""
        print(f"{v.at:%d/%m/%Y %H:%M}  {v.channel:<10} {v.step:<26} {v.outcome}{extra} ({v.who})")
    return EXIT_OK


def step_json(s: ReguaStep) -> dict[str, Any]:
    return {
        "key": s.key,
        "name": s.name,
        "offset_days": s.offset_days,
        "channel": s.channel,
        "active": s.active,
        "template": s.template,
    }


def cmd_regua_show(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        steps = services.regua.steps()
    if args.json:
        print_json([step_json(s) for s in steps])
        return EXIT_OK
    for s in steps:
        state = "" if s.active else "  (desativado)"
        print(f"{s.when:>22}  {s.name:<26} {label(s.channel)}{state}")
    return EXIT_OK


def cmd_regua_set(args: argparse.Namespace) -> int:
    text = args.text
    if args.text_file is not None:
        text = read_text_file(args.text_file, "text_file", "Arquivo do texto")
    with open_services(args) as services:
        step = services.regua.change_step(
            args.key,
            StepChange(text=text, channel=args.channel, offset=args.offset, active=args.active),
        )
    if args.json:
        print_json(step_json(step))
    else:
        state = "" if step.active else " (desativado)"
        print(f"Passo {step.key} salvo: {step.when}, {label(step.channel)}{state}.")
    return EXIT_OK
