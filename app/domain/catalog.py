"""Closed vocabularies shared by the domain, the database and the screens.

Values are stored as short lowercase strings; ``LABELS`` give the pt-BR text the user sees.
"""

from __future__ import annotations

from enum import StrEnum


class PaymentMethod(StrEnum):
    PIX = "pix"
    BOLETO = "boleto"
    CARTAO = "cartao"
    DINHEIRO = "dinheiro"
    CHEQUE = "cheque"
    TRANSFERENCIA = "transferencia"  # TED/DOC into the clinic's account (seen in its statement)


class ContractStatus(StrEnum):
    ACTIVE = "active"
    SETTLED = "settled"
    RENEGOTIATED = "renegotiated"
    CANCELLED = "cancelled"


class Channel(StrEnum):
    WHATSAPP = "whatsapp"
    SMS = "sms"
    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    IN_PERSON = "in_person"
    MANUAL = "manual"  # a régua step that is an act of the gestor (negativação), not a contact


class ContactOutcome(StrEnum):
    """What came of a contact attempt: sent, no answer, promised to pay, refused…"""

    SENT = "sent"
    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    WRONG_CONTACT = "wrong_contact"  # number/e-mail does not belong to the person any more
    PROMISED = "promised"
    REFUSED = "refused"
    PAID = "paid"  # the person says they paid: confirm it and register the payment


class AgreementStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    BROKEN = "broken"
    CANCELLED = "cancelled"


class DocumentKind(StrEnum):
    CONTRATO = "contrato"
    CARNE = "carne"
    RECIBO = "recibo"
    NOTIFICACAO = "notificacao"
    AVISO_NEGATIVACAO = "aviso-negativacao"
    CONFISSAO = "confissao"
    EXTRATO = "extrato"
    RELATORIO = "relatorio"
    DOSSIE = "dossie"  # dossiê de cobrança: the summary of a patient's whole collection history
    ASSINADO = "assinado"  # a contract or confissão the debtor signed electronically, sent back


LABELS: dict[str, str] = {
    PaymentMethod.PIX: "PIX",
    PaymentMethod.BOLETO: "Boleto",
    PaymentMethod.CARTAO: "Cartão",
    PaymentMethod.DINHEIRO: "Dinheiro",
    PaymentMethod.CHEQUE: "Cheque",
    PaymentMethod.TRANSFERENCIA: "Transferência",
    ContractStatus.ACTIVE: "Ativo",
    ContractStatus.SETTLED: "Quitado",
    ContractStatus.RENEGOTIATED: "Renegociado",
    ContractStatus.CANCELLED: "Cancelado",
    Channel.WHATSAPP: "WhatsApp",
    Channel.SMS: "SMS",
    Channel.EMAIL: "E-mail",
    Channel.PHONE: "Ligação",
    Channel.LETTER: "Carta",
    Channel.IN_PERSON: "Presencial",
    Channel.MANUAL: "Ação do gestor",
    ContactOutcome.SENT: "mensagem enviada",
    ContactOutcome.ANSWERED: "respondeu",
    ContactOutcome.NO_ANSWER: "sem resposta",
    ContactOutcome.WRONG_CONTACT: "contato errado",
    ContactOutcome.PROMISED: "prometeu pagar",
    ContactOutcome.REFUSED: "recusou",
    ContactOutcome.PAID: "disse que pagou",
}


# What each document is called (the archive, the audit log, the messages).
KIND_LABELS: dict[str, str] = {
    DocumentKind.CONTRATO: "Contrato",
    DocumentKind.CARNE: "Carnê",
    DocumentKind.RECIBO: "Recibo",
    DocumentKind.NOTIFICACAO: "Notificação extrajudicial",
    DocumentKind.AVISO_NEGATIVACAO: "Aviso prévio de negativação",
    DocumentKind.CONFISSAO: "Confissão de dívida",
    DocumentKind.EXTRATO: "Extrato",
    DocumentKind.RELATORIO: "Relatório",
    DocumentKind.DOSSIE: "Dossiê de cobrança",
    DocumentKind.ASSINADO: "Documento assinado",
}


def label(value: str) -> str:
    """pt-BR label of a catalogue value (the value itself when unknown)."""
    return LABELS.get(value, value)
