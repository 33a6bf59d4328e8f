"""Configurações → Auditoria: who changed what, when, before and after (gestor and admin), and
whether the log is intact — every line's seal and the database's protection, checked each time
the tab opens, with where it breaks said plainly."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.domain.audit import action_label, describe, local_time, record_label
from app.errors import EmDiaError
from app.progress import IsCancelled, Progress
from app.services.audit import AuditEntry, AuditIntegrity, AuditQuery, AuditService
from ui import ops
from ui.models.paged_model import QueryTableModel
from ui.widgets.buttons import push_button
from ui.widgets.form import ERROR_STYLE, line_edit
from ui.widgets.tables import make_table


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class AuditModel(QueryTableModel[AuditEntry, AuditQuery]):
    HEADERS = ("Quando", "Usuário", "O quê", "Registro", "Antes", "Depois")
    TOOLTIPS = True  # before and after can be long

    def __init__(self, service: AuditService) -> None:
        super().__init__(service.search, service.count, AuditQuery())

    def cells(self, item: AuditEntry) -> Sequence[str]:
        return (
            local_time(item.at),
            item.username,
            action_label(item.action),
            record_label(item.entity, item.entity_id),
            describe(item.before),
            describe(item.after),
        )


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
        layout.addLayout(self._integrity_row())
        layout.addLayout(filters)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)

    def _integrity_row(self) -> QVBoxLayout:
        """Whether the log is intact: filled in the background each time the tab opens."""
        self.integrity = QLabel()
        self.integrity.setObjectName("auditIntegrity")
        self.integrity.setWordWrap(True)
        self.verify_button = push_button(
            "auditVerify", self.tr("Verificar integridade"), self.verify
        )
        # The verdict on its own line: a long one wraps there with every line showing (a box
        # beside a button keeps the button's height).
        row = QHBoxLayout()
        row.addWidget(self.verify_button)
        row.addStretch(1)
        box = QVBoxLayout()
        box.addWidget(self.integrity)
        box.addLayout(row)
        return box

    def verify(self) -> None:
        """Check every line's seal and the database's protection, off the UI thread (a big
        log takes a moment)."""
        self.verify_button.setEnabled(False)
        self.integrity.setStyleSheet("")
        self.integrity.setText(self.tr("Verificando a integridade do registro…"))

        def job(_progress: Progress, _cancelled: IsCancelled) -> AuditIntegrity:
            return self.service.verify()

        ops.start(self, job, on_success=self._verified, on_error=self._not_verified)

    def _verified(self, report: AuditIntegrity) -> None:
        self.verify_button.setEnabled(True)
        self.integrity.setStyleSheet("" if report.ok else ERROR_STYLE)
        self.integrity.setText(report.summary() if report.ok else "\n".join(report.problems()))

    def _not_verified(self, exc: EmDiaError) -> None:
        self.verify_button.setEnabled(True)
        self.integrity.setText(exc.message)

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
        self.verify()

    def refresh(self) -> None:
        query = self.query()
        if not ops.attempt(self, lambda: self.model.set_query(query)):
            return
        self.count.setText(self.tr("{n} registro(s)").format(n=self.model.total))
