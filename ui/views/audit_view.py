"""Configurações → Auditoria: who changed what, when, before and after (gestor and admin)."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_brl, format_percent
from app.services.audit import AuditEntry, AuditQuery, AuditService
from ui import ops
from ui.widgets.buttons import push_button
from ui.widgets.form import line_edit
from ui.widgets.tables import make_table

PAGE = 200

ACTION_LABELS = {
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
    "patient.lgpd_export": "Dados exportados (LGPD)",
    "patient.anonymize": "Paciente anonimizado (LGPD)",
    "contract.create": "Contrato registrado",
    "payment.add": "Pagamento recebido",
    "payment.reverse": "Pagamento estornado",
    "index.set": "Índice de correção gravado",
    "regua.update": "Passo da régua alterado",
    "regua.rules": "Regras de contato alteradas",
}


ENTITY_LABELS = {
    "clinic": "Clínica",
    "app_user": "Usuário",
    "patient": "Paciente",
    "contract": "Contrato",
    "payment": "Pagamento",
    "database": "Banco de dados",
    "correction_index_value": "Índice de correção",
    "regua_step": "Régua de cobrança",
}
FIELD_LABELS = {
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
    "punctuality_discount_bp": "desconto pontualidade",
    "correction_index": "correção",
}


def _value(key: str, value: Any) -> str:
    if key.endswith("_bp") and isinstance(value, int):
        return format_percent(value)
    if key.endswith("_cents") and isinstance(value, int):
        return format_brl(value)
    if isinstance(value, bool):
        return "sim" if value else "não"
    if value in (None, ""):
        return "—"
    return str(value)


def describe(values: dict[str, Any] | None) -> str:
    if not values:
        return ""
    return "; ".join(f"{FIELD_LABELS.get(k, k)}: {_value(k, v)}" for k, v in values.items())


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def local_time(entry: AuditEntry) -> str:
    return entry.at.replace(tzinfo=UTC).astimezone().strftime("%d/%m/%Y %H:%M:%S")


class AuditModel(QAbstractTableModel):
    HEADERS = ("Quando", "Usuário", "O quê", "Registro", "Antes", "Depois")

    def __init__(self, service: AuditService) -> None:
        super().__init__()
        self.service = service
        self.query = AuditQuery()
        self.rows: list[AuditEntry] = []
        self.total = 0

    def set_query(self, query: AuditQuery) -> None:
        total, rows = self.service.count(query), self.service.search(query, 0, PAGE)
        self.beginResetModel()  # only once the rows are here: a refusal leaves the list as is
        self.query, self.total, self.rows = query, total, rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        more = self.service.search(self.query, len(self.rows), PAGE)
        if not more:
            self.total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        e = self.rows[index.row()]
        entity = ENTITY_LABELS.get(e.entity, e.entity)
        where = f"{entity} {e.entity_id}" if e.entity_id is not None else entity
        values = (
            local_time(e),
            e.username,
            ACTION_LABELS.get(e.action, e.action),
            where,
            describe(e.before),
            describe(e.after),
        )
        return values[index.column()]


class AuditView(QWidget):
    def __init__(self, service: AuditService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AuditView")
        self.service = service
        self.model = AuditModel(service)
        self.count = QLabel()
        self.count.setObjectName("auditCount")
        filters = self._filters()
        self.table = make_table(self.model, "auditTable", (150, 100, 200, 130, 230))
        note = QLabel(
            self.tr(
                "Registro somente de inclusão: nem o administrador pode alterar ou apagar "
                "uma linha. Horários no fuso deste computador."
            )
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(filters)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)

    def _filters(self) -> QHBoxLayout:
        """Who, what (action or record) and, ticked, the period."""
        self.user = QComboBox()
        self.user.setObjectName("auditUser")
        self.text = line_edit("auditText", self.tr("ação ou registro: clinic, user, patient…"))
        self.by_period = QCheckBox(self.tr("Período"))
        self.by_period.setObjectName("auditByPeriod")
        self.since = QDateEdit()
        self.until = QDateEdit()
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setDate(QDate.currentDate())
        self.since.setDate(QDate.currentDate().addDays(-30))
        self.apply = push_button("auditApply", self.tr("Filtrar"), self.refresh)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Usuário")))
        row.addWidget(self.user)
        row.addWidget(self.text, 1)
        row.addWidget(self.by_period)
        row.addWidget(self.since)
        row.addWidget(QLabel(self.tr("até")))
        row.addWidget(self.until)
        row.addWidget(self.apply)
        self.text.returnPressed.connect(self.refresh)
        self.user.currentIndexChanged.connect(self.refresh)
        return row

    def query(self) -> AuditQuery:
        since: date | None = None
        until: date | None = None
        if self.by_period.isChecked():
            since, until = _day(self.since.date()), _day(self.until.date())
        return AuditQuery(
            username=self.user.currentData() or "", text=self.text.text(), since=since, until=until
        )

    def load(self) -> None:
        """Fill the user filter and the table (called when the tab is opened)."""
        self.user.blockSignals(True)
        current = self.user.currentData()
        self.user.clear()
        self.user.addItem(self.tr("Todos"), "")
        for name in ops.call(self, self.service.usernames) or []:
            self.user.addItem(name, name)
        index = self.user.findData(current)
        self.user.setCurrentIndex(max(index, 0))
        self.user.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        query = self.query()
        if not ops.attempt(self, lambda: self.model.set_query(query)):
            return
        self.count.setText(self.tr("{n} registro(s)").format(n=self.model.total))
