"""Cobrança de hoje: the screen the receptionist opens every morning.

One row per patient with the step due today and its drafted text. Copy it, open WhatsApp Web or
the e-mail program with it, then log the outcome in two clicks (the row, then the result); the
row leaves the list. Rows outside the contact rules say why they cannot be done now.

Nothing is sent automatically (DESIGN.md §10): the person clicks send in WhatsApp or e-mail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, QLocale, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.bootstrap import Services
from app.domain.catalog import Channel, ContactOutcome, label
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.domain.pix import qr_png
from app.errors import EmDiaError
from app.services.base import Permission
from app.services.collection import MessageDraft, OutcomeForm
from app.services.negativacao import NegativacaoView
from ui.dialogs.negativacao_dialog import NegativacaoDialog
from ui.errors import ErrorReporter
from ui.models.rows_model import Row, RowsTableModel
from ui.tasks import TaskRunner
from ui.widgets.form import FieldErrors, error_label
from ui.widgets.tables import make_table

WAITING_COLOUR = "#9a5b00"
REMOVAL_LATE_COLOUR = "#b3261e"
NOTE_STYLE = "color: #9a5b00;"

# The result buttons: (outcome, text, channels it applies to; empty = every channel).
OUTCOME_BUTTONS: tuple[tuple[ContactOutcome, str, frozenset[str]], ...] = (
    (ContactOutcome.SENT, "Enviado", frozenset({"whatsapp", "email", "sms"})),
    (ContactOutcome.ANSWERED, "Conversou", frozenset({"phone"})),
    (ContactOutcome.SENT, "Carta enviada", frozenset({"letter"})),
    (ContactOutcome.NO_ANSWER, "Sem resposta", frozenset({"whatsapp", "email", "sms", "phone"})),
    (ContactOutcome.WRONG_CONTACT, "Número errado", frozenset({"whatsapp", "sms", "phone"})),
    (ContactOutcome.REFUSED, "Recusou", frozenset({"whatsapp", "email", "sms", "phone"})),
    (ContactOutcome.PAID, "Pagou", frozenset()),
)


class TodayView(QWidget):
    """The "Cobrança de hoje" tab. ``open_url`` is replaceable (tests never open a browser)."""

    loaded = Signal(int)
    logged = Signal(int)  # patient id whose outcome was logged
    open_patient = Signal(int, int)  # patient id, contract id
    # Letter steps: the lead wires this to the documents service (issue 7).
    document_requested = Signal(int, int, str)  # patient id, contract id, document kind

    def __init__(
        self,
        services: Services,
        reporter: ErrorReporter | None = None,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("TodayView")
        self.services = services
        self.reporter = reporter or ErrorReporter()
        self.runner = runner or TaskRunner(self)
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.drafts: list[MessageDraft] = []
        self.removals: list[NegativacaoView] = []
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
        self.removals_title = QLabel()
        self.removals_title.setObjectName("removalsTitle")
        self.removals_model = RowsTableModel(("Retirar negativação", "Birô", "Prazo"))
        self.removals_table = make_table(self.removals_model, "removalsTable", (220, 130))
        self.removals_table.setMaximumHeight(120)
        self.removal_button = QPushButton(self.tr("Registrar retirada…"))
        self.removal_button.setObjectName("recordRemoval")
        self.removal_button.setToolTip(self.tr("Só o gestor registra a retirada."))
        removals_head = QHBoxLayout()
        removals_head.addWidget(self.removals_title, 1)
        removals_head.addWidget(self.removal_button)
        self.removals_box = QWidget()
        self.removals_box.setObjectName("removalsBox")
        removals_layout = QVBoxLayout(self.removals_box)
        removals_layout.setContentsMargins(0, 0, 0, 0)
        removals_layout.addLayout(removals_head)
        removals_layout.addWidget(self.removals_table)
        self.removals_box.hide()

        # --- the selected row ------------------------------------------------------------
        self.who = QLabel()
        self.who.setObjectName("who")
        self.who.setWordWrap(True)
        self.reason = QLabel()
        self.reason.setObjectName("reason")
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet(NOTE_STYLE)
        self.text = QPlainTextEdit()
        self.text.setObjectName("draftText")
        self.text.setReadOnly(True)
        self.qr = QLabel()
        self.qr.setObjectName("pixQr")
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_caption = QLabel()
        self.qr_caption.setObjectName("pixCaption")
        self.qr_caption.setWordWrap(True)
        self.qr_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.copy_button = QPushButton(self.tr("Copiar"))
        self.copy_button.setObjectName("copy")
        self.whatsapp_button = QPushButton(self.tr("Abrir no WhatsApp"))
        self.whatsapp_button.setObjectName("openWhatsapp")
        self.email_button = QPushButton(self.tr("Abrir e-mail"))
        self.email_button.setObjectName("openEmail")
        self.document_button = QPushButton(self.tr("Gerar documento"))
        self.document_button.setObjectName("generateDocument")
        self.negativacao_button = QPushButton(self.tr("Negativação…"))
        self.negativacao_button.setObjectName("negativacao")
        self.negativacao_button.setToolTip(
            self.tr("Confere o checklist e registra a inclusão no birô (gestor).")
        )
        self.patient_button = QPushButton(self.tr("Abrir paciente"))
        self.patient_button.setObjectName("openPatient")

        self.outcome_buttons: list[tuple[QPushButton, ContactOutcome, frozenset[str]]] = []
        outcomes = QGridLayout()
        outcomes.addWidget(QLabel(self.tr("Resultado:")), 0, 0)
        for index, (outcome, text, channels) in enumerate(OUTCOME_BUTTONS):
            button = QPushButton(self.tr(text))
            button.setObjectName(f"outcome_{outcome.value}_{text.split()[0].lower()}")
            button.clicked.connect(lambda _c=False, o=outcome: self.log(o))
            self.outcome_buttons.append((button, outcome, channels))
            outcomes.addWidget(button, index // 3, 1 + index % 3)
        outcomes.setColumnStretch(4, 1)
        self.outcomes = outcomes
        self.promise_date = QLineEdit()
        self.promise_date.setObjectName("promiseDate")
        self.promise_date.setPlaceholderText("dd/mm/aaaa")
        self.promise_date.setMaximumWidth(110)
        self.promise_amount = QLineEdit()
        self.promise_amount.setObjectName("promiseAmount")
        self.promise_amount.setMaximumWidth(110)
        self.promise_button = QPushButton(self.tr("Prometeu pagar"))
        self.promise_button.setObjectName("outcome_promised")
        self.promise_button.clicked.connect(lambda: self.log(ContactOutcome.PROMISED))
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText(self.tr("Observação (opcional)"))
        self.general_error = error_label()
        self.errors = FieldErrors(self.general_error)
        promise_form = QFormLayout()
        self.errors.add_row(promise_form, self.tr("Prometeu pagar em"), self.promise_date,
                            "promise_date")  # fmt: skip
        self.errors.add_row(promise_form, self.tr("Valor prometido"), self.promise_amount,
                            "promise_amount")  # fmt: skip
        promise_button_row = QHBoxLayout()
        promise_button_row.addWidget(self.promise_button)
        promise_button_row.addStretch(1)
        promise_form.addRow("", promise_button_row)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)

        actions = QHBoxLayout()
        for button in (
            self.copy_button,
            self.whatsapp_button,
            self.email_button,
            self.document_button,
            self.negativacao_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.patient_button)
        text_row = QHBoxLayout()
        text_row.addWidget(self.text, 1)
        pix_box = QVBoxLayout()
        pix_box.addWidget(self.qr)
        pix_box.addWidget(self.qr_caption)
        pix_box.addStretch(1)
        pix_holder = QWidget()
        pix_holder.setLayout(pix_box)
        pix_holder.setFixedWidth(190)
        text_row.addWidget(pix_holder)
        detail = QWidget()
        detail.setObjectName("detail")
        box = QVBoxLayout(detail)
        box.setContentsMargins(8, 0, 0, 0)
        box.addWidget(self.who)
        box.addWidget(self.reason)
        box.addLayout(text_row, 1)
        box.addLayout(actions)
        box.addLayout(outcomes)
        box.addWidget(self.note)
        box.addLayout(promise_form)
        box.addWidget(self.general_error)
        box.addWidget(self.status)
        self.detail = detail

        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.refresh_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([640, 460])
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.summary)
        layout.addWidget(self.removals_box)
        layout.addWidget(split, 1)

        self.refresh_button.clicked.connect(self.load)
        self.copy_button.clicked.connect(self.copy)
        self.whatsapp_button.clicked.connect(self.open_whatsapp)
        self.email_button.clicked.connect(self.open_email)
        self.document_button.clicked.connect(self.request_document)
        self.negativacao_button.clicked.connect(self.open_negativacao)
        self.removal_button.clicked.connect(self.record_removal)
        self.patient_button.clicked.connect(self._open_patient)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.show_draft(current.row())
        )
        self.show_draft(-1)

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

        collection, negativacao = self.services.collection, self.services.negativacao

        def job(
            _progress: Any, _cancelled: Any
        ) -> tuple[list[MessageDraft], list[NegativacaoView]]:
            return collection.today(), negativacao.pending_removals()

        self.runner.start(job, self._loaded, self._failed)

    def _loaded(self, result: tuple[list[MessageDraft], list[NegativacaoView]]) -> None:
        drafts, removals = result
        self.loading = False
        self.refresh_button.setEnabled(True)
        self.set_removals(removals)
        self.set_drafts(drafts)
        self.loaded.emit(len(drafts))

    # --- removals due (Súmula 548 STJ) ----------------------------------------------------
    def set_removals(self, removals: list[NegativacaoView]) -> None:
        self.removals = list(removals)
        rows = []
        for view in self.removals:
            clock = view.countdown
            is_late = clock is not None and clock.overdue
            rows.append(
                Row(
                    [view.row.patient_name, view.bureau_label, clock.text if clock else ""],
                    key=view.id,
                    colour=REMOVAL_LATE_COLOUR if is_late else WAITING_COLOUR,
                    tooltip=self.tr(
                        "Pago em {paid}; incluído em {inc} (protocolo {p}). A retirada é "
                        "obrigatória em até 5 dias úteis após o pagamento (Súmula 548 do STJ)."
                    ).format(
                        paid=format_date(clock.paid_on) if clock else "",
                        inc=format_date(view.row.included_on),
                        p=view.row.protocol or "—",
                    ),
                )
            )
        self.removals_model.set_rows(rows)
        late = sum(1 for v in self.removals if v.countdown and v.countdown.overdue)
        title = self.tr("<b>Retirar negativação</b>: {n} dívida(s) já paga(s)").format(
            n=len(self.removals)
        )
        if late:
            title += self.tr(
                " — <span style='color:{c}'><b>{late} com o prazo vencido</b></span>"
            ).format(c=REMOVAL_LATE_COLOUR, late=late)
        self.removals_title.setText(title)
        self.removals_box.setVisible(bool(self.removals))
        self.removal_button.setEnabled(self.services.actor.can(Permission.NEGATIVACAO))

    def record_removal(self) -> None:
        """The gestor records the removal (opens the negativação dialog on that patient)."""
        index = self.removals_table.currentIndex()
        row = index.row() if index.isValid() else 0
        if not 0 <= row < len(self.removals):
            return
        view = self.removals[row]
        self._negativacao_dialog(view.row.patient_id, view.row.contract_id)

    def open_negativacao(self) -> None:
        """The régua's gestor step: the checklist and the inclusion dialog."""
        draft = self.current()
        if draft is not None:
            self._negativacao_dialog(draft.patient_id, draft.contract_id)

    def _negativacao_dialog(self, patient_id: int, contract_id: int | None) -> None:
        dialog = NegativacaoDialog(self.services, patient_id, contract_id, self)
        if dialog.exec() and dialog.saved is not None:
            self.status.setText(
                self.tr("{name}: negativação {status}.").format(
                    name=dialog.saved.row.patient_name, status=dialog.saved.status
                )
            )
            self.load()

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        self.refresh_button.setEnabled(True)
        self.summary.setText(
            exc.message if isinstance(exc, EmDiaError) else self.tr("Não foi possível preparar.")
        )
        if not isinstance(exc, EmDiaError):
            self.reporter.report(exc, self)
        self.loaded.emit(0)

    def set_drafts(self, drafts: list[MessageDraft]) -> None:
        self.drafts = list(drafts)
        self.model.set_rows([self._row(d) for d in self.drafts])
        self._summarise()
        if self.drafts:
            self.table.selectRow(0)
        self.show_draft(0 if self.drafts else -1)

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
    def current(self) -> MessageDraft | None:
        row = self.table.currentIndex().row()
        return self.drafts[row] if 0 <= row < len(self.drafts) else None

    def show_draft(self, row: int) -> None:
        draft = self.drafts[row] if 0 <= row < len(self.drafts) else None
        self.errors.clear()
        self.detail.setEnabled(draft is not None)
        if draft is None:
            self.who.setText(self.tr("Selecione um paciente na lista."))
            self.reason.hide()
            self.text.clear()
            self.qr.clear()
            self.qr_caption.clear()
            return
        to = draft.recipient_name
        if draft.recipient_id != draft.patient_id:
            to += self.tr(" (responsável por {name})").format(name=draft.patient_name)
        contact = draft.email if draft.channel == Channel.EMAIL else draft.phone
        self.who.setText(
            f"<b>{draft.step_name}</b> ({draft.step_when}) — {label(draft.channel)} para "
            f"<b>{to}</b>" + (f" · {contact}" if contact else "")
        )
        notes = [] if draft.allowed_now else [self.tr("Agora não: ") + draft.reason]
        notes += list(draft.flags)
        self.reason.setText("\n".join(notes))
        self.reason.setVisible(bool(notes))
        self.text.setPlainText(draft.text)
        self._show_pix(draft)
        allowed = draft.allowed_now
        self.copy_button.setEnabled(allowed)
        self.whatsapp_button.setVisible(draft.whatsapp_url is not None)
        self.whatsapp_button.setEnabled(allowed)
        self.email_button.setVisible(draft.mailto_url is not None)
        self.email_button.setEnabled(allowed)
        self.document_button.setVisible(draft.document_kind is not None)
        self.document_button.setEnabled(allowed)
        self.negativacao_button.setVisible(draft.channel == Channel.MANUAL)
        self.negativacao_button.setEnabled(allowed)
        shown = [b for b, _o, chans in self.outcome_buttons if not chans or draft.channel in chans]
        for button, _outcome, _channels in self.outcome_buttons:
            self.outcomes.removeWidget(button)
            button.setVisible(button in shown)
            button.setEnabled(allowed)
        for index, button in enumerate(shown):  # the ones that apply, with no gaps
            self.outcomes.addWidget(button, index // 3, 1 + index % 3)
        promise = draft.channel not in (Channel.LETTER, Channel.MANUAL)
        for widget in (self.promise_date, self.promise_amount, self.promise_button):
            widget.setEnabled(allowed and promise)
        self.promise_date.clear()
        self.promise_amount.setText(format_brl(draft.amount_cents, symbol=False))
        self.note.clear()

    def _show_pix(self, draft: MessageDraft) -> None:
        if not draft.pix_payload:
            self.qr.clear()
            self.qr_caption.setText(
                "" if draft.step_key == "agradecimento" or draft.channel == Channel.MANUAL
                else self.tr(
                    "Sem QR code PIX: preencha chave, nome e cidade do PIX em Configurações → "
                    "Clínica."
                )
            )  # fmt: skip
            return
        pixmap = QPixmap()
        pixmap.loadFromData(qr_png(draft.pix_payload, module_px=4))
        keep, fast = Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation
        self.qr.setPixmap(pixmap.scaled(170, 170, keep, fast))
        self.qr_caption.setText(
            self.tr("PIX de {amount} (valor atualizado hoje)").format(
                amount=format_brl(draft.amount_cents)
            )
        )

    # --- actions ------------------------------------------------------------------------
    def copy(self) -> None:
        draft = self.current()
        if draft is None:
            return
        QGuiApplication.clipboard().setText(draft.text)
        self.status.setText(
            self.tr("Texto copiado. Cole no WhatsApp ou no e-mail, envie e registre o resultado.")
        )

    def open_whatsapp(self) -> None:
        draft = self.current()
        if draft is not None and draft.whatsapp_url:
            self.open_url(QUrl.fromEncoded(draft.whatsapp_url.encode("ascii")))
            self.status.setText(self.tr("WhatsApp aberto. Depois de enviar, registre o resultado."))

    def open_email(self) -> None:
        draft = self.current()
        if draft is not None and draft.mailto_url:
            self.open_url(QUrl.fromEncoded(draft.mailto_url.encode("ascii")))
            self.status.setText(self.tr("E-mail aberto. Depois de enviar, registre o resultado."))

    def request_document(self) -> None:
        draft = self.current()
        if draft is not None and draft.document_kind:
            self.document_requested.emit(draft.patient_id, draft.contract_id, draft.document_kind)

    def _open_patient(self) -> None:
        draft = self.current()
        if draft is not None:
            self.open_patient.emit(draft.patient_id, draft.contract_id)

    def log(self, outcome: ContactOutcome) -> None:
        """Second click: record the result; the row leaves the list."""
        draft = self.current()
        if draft is None:
            return
        promised = outcome is ContactOutcome.PROMISED
        form = OutcomeForm(
            patient_id=draft.patient_id,
            outcome=outcome.value,
            channel=draft.channel,
            step_key=draft.step_key,
            contract_id=draft.contract_id,
            promise_date=self.promise_date.text() if promised else "",
            promise_amount=self.promise_amount.text() if promised else "",
            note=self.note.text(),
            message_text=draft.text,
        )
        if not self.errors.attempt(lambda: self.services.collection.log_outcome(form)):
            return
        row = self.drafts.index(draft)
        del self.drafts[row]
        self.model.set_rows([self._row(d) for d in self.drafts])
        self._summarise()
        done = self.tr("{name}: {outcome} registrado.").format(
            name=draft.patient_name, outcome=label(outcome.value)
        )
        if outcome is ContactOutcome.PAID:
            done += self.tr(" Confira o pagamento e registre-o em Pacientes → Receber pagamento.")
        self.status.setText(done)
        if self.drafts:
            self.table.selectRow(min(row, len(self.drafts) - 1))
        self.show_draft(min(row, len(self.drafts) - 1))
        self.logged.emit(draft.patient_id)
