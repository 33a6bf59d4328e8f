"""Render EmDia's screens on a demo clinic and save PNGs (``make screenshots``).

Runs the real window offscreen (or under Xvfb when DISPLAY is set) with a fixed date, so the
pictures in docs/screenshots/ show exactly what a user sees.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

from app.bootstrap import bootstrap
from app.clock import FixedClock
from app.config import load_config
from ui.dialogs.about_dialog import AboutDialog
from ui.dialogs.contract_dialog import ContractDialog
from ui.dialogs.patient_dialog import PatientDialog
from ui.dialogs.payment_dialog import PaymentDialog
from ui.main import make_application
from ui.main_window import MainWindow

TODAY = date(2026, 11, 25)


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def save(widget: QWidget, app: QApplication, path: Path) -> None:
    settle(app)
    widget.grab().save(str(path))
    print(f"wrote {path}")


def main(out_dir: str) -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["EMDIA_HOME"] = tmp
        app = make_application([sys.argv[0]])
        services = bootstrap(load_config(str(Path(tmp) / "demo.db")), FixedClock(TODAY, time(9)))
        services.demo.create(patients=400, seed=1)

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
        window.settings_view.tabs.setCurrentIndex(1)
        save(window, app, out / "configuracoes-cobranca.png")

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

        window.show_section("Cobrança")
        save(window, app, out / "secao-em-construcao.png")
        window.close()
        services.close()
        app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
