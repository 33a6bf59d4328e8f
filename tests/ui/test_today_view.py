"""The receptionist's morning in Cobrança de hoje, and the gestor's Régua settings, driven through
real widgets."""

from __future__ import annotations

from io import BytesIO

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QStyle
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.domain.pix import crc_is_valid, decode
from app.domain.regua import StepKey
from tests.collection_data import seed_debtors
from tests.ui.helpers import replace_text, type_text
from ui.main_window import MainWindow
from ui.views.regua_settings import ReguaSettings
from ui.views.today.view import TodayView


@pytest.fixture
def debtors(services: Services) -> dict[str, int]:
    return seed_debtors(services)


def open_today(qtbot: QtBot, services: Services) -> tuple[MainWindow, TodayView]:
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.today_view.loaded, timeout=10_000):
        window.show_section("Cobrança")
    return window, window.today_view


def select(qtbot: QtBot, today: TodayView, patient_name: str) -> None:
    """First click: the patient's row."""
    row = next(i for i, d in enumerate(today.drafts) if d.patient_name == patient_name)
    rect = today.table.visualRect(today.model.index(row, 0))
    qtbot.mouseClick(today.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert today.current() is today.drafts[row]


def qr_text(today: TodayView) -> str:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    today.detail.qr.pixmap().toImage().save(buffer, "PNG")
    image = Image.open(BytesIO(bytes(buffer.data().data())))
    return str(zxingcpp.read_barcodes(image)[0].text)


def names(today: TodayView) -> list[str]:
    return [today.model.index(r, 0).data() for r in range(today.model.rowCount())]


def test_a_morning_copy_open_whatsapp_log_a_promise_and_the_row_leaves(
    qtbot: QtBot, services: Services, debtors: dict[str, int]
) -> None:
    window, today = open_today(qtbot, services)
    assert sorted(names(today)) == ["Bruno Lima", "Maria da Silva", "Pedro Souza"]
    assert "3 paciente(s) para hoje: 3 podem" in today.summary.text()
    assert "segunda-feira, 16/03/2026" in today.title.text()

    select(qtbot, today, "Maria da Silva")
    draft = today.current()
    assert draft is not None and draft.step_key == StepKey.ATRASO
    assert today.detail.text.toPlainText() == draft.text
    assert "R$ 306,50" in today.detail.qr_caption.text()
    assert qr_text(today) == draft.pix_payload  # what a banking app reads from the screen

    qtbot.mouseClick(today.detail.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == draft.text
    pix = next(line for line in draft.text.splitlines() if line.startswith("000201"))
    assert crc_is_valid(pix) and decode(pix).amount_cents == 30_650

    opened: list[QUrl] = []
    today.detail.open_url = lambda url: opened.append(url) or True
    assert today.detail.whatsapp_button.isVisible() and not today.detail.email_button.isVisible()
    qtbot.mouseClick(today.detail.whatsapp_button, Qt.MouseButton.LeftButton)
    assert [u.toString(QUrl.ComponentFormattingOption.FullyEncoded) for u in opened] == [
        draft.whatsapp_url
    ]
    assert opened[0].host() == "wa.me" and opened[0].path() == "/5519998765432"

    type_text(qtbot, today.detail.promise_date, "18/03/2026")
    assert today.detail.promise_amount.text() == "306,50"  # the updated amount, prefilled
    qtbot.mouseClick(today.detail.promise_button, Qt.MouseButton.LeftButton)  # second click
    assert sorted(names(today)) == ["Bruno Lima", "Pedro Souza"]
    assert "prometeu pagar registrado" in today.detail.status.text()

    window.open_contract(debtors["maria"], debtors["maria_contract"])
    contacts = window.patients.page.contacts
    assert contacts.model.rowCount() == 1
    row = [contacts.model.index(0, c).data() for c in range(contacts.model.columnCount())]
    assert row[1:5] == [
        "WhatsApp",
        "Atraso",
        "prometeu pagar",
        "R$ 306,50 até 18/03/2026 (pendente)",
    ]


def test_e_mail_for_who_refused_whatsapp_and_a_logged_outcome(
    qtbot: QtBot, services: Services, debtors: dict[str, int]
) -> None:
    _window, today = open_today(qtbot, services)
    select(qtbot, today, "Bruno Lima")
    opened: list[QUrl] = []
    today.detail.open_url = lambda url: opened.append(url) or True
    assert today.detail.email_button.isVisible() and not today.detail.whatsapp_button.isVisible()
    qtbot.mouseClick(today.detail.email_button, Qt.MouseButton.LeftButton)
    assert opened[0].scheme() == "mailto" and opened[0].path() == "bruno@exemplo.com.br"
    sent = next(b for b, outcome, _ in today.detail.outcome_buttons if b.text() == "Enviado")
    qtbot.mouseClick(sent, Qt.MouseButton.LeftButton)
    assert "Bruno Lima" not in names(today)
    assert services.contacts.history(debtors["bruno"])[0].channel == "E-mail"


def test_a_promise_without_a_date_is_refused_next_to_the_field(
    qtbot: QtBot, services: Services, debtors: dict[str, int]
) -> None:
    _window, today = open_today(qtbot, services)
    select(qtbot, today, "Pedro Souza")
    replace_text(qtbot, today.detail.promise_amount, "12.5")
    qtbot.mouseClick(today.detail.promise_button, Qt.MouseButton.LeftButton)
    date_error = today.findChild(QLabel, "error_promise_date")
    amount_error = today.findChild(QLabel, "error_promise_amount")
    assert date_error is not None and "informe quando" in date_error.text()
    assert amount_error is not None and "vírgula" in amount_error.text()
    assert "Pedro Souza" in names(today)


def test_a_promise_above_the_debt_is_asked_before_it_is_logged(
    qtbot: QtBot, services: Services, debtors: dict[str, int]
) -> None:
    _window, today = open_today(qtbot, services)
    select(qtbot, today, "Maria da Silva")
    type_text(qtbot, today.detail.promise_date, "18/03/2026")
    replace_text(qtbot, today.detail.promise_amount, "30.000,00")
    asked: list[str] = []
    today.detail.confirm_above_debt = lambda question: asked.append(question) or False
    qtbot.mouseClick(today.detail.promise_button, Qt.MouseButton.LeftButton)
    assert asked and asked[0].startswith("Valor prometido: R$ 30.000,00 é mais do que a dívida")
    assert "Maria da Silva" in names(today)  # "não": nothing logged
    assert services.contacts.history(debtors["maria"]) == []
    today.detail.confirm_above_debt = lambda question: True
    qtbot.mouseClick(today.detail.promise_button, Qt.MouseButton.LeftButton)
    assert "Maria da Silva" not in names(today)
    [logged] = services.contacts.history(debtors["maria"])
    assert logged.promise == "R$ 30.000,00 até 18/03/2026 (pendente)"


def test_rows_outside_the_rules_say_why_and_cannot_be_sent(
    qtbot: QtBot, services: Services, debtors: dict[str, int]
) -> None:
    services.clinic.update({"cnpj": ""})  # a clinic that does not identify itself
    _window, today = open_today(qtbot, services)
    select(qtbot, today, "Maria da Silva")
    assert "CDC art. 42-A" in today.detail.reason.text() and today.detail.reason.isVisible()
    assert not today.detail.copy_button.isEnabled() and not today.detail.whatsapp_button.isEnabled()
    assert not any(b.isEnabled() for b, _, _ in today.detail.outcome_buttons)
    assert "0 podem ser contatados agora; 3 aguardam" in today.summary.text()


def open_regua(qtbot: QtBot, services: Services) -> ReguaSettings:
    """Configurações → Régua in a shown window."""
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    settings = window.settings_view
    window.show_section("Configurações")
    settings.tabs.setCurrentIndex(settings.regua_tab)
    return settings.regua


def test_regua_settings_refuse_threats_and_save_polite_text(
    qtbot: QtBot, services: Services, debtors: dict[str, int]
) -> None:
    regua = open_regua(qtbot, services)
    assert regua.list.count() == 10
    regua.list.setCurrentRow(0)
    assert regua.step_title.text() == "<b>Lembrete</b>"
    assert regua.offset.value() == -3 and "antes do vencimento" in regua.offset_hint.text()
    assert regua.preview.toPlainText().startswith("Olá, Ana! Tudo bem? Aqui é da Sorriso.")

    regua.template.clear()
    type_text(qtbot, regua.template, "Pague hoje, caloteiro, ou chamamos a polícia.")
    qtbot.waitUntil(lambda: "caloteiro" in regua.problems.text(), timeout=3000)
    qtbot.mouseClick(regua.save_button, Qt.MouseButton.LeftButton)
    error = regua.findChild(QLabel, "error_template")
    assert error is not None and "“caloteiro”" in error.text() and "“polícia”" in error.text()
    assert services.regua.steps()[0].template.startswith("Olá, {responsavel}! Tudo bem?")

    regua.template.clear()
    type_text(
        qtbot, regua.template, "Olá, {responsavel}! Lembrete: {parcela} vence em {vencimento}."
    )
    qtbot.waitUntil(lambda: "Olá, Ana! Lembrete: 3/12 vence em" in regua.preview.toPlainText())
    assert "CNPJ 11.222.333/0001-81" in regua.preview.toPlainText()  # added automatically
    regua.offset.setValue(-2)
    qtbot.mouseClick(regua.save_button, Qt.MouseButton.LeftButton)
    assert regua.status.text() == "Passo salvo."
    saved = services.regua.steps()[0]
    assert saved.offset_days == -2 and saved.template.endswith("vence em {vencimento}.")
    assert regua.list.item(0).text().startswith("D−2 · Lembrete")

    qtbot.mouseClick(regua.default_button, Qt.MouseButton.LeftButton)
    assert regua.offset.value() == -3 and "Tudo bem?" in regua.template.toPlainText()

    start, end = regua.rules.windows["sat"]
    start.clear()
    end.clear()
    qtbot.mouseClick(regua.rules.save_button, Qt.MouseButton.LeftButton)
    assert regua.rules.status.text() == "Regras salvas."
    assert services.regua.rules().windows[5] is None


def test_the_regua_editor_shows_a_disguised_threat_with_the_word_and_the_law(
    qtbot: QtBot, services: Services, debtors: dict[str, int]
) -> None:
    """CDC arts. 42 and 71: a word cut by spaces or written with digits is still the word."""
    regua = open_regua(qtbot, services)
    regua.list.setCurrentRow(3)  # Atraso, a WhatsApp message
    regua.template.clear()
    type_text(qtbot, regua.template, "Última chance, {responsavel}: ou paga ou vai pro S.P.C.")
    qtbot.waitUntil(lambda: "Última chance" in regua.problems.text(), timeout=3000)
    text = regua.problems.text()
    assert "“Última chance” não pode ser usado" in text and "CDC arts. 42 e 71" in text
    assert "“S.P.C” não pode ser usado" in text and "passos formais" in text
    qtbot.mouseClick(regua.save_button, Qt.MouseButton.LeftButton)
    assert services.regua.steps()[3].template.startswith("Olá, {responsavel}. Aqui é da")


def test_the_contact_hours_show_whole_at_the_clinics_screen_size(
    qtbot: QtBot, services: Services, debtors: dict[str, int]
) -> None:
    """Each field of the contact hours is wide enough for its time: a field squeezed by its
    neighbours scrolled and showed "0:00" for 20:00, "4:00" for 14:00."""
    regua = open_regua(qtbot, services)
    window = regua.window()
    window.resize(1280, 720)  # the smaller of the clinic's screens
    qtbot.waitUntil(lambda: window.width() == 1280)
    shown = 0
    for start, end in regua.rules.windows.values():
        for edit in (start, end):
            text = edit.text() or edit.placeholderText()
            needed = edit.fontMetrics().horizontalAdvance(text)
            room = edit.width() - 2 * edit.style().pixelMetric(
                QStyle.PixelMetric.PM_DefaultFrameWidth
            )
            assert room > needed, f"{edit.objectName()}: {text!r} needs {needed}, has {room}"
            shown += bool(edit.text())
    assert shown >= 12  # Monday to Saturday, from and to
