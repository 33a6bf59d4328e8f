"""Importar planilha: choose the file → see what was detected → fix the column mapping → check
every line (nothing is written) → import all at once.

Reading, checking and importing run in the background (``ui.ops``) with progress and Cancelar;
the widgets only show what ``TransferService`` reports.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QWidget, QWizard

from app.domain.importing import ColumnMap, Table
from app.domain.layouts import LAYOUTS
from app.errors import EmDiaError
from app.services.transfer import ImportReport, TransferService
from ui import ops
from ui.dialogs.import_pages.check import CheckPage, DonePage
from ui.dialogs.import_pages.mapping import MappingPage
from ui.dialogs.import_pages.owner import say
from ui.dialogs.import_pages.source import FilePage, FormatPage


class ImportWizard(QWizard):
    """Holds what the pages share: the kind, the file, its table, the mapping, the reports."""

    imported = Signal(object)  # the ImportReport of a committed import

    def __init__(
        self, transfer: TransferService, kind: str = "patients", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ImportWizard")
        self.setWindowTitle(self.tr("Importar planilha"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        for button, text in (
            (QWizard.WizardButton.NextButton, "Avançar >"),
            (QWizard.WizardButton.BackButton, "< Voltar"),
            (QWizard.WizardButton.CancelButton, "Cancelar"),
            (QWizard.WizardButton.FinishButton, "Concluir"),
            (QWizard.WizardButton.CommitButton, "Importar"),
        ):
            self.setButtonText(button, self.tr(text))
        self.transfer = transfer
        self.kind = kind
        self.path: Path | None = None
        self.encoding: str | None = None
        self.delimiter: str | None = None
        self.table: Table | None = None
        self.mapping: ColumnMap = {}
        self.report: ImportReport | None = None
        self.imported_report: ImportReport | None = None  # what the commit wrote
        self.busy = False

        self.file_page = FilePage(self)
        self.format_page = FormatPage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.done_page = DonePage(self)
        for page in (
            self.file_page,
            self.format_page,
            self.mapping_page,
            self.check_page,
            self.done_page,
        ):
            self.addPage(page)
        self.resize(980, 660)

    @property
    def fields(self) -> tuple[Any, ...]:
        return LAYOUTS[self.kind].fields

    def background(
        self,
        label: str,
        job: Callable[..., Any],
        done: Callable[[Any], None],
        error_label: QLabel,
    ) -> None:
        """Run ``job(progress, cancelled)`` off the UI thread; refusals go to ``error_label``."""
        self.busy = True
        say(error_label, "")
        for page in (self.file_page, self.format_page, self.check_page):
            page.completeChanged.emit()

        def finished_ok(result: Any) -> None:
            self.busy = False
            done(result)
            self.currentPage().completeChanged.emit()

        def failed(exc: EmDiaError) -> None:
            self.busy = False
            self.currentPage().completeChanged.emit()
            say(error_label, exc.message)

        ops.start(self, job, on_success=finished_ok, on_error=failed, progress=label)

    def load(self, then: Callable[[], None], error_label: QLabel) -> None:
        """(Re)read the file with the chosen encoding/separator; keep a mapping that still fits."""
        assert self.path is not None
        path, encoding, delimiter = self.path, self.encoding, self.delimiter

        def job(_progress: Any, _cancelled: Any) -> Table:
            return self.transfer.read(path, encoding=encoding, delimiter=delimiter)

        def loaded(table: Table) -> None:
            same_columns = self.table is not None and self.table.headers == table.headers
            self.table = table
            if not same_columns:
                self.mapping = self.transfer.suggest(self.kind, table)
            self.report = None
            then()

        self.background(self.tr("Lendo a planilha…"), job, loaded, error_label)
