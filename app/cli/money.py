"""Money commands: contracts, payments, estornos, updated debt and the correction index."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import date
from typing import Any

from app.cli.common import (
    EXIT_OK,
    FLAG_OF_FIELD,
    Parser,
    key_value,
    open_services,
    print_json,
    whole_number,
)
from app.domain.catalog import PaymentMethod
from app.domain.contracts import ContractForm, ContractView, PaymentForm
from app.domain.dates import format_date
from app.domain.law import STATUS_LABELS, correction_partial_text, missing_index_months
from app.domain.money import format_brl, format_percent
from app.domain.reversals import REVERSAL_CODES
from app.errors import ValidationError

FLAG_OF_FIELD.update(
    {
        "total": "--total",
        "down_payment": "--down",
        "installments": "--installments",
        "first_due": "--first-due",
        "paid_on": "--date",
        "amount": "--amount",
        "patient": "--patient-cpf",
        "contract": "--contract",
        "payment": "--payment",
    }
)


def register(sub: Any) -> None:
    contract = sub.add_parser("contract", help="contratos").add_subparsers(
        dest="contract_command", metavar="add|show|list", required=True, parser_class=Parser
    )
    cadd = contract.add_parser("add", help="registra um contrato parcelado")
    who = cadd.add_mutually_exclusive_group(required=True)
    who.add_argument("--patient-cpf")
    who.add_argument("--patient-id", type=whole_number)
    cadd.add_argument("--total", required=True, metavar="1.200,00")
    cadd.add_argument("--installments", required=True, metavar="N")
    cadd.add_argument("--first-due", required=True, metavar="AAAA-MM-DD")
    cadd.add_argument("--down", default="", metavar="0,00")
    cadd.add_argument("--down-paid", action="store_true", help="a entrada foi paga agora")
    cadd.add_argument("--method", default="pix", metavar="|".join(m.value for m in PaymentMethod))
    cadd.add_argument("--description", default="", help="uso interno; nunca vai em mensagens")
    cadd.add_argument("--guarantor-cpf", default="")
    cadd.add_argument(
        "--signed-on",
        default="",
        metavar="AAAA-MM-DD",
        help="data real da assinatura (as cartas citam esta data; sem ela dizem que não há)",
    )
    cadd.add_argument("--json", action="store_true")
    cadd.set_defaults(handler=cmd_contract_add)
    cshow = contract.add_parser("show", help="mostra um contrato com a dívida de hoje")
    cshow.add_argument("contract_id", type=whole_number, metavar="ID")
    cshow.add_argument("--json", action="store_true")
    cshow.set_defaults(handler=cmd_contract_show)
    clist = contract.add_parser("list", help="lista contratos")
    clist.add_argument("--search", default="", help="nome ou CPF do paciente, ou número")
    clist.add_argument("--limit", type=whole_number, default=50)
    clist.add_argument("--json", action="store_true")
    clist.set_defaults(handler=cmd_contract_list)

    payment = sub.add_parser("payment", help="pagamentos").add_subparsers(
        dest="payment_command", metavar="add|reverse", required=True, parser_class=Parser
    )
    padd = payment.add_parser("add", help="registra um pagamento (parcelas mais antigas primeiro)")
    padd.add_argument("--contract", type=whole_number, required=True, metavar="ID")
    padd.add_argument("--amount", required=True, metavar="150,00")
    padd.add_argument("--date", default="", metavar="AAAA-MM-DD", help="padrão: hoje")
    padd.add_argument("--method", default="pix", metavar="|".join(m.value for m in PaymentMethod))
    padd.add_argument("--reference", default="", help="um código PIX EMDIAC…P… indica a parcela")
    padd.add_argument(
        "--installment",
        default="",
        metavar="N",
        help="parcela que o pagador indicou (número ou 'entrada'); padrão: as mais antigas",
    )
    padd.add_argument("--waive-charges", action="store_true", help="dispensa multa e juros")
    padd.add_argument("--keep-credit", action="store_true", help="guarda o excedente como crédito")
    padd.add_argument(
        "--reason",
        default="",
        help="por que a data vai além do prazo da clínica (só gestor; fica na auditoria)",
    )
    padd.add_argument("--json", action="store_true")
    padd.set_defaults(handler=cmd_payment_add)
    prev = payment.add_parser("reverse", help="estorna um pagamento (contra-lançamento)")
    prev.add_argument("--payment", type=whole_number, required=True, metavar="ID")
    prev.add_argument("--reason", required=True)
    prev.add_argument("--code", default="", metavar="|".join(REVERSAL_CODES))
    prev.add_argument("--json", action="store_true")
    prev.set_defaults(handler=cmd_payment_reverse)

    debt = sub.add_parser("debt", help="dívida atualizada por parcela na data --today")
    debt.add_argument("--contract", type=whole_number, required=True, metavar="ID")
    debt.add_argument("--json", action="store_true")
    debt.set_defaults(handler=cmd_debt)

    index = sub.add_parser("index", help="índice de correção monetária (IPCA)").add_subparsers(
        dest="index_command", metavar="set|show", required=True, parser_class=Parser
    )
    iset = index.add_parser("set", help="grava variações mensais: 2026-01=0,44 ...")
    iset.add_argument("name", metavar="ipca")
    iset.add_argument("pairs", nargs="+", type=key_value, metavar="AAAA-MM=VAR")
    iset.set_defaults(handler=cmd_index_set)
    ishow = index.add_parser("show", help="mostra as variações gravadas")
    ishow.add_argument("name", metavar="ipca")
    ishow.add_argument("--json", action="store_true")
    ishow.set_defaults(handler=cmd_index_show)


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
    """`debt --json` (docs/CLI.md) (plus ``discount_cents`` and ``settled_on``)."""
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
                "correction_missing_months": [_month(m) for m in line.correction_missing],
            }
            for line in view.lines
        ],
        "total_cents": view.total_due_cents,
        "correction_missing_months": [_month(m) for m in missing_index_months(view.lines)],
    }


def _month(day: date) -> str:
    return f"{day:%Y-%m}"


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
    missing = missing_index_months(view.lines)
    if missing:
        print(correction_partial_text(missing))
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
        signed_on=args.signed_on,
        down_paid_now=args.down_paid,
    )
    with open_services(args) as services:
        view = services.contracts.create(_patient_id(services, args), form)
    if args.json:
        print_json(debt_json(view))
    else:
        s = view.summary
        print(
            f"Contrato {s.id} registrado: {s.patient_name}, {format_brl(s.total_cents)} em "
            f"{s.installments}x."
        )
        _print_debt(view)
    return EXIT_OK


def cmd_contract_show(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        view = services.contracts.get(args.contract_id)
    if args.json:
        payload = debt_json(view)
        payload["payments"] = [asdict(p) for p in view.payments]
        payload["credit_cents"] = view.credit_cents
        payload["status"] = view.summary.status
        print_json(payload)
    else:
        _print_debt(view)
    return EXIT_OK


def cmd_contract_list(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        items = services.contracts.search(args.search, 0, args.limit)
    if args.json:
        print_json(
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
    with open_services(args) as services:
        form = PaymentForm(
            contract_id=args.contract,
            amount=args.amount,
            paid_on=args.date or services.clock.today().isoformat(),
            method=args.method,
            reference=args.reference,
            waive_charges=args.waive_charges,
            keep_credit=args.keep_credit,
            reason=args.reason,
            installment=args.installment,
        )
        result = services.payments.add(form)
    if args.json:
        print_json(
            {
                "payment_id": result.payment_id,
                "amount_cents": result.amount_cents,
                "credit_cents": result.allocation.credit_cents,
                "contract_settled": result.contract_settled,
                "installment_named": result.allocation.chosen,
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
        if result.allocation.chosen is not None:
            print(f"Parcela indicada pelo pagador: {result.allocation.chosen}.")
        if result.allocation.credit_cents:
            print(f"Crédito guardado: {format_brl(result.allocation.credit_cents)}.")
        if result.contract_settled:
            print("Contrato quitado.")
    return EXIT_OK


def cmd_payment_reverse(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        result = services.payments.reverse(args.payment, args.reason, args.code)
    if args.json:
        print_json(asdict(result))
    else:
        print(
            f"Pagamento {result.payment_id} estornado ({REVERSAL_CODES[result.code]}): "
            f"contra-lançamento {result.reversal_id} de {format_brl(-result.amount_cents)}."
        )
    return EXIT_OK


def cmd_debt(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        view = services.contracts.get(args.contract)
    if args.json:
        print_json(debt_json(view))
    else:
        _print_debt(view)
    return EXIT_OK


def cmd_index_set(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        count = services.indexes.set_values(args.name.lower(), dict(args.pairs))
    print(f"{count} mês(es) de {args.name.upper()} gravado(s).")
    return EXIT_OK


def cmd_index_show(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        values = services.indexes.values(args.name.lower())
    if args.json:
        print_json([{"month": m.strftime("%Y-%m"), "variation_bp": bp} for m, bp in values])
    else:
        for month, bp in values:
            print(f"{month:%m/%Y}  {format_percent(bp)}")
    return EXIT_OK
