"""Nova proposta de acordo: choose the open installments (each with its amount updated today),
see the debt itemised, type discount, entrada, parcelas and first due date, compare the options
side by side (the patient chooses), then accept and print the termo de confissão de dívida in
one click."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.agreements import (
    AgreementForm,
    AgreementOption,
    AgreementView,
    OpenInstallment,
    debt_of,
)
from app.domain.contracts import MAX_INSTALLMENTS
from app.domain.dates import format_date
from app.domain.documents import ArchivedDocument
from app.domain.money import format_brl
from app.errors import EmDiaError, ValidationError
from app.services.agreements import AgreementService
from app.services.base import Permission
from app.services.documents.single import DocumentService
from ui import ops
from ui.widgets.form import in_one_line, line_edit
from ui.widgets.form_dialog import FormDialog

DEFAULT_COUNT = 6
FIRST_DUE_DAYS = 30  # a month to organise the first parcela

COLUMNS = ("", "Parcela", "Paciente", "Vencimento", "Atraso", "Principal", "Multa", "Juros",
           "Correção", "Atualizado hoje")  # fmt: skip
MONEY_COLUMNS = (5, 6, 7, 8, 9)


ACCEPT_AND_PRINT = "Aceitar acordo e imprimir confissão"
SEND_TO_GESTOR = "Enviar para aprovação do gestor"


class AgreementDialog(FormDialog):
    def __init__(
        self,
        service: AgreementService,
        documents: DocumentService,
        patient_id: int,
        patient_name: str,
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "AgreementDialog",
            f"Nova proposta de acordo — {patient_name}",
            ACCEPT_AND_PRINT,
            parent,
        )
        self.service = service
        self.documents = documents
        self.patient_id = patient_id
        self.saved: AgreementView | None = None
        self.document: ArchivedDocument | None = None
        self.open_installments: list[OpenInstallment] = (
            ops.call(self, lambda: service.open_installments(patient_id)) or []
        )
        # Built in the order the screen reads, which is also the Tab order.
        installments = self._installments_column()
        terms = QHBoxLayout()
        terms.addWidget(self._terms_form(today), 2)
        terms.addLayout(self._options_column(), 3)
        self.approval_note = QLabel()
        self.approval_note.setObjectName("approval_note")
        self.approval_note.setWordWrap(True)
        self.approval_note.setStyleSheet("color: #7a4a00;")
        self.approval_note.hide()
        self.propose_button = QPushButton(self.tr("Só salvar a proposta"))
        self.propose_button.setObjectName("propose")
        self.propose_button.setToolTip(
            self.tr("Grava a proposta sem aceitar (para o paciente pensar ou o gestor aprovar).")
        )
        self.buttons.addButton(self.propose_button, self.buttons.ButtonRole.ActionRole)
        self.propose_button.clicked.connect(self.save_proposal)
        layout = QVBoxLayout(self)
        layout.addWidget(self.general_error)
        layout.addLayout(installments, 3)
        layout.addLayout(terms, 2)
        layout.addWidget(self.approval_note)
        layout.addWidget(self.buttons)
        self.resize(1100, 720)

        self._debounce = self.preview_while_typing(
            self.refresh_preview,
            self.discount.textChanged,
            self.down_payment.textChanged,
            self.first_due.textChanged,
            self.count.valueChanged,
            self.table.itemChanged,
        )
        self.discount.setFocus()
        self.refresh_preview()

    # --- building ---------------------------------------------------------------------------
    def _installments_column(self) -> QVBoxLayout:
        """The open installments, each updated to today; the overdue ones come checked."""
        self.table = QTableWidget(len(self.open_installments), len(COLUMNS))
        self.table.setObjectName("installments")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, item in enumerate(self.open_installments):
            self._fill_row(row, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.totals = QLabel()
        self.totals.setObjectName("totals")
        self.totals.setWordWrap(True)
        chosen = QFormLayout()
        self.errors.add_row(chosen, "", self.table, "installment_ids")
        column = QVBoxLayout()
        column.addWidget(QLabel(self.tr("Parcelas em aberto (marque as do acordo):")))
        column.addLayout(chosen, 1)
        column.addWidget(self.totals)
        return column

    def _terms_form(self, today: date) -> QWidget:
        """Discount, entrada, parcelas and the first due date (a month away by default)."""
        self.discount = line_edit("discount", self.tr("0,00 — primeiro sobre multa e juros"))
        self.down_payment = line_edit("down_payment", self.tr("0,00 (opcional, vence hoje)"))
        self.count = QSpinBox()
        self.count.setObjectName("count")
        self.count.setRange(1, MAX_INSTALLMENTS)
        self.count.setValue(DEFAULT_COUNT)
        self.count.setSuffix("x")
        self.first_due = line_edit("first_due")
        self.first_due.setText(format_date(today + timedelta(days=FIRST_DUE_DAYS)))
        self.notes = line_edit("notes", self.tr("opcional — o que foi conversado"))
        box = QWidget()
        box.setMinimumWidth(380)
        form = QFormLayout(box)
        self.errors.add_row(form, self.tr("Desconto (R$)"), self.discount, "discount")
        self.errors.add_row(form, self.tr("Entrada (R$)"), self.down_payment, "down_payment")
        self.errors.add_row(form, self.tr("Parcelas*"), self.count, "count")
        self.errors.add_row(form, self.tr("1º vencimento*"), self.first_due, "first_due")
        self.errors.add_row(form, self.tr("Observações"), self.notes)
        return box

    def _options_column(self) -> QVBoxLayout:
        """The options side by side, for the patient to choose: a new date, the proposal,
        smaller parcelas."""
        self.options_row = QHBoxLayout()
        self.option_boxes: list[QGroupBox] = []
        self.options_note = QLabel()
        self.options_note.setObjectName("options_note")
        self.options_note.setWordWrap(True)
        column = QVBoxLayout()
        column.addWidget(QLabel(self.tr("Opções lado a lado (mesma dívida e desconto):")))
        column.addLayout(self.options_row, 1)
        column.addWidget(self.options_note)
        return column

    # --- the installments table ---------------------------------------------------------
    def _fill_row(self, row: int, item: OpenInstallment) -> None:
        line = item.line
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        # Overdue ones come checked: they are what the acordo is about.
        check.setCheckState(Qt.CheckState.Checked if line.is_overdue else Qt.CheckState.Unchecked)
        self.table.setItem(row, 0, check)
        cells = [
            item.origin.label,
            item.patient_name,
            format_date(line.effective_due_date),
            self.tr("{n} dias").format(n=line.days_late) if line.days_late else "",
            format_brl(line.open_principal_cents),
            format_brl(line.fine_cents),
            format_brl(line.interest_cents),
            format_brl(line.correction_cents),
            format_brl(line.open_principal_cents + line.charges_cents),
        ]
        for column, text in enumerate(cells, start=1):
            cell = QTableWidgetItem(text)
            if column in MONEY_COLUMNS:
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, cell)

    def checked(self) -> list[OpenInstallment]:
        return [
            item
            for row, item in enumerate(self.open_installments)
            if (cell := self.table.item(row, 0)) is not None
            and cell.checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, installment_ids: set[int]) -> None:
        for row, item in enumerate(self.open_installments):
            cell = self.table.item(row, 0)
            if cell is not None:
                wanted = item.origin.installment_id in installment_ids
                cell.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    # --- preview --------------------------------------------------------------------------
    def form(self) -> AgreementForm:
        return AgreementForm(
            installment_ids=tuple(i.origin.installment_id for i in self.checked()),
            discount=self.discount.text(),
            down_payment=self.down_payment.text(),
            count=str(self.count.value()),
            first_due=self.first_due.text(),
            notes=self.notes.text(),
        )

    def refresh_preview(self) -> None:
        self._debounce.stop()
        chosen = self.checked()
        debt = debt_of([i.origin for i in chosen])
        self.totals.setText(
            self.tr(
                "{n} parcela(s): principal {p} + multa {f} + juros {j} + correção {c} = "
                "<b>dívida atualizada {t}</b>"
            ).format(
                n=len(chosen),
                p=format_brl(debt.principal_cents),
                f=format_brl(debt.fine_cents),
                j=format_brl(debt.interest_cents),
                c=format_brl(debt.correction_cents),
                t=format_brl(debt.total_cents),
            )
        )
        form = self.form()
        found = ops.call(
            self, lambda: self.service.preview(self.patient_id, form), on_error=self._no_options
        )
        if found is None:
            return
        self._show_options(found)
        typed = next(o for o in found if o.key == "proposta")
        self.options_note.setText(
            self.tr(
                "Total do acordo {t} (desconto {d}). Vencimentos em fim de semana ou feriado "
                "passam para o dia útil seguinte."
            ).format(t=format_brl(typed.plan.total_cents), d=format_brl(typed.plan.discount_cents))
        )
        note = self.service.approval_note(typed.plan)
        self.approval_note.setText(note or "")
        self.approval_note.setVisible(bool(note))
        # Whoever may not give this discount sends the proposal to the gestor: "Aceitar" would
        # promise the patient what the desk cannot grant.
        waits = note is not None and not self.service.actor.can(Permission.DISCOUNT_ABOVE_LIMIT)
        self.save_button.setText(self.tr(SEND_TO_GESTOR if waits else ACCEPT_AND_PRINT))

    def _no_options(self, exc: EmDiaError) -> None:
        self._show_options([])
        if isinstance(exc, ValidationError):
            self.options_note.setText(self.tr("Para ver as opções: ") + in_one_line(exc))
            self.approval_note.hide()
        else:
            self.options_note.setText(exc.message)

    def _show_options(self, found: list[AgreementOption]) -> None:
        for box in self.option_boxes:
            self.options_row.removeWidget(box)
            box.hide()
            box.setParent(None)  # gone from findChild now, not at the next event loop turn
            box.deleteLater()
        self.option_boxes = []
        for option in found:
            box = QGroupBox(option.title)
            box.setObjectName(f"option_{option.key}")
            inner = QVBoxLayout(box)
            plan = option.plan
            lines = [f"<i>{option.hint}</i>"]
            if plan.down_payment_cents:
                lines.append(
                    self.tr("Entrada {v} em {d}").format(
                        v=format_brl(plan.down_payment_cents), d=format_date(plan.as_of)
                    )
                )
            parcels = plan.parcels
            shown = parcels if len(parcels) <= 4 else (*parcels[:3], None, parcels[-1])
            for p in shown:
                if p is None:
                    lines.append("…")
                    continue
                lines.append(
                    f"{p.number}/{plan.count} · {format_date(p.effective_due_date)} · "
                    f"{format_brl(p.amount_cents)}"
                )
            lines.append(self.tr("<b>Total {t}</b>").format(t=format_brl(plan.total_cents)))
            text = QLabel("<br/>".join(lines))
            text.setObjectName(f"option_text_{option.key}")
            text.setTextFormat(Qt.TextFormat.RichText)
            inner.addWidget(text)
            inner.addStretch(1)
            if option.key != "proposta":
                use = QPushButton(self.tr("Usar esta ({n}x)").format(n=plan.count))
                use.setObjectName(f"use_{option.key}")
                use.clicked.connect(lambda _c=False, n=plan.count: self.count.setValue(n))
                inner.addWidget(use)
            self.options_row.addWidget(box)
            self.option_boxes.append(box)

    # --- saving -----------------------------------------------------------------------------
    def save_proposal(self) -> None:
        form = self.form()
        view = self.submit(lambda: self.service.propose(self.patient_id, form))
        if view is not None:
            self.saved = view
            self.accept()

    def save(self) -> None:
        """Propose, accept and print the confissão. A proposal waiting for the gestor is saved
        and the dialog says so; nothing is accepted without the approval."""
        form = self.form()
        view = self.submit(lambda: self.service.propose(self.patient_id, form))
        if view is None:
            return
        self.saved = view
        if view.needs_approval:
            self.accept()
            return
        accepted = self.submit(lambda: self.service.accept(view.id))
        if accepted is None:
            return
        self.saved = accepted
        self.document = self.submit(lambda: self.documents.confession(accepted.id))
        self.accept()
