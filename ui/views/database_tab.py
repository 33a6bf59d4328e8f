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
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.progress import IsCancelled, Progress
from app.services.database import DatabaseInfo, DatabaseService, ServerCheck, server_url
from ui import ops
from ui.widgets.form import FieldErrors, error_label, line_edit, secret_line

STEPS = (
    "1. Instale o PostgreSQL em um computador da clínica que fique sempre ligado e crie um banco "
    "vazio (ex.: emdia).\n"
    "2. Informe abaixo como chegar nele e teste a conexão.\n"
    "3. Copie os dados deste computador para o servidor e reabra o EmDia.\n"
    "4. Nos outros computadores, informe o mesmo servidor, teste e escolha “Usar o servidor”."
)
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
        self.info: DatabaseInfo | None = None
        body = QWidget()
        body.setMaximumWidth(820)
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self._where_box())
        inner.addWidget(self._server_box())
        layout = QVBoxLayout(self)
        layout.addWidget(body)
        layout.addStretch(1)

    # --- building ---------------------------------------------------------------------------
    def _where_box(self) -> QGroupBox:
        """Which database, where, how much it holds, where its backups go."""
        box = QGroupBox(self.tr("Onde estão os dados"))
        form = QFormLayout(box)
        self.engine = _label("engine", wrap=False)
        self.location = _label("location")
        self.source = _label("source", wrap=False)
        self.counts = _label("counts", wrap=False)
        self.backups = _label("backups")
        form.addRow(self.tr("Banco"), self.engine)
        form.addRow(self.tr("Local"), self.location)
        form.addRow(self.tr("Escolhido"), self.source)
        form.addRow(self.tr("Registros"), self.counts)
        form.addRow(self.tr("Backups"), self.backups)
        self.local_button = QPushButton(self.tr("Voltar ao arquivo deste computador"))
        self.local_button.setObjectName("useLocal")
        self.local_button.clicked.connect(self.use_local)
        form.addRow("", self.local_button)
        return box

    def _server_box(self) -> QGroupBox:
        """The four steps to the clinic's server, its address, and the way back."""
        box = QGroupBox(self.tr("Usar servidor da clínica (vários computadores)"))
        layout = QVBoxLayout(box)
        steps = _label("steps", self.tr(STEPS))
        general = error_label()
        self.errors = FieldErrors(general)
        layout.addWidget(steps)
        layout.addWidget(general)
        layout.addLayout(self._server_form())
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
        layout.addLayout(buttons)
        self.status = _label("status")
        layout.addWidget(self.status)
        layout.addWidget(_label("wayBack", self.tr(WAY_BACK)))
        self.test_button.clicked.connect(self.test_connection)
        self.copy_button.clicked.connect(self.copy_to_server)
        self.use_button.clicked.connect(self.use_server)
        return box

    def _server_form(self) -> QFormLayout:
        form = QFormLayout()
        self.host = line_edit("host", self.tr("nome ou IP, ex.: 192.168.0.10"))
        self.port = line_edit("port")
        self.port.setText("5432")
        self.database = line_edit("database")
        self.database.setText("emdia")
        self.user = line_edit("user")
        self.user.setText("emdia")
        self.password = secret_line("password")
        for key, label, widget in (
            ("host", self.tr("Servidor"), self.host),
            ("port", self.tr("Porta"), self.port),
            ("database", self.tr("Banco"), self.database),
            ("user", self.tr("Usuário"), self.user),
            ("password", self.tr("Senha"), self.password),
        ):
            widget.textEdited.connect(self._fields_changed)
            self.errors.add_row(form, label, widget, key)
        return form

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

        def job(_progress: Progress, _cancelled: IsCancelled) -> ServerCheck:
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

        def job(progress: Progress, cancelled: IsCancelled) -> Any:
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


def _label(name: str, text: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    return label
