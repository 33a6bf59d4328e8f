"""The three spreadsheet layouts EmDia reads and writes: pacientes, contratos (one line per
parcela) and pagamentos — their columns, the header variants people use, the example rows of the
downloadable templates, and the export columns (an export can be imported back as is).

Rows become the same forms the screens fill (``PatientForm``, ``ContractForm``, ``PaymentForm``)
and go through the same validators; nothing here decides whether data is valid beyond reading a
"sim/não" cell or a parcela number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from app.domain.catalog import Channel, PaymentMethod, label
from app.domain.columns import Column, Kind
from app.domain.dates import parse_date
from app.domain.importing import FieldSpec, Record, RowErrors, parse_flag, parse_installment_number
from app.domain.law import STATUS_LABELS, DebtLine
from app.domain.money import parse_money_field
from app.domain.patients import PatientData, PatientForm, PersonRef, ResponsibleForm
from app.domain.schedule import add_months
from app.domain.text import fold
from app.errors import FieldError

PATIENTS, CONTRACTS, PAYMENTS = "patients", "contracts", "payments"

# --- pacientes ------------------------------------------------------------------------------

PATIENT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "nome", ("paciente", "nome completo", "nome do paciente", "cliente",
                               "nome paciente", "nome do cliente"), required=True),
    FieldSpec("cpf", "cpf", ("cpf do paciente", "cpf paciente", "n cpf", "numero do cpf",
                             "documento", "cpf cnpj"), kind="cpf"),
    FieldSpec("birth_date", "data de nascimento", ("nascimento", "data nascimento", "dt nascimento",
                                                   "data de nasc", "dt nasc", "aniversario"),
              kind="date"),
    FieldSpec("phone", "telefone", ("celular", "whatsapp", "fone", "tel", "telefone celular",
                                    "celular whatsapp", "telefone whatsapp", "whats", "zap",
                                    "telefone 1", "contato", "telefones")),
    FieldSpec("phone_whatsapp", "telefone tem whatsapp", ("tem whatsapp", "e whatsapp",
                                                          "whatsapp sim nao", "usa whatsapp"),
              kind="flag"),
    FieldSpec("phone_alt", "outro telefone", ("telefone 2", "telefone fixo", "fixo",
                                              "telefone residencial", "tel 2", "recado",
                                              "telefone recado", "celular 2")),
    FieldSpec("phone_alt_whatsapp", "outro telefone tem whatsapp", (), kind="flag"),
    FieldSpec("email", "e-mail", ("email", "correio eletronico", "e mail do paciente")),
    FieldSpec("street", "rua", ("endereco", "logradouro", "endereco rua", "rua avenida")),
    FieldSpec("number", "número", ("numero", "n", "no", "num", "nro", "n da casa")),
    FieldSpec("complement", "complemento", ("compl",)),
    FieldSpec("district", "bairro", ()),
    FieldSpec("city", "cidade", ("municipio",)),
    FieldSpec("state", "uf", ("estado",)),
    FieldSpec("zip_code", "cep", ("codigo postal",)),
    FieldSpec("opt_out", "não contatar por", ("nao contatar", "nao enviar por", "opt out"),
              hint="canais separados por vírgula: whatsapp, sms, e-mail, ligação"),
    FieldSpec("responsible_cpf", "cpf do responsável", ("cpf responsavel", "cpf do resp",
                                                        "responsavel cpf", "cpf do titular"),
              kind="cpf"),
    FieldSpec("responsible_name", "nome do responsável", ("responsavel", "nome responsavel",
                                                          "responsavel financeiro", "titular")),
    FieldSpec("responsible_phone", "telefone do responsável", ("telefone responsavel",
                                                               "celular do responsavel")),
    FieldSpec("responsible_email", "e-mail do responsável", ("email do responsavel",
                                                             "email responsavel")),
    FieldSpec("notes", "observações", ("observacao", "obs", "anotacoes", "notas")),
)  # fmt: skip

_OPT_OUT = {
    "whatsapp": Channel.WHATSAPP, "whats": Channel.WHATSAPP, "zap": Channel.WHATSAPP,
    "sms": Channel.SMS, "email": Channel.EMAIL, "e mail": Channel.EMAIL,
    "ligacao": Channel.PHONE, "telefone": Channel.PHONE, "phone": Channel.PHONE,
    "tel": Channel.PHONE, "ligacoes": Channel.PHONE,
}  # fmt: skip
OPT_OUT_CHANNELS = (Channel.WHATSAPP, Channel.SMS, Channel.EMAIL, Channel.PHONE)


def parse_opt_out(raw: str) -> set[str] | FieldError:
    chosen: set[str] = set()
    if not raw or raw.isspace():  # the usual cell: nothing to split
        return chosen
    for token in re.split(r"[,;/+]| e ", fold(raw)):
        word = " ".join(re.sub(r"[^a-z ]", " ", token).split())
        if not word:
            continue
        if word not in _OPT_OUT:
            return FieldError(
                "opt_out",
                f"Não contatar por: '{raw}' — use whatsapp, sms, e-mail ou ligação, separados "
                "por vírgula.",
            )
        chosen.add(_OPT_OUT[word])
    return chosen


def patient_form(record: Record, errors: RowErrors) -> PatientForm:
    """The form the receptionist would have filled with this line (cell readers only)."""
    flags: dict[str, bool] = {}
    for key, text in (
        ("phone_whatsapp", "Telefone tem WhatsApp"),
        ("phone_alt_whatsapp", "Outro telefone tem WhatsApp"),
    ):
        value = parse_flag(record.get(key), key, text)
        if isinstance(value, FieldError):
            errors.add(record, key, value.message)
            value = False
        flags[key] = value
    if "phone_whatsapp" not in record.values and "phone" in errors.columns:
        # A column titled "WhatsApp" or "Celular/WhatsApp" holding the number says it all.
        flags["phone_whatsapp"] = any(w in fold(errors.columns["phone"]) for w in ("whats", "zap"))
    opt_out = parse_opt_out(record.get("opt_out"))
    if isinstance(opt_out, FieldError):
        errors.add(record, "opt_out", opt_out.message)
        opt_out = set()
    responsible = None
    if any(record.get(k) for k in ("responsible_cpf", "responsible_name", "responsible_phone")):
        responsible = ResponsibleForm(
            cpf=record.get("responsible_cpf"),
            name=record.get("responsible_name"),
            phone=record.get("responsible_phone"),
            email=record.get("responsible_email"),
        )
    return PatientForm(
        name=record.get("name"),
        cpf=record.get("cpf"),
        birth_date=record.get("birth_date"),
        phone=record.get("phone"),
        phone_whatsapp=flags["phone_whatsapp"] and bool(record.get("phone")),
        phone_alt=record.get("phone_alt"),
        phone_alt_whatsapp=flags["phone_alt_whatsapp"] and bool(record.get("phone_alt")),
        email=record.get("email"),
        street=record.get("street"),
        number=record.get("number"),
        complement=record.get("complement"),
        district=record.get("district"),
        city=record.get("city"),
        state=record.get("state"),
        zip_code=record.get("zip_code"),
        opt_out_whatsapp=Channel.WHATSAPP in opt_out,
        opt_out_sms=Channel.SMS in opt_out,
        opt_out_email=Channel.EMAIL in opt_out,
        opt_out_phone=Channel.PHONE in opt_out,
        notes=record.get("notes"),
        responsible=responsible,
    )


def _yes(flag: bool) -> str:
    return "sim" if flag else "não"


PATIENT_EXPORT: tuple[Column, ...] = (
    Column("código", Kind.INT),
    *(Column(s.header, Kind.DATE if s.kind == "date" else Kind.TEXT) for s in PATIENT_FIELDS),
    Column("dados confirmados em", Kind.DATE),
)


def patient_export_row(
    patient_id: int,
    data: PatientData,
    responsible: PersonRef | None,
    confirmed_on: date | None,
) -> list[object]:
    from app.domain.identity import format_cep, format_cpf, format_phone

    opt_out = ", ".join(
        label(c) for c in OPT_OUT_CHANNELS if getattr(data, f"opt_out_{c.value}", False)
    )
    values: dict[str, object] = {
        "name": data.name,
        "cpf": format_cpf(data.cpf),
        "birth_date": data.birth_date,
        "phone": format_phone(data.phone),
        "phone_whatsapp": _yes(data.phone_whatsapp) if data.phone else "",
        "phone_alt": format_phone(data.phone_alt),
        "phone_alt_whatsapp": _yes(data.phone_alt_whatsapp) if data.phone_alt else "",
        "email": data.email,
        "street": data.street,
        "number": data.number,
        "complement": data.complement,
        "district": data.district,
        "city": data.city,
        "state": data.state,
        "zip_code": format_cep(data.zip_code),
        "opt_out": opt_out,
        "responsible_cpf": format_cpf(responsible.cpf) if responsible else "",
        "responsible_name": responsible.name if responsible else "",
        "responsible_phone": format_phone(responsible.phone) if responsible else "",
        "responsible_email": responsible.email if responsible else "",
        "notes": data.notes,
    }
    return [patient_id, *(values[s.key] for s in PATIENT_FIELDS), confirmed_on]


# --- contratos: one line per parcela ---------------------------------------------------------

CONTRACT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("contract", "contrato", ("n contrato", "no contrato", "numero do contrato",
                                       "codigo do contrato", "contrato n", "id contrato",
                                       "id do contrato", "cod contrato", "numero contrato"),
              hint="o número do contrato na planilha; as parcelas de um contrato repetem o "
                   "mesmo número"),
    FieldSpec("patient_cpf", "cpf do paciente", ("cpf", "cpf paciente", "cpf do cliente"),
              required=True, kind="cpf"),
    FieldSpec("patient_name", "nome do paciente", ("nome", "paciente", "cliente",
                                                   "nome completo"),
              hint="para cadastrar quem ainda não é paciente, e para achar quem não tem CPF"),
    FieldSpec("responsible_cpf", "cpf do responsável", ("cpf responsavel", "cpf do resp",
                                                        "cpf do titular"), kind="cpf",
              hint="paciente sem CPF (uma criança): o CPF do responsável, com o nome do "
                   "paciente"),
    FieldSpec("patient_phone", "telefone", ("celular", "whatsapp", "fone", "telefone celular")),
    FieldSpec("description", "descrição", ("descricao", "tratamento", "procedimento",
                                           "servico", "historico"),
              hint="uso interno; nunca vai nas mensagens"),
    FieldSpec("method", "forma de pagamento", ("forma", "forma pagamento", "meio de pagamento",
                                               "modalidade", "tipo de pagamento")),
    FieldSpec("signed_on", "data do contrato", ("data da assinatura", "assinado em",
                                                "data de assinatura", "data do orcamento",
                                                "data da venda"), kind="date"),
    FieldSpec("number", "parcela", ("n parcela", "no parcela", "numero da parcela", "parc",
                                    "prestacao", "n da parcela")),
    FieldSpec("due_date", "vencimento", ("data de vencimento", "data vencimento", "venc",
                                         "dt vencimento", "vence em", "data venc"),
              required=True, kind="date"),
    FieldSpec("amount", "valor", ("valor da parcela", "valor parcela", "vlr", "valor r",
                                  "valor original", "valor previsto"), required=True,
              kind="money"),
    FieldSpec("paid_on", "pago em", ("data do pagamento", "data de pagamento", "data pagamento",
                                     "pagamento em", "dt pagamento", "data pagto", "pagto",
                                     "quitado em", "recebido em", "data de recebimento",
                                     "data recebimento"), kind="date"),
    FieldSpec("paid_amount", "valor pago", ("pago", "valor recebido", "recebido", "vlr pago",
                                            "valor quitado"), kind="money"),
    FieldSpec("status", "situação", ("situacao", "status", "estado da parcela")),
)  # fmt: skip

PAID_WORDS = {"pago", "paga", "pago com atraso", "quitado", "quitada", "liquidado", "recebido",
              "sim", "ok", "baixado", "baixada"}  # fmt: skip
RENEGOTIATED_WORDS = {"renegociado", "renegociada", "acordo"}


def normalize_method(raw: str) -> str:
    """``Cartão de crédito`` → ``cartao``; unknown text is returned for the validator to refuse."""
    value = fold(raw)
    if not value:
        return ""
    for method in PaymentMethod:
        if value in (method.value, fold(label(method))):
            return method.value
    for prefix, method in (("cartao", PaymentMethod.CARTAO), ("credito", PaymentMethod.CARTAO),
                           ("debito", PaymentMethod.CARTAO), ("boleto", PaymentMethod.BOLETO),
                           ("especie", PaymentMethod.DINHEIRO),
                           ("transferencia pix", PaymentMethod.PIX)):  # fmt: skip
        if value.startswith(prefix):
            return method.value
    return raw


@dataclass
class InstallmentLine:
    """One parcela as the file describes it (cells already read; errors recorded)."""

    record: Record
    number: int | None
    due: date | None
    amount: int | None
    paid_on: date | None
    paid_amount: int | None
    said_paid: bool


@dataclass
class ContractGroup:
    """The lines of one contract: same patient CPF and same contract key."""

    key: str
    cpf: str
    lines: list[InstallmentLine] = field(default_factory=list)

    @property
    def first(self) -> Record:
        return self.lines[0].record

    def text(self, key: str) -> str:
        """The first non-empty cell of a contract-wide column (method, description…)."""
        return next((ln.record.get(key) for ln in self.lines if ln.record.get(key)), "")

    def line_of(self, number: int) -> InstallmentLine:
        return next((ln for ln in self.lines if ln.number == number), self.lines[0])


def read_installment(record: Record, errors: RowErrors) -> InstallmentLine:
    number = parse_installment_number(record.get("number"))
    if isinstance(number, FieldError):
        errors.add(record, "number", number.message)
        number = None
    due = None
    if not record.get("due_date"):
        errors.add(record, "due_date", "Vencimento: obrigatório, como 10/03/2026.")
    else:
        parsed = parse_date(record.get("due_date"), "due_date", "Vencimento")
        if isinstance(parsed, FieldError):
            errors.add(record, "due_date", parsed.message)
        else:
            due = parsed
    amount = _amount(record, "amount", "Valor", errors, required=True)
    paid_on = None
    if record.get("paid_on"):
        parsed = parse_date(record.get("paid_on"), "paid_on", "Pago em")
        if isinstance(parsed, FieldError):
            errors.add(record, "paid_on", parsed.message)
        else:
            paid_on = parsed
    paid_amount = _amount(record, "paid_amount", "Valor pago", errors, required=False)
    status = fold(record.get("status"))
    if status in RENEGOTIATED_WORDS:
        errors.add(
            record,
            "status",
            "Situação: parcelas renegociadas não são importadas — importe o acordo como um "
            "contrato novo, com as parcelas dele.",
        )
    said_paid = status in PAID_WORDS
    if said_paid and not record.get("paid_on"):
        errors.add(
            record,
            "paid_on",
            "Pago em: a situação diz que a parcela foi paga — informe a data do pagamento, "
            "como 10/03/2026 (ela conta para o histórico de pontualidade).",
        )
    if record.get("paid_amount") and not record.get("paid_on"):
        errors.add(record, "paid_on", "Pago em: informe a data em que o valor pago foi recebido.")
    return InstallmentLine(record, number, due, amount, paid_on, paid_amount, said_paid)


def _amount(
    record: Record, key: str, text: str, errors: RowErrors, *, required: bool
) -> int | None:
    """A cell's amount; a required one is also more than zero (a parcela of R$ 0,00 is a typo)."""
    value = parse_money_field(
        record.get(key),
        key,
        text,
        required="como 150,00" if required else "",
        allow_zero=not required,
    )
    if isinstance(value, FieldError):
        errors.add(record, key, value.message)
        return None
    return value


