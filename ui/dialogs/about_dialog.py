"""Sobre o EmDia: version, where the data lives, and the licence of every bundled component
(Qt/PySide6 under the LGPL, SQLAlchemy MIT, ReportLab BSD, …) read from package metadata."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

import app
from app.about import components
from app.config import Config
from ui.models.rows_model import Row, RowsTableModel
from ui.widgets.tables import make_table


class AboutDialog(QDialog):
    def __init__(self, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AboutDialog")
        self.setWindowTitle(self.tr("Sobre o EmDia"))
        title = QLabel(f"EmDia {app.__version__}")
        title.setObjectName("viewTitle")
        intro = QLabel(
            self.tr(
                "Controle de recebíveis e cobrança educada e legal para clínicas. Funciona sem "
                "internet; os dados ficam neste computador ou no servidor da clínica."
            )
        )
        intro.setWordWrap(True)
        where = QLabel(
            self.tr("Pasta de dados: {data}\nRegistros (log): {logs}").format(
                data=config.data_dir, logs=config.log_dir
            )
        )
        where.setObjectName("where")
        where.setWordWrap(True)
        self.model = RowsTableModel(("Componente", "Versão", "Licença", "Site"))
        self.model.set_rows(
            [
                Row([c.name, c.version, c.licence, c.homepage], key=index)
                for index, c in enumerate(components())
            ]
        )
        self.table = make_table(self.model, "components", (230, 90, 230))
        lgpl = QLabel(
            self.tr(
                "O EmDia usa o Qt (via PySide6) e o psycopg sob a licença LGPL-3.0: essas "
                "bibliotecas ficam em arquivos separados na pasta de instalação e podem ser "
                "trocadas por outra versão compatível. Os textos completos das licenças "
                "acompanham cada componente (pastas *.dist-info da instalação)."
            )
        )
        lgpl.setObjectName("lgpl")
        lgpl.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(where)
        layout.addWidget(QLabel(self.tr("Componentes incluídos e suas licenças")))
        layout.addWidget(self.table, 1)
        layout.addWidget(lgpl)
        layout.addWidget(buttons)
        self.resize(820, 600)
