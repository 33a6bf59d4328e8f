"""Negativação: the readiness checklist of a patient's debt (✔/✘ with the reason per line), the
inclusion (bureau, date, protocol — "Incluir" stays disabled until every line holds and only the
gestor may use it), and the removal of a negativação whose debt was paid (Súmula 548 STJ)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.bootstrap import Services
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.domain.negativacao import BUREAU_LABELS, REMOVAL_REASONS
from app.errors import EmDiaError
from app.services.base import Permission
from app.services.negativacao import (
    ContractCheck,
    InclusionForm,
    NegativacaoView,
    RemovalForm,
    describe,
)
from ui import ops
from ui.widgets.form import FieldErrors, error_label, line_edit
from ui.widgets.form_dialog import FormDialog

OK_COLOUR, FAIL_COLOUR, LATE_COLOUR = "#1f6b5e", "#b3261e", "#b3261e"


class NegativacaoDialog(FormDialog):
    def __init__(
        self,
        services: Services,
        patient_id: int,
        contract_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("NegativacaoDialog", "Negativação", "Incluir", parent)
        self.services = services
        self.patient_id = patient_id
        self.saved: NegativacaoView | None = None
        self.checks: list[ContractCheck] = []
        self.open_views: list[NegativacaoView] = []
        self.may_act = services.actor.can(Permission.NEGATIVACAO)

        intro = QLabel(
            self.tr(
                "A inclusão em cadastro de inadimplentes é a última etapa da cobrança e é "
                "decisão do gestor. Registre aqui o que foi feito no portal do birô."
            )
        )
        intro.setWordWrap(True)
        today = format_date(services.clock.today())
        self.inclusion = self._inclusion(today)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.removal_box = self._removal_box(today)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.inclusion, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        layout.addWidget(self.removal_box)
        self.cancel_button.setText(self.tr("Fechar"))
        self.contract.currentIndexChanged.connect(lambda _i: self.show_check())
        self.current.currentIndexChanged.connect(lambda _i: self.show_removal())
        self.remove_button.clicked.connect(self.remove)
        self.load(contract_id)
        self.resize(640, 620 if self.checks else 320)

    # --- building ---------------------------------------------------------------------------
    def _inclusion(self, today: str) -> QWidget:
        """Which contract, the bureau, date and protocol, and the checklist before including."""
        self.contract = QComboBox()
        self.contract.setObjectName("contract")
        self.bureau = QComboBox()
        self.bureau.setObjectName("bureau")
        for value, text in BUREAU_LABELS.items():
            self.bureau.addItem(text, value)
        self.included_on = line_edit("date", "dd/mm/aaaa")
        self.included_on.setText(today)
        self.protocol = line_edit("protocol", self.tr("número do protocolo no birô (opcional)"))
        self.checklist = QListWidget()
        self.checklist.setObjectName("checklist")
        self.checklist.setMinimumHeight(150)
        self.checklist.setWordWrap(True)
        self.checklist.setResizeMode(QListView.ResizeMode.Adjust)
        self.checklist.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.amount = QLabel()
        self.amount.setObjectName("amount")
        form = QFormLayout()
        form.addRow(self.tr("Contrato"), self.contract)
        self.errors.add_row(form, self.tr("Birô"), self.bureau, "bureau")
        self.errors.add_row(form, self.tr("Data da inclusão"), self.included_on, "date")
        self.errors.add_row(form, self.tr("Protocolo"), self.protocol, "protocol")
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Antes de incluir:")))
        layout.addWidget(self.checklist)
        layout.addWidget(self.amount)
        return box

    def _removal_box(self, today: str) -> QGroupBox:
        """A negativação whose debt was paid: the countdown and the removal (Súmula 548 STJ)."""
        box = QGroupBox(self.tr("Negativação registrada — retirada"))
        box.setObjectName("removalBox")
        self.current = QComboBox()
        self.current.setObjectName("current")
        self.current.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.current.setMinimumContentsLength(30)
        self.countdown = QLabel()
        self.countdown.setObjectName("countdown")
        self.countdown.setWordWrap(True)
        self.removed_on = line_edit("removedOn")
        self.removed_on.setText(today)
        self.reason = QComboBox()
        self.reason.setObjectName("reason")
        self.reason.setEditable(True)
        self.reason.addItems(list(REMOVAL_REASONS))
        self.remove_button = QPushButton(self.tr("Registrar retirada"))
        self.remove_button.setObjectName("remove")
        self.removal_error = error_label("error_removal")
        self.removal_errors = FieldErrors(self.removal_error)
        form = QFormLayout()
        form.addRow(self.tr("Negativação"), self.current)
        form.addRow("", self.countdown)
        self.removal_errors.add_row(form, self.tr("Data da retirada"), self.removed_on, "date")
        self.removal_errors.add_row(form, self.tr("Motivo"), self.reason, "reason")
        form.addRow("", self.remove_button)
        layout = QVBoxLayout(box)
        layout.addLayout(form)
        layout.addWidget(self.removal_error)
        return box

    # --- loading --------------------------------------------------------------------------
    def load(self, contract_id: int | None = None) -> None:
        negativacao, patient_id = self.services.negativacao, self.patient_id
        found = ops.call(
            self,
            lambda: (
                negativacao.check(patient_id=patient_id),
                [v for v in negativacao.list(patient_id=patient_id) if v.row.removed_on is None],
            ),
            on_error=self._unavailable,
        )
        self.checks, self.open_views = found or ([], [])
        self.contract.blockSignals(True)
        self.contract.clear()
        for check in self.checks:
            self.contract.addItem(
                self.tr("{id} — devedor(a) {name}").format(
                    id=check.contract_id, name=check.debtor_name
                ),
                check.contract_id,
            )
        keys = [c.contract_id for c in self.checks]
        self.contract.setCurrentIndex(keys.index(contract_id) if contract_id in keys else 0)
        self.contract.blockSignals(False)
        self.current.blockSignals(True)
        self.current.clear()
        for view in self.open_views:
            r = view.row
            self.current.addItem(
                self.tr("{id}: contrato {c}, {b}, incluída em {d}").format(
                    id=r.id,
                    c=r.contract_id or "—",
                    b=view.bureau_label,
                    d=format_date(r.included_on),
                ),
                view.id,
            )
            self.current.setItemData(
                self.current.count() - 1, describe(view), Qt.ItemDataRole.ToolTipRole
            )
        self.current.blockSignals(False)
        self.show_check()
        self.show_removal()

    def _unavailable(self, exc: EmDiaError) -> None:
        self.general_error.setText(exc.message)
        self.general_error.show()

    def selected(self) -> ContractCheck | None:
        index = self.contract.currentIndex()
        return self.checks[index] if 0 <= index < len(self.checks) else None

    def show_check(self) -> None:
        self.checklist.clear()
        check = self.selected()
        self.inclusion.setVisible(check is not None)
        self.save_button.setVisible(check is not None)
        if check is None:
            self.amount.clear()
            self.save_button.setEnabled(False)
            self.hint.setText(self.tr("Nenhum contrato ativo com parcelas deste paciente."))
            return
        for item in check.readiness.items:
            mark = "✔" if item.ok else "✘"
            line = QListWidgetItem(f"{mark} {item.label} — {item.why}")
            line.setForeground(QBrush(QColor(OK_COLOUR if item.ok else FAIL_COLOUR)))
            line.setToolTip(item.why)
            self.checklist.addItem(line)
        self.amount.setText(
            self.tr("Valor atualizado hoje ({d}): {v}").format(
                d=format_date(check.as_of), v=format_brl(check.readiness.amount_cents)
            )
        )
        self.save_button.setEnabled(check.ready and self.may_act)
        if not self.may_act:
            self.hint.setText(self.tr("Só o gestor registra a negativação."))
        elif not check.ready:
            self.hint.setText(self.tr("Incluir fica disponível quando todos os itens estiverem ✔."))
        else:
            self.hint.setText(
                self.tr(
                    "Pronto: inclua no portal do birô e registre aqui a data e o protocolo. Se "
                    "a pessoa pagar, a retirada é obrigatória em até 5 dias úteis."
                )
            )

    def current_view(self) -> NegativacaoView | None:
        index = self.current.currentIndex()
        return self.open_views[index] if 0 <= index < len(self.open_views) else None

    def show_removal(self) -> None:
        view = self.current_view()
        self.removal_box.setVisible(bool(self.open_views))
        self.removal_errors.clear()
        if view is None:
            return
        clock = view.countdown
        if clock is None:
            text = self.tr("Dívida ainda em aberto: a negativação continua ativa.")
            colour = "#333333"
        else:
            text = self.tr("Pago em {d}: {status}").format(
                d=format_date(clock.paid_on), status=clock.text
            )
            colour = LATE_COLOUR if clock.overdue else "#9a5b00"
            self.reason.setCurrentIndex(0)
        self.countdown.setText(text)
        self.countdown.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.remove_button.setEnabled(self.may_act)

    # --- actions --------------------------------------------------------------------------
    def save(self) -> None:
        check = self.selected()
        if check is None:
            return
        form = InclusionForm(
            check.contract_id,
            str(self.bureau.currentData()),
            self.included_on.text(),
            self.protocol.text(),
        )
        saved = self.submit(lambda: self.services.negativacao.include(form))
        if saved is not None:
            self.saved = saved
            self.accept()

    def remove(self) -> None:
        view = self.current_view()
        if view is None:
            return
        form = RemovalForm(view.id, self.removed_on.text(), self.reason.currentText())
        removed: list[NegativacaoView] = []
        if self.removal_errors.attempt(
            lambda: removed.append(self.services.negativacao.remove(form))
        ):
            self.saved = removed[0]
            self.accept()