def group_contracts(lines: Sequence[InstallmentLine]) -> list[ContractGroup]:
    """Lines of the same patient (CPF, mask or not; without CPF, name and responsável's CPF)
    and contract key are one contract; without a contract column, one per patient."""
    from app.domain.identity import digits

    groups: dict[tuple[str, str], ContractGroup] = {}
    for line in lines:
        record = line.record
        cpf_raw = record.get("patient_cpf")
        who = digits(cpf_raw).zfill(11) if digits(cpf_raw) else cpf_raw
        if not who:
            who = f"{fold(record.get('patient_name'))}|{digits(record.get('responsible_cpf'))}"
        key = record.get("contract").strip()
        group = groups.setdefault((who, fold(key)), ContractGroup(key, cpf_raw))
        group.lines.append(line)
    return list(groups.values())


def number_lines(group: ContractGroup, errors: RowErrors) -> bool:
    """Give every line its parcela number (by due date when the file has none) and check they
    run 1..n without repeats (0 is the entrada). Returns whether the numbering is usable."""
    have = [ln for ln in group.lines if ln.number is not None]
    if not have:
        ordered = sorted(group.lines, key=lambda ln: (ln.due or date.max, ln.record.line))
        for n, ln in enumerate(ordered, start=1):
            ln.number = n
        return True
    ok = True
    for ln in group.lines:
        if ln.number is None and not ln.record.get("number"):
            errors.add(
                ln.record,
                "number",
                "Parcela: informe o número — as outras linhas deste contrato têm número.",
            )
            ok = False
    seen: dict[int, int] = {}
    for ln in group.lines:
        if ln.number is None:
            continue
        if ln.number in seen:
            errors.add(
                ln.record,
                "number",
                f"Parcela: {ln.number} repetida neste contrato (já está na linha "
                f"{seen[ln.number]}).",
            )
            ok = False
        else:
            seen[ln.number] = ln.record.line
    numbered = sorted(n for n in seen if n >= 1)
    missing = sorted(set(range(1, (numbered[-1] if numbered else 0) + 1)) - set(numbered))
    if missing and ok:
        listed = ", ".join(str(n) for n in missing[:10])
        errors.add(
            group.first,
            "number",
            f"Parcela: faltam as parcelas {listed} deste contrato — as parcelas vão de 1 até a "
            "última, sem pular.",
        )
        ok = False
    return ok


