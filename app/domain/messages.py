"""Drafting a régua message: placeholder values in pt-BR formats, the clinic's identification,
and the links that open WhatsApp Web or the e-mail program with the text filled in.

Every text that reaches a person identifies the creditor — the clinic's name, address and
CNPJ/CPF (CDC art. 42-A): ``{assinatura}`` is appended when a template leaves it out. Nothing
here names the treatment (LGPD art. 11): the only reference to what was sold is "atendimento".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote

from app.domain.clinic import ClinicInfo
from app.domain.contacts import TEXT_CHANNELS, Recipient
from app.domain.dates import format_date
from app.domain.identity import digits, format_cnpj, format_cpf, format_phone
from app.domain.law import ChargePolicy, InstallmentTerms, Settlement, updated_debt
from app.domain.money import format_brl
from app.domain.pix import PixError, brcode, clinic_receiver, display_key, pix_for
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


def pix_payload(clinic: ClinicInfo, due: DueStep) -> str | None:
    """The PIX copia-e-cola for the step's updated amount; ``None`` when nothing is to be paid
    or the clinic's PIX data is incomplete (the message then says how to pay otherwise)."""
    if due.amount_cents <= 0:
        return None
    try:
        data = pix_for(
            clinic_receiver(clinic), due.amount_cents, due.contract_id, due.anchor.line.number
        )
    except PixError:
        return None
    return brcode(data)


@dataclass(frozen=True)
class DraftInput:
    due: DueStep
    recipient: Recipient
    patient_name: str
    clinic: ClinicInfo
    today: date
    pix_payload: str | None = None
    removal_notice: bool = False  # negativado and nothing left open: removal within 5 days


def message_values(data: DraftInput) -> dict[str, str]:
    due, who, clinic = data.due, data.recipient, data.clinic
    first = due.items[0] if due.items else due.anchor
    if data.pix_payload:
        pix = data.pix_payload
    elif clinic.pix_key:
        pix = f"chave PIX {display_key(clinic.pix_key)} (valor {format_brl(due.amount_cents)})"
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
    }


def render_message(template: str, channel: str, values: dict[str, str]) -> str:
    """The text as sent: placeholders filled and, on a channel that reaches the person, the
    clinic's identification at the end when the template did not place it (CDC art. 42-A)."""
    text = template
    if channel in TEXT_CHANNELS and "{assinatura}" not in text:
        text = text.rstrip() + "\n\n{assinatura}"
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
