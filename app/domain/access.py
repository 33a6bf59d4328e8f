"""Who may do what: the roles (perfis) of the people at the clinic and the permissions each one
carries.

Pure data, no database: services ask ``Actor.can(Permission.X)`` (through ``Service.require``)
and the window uses the same answer to hide what the user cannot use anyway.
"""

from __future__ import annotations

from enum import StrEnum

from app.domain.text import fold


class Role(StrEnum):
    """perfil: recepção (the desk), gestor (dentist/owner), admin (users and backups)."""

    RECEPCAO = "recepcao"
    GESTOR = "gestor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {Role.RECEPCAO: "Recepção", Role.GESTOR: "Gestor", Role.ADMIN: "Administrador"}


class Permission(StrEnum):
    # recepção — the daily work at the desk
    PATIENTS = "patients"
    CONTRACTS = "contracts"
    PAYMENTS = "payments"
    MESSAGES = "messages"
    DOCUMENTS = "documents"
    # gestor — decisions about money and the clinic's rules
    DISCOUNT_ABOVE_LIMIT = "discount_above_limit"
    BACKDATE_PAYMENT = "backdate_payment"
    APPROVE_RENEGOTIATION = "approve_renegotiation"
    NEGATIVACAO = "negativacao"
    SETTINGS = "settings"
    REPORTS = "reports"
    AUDIT = "audit"
    LGPD = "lgpd"
    IMPORT_HISTORY = "import_history"
    SUSPEND_TREATMENTS = "suspend_treatments"
    # admin — who uses the system and the safety of its data
    USERS = "users"
    BACKUPS = "backups"

    @property
    def label(self) -> str:
        """What the permission lets one do, completing "… não pode <label>"."""
        return PERMISSION_LABELS[self]


PERMISSION_LABELS = {
    Permission.PATIENTS: "consultar ou alterar pacientes",
    Permission.CONTRACTS: "registrar ou alterar contratos",
    Permission.PAYMENTS: "registrar ou estornar pagamentos",
    Permission.MESSAGES: "preparar mensagens de cobrança",
    Permission.DOCUMENTS: "gerar documentos",
    Permission.DISCOUNT_ABOVE_LIMIT: "dar desconto acima do limite da clínica",
    Permission.BACKDATE_PAYMENT: "lançar pagamento com data além do prazo da clínica",
    Permission.APPROVE_RENEGOTIATION: "aprovar renegociações",
    Permission.NEGATIVACAO: "registrar negativações",
    Permission.SETTINGS: "alterar as configurações da clínica",
    Permission.REPORTS: "ver relatórios",
    Permission.AUDIT: "ver o registro de auditoria",
    Permission.LGPD: "exportar ou anonimizar dados pessoais (LGPD)",
    Permission.IMPORT_HISTORY: "importar contratos e pagamentos de planilha",
    Permission.SUSPEND_TREATMENTS: "suspender ou liberar novos tratamentos",
    Permission.USERS: "cadastrar ou alterar usuários",
    Permission.BACKUPS: "fazer ou restaurar backups",
}

_RECEPCAO = frozenset(
    {
        Permission.PATIENTS,
        Permission.CONTRACTS,
        Permission.PAYMENTS,
        Permission.MESSAGES,
        Permission.DOCUMENTS,
    }
)
_GESTOR = _RECEPCAO | {
    Permission.DISCOUNT_ABOVE_LIMIT,
    Permission.BACKDATE_PAYMENT,
    Permission.APPROVE_RENEGOTIATION,
    Permission.NEGATIVACAO,
    Permission.SETTINGS,
    Permission.REPORTS,
    Permission.AUDIT,
    Permission.LGPD,
    Permission.IMPORT_HISTORY,
    Permission.SUSPEND_TREATMENTS,
}
_ADMIN = _GESTOR | {Permission.USERS, Permission.BACKUPS}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.RECEPCAO: _RECEPCAO,
    Role.GESTOR: frozenset(_GESTOR),
    Role.ADMIN: frozenset(_ADMIN),
}
ALL_PERMISSIONS: frozenset[Permission] = frozenset(Permission)


def parse_role(text: str) -> Role | None:
    """``recepcao``/``recepção``/``Gestor``… → Role; ``None`` when unknown."""
    key = fold(text).replace(" ", "")
    aliases = {"recepcao": Role.RECEPCAO, "gestor": Role.GESTOR, "dentista": Role.GESTOR}
    aliases |= {"admin": Role.ADMIN, "administrador": Role.ADMIN}
    return aliases.get(key)
