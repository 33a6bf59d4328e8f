"""Collection that stays lawful in every corner, through the services on a real database:
prescription stops collection (CC art. 206 §5 I), the aviso registers only what it announced
(CDC art. 43), the título is a signed contract, letters need the debtor's address and identify
the creditor with its own (CDC art. 42-A), the debtor chooses what a payment pays (CC arts.
352-355), and the documents disclose the money rules (CDC art. 52, CC art. 320, Súmula 121 STF)."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from app.bootstrap import Services
from app.domain.agreements import AgreementForm
from app.domain.contracts import ContractForm, ContractTermsForm, PaymentForm
from app.domain.patients import PatientForm
from app.domain.pix import txid_for
from app.errors import ValidationError
from app.services.documents.gathering import NothingToPrint
from app.services.negativacao import InclusionForm, RemovalForm
from tests.collection_data import CNPJ
from tests.conftest import STAFF_PASSWORD
from tests.negativacao_data import Days, send_notice

CLINIC = {
    "name": "Clínica Sorriso Ltda",
    "cnpj": CNPJ,
    "phone": "(19) 3234-5678",
    "address": "Av. Brasil, 100",
    "city": "Campinas",
    "state": "SP",
}
ADDRESS = {
    "street": "Rua das Flores",
    "number": "10",
    "district": "Centro",
    "city": "Campinas",
    "state": "SP",
    "zip_code": "13010-000",
}


@pytest.fixture
def clock() -> Days:
    return Days()


@pytest.fixture
def gestor(staff: Services) -> Services:
    staff.login("gestor", STAFF_PASSWORD)
    staff.clinic.update(CLINIC)
    return staff


def text_of(path: str | Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(done.stdout.split())


def debtor(services: Services, *, address: bool = True, cpf: str = "111.444.777-35") -> int:
    form = PatientForm(name="Ana Souza", cpf=cpf, phone="(19) 98888-7777", phone_whatsapp=True)
    if address:
        form = PatientForm(**{**form.__dict__, **ADDRESS})
    return services.patients.create(form).id


def contract(services: Services, patient_id: int, first_due: str, n: int = 1, **extra: str) -> int:
    form = ContractForm(total=f"{300 * n},00", installments=str(n), first_due=first_due, **extra)
    return services.contracts.create(patient_id, form).summary.id


# --- prescription (CC art. 206 §5 I) ----------------------------------------------------------


def test_a_prescribed_debt_gets_no_step_no_letter_and_is_shown_apart(
    gestor: Services, clock: Days
) -> None:
    """A debt due 05/03/2021 is prescribed on 02/04/2026: the régua offers nothing, the letters
    are refused (nothing archived), the worklist marks it prescrita, the dashboard separates it."""
    clock.day = date(2021, 3, 1)
    ana = debtor(gestor)
    cid = contract(gestor, ana, "2021-03-05", signed_on="2021-03-01")
    clock.day = date(2026, 4, 2)
    assert gestor.drafts.draft_for(ana) is None
    for kind in ("notificacao", "aviso-negativacao"):
        with pytest.raises(NothingToPrint, match="prescrita desde 05/03/2026"):
            gestor.documents.generate(kind, contract_id=cid)
    assert [d.kind for d in gestor.archive.for_patient(ana)] == []
    row = gestor.overdue.worklist().row_for(ana)
    assert row is not None and row.prescrita
    assert (row.overdue_cents, row.prescribed_cents) == (0, 30_000)
    assert "prescrita" in row.flags
    dashboard = gestor.dashboard.summary()
    assert (dashboard.overdue_cents, dashboard.prescribed_cents) == (0, 30_000)
    [check] = gestor.negativacao.check(contract_id=cid)
    assert not check.ready and "prescrita" in check.readiness.items[0].why


def test_a_negativacao_reaching_five_years_heads_the_list_to_be_removed(
    gestor: Services, clock: Days
) -> None:
    """CDC art. 43 §1, Súmula 323 STJ: removed like a paid one, with the reason of the 5 years."""
    ana = debtor(gestor)
    cid = contract(gestor, ana, "2026-01-10", signed_on="2025-12-10")
    send_notice(gestor, {"ana": ana, "contract": cid})
    clock.day = date(2026, 3, 26)
    gestor.negativacao.include(InclusionForm(cid, "serasa", "2026-03-26"))
    clock.day = date(2031, 1, 11)  # still registered; parcela due Monday 12/01/2026
    assert gestor.negativacao.pending_removals() == []
    clock.day = date(2031, 1, 12)
    [pending] = gestor.negativacao.pending_removals()
    assert pending.status == "retirar hoje: completou 5 anos em 12/01/2031 (CDC art. 43 §1)"
    removed = gestor.negativacao.remove(RemovalForm(pending.id))
    assert removed.row.removal_reason == "prazo de 5 anos"


# --- an honest aviso (CDC art. 43; Súmulas 359 and 404 STJ) ----------------------------------


def test_the_aviso_says_it_is_the_clinics_letter_and_lists_what_may_be_registered(
    gestor: Services,
) -> None:
    ana = debtor(gestor)
    cid = contract(gestor, ana, "2026-02-25", n=2, signed_on="2025-12-10")
    [doc] = gestor.documents.generate("aviso-negativacao", contract_id=cid)
    text = text_of(doc.file_path)
    assert "COMUNICAÇÃO PRÉVIA DE POSSÍVEL INCLUSÃO" in text
    assert "A notificação prevista no art. 43, §2º" in text and "próprio cadastro" in text
    assert "AVISO PRÉVIO" not in text
    assert "Somente a parcela 1/2 poderá ser incluída" in text
    assert "assinado em 10/12/2025" in text


def test_an_inclusion_registers_only_what_the_aviso_announced(
    gestor: Services, clock: Days
) -> None:
    """An aviso listing parcela 1 does not allow registering parcela 2, due after it."""
    ana = debtor(gestor)
    cid = contract(gestor, ana, "2026-02-25", n=2, signed_on="2025-12-10")
    send_notice(gestor, {"ana": ana, "contract": cid})  # 16/03: only parcela 1 is late
    clock.day = date(2026, 4, 20)
    [check] = gestor.negativacao.check(contract_id=cid)
    assert check.readiness.installments == (1,)
    view = gestor.negativacao.include(InclusionForm(cid, "spc", "2026-04-20"))
    # Announced on 16/03 at its value on 26/03: 300,00 + multa 6,00 + juros 300,00 × 1 % ×
    # 29/30 = 2,90 → 308,90; on 20/04 it costs 311,40, but no more is registered.
    assert view.row.amount_cents == 30_890
    assert view.row.installments == (1,)


def test_no_aviso_for_a_debt_already_negativado(gestor: Services, clock: Days) -> None:
    ana = debtor(gestor)
    cid = contract(gestor, ana, "2026-01-10", signed_on="2025-12-10")
    send_notice(gestor, {"ana": ana, "contract": cid})
    clock.day = date(2026, 3, 26)
    gestor.negativacao.include(InclusionForm(cid, "serasa", "2026-03-26"))
    with pytest.raises(NothingToPrint, match="já está negativado desde 26/03/2026 \\(Serasa\\)"):
        gestor.documents.generate("aviso-negativacao", contract_id=cid)
    assert gestor.drafts.draft_for(ana) is None  # nor the régua's aviso step


def test_the_titulo_is_a_contract_with_a_recorded_signing_date(gestor: Services) -> None:
    ana = debtor(gestor)
    cid = contract(gestor, ana, "2026-01-10")
    gestor.documents.generate("contrato", contract_id=cid)  # a PDF printed today proves nothing
    [check] = gestor.negativacao.check(contract_id=cid)
    title = next(i for i in check.readiness.items if i.key == "contrato")
    assert not title.ok and "data em que o devedor assinou" in title.why
    [doc] = gestor.documents.generate("notificacao", contract_id=cid)
    assert "nº 1 (data de assinatura não registrada)" in text_of(doc.file_path)
    version = gestor.contracts.get(cid).version
    gestor.contracts.update_terms(cid, ContractTermsForm(signed_on="2025-12-10"), version)
    [check] = gestor.negativacao.check(contract_id=cid)
    title = next(i for i in check.readiness.items if i.key == "contrato")
    assert title.ok and title.why == "contrato assinado em 10/12/2025"


# --- the creditor and the debtor's addresses (CDC art. 42-A) ---------------------------------


def test_letters_and_messages_carry_the_creditors_address(gestor: Services) -> None:
    ana = debtor(gestor)
    cid = contract(gestor, ana, "2026-03-13")
    draft = gestor.drafts.draft_for(ana)
    assert draft is not None and "Av. Brasil, 100 — Campinas/SP" in draft.text
    gestor.clinic.update({"address": ""})
    refused = gestor.drafts.draft_for(ana)
    assert refused is not None and not refused.allowed_now
    assert "endereço" in refused.reason and "CDC art. 42-A" in refused.reason
    with pytest.raises(ValidationError, match="endereço"):
        gestor.documents.generate("notificacao", contract_id=cid)


def test_a_letter_to_a_debtor_without_an_address_is_refused_and_the_regua_says_why(
    gestor: Services,
) -> None:
    ana = debtor(gestor, address=False)
    cid = contract(gestor, ana, "2026-02-13", signed_on="2026-01-10")  # 31 days late
    draft = gestor.drafts.draft_for(ana)
    assert draft is not None and draft.step_key == "notificacao" and not draft.allowed_now
    assert "carta vai pelo correio com aviso de recebimento (AR)" in draft.reason
    with pytest.raises(NothingToPrint, match="falta no cadastro de Ana Souza o endereço"):
        gestor.documents.generate("notificacao", contract_id=cid)


# --- the debtor's choice (CC arts. 352-355) ---------------------------------------------------


def test_paying_parcela_3_with_its_txid_settles_parcela_3(gestor: Services) -> None:
    ana = debtor(gestor)
    cid = contract(gestor, ana, "2026-02-10", n=3)  # parcela 1 late, 2 and 3 to fall due
    reference = f"PIX {txid_for(cid, 3)}"
    result = gestor.payments.add(PaymentForm(cid, "300,00", "2026-03-16", reference=reference))
    assert [t.number for t, _ in result.allocation.lines] == [3]
    assert result.allocation.chosen == 3
    named = gestor.payments.add(PaymentForm(cid, "300,00", "2026-03-16", installment="2"))
    assert [t.number for t, _ in named.allocation.lines] == [2]
    with pytest.raises(ValidationError, match="a parcela 3 já está paga"):
        gestor.payments.preview(PaymentForm(cid, "10,00", "2026-03-16", installment="3"))
    other = f"PIX {txid_for(cid + 1, 1)}"
    with pytest.raises(ValidationError, match="é do contrato"):
        gestor.payments.add(PaymentForm(cid, "10,00", "2026-03-16", reference=other))


# --- money disclosure (CDC art. 52; CC art. 320; Súmula 121 STF) -----------------------------

DAY_COUNT = (
    "juros de mora de 1 % ao mês, simples, contados por dia corrido de atraso à razão de 1/30 "
    "da taxa mensal (0,0333 % ao dia): 12 % em 360 dias de atraso, 12,17 % em 365"
)


def late_plan(services: Services) -> tuple[int, int]:
    """Ana's 3 × 300,00 from 13/01/2026, signed 10/12/2025, under IPCA: on 16/03/2026 all three
    are late and the IPCA of January and February was never typed."""
    services.clinic.update({"correction_index": "ipca"})
    ana = debtor(services)
    return ana, contract(services, ana, "2026-01-13", n=3, signed_on="2025-12-10")


def printed(services: Services, kind: str, contract_id: int) -> str:
    [doc] = services.documents.generate(kind, contract_id=contract_id)
    return text_of(doc.file_path)


def test_the_contract_states_the_day_count_the_periodicity_and_the_effective_rate(
    gestor: Services,
) -> None:
    text = printed(gestor, "contrato", late_plan(gestor)[1])
    assert "3 parcela(s) mensais, no mesmo dia de cada mês, que somam R$ 900,00" in text
    assert "taxa efetiva de 0 % ao mês e 0 % ao ano" in text and "CDC art. 52, II a V" in text
    assert DAY_COUNT in text and "o mês conta 30 dias por convenção deste contrato" in text
    assert "o mês do vencimento conta pelos dias de atraso nele" in text
    assert "Campinas, 10 de dezembro de 2025." in text  # the signing date, not 16/03


def test_the_notificacao_states_the_day_count_and_a_partial_correction_plainly(
    gestor: Services,
) -> None:
    text = printed(gestor, "notificacao", late_plan(gestor)[1])
    assert DAY_COUNT in text
    assert "Correção monetária parcial: faltam os índices de 01/2026, 02/2026" in text


def test_the_carne_payer_stub_has_a_line_for_the_creditors_signature(gestor: Services) -> None:
    text = printed(gestor, "carne", late_plan(gestor)[1])
    assert text.count("Recibo do pagador") == 3
    assert text.count("Assinatura do credor (recebido)") == 3  # CC art. 320


def test_the_confissao_states_its_rate_the_interest_free_charges_and_the_early_maturity_amount(
    gestor: Services,
) -> None:
    ana, _ = late_plan(gestor)
    ids = tuple(
        o.origin.installment_id
        for o in gestor.agreements.open_installments(ana)
        if o.line.is_overdue
    )
    proposed = gestor.agreements.propose(
        ana, AgreementForm(installment_ids=ids, count="3", first_due="2026-04-10")
    )
    gestor.agreements.accept(proposed.id)
    [doc] = gestor.documents.generate("confissao", agreement_id=proposed.id)
    text = text_of(doc.file_path)
    # 900,00 of principal + 27,60 of multa and juros confessed: 90000 / 92760 = 97,02 %.
    assert (proposed.principal_cents, proposed.total_cents) == (90_000, 92_760)
    assert "taxa efetiva de 0 % ao mês e 0 % ao ano" in text and DAY_COUNT in text
    assert (
        "(R$ 27,60: multa, juros e correção, já abatido o desconto) não geram novos juros" in text
    )
    assert "(97,02 % da parcela), sem juros sobre" in text and "(Súmula 121 do STF)" in text
    assert "todo o saldo ainda não pago deste acordo — R$ 927,60 em 16/03/2026" in text