INSTALLMENT_EXPORT: tuple[Column, ...] = (
    Column("contrato"),
    Column("cpf do paciente"),
    Column("nome do paciente"),
    Column("cpf do responsável"),
    Column("telefone"),
    Column("descrição"),
    Column("forma de pagamento"),
    Column("data do contrato", Kind.DATE),
    Column("parcela", Kind.INT),
    Column("vencimento", Kind.DATE),
    Column("valor", Kind.MONEY),
    Column("pago em", Kind.DATE),
    Column("valor pago", Kind.MONEY),
    Column("situação"),
    Column("dias de atraso", Kind.INT),
    Column("multa", Kind.MONEY),
    Column("juros", Kind.MONEY),
    Column("correção", Kind.MONEY),
    Column("total atualizado", Kind.MONEY),
    Column("nº no EmDia", Kind.INT),
)


@dataclass(frozen=True)
class ContractHeader:
    """What an export line repeats about its contract and patient."""

    contract_id: int
    key: str  # the imported number, or EmDia's
    patient_cpf: str | None
    patient_name: str
    responsible_cpf: str | None
    patient_phone: str
    description: str
    method: str
    signed_on: date | None


def installment_export_row(
    head: ContractHeader, line: DebtLine, last_paid_on: date | None
) -> list[object]:
    from app.domain.identity import format_cpf, format_phone

    return [
        head.key,
        format_cpf(head.patient_cpf),
        head.patient_name,
        format_cpf(head.responsible_cpf),
        format_phone(head.patient_phone),
        head.description,
        label(head.method),
        head.signed_on,
        line.number,
        line.due_date,
        line.principal_cents,
        last_paid_on if line.paid_cents else None,
        line.paid_cents or None,
        STATUS_LABELS[line.status],
        line.days_late,
        line.fine_cents,
        line.interest_cents,
        line.correction_cents,
        line.total_cents,
        head.contract_id,
    ]


