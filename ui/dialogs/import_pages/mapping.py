"""Page 3 of the import wizard: for each of EmDia's fields, the column of the clinic's
spreadsheet that holds it (suggested from the headers, with an example value beside it)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from app.domain.importing import mapping_problems
from ui.dialogs.import_pages.owner import Owner, say
from ui.widgets.form import error_label

UNMAPPED = -1


class MappingPage(QWizardPage):
    def __init__(self, wizard: Owner) -> None:
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
        say(self.problems, "\n".join(problems))
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
