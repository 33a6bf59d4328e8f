"""Pages 1 and 2 of the import wizard: what to import and from which file (with the model
spreadsheet to download), then the file's encoding and separator, detected and adjustable."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWizardPage,
)

from app.domain.importing import DELIMITER_LABELS, ENCODING_LABELS
from app.domain.layouts import LAYOUTS, format_count
from app.errors import EmDiaError
from ui import ops
from ui.dialogs.import_pages.owner import Owner, say
from ui.models.rows_model import Row, RowsTableModel
from ui.widgets.form import error_label
from ui.widgets.tables import make_table

PREVIEW_LINES = 8


class FilePage(QWizardPage):
    def __init__(self, wizard: Owner) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(self.tr("1. O que importar"))
        self.setSubTitle(self.tr("Escolha o tipo de planilha e o arquivo (CSV ou Excel .xlsx)."))
        self.kinds = QButtonGroup(self)
        radios = QVBoxLayout()
        for key, spec in LAYOUTS.items():
            radio = QRadioButton(self.tr(spec.title))
            radio.setObjectName(f"kind_{key}")
            radio.setChecked(key == wizard.kind)
            self.kinds.addButton(radio)
            radio.toggled.connect(lambda on, k=key: self._kind(k) if on else None)
            radios.addWidget(radio)
        self.explanation = QLabel()
        self.explanation.setObjectName("explanation")
        self.explanation.setWordWrap(True)
        self.path = QLineEdit()
        self.path.setObjectName("path")
        self.path.setPlaceholderText(self.tr("Caminho do arquivo .csv ou .xlsx"))
        self.browse = QPushButton(self.tr("Escolher arquivo…"))
        self.browse.setObjectName("browse")
        self.template = QPushButton()
        self.template.setObjectName("template")
        self.status = QLabel()
        self.status.setObjectName("templateStatus")
        self.status.setWordWrap(True)
        self.error = error_label("fileError")
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        model_row = QHBoxLayout()
        model_row.addWidget(self.template)
        model_row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(radios)
        layout.addWidget(self.explanation)
        layout.addSpacing(8)
        layout.addWidget(QLabel(self.tr("Arquivo:")))
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addSpacing(8)
        layout.addLayout(model_row)
        layout.addStretch(1)
        self.path.textChanged.connect(self.completeChanged)
        self.browse.clicked.connect(self.choose_file)
        self.template.clicked.connect(self.save_template)
        self._kind(wizard.kind)

    def _kind(self, kind: str) -> None:
        self.owner.kind = kind
        self.owner.table = None  # the mapping depends on the kind: read again
        spec = LAYOUTS[kind]
        self.explanation.setText(spec.explanation)
        self.template.setText(self.tr("Baixar modelo ({name})").format(name=spec.template))

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Escolher planilha"),
            str(Path.home()),
            self.tr("Planilhas (*.csv *.xlsx *.txt);;Todos os arquivos (*)"),
        )
        if name:
            self.path.setText(name)

    def save_template(self) -> None:
        spec = LAYOUTS[self.owner.kind]
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Salvar modelo"),
            str(Path.home() / spec.template),
            self.tr("CSV (*.csv);;Planilha Excel (*.xlsx)"),
        )
        if not name:
            return
        transfer, kind = self.owner.transfer, self.owner.kind
        if not ops.attempt(
            self, lambda: transfer.write_template(kind, Path(name)), on_error=self._say_error
        ):
            return
        self.status.setText(
            self.tr("Modelo salvo em {path}. Abra no Excel, preencha e importe.").format(path=name)
        )

    def _say_error(self, exc: EmDiaError) -> None:
        say(self.error, exc.message)

    def isComplete(self) -> bool:
        return bool(self.path.text().strip()) and not self.owner.busy

    def validatePage(self) -> bool:
        path = Path(self.path.text().strip())
        if self.owner.table is not None and self.owner.path == path:
            return True
        self.owner.path = path
        self.owner.encoding = self.owner.delimiter = None
        self.owner.table = None
        self.owner.load(self.owner.next, self.error)
        return False


class FormatPage(QWizardPage):
    def __init__(self, wizard: Owner) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(self.tr("2. Formato do arquivo"))
        self.setSubTitle(
            self.tr("Confira se os acentos e as colunas aparecem certos; se não, ajuste abaixo.")
        )
        self.detected = QLabel()
        self.detected.setObjectName("detected")
        self.detected.setWordWrap(True)
        self.warnings = error_label("warnings")
        self.encoding = QComboBox()
        self.encoding.setObjectName("encoding")
        self.encoding.addItem(self.tr("Automática"), None)
        for key in ("utf-8", "windows-1252", "utf-16"):
            self.encoding.addItem(ENCODING_LABELS[key], key)
        self.delimiter = QComboBox()
        self.delimiter.setObjectName("delimiter")
        self.delimiter.addItem(self.tr("Automático"), None)
        for key, text in DELIMITER_LABELS.items():
            self.delimiter.addItem(text, key)
        self.error = error_label("formatError")
        self.model = RowsTableModel(())
        self.table = make_table(self.model, "rawPreview", ())
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("Codificação:")), 0, 0)
        grid.addWidget(self.encoding, 0, 1)
        grid.addWidget(QLabel(self.tr("Separador:")), 0, 2)
        grid.addWidget(self.delimiter, 0, 3)
        grid.setColumnStretch(4, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.detected)
        layout.addWidget(self.warnings)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        self.encoding.activated.connect(self._reread)
        self.delimiter.activated.connect(self._reread)

    def initializePage(self) -> None:
        self.show_table()

    def show_table(self) -> None:
        table = self.owner.table
        if table is None:
            return
        source = table.source
        self.detected.setText(
            self.tr("Detectado: {what}. Títulos na linha {header}; {n} linha(s) de dados.").format(
                what=source.describe(), header=table.header_line, n=format_count(len(table.rows))
            )
        )
        say(self.warnings, "\n".join(source.warnings))
        is_csv = source.format == "csv"
        self.encoding.setEnabled(is_csv)
        self.delimiter.setEnabled(is_csv)
        headers = [self.tr("Linha")] + [table.column_name(i) for i in range(len(table.headers))]
        self.model.headers = headers
        self.model.set_rows(
            [
                Row([str(line), *cells[: len(headers) - 1]])
                for line, cells in table.rows[:PREVIEW_LINES]
            ]
        )
        for column in range(1, len(headers)):
            self.table.setColumnWidth(column, 140)
        self.table.setColumnWidth(0, 55)

    def _reread(self) -> None:
        self.owner.encoding = self.encoding.currentData()
        self.owner.delimiter = self.delimiter.currentData()
        self.owner.load(self.show_table, self.error)

    def isComplete(self) -> bool:
        return self.owner.table is not None and not self.owner.busy
