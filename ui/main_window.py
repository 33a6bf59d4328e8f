"""The main window: navigation on the left, one view at a time on the right."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

import app
from app.bootstrap import Services
from app.domain.clinic import ClinicInfo
from app.services.database import location_of
from ui.dialogs.about_dialog import AboutDialog
from ui.views.contracts_view import ContractsView
from ui.views.patients_section import PatientsSection
from ui.views.patients_view import PatientsView
from ui.views.placeholder import PlaceholderView
from ui.views.settings_view import SettingsView


class MainWindow(QMainWindow):
    SECTIONS = (
        "Início",
        "Pacientes",
        "Contratos",
        "Cobrança",
        "Documentos",
        "Relatórios",
        "Configurações",
    )

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.services = services

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(190)
        self.stack = QStackedWidget()
        self.stack.setObjectName("stack")

        # Sections are built the first time they are shown: a window that opens fast matters
        # more than a tab that opens 0,1 s later (bench/bench_app.py, issue 11).
        self._factories: dict[str, Callable[[], QWidget]] = {
            "Início": lambda: PlaceholderView(
                self.tr("Início"),
                self.tr(
                    "O painel do dentista/gestor vai mostrar aqui o total a receber, o valor "
                    "em atraso, a taxa de inadimplência, o envelhecimento da dívida e a "
                    "previsão de caixa. Enquanto isso, use Pacientes, Contratos e Configurações."
                ),
            ),
            "Pacientes": lambda: PatientsSection(services),
            "Contratos": self._make_contracts_view,
            "Cobrança": lambda: PlaceholderView(
                self.tr("Cobrança"),
                self.tr(
                    'Aqui vai ficar a "Cobrança de hoje": quem contatar, com a mensagem '
                    "educada já escrita e o PIX atualizado, e a lista de inadimplentes."
                ),
            ),
            "Documentos": lambda: PlaceholderView(
                self.tr("Documentos"),
                self.tr(
                    "Aqui você vai imprimir contratos, carnês com PIX, recibos, notificações "
                    "extrajudiciais e extratos, e reabrir cada documento já enviado."
                ),
            ),
            "Relatórios": lambda: PlaceholderView(
                self.tr("Relatórios"),
                self.tr(
                    "Aqui vão ficar os relatórios de inadimplência e de envelhecimento da "
                    "dívida, com exportação para planilha."
                ),
            ),
            "Configurações": self._make_settings_view,
        }
        self._built: dict[str, QWidget] = {}
        for index, name in enumerate(self.SECTIONS):
            item = QListWidgetItem(self.tr(name))
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(f"Ctrl+{index + 1}")
            self.nav.addItem(item)
            self.stack.addWidget(QWidget())  # stands in until the section is first shown
            QShortcut(
                QKeySequence(f"Ctrl+{index + 1}"),
                self,
                activated=lambda i=index: self.nav.setCurrentRow(i),
            )
        self.nav.currentRowChanged.connect(self._section_changed)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        help_menu = self.menuBar().addMenu(self.tr("Ajuda"))
        self.about_action = QAction(self.tr("Sobre o EmDia…"), self)
        self.about_action.setObjectName("about")
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

        self.db_label = QLabel(self.tr("Banco de dados: {where}").format(where=self._where()))
        self.db_label.setObjectName("dbLabel")
        self.statusBar().addPermanentWidget(self.db_label)
        self.update_title(services.clinic.get())
        self.nav.setCurrentRow(self.SECTIONS.index("Pacientes"))
        self.resize(1280, 780)

    def show_about(self) -> None:
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

    # --- sections, built on first use ----------------------------------------------------------
    def section(self, name: str) -> QWidget:
        widget = self._built.get(name)
        if widget is None:
            widget = self._factories[name]()
            index = self.SECTIONS.index(name)
            stand_in = self.stack.widget(index)
            current = self.stack.currentIndex()
            self.stack.insertWidget(index, widget)
            self.stack.removeWidget(stand_in)
            stand_in.deleteLater()
            self.stack.setCurrentIndex(current)
            self._built[name] = widget
        return widget

    def _make_contracts_view(self) -> ContractsView:
        view = ContractsView(self.services.contracts)
        view.open_contract.connect(self.open_contract)
        return view

    def _make_settings_view(self) -> SettingsView:
        view = SettingsView(self.services)
        view.clinic_changed.connect(self.update_title)
        return view

    @property
    def patients(self) -> PatientsSection:
        return cast(PatientsSection, self.section("Pacientes"))

    @property
    def patients_view(self) -> PatientsView:
        return self.patients.list

    @property
    def contracts_view(self) -> ContractsView:
        return cast(ContractsView, self.section("Contratos"))

    @property
    def settings_view(self) -> SettingsView:
        return cast(SettingsView, self.section("Configurações"))

    def _section_changed(self, row: int) -> None:
        name = self.SECTIONS[row]
        is_new = name not in self._built
        self.section(name)
        self.stack.setCurrentIndex(row)
        if name == "Contratos" and not is_new:
            self.contracts_view.run_search()  # payments elsewhere may have changed balances

    def open_contract(self, patient_id: int, contract_id: int) -> None:
        self.show_section("Pacientes")
        self.patients.show_patient(patient_id, contract_id)

    def show_section(self, name: str) -> QWidget:
        self.nav.setCurrentRow(self.SECTIONS.index(name))
        return self.stack.currentWidget()
