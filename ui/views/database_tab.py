"""Configurações → Banco de dados: where the clinic's data lives, and the guided move to the
clinic's PostgreSQL server ("usar servidor da clínica") for clinics with several PCs.

Testing the server and copying the data run off the UI thread (``ui.ops``) behind a progress
dialog; the move takes effect the next time EmDia opens.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.database import DatabaseInfo, DatabaseService, ServerCheck, server_url
from ui import ops
from ui.tasks import Cancelled, Progress
from ui.widgets.form import FieldErrors, error_label

WAY_BACK = (
    "Para voltar a trabalhar só neste computador, copie os dados do servidor para um arquivo "
    "novo (tudo o que foi lançado no servidor vem junto):\n"
    "    emdia db copy --to C:\\EmDia\\clinica.db --use\n"
    "ou use “Voltar ao arquivo deste computador” para reabrir o arquivo deste computador como "
    "estava no dia da mudança."
)


class DatabaseTab(QWidget):
    def __init__(self, service: DatabaseService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DatabaseTab")
        self.service = service
        self.checked: ServerCheck | None = None

        where_box = QGroupBox(self.tr("Onde estão os dados"))
        where_form = QFormLayout(where_box)
        self.engine = QLabel()
        self.engine.setObjectName("engine")
        self.location = QLabel()
        self.location.setObjectName("location")
        self.location.setWordWrap(True)
        self.source = QLabel()
        self.source.setObjectName("source")
        self.counts = QLabel()
        self.counts.setObjectName("counts")
        self.backups = QLabel()
        self.backups.setObjectName("backups")
        self.backups.setWordWrap(True)
        where_form.addRow(self.tr("Banco"), self.engine)
        where_form.addRow(self.tr("Local"), self.location)
        where_form.addRow(self.tr("Escolhido"), self.source)
        where_form.addRow(self.tr("Registros"), self.counts)
        where_form.addRow(self.tr("Backups"), self.backups)
        self.local_button = QPushButton(self.tr("Voltar ao arquivo deste computador"))
        self.local_button.setObjectName("useLocal")
        self.local_button.clicked.connect(self.use_local)
        where_form.addRow("", self.local_button)

        server_box = QGroupBox(self.tr("Usar servidor da clínica (vários computadores)"))
        server_layout = QVBoxLayout(server_box)
        steps = QLabel(
            self.tr(
                "1. Instale o PostgreSQL em um computador da clínica que fique sempre ligado e "
                "crie um banco vazio (ex.: emdia).\n"
                "2. Informe abaixo como chegar nele e teste a conexão.\n"
                "3. Copie os dados deste computador para o servidor e reabra o EmDia.\n"
                "4. Nos outros computadores, informe o mesmo servidor, teste e escolha "
                "“Usar o servidor”."
            )
        )
        steps.setWordWrap(True)
        server_layout.addWidget(steps)
        general = error_label()
        self.errors = FieldErrors(general)
        server_layout.addWidget(general)
        form = QFormLayout()
        self.host = QLineEdit()
        self.host.setPlaceholderText(self.tr("nome ou IP, ex.: 192.168.0.10"))
        self.port = QLineEdit("5432")
        self.database = QLineEdit("emdia")
        self.user = QLineEdit("emdia")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for key, label, widget in (
            ("host", self.tr("Servidor"), self.host),
            ("port", self.tr("Porta"), self.port),
            ("database", self.tr("Banco"), self.database),
            ("user", self.tr("Usuário"), self.user),
            ("password", self.tr("Senha"), self.password),
        ):
            widget.setObjectName(key)
            widget.textEdited.connect(self._fields_changed)
            self.errors.add_row(form, label, widget, key)
        server_layout.addLayout(form)
        buttons = QHBoxLayout()
        self.test_button = QPushButton(self.tr("Testar conexão"))
        self.test_button.setObjectName("test")
        self.copy_button = QPushButton(self.tr("Copiar os dados deste computador para o servidor"))
        self.copy_button.setObjectName("copy")
        self.use_button = QPushButton(self.tr("Usar o servidor (sem copiar)"))
        self.use_button.setObjectName("useServer")
        for button in (self.test_button, self.copy_button, self.use_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        server_layout.addLayout(buttons)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        server_layout.addWidget(self.status)
        way_back = QLabel(self.tr(WAY_BACK))
        way_back.setObjectName("wayBack")
        way_back.setWordWrap(True)
        server_layout.addWidget(way_back)

        self.test_button.clicked.connect(self.test_connection)
        self.copy_button.clicked.connect(self.copy_to_server)
        self.use_button.clicked.connect(self.use_server)

        body = QWidget()
        body.setMaximumWidth(820)
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(where_box)
        inner.addWidget(server_box)
        layout = QVBoxLayout(self)
        layout.addWidget(body)
        layout.addStretch(1)
        self.info: DatabaseInfo | None = None

    def showEvent(self, event: QShowEvent) -> None:
        # Counting every table of a big clinic takes a moment: only when the tab is seen.
        self.refresh()
        super().showEvent(event)

    # --- state ------------------------------------------------------------------------------
    def refresh(self) -> None:
        info = ops.call(self, self.service.info)
        if info is None:
            return
        self.info = info
        self.engine.setText(
            self.tr("{engine} — servidor da clínica").format(engine=info.engine)
            if info.on_server
            else self.tr("{engine} — arquivo neste computador").format(engine=info.engine)
        )
        self.location.setText(info.location)
        self.source.setText(info.source)
        self.counts.setText(
            self.tr("{patients} pacientes, {contracts} contratos, {payments} lançamentos").format(
                patients=info.patients,
                contracts=info.tables.get("contract", 0),
                payments=info.tables.get("payment", 0),
            )
        )
        self.backups.setText(info.backup_dir)
        self.local_button.setVisible(info.on_server)
        self._fields_changed()

    def _fields_changed(self, _text: str = "") -> None:
        self.checked = None
        self.copy_button.setEnabled(False)
        self.use_button.setEnabled(False)

    def url(self) -> str | None:
        self.errors.clear()
        fields = [w.text() for w in (self.host, self.port, self.database, self.user, self.password)]
        return ops.call(self, lambda: server_url(*fields), on_error=self.errors.refused)

    # --- actions ----------------------------------------------------------------------------
    def test_connection(self) -> None:
        url = self.url()
        if url is None:
            return
        self.status.setText(self.tr("Testando a conexão…"))

        service = self.service

        def job(_progress: Progress, _cancelled: Cancelled) -> ServerCheck:
            return service.check(url)

        ops.start(
            self,
            job,
            on_success=self._tested,
            on_error=ops.show_in(self.status),
            progress=self.tr("Testando a conexão…"),
        )

    def _tested(self, result: ServerCheck) -> None:
        self.checked = result
        self.status.setText(result.summary)
        on_server = self.info is not None and self.info.on_server
        self.copy_button.setEnabled(result.empty and not on_server)
        self.use_button.setEnabled(result.ready_to_use)

    def copy_to_server(self) -> None:
        if self.checked is None:
            return
        url, service = self.checked.url, self.service

        def job(progress: Progress, cancelled: Cancelled) -> Any:
            report = service.copy_to(url, progress, cancelled)
            service.use(url)
            return report

        ops.start(
            self,
            job,
            on_success=self._copied,
            on_error=ops.show_in(self.status),
            progress=self.tr("Copiando os dados da clínica para o servidor…"),
        )

    def _copied(self, report: Any) -> None:
        self.copy_button.setEnabled(False)
        self.status.setText(
            self.tr(
                "Pronto: {rows} registros copiados. Feche e abra o EmDia para trabalhar no "
                "servidor; o arquivo deste computador fica guardado como estava."
            ).format(rows=report.rows)
        )

    def use_server(self) -> None:
        if self.checked is None or not self.checked.ready_to_use:
            return
        url = self.checked.url
        if ops.attempt(self, lambda: self.service.use(url), on_error=ops.show_in(self.status)):
            self.status.setText(
                self.tr("Pronto: feche e abra o EmDia para trabalhar no servidor da clínica.")
            )

    def use_local(self) -> None:
        if ops.attempt(self, lambda: self.service.use(None), on_error=ops.show_in(self.status)):
            self.status.setText(
                self.tr(
                    "Pronto: feche e abra o EmDia para voltar ao arquivo deste computador ({file})."
                ).format(file=self.info.local_file if self.info else "")
            )
