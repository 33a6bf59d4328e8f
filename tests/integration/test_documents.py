"""Printed documents: what each PDF says (pdftotext), the carnê's QR codes (decoded from a
pdftoppm render), the archive (SHA-256, never overwritten) and the batch."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from app.bootstrap import Services
from app.domain import pix
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.domain.patients import PatientForm, ResponsibleForm
from app.errors import EmDiaError, PermissionDenied, ValidationError
from app.services.base import Actor
from app.services.documents.gathering import NothingToPrint
from tests.conftest import STAFF_PASSWORD, TODAY

DESCRIPTION = "Implante dentário 36 — uso interno"
CLINIC = {
    "name": "Clínica Sorriso & Saúde Ltda",
    "cnpj": "11.222.333/0001-81",
    "address": "Av. Brasil, 1500",
    "city": "Campinas",
    "state": "SP",
    "phone": "(19) 3232-4545",
    "pix_key": "11.222.333/0001-81",
    "pix_merchant_city": "Campinas",
}


def text_of(path: str | Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(done.stdout.split())  # one space between words: robust to line breaks


def brl(cents: int) -> str:
    return format_brl(cents)


@pytest.fixture
def contract_id(services: Services) -> int:
    """A minor patient whose mother pays: 6 × R$ 200,00 from 05/12/2025, one payment on time,
    one bounced cheque — on 16/03/2026 installments 2, 3 and 4 are late."""
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
            zip_code="13010-100",
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
            description=DESCRIPTION,
            signed_on="2025-11-20",
            witness1_name="Ana Paula Souza",
            witness1_cpf="390.533.447-05",
        ),
    )
    cid = view.summary.id
    services.payments.add(
        PaymentForm(cid, "200,00", "2025-12-05", "pix", "E2E-1", reason="comprovante antigo")
    )
    bounced = services.payments.add(
        PaymentForm(cid, "200,00", "2026-01-05", "cheque", reason="comprovante antigo")
    )
    services.payments.reverse(bounced.payment_id, "cheque devolvido", "cheque_devolvido")
    return cid


def test_notification_itemises_the_updated_debt_with_a_seven_day_deadline(
    services: Services, contract_id: int
) -> None:
    [document] = services.documents.generate("notificacao", contract_id=contract_id)
    text = text_of(document.file_path)
    view = services.contracts.get(contract_id)
    late = [ln for ln in view.lines if ln.is_overdue]
    assert [ln.number for ln in late] == [2, 3, 4]
    for line in late:
        row = (
            f"{line.number}/6 {format_date(line.effective_due_date)} {line.days_late} dias "
            f"{brl(line.open_principal_cents)} {brl(line.fine_cents)} "
            f"{brl(line.interest_cents)} {brl(line.correction_cents)} {brl(line.total_cents)}"
        )
        assert row in text
    assert brl(sum(ln.total_cents for ln in late)) in text
    assert f"até {format_date(TODAY + timedelta(days=7))}" in text
    assert "NOTIFICAÇÃO EXTRAJUDICIAL" in text and "Maria Aparecida Araújo" in text
    assert "CNPJ 11.222.333/0001-81" in text  # CDC art. 42-A
    assert "Av. Brasil, 1500" in text
    assert "11.222.333/0001-81" in text  # the PIX key, as people read it


def test_charge_documents_never_name_the_treatment_or_threaten(
    services: Services, contract_id: int
) -> None:
    texts = [
        text_of(d.file_path)
        for kind in ("notificacao", "aviso-negativacao", "carne", "extrato")
        for d in services.documents.generate(kind, contract_id=contract_id)
    ]
    for text in texts:
        assert "Implante" not in text and "implante" not in text  # LGPD art. 11
        for threat in ("prisão", "polícia", "vergonha", "protesto imediato", "crime"):
            assert threat not in text.lower()  # CDC arts. 42 and 71
    notification = texts[0]
    assert "João Conceição" not in notification  # the letter goes to who pays, not about whom


def test_carne_qr_codes_pay_the_updated_amount_of_each_open_installment(
    services: Services, contract_id: int, tmp_path: Path
) -> None:
    [document] = services.documents.generate("carne", contract_id=contract_id)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", document.file_path, str(tmp_path / "page")], check=True
    )
    payloads = [
        found.text
        for page in sorted(tmp_path.glob("page*.png"))
        for found in zxingcpp.read_barcodes(Image.open(page))
    ]
    open_lines = [ln for ln in services.contracts.get(contract_id).lines if ln.is_open]
    assert len(payloads) == len(open_lines) == 5
    decoded = {pix.decode(p).txid: pix.decode(p) for p in payloads}  # decode checks the CRC
    for line in open_lines:
        qr = decoded[pix.txid_for(contract_id, line.number)]
        assert qr.amount_cents == line.total_cents
        assert qr.key == "11222333000181"
        assert qr.merchant_name == "CLINICA SORRISO SAUDE LTDA"[:25]
    text = text_of(document.file_path)
    assert payloads[0] in text.replace(" ", "") or "PIX copia e cola" in text


def test_receipt_has_amount_in_words_payer_method_and_clinic_id(
    services: Services, contract_id: int
) -> None:
    valid = next(p for p in services.contracts.get(contract_id).payments if p.is_effective)
    document = services.documents.receipt(valid.id)
    text = text_of(document.file_path)
    assert "RECIBO DE PAGAMENTO" in text and "duzentos reais" in text
    assert "Maria Aparecida Araújo" in text and "CPF 111.444.777-35" in text
    assert "PIX" in text and "05/12/2025" in text and "CNPJ 11.222.333/0001-81" in text
    assert "Beneficiário(a) dos serviços" in text and "João Conceição Araújo" in text


def test_a_reversed_payment_has_no_receipt(services: Services, contract_id: int) -> None:
    payments = services.contracts.get(contract_id).payments
    reversed_one = next(p for p in payments if p.reversed_by_id)
    reversal = next(p for p in payments if p.is_reversal)
    with pytest.raises(NothingToPrint, match="estornado"):
        services.documents.receipt(reversed_one.id)
    with pytest.raises(NothingToPrint, match="estorno"):
        services.documents.receipt(reversal.id)
    assert services.archive.for_patient(1) == []


def test_contract_has_parties_terms_and_lines_for_debtor_and_two_witnesses(
    services: Services, contract_id: int
) -> None:
    [document] = services.documents.generate("contrato", contract_id=contract_id)
    text = text_of(document.file_path)
    for expected in (
        "CONTRATANTE Maria Aparecida Araújo",
        "PACIENTE João Conceição Araújo",
        "serviços odontológicos",
        "multa de 2 %",
        "1 % ao mês",
        "CDC art. 52, §1º",
        "§2º",  # early settlement with proportional reduction
        "art. 784, III",
        "Testemunha 1",
        "Testemunha 2",
        "Ana Paula Souza",
        "20 de novembro de 2025",
        brl(120_000),
    ):
        assert expected in text, expected
    assert "Implante" not in text  # the internal description stays internal


def test_statement_lists_installments_payments_and_the_reversal(
    services: Services, contract_id: int
) -> None:
    [document] = services.documents.generate("extrato", contract_id=contract_id)
    text = text_of(document.file_path)
    assert "EXTRATO DO CONTRATO" in text
    assert "estornado" in text and "Cheque devolvido" in text and "-R$ 200,00" in text
    view = services.contracts.get(contract_id)
    assert brl(view.total_due_cents) in text
    assert "vencido" in text and "a vencer" in text and "pago" in text


def test_negativacao_notice_gives_at_least_ten_days(services: Services, contract_id: int) -> None:
    [document] = services.documents.generate("aviso-negativacao", contract_id=contract_id)
    text = text_of(document.file_path)
    assert "art. 43, §2º" in text
    assert format_date(TODAY + timedelta(days=10)) in text
    assert "Súmula 548" in text


def test_every_document_is_archived_with_its_hash_and_never_overwritten(
    services: Services, contract_id: int
) -> None:
    first = services.documents.notification(contract_id)
    second = services.documents.notification(contract_id)
    assert first.id != second.id and first.file_path != second.file_path
    for document in (first, second):
        path = Path(document.file_path)
        assert path.is_relative_to(services.config.documents_dir)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == document.sha256
        assert document.as_of == TODAY and document.kind == "notificacao"
    listed = services.archive.for_patient(2)  # the patient…
    assert [d.id for d in listed] == [second.id, first.id]
    assert [d.id for d in services.archive.for_patient(1)] == [second.id, first.id]  # …payer
    # A plain clinic's viewer opens the archived file itself.
    assert services.archive.viewable_file(first.id) == Path(first.file_path)
    Path(first.file_path).write_bytes(b"%PDF-1.4 altered")
    with pytest.raises(EmDiaError, match="SHA-256"):
        services.archive.viewable_file(first.id)
    with pytest.raises(EmDiaError, match="SHA-256"):
        services.archive.archived_bytes(first.id)


def test_notification_is_refused_when_nothing_is_late(services: Services) -> None:
    services.clinic.update(CLINIC)
    patient = services.patients.create(PatientForm(name="Pedro Alves", cpf="153.509.460-56"))
    view = services.contracts.create(
        patient.id, ContractForm(total="300,00", installments="3", first_due="2026-04-10")
    )
    with pytest.raises(NothingToPrint, match="não tem parcelas em atraso"):
        services.documents.generate("notificacao", contract_id=view.summary.id)
    with pytest.raises(NothingToPrint):
        services.documents.generate("notificacao", patient_id=patient.id)
    assert services.archive.count() == 0


def test_documents_need_the_clinic_identified(services: Services) -> None:
    patient = services.patients.create(PatientForm(name="Pedro Alves", cpf="153.509.460-56"))
    view = services.contracts.create(
        patient.id, ContractForm(total="300,00", installments="3", first_due="2026-04-10")
    )
    with pytest.raises(ValidationError, match="42-A"):
        services.documents.contract(view.summary.id)


def test_batch_generates_one_notification_per_late_contract_and_can_stop(
    demo_services: Services,
) -> None:
    batch = demo_services.document_batch
    candidates = batch.overdue_candidates(30)
    assert len(candidates) >= 5
    seen: list[tuple[int, int]] = []
    result = batch.notifications(
        30, lambda done, total: seen.append((done, total)), cancelled=lambda: len(seen) >= 3
    )
    assert result.cancelled and len(result.documents) + len(result.skipped) == 3
    assert demo_services.archive.count() == len(result.documents)
    complete = batch.notifications(30)
    assert not complete.cancelled
    assert len(complete.documents) + len(complete.skipped) == len(candidates)
    assert complete.total_cents > 0
    for document in complete.documents:
        assert Path(document.file_path).is_file()
        view = demo_services.contracts.get(document.contract_id or 0)
        assert max(ln.days_late for ln in view.lines if ln.is_open) >= 30


def test_clinic_logo_is_kept_in_the_data_folder_and_heads_every_document(
    services: Services, contract_id: int, tmp_path: Path
) -> None:
    source = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), (20, 110, 90)).save(source)
    info = services.clinic.update({"logo": str(source)})
    kept = Path(info.logo_path)
    assert kept.is_file() and kept.is_relative_to(services.config.data_dir)
    source.unlink()  # the original may go away: documents use the copy
    [document] = services.documents.generate("extrato", contract_id=contract_id)
    assert b"/Subtype /Image" in Path(document.file_path).read_bytes()
    not_an_image = tmp_path / "fake.png"
    not_an_image.write_text("olá")
    with pytest.raises(ValidationError, match="Logotipo"):
        services.clinic.update({"logo": str(not_an_image)})
    with pytest.raises(ValidationError, match="PNG ou JPG"):
        services.clinic.update({"logo": str(tmp_path / "logo.gif")})


def test_documents_need_a_user_with_the_documents_permission(staff: Services) -> None:
    staff.login("gestor", STAFF_PASSWORD)
    staff.clinic.update(CLINIC)
    patient = staff.patients.create(PatientForm(name="Pedro Alves", cpf="153.509.460-56"))
    view = staff.contracts.create(
        patient.id, ContractForm(total="300,00", installments="3", first_due="2026-04-10")
    )
    staff.login("recepcao", STAFF_PASSWORD)  # the desk prints documents
    [document] = staff.documents.generate("contrato", contract_id=view.summary.id)
    assert staff.archive.for_patient(patient.id)[0].id == document.id
    staff.actor = Actor.nobody()  # locked screen / nobody logged in
    with pytest.raises(PermissionDenied):
        staff.documents.generate("extrato", contract_id=view.summary.id)
    with pytest.raises(PermissionDenied):
        staff.archive.search("")
