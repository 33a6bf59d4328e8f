"""Cobrança → Inadimplentes: who owes what, since when, and why — with filters, search-as-you-
type, any-column sorting, the reasons beside the list, and export of exactly what is shown."""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.bootstrap import Services
from app.domain.aging import BUCKET_LABELS, BUCKETS, Bucket
from app.domain.catalog import label
from app.domain.dates import format_date
from app.domain.money import format_brl, parse_brl
from app.domain.risk import (
    FLAG_LABELS,
    FLAGS,
    SEGMENT_LABELS,
    SEGMENTS,
    SUSPEND_AFTER_DAYS,
    Flag,
    Segment,
)
from app.domain.worklist import OverdueRow, Worklist, WorklistQuery, totals
from app.errors import EmDiaError
from app.progress import IsCancelled, Progress
from ui import ops
from ui.models.overdue_model import (
    FLAGS_COLUMN,
    HIDE_FIRST,
    SEGMENT_COLOURS,
    FlagsRole,
    OverdueTableModel,
)
from ui.tasks import Task
from ui.widgets.buttons import push_button
from ui.widgets.chips import ChipDelegate, chips_html
from ui.widgets.form import line_edit
from ui.widgets.search import SearchBox
from ui.widgets.tables import make_table

COLUMN_WIDTHS = (44, 190, 120, 84, 44, 96, 96, 150, 46, 190, 160)
TYPING_PAUSE_MS = 300


class ReasonsPanel(QFrame):
    """Beside the list: the selected patient's segment, score and every reason for it."""

    open_patient = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reasonsPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(280)
        self.body = QLabel()
        self.body.setObjectName("reasons")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.open_button = QPushButton(self.tr("Abrir paciente"))
        self.open_button.setObjectName("openPatient")
        layout = QVBoxLayout(self)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.open_button)
        self.row: OverdueRow | None = None
        self.open_button.clicked.connect(
            lambda: self.open_patient.emit(self.row.patient_id) if self.row else None
        )
        self.show_row(None)

    def show_row(self, row: OverdueRow | None) -> None:
        self.row = row
        self.open_button.setEnabled(row is not None)
        if row is None:
            self.body.setText(
                self.tr("Selecione um paciente na lista para ver por que ele está nesta posição.")
            )
            return
        self.body.setText(reasons_html(row))


def reasons_html(row: OverdueRow) -> str:
    a = row.assessment
    e = html.escape
    colour = SEGMENT_COLOURS[a.segment]
    parts = [f"<h3 style='margin:0'>{e(row.patient_name)}</h3>"]
    if not row.payer_is_patient:
        parts.append(f"<p>Cobrar de <b>{e(row.payer_name)}</b> (responsável financeiro)</p>")
    parts.append(
        f"<p><span style='color:{colour}; font-weight:600'>{e(a.segment_label)}</span>"
        f" · risco <b>{a.score}</b>/100<br>"
        f"<span style='color:#555'>{e(a.segment_reason)}</span></p>"
    )
    if a.flags:
        parts.append(f"<p>{chips_html([FLAG_LABELS[f] for f in a.flags])}</p>")
    parts.append("<p><b>Por quê</b> (pontos do risco):</p><table cellspacing='2'>")
    for reason in a.reasons:
        parts.append(
            f"<tr><td align='right' style='color:#555'>+{reason.points}</td>"
            f"<td>{e(reason.text)}</td></tr>"
        )
    parts.append("</table>")
    parts.append(f"<p><b>Como paga:</b> {e(a.pattern.text())}</p>")
    ids = row.debt.contract_ids
    contracts = ("contratos " if len(ids) > 1 else "contrato ") + ", ".join(str(c) for c in ids)
    if row.installments:
        parts.append(
            f"<p><b>Em atraso:</b> {row.installments} parcela"
            f"{'s' if row.installments > 1 else ''} ({contracts}) desde "
            f"{format_date(row.oldest_due_date)}, há {row.days_late} dias<br>principal "
            f"{format_brl(row.overdue_cents)} · atualizado hoje "
            f"<b>{format_brl(row.updated_cents)}</b></p>"
        )
    if row.prescribed_installments:
        n = row.prescribed_installments
        parts.append(
            f"<p><b>Prescrito</b> (não cobrável, CC art. 206 §5 I): {n} parcela"
            f"{'s' if n > 1 else ''}, principal {format_brl(row.prescribed_cents)} — nenhuma "
            "cobrança, nem extrajudicial; só se o paciente quiser pagar.</p>"
        )
    if row.last_contact_at is not None:
        outcome = label(row.last_contact_outcome) if row.last_contact_outcome else ""
        parts.append(
            f"<p><b>Último contato:</b> {row.last_contact_at:%d/%m/%Y %H:%M}"
            f"{' — ' + e(outcome) if outcome else ''}</p>"
        )
    else:
        parts.append("<p><b>Último contato:</b> nenhum registrado</p>")
    if row.suspended:
        parts.append("<p style='color:#b3261e'><b>Novos tratamentos suspensos.</b></p>")
    elif row.suspension_suggested:
        parts.append(
            "<p style='color:#9a5b00'>Sugestão: suspender novos tratamentos (atraso de "
            f"{SUSPEND_AFTER_DAYS} dias ou mais, após a notificação com prazo final).</p>"
        )
    return "".join(parts)