# --- pagamentos -----------------------------------------------------------------------------

PAYMENT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("contract", "contrato", CONTRACT_FIELDS[0].aliases,
              hint="o número do contrato (no EmDia ou na planilha de onde ele veio)"),
    FieldSpec("patient_cpf", "cpf do paciente", ("cpf", "cpf paciente", "cpf do cliente"),
              kind="cpf"),
    FieldSpec("paid_on", "data do pagamento", ("pago em", *CONTRACT_FIELDS[10].aliases[1:],
                                               "data"), required=True, kind="date"),
    FieldSpec("amount", "valor", ("valor pago", "valor recebido", "vlr", "recebido", "valor r"),
              required=True, kind="money"),
    FieldSpec("method", "forma de pagamento", CONTRACT_FIELDS[5].aliases),
    FieldSpec("reference", "referência", ("referencia", "ref", "documento", "n documento",
                                          "id da transacao", "identificador", "observacao",
                                          "historico")),
    FieldSpec("status", "situação", ("situacao", "status")),
)  # fmt: skip

REVERSED_WORDS = {"estorno", "estornado", "estornada", "cancelado", "cancelada", "devolvido"}

PAYMENT_EXPORT: tuple[Column, ...] = (
    Column("lançamento", Kind.INT),
    Column("contrato"),
    Column("cpf do paciente"),
    Column("nome do paciente"),
    Column("data do pagamento", Kind.DATE),
    Column("valor", Kind.MONEY),
    Column("forma de pagamento"),
    Column("referência"),
    Column("parcelas"),
    Column("crédito", Kind.MONEY),
    Column("situação"),
    Column("motivo do estorno"),
)


