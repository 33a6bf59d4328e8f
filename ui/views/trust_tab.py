"""Configurações → Certificados confiáveis (the gestor's): the roots the clinic trusts to verify
who issued the certificate of an electronic signature.

EmDia ships none: the gestor downloads the ICP-Brasil roots and the gov.br chain from the ITI once
and adds them here. Until then every signature received says "cadeia não verificada".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QLabel, QVBoxLayout, QWidget

from app.domain.dates import format_date
from app.services.trust import TrustedCertificate, TrustService
from ui import ops
from ui.models.rows_model import Row, RowsTableModel
from ui.widgets.buttons import push_button
from ui.widgets.tables import lay_out_with_buttons, make_table

CERTIFICATE_FILTER = "Certificados (*.pem *.cer *.crt *.der *.p7b *.p7c)"


def _choose_file(parent: QWidget) -> str:
    path, _filter = QFileDialog.getOpenFileName(
        parent, parent.tr("Certificado para confiar"), "", CERTIFICATE_FILTER
    )
    return path


class TrustTab(QWidget):
    def __init__(self, service: TrustService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TrustTab")
        self.service = service
        self.certificates: list[TrustedCertificate] = []
        self.choose_file: Callable[[QWidget], str] = _choose_file  # replaceable by tests
        hint = QLabel(
            self.tr(
                "Para dizer que uma assinatura eletrônica foi emitida por quem diz, o EmDia "
                "precisa das raízes em que a clínica confia. Ele não traz nenhuma: baixe do ITI "
                "(Instituto Nacional de Tecnologia da Informação) a cadeia do gov.br "
                "(Cadeia_GovBr-der.p7b) e as AC Raiz da ICP-Brasil, confira a origem e adicione "
                'aqui uma vez. Sem elas, toda assinatura recebida mostra "cadeia não '
                'verificada" — a integridade e o CPF continuam conferidos. A revogação dos '
                "certificados não é consultada: o EmDia trabalha sem internet."
            )
        )
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        self.model = RowsTableModel(
            ("Nº", "Certificado", "Papel", "Válido até", "SHA-256"),
        )
        self.table = make_table(self.model, "trustedCertificates", (45, 420, 110, 90))
        self.add_button = push_button("addCertificate", self.tr("Adicionar certificado…"), self.add)
        self.remove_button = push_button("removeCertificate", self.tr("Remover"), self.remove)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        body = QWidget()
        lay_out_with_buttons(body, self.table, self.add_button, self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(body, 1)
        layout.addWidget(self.status)

    def load(self) -> None:
        found = ops.call(self, self.service.list, on_error=ops.show_in(self.status))
        if found is None:
            return
        self.certificates = found
        self.model.set_rows([self._row(c) for c in found])
        if not found:
            self.status.setText(
                self.tr("Nenhum certificado: as assinaturas ficam com a cadeia não verificada.")
            )

    def _row(self, c: TrustedCertificate) -> Row:
        return Row(
            [
                str(c.id),
                c.subject,
                c.role_label,
                format_date(c.not_after.date()),
                c.sha256[:16] + "…",
            ],
            key=c.id,
            tooltip=self.tr("Emitido por {issuer}\nSHA-256 {sha}").format(
                issuer=c.issuer, sha=c.sha256
            ),
        )

    def add(self) -> None:
        path = self.choose_file(self)
        if not path:
            return
        result = ops.call(
            self, lambda: self.service.add(Path(path)), on_error=ops.show_in(self.status)
        )
        if result is not None:
            self.load()
            self.status.setText(result.message)

    def remove(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            self.status.setText(self.tr("Selecione um certificado na lista."))
            return
        certificate_id = self.model.key(index.row())
        removed = ops.call(
            self,
            lambda: self.service.remove(certificate_id),
            on_error=ops.show_in(self.status),
        )
        if removed is not None:
            self.load()
            self.status.setText(self.tr("Removido: {s}.").format(s=removed.subject))
