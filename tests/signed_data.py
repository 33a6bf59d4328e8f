"""The family the tests of signed documents work with: a minor patient whose mother, Maria,
pays — so the person who must sign (the responsável financeiro) is not the patient."""

from __future__ import annotations

from app.bootstrap import Services
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.patients import PatientForm, ResponsibleForm

CLINIC = {
    "name": "Clínica Sorriso & Saúde Ltda",
    "cnpj": "11.222.333/0001-81",
    "address": "Av. Brasil, 1500",
    "city": "Campinas",
    "state": "SP",
    "phone": "(19) 3232-4545",
}
DEBTOR_NAME = "MARIA APARECIDA ARAUJO"  # as her certificate writes it
DEBTOR_CPF = "11144477735"
PATIENT_CPF = "52998224725"


def seed_family(services: Services) -> int:
    """The contract: 6 × R$ 200,00 from 05/12/2025, the first paid (on 16/03/2026 installments
    2, 3 and 4 are late); its id."""
    services.clinic.update(CLINIC)
    patient = services.patients.create(
        PatientForm(
            name="João Conceição Araújo",
            cpf="529.982.247-25",
            birth_date="10/02/2012",
            street="Rua das Acácias",
            number="45",
            city="Campinas",
            state="SP",
            responsible=ResponsibleForm(cpf="111.444.777-35", name="Maria Aparecida Araújo"),
        )
    )
    view = services.contracts.create(
        patient.id,
        ContractForm(
            total="1.200,00",
            installments="6",
            first_due="2025-12-05",
            method="pix",
            description="Implante dentário 36 — uso interno",
        ),
    )
    services.payments.add(
        PaymentForm(view.summary.id, "200,00", "2025-12-05", "pix", reason="comprovante antigo")
    )
    return view.summary.id
