"""Pages 4 and 5 of the import wizard: the dry run — every line checked by the real rules,
nothing written — with the problems to save for Excel; then the import at once, and what it
created."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from app.domain.columns import Column
from app.domain.layouts import describe_created, format_count
from app.errors import EmDiaError
from app.services.transfer import ImportReport
from app.tabular import write_table
from ui import ops
from ui.dialogs.import_pages.owner import Owner, say
from ui.models.rows_model import COLOURS, Row, RowsTableModel
from ui.widgets.form import error_label
from ui.widgets.tables import make_table

SKIPPED_COLOUR = COLOURS["renegociado"]
ERROR_COLOUR = COLOURS["vencido"]


class CheckPage(QWizardPage):
    """The dry run: every line checked by the real rules; nothing is written."""

    def __init__(self, wizard: Owner) -> None:
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
        self.confirm_duplicates = QCheckBox(
            self.tr("As linhas repetidas são pagamentos diferentes: importar todas")
        )
        self.confirm_duplicates.setObjectName("confirmDuplicates")
        self.confirm_duplicates.setVisible(False)
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
        layout.addWidget(self.confirm_duplicates)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        self.only_problems.toggled.connect(lambda _on: self.show_report())
        self.confirm_duplicates.toggled.connect(lambda _on: self.check())
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
        confirmed = self.confirm_duplicates.isChecked()

        def job(progress: Any, cancelled: Any) -> ImportReport:
            return owner.transfer.run(
                kind,
                table,
                mapping,
                dry_run=True,
                file_name=name,
                progress=progress,
                cancelled=cancelled,
                confirm_duplicates=confirmed,
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
        self.confirm_duplicates.setVisible(
            report.has_duplicates or self.confirm_duplicates.isChecked()
        )
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
            on_error=lambda exc: say(self.error, exc.message),
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
        confirmed = self.confirm_duplicates.isChecked()

        def job(progress: Any, cancelled: Any) -> ImportReport:
            return owner.transfer.run(
                kind,
                table,
                mapping,
                file_name=name,
                progress=progress,
                cancelled=cancelled,
                confirm_duplicates=confirmed,
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
    def __init__(self, wizard: Owner) -> None:
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
    """One paragraph saying what the dry run found."""
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
