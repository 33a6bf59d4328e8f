"""The audit log as the viewer and ``emdia audit`` read it: one line, the filters of a search, and
how a line reads in pt-BR (what was done, to which record, before and after); and how the log
proves it was not tampered with.

Lines are written inside each use case's transaction and never changed afterwards (the database
refuses it), so a line is a plain frozen record.

**The chain.** Each line is sealed with ``hash = SHA-256(prev_hash + "\n" + content)`` where
``prev_hash`` is the seal of the line before it (by id; the first line chains to
``GENESIS``) and ``content`` is the line's canonical serialisation (:func:`canonical`): a JSON
array ``[CHAIN_FORMAT, at, user_id, username, action, entity, entity_id, before, after]`` with
``at`` in ISO format to the microsecond, object keys sorted, no spaces, UTF-8. Changing a line
breaks its own seal; removing or inserting one breaks the link of the next (:func:`verify_chain`
says which line, and when). Whoever can rewrite the whole table can also recompute every seal:
the chain proves nothing was changed *by EmDia or by hand in place*, and a backup holds an
earlier copy to compare with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from app.domain.access import parse_role
from app.domain.catalog import KIND_LABELS, label
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
    "document.generate": "Documento arquivado",
    "contact.log": "Contato registrado",
    "backup.restore": "Backup restaurado",
    "cash.count": "Caixa conferido",
    "document.signed": "Documento assinado eletronicamente recebido",
    "document.signature_checked": "Assinatura eletrônica conferida de novo",
    "trust.add": "Certificado confiável adicionado",
    "trust.remove": "Certificado confiável removido",
}

# Audited actions that change no money (nor who owes it): the cached overdue money need not be
# computed again after them. Any other action — one added later included — counts as a money
# change. A payment registered from the bank statement (``bank.register``) is written and
# audited as the desk's ``payment.add``, which is what counts; the bank line itself is evidence.
NO_MONEY_ACTIONS = frozenset(
    {
        # evidence of what was sent and said
        "contact.log",
        "contact.undo",
        "document.generate",
        "document.signed",
        "document.signature_checked",
        "cash.count",
        "credit_check.add",
        "patient.lgpd_export",
        # the bank statement: its credits, and what the desk decided about them
        "bank.import",
        "bank.register",
        "bank.link",
        "bank.ignore",
        # a spreadsheet import's summary (its contracts and payments have lines of their own)
        "import.patients",
        "import.contracts",
        "import.payments",
        # users, security, backups' folder, the régua, trusted certificates
        "user.create",
        "user.update",
        "user.reset_password",
        "user.change_password",
        "user.unlock",
        "user.locked",
        "security.encrypt",
        "security.passphrase",
        "security.idle_lock",
        "security.recovery_key",
        "security.recovery_sheet",
        "backup.folder",
        "regua.update",
        "regua.rules",
        "trust.add",
        "trust.remove",
    }
)

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
    "cash_count": "Conferência do caixa",
    "bank_account": "Conta bancária",
    "bank_transaction": "Crédito do extrato",
    "document": "Documento",
    "contact_log": "Contato",
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
    "step_key": "passo",
    "undone": "desfeito",
    "payment_backdate_days": "pagamento retroativo sem gestor (dias)",
    "days_back": "dias antes do lançamento",
    "kind": "tipo",
    "as_of": "data do documento",
    "sha256": "SHA-256",
    "patient_id": "paciente",
    "contract_id": "contrato",
    "payment_id": "pagamento",
    "agreement_id": "acordo",
    "channel": "canal",
    "step": "passo",
    "outcome": "resultado",
    "promised_on": "prometido para",
    "backup_created_at": "backup de",
    "backup_kind": "tipo de backup",
    "log_entries": "linhas da auditoria",
    "log_last_id": "última linha",
    "set_aside": "banco anterior guardado em",
    "day": "dia",
    "expected_cents": "esperado",
    "counted_cents": "contado",
    "difference_cents": "diferença",
    "note": "observação",
    "fitid": "identificador do banco",
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
    if key in ("channel", "outcome") and isinstance(value, str):
        return label(value)
    if key == "kind" and isinstance(value, str):
        return KIND_LABELS.get(value, value)
    return str(value)


def describe(values: dict[str, Any] | None) -> str:
    """A line's before or after: ``multa: 2 %; juros ao mês: 1 %``."""
    if not values:
        return ""
    return "; ".join(f"{FIELD_LABELS.get(k, k)}: {value_text(k, v)}" for k, v in values.items())


def local_time(at: datetime) -> str:
    """A stored UTC instant as people read it, in this computer's time zone."""
    return at.replace(tzinfo=UTC).astimezone().strftime("%d/%m/%Y %H:%M:%S")


