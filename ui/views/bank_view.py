"""Cobrança → Conciliação bancária: the statement downloaded from the bank (OFX) imported, every
credit with the installment it pays, the certain ones registered in one click, the suggestions
one by one, and what is not a patient's payment ignored once."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.bootstrap import Services
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.domain.reconciliation import STATUS_LABELS, MatchStatus, installment_words
from app.errors import EmDiaError
from app.progress import IsCancelled, Progress
from app.services.bank import BankImport, BankLine
from ui import ops
from ui.models.rows_model import Row, RowsTableModel
from ui.widgets.buttons import push_button
from ui.widgets.form import error_label, line_edit
from ui.widgets.tables import make_table

STATUS_COLOURS = {
    MatchStatus.CERTAIN: "#1f6b5e",
    MatchStatus.SUGGESTED: "#9a5b00",
    MatchStatus.UNMATCHED: "#6b6b6b",
}
HEADERS = ("Data", "Valor", "Situação", "Quem pagou", "Paga", "Por quê")


def proposal(line: BankLine) -> str:
    """``Maria da Silva — contrato 12, parcela 3`` (the best candidate), or ``—``."""
    best = line.best
    if best is None:
        return "—"
    parcel = installment_words(best.installment_number)
    parcel = f", {parcel}" if parcel else ""
    who = f"{best.patient_name} — " if best.patient_name else ""
    return f"{who}contrato {best.contract_id}{parcel}"


def summary_text(result: BankImport) -> str:
    """What the import did: the file, the account, the period, how many lines of each kind."""
    period = f"{format_date(result.start)} a {format_date(result.end)}"
    return f"{result.file} ({result.account.label}, {period}): {result.summary}."


def reconciled_text(done: list[BankLine]) -> str:
    """The day's "Pagamentos conciliados hoje": how many credits became (or were linked to)
    payments today, and how much."""
    if not done:
        return "Nenhum pagamento conciliado hoje."
    total = format_brl(sum(line.amount_cents for line in done))
    many = "pagamento conciliado" if len(done) == 1 else "pagamentos conciliados"
    return f"Hoje: {len(done)} {many}, {total}."


class LinePanel(QFrame):
    """Beside the list: the selected credit, its candidates to choose from, a contract to type
    when nobody was found, and Registrar / Ignorar."""

    register = Signal(int, int, object)  # transaction id, contract id, installment or None
    ignore = Signal(int, str)
    open_patient = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bankLinePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(300)
        self.line: BankLine | None = None
        self.body = QLabel()
        self.body.setObjectName("bankLineText")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.candidates = QListWidget()
        self.candidates.setObjectName("bankCandidates")
        self.candidates.setWordWrap(True)
        self.contract = QSpinBox()
        self.contract.setObjectName("bankContract")
        self.contract.setRange(0, 99_999_999)
        self.contract.setSpecialValueText(self.tr("—"))
        self.installment = QSpinBox()
        self.installment.setObjectName("bankInstallment")
        self.installment.setRange(-1, 999)
        self.installment.setSpecialValueText(self.tr("a mais antiga"))
        self.reason = line_edit("bankIgnoreReason", self.tr("Motivo (ex.: maquininha)"))
        self.error = error_label("bankError")
        self.register_button = push_button(
            "bankRegister", self.tr("Registrar pagamento"), self._register
        )
        self.ignore_button = push_button("bankIgnore", self.tr("Ignorar"), self._ignore)
        self.open_button = push_button("bankOpenPatient", self.tr("Abrir paciente"), self._open)
        self.candidates.currentRowChanged.connect(self._candidate_chosen)
        layout = QVBoxLayout(self)
        layout.addWidget(self.body)
        layout.addWidget(QLabel(self.tr("Possíveis pagadores:")))
        layout.addWidget(self.candidates, 1)
        manual = QHBoxLayout()
        manual.addWidget(QLabel(self.tr("Contrato")))
        manual.addWidget(self.contract, 1)
        manual.addWidget(QLabel(self.tr("Parcela")))
        manual.addWidget(self.installment, 1)
        layout.addLayout(manual)
        layout.addWidget(self.register_button)
        ignore_row = QHBoxLayout()
        ignore_row.addWidget(self.reason, 1)
        ignore_row.addWidget(self.ignore_button)
        layout.addLayout(ignore_row)
        layout.addWidget(self.error)
        layout.addWidget(self.open_button)
        self.show_line(None)

    def show_line(self, line: BankLine | None) -> None:
        self.line = line
        self.error.hide()
        self.candidates.clear()
        self.reason.clear()
        for widget in (self.register_button, self.ignore_button, self.contract, self.installment):
            widget.setEnabled(line is not None)
        self.open_button.setEnabled(line is not None and line.best is not None)
        if line is None:
            self.body.setText(self.tr("Selecione um crédito para ver de quem ele pode ser."))
            self.contract.setValue(0)
            self.installment.setValue(-1)
            return
        e = html.escape
        document = f" · {e(line.payer_document)}" if line.payer_document else ""
        self.body.setText(
            f"<b>{format_brl(line.amount_cents)}</b> em {format_date(line.posted_on)}<br>"
            f"<b>{e(line.payer_name or '(o banco não mostra o nome)')}</b>{document}<br>"
            f"<span style='color:#555'>{e(line.memo)}</span><br>"
            f"<i>{e(STATUS_LABELS[line.status])}: {e(line.reason)}</i>"
        )
        for candidate in line.candidates:
            parcel = installment_words(candidate.installment_number)
            parcel = f", {parcel}" if parcel else ""
            item = QListWidgetItem(
                f"{candidate.patient_name} — contrato {candidate.contract_id}{parcel} "
                f"({candidate.score} pts)\n{candidate.reason}"
            )
            self.candidates.addItem(item)
        if line.candidates:
            self.candidates.setCurrentRow(0)
        else:
            self.contract.setValue(0)
            self.installment.setValue(-1)

    def _candidate_chosen(self, row: int) -> None:
        if self.line is None or not 0 <= row < len(self.line.candidates):
            return
        chosen = self.line.candidates[row]
        self.contract.setValue(chosen.contract_id)
        number = chosen.installment_number
        self.installment.setValue(-1 if number is None else number)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _register(self) -> None:
        if self.line is None or self.line.transaction_id is None:
            return
        if self.contract.value() == 0:
            self.show_error(self.tr("Contrato: escolha um pagador da lista ou digite o número."))
            return
        number = self.installment.value()
        self.register.emit(
            self.line.transaction_id, self.contract.value(), None if number < 0 else number
        )

    def _ignore(self) -> None:
        if self.line is not None and self.line.transaction_id is not None:
            self.ignore.emit(self.line.transaction_id, self.reason.text())

    def _open(self) -> None:
        if self.line is not None and self.line.best is not None:
            self.open_patient.emit(self.line.best.patient_id)


class BankView(QWidget):
    """The list of credits waiting, refreshed after every import and every decision."""

    open_patient = Signal(int)
    changed = Signal()  # payments were registered: balances elsewhere moved

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("BankView")
        self.services = services
        self.lines: list[BankLine] = []
        self.model = RowsTableModel(HEADERS, right_aligned=(1,))
        self.table = make_table(self.model, "bankTable", (82, 96, 100, 190, 250, 320))
        self.panel = LinePanel()
        self.import_button = push_button(
            "bankImport", self.tr("Importar extrato (OFX)…"), self.choose_file
        )
        self.certain_button = push_button(
            "bankRegisterCertain", self.tr("Registrar os certos"), self.register_certain
        )
        self.summary = QLabel()
        self.summary.setObjectName("bankSummary")
        self.summary.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("bankStatus")
        self.status.setWordWrap(True)
        self.reconciled = QLabel()
        self.reconciled.setObjectName("bankReconciled")
        top = QHBoxLayout()
        top.addWidget(self.import_button)
        top.addWidget(self.certain_button)
        top.addWidget(self.summary, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 1)
        split.setSizes([900, 340])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.reconciled)
        layout.addWidget(split, 1)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.panel.register.connect(self.register_line)
        self.panel.ignore.connect(self.ignore_line)
        self.panel.open_patient.connect(self.open_patient)

    # --- loading ------------------------------------------------------------------------------
    def refresh(self) -> None:
        lines = ops.call(self, self.services.bank.pending, on_error=ops.show_in(self.status))
        if lines is not None:
            self.show_lines(lines)
        bank, today = self.services.bank, self.services.clock.today()
        done = ops.call(self, lambda: bank.reconciled_on(today), on_error=ops.show_in(self.status))
        if done is not None:
            self.reconciled.setText(reconciled_text(done))

    def show_lines(self, lines: list[BankLine]) -> None:
        selected = self.selected()
        self.lines = lines
        self.model.set_rows([self._row(line) for line in lines])
        certain = sum(1 for line in lines if line.status is MatchStatus.CERTAIN)
        self.certain_button.setText(self.tr("Registrar os certos ({n})").format(n=certain))
        self.certain_button.setEnabled(certain > 0)
        if not lines:
            self.status.setText(self.tr("Nenhum crédito aguardando registro."))
        else:
            self.status.setText(
                self.tr(
                    "{n} crédito(s) aguardando; {c} certo(s) para registrar de uma vez."
                ).format(n=len(lines), c=certain)
            )
        keep = selected.transaction_id if selected else None
        again = next(
            (i for i, x in enumerate(lines) if x.transaction_id == keep), 0 if lines else None
        )
        if again is not None:
            self.table.selectRow(again)
        else:
            self.panel.show_line(None)

    @staticmethod
    def _row(line: BankLine) -> Row:
        return Row(
            cells=(
                format_date(line.posted_on),
                format_brl(line.amount_cents),
                STATUS_LABELS[line.status],
                line.payer_name or line.memo,
                proposal(line),
                line.reason,
            ),
            key=line.transaction_id,
            colour=STATUS_COLOURS.get(line.status),
            tooltip=line.memo,
        )

    def selected(self) -> BankLine | None:
        rows = self.table.selectionModel().selectedRows()
        return self.lines[rows[0].row()] if rows else None

    def _selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self.panel.show_line(self.selected())

    # --- importing ---------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Extrato do banco"),
            str(Path.home()),
            self.tr("Extrato OFX (*.ofx *.OFX);;Todos os arquivos (*)"),
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        bank = self.services.bank

        def job(_progress: Progress, _cancelled: IsCancelled) -> BankImport:
            return bank.import_statement(path)

        self.import_button.setEnabled(False)
        ops.start(self, job, on_success=self._imported, on_error=self._import_failed)

    def _imported(self, result: BankImport) -> None:
        self.import_button.setEnabled(True)
        self.summary.setText(summary_text(result))
        if result.count(MatchStatus.REGISTERED):
            self.changed.emit()
        self.refresh()

    def _import_failed(self, exc: EmDiaError) -> None:
        self.import_button.setEnabled(True)
        self.summary.setText(exc.message)

    # --- deciding ----------------------------------------------------------------------------
    def register_certain(self) -> None:
        done = ops.call(
            self, self.services.bank.register_certain, on_error=ops.show_in(self.status)
        )
        if done is None:
            return
        self.summary.setText(self.tr("{n} pagamento(s) registrado(s).").format(n=len(done)))
        self.changed.emit()
        self.refresh()

    def register_line(self, transaction_id: int, contract_id: int, installment: object) -> None:
        number = installment if isinstance(installment, int) else None
        done = ops.call(
            self,
            lambda: self.services.bank.register(transaction_id, contract_id, number),
            on_error=lambda exc: self.panel.show_error(exc.message),
        )
        if done is None:
            return
        amount, day = format_brl(done.amount_cents), format_date(done.posted_on)
        self.summary.setText(
            self.tr("Crédito de {amount} em {day}: {what}.").format(
                amount=amount, day=day, what=done.reason
            )
        )
        self.changed.emit()
        self.refresh()

    def ignore_line(self, transaction_id: int, reason: str) -> None:
        if ops.attempt(
            self,
            lambda: self.services.bank.ignore([transaction_id], reason),
            on_error=lambda exc: self.panel.show_error(exc.message),
        ):
            self.summary.setText(self.tr("Crédito ignorado: não volta mais para a lista."))
            self.refresh()
