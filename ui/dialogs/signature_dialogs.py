"""The two windows of electronic signatures: what to send the patient with the PDF (*Enviar
para assinatura*), and what EmDia checked in the signed file that came back (*Receber
documento assinado*) — in plain words, never claiming more than was verified."""

from __future__ import annotations

from html import escape

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import KIND_LABELS
from app.domain.signatures import SignedDocument, who
from app.services.signatures import Received, SigningPackage

OK_COLOUR = "#1f6b5e"
NO_COLOUR = "#b3261e"


def _label(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


class SigningMessageDialog(QDialog):
    """The PDF was saved: the message to send with it, ready to copy into WhatsApp or e-mail."""

    def __init__(self, package: SigningPackage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SigningMessageDialog")
        self.setWindowTitle(self.tr("Enviar para assinatura"))
        self.package = package
        kind = KIND_LABELS.get(package.document.kind, package.document.kind)
        intro = _label(
            self.tr(
                "{kind} salvo em {path} (documento {id} do arquivo). Envie o PDF ao paciente "
                "pelo WhatsApp ou por e-mail, com a mensagem abaixo. Quando ele devolver o "
                'arquivo assinado, use "Receber documento assinado".'
            ).format(kind=kind, path=package.path, id=package.document.id),
            "signingIntro",
        )
        self.message = QPlainTextEdit(package.message)
        self.message.setObjectName("signingMessage")
        self.message.setReadOnly(True)
        self.copy_button = QPushButton(self.tr("Copiar mensagem"))
        self.copy_button.setObjectName("copyMessage")
        self.copy_button.clicked.connect(self.copy)
        self.copied = _label("", "copied")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.copied)
        layout.addWidget(buttons)
        self.resize(620, 420)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.package.message)
        self.copied.setText(self.tr("Mensagem copiada: cole no WhatsApp ou no e-mail."))


class SignatureReportDialog(QDialog):
    """What was checked in a signed file, one line per question, with the notes."""

    def __init__(self, received: Received, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SignatureReportDialog")
        self.setWindowTitle(self.tr("Documento assinado"))
        self.received = received
        signed = received.signed
        layout = QVBoxLayout(self)
        layout.addWidget(_label(self._headline(signed, received.again), "signedHeadline"))
        for signer in signed.signers:
            when = f" em {signer.signed_at:%d/%m/%Y %H:%M}" if signer.signed_at else ""
            layout.addWidget(_label(self.tr("Assinado por {who}{when}.").format(
                who=who(signer), when=when
            )))  # fmt: skip
        self.check_labels: list[QLabel] = []
        for question, ok in signed.checks:
            mark, colour = ("✔", OK_COLOUR) if ok else ("✘", NO_COLOUR)
            label = _label(
                f'<span style="color:{colour}; font-weight:bold">{mark}</span> {escape(question)}'
            )
            label.setObjectName("check")
            self.check_labels.append(label)
            layout.addWidget(label)
        self.notes = _label(" ".join(signed.notes), "signedNotes")
        layout.addWidget(self.notes)
        self.open_button = QPushButton(self.tr("Abrir PDF assinado"))
        self.open_button.setObjectName("openSigned")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(640, 380)

    def _headline(self, signed: SignedDocument, again: bool) -> str:
        kind = KIND_LABELS.get(signed.original_kind, signed.original_kind)
        about = (
            self.tr("acordo {n}").format(n=signed.agreement_id)
            if signed.agreement_id
            else self.tr("contrato {n}").format(n=signed.contract_id)
        )
        original = self.tr("documento {id} ({kind}, {about})").format(
            id=signed.original_document_id, kind=kind, about=about
        )
        if again:
            return self.tr(
                "Este arquivo já tinha sido recebido (documento {id}): a conferência foi refeita "
                "agora. Ele assina o {original}."
            ).format(id=signed.document_id, original=original)
        return self.tr(
            "Arquivado como documento {id}, ao lado do original: assina o {original}."
        ).format(id=signed.document_id, original=original)

    def checks_text(self) -> list[str]:
        """The check lines as the user reads them (tests compare them)."""
        return [label.text() for label in self.check_labels]
