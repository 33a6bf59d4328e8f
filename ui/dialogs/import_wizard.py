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
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.domain.importing import (
    DELIMITER_LABELS,
    ENCODING_LABELS,
    ColumnMap,
    Table,
    mapping_problems,
)
from app.domain.layouts import LAYOUTS, describe_created, format_count
from app.errors import EmDiaError
from app.services.transfer import ImportReport, TransferService
from app.tabular import Column, write_table
from ui import ops
from ui.models.rows_model import COLOURS, Row, RowsTableModel
from ui.widgets.form import error_label
from ui.widgets.tables import make_table

UNMAPPED = -1
PREVIEW_LINES = 8
SKIPPED_COLOUR = COLOURS["renegociado"]
ERROR_COLOUR = COLOURS["vencido"]


def _say(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


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
        _say(error_label, "")
        for page in (self.file_page, self.format_page, self.check_page):
            page.completeChanged.emit()

        def finished_ok(result: Any) -> None:
            self.busy = False
            done(result)
            self.currentPage().completeChanged.emit()

        def failed(exc: EmDiaError) -> None:
            self.busy = False
            self.currentPage().completeChanged.emit()
            _say(error_label, exc.message)

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


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
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
        _say(self.error, exc.message)

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
    def __init__(self, wizard: ImportWizard) -> None:
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
        _say(self.warnings, "\n".join(source.warnings))
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


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(self.tr("3. Colunas"))
        self.setSubTitle(
            self.tr(
                "Para cada dado do EmDia, a coluna da sua planilha que o contém. * = obrigatório. "
                "Colunas que não servem ficam de fora."
            )
        )
        self.combos: dict[str, QComboBox] = {}
        self.examples: dict[str, QLabel] = {}
        self.body = QWidget()
        self.form = QFormLayout(self.body)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        self.problems = error_label("mappingProblems")
        self.unused = QLabel()
        self.unused.setObjectName("unusedColumns")
        self.unused.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.unused)
        layout.addWidget(self.problems)

    def initializePage(self) -> None:
        table = self.owner.table
        assert table is not None
        while self.form.rowCount():
            self.form.removeRow(0)
        self.combos.clear()
        self.examples.clear()
        for spec in self.owner.fields:
            combo = QComboBox()
            combo.setObjectName(f"map_{spec.key}")
            combo.addItem(self.tr("— não importar —"), UNMAPPED)
            for index in range(len(table.headers)):
                combo.addItem(table.column_name(index), index)
            combo.setCurrentIndex(max(0, combo.findData(self.owner.mapping.get(spec.key, -1))))
            combo.currentIndexChanged.connect(lambda _i, k=spec.key: self._changed(k))
            example = QLabel()
            example.setObjectName(f"example_{spec.key}")
            example.setStyleSheet("color: #555;")
            holder = QWidget()
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(combo, 1)
            row.addWidget(example, 1)
            text = spec.title + (" *" if spec.required else "")
            label = QLabel(text)
            if spec.hint:
                label.setToolTip(spec.hint)
                combo.setToolTip(spec.hint)
            self.form.addRow(label, holder)
            self.combos[spec.key] = combo
            self.examples[spec.key] = example
            self._example(spec.key)
        self._update()

    def _changed(self, key: str) -> None:
        index = self.combos[key].currentData()
        if index == UNMAPPED:
            self.owner.mapping.pop(key, None)
        else:
            self.owner.mapping[key] = int(index)
        self.owner.report = None
        self._example(key)
        self._update()

    def _example(self, key: str) -> None:
        table = self.owner.table
        index = self.owner.mapping.get(key)
        sample = ""
        if table is not None and index is not None:
            sample = next((cells[index] for _, cells in table.rows[:50] if cells[index]), "")
        self.examples[key].setText(self.tr("ex.: {v}").format(v=sample[:40]) if sample else "")

    def _update(self) -> None:
        assert self.owner.table is not None
        table = self.owner.table
        problems = mapping_problems(self.owner.fields, self.owner.mapping, table)
        _say(self.problems, "\n".join(problems))
        used = set(self.owner.mapping.values())
        unused = [table.column_name(i) for i in range(len(table.headers)) if i not in used]
        self.unused.setText(
            self.tr("Colunas da planilha que ficam de fora: {names}.").format(
                names=", ".join(unused)
            )
            if unused
            else self.tr("Todas as colunas da planilha serão usadas.")
        )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        table = self.owner.table
        return table is not None and not mapping_problems(
            self.owner.fields, self.owner.mapping, table
        )


