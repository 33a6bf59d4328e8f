"""What a page of the import wizard uses of the wizard: the state the pages share and the
background lane. A Protocol, so the pages need not import the wizard that builds them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QLabel, QWizardPage

from app.domain.importing import ColumnMap, Table
from app.services.transfer import ImportReport, TransferService


class Owner(Protocol):
    transfer: TransferService
    kind: str
    path: Path | None
    encoding: str | None
    delimiter: str | None
    table: Table | None
    mapping: ColumnMap
    report: ImportReport | None  # the last dry run
    imported_report: ImportReport | None  # what the import wrote
    busy: bool
    imported: SignalInstance

    @property
    def fields(self) -> tuple[Any, ...]: ...

    def background(
        self, label: str, job: Callable[..., Any], done: Callable[[Any], None], error_label: QLabel
    ) -> None: ...

    def load(self, then: Callable[[], None], error_label: QLabel) -> None: ...

    def next(self) -> None: ...

    def currentPage(self) -> QWizardPage: ...


def say(label: QLabel, text: str) -> None:
    """Show ``text`` in ``label``; hide the label when there is nothing to say."""
    label.setText(text)
    label.setVisible(bool(text))
