"""Cobrança de hoje: the screen the receptionist opens every morning.

One row per patient with the step due today and its drafted text. Copy it, open WhatsApp Web or
the e-mail program with it, then log the outcome in two clicks (the row, then the result); the
row leaves the list. Rows outside the contact rules say why they cannot be done now.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from app.bootstrap import Services
from app.domain.catalog import label
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.errors import EmDiaError
from app.progress import IsCancelled, Progress
from app.services.base import Permission
from app.services.collection.drafts import MessageDraft
from app.services.negativacao import NegativacaoView
from ui import ops
from ui.dialogs.negativacao_dialog import NegativacaoDialog
from ui.models.rows_model import Row, RowsTableModel
from ui.views.today.draft_panel import DraftPanel
from ui.views.today.removals import WAITING_COLOUR, RemovalsPanel
from ui.widgets.tables import make_table

Today = tuple[list[MessageDraft], list[NegativacaoView]]


class TodayView(QWidget):
    """The "Cobrança de hoje" tab: the list on the left, the selected draft on the right."""

    loaded = Signal(int)
    logged = Signal(int)  # patient id whose outcome was logged
    open_patient = Signal(int, int)  # patient id, contract id
    document_requested = Signal(int, int, str)  # patient id, contract id, document kind

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TodayView")
        self.services = services
        self.drafts: list[MessageDraft] = []
        self.loading = False

        self.title = QLabel()
        self.title.setObjectName("viewTitle")
        self.refresh_button = QPushButton(self.tr("Atualizar"))
        self.refresh_button.setObjectName("refresh")
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.model = RowsTableModel(
            ("Paciente", "Passo", "Situação", "Valor hoje"), right_aligned=(3,)
        )
        self.table = make_table(self.model, "todayTable", (160, 155, 100, 90))
        # First of all: paid debts still negativadas (Súmula 548 STJ — 5 business days).
        self.removals = RemovalsPanel()
        self.detail = DraftPanel(services.contacts)

        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.refresh_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([640, 460])
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.summary)
        layout.addWidget(self.removals)
        layout.addWidget(split, 1)

        self.refresh_button.clicked.connect(self.load)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.detail.show_draft(self._draft(current.row()))
        )
        self.removals.removal_requested.connect(self._negativacao_dialog)
        self.detail.negativacao_requested.connect(self._negativacao_dialog)
        self.detail.logged.connect(self._logged)
        self.detail.open_patient.connect(self.open_patient)
        self.detail.document_requested.connect(self.document_requested)

    # --- loading ------------------------------------------------------------------------
    def load(self) -> None:
        """Compute today's list off the UI thread (thousands of patients take seconds)."""
        if self.loading:
            return
        self.loading = True
        self.refresh_button.setEnabled(False)
        today = self.services.clock.today()
        weekday = QLocale(QLocale.Language.Portuguese, QLocale.Country.Brazil).dayName(
            QDate(today.year, today.month, today.day).dayOfWeek()
        )
        self.title.setText(
            self.tr("Cobrança de hoje — {day}, {date}").format(day=weekday, date=format_date(today))
        )
        self.summary.setText(self.tr("Preparando as mensagens de hoje…"))
        drafts, negativacao = self.services.drafts, self.services.negativacao

        def job(_progress: Progress, _cancelled: IsCancelled) -> Today:
            return drafts.today(), negativacao.pending_removals()

        ops.start(self, job, on_success=self._loaded, on_error=self._failed)

    def _loaded(self, result: Today) -> None:
        drafts, removals = result
        self.loading = False
        self.refresh_button.setEnabled(True)
        may_record = self.services.actor.can(Permission.NEGATIVACAO)
        self.removals.show_removals(removals, may_record)
        self.set_drafts(drafts)
        self.loaded.emit(len(drafts))

    def _failed(self, exc: EmDiaError) -> None:
        self.loading = False
        self.refresh_button.setEnabled(True)
        self.summary.setText(exc.message)
        self.loaded.emit(0)

    def set_drafts(self, drafts: list[MessageDraft]) -> None:
        self.drafts = list(drafts)
        self.model.set_rows([self._row(d) for d in self.drafts])
        self._summarise()
        if self.drafts:
            self.table.selectRow(0)
        self.detail.show_draft(self._draft(0))

    def _row(self, d: MessageDraft) -> Row:
        tips = []
        if d.recipient_id != d.patient_id:
            to = d.recipient_name
            tips.append(self.tr("Para {name} (responsável financeiro)").format(name=to))
        if d.days_late:
            tips.append(self.tr("{n} dia(s) de atraso").format(n=d.days_late))
        tips += [*d.flags, d.reason]
        return Row(
            [
                d.patient_name,
                d.step_name
                if label(d.channel) == d.step_name
                else f"{d.step_name} · {label(d.channel)}",
                d.status,
                format_brl(d.amount_cents) if d.amount_cents else "",
            ],
            key=d.patient_id,
            colour=None if d.allowed_now else WAITING_COLOUR,
            tooltip="\n".join(t for t in tips if t),
        )

    def _summarise(self) -> None:
        total = len(self.drafts)
        if not total:
            self.summary.setText(self.tr("Nenhum contato de cobrança para hoje. Bom trabalho!"))
            return
        now = sum(1 for d in self.drafts if d.allowed_now)
        self.summary.setText(
            self.tr(
                "{total} paciente(s) para hoje: {now} podem ser contatados agora; {wait} "
                "aguardam (a coluna Situação diz por quê)."
            ).format(total=total, now=now, wait=total - now)
        )

    # --- the selected row ---------------------------------------------------------------
    def _draft(self, row: int) -> MessageDraft | None:
        return self.drafts[row] if 0 <= row < len(self.drafts) else None

    def current(self) -> MessageDraft | None:
        return self._draft(self.table.currentIndex().row())

    def _logged(self, draft: MessageDraft) -> None:
        """The outcome is recorded: the row leaves the list, the next one is selected."""
        row = self.drafts.index(draft)
        del self.drafts[row]
        self.model.set_rows([self._row(d) for d in self.drafts])
        self._summarise()
        if self.drafts:
            self.table.selectRow(min(row, len(self.drafts) - 1))
        self.detail.show_draft(self._draft(min(row, len(self.drafts) - 1)))
        self.logged.emit(draft.patient_id)

    def _negativacao_dialog(self, patient_id: int, contract_id: int | None) -> None:
        """The checklist and the inclusion (a régua step), or the removal of a paid debt."""
        dialog = NegativacaoDialog(self.services, patient_id, contract_id, self)
        if dialog.exec() and dialog.saved is not None:
            self.detail.status.setText(
                self.tr("{name}: negativação {status}.").format(
                    name=dialog.saved.row.patient_name, status=dialog.saved.status
                )
            )
            self.load()
