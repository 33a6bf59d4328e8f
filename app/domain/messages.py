"""Drafting a régua message: placeholder values in pt-BR formats, the clinic's identification,
and the links that open WhatsApp Web or the e-mail program with the text filled in.

Every text that reaches a person identifies the creditor — the clinic's name, address and
CNPJ/CPF (CDC art. 42-A): ``{assinatura}`` is appended when a template leaves it out. Nothing
here names the treatment (LGPD art. 11): the only reference to what was sold is "atendimento".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote

from app.domain.catalog import Channel
from app.domain.clinic import ClinicInfo
from app.domain.contacts import TEXT_CHANNELS, Recipient
from app.domain.dates import format_date
from app.domain.identity import digits, format_cnpj, format_cpf, format_phone
from app.domain.law import ChargePolicy, InstallmentTerms, Settlement, updated_debt
from app.domain.money import format_brl
from app.domain.pix import PixError, brcode, clinic_receiver, display_key, payer_txid, pix_for
from app.domain.regua import DueStep, ReguaItem, ReguaStep, StepKey
from app.domain.templates import render

# The extrajudicial notice gives at most 7 days to pay or get in touch.
NOTICE_DEADLINE_DAYS = 7

SUBJECTS = {
    StepKey.LEMBRETE: "lembrete de vencimento",
    StepKey.VENCIMENTO: "vencimento hoje",
    StepKey.ATRASO_LEVE: "pagamento em aberto",
    StepKey.ATRASO: "pagamento em aberto",
    StepKey.PROPOSTA: "proposta para regularizar o pagamento",
    StepKey.AGRADECIMENTO: "pagamento recebido, obrigado",
}


def identification(clinic: ClinicInfo) -> str:
    """Razão social, CNPJ (or CPF), address and phone: who is charging and where to find them
    (CDC art. 42-A)."""
    parts = [clinic.legal_name or clinic.trade_name]
    if clinic.cnpj:
        parts.append(f"CNPJ {format_cnpj(clinic.cnpj)}")
    elif clinic.cpf:
        parts.append(f"CPF {format_cpf(clinic.cpf)}")
    if clinic.postal_address:
        parts.append(clinic.postal_address)
    if clinic.phone:
        parts.append(f"tel. {format_phone(clinic.phone)}")
    return " — ".join(p for p in parts if p)


def identification_missing(clinic: ClinicInfo) -> str | None:
    """Why no collection step may go out yet (pt-BR), or None: CDC art. 42-A asks every charge
    to name the creditor's name, address and CNPJ/CPF."""
    gaps = clinic.identification_gaps
    if not gaps:
        return None
    return (
        f"Preencha {', '.join(gaps)} da clínica em Configurações → Clínica: toda cobrança "
        "identifica quem cobra com nome, endereço e CNPJ/CPF (CDC art. 42-A)."
    )


def _number(item: ReguaItem) -> str:
    if item.line.number == 0:
        return "de entrada"
    return f"{item.line.number}/{item.installments_count}"


def parcela_text(due: DueStep) -> str:
    """``3/12``; with more installments in the message, ``3/12 (e mais 2 parcelas em aberto)``;
    a thank-you for two at once, ``3/12 e 4/12``."""
    first = _number(due.items[0]) if due.items else _number(due.anchor)
    others = len(due.items) - 1
    if others <= 0:
        return first
    if due.step.key == StepKey.AGRADECIMENTO:
        names = [_number(i) for i in due.items]
        return ", ".join(names[:-1]) + " e " + names[-1]
    noun = "parcela" if others == 1 else "parcelas"
    return f"{first} (e mais {others} {noun} em aberto)"


def referente(recipient: Recipient, patient_name: str) -> str:
    """The only reference to what was sold (LGPD art. 11: never the treatment)."""
    if recipient.is_patient:
        return "ao seu atendimento"
    first = patient_name.split()[0] if patient_name.split() else patient_name
    return f"ao atendimento de {first}"


def pix_payload(clinic: ClinicInfo, due: DueStep, payer: PayerPix | None = None) -> str | None:
    """The PIX copia-e-cola for the step's updated amount — with ``payer``, the total of every
    part of one payer's message; ``None`` when nothing is to be paid or the clinic's PIX data is
    incomplete (the message then says how to pay otherwise).

    One contract keeps its installment's txid (the money goes to that contract, oldest
    installment first); several contracts get the payer's (``pix.payer_txid``)."""
    dues = payer.dues if payer is not None else (due,)
    amount = sum(d.amount_cents for d in dues)
    if amount <= 0:
        return None
    txid = None
    if payer is not None and len({d.contract_id for d in dues}) > 1:
        txid = payer_txid(payer.payer_id, payer.today)
    try:
        data = pix_for(
            clinic_receiver(clinic), amount, due.contract_id, due.anchor.line.number, txid=txid
        )
    except PixError:
        return None
    return brcode(data)