class CheckPage(QWizardPage):
    """The dry run: every line checked by the real rules; nothing is written."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(self.tr("4. Conferência (nada foi gravado ainda)"))
        self.setCommitPage(True)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.error = error_label("checkError")
        self.only_problems = QCheckBox(self.tr("Mostrar só as linhas com problema"))
        self.only_problems.setObjectName("onlyProblems")
        self.recheck = QPushButton(self.tr("Conferir de novo"))
        self.recheck.setObjectName("recheck")
        self.recheck.setToolTip(self.tr("Lê o arquivo outra vez (depois de corrigir no Excel)."))
        self.save_errors = QPushButton(self.tr("Salvar lista de problemas…"))
        self.save_errors.setObjectName("saveErrors")
        self.model = RowsTableModel(())
        self.table = make_table(self.model, "previewTable", ())
        self.table.setWordWrap(True)
        tools = QHBoxLayout()
        tools.addWidget(self.only_problems)
        tools.addStretch(1)
        tools.addWidget(self.save_errors)
        tools.addWidget(self.recheck)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        self.only_problems.toggled.connect(lambda _on: self.show_report())
        self.recheck.clicked.connect(lambda: self.owner.load(self.check, self.error))
        self.save_errors.clicked.connect(self.save_problems)

    def initializePage(self) -> None:
        self.check()

    def check(self) -> None:
        owner = self.owner
        owner.report = None
        self.model.set_rows([])
        self.summary.setText(self.tr("Conferindo cada linha…"))
        table, mapping, kind = owner.table, dict(owner.mapping), owner.kind
        assert table is not None and owner.path is not None
        name = owner.path.name

        def job(progress: Any, cancelled: Any) -> ImportReport:
            return owner.transfer.run(
                kind,
                table,
                mapping,
                dry_run=True,
                file_name=name,
                progress=progress,
                cancelled=cancelled,
            )

        def checked(report: ImportReport) -> None:
            owner.report = report
            self.only_problems.setChecked(not report.ok)
            self.show_report()

        owner.background(self.tr("Conferindo a planilha…"), job, checked, self.error)

    def show_report(self, report: ImportReport | None = None) -> None:
        report = report or self.owner.report
        table = self.owner.table
        if report is None or table is None:
            return
        self.summary.setText(summary_text(report))
        self.summary.setStyleSheet("" if report.ok else f"color: {ERROR_COLOUR};")
        self.save_errors.setVisible(not report.ok)
        mapping = self.owner.mapping
        keys = [s.key for s in self.owner.fields if s.key in mapping]
        self.model.headers = [
            self.tr("Linha"),
            self.tr("Situação"),
            self.tr("Problemas / observações"),
            *(report.columns[k] for k in keys),
        ]
        problems: dict[int, list[str]] = {}
        for error in report.errors:
            where = f"coluna {error.column}: " if error.column else ""
            problems.setdefault(error.line, []).append(where + error.message)
        skipped = report.skipped_lines()
        rows: list[Row] = []
        for line, cells in table.rows:
            values = [cells[mapping[k]] for k in keys]
            if line in problems:
                rows.append(
                    Row([str(line), "com erro", "\n".join(problems[line]), *values], line,
                        ERROR_COLOUR, "\n".join(problems[line]))
                )  # fmt: skip
            elif self.only_problems.isChecked():
                continue
            elif line in skipped:
                rows.append(
                    Row([str(line), "já existe", skipped[line], *values], line, SKIPPED_COLOUR)
                )
            else:
                rows.append(Row([str(line), "pronta", report.notes.get(line, ""), *values], line))
        self.model.set_rows(rows)
        self.table.setColumnWidth(0, 55)
        self.table.setColumnWidth(1, 85)
        self.table.setColumnWidth(2, 380)
        for column in range(3, len(self.model.headers)):
            self.table.setColumnWidth(column, 130)
        if len(rows) <= 2_000:  # measuring every row of a huge file would freeze the screen
            self.table.resizeRowsToContents()
        self.completeChanged.emit()

    def save_problems(self) -> None:
        report = self.owner.report
        if report is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Salvar lista de problemas"),
            str(Path.home() / "problemas_importacao.csv"),
            self.tr("CSV (*.csv);;Planilha Excel (*.xlsx)"),
        )
        if not name:
            return
        rows = [[str(e.line), e.column, e.value, e.message] for e in report.errors]
        ops.attempt(
            self,
            lambda: _write_problems(Path(name), rows),
            on_error=lambda exc: _say(self.error, exc.message),
        )

    def isComplete(self) -> bool:
        report = self.owner.report
        return report is not None and report.ok and not self.owner.busy

    def validatePage(self) -> bool:
        owner = self.owner
        if owner.imported_report is not None:
            return True
        report = owner.report
        table = owner.table
        assert report is not None and table is not None and owner.path is not None
        mapping, kind, name = dict(owner.mapping), owner.kind, owner.path.name

        def job(progress: Any, cancelled: Any) -> ImportReport:
            return owner.transfer.run(
                kind, table, mapping, file_name=name, progress=progress, cancelled=cancelled
            )

        def done(result: ImportReport) -> None:
            if result.written:
                owner.imported_report = result
                owner.imported.emit(result)
                owner.next()
            else:  # the database changed since the check: show the new problems
                owner.report = result
                self.only_problems.setChecked(True)
                self.show_report()

        owner.background(self.tr("Importando…"), job, done, self.error)
        return False


class DonePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(self.tr("5. Importação concluída"))
        self.text = QLabel()
        self.text.setObjectName("doneText")
        self.text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addStretch(1)

    def initializePage(self) -> None:
        result = self.owner.imported_report
        assert result is not None
        lines = [
            self.tr("Importado de {file}: {what}.").format(
                file=result.file, what=describe_created(dict(result.created))
            )
        ]
        if result.skipped:
            count = sum(len(s.lines) for s in result.skipped)
            lines.append(
                self.tr("{n} linha(s) ignorada(s) porque já estavam no EmDia:").format(
                    n=format_count(count)
                )
            )
            lines.extend(f"• {s}" for s in result.skipped[:20])
            if len(result.skipped) > 20:
                lines.append("…")
        self.text.setText("\n".join(lines))


def _write_problems(path: Path, rows: list[list[str]]) -> None:
    """The list of problems, for the clinic to fix in Excel. The chosen file may be open in
    Excel or on a full pendrive: that is said in pt-BR, like any refusal."""
    columns = (Column("linha"), Column("coluna"), Column("valor"), Column("problema"))
    try:
        write_table(path, columns, rows)
    except OSError as exc:
        raise EmDiaError(
            f"Não foi possível gravar {path}: {exc.strerror or exc}. Feche o arquivo se ele "
            "estiver aberto no Excel, ou escolha outra pasta."
        ) from exc


def summary_text(report: ImportReport) -> str:
    """One paragraph saying what the dry run found (also used by the screenshots)."""
    rows = format_count(report.rows)
    skipped = sum(len(s.lines) for s in report.skipped)
    if not report.ok:
        bad = format_count(len(report.error_lines()))
        return (
            f"{bad} de {rows} linha(s) com problema — nada será gravado. Corrija a planilha (ou "
            "volte e ajuste as colunas) e clique em Conferir de novo."
        )
    what = describe_created(dict(report.created))
    text = f"Tudo certo nas {rows} linha(s). Serão importados: {what}."
    if skipped:
        text += f" {format_count(skipped)} linha(s) já estão no EmDia e serão ignoradas."
    return text + " Clique em Importar para gravar tudo de uma vez."
