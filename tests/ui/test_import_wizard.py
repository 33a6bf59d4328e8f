"""The Importar wizard and the Exportar buttons, driven as a receptionist does."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QPushButton, QRadioButton, QWidget, QWizard
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from tests.sheets import excel_csv, excel_patients
from tests.ui.helpers import replace_text, tick
from ui.dialogs.import_wizard import ImportWizard
from ui.views.patients_view import PatientsView
from ui.views.transfer_panel import TransferPanel

# The clinic calls the phone "Fone contato": not a name EmDia knows, so the user maps it.
HEADER = "Nome;CPF;Data de Nascimento;Fone contato;E-mail;Endereço;Nº;Bairro;Cidade;UF;CEP;Obs"


def clinic_sheet(tmp_path: Path, *, bad: bool) -> Path:
    rows = excel_patients(40, seed=8)
    if bad:
        rows[4][2] = "31/02/1990"  # line 6
        rows[20][1] = "111.111.111-11"  # line 22
    path = tmp_path / "pacientes.csv"
    path.write_bytes(excel_csv(HEADER, rows))
    return path


def click(qtbot: QtBot, wizard: QWizard, which: QWizard.WizardButton) -> None:
    button = wizard.button(which)
    assert button.isEnabled(), f"{which} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def open_wizard(qtbot: QtBot, services: Services, kind: str = "patients") -> ImportWizard:
    wizard = ImportWizard(services.transfer, kind)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def button(parent: QWidget, name: str) -> QPushButton:
    found = parent.findChild(QPushButton, name)
    assert found is not None, name
    return found


def save_as(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def test_map_check_fix_and_import(
    qtbot: QtBot, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = clinic_sheet(tmp_path, bad=True)
    wizard = open_wizard(qtbot, services)
    replace_text(qtbot, wizard.file_page.path, str(sheet))
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.format_page, timeout=10_000)
    assert "Windows-1252" in wizard.format_page.detected.text()
    assert "40 linha(s) de dados" in wizard.format_page.detected.text()
    assert wizard.format_page.model.rowCount() == 8  # a glimpse of the file, accents right

    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    page = wizard.mapping_page
    assert page.combos["name"].currentText() == "Nome"
    assert page.combos["phone"].currentText() == "— não importar —"
    assert "Fone contato" in page.unused.text()
    page.combos["phone"].setCurrentIndex(page.combos["phone"].findText("Fone contato"))
    assert page.examples["phone"].text().startswith("ex.: ")
    page.combos["name"].setCurrentIndex(0)  # unmapping a required field blocks the way on
    assert "Nome: escolha a coluna" in page.problems.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    page.combos["name"].setCurrentIndex(page.combos["name"].findText("Nome"))
    assert page.problems.isHidden()

    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    check = wizard.check_page
    qtbot.waitUntil(lambda: wizard.report is not None, timeout=20_000)
    assert "2 de 40 linha(s) com problema — nada será gravado" in check.summary.text()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert check.only_problems.isChecked() and check.model.rowCount() == 2
    shown = [check.model.index(r, 2).data() for r in range(2)]
    assert shown == [
        "coluna Data de Nascimento: '31/02/1990' não é uma data válida.",
        "coluna CPF: '111.111.111-11' não é um CPF válido (dígitos verificadores não conferem).",
    ]
    qtbot.mouseClick(check.only_problems, Qt.MouseButton.LeftButton)
    assert check.model.rowCount() == 40
    assert services.patients.count() == 0  # the dry run wrote nothing

    problems = tmp_path / "problemas.csv"
    save_as(monkeypatch, problems)
    qtbot.mouseClick(check.save_errors, Qt.MouseButton.LeftButton)
    assert problems.read_text(encoding="utf-8-sig").count("\n") == 3

    clinic_sheet(tmp_path, bad=False)  # fixed in Excel and saved again
    qtbot.mouseClick(check.recheck, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: wizard.report is not None and wizard.report.ok and not wizard.busy,
        timeout=20_000,
    )
    assert "Tudo certo nas 40 linha(s). Serão importados: 40 pacientes." in check.summary.text()
    assert wizard.mapping["phone"] == 3  # the user's mapping survived the re-read
    with qtbot.waitSignal(wizard.imported, timeout=20_000) as imported:
        click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    assert imported.args[0].written
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.done_page, timeout=5_000)
    assert "Importado de pacientes.csv: 40 pacientes." in wizard.done_page.text.text()
    assert services.patients.count() == 40
    # The mapped column came in: every person's phone, digits only, as typed in the sheet.
    typed = sorted("".join(c for c in row[3] if c.isdigit()) for row in excel_patients(40, seed=8))
    assert sorted(p.phone for p in services.patients.search("", 0, 50)) == typed


def test_a_binary_file_is_explained_on_the_first_page(
    qtbot: QtBot, services: Services, tmp_path: Path
) -> None:
    photo = tmp_path / "foto.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" * 50)
    wizard = open_wizard(qtbot, services)
    replace_text(qtbot, wizard.file_page.path, str(photo))
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    qtbot.waitUntil(lambda: wizard.file_page.error.isVisible(), timeout=10_000)
    assert "arquivo binário" in wizard.file_page.error.text()
    assert wizard.currentPage() is wizard.file_page


def test_the_template_downloads_and_the_kind_changes_the_help(
    qtbot: QtBot, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wizard = open_wizard(qtbot, services)
    radio = wizard.file_page.findChild(QRadioButton, "kind_contracts")
    assert radio is not None
    tick(qtbot, radio)
    assert wizard.kind == "contracts"
    assert "Uma linha por parcela" in wizard.file_page.explanation.text()
    assert wizard.file_page.template.text() == "Baixar modelo (modelo_contratos.csv)"
    target = tmp_path / "modelo_contratos.csv"
    save_as(monkeypatch, target)
    qtbot.mouseClick(wizard.file_page.template, Qt.MouseButton.LeftButton)
    assert target.read_text(encoding="utf-8-sig").startswith("contrato;cpf do paciente;")
    assert "Modelo salvo" in wizard.file_page.status.text()


def test_exports_from_settings_and_the_patients_list(
    qtbot: QtBot, demo_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = TransferPanel(demo_services.transfer)
    qtbot.addWidget(panel)
    panel.show()
    target = tmp_path / "parcelas.xlsx"
    save_as(monkeypatch, target)
    qtbot.mouseClick(button(panel, "export_installments"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "exportada(s)" in panel.status.text(), timeout=20_000)
    assert target.exists()

    view = PatientsView(demo_services.patients, lambda: demo_services.transfer)
    qtbot.addWidget(view)
    view.show()
    listing = tmp_path / "pacientes"  # no extension typed: the chosen filter decides
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(listing), "CSV para Excel (*.csv)")
    )
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "exportada(s)" in view.count_label.text(), timeout=20_000)
    assert listing.with_suffix(".csv").read_bytes().startswith(b"\xef\xbb\xbf")
    qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    wizard = view.findChild(ImportWizard)
    assert wizard is not None and wizard.isVisible() and wizard.kind == "patients"
    wizard.reject()


def test_repeated_payment_lines_wait_for_the_user_to_say_they_are_different(
    qtbot: QtBot, services: Services, tmp_path: Path
) -> None:
    from tests.integration.test_transfer import CONTRACTS, do_import, write
    from tests.sheets import cpf

    do_import(services, "contracts", write(tmp_path, "c.csv", CONTRACTS.format(a=cpf(21))))
    [contract] = services.contracts.search("", 0, 1)
    paid_before = len(services.contracts.get(contract.id).payments)
    line = f"C-7;{cpf(21)};16/03/2026;150,00;PIX\n"
    sheet = write(tmp_path, "p.csv", "contrato;cpf;data do pagamento;valor;forma\n" + line * 2)
    wizard = open_wizard(qtbot, services, "payments")
    replace_text(qtbot, wizard.file_page.path, str(sheet))
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.format_page, timeout=10_000)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    check = wizard.check_page
    qtbot.waitUntil(lambda: wizard.report is not None and not wizard.busy, timeout=20_000)
    assert (
        check.model.index(0, 2)
        .data()
        .startswith("Pagamento repetido? Esta linha é igual à linha 2")
    )
    assert check.confirm_duplicates.isVisible()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    tick(qtbot, check.confirm_duplicates)
    qtbot.waitUntil(
        lambda: wizard.report is not None and wizard.report.ok and not wizard.busy,
        timeout=20_000,
    )
    with qtbot.waitSignal(wizard.imported, timeout=20_000):
        click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    assert len(services.contracts.get(contract.id).payments) == paid_before + 2