@dataclass(frozen=True)
class PayerPix:
    """One PIX for everything a payer is asked for today (their dependents' steps together)."""

    payer_id: int
    dues: tuple[DueStep, ...]
    today: date


# --- one payer, one conversation --------------------------------------------------------------

# A responsável paying for several dependents hears about all of them at once on these channels;
# a letter (one document per contract) and the gestor's negativação stay one per debt.
CONVERSATION_CHANNELS = TEXT_CHANNELS | {Channel.PHONE}


@dataclass(frozen=True)
class PayerDue:
    """A step due today as the person who pays sees it: who pays, by which channel."""

    payer_id: int
    channel: str
    due: DueStep


def conversations(dues: Sequence[PayerDue]) -> list[tuple[PayerDue, ...]]:
    """Today's steps as conversations: one per payer, step and channel when the channel is a
    conversation (WhatsApp, e-mail, SMS, a call), one per step otherwise — in the order the
    first of each came."""
    groups: dict[tuple[object, ...], list[PayerDue]] = {}
    for item in dues:
        if item.channel in CONVERSATION_CHANNELS:
            key: tuple[object, ...] = (item.payer_id, item.due.step.key, item.channel)
        else:
            key = ("one", item.due.patient_id, item.due.contract_id, item.due.step.key)
        groups.setdefault(key, []).append(item)
    return [tuple(group) for group in groups.values()]


@dataclass(frozen=True)
class Part:
    """One patient's share of a message to the person who pays for several of them."""

    due: DueStep
    patient_name: str


def _first(name: str) -> str:
    return name.split()[0] if name.split() else name


def _joined(names: Sequence[str]) -> str:
    """``Pedro``, ``Pedro e Ana``, ``Pedro, Ana e Lia``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " e " + names[-1]


def parts_referente(recipient: Recipient, parts: Sequence[Part]) -> str:
    """``aos atendimentos de Pedro e Ana`` (``ao seu atendimento e ao de Pedro`` when the payer
    is a patient too) — still never the treatment (LGPD art. 11)."""
    own = any(p.due.patient_id == recipient.person_id for p in parts)
    others = [_first(p.patient_name) for p in parts if p.due.patient_id != recipient.person_id]
    if own:
        return "ao seu atendimento e ao de " + _joined(others)
    return "aos atendimentos de " + _joined(others)


def parts_parcela(parts: Sequence[Part]) -> str:
    """``3/12 (Pedro) e 2/10 e mais 1 (Ana)``."""
    texts = []
    for p in parts:
        items = p.due.items or (p.due.anchor,)
        more = f" e mais {len(items) - 1}" if len(items) > 1 else ""
        texts.append(f"{_number(items[0])}{more} ({_first(p.patient_name)})")
    return _joined(texts)


def parts_list(parts: Sequence[Part]) -> str:
    """The message's list per patient: each installment with its due date and updated amount,
    then the total the PIX asks for."""
    lines = []
    for p in parts:
        for item in p.due.items or (p.due.anchor,):
            lines.append(
                f"• {_first(p.patient_name)} — parcela {_number(item)}, vencimento "
                f"{format_date(item.line.effective_due_date)}: {format_brl(item.line.total_cents)}"
            )
    total = sum(p.due.amount_cents for p in parts)
    return "\n".join([*lines, f"Total: {format_brl(total)}"])


@dataclass(frozen=True)
class DraftInput:
    due: DueStep
    recipient: Recipient
    patient_name: str
    clinic: ClinicInfo
    today: date
    pix_payload: str | None = None
    removal_notice: bool = False  # negativado and nothing left open: removal within 5 days
    # Several patients paid for by the same person: every part, ``due`` being the first's.
    parts: tuple[Part, ...] = ()


def message_values(data: DraftInput) -> dict[str, str]:
    due, who, clinic = data.due, data.recipient, data.clinic
    first = due.items[0] if due.items else due.anchor
    amount = due.amount_cents
    if len(data.parts) > 1:
        amount = sum(p.due.amount_cents for p in data.parts)
    if data.pix_payload:
        pix = data.pix_payload
    elif clinic.pix_key:
        pix = f"chave PIX {display_key(clinic.pix_key)} (valor {format_brl(amount)})"
    else:
        pix = "responda esta mensagem que enviamos os dados para pagamento"
    removal = ""
    if data.removal_notice:
        removal = (
            # Good news, not a threat: worded so that a thank-you message never names the
            # bureau register (legal consequences belong to the formal steps only).
            " Como não há mais valores em aberto, vamos pedir a baixa do registro do débito em "
            "até 5 dias úteis."
        )
    return {
        "responsavel": who.first_name,
        "nome": data.patient_name.split()[0] if data.patient_name.split() else "",
        "referente": referente(who, data.patient_name),
        "parcela": parcela_text(due),
        "vencimento": format_date(first.line.effective_due_date),
        "dias_atraso": str(due.days_late),
        "valor_original": format_brl(sum(i.line.open_principal_cents for i in due.items)),
        "valor_atualizado": format_brl(due.amount_cents),
        "pix_copia_e_cola": pix,
        "pix": pix,
        "chave_pix": display_key(clinic.pix_key) if clinic.pix_key else "",
        "data_pagamento": format_date(due.paid_on),
        "aviso_remocao": removal,
        "prazo": format_date(data.today + timedelta(days=NOTICE_DEADLINE_DAYS)),
        "telefone": format_phone(who.any_phone) if who.any_phone else "sem telefone cadastrado",
        "clinica": clinic.display_name,
        "telefone_clinica": format_phone(clinic.phone) if clinic.phone else "",
        "assinatura": identification(clinic),
        "lista_parcelas": "",
    } | _several(data)


def _several(data: DraftInput) -> dict[str, str]:
    """The values that change when one message covers several patients of the same payer."""
    parts = data.parts
    if len(parts) <= 1:
        return {}
    items = [i for p in parts for i in (p.due.items or (p.due.anchor,))]
    paid = [p.due.paid_on for p in parts if p.due.paid_on is not None]
    return {
        "nome": _joined([_first(p.patient_name) for p in parts]),
        "referente": parts_referente(data.recipient, parts),
        "parcela": parts_parcela(parts),
        "vencimento": format_date(min(i.line.effective_due_date for i in items)),
        "dias_atraso": str(max(p.due.days_late for p in parts)),
        "valor_original": format_brl(sum(i.line.open_principal_cents for i in items)),
        "valor_atualizado": format_brl(sum(p.due.amount_cents for p in parts)),
        "data_pagamento": format_date(max(paid)) if paid else "",
        "lista_parcelas": parts_list(parts),
    }


def render_message(template: str, channel: str, values: dict[str, str]) -> str:
    """The text as sent: placeholders filled and, on a channel that reaches the person, the
    clinic's identification at the end when the template did not place it (CDC art. 42-A); a
    message about several patients lists each one's installments."""
    text = template
    if channel in TEXT_CHANNELS and "{assinatura}" not in text:
        text = text.rstrip() + "\n\n{assinatura}"
    if values.get("lista_parcelas") and "{lista_parcelas}" not in text:
        # Several patients in one message: their list comes right after the first paragraph.
        head, gap, tail = text.partition("\n\n")
        text = head + "\n\n{lista_parcelas}" + (gap + tail if gap else "")
    return render(text, values).strip()


