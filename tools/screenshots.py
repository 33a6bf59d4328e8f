"""Render EmDia's screens on a demo clinic and save PNGs (``make screenshots``).

Runs the real window offscreen (or under Xvfb when DISPLAY is set) with a fixed date, so the
pictures in docs/screenshots/ show exactly what a user sees.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import monotonic, sleep
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QDialog, QWidget

import resources
from app.bootstrap import Services, bootstrap
from app.clock import FixedClock
from app.config import load_config
from app.domain.catalog import ContactOutcome
from app.domain.contracts import ContractForm
from app.domain.layouts import LAYOUTS
from app.domain.money import format_brl
from app.domain.reports.period import ReportKind
from ui.dialogs.about_dialog import AboutDialog
from ui.dialogs.agreement_dialog import AgreementDialog
from ui.dialogs.contract_dialog import ContractDialog
from ui.dialogs.import_wizard import ImportWizard
from ui.dialogs.login import LoginDialog
from ui.dialogs.negativacao_dialog import NegativacaoDialog
from ui.dialogs.patient_dialog import PatientDialog
from ui.dialogs.payment_dialog import PaymentDialog
from ui.dialogs.recovery_key import RecoveryKeyDialog
from ui.dialogs.setup import SetupDialog
from ui.main import make_application
from ui.main_window import MainWindow
from ui.views.documents_view import DocumentsView
from ui.views.overdue_view import OverdueView
from ui.views.reports.section import STATEMENTS, ReportsSection

TODAY = date(2026, 11, 25)


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def wait_for(app: QApplication, done: Callable[[], bool], seconds: float = 60) -> None:
    """Let background work (dashboard, worklist) finish and reach the screen."""
    deadline = monotonic() + seconds
    while not done():
        if monotonic() > deadline:
            raise TimeoutError("the screen never finished loading")
        app.processEvents()
        sleep(0.02)
    settle(app)


def show_worklist(app: QApplication, window: MainWindow) -> OverdueView:
    """Cobrança → Inadimplentes once computed, the first patient selected (reasons beside)."""
    overdue = window.collection.overdue
    window.show_section("Cobrança")
    window.collection.setCurrentWidget(overdue)
    wait_for(app, lambda: overdue.task is None and overdue.model.rowCount() > 0)
    overdue.table.selectRow(0)
    return overdue


def save(widget: QWidget, app: QApplication, path: Path) -> None:
    settle(app)
    widget.grab().save(str(path))
    print(f"wrote {path}")


def entered(login: LoginDialog, password: str, app: QApplication, path: Path) -> None:
    """The login after the receptionist typed ``password`` and pressed Entrar, saved."""
    login.username.setText("recepcao")
    login.password.setText(password)
    login.show()
    login.try_login()
    save(login, app, path)
    login.close()


def clinic_logo(folder: Path) -> Path:
    """A stand-in logo for the demo clinic (a tooth-coloured mark with the initial)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((8, 8, 232, 232), radius=48, fill=(31, 107, 94, 255))
    font = ImageFont.truetype(str(resources.path("fonts") / "DejaVuSans-Bold.ttf"), 150)
    draw.text((120, 122), "S", font=font, fill=(255, 255, 255, 255), anchor="mm")
    path = folder / "logo-demo.png"
    image.save(path)
    return path


def render_pdf(pdf: bytes, target: Path, *, first_page: bool = False) -> None:
    """``target``-N.png for each page of ``pdf`` (``pdftoppm -r 70``); an archived document is
    read through EmDia first (an encrypted clinic's archive is sealed)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        pages = ["-f", "1", "-l", "1"] if first_page else []
        subprocess.run(["pdftoppm", "-png", "-r", "70", *pages, file.name, str(target)], check=True)


def render_documents(services: Services, contract_id: int, tmp: Path, out: Path) -> None:
    """One of each document for a late contract, as PNG pages (``pdftoppm -r 70``)."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    services.clinic.update({"logo": str(clinic_logo(tmp))})
    docs = services.documents
    view = services.contracts.get(contract_id)
    paid = next(p for p in reversed(view.payments) if p.is_effective)
    # The carnê of a contract with several open installments shows a full page of slips.
    several = next(
        c.id
        for c in services.contracts.search("", 0, 2000)
        if c.status == "active"
        and sum(ln.is_open for ln in services.contracts.get(c.id).lines) >= 3
        and services.contracts.get(c.id).overdue_cents
    )
    made = {
        "contrato": docs.contract(contract_id),
        "carne": docs.carne(several),
        "recibo": docs.receipt(paid.id),
        "extrato": docs.statement(contract_id),
        "notificacao": docs.notification(contract_id),
        "aviso-negativacao": docs.negativacao_notice(contract_id),
    }
    for name, document in made.items():
        render_pdf(services.archive.pdf_of(document), out / name)
        print(f"wrote {out / name}-*.png")


