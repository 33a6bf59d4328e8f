"""Relatórios driven through real widgets: every report opens, the filters change it, Imprimir
archives a PDF and opens it, Exportar writes the spreadsheet, the cash count is recorded, the
desk sees only today's closing, and the extratos em lote are generated."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt, QUrl
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.domain.reports.period import ReportKind
from app.services.documents.batch import BatchResult
from app.services.reports import ReportResult
from tests.conftest import STAFF_PASSWORD
from tests.report_data import seed_report_clinic
from ui.documents import DocumentDesk
from ui.views.reports.section import STATEMENTS, ReportsSection


class Viewer:
    """Stands in for the system's PDF viewer."""

    def __init__(self, desk: DocumentDesk) -> None:
        self.opened: list[Path] = []
        desk.open_url = self.open

    def open(self, url: QUrl) -> bool:
        self.opened.append(Path(url.toLocalFile()))
        return True


def make_section(qtbot: QtBot, services: Services) -> tuple[ReportsSection, Viewer]:
    desk = DocumentDesk(lambda: services.archive)
    section = ReportsSection(services, desk)
    viewer = Viewer(desk)
    qtbot.addWidget(section)
    section.resize(1176, 640)
    return section, viewer


def opened(qtbot: QtBot, services: Services) -> tuple[ReportsSection, Viewer]:
    """The section on the report clinic, shown and with its first report computed."""
    seed_report_clinic(services)
    section, viewer = make_section(qtbot, services)
    with qtbot.waitSignal(section.loaded, timeout=20_000):
        section.show()  # the first show computes the first report: today's closing
    return section, viewer


def choose(qtbot: QtBot, section: ReportsSection, kind: str) -> ReportResult:
    with qtbot.waitSignal(section.loaded, timeout=20_000) as loaded:
        section.kind.setCurrentIndex(section.kind.findData(kind))
    result: ReportResult = loaded.args[0]
    return result


def test_every_report_opens_on_its_own_period_with_figures_chart_and_tables(
    qtbot: QtBot, staff: Services
) -> None:
    section, _viewer = opened(qtbot, staff)
    assert section.result is not None and section.result.request.kind is ReportKind.CAIXA
    assert "Recebido: <b>R$&nbsp;50,00</b>" in section.summary.text()
    assert section.cash_count.isVisible()
    for kind in ReportKind:
        if kind is ReportKind.CAIXA:
            continue
        result = choose(qtbot, section, kind.value)
        assert result.request.kind is kind
        assert section.tabs.count() == len(result.view.tables)
        assert section.models[0].rowCount() == len(result.view.main.rows) + (
            result.view.main.total is not None
        )
        assert section.chart.shown == result.view.chart
        assert not section.cash_count.isVisible()
    assert section.current_kind() == ReportKind.PREVISAO.value
    assert section.start.date() == QDate(2025, 10, 1)


def test_filtering_recomputes_with_the_new_period_and_grouping(
    qtbot: QtBot, staff: Services
) -> None:
    section, _viewer = opened(qtbot, staff)
    choose(qtbot, section, ReportKind.RECEBIMENTOS.value)
    section.start.setDate(QDate(2026, 1, 1))
    section.granularity.setCurrentIndex(section.granularity.findData("mes"))
    with qtbot.waitSignal(section.loaded, timeout=20_000) as loaded:
        qtbot.mouseClick(section.run_button, Qt.MouseButton.LeftButton)
    result: ReportResult = loaded.args[0]
    main = section.models[0]
    assert [main.index(r, 0).data() for r in range(main.rowCount())] == [
        "jan/2026",
        "fev/2026",
        "mar/2026",
        "Total",
    ]
    assert main.index(0, 3).data() == "R$ 204,53"  # Ana's late first installment
    assert result.request.period.start.isoformat() == "2026-01-01"
    axis = section.chart.chart().axes(Qt.Orientation.Horizontal)[0]
    assert axis.labelsAngle() == 0  # three months side by side
    section.granularity.setCurrentIndex(section.granularity.findData("dia"))
    section.start.setDate(QDate(2026, 3, 1))
    with qtbot.waitSignal(section.loaded, timeout=20_000):
        qtbot.mouseClick(section.run_button, Qt.MouseButton.LeftButton)
    axis = section.chart.chart().axes(Qt.Orientation.Horizontal)[0]
    assert axis.labelsAngle() == -90  # a month of days: upright labels would be elided