def subject_for(step: ReguaStep, clinic: ClinicInfo) -> str:
    about = SUBJECTS.get(StepKey(step.key)) if step.key in tuple(StepKey) else None
    return f"{clinic.display_name} — {about or 'aviso de pagamento'}"


def whatsapp_url(phone: str, text: str) -> str:
    """``https://wa.me/55DDDNUMBER?text=…`` (the text URL-encoded, line breaks included)."""
    return f"https://wa.me/55{digits(phone)}?text={quote(text, safe='')}"


def mailto_url(email: str, subject: str, body: str) -> str:
    return f"mailto:{email}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


# --- the live preview of the régua editor ---------------------------------------------------

DEMO_PATIENT = "Pedro Souza"
DEMO_RECIPIENT = Recipient(
    person_id=0,
    name="Ana Souza",
    phone="19998765432",
    phone_whatsapp=True,
    email="ana.souza@exemplo.com.br",
    is_patient=False,
)
DEMO_AMOUNT_CENTS = 35_000


def demo_due(step: ReguaStep, today: date, policy: ChargePolicy) -> DueStep:
    """A fictional case reaching ``step`` today: Pedro (a child) whose mother Ana pays
    installment 3/12 of R$ 350,00, updated by the clinic's real rules."""
    offset = 0 if step.is_event else step.offset_days
    due_on = today - timedelta(days=offset)
    terms = InstallmentTerms(3, due_on, due_on, DEMO_AMOUNT_CENTS, key=0)
    if step.key == StepKey.AGRADECIMENTO:
        paid_on = today - timedelta(days=step.offset_days)
        line = updated_debt(terms, (Settlement(paid_on, DEMO_AMOUNT_CENTS),), today, policy)
        item = ReguaItem(contract_id=0, installments_count=12, line=line)
        return DueStep(0, step, item, (item,), paid_on=paid_on)
    line = updated_debt(terms, (), today, policy)
    item = ReguaItem(contract_id=0, installments_count=12, line=line)
    return DueStep(0, step, item, (item,))
