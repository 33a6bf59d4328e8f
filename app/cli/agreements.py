"""acordos and consultas de crédito (same conventions as every command, docs/CLI.md):

    emdia agreement propose --patient ID [--installments-of CONTRACT_ID ... | --installment ID ...]
                            --count N --first-due AAAA-MM-DD [--down 0,00] [--discount 0,00]
                            [--notes ..] [--json]
    emdia agreement approve --agreement ID [--json]
    emdia agreement accept --agreement ID [--json]
    emdia agreement list --patient ID [--json]
    emdia agreement show ID [--json]
    emdia credit-check add --patient ID --bureau spc|serasa|boa_vista|outro --date AAAA-MM-DD
                           --result ".." [--notes ..] [--json]
    emdia credit-check list --patient ID [--json]

Without ``--installments-of``/``--installment``, ``propose`` takes every overdue installment of
the patient (and of the people they are responsável for).
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import EXIT_OK, FLAG_OF_FIELD, Parser, open_services, print_json, whole_number
from app.domain.agreements import AgreementForm, AgreementOption, AgreementView
from app.domain.credit_checks import BUREAUS, CreditCheckForm, CreditCheckView
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.errors import ValidationError

FLAG_OF_FIELD.update(
    {
        "installment_ids": "--installment",
        "discount": "--discount",
        "count": "--count",
        "bureau": "--bureau",
        "checked_on": "--date",
        "result": "--result",
    }
)


def register(sub: Any) -> None:
    agreement = sub.add_parser("agreement", help="acordos (renegociação)").add_subparsers(
        dest="agreement_command",
        metavar="propose|approve|accept|list|show",
        required=True,
        parser_class=Parser,
    )
    prop = agreement.add_parser(
        "propose", help="calcula e grava uma proposta de acordo com a dívida atualizada de hoje"
    )
    prop.add_argument("--patient", type=whole_number, required=True, metavar="ID")
    which = prop.add_mutually_exclusive_group()
    which.add_argument(
        "--installments-of",
        type=whole_number,
        nargs="+",
        metavar="CONTRACT_ID",
        help="todas as parcelas em aberto destes contratos",
    )
    which.add_argument(
        "--installment",
        type=whole_number,
        nargs="+",
        metavar="ID",
        help="parcelas escolhidas (ids)",
    )
    prop.add_argument("--count", required=True, metavar="N", help="número de parcelas do acordo")
    prop.add_argument("--first-due", required=True, metavar="AAAA-MM-DD")
    prop.add_argument("--down", default="", metavar="0,00", help="entrada, vence hoje")
    prop.add_argument("--discount", default="", metavar="0,00", help="primeiro sobre encargos")
    prop.add_argument("--notes", default="")
    prop.add_argument("--json", action="store_true")
    prop.set_defaults(handler=cmd_propose)
    for name, handler, text in (
        ("approve", cmd_approve, "o gestor aprova um desconto acima do limite da clínica"),
        ("accept", cmd_accept, "aceita: parcelas antigas renegociadas, novo contrato"),
    ):
        one = agreement.add_parser(name, help=text)
        one.add_argument("--agreement", type=whole_number, required=True, metavar="ID")
        one.add_argument("--json", action="store_true")
        one.set_defaults(handler=handler)
    alist = agreement.add_parser("list", help="acordos de um paciente")
    alist.add_argument("--patient", type=whole_number, required=True, metavar="ID")
    alist.add_argument("--json", action="store_true")
    alist.set_defaults(handler=cmd_list)
    ashow = agreement.add_parser("show", help="um acordo: origem, desconto e plano")
    ashow.add_argument("agreement_id", type=whole_number, metavar="ID")
    ashow.add_argument("--json", action="store_true")
    ashow.set_defaults(handler=cmd_show)

    credit = sub.add_parser(
        "credit-check", help="consultas de crédito (SPC/Serasa) registradas"
    ).add_subparsers(dest="credit_command", metavar="add|list", required=True, parser_class=Parser)
    cadd = credit.add_parser("add", help="registra que um birô de crédito foi consultado")
    cadd.add_argument("--patient", type=whole_number, required=True, metavar="ID")
    cadd.add_argument("--bureau", required=True, metavar="|".join(BUREAUS))
    cadd.add_argument("--date", required=True, metavar="AAAA-MM-DD")
    cadd.add_argument("--result", required=True, help="o que o birô informou")
    cadd.add_argument("--notes", default="")
    cadd.add_argument("--json", action="store_true")
    cadd.set_defaults(handler=cmd_credit_add)
    clist = credit.add_parser("list", help="consultas de crédito de um paciente")
    clist.add_argument("--patient", type=whole_number, required=True, metavar="ID")
    clist.add_argument("--json", action="store_true")
    clist.set_defaults(handler=cmd_credit_list)


# --- agreement ------------------------------------------------------------------------------


def cmd_propose(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        offered = services.agreements.open_installments(args.patient)
        if args.installment:
            ids = list(args.installment)
        elif args.installments_of:
            wanted = set(args.installments_of)
            ids = [o.origin.installment_id for o in offered if o.origin.contract_id in wanted]
            missing = sorted(wanted - {o.origin.contract_id for o in offered})
            if missing:
                raise ValidationError.single(
                    "installments_of",
                    "Contratos: "
                    + ", ".join(str(c) for c in missing)
                    + " não têm parcelas em aberto deste paciente.",
                )
        else:
            ids = [o.origin.installment_id for o in offered if o.line.is_overdue]
        form = AgreementForm(
            installment_ids=tuple(ids),
            discount=args.discount,
            down_payment=args.down,
            count=args.count,
            first_due=args.first_due,
            notes=args.notes,
        )
        options = services.agreements.preview(args.patient, form)
        view = services.agreements.propose(args.patient, form)
    if args.json:
        print_json({**agreement_json(view), "options": [_option_json(o) for o in options]})
        return EXIT_OK
    _print_agreement(view)
    print()
    print("Opções para a mesma dívida:")
    for option in options:
        p = option.plan
        first = p.parcels[0].amount_cents if p.parcels else 0
        print(
            f"  {option.title:<20} {p.count:>2}× de {format_brl(first):>13}"
            + (f" + entrada {format_brl(p.down_payment_cents)}" if p.down_payment_cents else "")
            + f"  ({option.hint})"
        )
    return EXIT_OK


def cmd_approve(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        view = services.agreements.approve(args.agreement)
    return _show(args, view)


def cmd_accept(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        view = services.agreements.accept(args.agreement)
    return _show(args, view)


def cmd_show(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        view = services.agreements.get(args.agreement_id)
    return _show(args, view)


def cmd_list(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        views = services.agreements.for_patient(args.patient)
    if args.json:
        print_json([agreement_json(v) for v in views])
        return EXIT_OK
    if not views:
        print("Nenhum acordo para este paciente.")
    for v in views:
        print(
            f"Acordo {v.id:>5}  {format_date(v.as_of)}  {v.status_label:<30} "
            f"{format_brl(v.total_cents):>14}  {v.count}×"
            + (f"  contrato {v.contract_id}" if v.contract_id else "")
        )
    return EXIT_OK


def _show(args: argparse.Namespace, view: AgreementView) -> int:
    if args.json:
        print_json(agreement_json(view))
    else:
        _print_agreement(view)
    return EXIT_OK


def _print_agreement(v: AgreementView) -> None:
    when = format_date(v.as_of)
    print(f"Acordo {v.id} — {v.patient_name} — {v.status_label} (valores de {when})")
    if v.debtor_id != v.patient_id:
        print(f"Devedor(a): {v.debtor_name} (responsável financeiro)")
    print("Origem:")
    for o in v.origin:
        print(
            f"  {o.label:<24} {format_date(o.due_date)} {o.days_late:>4} dias  "
            f"principal {format_brl(o.principal_cents)}  multa {format_brl(o.fine_cents)}  "
            f"juros {format_brl(o.interest_cents)}  correção {format_brl(o.correction_cents)}  "
            f"= {format_brl(o.total_cents)}"
        )
    print(f"Dívida atualizada: {format_brl(v.debt_cents)}")
    if v.discount_cents:
        print(
            f"Desconto: {format_brl(v.discount_cents)} (encargos "
            f"{format_brl(v.discount_on_charges_cents)}, principal "
            f"{format_brl(v.discount_on_principal_cents)})"
        )
    print(f"Total do acordo: {format_brl(v.total_cents)}")
    print("Plano:")
    for s in v.schedule:
        name = "Entrada" if s.number == 0 else f"{s.number}/{v.count}"
        print(f"  {name:<8} {format_date(s.effective_due_date)}  {format_brl(s.amount_cents):>13}")
    if v.contract_id:
        print(f"Contrato do acordo: {v.contract_id}")
    if v.broken_on:
        print(f"Não cumprido desde {format_date(v.broken_on)}")


def agreement_json(v: AgreementView) -> dict[str, Any]:
    return {
        "agreement_id": v.id,
        "patient_id": v.patient_id,
        "debtor_id": v.debtor_id,
        "status": v.status,
        "needs_approval": v.needs_approval,
        "as_of": v.as_of,
        "principal_cents": v.principal_cents,
        "fine_cents": v.fine_cents,
        "interest_cents": v.interest_cents,
        "correction_cents": v.correction_cents,
        "debt_cents": v.debt_cents,
        "discount_cents": v.discount_cents,
        "discount_on_charges_cents": v.discount_on_charges_cents,
        "discount_on_principal_cents": v.discount_on_principal_cents,
        "total_cents": v.total_cents,
        "down_payment_cents": v.down_payment_cents,
        "installments_count": v.count,
        "first_due_date": v.first_due,
        "contract_id": v.contract_id,
        "accepted_on": v.accepted_on,
        "broken_on": v.broken_on,
        "origin": [
            {
                "installment_id": o.installment_id,
                "contract_id": o.contract_id,
                "label": o.label,
                "due_date": o.due_date,
                "days_late": o.days_late,
                "principal_cents": o.principal_cents,
                "fine_cents": o.fine_cents,
                "interest_cents": o.interest_cents,
                "correction_cents": o.correction_cents,
                "total_cents": o.total_cents,
            }
            for o in v.origin
        ],
        "plan": [
            {
                "number": s.number,
                "due_date": s.due_date,
                "effective_due_date": s.effective_due_date,
                "amount_cents": s.amount_cents,
            }
            for s in v.schedule
        ],
    }


def _option_json(option: AgreementOption) -> dict[str, Any]:
    p = option.plan
    return {
        "key": option.key,
        "title": option.title,
        "installments_count": p.count,
        "down_payment_cents": p.down_payment_cents,
        "total_cents": p.total_cents,
        "plan": [
            {"number": s.number, "effective_due_date": s.effective_due_date,
             "amount_cents": s.amount_cents}
            for s in p.schedule
        ],
    }  # fmt: skip


# --- credit-check ---------------------------------------------------------------------------


def cmd_credit_add(args: argparse.Namespace) -> int:
    form = CreditCheckForm(args.bureau, args.date, args.result, args.notes)
    with open_services(args) as services:
        view = services.agreements.add_credit_check(args.patient, form)
    if args.json:
        print_json(_credit_json(view))
    else:
        print(f"Consulta {view.id} registrada: {view.bureau_label}, {format_date(view.checked_on)}")
    return EXIT_OK


def cmd_credit_list(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        views = services.agreements.credit_checks(args.patient)
    if args.json:
        print_json([_credit_json(v) for v in views])
        return EXIT_OK
    if not views:
        print("Nenhuma consulta de crédito registrada.")
    for v in views:
        print(f"{format_date(v.checked_on)}  {v.bureau_label:<18} {v.result}  ({v.user})")
    return EXIT_OK


def _credit_json(v: CreditCheckView) -> dict[str, Any]:
    return {
        "credit_check_id": v.id,
        "patient_id": v.patient_id,
        "bureau": v.bureau,
        "checked_on": v.checked_on,
        "result": v.result,
        "notes": v.notes,
        "user": v.user,
    }
