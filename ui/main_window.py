"""The main window: navigation on the left, one view at a time on the right; who is logged in,
the lock (Ctrl+L and after idle minutes) and the automatic backups in the status bar."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QWidget,
)

import app
from app.bootstrap import Services
from app.errors import EmDiaError
from app.progress import IsCancelled, Progress
from app.services.base import Actor, Permission
from app.services.database import location_of
from ui import ops
from ui.dialogs.login import LoginDialog
from ui.documents import DocumentDesk
from ui.errors import ErrorReporter
from ui.idle import IdleWatcher
from ui.views.patients_section import PatientsSection
from ui.widgets.elided import ElidedLabel
from ui.widgets.screen import opening_size, room_for

if TYPE_CHECKING:  # the other sections' modules are imported when the section is first built
    from app.domain.aging import Bucket
    from app.domain.clinic import ClinicInfo
    from app.domain.desk import InboxItem
    from app.domain.documents import ArchivedDocument
    from app.services.backup import BackupResult
    from ui.tasks import Task
    from ui.views.audit_view import AuditView
    from ui.views.collection_section import CollectionSection
    from ui.views.contracts_view import ContractsView
    from ui.views.dashboard_view import DashboardView
    from ui.views.documents_view import DocumentsView
    from ui.views.patients_view import PatientsView
    from ui.views.reports.section import ReportsSection
    from ui.views.security_view import SecurityView
    from ui.views.settings_view import SettingsView
    from ui.views.today.view import TodayView

log = logging.getLogger("emdia.ui")

DAILY_CHECK_MS = 30 * 60_000
PREPARE_DELAY_MS = 300  # after the first paint and the start backup's start
NAV_WIDTH = 170
# The size the window opens at on a large screen; a smaller one (the clinic's 1366×768
# notebook with its taskbar) gets its whole available area instead.
PREFERRED_SIZE = QSize(1280, 780)


class MainWindow(QMainWindow):
    reopen_requested = Signal(str)
    SECTIONS = (
        "Início",
        "Pacientes",
        "Contratos",
        "Cobrança",
        "Documentos",
        "Relatórios",
        "Configurações",
    )

    def __init__(
        self,
        services: Services,
        *,
        reporter: ErrorReporter | None = None,
        auto_backup: bool = False,
        prepare: bool = False,
    ) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.services = services
        # Where ``ui.ops`` sends what a screen has no place for, and every bug.
        self.reporter = reporter or ErrorReporter()
        self.reporter.activate()
        self.auto_backup = auto_backup
        self.locked_as: Actor | None = None
        self.lock_dialog: LoginDialog | None = None
        self._hidden_while_locked: list[QWidget] = []
        self._closing_backup_started = False

        self.desk = DocumentDesk(lambda: services.archive, self)
        self.sections: dict[str, QWidget] = {}  # the views built so far
        self._factories = self._build_sections(services)
        self.central = self._build_navigation()
        self.setCentralWidget(self.central)
        self._build_status_bar()
        self._build_menu()
        self.update_title(services.clinic.get())
        self.nav.setCurrentRow(self.SECTIONS.index("Pacientes"))
        self.resize(opening_size(PREFERRED_SIZE, room_for(self)))

        self.idle = IdleWatcher(services.security.idle_lock_minutes(), self)
        self.idle.idle.connect(self.lock)
        self.daily = QTimer(self)
        self.daily.setInterval(DAILY_CHECK_MS)
        self.daily.timeout.connect(self._daily_backup)
        if auto_backup:
            self.daily.start()
        # Once the window is on screen, today's overdue money is computed in the background:
        # Início and Cobrança then open with it (the first computation of the day is the
        # slowest thing the clinic waits for).
        self.preparing: Task | None = None  # the day's figures being prepared
        self.prepare_timer = QTimer(self)
        self.prepare_timer.setSingleShot(True)
        self.prepare_timer.setInterval(PREPARE_DELAY_MS)
        self.prepare_timer.timeout.connect(self.prepare_figures)
        if prepare:
            self.prepare_timer.start()
        self.apply_permissions()

    # --- building ---------------------------------------------------------------------------
    def _build_sections(self, services: Services) -> dict[str, Callable[[], QWidget]]:
        """How to build the view of each entry of the navigation, by its name in ``SECTIONS``.
        A view is built the first time it is shown (or asked for): a section that reads the
        database as it is built (Documentos counts its candidates, Contratos lists) costs the
        start nothing until someone opens it."""
        return {
            "Início": self._build_dashboard,
            "Pacientes": lambda: PatientsSection(services, self.desk),
            "Contratos": self._build_contracts,
            "Cobrança": self._build_collection,
            "Documentos": self._build_documents,
            "Relatórios": self._build_reports,
            "Configurações": self._build_settings,
        }

    # Each section's module is imported when the section is first built: the start imports
    # only the window and its first screen (Pacientes).
    def _build_dashboard(self) -> QWidget:
        from ui.views.dashboard_view import DashboardView

        return DashboardView(self.services)

    def _build_contracts(self) -> QWidget:
        from ui.views.contracts_view import ContractsView

        services = self.services
        return ContractsView(services.contracts, services.clock.today)

    def _build_collection(self) -> QWidget:
        from ui.views.collection_section import CollectionSection

        return CollectionSection(self.services)

    def _build_documents(self) -> QWidget:
        from ui.signing import SignatureDesk
        from ui.views.documents_view import DocumentsView

        services = self.services
        return DocumentsView(
            services.document_batch,
            services.archive,
            self.desk,
            signing=SignatureDesk(services.signatures, self.desk, self),
        )

    def _build_reports(self) -> QWidget:
        from ui.views.reports.section import ReportsSection

        return ReportsSection(self.services, self.desk)

    def _build_settings(self) -> QWidget:
        from ui.views.audit_view import AuditView
        from ui.views.security_view import SecurityView
        from ui.views.settings_view import SettingsView

        services = self.services
        security, audit = SecurityView(services), AuditView(services.audit)
        settings = SettingsView(services, security=security, audit=audit)
        security.reopen_requested.connect(self.reopen_requested.emit)
        settings.clinic_changed.connect(self.update_title)
        settings.transfer_panel.imported.connect(lambda _r: self.patients_view.run_search())
        self._apply_settings_permissions(settings)
        return settings

    def section(self, name: str) -> QWidget:
        """The view of section ``name``, built (and put in the stack) on first use."""
        view = self.sections.get(name)
        if view is None:
            view = self._factories[name]()
            index = self.SECTIONS.index(name)
            slot = self.stack.widget(index)
            assert slot is not None
            self.stack.insertWidget(index, view)
            self.stack.removeWidget(slot)
            slot.deleteLater()
            self.sections[name] = view
            self._connect_section(name, view)
        return view

    @property
    def patients(self) -> PatientsSection:
        return cast(PatientsSection, self.section("Pacientes"))

    @property
    def patients_view(self) -> PatientsView:
        return self.patients.list

    @property
    def dashboard(self) -> DashboardView:
        return cast("DashboardView", self.section("Início"))

    @property
    def contracts_view(self) -> ContractsView:
        return cast("ContractsView", self.section("Contratos"))

    @property
    def collection(self) -> CollectionSection:
        return cast("CollectionSection", self.section("Cobrança"))

    @property
    def today_view(self) -> TodayView:
        return self.collection.today

    @property
    def documents_view(self) -> DocumentsView:
        return cast("DocumentsView", self.section("Documentos"))

    @property
    def reports_view(self) -> ReportsSection:
        return cast("ReportsSection", self.section("Relatórios"))

    @property
    def settings_view(self) -> SettingsView:
        return cast("SettingsView", self.section("Configurações"))

    @property
    def security_view(self) -> SecurityView:
        return cast("SecurityView", self.settings_view.security)

    @property
    def audit_view(self) -> AuditView:
        return cast("AuditView", self.settings_view.audit)

    def _build_navigation(self) -> QWidget:
        """The list of sections on the left (Ctrl+1…7), the current one on the right."""
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(NAV_WIDTH)
        self.stack = QStackedWidget()
        self.stack.setObjectName("stack")
        for index, name in enumerate(self.SECTIONS):
            item = QListWidgetItem(self.tr(name))
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(f"Ctrl+{index + 1}")
            self.nav.addItem(item)
            self.stack.addWidget(QWidget())  # the section's place until it is first shown
            QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self).activated.connect(
                lambda i=index: self.nav.setCurrentRow(i)
            )
        self.nav.currentRowChanged.connect(self._section_changed)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        return central

    def _build_status_bar(self) -> None:
        """Which database, who is logged in, and the lock button (Ctrl+L)."""
        # A long path is cut in the middle (its whole text in the tooltip): it never pushes the
        # lock button off a small screen.
        self.db_label = ElidedLabel(
            self.tr("Banco de dados: {where}").format(where=self._where()),
            mode=Qt.TextElideMode.ElideMiddle,
        )
        self.db_label.setObjectName("dbLabel")
        self.statusBar().addPermanentWidget(self.db_label, 1)
        self.user_label = QLabel()
        self.user_label.setObjectName("userLabel")
        self.user_label.setContentsMargins(16, 0, 8, 0)
        self.statusBar().addPermanentWidget(self.user_label)
        self.lock_button = QPushButton(self.tr("Bloquear (Ctrl+L)"))
        self.lock_button.setObjectName("lockButton")
        self.lock_button.clicked.connect(self.lock)
        self.statusBar().addPermanentWidget(self.lock_button)
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(self.lock)

    def _build_menu(self) -> None:
        help_menu = self.menuBar().addMenu(self.tr("Ajuda"))
        self.about_action = QAction(self.tr("Sobre o EmDia…"), self)
        self.about_action.setObjectName("about")
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def _connect_section(self, name: str, view: QWidget) -> None:
        """What one section asks of another goes through the window."""
        if name == "Contratos":
            view = cast("ContractsView", view)
            view.open_contract.connect(self.open_contract)
        elif name == "Cobrança":
            view = cast("CollectionSection", view)
            view.today.open_patient.connect(self.open_contract)
            view.today.document_requested.connect(self.on_document_requested)
            view.today.logged.connect(lambda _patient: self.patients.page.refresh_contacts())
            view.open_patient.connect(self.open_patient)
            view.bank.changed.connect(self._reload_patient_page)
        elif name == "Início":
            view = cast("DashboardView", view)
            view.show_bucket.connect(self.show_overdue_bucket)
            view.open_today.connect(self.show_today)
            view.open_patient.connect(self.open_patient)
            view.inbox_opened.connect(self.open_inbox_item)
        elif name == "Relatórios":
            cast("ReportsSection", view).apply_permissions(
                self.services.actor.can(Permission.REPORTS)
            )

    # --- who is acting --------------------------------------------------------------------
    def apply_permissions(self) -> None:
        actor = self.services.actor
        self.user_label.setText(
            self.tr("Usuário: {who}").format(who=actor.display) if actor.is_user else ""
        )
        self.lock_button.setVisible(actor.is_user)
        if not actor.is_user:
            self.idle.stop()
        reports = self.sections.get("Relatórios")
        if reports is not None:
            cast("ReportsSection", reports).apply_permissions(actor.can(Permission.REPORTS))
        settings = self.sections.get("Configurações")
        if settings is not None:
            self._apply_settings_permissions(cast("SettingsView", settings))

    def _apply_settings_permissions(self, settings: SettingsView) -> None:
        actor = self.services.actor
        settings.apply_permissions(
            actor.can(Permission.SETTINGS),
            actor.can(Permission.USERS) or actor.can(Permission.BACKUPS),
            actor.can(Permission.AUDIT),
        )

    @property
    def is_locked(self) -> bool:
        return self.locked_as is not None

    def lock(self) -> None:
        """Hide every patient's data and ask for the password again."""
        actor = self.services.actor
        if self.is_locked or not actor.is_user:
            return
        self.locked_as = actor
        self.services.actor = Actor.nobody()  # the services refuse everything meanwhile
        self.idle.stop()
        self.central.hide()
        self._hidden_while_locked = [
            w
            for w in QApplication.topLevelWidgets()
            if w.isVisible() and w is not self and w.isWindow()
        ]
        for widget in self._hidden_while_locked:
            widget.hide()
        dialog = LoginDialog(self.services.login, locked_user=actor.username, parent=self)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.accepted.connect(self._unlocked)
        self.lock_dialog = dialog
        dialog.open()

    def _unlocked(self) -> None:
        self.locked_as = None
        self.lock_dialog = None
        self.central.show()
        for widget in self._hidden_while_locked:
            widget.show()
        self._hidden_while_locked = []
        self.apply_permissions()
        self.idle.restart()
        self.refresh_for_actor()

    def refresh_for_actor(self) -> None:
        """After unlocking (perhaps as someone else, "Trocar de usuário"): every page that is
        open shows what this user may do — a patient page opened by the desk shows the
        gestor's "Aprovar desconto" once the gestor takes over."""
        page = self.patients.open_page()
        if page is not None and page.patient is not None:
            page.open(page.patient.id, page.contract.summary.id if page.contract else None)
        current = self.stack.currentWidget()
        if current is None:
            return
        if isinstance(current, PatientsSection):
            if current.currentWidget() is current.list:
                current.list.run_search()
        else:
            self._refresh(self.SECTIONS[self.stack.currentIndex()], current)

    @staticmethod
    def _refresh(name: str, current: QWidget) -> None:
        """Payments elsewhere may have changed balances: lists recompute when shown."""
        if name == "Contratos":
            cast("ContractsView", current).run_search()
        elif name in ("Início", "Cobrança", "Documentos"):
            # Documentos: documents printed from patient pages
            cast("DashboardView | CollectionSection | DocumentsView", current).refresh()

    def prepare_figures(self) -> None:
        """Today's figures computed off the UI thread: Início's for who sees Início, the overdue
        money Cobrança shares for the desk, then the day's cases Cobrança de hoje (and Início's
        desk part) drafts from, then the risk facts of Cobrança → Inadimplentes. A screen
        opened meanwhile waits for this computation and reuses it instead of starting its
        own."""
        dashboard, drafts = self.services.dashboard, self.services.drafts
        overdue = self.services.overdue

        def job(_progress: Progress, cancelled: IsCancelled) -> bool:
            prepared = dashboard.prepare()
            # The window is closing: the exit need not wait for the rest.
            for rest in (drafts.prepare, overdue.prepare_worklist):
                if cancelled():
                    break
                rest()
            return prepared

        self.preparing = ops.start(
            self, job, on_success=lambda _done: None, on_error=self._prepare_refused
        )

    @staticmethod
    def _prepare_refused(exc: EmDiaError) -> None:
        # Nobody asked for these figures yet: the screen that does will say what is wrong.
        log.info("today's figures were not prepared: %s", exc.message)

    # --- automatic backups ----------------------------------------------------------------
    def start_backup(self, kind: str) -> None:
        """A start/daily backup in the background; the status bar says how it went. The backup
        service is built (its module imported) on the worker too: the start backup begins right
        after the window's first paint, and the window answers clicks meanwhile."""
        services = self.services

        def job(progress: Progress, _cancelled: IsCancelled) -> BackupResult:
            return services.backups.create_automatic(kind, progress=progress)

        ops.start(self, job, on_success=self._backup_done, on_error=self._backup_failed)

    def _daily_backup(self) -> None:
        if ops.call(self, self.services.backups.due_today, on_error=self._backup_failed):
            self.start_backup("diario")

    def _backup_done(self, result: BackupResult) -> None:
        text = self.tr("Backup verificado: {name}").format(name=result.file.path.name)
        if result.fallback_reason:
            text += " — " + result.fallback_reason + self.tr(" (gravado na pasta padrão)")
        self.statusBar().showMessage(text, 15_000)

    def _backup_failed(self, exc: EmDiaError) -> None:
        log.warning("automatic backup failed: %s", exc.message)
        ops.settle(exc, self)  # a failed backup is said out loud, not only in the status bar

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.auto_backup and not self._closing_backup_started:
            self._closing_backup_started = True
            event.ignore()

            backups = self.services.backups

            def job(progress: Progress, cancelled: IsCancelled) -> BackupResult:
                return backups.create_automatic(
                    "fechamento", progress=progress, cancelled=cancelled
                )

            def failed(exc: EmDiaError) -> None:
                self._backup_failed(exc)
                self.close()

            # Had the window gone meanwhile (the application quitting), nothing is called back.
            ops.start(
                self,
                job,
                on_success=lambda _result: self.close(),
                on_error=failed,
                progress=self.tr("Fazendo o backup de fechamento…"),
            )
            return
        self.idle.uninstall()
        self.daily.stop()
        self.prepare_timer.stop()
        if self.preparing is not None:
            self.preparing.cancel()
        super().closeEvent(event)

    def show_about(self) -> None:
        from ui.dialogs.about_dialog import AboutDialog

        AboutDialog(self.services.config, self).exec()

    def _where(self) -> str:
        return location_of(self.services.config.db_url)

    def update_title(self, info: ClinicInfo) -> None:
        title = f"EmDia {app.__version__}"
        if info.display_name:
            title += f" — {info.display_name}"
        if info.is_demo or self.services.config.demo:
            title += "  [DEMO — dados fictícios]"
        self.setWindowTitle(title)

    def _section_changed(self, row: int) -> None:
        fresh = self.SECTIONS[row] not in self.sections
        view = self.section(self.SECTIONS[row])
        self.stack.setCurrentIndex(row)
        if not fresh or self.SECTIONS[row] in ("Início", "Cobrança"):
            self._refresh(self.SECTIONS[row], view)  # a view just built has read its data already

    def on_document_requested(self, patient_id: int, contract_id: int, kind: str) -> None:
        """A régua letter step (notificação D+30, aviso de negativação D+40): generate and
        archive the PDF for the contract and open it to print; the receptionist then logs
        "Carta enviada" in Cobrança de hoje."""
        # The documents' rules (and the negativação and régua ones they read) load with the
        # first document, not at start.
        from app.domain.documents import generated_text

        def generate_and_open() -> ArchivedDocument:
            [document] = self.services.documents.generate(kind, contract_id=contract_id)
            self.desk.open(document.id)
            return document

        document = ops.call(
            self,
            generate_and_open,
            on_error=lambda exc: self.statusBar().showMessage(exc.message, 15_000),
        )
        if document is None:
            return
        self.statusBar().showMessage(
            self.tr(
                '{done} (contrato {contract}, documento {id}). Depois de enviar, registre "Carta '
                'enviada".'
            ).format(done=generated_text(kind), contract=contract_id, id=document.id),
            15_000,
        )

    def _reload_patient_page(self) -> None:
        """Payments registered from the bank statement move the open patient's balances."""
        page = self.patients.page
        if page.patient is not None:
            page.open(page.patient.id, page.contract.summary.id if page.contract else None)

    def open_contract(self, patient_id: int, contract_id: int) -> None:
        self.show_section("Pacientes")
        self.patients.show_patient(patient_id, contract_id)

    def open_patient(self, patient_id: int) -> None:
        self.show_section("Pacientes")
        self.patients.show_patient(patient_id)

    def show_today(self) -> None:
        self.collection.setCurrentWidget(self.today_view)
        self.show_section("Cobrança")

    def open_inbox_item(self, item: InboxItem) -> None:
        """A line of the gestor's inbox, where it is decided: the negativação dialog (include
        or remove), the patient's Acordos tab with the proposal selected, the patient's page
        (whose header has the suspension)."""
        from app.domain.desk import InboxKind

        if item.kind in (InboxKind.REMOVAL, InboxKind.NEGATIVACAO):
            from ui.dialogs.negativacao_dialog import NegativacaoDialog

            dialog = NegativacaoDialog(self.services, item.patient_id, item.contract_id, self)
            if dialog.exec():
                self.dashboard.refresh()
            return
        self.open_patient(item.patient_id)
        page = self.patients.page
        if item.agreement_id is not None:
            page.bottom_tabs.setCurrentWidget(page.agreements)
            page.agreements.select(item.agreement_id)

    def show_overdue_bucket(self, bucket: Bucket) -> None:
        """A bar of the dashboard's aging chart: the worklist filtered by that band."""
        self.collection.setCurrentWidget(self.collection.overdue)
        self.collection.overdue.show_bucket(bucket)
        self.show_section("Cobrança")

    def show_section(self, name: str) -> QWidget:
        self.nav.setCurrentRow(self.SECTIONS.index(name))
        return self.section(name)
