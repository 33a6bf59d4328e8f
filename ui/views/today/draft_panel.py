"""The selected row of Cobrança de hoje: to whom, the drafted text with its PIX QR code, the ways
to send it (copy, WhatsApp Web, e-mail, a letter, the negativação step) and the result buttons —
the second of the two clicks that log a contact. *Pagou* asks for the payment itself (Receber
pagamento, filled in); a result clicked by mistake is undone for a while with *Desfazer*.

Nothing is sent automatically: the person clicks send in WhatsApp or in the e-mail program.
``open_url`` is replaceable (tests never open a browser).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.adapters.qr import qr_png
from app.domain.catalog import Channel, ContactOutcome, label
from app.domain.money import format_brl
from app.services.collection.contact_log import (
    UNDO_MINUTES,
    ContactLogService,
    LoggedContact,
    OutcomeForm,
)
from app.services.collection.drafts import MessageDraft
from ui import ops
from ui.widgets.buttons import push_button
from ui.widgets.form import FieldErrors, error_label

NOTE_STYLE = "color: #9a5b00;"

# The result buttons: (outcome, text, channels it applies to; empty = every channel).
OUTCOME_BUTTONS: tuple[tuple[ContactOutcome, str, frozenset[str]], ...] = (
    (ContactOutcome.SENT, "Enviado", frozenset({"whatsapp", "email", "sms"})),
    (ContactOutcome.ANSWERED, "Conversou", frozenset({"phone"})),
    (ContactOutcome.SENT, "Carta enviada", frozenset({"letter"})),
    (ContactOutcome.NO_ANSWER, "Sem resposta", frozenset({"whatsapp", "email", "sms", "phone"})),
    (ContactOutcome.WRONG_CONTACT, "Número errado", frozenset({"whatsapp", "sms", "phone"})),
    (ContactOutcome.REFUSED, "Recusou", frozenset({"whatsapp", "email", "sms", "phone"})),
    (ContactOutcome.PAID, "Pagou…", frozenset()),
)
OUTCOMES_PER_ROW = 4


class DraftPanel(QWidget):
    logged = Signal(object)  # the MessageDraft whose outcome was recorded
    undone = Signal(object)  # the MessageDraft whose outcome was undone: it is due again
    open_patient = Signal(int, int)  # patient id, contract id
    document_requested = Signal(int, int, str)  # patient id, contract id, document kind
    negativacao_requested = Signal(int, int)  # patient id, contract id
    payment_requested = Signal(object)  # the MessageDraft whose payer says they paid

    def __init__(self, contacts: ContactLogService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detail")
        self.contacts = contacts
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.draft: MessageDraft | None = None
        self.last: tuple[MessageDraft, LoggedContact] | None = None  # what Desfazer undoes
        self.general_error = error_label()
        self.errors = FieldErrors(self.general_error)
        self.work = QWidget()  # everything about the selected row (disabled when none)
        work = QVBoxLayout(self.work)
        work.setContentsMargins(0, 0, 0, 0)
        # Built top to bottom as the screen reads, which is also the Tab order.
        work.addLayout(self._message(), 1)
        work.addLayout(self._actions())
        work.addLayout(self._outcomes())
        work.addWidget(self.note)
        work.addLayout(self._promise())
        work.addWidget(self.general_error)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 0, 0, 0)
        box.addWidget(self.work, 1)
        box.addLayout(self._status_line())
        self.undo_timer = QTimer(self)
        self.undo_timer.setSingleShot(True)
        self.undo_timer.setInterval(UNDO_MINUTES * 60_000)
        self.undo_timer.timeout.connect(self._forget_last)
        self.show_draft(None)

    # --- building ---------------------------------------------------------------------------
    def _message(self) -> QLayout:
        """To whom, why not now, the text and its PIX QR code."""
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
        pix = QWidget()
        pix.setFixedWidth(190)
        pix_box = QVBoxLayout(pix)
        pix_box.addWidget(self.qr)
        pix_box.addWidget(self.qr_caption)
        pix_box.addStretch(1)
        text_row = QHBoxLayout()
        text_row.addWidget(self.text, 1)
        text_row.addWidget(pix)
        layout = QVBoxLayout()
        layout.addWidget(self.who)
        layout.addWidget(self.reason)
        layout.addLayout(text_row, 1)
        return layout

    def _actions(self) -> QLayout:
        """The ways to send: the first click of two."""
        self.copy_button = push_button("copy", self.tr("Copiar"), self.copy)
        self.whatsapp_button = push_button(
            "openWhatsapp", self.tr("Abrir no WhatsApp"), self.open_whatsapp
        )
        self.email_button = push_button("openEmail", self.tr("Abrir e-mail"), self.open_email)
        self.document_button = push_button(
            "generateDocument", self.tr("Gerar documento"), self.request_document
        )
        self.negativacao_button = push_button(
            "negativacao", self.tr("Negativação…"), self.request_negativacao
        )
        self.negativacao_button.setToolTip(
            self.tr("Confere o checklist e registra a inclusão no birô (gestor).")
        )
        self.patient_button = push_button(
            "openPatient", self.tr("Abrir paciente"), self._open_patient
        )
        row = QHBoxLayout()
        for button in (self.copy_button, self.whatsapp_button, self.email_button,
                       self.document_button, self.negativacao_button):  # fmt: skip
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.patient_button)
        return row

    def _outcomes(self) -> QLayout:
        """The result of the contact: the second click."""
        self.outcome_buttons: list[tuple[QPushButton, ContactOutcome, frozenset[str]]] = []
        self.outcomes = QGridLayout()
        self.outcomes.addWidget(QLabel(self.tr("Resultado:")), 0, 0)
        for index, (outcome, text, channels) in enumerate(OUTCOME_BUTTONS):
            button = QPushButton(self.tr(text))
            button.setObjectName(f"outcome_{outcome.value}_{text.split()[0].lower().strip('…')}")
            if outcome is ContactOutcome.PAID:
                button.setToolTip(
                    self.tr("Abre Receber pagamento com o valor, PIX e a data de hoje.")
                )
                button.clicked.connect(self._paid)
            else:
                button.clicked.connect(lambda _c=False, o=outcome: self.log(o))
            self.outcome_buttons.append((button, outcome, channels))
            self.outcomes.addWidget(button, index // OUTCOMES_PER_ROW, 1 + index % OUTCOMES_PER_ROW)
        self.outcomes.setColumnStretch(OUTCOMES_PER_ROW + 1, 1)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText(self.tr("Observação (opcional)"))
        return self.outcomes

    def _promise(self) -> QLayout:
        """A promise to pay, on one line: when and how much (the updated amount, prefilled)."""
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
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Prometeu pagar em")), 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.errors.holder(self.promise_date, "promise_date"), 0)
        row.addWidget(QLabel(self.tr("valor")), 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.errors.holder(self.promise_amount, "promise_amount"), 0)
        row.addWidget(self.promise_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addStretch(1)
        return row

    def _status_line(self) -> QLayout:
        """What was just done, with Desfazer for a while, and the way to log "pagou" without
        the money when the payment itself was not registered."""
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.undo_button = push_button("undo", self.tr("Desfazer"), self.undo)
        self.undo_button.setToolTip(
            self.tr("Desfaz o resultado registrado por engano (até {n} minutos depois).").format(
                n=UNDO_MINUTES
            )
        )
        self.undo_button.hide()
        self.paid_anyway_button = push_button(
            "paidWithoutPayment", self.tr("Registrar só “pagou”"), self._paid_without_payment
        )
        self.paid_anyway_button.setToolTip(
            self.tr("Registra o contato sem lançar o valor: o saldo continua em aberto.")
        )
        self.paid_anyway_button.hide()
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.paid_anyway_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.undo_button, 0, Qt.AlignmentFlag.AlignTop)
        return row

    # --- the draft --------------------------------------------------------------------------
    def show_draft(self, draft: MessageDraft | None) -> None:
        self.draft = draft
        self.errors.clear()
        self.work.setEnabled(draft is not None)
        self.paid_anyway_button.hide()
        if draft is None:
            self.who.setText(self.tr("Selecione um paciente na lista."))
            self.reason.hide()
            self.text.clear()
            self.qr.clear()
            self.qr_caption.clear()
            return
        to = draft.recipient_name
        if draft.recipient_id not in draft.patient_ids:
            to += self.tr(" (responsável por {names})").format(names=_names(draft.patient_names))
        contact = draft.email if draft.channel == Channel.EMAIL else draft.phone
        self.who.setText(
            f"<b>{draft.step_name}</b> ({draft.step_in_words}) — {label(draft.channel)} para "
            f"<b>{to}</b>" + (f" · {contact}" if contact else "")
        )
        notes = [] if draft.allowed_now else [self.tr("Agora não: ") + draft.reason]
        notes += list(draft.flags)
        self.reason.setText("\n".join(notes))
        self.reason.setVisible(bool(notes))
        self.text.setPlainText(draft.text)
        self._show_pix(draft)
        self._offer(draft)
        self.promise_date.clear()
        self.promise_amount.setText(format_brl(draft.amount_cents, symbol=False))
        self.note.clear()

    def _offer(self, draft: MessageDraft) -> None:
        """Only what fits this step's channel; nothing to click outside the contact rules."""
        allowed = draft.allowed_now
        self.copy_button.setEnabled(allowed)
        for button, fits in (
            (self.whatsapp_button, draft.whatsapp_url is not None),
            (self.email_button, draft.mailto_url is not None),
            (self.document_button, draft.document_kind is not None),
            (self.negativacao_button, draft.channel == Channel.MANUAL),
        ):
            button.setVisible(fits)
            button.setEnabled(allowed)
        shown = [b for b, _o, chans in self.outcome_buttons if not chans or draft.channel in chans]
        for button, _outcome, _channels in self.outcome_buttons:
            self.outcomes.removeWidget(button)
            button.setVisible(button in shown)
            button.setEnabled(allowed)
        for index, button in enumerate(shown):  # the ones that apply, with no gaps
            self.outcomes.addWidget(button, index // OUTCOMES_PER_ROW, 1 + index % OUTCOMES_PER_ROW)
        promise = draft.channel not in (Channel.LETTER, Channel.MANUAL)
        for widget in (self.promise_date, self.promise_amount, self.promise_button):
            widget.setEnabled(allowed and promise)

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

    # --- actions ----------------------------------------------------------------------------
    def copy(self) -> None:
        if self.draft is None:
            return
        QGuiApplication.clipboard().setText(self.draft.text)
        self.status.setText(
            self.tr("Texto copiado. Cole no WhatsApp ou no e-mail, envie e registre o resultado.")
        )

    def open_whatsapp(self) -> None:
        if self.draft is not None and self.draft.whatsapp_url:
            self.open_url(QUrl.fromEncoded(self.draft.whatsapp_url.encode("ascii")))
            self.status.setText(self.tr("WhatsApp aberto. Depois de enviar, registre o resultado."))

    def open_email(self) -> None:
        if self.draft is not None and self.draft.mailto_url:
            self.open_url(QUrl.fromEncoded(self.draft.mailto_url.encode("ascii")))
            self.status.setText(self.tr("E-mail aberto. Depois de enviar, registre o resultado."))

    def request_document(self) -> None:
        draft = self.draft
        if draft is not None and draft.document_kind:
            self.document_requested.emit(draft.patient_id, draft.contract_id, draft.document_kind)

    def request_negativacao(self) -> None:
        """The régua's gestor step: the checklist and the inclusion dialog."""
        if self.draft is not None:
            self.negativacao_requested.emit(self.draft.patient_id, self.draft.contract_id)

    def _open_patient(self) -> None:
        if self.draft is not None:
            self.open_patient.emit(self.draft.patient_id, self.draft.contract_id)

    def confirm_above_debt(self, question: str) -> bool:
        """Asked before a promise larger than the debt is logged (tests answer it)."""
        answer = QMessageBox.question(self, self.tr("Promessa acima da dívida"), question)
        return answer == QMessageBox.StandardButton.Yes

    def _paid(self) -> None:
        """*Pagou*: the payment is asked for (Receber pagamento, filled in for this debt)."""
        if self.draft is not None:
            self.payment_requested.emit(self.draft)

    def payment_done(self, draft: MessageDraft, note: str | None) -> None:
        """Receber pagamento closed: with the payment registered (``note`` says which) the
        outcome is logged; without it, nothing is — and "pagou" alone stays one click away."""
        if draft is not self.draft:
            return
        if note is not None:
            self.log(ContactOutcome.PAID, note=note)
            return
        self.status.setText(
            self.tr(
                "Nenhum pagamento registrado: o contato continua na lista. Se a pessoa disse que "
                "já pagou e o valor ainda não chegou, registre só “pagou”."
            )
        )
        self.paid_anyway_button.show()

    def _paid_without_payment(self) -> None:
        self.log(ContactOutcome.PAID)

    def log(self, outcome: ContactOutcome, note: str | None = None) -> None:
        """Second click: record the result (``logged`` then takes the row off the list)."""
        draft = self.draft
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
            note=self.note.text() if note is None else note,
            message_text=draft.text,
            together=draft.patient_ids[1:],
        )
        if promised:
            question = ops.call(self, lambda: self.contacts.promise_above_debt(form))
            if question is not None:
                if not self.confirm_above_debt(question):
                    return
                form = replace(form, confirm_above_debt=True)
        found: list[LoggedContact] = []
        if not self.errors.attempt(lambda: found.append(self.contacts.log_outcome(form))):
            return
        done = self.tr("{name}: {outcome} registrado.").format(
            name=_names(draft.patient_names), outcome=label(outcome.value)
        )
        if outcome is ContactOutcome.PAID and note is None:
            done += self.tr(
                " Sem lançar o valor: o saldo continua em aberto até o pagamento ser registrado "
                "em Receber pagamento."
            )
        elif note:
            done += " " + note
        self.status.setText(done)
        self.last = (draft, found[0])
        self.undo_button.show()
        self.undo_timer.start()
        self.logged.emit(draft)

    def undo(self) -> None:
        """Desfazer: the last result leaves the log (kept there as undone, audited) and its row
        comes back to the list."""
        if self.last is None:
            return
        draft, logged = self.last
        if not ops.attempt(
            self, lambda: self.contacts.undo(logged.contact_ids), on_error=ops.show_in(self.status)
        ):
            return
        self._forget_last()
        self.status.setText(
            self.tr("Desfeito: {name} voltou para a lista.").format(
                name=_names(draft.patient_names)
            )
        )
        self.undone.emit(draft)

    def _forget_last(self) -> None:
        self.last = None
        self.undo_button.hide()
        self.undo_timer.stop()


def _names(names: tuple[str, ...]) -> str:
    """``Caio Souza e Lia Souza``: the patients of one row."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " e " + names[-1]