def _choices(name: str, everything: str, items: Iterable[tuple[str, str]]) -> QComboBox:
    """A filter: "all" first (no value), then each (label, value)."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItem(everything, None)
    for text, value in items:
        combo.addItem(text, value)
    return combo


class OverdueView(QWidget):
    open_patient = Signal(int)
    loaded = Signal()  # a new worklist is on screen
    exported = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("OverdueView")
        self.services = services
        self.task: Task | None = None
        self.pending = False
        self.model = OverdueTableModel()

        self.summary = QLabel()
        self.summary.setObjectName("count")
        self.status = QLabel()
        self.status.setObjectName("status")
        filters = self._filters()
        self.table = make_table(self.model, "overdueTable", COLUMN_WIDTHS)
        self.table.setItemDelegateForColumn(FLAGS_COLUMN, ChipDelegate(FlagsRole, self.table))
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.panel = ReasonsPanel()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 0)
        split.setSizes([1400, 300])
        split.splitterMoved.connect(lambda _pos, _index: self.fit_columns())
        info = QHBoxLayout()
        info.addWidget(self.summary, 1)
        info.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(info)
        layout.addWidget(split, 1)
        self.table.activated.connect(
            lambda index: self.open_patient.emit(self.model.item(index.row()).patient_id)
        )
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.panel.open_patient.connect(self.open_patient)

    def _filters(self) -> QHBoxLayout:
        """Search as you type; aging band, segment, signal and a minimum amount; refresh and
        export exactly what is shown."""
        self.search = SearchBox(self.tr("Buscar por nome, CPF ou telefone…"))
        self.bucket = _choices("bucketFilter", self.tr("Todas as faixas"),
                               ((BUCKET_LABELS[b], b.value) for b in BUCKETS))  # fmt: skip
        self.segment = _choices("segmentFilter", self.tr("Todos os segmentos"),
                                ((SEGMENT_LABELS[s], s.value) for s in SEGMENTS))  # fmt: skip
        self.flag = _choices("flagFilter", self.tr("Todos os sinais"),
                             ((FLAG_LABELS[f], f.value) for f in FLAGS))  # fmt: skip
        self.min_amount = line_edit("minAmount", self.tr("Valor mínimo, ex. 500,00"))
        self.min_amount.setMaximumWidth(170)
        self.refresh_button = push_button("refresh", self.tr("Atualizar"), self.refresh)
        self.export_button = push_button("export", self.tr("Exportar…"), self.choose_export_file)
        row = QHBoxLayout()
        row.addWidget(self.search, 2)
        for widget in (self.bucket, self.segment, self.flag, self.min_amount,
                       self.refresh_button, self.export_button):  # fmt: skip
            row.addWidget(widget)
        self.search.searched.connect(lambda _text: self.apply_filters())
        for combo in (self.bucket, self.segment, self.flag):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        # The minimum amount filters as it is typed, like the search beside it.
        self.amount_timer = QTimer(self)
        self.amount_timer.setSingleShot(True)
        self.amount_timer.setInterval(TYPING_PAUSE_MS)
        self.amount_timer.timeout.connect(self.apply_filters)
        self.min_amount.textEdited.connect(lambda _text: self.amount_timer.start())
        self.min_amount.editingFinished.connect(self.apply_filters)
        return row

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Every column that fits beside the reasons panel; less important ones hide first,
        so the list never needs a sideways scroll (their facts are in the panel)."""
        room = self.table.viewport().width()
        hidden: set[int] = set()
        for column in HIDE_FIRST:
            if sum(w for c, w in enumerate(COLUMN_WIDTHS) if c not in hidden) <= room:
                break
            hidden.add(column)
        for column in range(len(COLUMN_WIDTHS)):
            self.table.setColumnHidden(column, column in hidden)

    # --- loading (off the UI thread) ------------------------------------------------------
    def refresh(self) -> None:
        """Recompute the worklist in the background; the current list stays until it is ready."""
        if self.task is not None:
            self.pending = True
            return
        self.status.setText(self.tr("Calculando…"))
        overdue = self.services.overdue

        def job(progress: Progress, _cancelled: IsCancelled) -> Worklist:
            return overdue.worklist(progress=progress)

        self.task = ops.start(
            self,
            job,
            on_success=self._loaded,
            on_error=self._failed,
            progress=self.tr("Calculando os inadimplentes e o risco de cada um…"),
        )

    def _loaded(self, worklist: Worklist) -> None:
        # Shown even if the user pressed Cancel meanwhile: the work is done, and it is current.
        self.task = None
        self.model.show(worklist, self.query())
        self.status.setText(
            self.tr("Valores atualizados em {date}").format(date=format_date(worklist.as_of))
        )
        self._show_summary()
        self.loaded.emit()
        if self.pending:
            self.pending = False
            self.refresh()

    def _failed(self, exc: EmDiaError) -> None:
        self.task = None
        self.pending = False
        self.status.setText(exc.message)

    # --- filters ------------------------------------------------------------------------
    def query(self) -> WorklistQuery:
        """What the user chose; a minimum amount that does not parse is shown, not applied."""
        text = self.min_amount.text().strip()
        self.min_amount.setToolTip("")
        self.min_amount.setStyleSheet("")
        min_cents = 0
        if text:
            parsed = ops.call(
                self,
                lambda: parse_brl(text, "min_amount", "valor mínimo"),
                on_error=self._bad_amount,
            )
            min_cents = parsed or 0
        current = self.model.filters
        bucket, segment, flag = (c.currentData() for c in (self.bucket, self.segment, self.flag))
        return WorklistQuery(
            text=self.search.text(),
            bucket=Bucket(bucket) if bucket else None,
            segment=Segment(segment) if segment else None,
            flag=Flag(flag) if flag else None,
            min_cents=min_cents,
            sort=current.sort,
            descending=current.descending,
        )

    def _bad_amount(self, exc: EmDiaError) -> None:
        self.min_amount.setToolTip(exc.message)
        self.min_amount.setStyleSheet("border: 1px solid #b3261e;")

    def apply_filters(self) -> None:
        self.amount_timer.stop()
        self.model.apply(self.query())
        self._show_summary()

    def show_bucket(self, bucket: Bucket | None) -> None:
        """Filter by an aging band (from the dashboard's chart)."""
        self.bucket.setCurrentIndex(max(0, self.bucket.findData(bucket.value if bucket else None)))

    def _show_summary(self) -> None:
        t = totals(self.model.selected)
        everyone = self.model.worklist.totals()
        text = self.tr("{n} pacientes · {i} parcelas · principal {p} · atualizado hoje {u}").format(
            n=t.patients,
            i=t.installments,
            p=format_brl(t.overdue_cents),
            u=format_brl(t.updated_cents),
        )
        if t.patients != everyone.patients:
            text += self.tr("  (de {n} inadimplentes)").format(n=everyone.patients)
        if t.prescribed_cents:
            text += self.tr(" · prescrito, não cobrável: {p}").format(
                p=format_brl(t.prescribed_cents)
            )
        self.summary.setText(text)
        self._selection_changed()

    def _selection_changed(self, *_args: QItemSelection) -> None:
        index = self.table.currentIndex()
        rows = self.table.selectionModel().selectedRows()
        if rows:
            index = rows[0]
        self.panel.show_row(self.model.item(index.row()) if index.isValid() and rows else None)

    # --- export -------------------------------------------------------------------------
    def choose_export_file(self) -> None:
        suggested = str(Path.home() / f"inadimplentes-{self.model.worklist.as_of:%Y-%m-%d}.xlsx")
        path, _kind = QFileDialog.getSaveFileName(
            self,
            self.tr("Exportar inadimplentes"),
            suggested,
            self.tr("Planilha Excel (*.xlsx);;CSV separado por ponto e vírgula (*.csv)"),
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write the list exactly as shown (filters and order) to .xlsx or .csv, in the
        background; ``exported`` says how many rows went out."""
        rows = list(self.model.selected)
        overdue = self.services.overdue

        def job(_progress: Progress, _cancelled: IsCancelled) -> int:
            return overdue.export(path, rows)

        def done(count: int) -> None:
            self.status.setText(
                self.tr("{n} pacientes exportados para {file}").format(n=count, file=path.name)
            )
            self.exported.emit(count)

        ops.start(
            self,
            job,
            on_success=done,
            on_error=ops.show_in(self.status),
            progress=self.tr("Exportando a lista…"),
        )