# --- the chain ----------------------------------------------------------------------------------

CHAIN_FORMAT = "emdia-audit-1"  # names the serialisation below; a new one would get a new name
GENESIS = "0" * 64  # what the first line chains to


@dataclass(frozen=True)
class AuditLink:
    """A stored line with everything its seal covers (``id`` orders the chain)."""

    id: int
    at: datetime
    user_id: int | None
    username: str
    action: str
    entity: str
    entity_id: int | None
    before: Any
    after: Any
    prev_hash: str | None
    hash: str | None


def as_stored(value: Any) -> Any:
    """A JSON value as the database gives it back (tuples become lists, keys strings), so the
    seal computed before writing equals the one computed when reading."""
    return None if value is None else json.loads(json.dumps(value))


def canonical(
    at: datetime,
    user_id: int | None,
    username: str,
    action: str,
    entity: str,
    entity_id: int | None,
    before: Any,
    after: Any,
) -> bytes:
    """The bytes a line's seal covers (see the module's docstring)."""
    payload = [
        CHAIN_FORMAT,
        at.isoformat(timespec="microseconds"),
        user_id,
        username,
        action,
        entity,
        entity_id,
        as_stored(before),
        as_stored(after),
    ]
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


def seal(prev_hash: str, content: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + content).hexdigest()


def link_seal(link: AuditLink) -> str:
    """What the line's ``hash`` must be, given its ``prev_hash`` and its content."""
    content = canonical(
        link.at,
        link.user_id,
        link.username,
        link.action,
        link.entity,
        link.entity_id,
        link.before,
        link.after,
    )
    return seal(link.prev_hash or "", content)


CHANGED, GAP = "changed", "gap"
MAX_BREAKS = 20  # enough to say where; a wholesale rewrite is not listed line by line


@dataclass(frozen=True)
class ChainBreak:
    """Where the chain breaks: line ``entry_id`` was ``changed`` after it was written, or the
    line before it is not the one it was chained to (a ``gap``: removed, or one inserted)."""

    entry_id: int
    at: datetime
    kind: str

    def describe(self) -> str:
        where = f"a linha nº {self.entry_id} ({local_time(self.at)})"
        if self.kind == CHANGED:
            return f"Auditoria: {where} foi alterada depois de gravada."
        return (
            f"Auditoria: antes da linha nº {self.entry_id} ({local_time(self.at)}) uma linha "
            "foi apagada, ou outra foi inserida fora do EmDia."
        )


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    breaks: tuple[ChainBreak, ...]
    more_breaks: int = 0  # beyond MAX_BREAKS


def verify_chain(links: Iterable[AuditLink]) -> ChainCheck:
    """Walk the lines in id order: each one's seal must match its content, and its
    ``prev_hash`` the seal of the line before it. Each break is found on its own line, so a
    changed line and a removed one are told apart."""
    breaks: list[ChainBreak] = []
    extra = 0
    previous = GENESIS
    count = 0
    for link in links:
        count += 1
        found = []
        if link.prev_hash != previous:
            found.append(ChainBreak(link.id, link.at, GAP))
        if link.hash != link_seal(link):
            found.append(ChainBreak(link.id, link.at, CHANGED))
        for item in found:
            if len(breaks) < MAX_BREAKS:
                breaks.append(item)
            else:
                extra += 1
        previous = link.hash or ""
    return ChainCheck(count, tuple(breaks), extra)


@dataclass(frozen=True)
class AuditIntegrity:
    """The chain checked, and what protects the table (``guard_problems``: a trigger of the
    database that refuses UPDATE, DELETE or REPLACE is missing or disabled)."""

    chain: ChainCheck
    guard_problems: tuple[str, ...] = ()

    @property
    def entries(self) -> int:
        return self.chain.entries

    @property
    def breaks(self) -> tuple[ChainBreak, ...]:
        return self.chain.breaks

    @property
    def ok(self) -> bool:
        return not self.chain.breaks and not self.guard_problems

    def problems(self) -> list[str]:
        """Each problem in one pt-BR sentence, the chain's first (oldest line first)."""
        found = [b.describe() for b in self.chain.breaks]
        if self.chain.more_breaks:
            found.append(f"Auditoria: e mais {self.chain.more_breaks} quebra(s) depois dessas.")
        return found + list(self.guard_problems)

    def summary(self) -> str:
        if self.ok:
            return (
                f"Registro de auditoria íntegro: {self.entries} linhas encadeadas, sem "
                "alteração, e a proteção do banco de dados contra alterar ou apagar linhas "
                "está ativa."
            )
        return "Registro de auditoria com problemas: " + " ".join(self.problems())
