"""A patient's contracts (above) and the installments of the selected one, each updated to today
with its fine, interest and correction (below)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from app.domain.catalog import KIND_LABELS
from app.domain.contracts import ContractSummary, ContractView
from app.domain.dates import format_date
from app.domain.law import STATUS_LABELS, DebtLine, correction_partial_text, missing_index_months
from app.domain.money import format_brl
from app.domain.signatures import SignedDocument
from ui.models.contracts_model import terms_cells
from ui.models.rows_model import COLOURS, Row, RowsTableModel
from ui.widgets.tables import make_table


class ContractsPanel(QSplitter):
    contract_selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setObjectName("contractsPanel")
        self.model = RowsTableModel(
            ("Contrato", "Início", "Total", "Parcelas", "Forma", "Situação", "Saldo (principal)",
             "Próximo vencimento"),
            right_aligned=(2, 6),
        )  # fmt: skip
        self.table = make_table(self.model, "contracts", (80, 90, 110, 70, 90, 90, 130))
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        # "assinado eletronicamente por … em dd/mm": only when the contract came back signed.
        self.signature = QLabel()
        self.signature.setObjectName("contractSignature")
        self.signature.setWordWrap(True)
        self.signature.hide()
        self.lines_model = RowsTableModel(
            ("Nº", "Vencimento", "Valor", "Pago", "Situação", "Atraso", "Multa", "Juros",
             "Correção", "Atualizado hoje"),
            right_aligned=(2, 3, 5, 6, 7, 8, 9),
        )  # fmt: skip
        self.lines_table = make_table(
            self.lines_model, "installments", (60, 95, 100, 100, 120, 60, 80, 80, 80)
        )
        lines_box = QWidget()
        lines_layout = QVBoxLayout(lines_box)
        lines_layout.setContentsMargins(0, 0, 0, 0)
        lines_layout.addWidget(self.summary)
        lines_layout.addWidget(self.signature)
        lines_layout.addWidget(self.lines_table, 1)
        self.addWidget(self.table)
        self.addWidget(lines_box)
        self.setSizes([120, 310])
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.contract_selected.emit(self.model.key(current.row()))

    def show_contracts(
        self, summaries: list[ContractSummary], patient_id: int, select_id: int | None
    ) -> int | None:
        """List them (a dependant's contract says whose it is) and highlight ``select_id``,
        else the first; returns the highlighted contract's id (``None`` when there is none)."""
        self.model.set_rows([self._row(c, patient_id) for c in summaries])
        keys = [c.id for c in summaries]
        if not keys:
            self.lines_model.set_rows([])
            self.summary.setText(self.tr('Nenhum contrato ainda. Use "Novo contrato".'))
            return None
        index = keys.index(select_id) if select_id in keys else 0
        self.table.selectRow(index)
        return keys[index]

    def _row(self, c: ContractSummary, patient_id: int) -> Row:
        return Row(
            [str(c.id), *terms_cells(c)],
            key=c.id,
            tooltip=self.tr("Paciente: {name}").format(name=c.patient_name)
            if c.patient_id != patient_id
            else "",
        )

    def show_lines(self, view: ContractView) -> None:
        """The installments of ``view`` and what it takes, today, to be up to date."""
        self.lines_model.set_rows([self._line(ln) for ln in view.lines])
        text = self.tr(
            "Contrato {id} — valores atualizados em {date}: em atraso {overdue}; para "
            "quitar tudo hoje {total}."
        ).format(
            id=view.summary.id,
            date=format_date(view.as_of),
            overdue=format_brl(view.overdue_cents),
            total=format_brl(view.total_due_cents),
        )
        if view.credit_cents:
            text += self.tr(" Crédito do paciente: {c}.").format(c=format_brl(view.credit_cents))
        missing = missing_index_months(view.lines)
        if missing:  # never a silent 0 %: the correction shown is partial, and why
            text += " " + correction_partial_text(missing)
        self.summary.setText(text)

    def show_signatures(self, signed: list[SignedDocument]) -> None:
        """The selected contract's documents signed electronically, each with what was
        verified (empty: nothing shown)."""
        texts = [self._signature_text(s) for s in signed]
        self.signature.setText(" ".join(texts))
        self.signature.setVisible(bool(texts))

    def _signature_text(self, s: SignedDocument) -> str:
        kind = KIND_LABELS.get(s.original_kind, s.original_kind)
        text = self.tr("{kind}: {note} (documento {id}").format(
            kind=kind, note=s.note, id=s.document_id
        )
        if not s.matches_debtor:
            text += self.tr("; não é quem o contrato cobra")
        if not s.trusted:
            text += self.tr("; cadeia não verificada")
        return text + ")."

    def _line(self, ln: DebtLine) -> Row:
        status = STATUS_LABELS[ln.status]
        tooltip = ""
        if ln.effective_due_date != ln.due_date:
            tooltip = self.tr("Vencimento contratado {d}, passou para o dia útil seguinte.").format(
                d=format_date(ln.due_date)
            )
        if ln.discount_cents:
            tooltip += self.tr(" Desconto de pontualidade de {v} até o vencimento.").format(
                v=format_brl(ln.discount_cents)
            )
        if ln.correction_missing:
            tooltip += " " + correction_partial_text(ln.correction_missing)
        return Row(
            [
                self.tr("entrada") if ln.number == 0 else str(ln.number),
                format_date(ln.effective_due_date),
                format_brl(ln.principal_cents),
                format_brl(ln.paid_cents),
                status,
                str(ln.days_late) if ln.days_late else "",
                format_brl(ln.fine_cents) if ln.fine_cents else "",
                format_brl(ln.interest_cents) if ln.interest_cents else "",
                format_brl(ln.correction_cents) if ln.correction_cents else "",
                format_brl(ln.total_cents) if ln.is_open else "",
            ],
            key=ln.number,
            colour=COLOURS.get(status),
            tooltip=tooltip.strip(),
        )
