"""First start of an installed copy: set up my clinic, or explore the demo clinic."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget


class FirstRunDialog(QDialog):
    SETUP, DEMO = "setup", "demo"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Bem-vindo ao EmDia"))
        self.choice: str | None = None
        intro = QLabel(
            self.tr(
                "O EmDia ajuda a clínica a receber em dia: parcelas, pagamentos, lembretes "
                "educados e documentos. Como você quer começar?"
            )
        )
        intro.setWordWrap(True)
        setup = QPushButton(self.tr("Configurar minha clínica"))
        setup.setObjectName("setup")
        demo = QPushButton(self.tr("Explorar a clínica de demonstração"))
        demo.setObjectName("demo")
        note = QLabel(
            self.tr("A demonstração usa um banco separado, com pessoas fictícias, marcado DEMO.")
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(setup)
        layout.addWidget(demo)
        layout.addWidget(note)
        setup.clicked.connect(lambda: self._choose(self.SETUP))
        demo.clicked.connect(lambda: self._choose(self.DEMO))
        setup.setDefault(True)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()
