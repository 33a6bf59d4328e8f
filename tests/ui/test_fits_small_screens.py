"""The clinic's PC is a 1366×768 notebook with a taskbar (a 1366×728 window) or a 1280×720
screen: every section, the patient page with every button showing and every dialog must fit,
with the controls a person uses inside the window — none reachable only by resizing — and the
window never growing by itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QDialog, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

import resources
from app.bootstrap import Services
from app.domain.contracts import PaymentView
from app.services.demo import DEMO_PASSWORD
from tests.ui.fit import SCREENS, TITLE_BAR, cut_off, fits
from ui.dialogs.about_dialog import AboutDialog
from ui.dialogs.agreement_dialog import AgreementDialog
from ui.dialogs.contract_dialog import ContractDialog
from ui.dialogs.contract_terms_dialog import ContractTermsDialog
from ui.dialogs.credit_check_dialog import CreditCheckDialog
from ui.dialogs.first_run import FirstRunDialog
from ui.dialogs.import_wizard import ImportWizard
from ui.dialogs.login import LoginDialog
from ui.dialogs.negativacao_dialog import NegativacaoDialog
from ui.dialogs.patient_dialog import PatientDialog
from ui.dialogs.payment_dialog import PaymentDialog
from ui.dialogs.recovery_key import RecoveryKeyDialog
from ui.dialogs.reversal_dialog import ReversalDialog
from ui.dialogs.setup import SetupDialog
from ui.dialogs.unlock import UnlockDialog
from ui.dialogs.user_dialog import PasswordDialog, UserDialog
from ui.main_window import MainWindow
from ui.widgets.screen import opening_size

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("clinic_style")]


@pytest.fixture
def clinic_style(qapp: QApplication) -> Iterator[None]:
    """Measure what the clinic sees: the application's own style sheet (its font sizes, paddings
    and margins decide how much room a screen needs), taken off again for the other tests."""
    qapp.setStyleSheet(resources.path("style.qss").read_text(encoding="utf-8"))
    yield
    qapp.setStyleSheet("")


@pytest.fixture
def gestor(demo_services: Services) -> Services:
    demo_services.login("gestor", DEMO_PASSWORD)
    return demo_services


def settle(qtbot: QtBot, window: MainWindow) -> None:
    """Let the background work of the section on screen (lists, the dashboard) arrive."""
    qtbot.waitUntil(lambda: not window.today_view.loading, timeout=20_000)
    qtbot.waitUntil(lambda: window.dashboard.task is None, timeout=20_000)
    qtbot.waitUntil(lambda: window.collection.overdue.task is None, timeout=20_000)
    qtbot.waitUntil(lambda: not window.reports_view.busy, timeout=20_000)
    QApplication.processEvents()


def every_tab(tabs: QTabWidget) -> Iterator[str]:
    for index in range(tabs.count()):
        if tabs.isTabVisible(index):
            tabs.setCurrentIndex(index)
            yield tabs.tabText(index)


def check(window: QWidget, size: QSize, where: str) -> list[str]:
    """What does not fit: the window grew, or a control is cut or outside."""
    QApplication.processEvents()  # layouts settle (and a window that grows, grows) here
    found = [f"{where}: {p}" for p in cut_off(window)]
    if window.size() != size:
        found.append(f"{where}: the window grew to {window.size()}")
    return found


@pytest.mark.parametrize("size", SCREENS, ids=lambda s: f"{s.width()}x{s.height()}")
def test_every_section_and_the_busiest_patient_page_fit(
    qtbot: QtBot, gestor: Services, size: QSize
) -> None:
    window = MainWindow(gestor)
    qtbot.addWidget(window)
    window.resize(size)
    window.show()
    qtbot.waitExposed(window)
    assert fits(window.minimumSizeHint(), size), window.minimumSizeHint()
    problems: list[str] = []
    for name in MainWindow.SECTIONS:
        section = window.show_section(name)
        settle(qtbot, window)
        problems += check(window, size, name)
        for tabs in section.findChildren(QTabWidget):
            for tab in every_tab(tabs):
                settle(qtbot, window)
                problems += check(window, size, f"{name} → {tab}")

    # A patient with every button showing: overdue (acordo, suspension), payments, dependants.
    rows = gestor.overdue.worklist().rows
    busiest = max(
        (r for r in rows if r.suspension_suggested),
        key=lambda r: (len(r.patient_name), r.installments),
    )
    window.open_patient(busiest.patient_id)
    page = window.patients.page
    assert page.header.suspend_button.isVisible() and page.header.agreement_button.isEnabled()
    assert page.header.pay_button.isEnabled()
    page.print_bar.status.setText("Carnê com PIX gerado e arquivado (documento 123). " * 4)
    for tab in every_tab(page.bottom_tabs):
        problems += check(window, size, f"paciente → {tab}")
    assert problems == [], "\n".join(problems)
    assert fits(window.minimumSizeHint(), size), window.minimumSizeHint()


def dialogs(services: Services, parent: QWidget) -> Iterator[tuple[str, Callable[[], QDialog]]]:
    """Every dialog of the window, opened on the demo clinic's real data."""
    today = services.clock.today()
    late = next(r for r in services.overdue.worklist().rows if r.installments >= 3)
    contract_id = late.debt.contract_ids[0]
    view = services.contracts.get(contract_id)
    child = next(p for p in services.patients.search("", 0, 200) if p.responsible_name)
    payment: PaymentView = (
        next(p for p in view.payments if p.is_effective)
        if any(p.is_effective for p in view.payments)
        else next(
            p
            for c in services.contracts.search("", 0, 500)
            for p in services.contracts.get(c.id).payments
            if p.is_effective
        )
    )
    yield "novo paciente", lambda: PatientDialog(services.patients, None, parent)
    yield (
        "paciente com responsável",
        lambda: PatientDialog(services.patients, child.id, parent, lgpd=services.lgpd),
    )
    yield (
        "novo contrato",
        lambda: ContractDialog(
            services.contracts, late.patient_id, late.patient_name, today, parent
        ),
    )
    yield "editar contrato", lambda: ContractTermsDialog(services.contracts, contract_id, parent)
    yield (
        "receber pagamento",
        lambda: PaymentDialog(
            services.payments, services.contracts, [view.summary], today, contract_id, parent
        ),
    )
    yield "estornar", lambda: ReversalDialog(services.payments, payment, parent)
    yield (
        "acordo",
        lambda: AgreementDialog(
            services.agreements,
            services.documents,
            late.patient_id,
            late.patient_name,
            today,
            parent,
        ),
    )
    yield (
        "consulta de crédito",
        lambda: CreditCheckDialog(
            services.agreements, late.patient_id, late.patient_name, today, parent
        ),
    )
    yield "negativação", lambda: NegativacaoDialog(services, late.patient_id, contract_id, parent)
    yield "importar", lambda: ImportWizard(services.transfer, "patients", parent)
    yield "entrar", lambda: LoginDialog(services.login, hint="Usuários de demonstração.")
    yield (
        "configurar",
        lambda: SetupDialog(
            lambda _answers: None,
            encrypt=True,
            passphrase_required=True,
            backup_folder=str(services.config.backup_dir),
            folder_warning=services.backups.folder_warning,  # the demo's folder: same disk
        ),
    )
    yield "chave de recuperação", lambda: RecoveryKeyDialog("ABCD-" * 13 + "ABCD", parent)
    yield "sobre", lambda: AboutDialog(services.config, parent)
    yield "usuário", lambda: UserDialog(services.users, None, parent)
    yield "senha", lambda: PasswordDialog("Nova senha", lambda _a, _b: None, parent=parent)
    yield (
        "desbloquear",
        lambda: UnlockDialog(lambda _secret: None, where="clinica.db", can_remember=True),
    )
    yield "primeira vez", lambda: FirstRunDialog(parent)


def test_every_dialog_opens_within_the_screen_with_every_control_showing(
    qtbot: QtBot, gestor: Services
) -> None:
    """Each dialog opens no larger than the screen leaves it (the window's size capped by it,
    as ``fit_to_screen`` does) and shows every control there; Qt cannot shrink it further than
    the screen allows either."""
    window = MainWindow(gestor)
    qtbot.addWidget(window)
    problems: list[str] = []
    for name, make in dialogs(gestor, window):
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        asked = dialog.size()
        for screen in SCREENS:
            room = QSize(screen.width(), screen.height() - TITLE_BAR)
            if not fits(dialog.minimumSizeHint(), room):
                problems.append(f"{name}: needs {dialog.minimumSizeHint()}, the screen has {room}")
            dialog.resize(opening_size(asked, room))
            QApplication.processEvents()
            where = f"{name} {screen.width()}×{screen.height()}"
            if not fits(dialog.size(), room):
                problems.append(f"{where}: opens at {dialog.size()}")
            problems += [f"{where}: {p}" for p in cut_off(dialog)]
        dialog.close()
    assert problems == [], "\n".join(problems)
