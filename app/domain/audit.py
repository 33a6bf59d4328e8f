"""The audit log as the viewer and ``emdia audit`` read it: one line, the filters of a search, and
how a line reads in pt-BR (what was done, to which record, before and after).

Lines are written inside each use case's transaction and never changed afterwards (the database
refuses it), so a line is a plain frozen record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.domain.access import parse_role
from app.domain.clinic import format_holidays, holidays_stored
from app.domain.money import format_brl, format_percent


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime  # UTC, naive (as stored)
    username: str
    action: str
    entity: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class AuditQuery:
    """Filters of the viewer; empty values mean "any". Dates are UTC days, inclusive."""

    username: str = ""
    text: str = ""  # matched against action and entity
    entity: str = ""
    entity_id: int | None = None
    since: date | None = None
    until: date | None = None


# --- how a line reads: the window's Auditoria and ``emdia audit`` say the same ------------------

ACTION_LABELS: dict[str, str] = {
    "clinic.update": "Dados da clínica alterados",
    "user.create": "Usuário cadastrado",
    "user.update": "Usuário alterado",
    "user.reset_password": "Senha redefinida",
    "user.change_password": "Senha trocada",
    "user.unlock": "Usuário desbloqueado",
    "user.locked": "Bloqueio por senha errada",
    "backup.folder": "Pasta de backup alterada",
    "security.encrypt": "Banco criptografado",
    "security.passphrase": "Frase-senha definida",
    "security.idle_lock": "Bloqueio automático alterado",
    "security.recovery_key": "Chave de recuperação mostrada",
    "security.recovery_sheet": "Chave de recuperação impressa",
    "patient.lgpd_export": "Dados exportados (LGPD)",
    "patient.anonymize": "Paciente anonimizado (LGPD)",
    "patient.suspend_new_treatments": "Novos tratamentos suspensos ou liberados",
    "contract.create": "Contrato registrado",
    "contract.import": "Contrato importado de planilha",
    "payment.add": "Pagamento recebido",
    "payment.reverse": "Pagamento estornado",
    "payment.import": "Pagamentos importados de planilha",
    "bank.import": "Extrato bancário importado",
    "bank.register": "Crédito do extrato registrado como pagamento",
    "bank.link": "Crédito do extrato vinculado a pagamento do balcão",
    "bank.ignore": "Crédito do extrato ignorado",
    "import.patients": "Importação de pacientes",
    "import.contracts": "Importação de contratos",
    "import.payments": "Importação de pagamentos",
    "index.set": "Índice de correção gravado",
    "regua.update": "Passo da régua alterado",
    "regua.rules": "Regras de contato alteradas",
    "agreement.propose": "Acordo proposto",
    "agreement.approve": "Acordo aprovado pelo gestor",
    "agreement.accept": "Acordo aceito",
    "agreement.contract": "Contrato do acordo registrado",
    "agreement.broken": "Acordo não cumprido",
    "credit_check.add": "Consulta de crédito registrada",
    "negativacao.include": "Negativação registrada",
    "negativacao.remove": "Negativação retirada",
    "contact.undo": "Resultado de contato desfeito",
    "cash.count": "Caixa conferido",
    "document.signed": "Documento assinado eletronicamente recebido",
    "document.signature_checked": "Assinatura eletrônica conferida de novo",
    "trust.add": "Certificado confiável adicionado",
    "trust.remove": "Certificado confiável removido",
}

ENTITY_LABELS: dict[str, str] = {
    "clinic": "Clínica",
    "app_user": "Usuário",
    "patient": "Paciente",
    "contract": "Contrato",
    "payment": "Pagamento",
    "agreement": "Acordo",
    "credit_check": "Consulta de crédito",
    "negativacao": "Negativação",
    "import": "Importação",
    "database": "Banco de dados",
    "correction_index_value": "Índice de correção",
    "regua_step": "Régua de cobrança",
    "contact_log": "Contato de cobrança",
    "cash_count": "Conferência do caixa",
    "bank_account": "Conta bancária",
    "bank_transaction": "Crédito do extrato",
    "document": "Documento",
    "trusted_certificate": "Certificado confiável",
}

FIELD_LABELS: dict[str, str] = {
    "fine_bp": "multa",
    "interest_monthly_bp": "juros ao mês",
    "pix_key": "chave PIX",
    "legal_name": "razão social",
    "backup_dir": "pasta",
    "idle_lock_minutes": "bloqueio (min)",
    "full_name": "nome",
    "role": "perfil",
    "active": "ativo",
    "username": "usuário",
    "file": "arquivo",
    "amount_cents": "valor",
    "total_cents": "total",
    "down_payment_cents": "entrada",
    "credit_cents": "crédito",
    "paid_on": "data",
    "method": "forma",
    "code": "motivo",
    "reason": "detalhe",
    "waive_charges": "dispensou multa e juros",
    "installment_named": "parcela indicada pelo pagador",
    "punctuality_discount_bp": "desconto pontualidade",
    "correction_index": "correção",
    "outcome": "resultado",
    "step_key": "passo",
    "undone": "desfeito",
    "day": "dia",
    "expected_cents": "esperado",
    "counted_cents": "contado",
    "difference_cents": "diferença",
    "note": "observação",
    "fitid": "identificador do banco",
    "payment_id": "pagamento",
    "contract_id": "contrato",
    "installment": "parcela",
    "start": "de",
    "end": "até",
    "credits": "créditos",
    "duplicates": "já importados",
    "linked": "vinculados ao balcão",
    "original_document_id": "documento original",
    "intact": "assinatura íntegra",
    "trusted": "cadeia verificada",
    "matches_debtor": "assinado pelo devedor",
    "subject": "certificado",
    "sha256": "SHA-256",
    "is_root": "raiz",
    "holidays": "feriados municipais",
}


def action_label(action: str) -> str:
    """``clinic.update`` → "Dados da clínica alterados" (the code itself when unknown)."""
    return ACTION_LABELS.get(action, action)


def record_label(entity: str, entity_id: int | None) -> str:
    """``("contract", 12)`` → "Contrato 12"."""
    name = ENTITY_LABELS.get(entity, entity)
    return f"{name} {entity_id}" if entity_id is not None else name


def value_text(key: str, value: Any) -> str:
    """One recorded value as people read it: money, percentages, yes/no, a role's name."""
    if key.endswith("_bp") and isinstance(value, int):
        return format_percent(value)
    if key.endswith("_cents") and isinstance(value, int):
        return format_brl(value)
    if isinstance(value, bool):
        return "sim" if value else "não"
    if value in (None, ""):
        return "—"
    if key == "holidays" and isinstance(value, list):
        return format_holidays(holidays_stored(value)) or "—"
    if key == "role" and isinstance(value, str):
        role = parse_role(value)
        return role.label if role is not None else value
    return str(value)


def describe(values: dict[str, Any] | None) -> str:
    """A line's before or after: ``multa: 2 %; juros ao mês: 1 %``."""
    if not values:
        return ""
    return "; ".join(f"{FIELD_LABELS.get(k, k)}: {value_text(k, v)}" for k, v in values.items())