@dataclass(frozen=True)
class PaymentLine:
    """A payment as the payments export lists it."""

    id: int
    contract_key: str
    patient_cpf: str | None
    patient_name: str
    paid_on: date
    amount_cents: int
    method: str
    reference: str
    installments: tuple[int, ...]
    credit_cents: int
    reversed: bool
    is_reversal: bool
    reason: str


def payment_export_row(p: PaymentLine) -> list[object]:
    from app.domain.identity import format_cpf

    status = "estorno" if p.is_reversal else "estornado" if p.reversed else "efetivo"
    return [
        p.id,
        p.contract_key,
        format_cpf(p.patient_cpf),
        p.patient_name,
        p.paid_on,
        p.amount_cents,
        label(p.method),
        p.reference,
        ", ".join(str(n) for n in p.installments),
        p.credit_cents or None,
        status,
        p.reason if p.is_reversal else "",
    ]


# --- templates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    kind: str
    title: str
    template: str
    fields: tuple[FieldSpec, ...]
    explanation: str


LAYOUTS: dict[str, Layout] = {
    PATIENTS: Layout(
        PATIENTS,
        "Pacientes",
        "modelo_pacientes.csv",
        PATIENT_FIELDS,
        "Uma linha por pessoa. O CPF identifica o paciente: quem já está cadastrado é "
        "ignorado (nada é alterado). Sem CPF (uma criança), informe o CPF do responsável "
        "financeiro — e o nome dele, se ainda não for cadastrado.",
    ),
    CONTRACTS: Layout(
        CONTRACTS,
        "Contratos e parcelas",
        "modelo_contratos.csv",
        CONTRACT_FIELDS,
        "Uma linha por parcela; as parcelas de um contrato repetem o mesmo número de contrato "
        "e CPF (parcela 0 = entrada). Parcelas já pagas trazem 'pago em' (e 'valor pago' se foi "
        "só uma parte): o histórico de pontualidade começa certo. O paciente precisa estar "
        "cadastrado, ou a linha traz o nome para cadastrá-lo. Contrato já importado é ignorado.",
    ),
    PAYMENTS: Layout(
        PAYMENTS,
        "Pagamentos",
        "modelo_pagamentos.csv",
        PAYMENT_FIELDS,
        "Uma linha por pagamento recebido, aplicado como no balcão: parcelas mais antigas "
        "primeiro, encargos antes do principal. O contrato é o número no EmDia (ou o da "
        "planilha importada); com o CPF, basta quando o paciente tem um só contrato ativo. "
        "Pagamento igual já registrado (mesmo contrato, data e valor) é ignorado. Pagamentos "
        "que já vieram nas colunas 'pago em' da planilha de contratos não entram de novo aqui.",
    ),
}


