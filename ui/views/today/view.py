"""Cobrança de hoje: the screen the receptionist opens every morning.

One row per patient with the step due today and its drafted text — one row for a responsável
paying for several patients. Copy it, open WhatsApp Web or the e-mail program with it, then log
the outcome in two clicks (the row, then the result); the row leaves the list. Rows outside the
contact rules say why they cannot be done now. The list is filtered by channel (the WhatsApp
work first, the letters apart).
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from app.bootstrap import Services
from app.domain.catalog import Channel, ContractStatus, PaymentMethod, label
from app.domain.contracts import ContractSummary
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.errors import EmDiaError
from app.progress import IsCancelled, Progress
from app.services.base import Permission
from app.services.collection.drafts import MessageDraft
from app.services.negativacao import NegativacaoView
from ui import ops
from ui.dialogs.negativacao_dialog import NegativacaoDialog
from ui.dialogs.payment_dialog import PaymentDialog, PaymentPrefill
from ui.models.rows_model import Row, RowsTableModel
from ui.views.today.draft_panel import DraftPanel
from ui.views.today.removals import WAITING_COLOUR, RemovalsPanel
from ui.widgets.tables import make_table

Today = tuple[list[MessageDraft], list[NegativacaoView]]
ALL = ""
# The channel filter's buttons, in the order of the day's work.
FILTERS = (
    (ALL, "Todos"),
    (Channel.WHATSAPP, "WhatsApp"),
    (Channel.EMAIL, "E-mail"),
    (Channel.SMS, "SMS"),
    (Channel.PHONE, "Ligação"),
    (Channel.LETTER, "Cartas"),
    (Channel.MANUAL, "Gestor"),
)


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
        self.all_drafts: list[MessageDraft] = []  # today's whole list
        self.drafts: list[MessageDraft] = []  # the rows shown (the channel filter applied)
        self.channel = ALL
        self.loading = False
        self.removed_at = 0  # where the last logged row was (Desfazer puts it back there)

        self.title = QLabel()
        self.title.setObjectName("viewTitle")
        self.refresh_button = QPushButton(self.tr("Atualizar"))
        self.refresh_button.setObjectName("refresh")
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.model = RowsTableModel(
            ("Paciente", "Passo", "Canal", "Valor hoje"), right_aligned=(3,)
        )
        self.table = make_table(self.model, "todayTable", stretch_last=False)
        columns = self.table.horizontalHeader()
        columns.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # names get the room
        for index in (1, 2, 3):
            columns.setSectionResizeMode(index, QHeaderView.ResizeMode.ResizeToContents)
        # First of all: paid debts still negativadas (Súmula 548 STJ — 5 business days).
        self.removals = RemovalsPanel()
        self.detail = DraftPanel(services.contacts)

        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.refresh_button)
        rows = QWidget()
        rows_box = QVBoxLayout(rows)
        rows_box.setContentsMargins(0, 0, 0, 0)
        rows_box.addWidget(self._filters())
        rows_box.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(rows)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([560, 540])
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
        self.detail.undone.connect(self._undone)
        self.detail.payment_requested.connect(self.receive_payment)
        self.detail.open_patient.connect(self.open_patient)
        self.detail.document_requested.connect(self.document_requested)

    def _filters(self) -> QTabBar:
        """One tab per channel with its count; the list shows the chosen channel's rows. (Tabs
        scroll when the screen is narrow, where a row of buttons pushed the window wider.)"""
        self.filter_bar = QTabBar()
        self.filter_bar.setObjectName("channelFilter")
        self.filter_bar.setExpanding(False)
        self.filter_bar.setUsesScrollButtons(True)
        self.filter_bar.setDrawBase(False)
        for channel, text in FILTERS:
            index = self.filter_bar.addTab(self.tr(text))
            self.filter_bar.setTabData(index, channel)
        self.filter_bar.currentChanged.connect(
            lambda index: self.show_channel(str(self.filter_bar.tabData(index)))
        )
        return self.filter_bar

    def show_channel(self, channel: str) -> None:
        """Only the rows of ``channel`` (``ALL``: every row)."""
        self.channel = channel
        index = [c for c, _t in FILTERS].index(channel)
        if self.filter_bar.currentIndex() != index:
            self.filter_bar.setCurrentIndex(index)  # comes back here through currentChanged
            return
        self._show_rows()

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
        self.all_drafts = list(drafts)
        self._show_rows()

    def _show_rows(self, select: MessageDraft | None = None) -> None:
        """The rows of the chosen channel; ``select`` (else the first) highlighted."""
        self._count_channels()
        self.drafts = [d for d in self.all_drafts if self.channel in (ALL, d.channel)]
        self.model.set_rows([self._row(d) for d in self.drafts])
        self._summarise()
        row = self.drafts.index(select) if select in self.drafts else 0
        if self.drafts:
            self.table.selectRow(row)
        self.detail.show_draft(self._draft(row))

    def _count_channels(self) -> None:
        """Each tab says how many rows it shows; a channel with none today is hidden."""
        for index, (channel, text) in enumerate(FILTERS):
            count = sum(1 for d in self.all_drafts if channel in (ALL, d.channel))
            self.filter_bar.setTabText(
                index, self.tr("{text} ({n})").format(text=self.tr(text), n=count)
            )
            self.filter_bar.setTabVisible(index, channel == ALL or count > 0)
        if not self.filter_bar.isTabVisible(self.filter_bar.currentIndex()):
            self.channel = ALL
            self.filter_bar.blockSignals(True)
            self.filter_bar.setCurrentIndex(0)
            self.filter_bar.blockSignals(False)

    def _row(self, d: MessageDraft) -> Row:
        tips = []
        if d.recipient_id not in d.patient_ids:
            to = d.recipient_name
            tips.append(self.tr("Para {name} (responsável financeiro)").format(name=to))
        if d.days_late:
            tips.append(self.tr("{n} dia(s) de atraso").format(n=d.days_late))
        tips += [*d.flags, d.status if d.allowed_now else d.reason]
        return Row(
            [
                ", ".join(d.patient_names),
                d.step_name,
                label(d.channel),
                format_brl(d.amount_cents) if d.amount_cents else "",
            ],
            key=d.patient_id,
            colour=None if d.allowed_now else WAITING_COLOUR,
            tooltip="\n".join(t for t in tips if t),
        )

    def _summarise(self) -> None:
        total = len(self.all_drafts)
        if not total:
            self.summary.setText(self.tr("Nenhum contato de cobrança para hoje. Bom trabalho!"))
            return
        now = sum(1 for d in self.all_drafts if d.allowed_now)
        self.summary.setText(
            self.tr(
                "{total} paciente(s) para hoje: {now} podem ser contatados agora; {wait} "
                "aguardam (em laranja; o motivo aparece ao lado)."
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
        self.removed_at = self.all_drafts.index(draft)
        self.all_drafts.remove(draft)
        following = self.drafts[row + 1] if row + 1 < len(self.drafts) else None
        self._show_rows(following or (self.drafts[row - 1] if row else None))
        self.logged.emit(draft.patient_id)

    def _undone(self, draft: MessageDraft) -> None:
        """Desfazer: the row comes back where it was, selected."""
        self.all_drafts.insert(min(self.removed_at, len(self.all_drafts)), draft)
        self._show_rows(draft)
        self.logged.emit(draft.patient_id)

    # --- Pagou: the payment itself ------------------------------------------------------
    def receive_payment(self, draft: MessageDraft) -> None:
        """Receber pagamento filled in for this debt (its amount today, PIX, today); once the
        payment is registered, "pagou" is logged and the row leaves the list."""
        found = ops.call(self, lambda: self._contracts_of(draft))
        if not found:
            self.detail.status.setText(self.tr("Nenhum contrato ativo para receber."))
            return
        parts = {p.contract_id: p for p in draft.parts}
        first = parts.get(draft.contract_id)
        amount = first.amount_cents if first is not None else draft.amount_cents
        dialog = PaymentDialog(
            self.services.payments,
            self.services.contracts,
            found,
            self.services.clock.today(),
            draft.contract_id,
            self,
            prefill=PaymentPrefill(draft.contract_id, amount, PaymentMethod.PIX),
        )
        saved = dialog.saved if dialog.exec() else None
        note = None
        if saved is not None:
            note = self.tr("Pagamento de {amount} registrado (lançamento {id}).").format(
                amount=format_brl(saved.amount_cents), id=saved.payment_id
            )
        self.detail.payment_done(draft, note)

    def _contracts_of(self, draft: MessageDraft) -> list[ContractSummary]:
        """The active contracts the row is about (every patient's, for a payer of several)."""
        wanted = set(draft.contract_ids)
        found = []
        for patient_id in draft.patient_ids:
            found += [
                c
                for c in self.services.contracts.for_patient(patient_id)
                if c.status is ContractStatus.ACTIVE and c.id in wanted
            ]
        return found

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
