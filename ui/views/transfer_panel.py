"""Configurações → Importar / Exportar: bring a spreadsheet in (the wizard), take data out
(CSV with ``;`` and UTF-8 BOM, or XLSX), in the background (``ui.ops``) with progress and
Cancelar."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.layouts import LAYOUTS, format_count
from app.progress import IsCancelled, Progress
from app.services.transfer import EXPORTS, ImportReport, TransferService
from ui import ops
from ui.dialogs.import_wizard import ImportWizard

EXPORT_NAMES = {"patients": "pacientes", "installments": "parcelas", "payments": "pagamentos"}


def open_import_wizard(
    transfer: TransferService,
    kind: str,
    parent: QWidget | None,
    on_imported: Callable[[ImportReport], None] | None = None,
) -> ImportWizard:
    wizard = ImportWizard(transfer, kind, parent)
    if on_imported is not None:
        wizard.imported.connect(on_imported)
    wizard.open()
    return wizard


def export_to_file(
    transfer: TransferService,
    kind: str,
    parent: QWidget,
    report: Callable[[str], None],
) -> None:
    """Ask where to save, then export in the background; ``report`` gets the outcome (pt-BR)."""
    name, chosen = QFileDialog.getSaveFileName(
        parent,
        parent.tr("Exportar {what}").format(what=EXPORT_NAMES.get(kind, kind)),
        str(Path.home() / f"emdia_{EXPORT_NAMES.get(kind, kind)}.xlsx"),
        parent.tr("Planilha Excel (*.xlsx);;CSV para Excel (*.csv)"),
    )
    if not name:
        return
    path = Path(name)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        path = path.with_suffix(".csv" if "csv" in chosen.lower() else ".xlsx")

    def job(progress: Progress, cancelled: IsCancelled) -> int:
        return transfer.export(kind, path, progress, cancelled)

    def done(count: int) -> None:
        report(
            parent.tr("{n} linha(s) exportada(s) para {path}.").format(
                n=format_count(count), path=path
            )
        )

    label = parent.tr("Exportando {what}…").format(what=EXPORT_NAMES.get(kind, kind))
    ops.start(
        parent, job, on_success=done, on_error=lambda exc: report(exc.message), progress=label
    )


class TransferPanel(QWidget):
    imported = Signal(object)

    def __init__(self, transfer: TransferService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TransferPanel")
        self.transfer = transfer
        self.wizard: ImportWizard | None = None

        imports = QGroupBox(self.tr("Importar planilha (CSV ou Excel)"))
        box = QVBoxLayout(imports)
        intro = QLabel(
            self.tr(
                "Traga a planilha que a clínica já usa. Antes de gravar, o EmDia confere cada "
                "linha com as mesmas regras do cadastro e mostra os problemas; nada é gravado "
                "até tudo estar certo. Importar de novo o mesmo arquivo não duplica nada."
            )
        )
        intro.setWordWrap(True)
        box.addWidget(intro)
        row = QHBoxLayout()
        for kind, spec in LAYOUTS.items():
            button = QPushButton(self.tr("Importar {what}…").format(what=spec.title.lower()))
            button.setObjectName(f"import_{kind}")
            button.clicked.connect(lambda _c=False, k=kind: self.start_import(k))
            row.addWidget(button)
        row.addStretch(1)
        box.addLayout(row)

        exports = QGroupBox(self.tr("Exportar"))
        ebox = QVBoxLayout(exports)
        note = QLabel(
            self.tr(
                "Excel (.xlsx) com números e datas de verdade, ou CSV com ponto e vírgula que o "
                "Excel em português abre com os acentos certos. A lista de parcelas traz o valor "
                "atualizado hoje (multa, juros e correção)."
            )
        )
        note.setWordWrap(True)
        ebox.addWidget(note)
        erow = QHBoxLayout()
        for kind in EXPORTS:
            button = QPushButton(
                self.tr("Exportar {what}…").format(what=EXPORT_NAMES.get(kind, kind))
            )
            button.setObjectName(f"export_{kind}")
            button.clicked.connect(lambda _c=False, k=kind: self.start_export(k))
            erow.addWidget(button)
        erow.addStretch(1)
        ebox.addLayout(erow)
        self.status = QLabel()
        self.status.setObjectName("transferStatus")
        self.status.setWordWrap(True)
        ebox.addWidget(self.status)

        layout = QVBoxLayout(self)
        layout.addWidget(imports)
        layout.addWidget(exports)
        layout.addStretch(1)

    def start_import(self, kind: str) -> ImportWizard:
        self.wizard = open_import_wizard(self.transfer, kind, self, self.imported.emit)
        return self.wizard

    def start_export(self, kind: str) -> None:
        export_to_file(self.transfer, kind, self, self.status.setText)