def template_rows(kind: str, today: date) -> tuple[tuple[Column, ...], list[list[object]]]:
    """The downloadable model: every column, with example lines that import cleanly today."""
    layout = LAYOUTS[kind]
    columns = tuple(
        Column(s.header, Kind.DATE if s.kind == "date" else Kind.TEXT) for s in layout.fields
    )
    month = date(today.year, today.month, 10)
    rows: list[dict[str, object]]
    if kind == PATIENTS:
        rows = [
            {"name": "Maria da Conceição Souza", "cpf": "529.982.247-25",
             "birth_date": date(1984, 5, 17), "phone": "(19) 98765-4321", "phone_whatsapp": "sim",
             "email": "maria.souza@exemplo.com.br", "street": "Rua das Acácias",
             "number": "120", "complement": "apto 12", "district": "Centro",
             "city": "Campinas", "state": "SP", "zip_code": "13010-100"},
            {"name": "João Pedro Souza", "birth_date": date(2015, 9, 2),
             "responsible_cpf": "529.982.247-25", "city": "Campinas", "state": "SP",
             "notes": "filho da Maria; sem CPF"},
            {"name": "Antônio Carlos Ferreira", "cpf": "39825979194",
             "phone": "(19) 3232-4545", "phone_whatsapp": "não",
             "phone_alt": "19 99876-1234", "phone_alt_whatsapp": "sim",
             "opt_out": "sms, e-mail", "city": "Valinhos", "state": "SP"},
        ]  # fmt: skip
    elif kind == CONTRACTS:
        first = add_months(month, -3, 10)
        rows = [
            {"contract": "C-001", "patient_cpf": "529.982.247-25", "description": "Ortodontia",
             "method": "boleto", "signed_on": add_months(month, -4, 10), "number": "0",
             "due_date": add_months(month, -4, 10), "amount": "300,00",
             "paid_on": add_months(month, -4, 10)},
        ]  # fmt: skip
        for n, (paid_on, paid) in enumerate(
            ((add_months(first, 0, 8), ""), (add_months(first, 1, 25), ""),
             (add_months(first, 2, 12), "100,00"), (None, "")), start=1
        ):  # fmt: skip
            rows.append(
                {"contract": "C-001", "patient_cpf": "529.982.247-25", "number": str(n),
                 "due_date": add_months(first, n - 1, 10), "amount": "R$ 225,00",
                 "paid_on": paid_on or "", "paid_amount": paid}
            )  # fmt: skip
        for n in (1, 2):
            rows.append(
                {"contract": "C-002", "patient_cpf": "907.483.378-06",
                 "patient_name": "Luíza Helena Prado", "patient_phone": "(19) 99123-4567",
                 "description": "Clareamento", "method": "pix", "number": f"{n}/2",
                 "due_date": add_months(month, n - 1, 15), "amount": "450,00"}
            )  # fmt: skip
    else:
        rows = [
            {"contract": "C-001", "patient_cpf": "529.982.247-25", "paid_on": today,
             "amount": "225,00", "method": "pix", "reference": "PIX E123456789"},
            {"contract": "", "patient_cpf": "907.483.378-06", "paid_on": today,
             "amount": "R$ 450,00", "method": "cartão", "reference": ""},
        ]  # fmt: skip
    return columns, [[row.get(s.key, "") for s in layout.fields] for row in rows]


def format_count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


_CREATED_WORDS = {
    "patients": ("paciente", "pacientes"),
    "contracts": ("contrato", "contratos"),
    "installments": ("parcela", "parcelas"),
    "payments": ("pagamento", "pagamentos"),
}


def describe_created(created: dict[str, int]) -> str:
    """``{"patients": 2, "contracts": 1}`` → ``2 pacientes, 1 contrato``."""
    parts = []
    for key, (one, many) in _CREATED_WORDS.items():
        n = created.get(key, 0)
        if n:
            parts.append(f"{format_count(n)} {one if n == 1 else many}")
    return ", ".join(parts) or "nada novo"