def test_imprimir_archives_the_pdf_and_opens_it(
    qtbot: QtBot, staff: Services, tmp_path: Path
) -> None:
    section, viewer = opened(qtbot, staff)
    choose(qtbot, section, ReportKind.INADIMPLENCIA.value)
    with qtbot.waitSignal(section.printed, timeout=20_000) as printed:
        qtbot.mouseClick(section.print_button, Qt.MouseButton.LeftButton)
    document = printed.args[0]
    assert document.kind == "relatorio"
    assert viewer.opened == [Path(document.file_path)]
    pdf = pdfium.PdfDocument(document.file_path)
    text = pdf[0].get_textpage().get_text_range()
    pdf.close()
    assert "INADIMPLÊNCIA AO LONGO DO TEMPO" in text and "Clínica Sorriso Ltda" in text
    assert "mar/2026" in text


def test_exportar_writes_every_table(qtbot: QtBot, staff: Services, tmp_path: Path) -> None:
    section, _viewer = opened(qtbot, staff)
    choose(qtbot, section, ReportKind.CARTEIRA.value)
    with qtbot.waitSignal(section.exported, timeout=20_000) as exported:
        section.export_to(tmp_path / "carteira.xlsx")
    assert exported.args[0] > 0
    book = load_workbook(tmp_path / "carteira.xlsx")
    assert book.sheetnames[:2] == ["Em atraso por segmento", "Em atraso por faixa de risco"]
    assert "linhas exportadas para carteira.xlsx" in section.status.text()


def test_the_cash_count_is_recorded_or_refused_under_its_field(
    qtbot: QtBot, staff: Services
) -> None:
    section, _viewer = opened(qtbot, staff)
    panel = section.cash_count
    assert panel.expected.text() == "Esperado em dinheiro: R$ 50,00"
    qtbot.keyClicks(panel.amount, "40,00")
    panel.save.click()
    assert panel.message.text().startswith("Observação: o dinheiro contado tem R$ 10,00 faltando")
    qtbot.keyClicks(panel.note, "faltou conferir a gaveta")
    with qtbot.waitSignal(section.loaded, timeout=20_000):  # the closing shows the count
        panel.save.click()
    counts = section.result.view.tables[-1]  # type: ignore[union-attr]
    assert [row[2:4] for row in counts.rows] == [(4_000, -1_000)]


def test_the_desk_sees_only_todays_closing(qtbot: QtBot, staff: Services) -> None:
    seed_report_clinic(staff)
    staff.login("recepcao", STAFF_PASSWORD)
    section, _viewer = make_section(qtbot, staff)
    section.apply_permissions(full_access=False)
    with qtbot.waitSignal(section.loaded, timeout=20_000):
        section.show()
    assert [section.kind.itemData(i) for i in range(section.kind.count())] == ["caixa"]
    assert not section.start.isEnabled() and not section.end.isEnabled()
    section.apply_permissions(full_access=True)
    assert section.kind.count() == len(ReportKind) + 1


def test_extratos_em_lote_are_generated_and_archived(qtbot: QtBot, staff: Services) -> None:
    seed_report_clinic(staff)
    section, _viewer = make_section(qtbot, staff)
    section.show()
    section.kind.setCurrentIndex(section.kind.findData(STATEMENTS))
    assert section.pages.currentWidget() is section.statements
    section.start.setDate(QDate(2026, 3, 1))
    with qtbot.waitSignal(section.statements.finished, timeout=30_000) as finished:
        section.statements.generate.click()
    result: BatchResult = finished.args[0]
    assert len(result.documents) == 2 and all(d.kind == "extrato" for d in result.documents)
    assert section.statements.summary.text().startswith("2 extrato(s) gerado(s) e arquivado(s).")
    assert section.statements.folder.isEnabled()