def agreement_screens(app: QApplication, window: MainWindow, services: Services, out: Path) -> None:
    """Nova proposta de acordo on a patient with three or more overdue installments, the
    Acordos tab after accepting it, and page 1 of the termo de confissão de dívida."""
    worklist = services.overdue.worklist()
    row = next(r for r in worklist.rows if 3 <= r.installments <= 5)
    window.show_section("Pacientes")
    window.patients.show_patient(row.patient_id)
    page = window.patients.page
    dialog = AgreementDialog(
        services.agreements,
        services.documents,
        row.patient_id,
        row.patient_name,
        TODAY,
        window,
    )
    debt = sum(i.line.charges_cents for i in dialog.checked())
    dialog.discount.setText(format_brl(debt // 2, symbol=False))  # half of the charges forgiven
    dialog.count.setValue(6)
    dialog.first_due.setText("28/12/2026")
    dialog.refresh_preview()
    dialog.show()
    save(dialog, app, out / "acordo-proposta.png")
    dialog.save()
    assert dialog.document is not None, dialog.general_error.text()
    pdf = services.archive.pdf_of(dialog.document)
    render_pdf(pdf, out / "documents" / "confissao", first_page=True)
    print(f"wrote {out / 'documents' / 'confissao'}-1.png")
    window.patients.show_patient(row.patient_id)
    page.bottom_tabs.setCurrentWidget(page.agreements)
    save(window, app, out / "paciente-acordos.png")
    page.bottom_tabs.setCurrentIndex(0)


SMALL_SCREEN = (1366, 728)  # a 1366×768 notebook with its 40-pixel taskbar


def small_screen_screens(
    app: QApplication, window: MainWindow, services: Services, out: Path
) -> None:
    """The clinic's most common PC: each screen of the day in a 1366×728 window — the gestor's
    Início, the desk's Início, Cobrança de hoje, Inadimplentes, a patient with every button,
    Receber pagamento once registered, and Primeiros passos."""
    window.resize(*SMALL_SCREEN)
    dashboard = window.dashboard
    services.login("gestor", "demo")
    window.apply_permissions()
    window.show_section("Pacientes")
    window.show_section("Início")
    wait_for(app, lambda: dashboard.task is None and dashboard.day is not None)
    save(window, app, out / "tela-1366-inicio-gestor.png")

    overdue = show_worklist(app, window)
    save(window, app, out / "tela-1366-inadimplentes.png")

    row = max(
        (r for r in overdue.model.worklist.rows if r.suspension_suggested),
        key=lambda r: len(r.patient_name),
    )
    window.open_patient(row.patient_id)
    save(window, app, out / "tela-1366-paciente.png")
    page = window.patients.page
    assert page.contract is not None
    payment = PaymentDialog(
        services.payments,
        services.contracts,
        [page.contract.summary],
        TODAY,
        page.contract.summary.id,
        window,
        print_receipt=lambda _id: "Recibo gerado e arquivado (documento 1). Abrindo o PDF…",
    )
    payment.show()
    save(payment, app, out / "tela-1366-receber-pagamento.png")
    payment.amount.setText("150,00")
    payment.save()
    save(payment, app, out / "tela-1366-pagamento-registrado.png")
    payment.close()

    window.show_section("Configurações")
    window.settings_view.tabs.setCurrentWidget(window.settings_view.first_steps)
    save(window, app, out / "tela-1366-primeiros-passos.png")

    services.login("recepcao", "demo")
    window.apply_permissions()
    today = window.today_view
    window.show_section("Cobrança")
    window.collection.setCurrentWidget(today)
    today.load()
    wait_for(app, lambda: not today.loading)
    group = next((i for i, d in enumerate(today.drafts) if len(d.patient_ids) > 1), 0)
    today.table.selectRow(group)
    save(window, app, out / "tela-1366-cobranca-de-hoje.png")
    window.show_section("Início")
    wait_for(app, lambda: dashboard.task is None)
    save(window, app, out / "tela-1366-inicio-recepcao.png")


def signature_screens(
    app: QApplication,
    window: MainWindow,
    services: Services,
    contract_id: int,
    tmp: Path,
    out: Path,
) -> None:
    """Enviar para assinatura on a contract, the file signed by its debtor with a fictitious
    authority's certificate (as gov.br would), Receber documento assinado with its report, the
    contract showing who signed, and Configurações → Certificados confiáveis."""
    # The throw-away authority the tests sign with (the repository root is not on the path
    # when this file runs as a script).
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.signing import Authority, sign

    summary = services.contracts.get(contract_id).summary
    window.show_section("Pacientes")
    window.patients.show_patient(summary.patient_id, contract_id)
    page = window.patients.page
    shown: list[QDialog] = []
    page.signing.show = shown.append
    target = tmp / "contrato-para-assinar.pdf"
    page.signing.ask_save_path = lambda _parent, _suggested: str(target)
    page.print_bar.send_action.trigger()
    message = shown[-1]
    message.show()
    save(message, app, out / "enviar-para-assinatura.png")
    message.close()
    with services.contracts.uow() as uow:
        row = uow.contracts.get(contract_id)
        assert row is not None
        debtor = uow.patients.get(row.responsible_id or row.patient_id)
        assert debtor is not None and debtor.cpf
        name, cpf = debtor.name.upper(), debtor.cpf
    authority = Authority("AC Raiz Fictícia de Demonstração")
    signed = tmp / "contrato-assinado.pdf"
    # Signed that afternoon, on the patient's phone.
    afternoon = datetime.combine(TODAY, time(14, 5), tzinfo=UTC)
    data = sign(target.read_bytes(), authority.person(name, cpf), authority, at=afternoon)
    signed.write_bytes(data)
    page.signing.ask_signed_file = lambda _parent: str(signed)
    page.print_bar.receive_action.trigger()
    wait_for(app, lambda: len(shown) == 2)
    report = shown[-1]
    report.show()
    save(report, app, out / "assinatura-recebida.png")
    report.close()
    page.bottom_tabs.setCurrentIndex(1)
    save(window, app, out / "paciente-assinado.png")
    page.bottom_tabs.setCurrentIndex(0)
    chain = tmp / "cadeia-ficticia.pem"
    chain.write_bytes(authority.root.pem + authority.issuer.pem)
    services.trust.add(chain)
    window.show_section("Configurações")
    settings = window.settings_view
    settings.tabs.setCurrentWidget(settings.trust)
    save(window, app, out / "certificados-confiaveis.png")
    settings.tabs.setCurrentIndex(0)


# A clinic's own spreadsheet, as Excel in pt-BR saves it: ";", Windows-1252, its own headers.
CLINIC_SHEET = (
    "Paciente;CPF;Celular;Nascimento;E-mail;Cidade;Convênio\r\n"
    "Beatriz Antunes Lima;111.444.777-35;(19) 99812-3344;12/04/1988;bia.lima@gmail.com;Campinas;"
    "particular\r\n"
    "Caio Ferraz;39053344705;19 98123-4455;31/02/1979;caio@;Valinhos;Uniodonto\r\n"
    "Débora Nogueira Reis;529.982.247-25;(19) 3251-7788;05/09/1992;;Campinas;particular\r\n"
    "Eduardo Tavares;123.456.789-00;(19) 99777-1212;;;Sumaré;particular\r\n"
    "Fernanda Queiroz Prado;;(19) 99611-2020;23/07/2001;fe.prado@hotmail.com;Paulínia;\r\n"
)


def import_screens(
    app: QApplication, window: MainWindow, services: Services, tmp: Path, out: Path
) -> None:
    """The import wizard on a real clinic spreadsheet: the mapping, then the dry run's errors."""
    sheet = tmp / "pacientes_clinica.csv"
    sheet.write_bytes(CLINIC_SHEET.encode("windows-1252"))
    wizard = ImportWizard(services.transfer, "patients", window)
    wizard.show()
    wizard.file_page.path.setText(str(sheet))
    wizard.next()
    wait_for(app, lambda: wizard.currentPage() is wizard.format_page)
    save(wizard, app, out / "importar-formato.png")
    wizard.next()
    save(wizard, app, out / "importar-colunas.png")
    wizard.next()
    wait_for(app, lambda: wizard.report is not None)
    wizard.check_page.only_problems.setChecked(False)  # every line: ready ones and refused ones
    save(wizard, app, out / "importar-conferencia-erros.png")
    wizard.close()
    for kind in LAYOUTS:
        services.transfer.write_template(kind, out.parent / "modelos" / LAYOUTS[kind].template)
        print(f"wrote {out.parent / 'modelos' / LAYOUTS[kind].template}")


def negativacao_screens(
    app: QApplication, window: MainWindow, services: Services, late: Any, tmp: Path, out: Path
) -> None:
    """Negativação (gestor): the checklist refusing without the notice, the removal countdown in
    the dialog and at the top of Cobrança de hoje, and page 1 of a dossiê de cobrança."""
    dialog = NegativacaoDialog(services, late.patient_id, late.id, window)
    dialog.show()
    save(dialog, app, out / "negativacao-checklist.png")
    dialog.close()
    [removal, *_] = services.negativacao.pending_removals()
    dialog = NegativacaoDialog(services, removal.row.patient_id, removal.row.contract_id, window)
    dialog.show()
    save(dialog, app, out / "negativacao-retirada.png")
    dialog.close()
    today = window.today_view
    window.show_section("Cobrança")
    window.collection.setCurrentWidget(today)
    today.load()
    wait_for(app, lambda: not today.loading)
    save(window, app, out / "cobranca-retirar-negativacao.png")
    result = services.dossie.export(late.patient_id, tmp / "dossie")
    with zipfile.ZipFile(result.path) as archive:
        name = next(n for n in archive.namelist() if n.startswith("resumo-"))
        (tmp / "dossie.pdf").write_bytes(archive.read(name))
    documents = out / "documents"
    render_pdf((tmp / "dossie.pdf").read_bytes(), documents / "dossie", first_page=True)
    print(f"wrote {documents / 'dossie'}-1.png")


def report_screens(app: QApplication, window: MainWindow, out: Path) -> None:
    """Each Relatório as it opens (the caixa with its drawer counted), Extratos em lote, and
    page 1 of a printed report."""
    window.resize(1366, 860)
    reports = window.show_section("Relatórios")
    assert isinstance(reports, ReportsSection)
    for index in range(reports.kind.count()):
        kind = str(reports.kind.itemData(index))
        reports.kind.setCurrentIndex(index)
        if kind == STATEMENTS:
            save(window, app, out / "relatorios-extratos.png")
            continue
        wait_for(app, lambda: reports.result is not None and not reports.busy)
        if kind == ReportKind.CAIXA.value:
            panel = reports.cash_count
            expected = reports.result.report.expected_cash(TODAY)  # type: ignore[union-attr]
            panel.amount.setText(format_brl(expected - 500, symbol=False))
            panel.note.setText("R$ 5,00 de troco dado a mais")
            panel.record()
            wait_for(app, lambda: reports.result is not None and not reports.busy)
        save(window, app, out / f"relatorios-{kind}.png")
        if kind == ReportKind.INADIMPLENCIA.value:
            document = window.services.reports.print(reports.result)  # type: ignore[arg-type]
            target = out / "documents" / "relatorio-inadimplencia"
            pdf = window.services.archive.pdf_of(document)
            render_pdf(pdf, target, first_page=True)
            print(f"wrote {target}-1.png")


def sample_statement(services: Services, folder: Path) -> Path:
    """A week of the clinic's bank account as the bank exports it: PIX from patients (with
    EmDia's txid, with the CPF masked, with the name cut short), a card settlement, a transfer
    of the clinic's own, a stranger and a fee — made from the demo clinic's real debts."""
    from app.adapters.ofx import render_statement
    from app.domain.bank import BankAccountRef, StatementLine
    from app.domain.text import fold

    day = TODAY - timedelta(days=1)
    rows = services.overdue.worklist().rows
    lines: list[StatementLine] = []
    for k, row in enumerate(rows[:6]):
        view = services.contracts.get(row.contract_id, day)
        owed = next(x for x in view.lines if x.is_open)
        name = fold(row.payer_name).upper()
        cpf = services.patients.get(row.payer_id).data.cpf or "00000000000"
        memo = (
            f"PIX RECEBIDO EMDIAC{row.contract_id:06d}P{owed.number:02d}",
            f"Transferência recebida pelo Pix - {name} - •••.{cpf[3:6]}.{cpf[6:9]}-•• - "
            "BCO DO BRASIL S.A. (0001) Agência: 1234 Conta: 5678-9",
            f"PIX TRANSF {name.split()[0]} {name.split()[-1][:1]}{day:%d/%m}",
            f"PIX RECEBIDO {name}",
        )[k % 4]
        lines.append(StatementLine(f"2611{k:04d}", day, owed.total_cents, "CREDIT", memo))
    lines += [
        StatementLine("26119001", day, 184_320, "CREDIT", "REDE VISA CRED 23/11"),
        StatementLine("26119002", day, 500_000, "CREDIT", "TRANSF ENTRE CONTAS MESMA TITULARIDADE"),
        StatementLine("26119003", day, 25_000, "CREDIT", "PIX RECEBIDO GUSTAVO HENRIQUE BRAGA"),
        StatementLine("26119004", day, -4_590, "DEBIT", "TAR PACOTE SERVICOS"),
    ]
    path = folder / "extrato-demo.ofx"
    account = BankAccountRef("0341", "1234", "56789-0", "Itaú Unibanco")
    path.write_text(render_statement(account, lines), encoding="utf-8")
    return path


def bank_screens(
    app: QApplication, window: MainWindow, services: Services, tmp: Path, out: Path
) -> None:
    """Cobrança → Conciliação bancária after importing a week's statement, a suggestion selected."""
    bank = window.collection.bank
    window.show_section("Cobrança")
    window.collection.setCurrentWidget(bank)
    bank.import_file(sample_statement(services, tmp))
    wait_for(app, lambda: bank.import_button.isEnabled() and bool(bank.summary.text()))
    suggestion = next((i for i, x in enumerate(bank.lines) if x.status.value == "suggested"), 0)
    bank.table.selectRow(suggestion)
    save(window, app, out / "conciliacao.png")


def main(out_dir: str) -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["EMDIA_HOME"] = tmp
        app = make_application([sys.argv[0]])
        services = bootstrap(load_config(str(Path(tmp) / "demo.db")), FixedClock(TODAY, time(9)))
        services.demo.create(patients=400, seed=1)
        services.login("gestor", "demo")
        services.clinic.update({"fine_percent": "1,5"})
        services.clinic.update({"pix_key": "financeiro@sorrisodemo.com.br"})
        services.clinic.update({"holidays": "08/12 Nossa Senhora da Conceição"})
        # A debt of 2021, prescribed on this date (CC art. 206 §5 I): kept apart from what may
        # be collected, on the worklist and on Início.
        adult = next(p for p in services.patients.search("", 0, 400) if not p.responsible_name)
        services.contracts.create(
            adult.id,
            ContractForm(
                total="450,00", installments="1", first_due="2021-11-22", signed_on="2021-11-10"
            ),
        )
        services.login("admin", "demo")
        # Show a protected clinic: encrypt the screenshot database (with a frase-senha, so it
        # works with or without an OS keyring) and open it again with its key.
        protected = services.security.encrypt("frase da clínica de demonstração")
        services = bootstrap(services.config, services.clock, key=protected.key)
        services.login("admin", "demo")
        services.backups.set_folder(str(Path(tmp) / "pendrive" / "EmDia-backups"))
        services.backups.create()
        services.backups.create_automatic("inicio")

        hint = (
            "Clínica de demonstração: usuários admin, gestor, recepcao, todos com a senha 'demo'."
        )
        entered(LoginDialog(services.login, hint=hint), "errada", app, out / "login.png")
        # The login as a clinic's start paints it, before the database is open: Entrar pressed
        # already, done as soon as the database is ready.
        entered(LoginDialog(None), "demo", app, out / "login-abrindo.png")
        services.login("admin", "demo")

        setup = SetupDialog(
            lambda _answers: None,
            encrypt=True,
            passphrase_required=True,
            backup_folder=str(services.config.backup_dir),
            folder_warning=services.backups.folder_warning,
        )
        setup.full_name.setText("Dra. Conceição Araújo")
        setup.show()
        save(setup, app, out / "configurar-clinica.png")
        setup.close()
        recovery = RecoveryKeyDialog(
            "MZXW-6YTB-OI6Q-2LLU-ZQGY-3DSN-BZHM-W4LU-OJSX-A5DF-MRUW-4ZLS-OQZC-AYTD",
            sheet=services.security.recovery_sheet,
        )
        recovery.show()
        save(recovery, app, out / "chave-de-recuperacao.png")
        recovery.close()

        window = MainWindow(services)
        window.resize(1280, 780)
        window.show()
        save(window, app, out / "pacientes.png")

        window.patients_view.search.setText("silva")
        window.patients_view.run_search()
        save(window, app, out / "pacientes-busca.png")

        child = next(p for p in services.patients.search("", 0, 400) if p.responsible_name)
        dialog = PatientDialog(services.patients, child.id, window)
        dialog.show()
        save(dialog, app, out / "paciente-editar.png")
        dialog.close()

        new = PatientDialog(services.patients, None, window)
        new.name.setText("Maria")
        new.cpf.setText("529.982.247-26")
        new.phone.setText("(00) 1234-5678")
        new.email.setText("maria@")
        new.show()
        new.save()
        save(new, app, out / "paciente-erros.png")
        new.close()

        # A patient with history: late installments, payments and, if any, a bounced cheque.
        late = next(
            c
            for c in services.contracts.search("", 0, 2000)
            if c.status == "active"
            and services.contracts.get(c.id).overdue_cents
            and any(p.reverses_payment_id for p in services.contracts.get(c.id).payments)
        )
        window.show_section("Pacientes")
        window.patients.show_patient(late.patient_id, late.id)
        save(window, app, out / "paciente-financeiro.png")

        page = window.patients.page
        payment = PaymentDialog(
            services.payments,
            services.contracts,
            [late],
            TODAY,
            late.id,
            window,
        )
        payment.show()
        # The patient says which installment they are paying: the preview shows it first.
        payment.chosen.setCurrentIndex(payment.chosen.count() - 1)
        payment.refresh_preview()
        save(payment, app, out / "receber-pagamento.png")
        payment.close()

        contract = ContractDialog(
            services.contracts, late.patient_id, page.patient.name, TODAY, window
        )
        contract.total.setText("3.600,00")
        contract.down_payment.setText("600,00")
        contract.installments.setValue(10)
        contract.first_due.setText("20/12/2026")
        contract.description.setText("Implante (uso interno)")
        contract.refresh_preview()
        contract.show()
        save(contract, app, out / "novo-contrato.png")
        contract.close()

        window.show_section("Contratos")
        save(window, app, out / "contratos.png")

        window.show_section("Configurações")
        save(window, app, out / "configuracoes-clinica.png")
        window.settings_view.tabs.setCurrentWidget(window.settings_view.charges)
        save(window, app, out / "configuracoes-cobranca.png")

        documents_dir = out / "documents"
        render_documents(services, late.id, Path(tmp), documents_dir)
        window.show_section("Pacientes")
        window.patients.show_patient(late.patient_id, late.id)
        page.bottom_tabs.setCurrentIndex(1)
        save(window, app, out / "paciente-documentos.png")
        page.bottom_tabs.setCurrentIndex(0)
        agreement_screens(app, window, services, out)
        signature_screens(app, window, services, late.id, Path(tmp), out)

        documents = window.show_section("Documentos")
        assert isinstance(documents, DocumentsView)
        documents.min_days.setValue(60)
        documents.generate_batch()  # the real button's work, in the background lane
        wait_for(app, lambda: documents.last_result is not None)
        save(window, app, out / "documentos.png")

        window.show_section("Configurações")
        view = window.settings_view
        view.tabs.setCurrentWidget(view.database_tab)
        tab = view.database_tab
        tab.host.setText("servidor-recepcao")
        tab.status.setText(
            "Conectado a postgresql+psycopg://emdia:***@servidor-recepcao:5432/emdia "
            "(PostgreSQL 15.18): banco vazio, pronto para receber os dados da clínica."
        )
        tab.copy_button.setEnabled(True)
        save(window, app, out / "configuracoes-banco-de-dados.png")

        about = AboutDialog(services.config, window)
        about.show()
        save(about, app, out / "sobre.png")
        about.close()
        settings = window.settings_view
        settings.tabs.setCurrentWidget(settings.transfer_panel)
        save(window, app, out / "configuracoes-importar-exportar.png")
        import_screens(app, window, services, Path(tmp), out)
        settings.tabs.setCurrentIndex(settings.security_tab)
        save(window, app, out / "configuracoes-usuarios-backups.png")
        settings.tabs.setCurrentIndex(settings.audit_tab)
        audit = window.audit_view
        wait_for(app, audit.verify_button.isEnabled)  # the integrity check runs off the UI thread
        save(window, app, out / "auditoria.png")

        # Cobrança de hoje: the morning list, a WhatsApp draft selected (with its PIX QR).
        services.login("recepcao", "demo")
        window.apply_permissions()
        today = window.today_view
        window.show_section("Cobrança")
        wait_for(app, lambda: not today.loading)
        row = next(
            i
            for i, d in enumerate(today.drafts)
            if d.allowed_now and d.step_key == "atraso_leve" and d.whatsapp_url
        )
        today.table.selectRow(row)
        save(window, app, out / "cobranca-de-hoje.png")
        # A promise logged in two clicks, then the patient's contact history.
        draft = today.drafts[row]
        today.detail.promise_date.setText("27/11/2026")
        today.detail.log(ContactOutcome.PROMISED)
        window.open_contract(draft.patient_id, draft.contract_id)
        page = window.patients.page
        page.bottom_tabs.setCurrentWidget(page.contacts)
        save(window, app, out / "paciente-contatos.png")

        services.login("gestor", "demo")
        window.apply_permissions()
        window.show_section("Configurações")
        settings.tabs.setCurrentIndex(settings.regua_tab)
        settings.regua.list.setCurrentRow(2)  # atraso leve
        settings.regua.refresh_preview()
        save(window, app, out / "configuracoes-regua.png")
        settings.regua.template.setPlainText(
            "Olá {responsavel}, última chance: pague hoje ou vamos avisar o seu empregador, "
            "c@loteiro."
        )
        settings.regua.refresh_preview()
        settings.regua.save()
        save(window, app, out / "configuracoes-regua-recusa.png")

        negativacao_screens(app, window, services, late, Path(tmp), out)
        window.resize(1366, 728)
        bank_screens(app, window, services, Path(tmp), out)

        window.show_section("Relatórios")
        # Início: the owner's dashboard.
        window.resize(1366, 860)
        dashboard = window.dashboard
        dashboard.dashboard = None
        window.show_section("Início")
        wait_for(app, lambda: dashboard.dashboard is not None and dashboard.task is None)
        save(window, app, out / "painel.png")

        # Cobrança → Inadimplentes, with the reasons of the first patient beside the list (a
        # Full HD screen shows every column; on smaller ones the less important give way).
        window.resize(1920, 1000)
        overdue = show_worklist(app, window)
        save(window, app, out / "inadimplentes.png")

        overdue.flag.setCurrentIndex(overdue.flag.findText("promessa quebrada"))
        overdue.table.selectRow(0)
        save(window, app, out / "inadimplentes-filtro.png")
        overdue.flag.setCurrentIndex(overdue.flag.findText("prescrita"))
        overdue.table.selectRow(0)
        save(window, app, out / "inadimplentes-prescrita.png")
        overdue.flag.setCurrentIndex(0)

        # The patient page header: overdue, risk and the suspension of new treatments.
        window.resize(1366, 860)
        row = next(r for r in overdue.model.worklist.rows if r.suspension_suggested)
        window.open_patient(row.patient_id)
        save(window, app, out / "paciente-suspender.png")

        report_screens(app, window, out)
        small_screen_screens(app, window, services, out)
        window.close()

        # The same clinic on Saturday afternoon: nothing may be sent, and each row says why.
        saturday = bootstrap(
            services.config, FixedClock(date(2026, 11, 28), time(15)), key=protected.key
        )
        saturday.login("recepcao", "demo")
        late = MainWindow(saturday)
        late.resize(1280, 780)
        late.show()
        late.show_section("Cobrança")
        wait_for(app, lambda: not late.today_view.loading)
        waiting = next(i for i, d in enumerate(late.today_view.drafts) if not d.allowed_now)
        late.today_view.table.selectRow(waiting)
        save(late, app, out / "cobranca-fora-do-horario.png")
        late.close()
        saturday.close()
        services.close()
        app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
