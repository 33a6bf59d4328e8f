"""A small clinic for the Relatórios, every figure worked out by hand (the fixtures' Monday,
16/03/2026): late and on-time payments, a returned cheque, a promise kept, cash at the desk."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from app.bootstrap import Services
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.patients import PatientForm
from app.persistence import models
from app.services.collection.contact_log import OutcomeForm
from tests.collection_data import CNPJ
from tests.conftest import STAFF_PASSWORD

REGISTERED = datetime(2025, 12, 1, 10, 0)


def seed_report_clinic(staff: Services) -> dict[str, int]:
    """Ana: 600,00 in 3 (12/01, 12/02, 12/03), the first paid late on 20/01 (204,53 with multa
    4,00 and juros 0,53), 50,00 in cash today. Bia: 300,00 due 05/02, paid by cheque on 02/02,
    returned today. Caio: 1.000,00 in 2 from 10/04. Every contract registered on 01/12/2025."""
    s = staff
    s.login("gestor", STAFF_PASSWORD)
    s.clinic.update({"name": "Clínica Sorriso Ltda", "cnpj": CNPJ, "address": "Av. Brasil, 1500",
                     "city": "Campinas",
                     "state": "SP"})  # fmt: skip
    ana = s.patients.create(PatientForm(name="Ana Souza", cpf="111.444.777-35"))
    bia = s.patients.create(PatientForm(name="Bia Lima", cpf="529.982.247-25"))
    caio = s.patients.create(PatientForm(name="Caio Reis", cpf="935.411.347-80"))
    c_ana = s.contracts.create(
        ana.id, ContractForm(total="600,00", installments="3", first_due="2026-01-12")
    ).summary.id
    c_bia = s.contracts.create(
        bia.id, ContractForm(total="300,00", installments="1", first_due="2026-02-05")
    ).summary.id
    s.contracts.create(caio.id, ContractForm(total="1.000,00", installments="2",
                                             first_due="2026-04-10"))  # fmt: skip
    with s.reports.uow() as uow:  # the contracts were registered in December
        uow.session.execute(update(models.Contract).values(created_at=REGISTERED))  # type: ignore[attr-defined]
        uow.commit()
    s.payments.add(
        PaymentForm(c_ana, "204,53", "2026-01-20", reason="caixa de janeiro lançado agora")
    )
    cheque = s.payments.add(
        PaymentForm(
            c_bia, "300,00", "2026-02-02", method="cheque", reason="cheque recebido em fevereiro"
        )
    )
    s.contacts.log_outcome(
        OutcomeForm(ana.id, "promised", channel="whatsapp", step_key="atraso", contract_id=c_ana,
                    promise_date="16/03/2026", promise_amount="50,00")
    )  # fmt: skip
    s.payments.reverse(cheque.payment_id, "cheque devolvido", code="cheque_devolvido")
    cash = s.payments.add(PaymentForm(c_ana, "50,00", "2026-03-16", method="dinheiro"))
    return {"ana": ana.id, "bia": bia.id, "caio": caio.id, "cheque": cheque.payment_id,
           "cash": cash.payment_id, "c_ana": c_ana}  # fmt: skip
