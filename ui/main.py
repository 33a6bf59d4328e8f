"""Start the window: logging, error handling, database (backup + migrate), then MainWindow."""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

import resources
from app.bootstrap import Services, bootstrap
from app.clock import Clock
from app.config import Config, load_config
from app.errors import EmDiaError
from app.logging_setup import configure_logging
from app.services.demo import DemoReport
from ui.dialogs.first_run import FirstRunDialog
from ui.errors import ErrorReporter
from ui.main_window import MainWindow
from ui.tasks import TaskRunner, run_with_progress

log = logging.getLogger("emdia.ui")

DEMO_PATIENTS = 300


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    application = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv)
    application.setApplicationName("EmDia")
    application.setOrganizationName("EmDia")
    QLocale.setDefault(QLocale(QLocale.Language.Portuguese, QLocale.Country.Brazil))
    _install_qt_translation(application)
    application.setStyleSheet(resources.path("style.qss").read_text(encoding="utf-8"))
    return application


def _install_qt_translation(application: QApplication) -> None:
    """Qt's own texts (standard buttons, context menus) in pt-BR, from the translations shipped
    with PySide6 (bundled by the installer too)."""
    translator = QTranslator(application)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(
        QLocale(QLocale.Language.Portuguese, QLocale.Country.Brazil), "qtbase", "_", folder
    ):
        application.installTranslator(translator)


READY_ENV = "EMDIA_EXIT_WHEN_READY"


class ReadyProbe(QObject):
    """For the start-up benchmark and the installer's smoke test: once the main window has
    painted and the event loop is idle (the user could click), print ``ready <epoch seconds>``
    and quit. Active only when ``EMDIA_EXIT_WHEN_READY`` is set."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._seen = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._seen:
            self._seen = True
            QTimer.singleShot(0, self._ready)
        return False

    @staticmethod
    def _ready() -> None:
        print(f"ready {time.time():.6f}", flush=True)
        QApplication.quit()


class Launcher:
    """Opens the database and the window; shows errors politely instead of crashing."""

    def __init__(self, config: Config, clock: Clock, reporter: ErrorReporter) -> None:
        self.config = config
        self.clock = clock
        self.reporter = reporter
        self.runner = TaskRunner()
        self.window: MainWindow | None = None
        self.services: Services | None = None

    def open(self) -> bool:
        try:
            self.services = bootstrap(self.config, self.clock)
        except EmDiaError as exc:
            self.reporter.report(exc)
            return False
        except Exception as exc:
            self.reporter.report(exc)
            return False
        if self.services.migration and self.services.migration.backup:
            log.info("backup before migration at %s", self.services.migration.backup)
        if self.services.demo.is_empty():
            if self.config.demo:
                self._fill_demo()
                return True
            dialog = FirstRunDialog()
            dialog.exec()
            if dialog.choice == FirstRunDialog.DEMO:
                self.services.close()
                self.config = load_config(None, demo=True)
                return self.open()
            self.show_window().show_section("Configurações")
            return True
        self.show_window()
        return True

    def _fill_demo(self) -> None:
        services = self.services
        assert services is not None

        def job(progress, cancelled):  # type: ignore[no-untyped-def]
            return services.demo.create(
                DEMO_PATIENTS, seed=1, progress=progress, cancelled=cancelled
            )

        def done(_report: DemoReport) -> None:
            self.show_window()

        def failed(exc: BaseException) -> None:
            self.reporter.report(exc)
            self.show_window()

        run_with_progress(
            self.runner, None, "Criando a clínica de demonstração…", job, done, failed
        )

    def show_window(self) -> MainWindow:
        assert self.services is not None
        self.window = MainWindow(self.services)
        if os.environ.get(READY_ENV):
            ReadyProbe(self.window)
        self.window.show()
        return self.window


def run_gui(config: Config, clock: Clock) -> int:
    application = make_application()
    log_file: Path = configure_logging(config.log_dir)
    reporter = ErrorReporter(log_file)
    reporter.install()
    launcher = Launcher(config, clock, reporter)
    if not launcher.open():
        return 1
    code = application.exec()
    launcher.runner.wait()
    if launcher.services is not None:
        launcher.services.close()
    return int(code)


def main() -> int:  # pragma: no cover - `python -m ui.main`
    from app.clock import SystemClock

    return run_gui(replace(load_config(None), demo=False), SystemClock())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
