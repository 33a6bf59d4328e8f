"""Documents signed electronically by the debtor: EmDia's own archived PDFs signed with a
throw-away authority (``tests.signing``), received back, checked offline and archived beside
the original — or refused with the reason and nothing written."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas
from sqlalchemy import func, select

from app.bootstrap import Services
from app.domain.agreements import AgreementForm
from app.domain.catalog import DocumentKind
from app.domain.negativacao import CheckItem, CheckKey
from app.errors import PermissionDenied, ValidationError
from app.persistence import models
from app.services.signatures import SignedFileRefused
from tests.conftest import STAFF_PASSWORD
from tests.signed_data import DEBTOR_CPF, PATIENT_CPF, seed_family
from tests.signing import Authority, append_update, sign


@pytest.fixture(scope="module")
def authority() -> Authority:
    return Authority()


@pytest.fixture
def contract_id(services: Services) -> int:
    return seed_family(services)


def sent(services: Services, tmp_path: Path, contract_id: int) -> bytes:
    """The contract as "Enviar para assinatura" saves it for the patient."""
    package = services.signatures.send_for_signing(
        tmp_path / "contrato-para-assinar.pdf", contract_id=contract_id
    )
    return package.path.read_bytes()


def received_file(tmp_path: Path, data: bytes, name: str = "assinado.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def pdf_text(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(done.stdout.split())


def signed_count(services: Services) -> int:
    with services.signatures.uow() as uow:
        stmt = select(func.count()).where(models.Document.kind == DocumentKind.ASSINADO.value)
        return int(uow.session.scalar(stmt.select_from(models.Document)) or 0)


def archive_files(services: Services) -> set[Path]:
    folder = services.config.documents_dir
    return {p for p in folder.rglob("*.pdf")} if folder.exists() else set()


def title_item(services: Services, contract_id: int) -> CheckItem:
    """The negativação checklist's *título* line for the contract."""
    (check,) = services.negativacao.check(contract_id)
    return next(i for i in check.readiness.items if i.key == CheckKey.TITLE)


def audit_actions(services: Services) -> list[str]:
    with services.signatures.uow() as uow:
        return list(uow.session.scalars(select(models.AuditLog.action)))


def test_send_for_signing_saves_the_archived_contract_and_says_how_to_sign(
    services: Services, contract_id: int, tmp_path: Path
) -> None:
    package = services.signatures.send_for_signing(
        tmp_path / "para-assinar.pdf", contract_id=contract_id
    )
    archived = services.archive.archived_bytes(package.document.id)
    assert package.document.kind == DocumentKind.CONTRATO
    assert package.path.read_bytes() == archived
    message = package.message
    assert message.startswith("Olá, Maria!")  # the responsável financeiro signs, not the minor
    assert "assinador.iti.br" in message and "gov.br" in message and "e-CPF" in message
    assert "sem abrir e salvar em outro programa" in message
    assert "Clínica Sorriso & Saúde Ltda" in message
    assert "Implante" not in message  # LGPD art. 11: never the treatment
    assert "as testemunhas são dispensadas" in pdf_text(package.path)  # CPC art. 784 §4


def test_send_for_signing_asks_for_a_contract_or_an_acordo(
    services: Services, contract_id: int, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="escolha um contrato ou um acordo"):
        services.signatures.send_for_signing(tmp_path / "x.pdf")
    with pytest.raises(ValidationError, match="não existe"):
        services.signatures.send_for_signing(tmp_path / "nao-ha" / "x.pdf", contract_id=contract_id)


def test_a_contract_signed_by_the_debtor_is_archived_beside_the_original(
    services: Services, contract_id: int, tmp_path: Path, authority: Authority
) -> None:
    original = sent(services, tmp_path, contract_id)
    maria = authority.person("MARIA APARECIDA ARAUJO", DEBTOR_CPF)
    data = sign(original, maria, authority)
    assert data.startswith(original)  # an incremental update on EmDia's bytes

    got = services.signatures.receive(received_file(tmp_path, data))

    signed = got.signed
    assert not got.again
    archived = services.archive.get(signed.document_id)
    assert archived.kind == DocumentKind.ASSINADO
    assert archived.original_document_id == signed.original_document_id
    assert archived.sha256 == hashlib.sha256(data).hexdigest() == signed.file_sha256
    assert services.archive.archived_bytes(signed.document_id) == data
    original_doc = services.archive.get(signed.original_document_id)
    assert original_doc.kind == DocumentKind.CONTRATO
    assert original_doc.sha256 == hashlib.sha256(original).hexdigest()
    assert (signed.original_kind, signed.contract_id) == ("contrato", contract_id)
    assert (signed.signer_name, signed.signer_cpf) == ("MARIA APARECIDA ARAUJO", DEBTOR_CPF)
    assert (signed.intact, signed.valid, signed.covers_original) == (True, True, True)
    assert signed.matches_debtor and not signed.trusted
    assert signed.signed_at is not None and signed.signed_at.strftime("%d/%m") == "16/03"
    assert signed.note == "assinado eletronicamente por MARIA APARECIDA ARAUJO em 16/03"
    assert signed.notes[0].startswith("Cadeia não verificada: nenhum certificado raiz")
    assert not any("verificada até" in n for n in signed.notes)  # never claims more
    listed = services.archive.for_patient(signed.patient_id or 0)
    assert signed.document_id in {d.id for d in listed}
    assert [s.document_id for s in services.signatures.for_patient(signed.patient_id or 0)] == [
        signed.document_id
    ]
    assert "document.signed" in audit_actions(services)
    titulo = title_item(services, contract_id)
    assert titulo.ok and titulo.why.startswith(
        "contrato assinado eletronicamente pelo devedor, MARIA APARECIDA ARAUJO, em 16/03/"
    )
    assert f"(documento {signed.document_id}; sem testemunhas, CPC art. 784 §4)" in titulo.why


def test_a_confissao_signed_with_an_icp_brasil_e_cpf_is_the_acordos(
    services: Services, contract_id: int, tmp_path: Path, authority: Authority
) -> None:
    patient_id = services.contracts.get(contract_id).summary.patient_id
    overdue = [
        o.origin.installment_id
        for o in services.agreements.open_installments(patient_id)
        if o.line.is_overdue
    ]
    proposed = services.agreements.propose(
        patient_id, AgreementForm(tuple(overdue), count="3", first_due="2026-04-10")
    )
    services.agreements.accept(proposed.id)
    package = services.signatures.send_for_signing(
        tmp_path / "acordo.pdf", agreement_id=proposed.id
    )
    assert package.document.kind == DocumentKind.CONFISSAO
    assert "termo de acordo" in package.message
    text = pdf_text(package.path)
    assert "Testemunha 2" in text  # the witnesses' lines stay, for ink …
    assert "as testemunhas são dispensadas" in text and "784, §4º" in text  # … or e-signature
    assert "assinador.iti.br" in text
    maria = authority.person("MARIA APARECIDA ARAUJO", DEBTOR_CPF, style="icp")
    data = sign(package.path.read_bytes(), maria, authority)

    signed = services.signatures.receive(received_file(tmp_path, data)).signed

    assert (signed.original_kind, signed.agreement_id) == ("confissao", proposed.id)
    assert (signed.signer_name, signed.signer_cpf) == ("MARIA APARECIDA ARAUJO", DEBTOR_CPF)
    assert signed.matches_debtor


def test_signed_by_someone_else_is_archived_and_says_it_is_not_the_debtor(
    services: Services, contract_id: int, tmp_path: Path, authority: Authority
) -> None:
    son = authority.person("JOAO CONCEICAO ARAUJO", PATIENT_CPF)
    data = sign(sent(services, tmp_path, contract_id), son, authority)

    signed = services.signatures.receive(received_file(tmp_path, data)).signed

    assert signed.intact and signed.covers_original and not signed.matches_debtor
    assert (
        "Assinado por JOAO CONCEICAO ARAUJO (CPF 529.982.247-25), que não é quem este "
        "documento cobra: Maria Aparecida Araújo (CPF 111.444.777-35)."
    ) in signed.notes
    # The negativação checklist still names the generated contract, not the son's signature.
    assert "eletronicamente" not in title_item(services, contract_id).why


def test_a_certificate_without_cpf_cannot_match_the_debtor(
    services: Services, contract_id: int, tmp_path: Path, authority: Authority
) -> None:
    nameless = authority.person("MARIA APARECIDA ARAUJO", None)
    data = sign(sent(services, tmp_path, contract_id), nameless, authority)

    signed = services.signatures.receive(received_file(tmp_path, data)).signed

    assert signed.signer_cpf is None and not signed.matches_debtor
    assert any("não traz CPF" in n for n in signed.notes)


@pytest.mark.parametrize("how", ["appended update", "bytes changed", "changed while signing"])
def test_a_file_changed_after_it_was_generated_is_refused_and_nothing_is_archived(
    services: Services, contract_id: int, tmp_path: Path, authority: Authority, how: str
) -> None:
    maria = authority.person("MARIA APARECIDA ARAUJO", DEBTOR_CPF)
    original = sent(services, tmp_path, contract_id)
    if how == "appended update":
        data = append_update(sign(original, maria, authority))
        reason = "o arquivo foi alterado depois da assinatura de MARIA APARECIDA ARAUJO"
    elif how == "bytes changed":
        signed = bytearray(sign(original, maria, authority))
        at = signed.index(b"/Producer")  # inside the signed range
        signed[at + 1] = ord("p")
        data = bytes(signed)
        reason = "não confere com o conteúdo: o arquivo foi alterado"
    else:
        data = sign(original, maria, authority, also_draw="R$ 1,00")
        reason = "foi alterado antes de ser assinado (uma página teve /Contents modificado)"
    before = archive_files(services)

    with pytest.raises(SignedFileRefused, match="Documento assinado recusado") as refused:
        services.signatures.receive(received_file(tmp_path, data))

    assert reason in refused.value.message
    assert signed_count(services) == 0 and archive_files(services) == before
    assert "document.signed" not in audit_actions(services)


def test_a_signed_pdf_that_is_not_an_emdia_document_is_refused(
    services: Services, contract_id: int, tmp_path: Path, authority: Authority
) -> None:
    other = tmp_path / "outro.pdf"
    page = canvas.Canvas(str(other))
    page.drawString(100, 700, "Contrato de outra clínica")
    page.save()
    maria = authority.person("MARIA APARECIDA ARAUJO", DEBTOR_CPF)
    data = sign(other.read_bytes(), maria, authority)

    with pytest.raises(SignedFileRefused, match="não é um contrato nem uma confissão"):
        services.signatures.receive(received_file(tmp_path, data))
    assert signed_count(services) == 0


def test_an_unsigned_pdf_a_signed_receipt_and_a_non_pdf_are_refused(
    services: Services, contract_id: int, tmp_path: Path, authority: Authority
) -> None:
    unsigned = sent(services, tmp_path, contract_id)
    with pytest.raises(SignedFileRefused, match="não tem assinatura digital"):
        services.signatures.receive(received_file(tmp_path, unsigned))
    with pytest.raises(ValidationError, match="não é um PDF"):
        services.signatures.receive(received_file(tmp_path, b"GIF89a...", "foto.pdf"))
    with pytest.raises(ValidationError, match="não existe"):
        services.signatures.receive(tmp_path / "sumiu.pdf")
    paid = services.contracts.get(contract_id).payments[0]
    receipt = services.documents.receipt(paid.id)
    maria = authority.person("MARIA APARECIDA ARAUJO", DEBTOR_CPF)
    data = sign(Path(receipt.file_path).read_bytes(), maria, authority)
    with pytest.raises(SignedFileRefused, match=r"\(Recibo\); só o contrato e a confissão"):
        services.signatures.receive(received_file(tmp_path, data))
    assert signed_count(services) == 0


def test_a_second_signature_on_top_keeps_the_debtors_as_the_one_that_counts(
    services: Services, contract_id: int, tmp_path: Path, authority: Authority
) -> None:
    witness = authority.person("ANA PAULA SOUZA", "39053344705")
    maria = authority.person("MARIA APARECIDA ARAUJO", DEBTOR_CPF, style="icp")
    first = sign(sent(services, tmp_path, contract_id), witness, authority, "Testemunha")
    data = sign(first, maria, authority, "Devedora")

    signed = services.signatures.receive(received_file(tmp_path, data)).signed

    assert [s.name for s in signed.signers] == ["ANA PAULA SOUZA", "MARIA APARECIDA ARAUJO"]
    assert signed.signer_name == "MARIA APARECIDA ARAUJO" and signed.matches_debtor
    assert signed.intact and signed.covers_original
    assert "Também assinado por ANA PAULA SOUZA (CPF 390.533.447-05) em 16/03/2026." in (
        signed.notes
    )


def test_a_phone_clock_before_the_generation_is_not_taken_for_the_signing_date(
    services: Services, contract_id: int, tmp_path: Path, authority: Authority
) -> None:
    maria = authority.person("MARIA APARECIDA ARAUJO", DEBTOR_CPF)
    early = datetime(2026, 3, 14, 15, 30, tzinfo=UTC)  # two days before EmDia generated it
    data = sign(sent(services, tmp_path, contract_id), maria, authority, at=early)

    signed = services.signatures.receive(received_file(tmp_path, data)).signed

    assert signed.matches_debtor and signed.intact
    assert any(
        n.startswith("A data de assinatura que o aplicativo de quem assinou gravou (14/03/2026")
        for n in signed.notes
    )


def test_receiving_again_after_trusting_the_root_redoes_the_verification(
    staff: Services, contract_id: int, tmp_path: Path, authority: Authority
) -> None:
    services = staff
    services.login("recepcao", STAFF_PASSWORD)
    maria = authority.person("MARIA APARECIDA ARAUJO", DEBTOR_CPF)
    path = received_file(tmp_path, sign(sent(services, tmp_path, contract_id), maria, authority))
    first = services.signatures.receive(path).signed
    assert not first.trusted

    with pytest.raises(PermissionDenied):
        services.trust.add(received_file(tmp_path, authority.root.pem, "raiz.pem"))
    services.login("gestor", STAFF_PASSWORD)
    services.trust.add(received_file(tmp_path, authority.root.pem, "raiz.pem"))
    services.login("recepcao", STAFF_PASSWORD)
    again = services.signatures.receive(path)

    assert again.again and again.signed.document_id == first.document_id
    assert again.signed.trusted
    assert again.signed.notes[0] == (
        "Cadeia verificada até Raiz de Teste do EmDia. A revogação do certificado não foi "
        "consultada: o EmDia trabalha sem internet."
    )
    assert signed_count(services) == 1
    assert "document.signature_checked" in audit_actions(services)


def test_a_root_the_clinic_does_not_trust_never_verifies_a_chain(
    staff: Services, contract_id: int, tmp_path: Path, authority: Authority
) -> None:
    services = staff
    services.login("gestor", STAFF_PASSWORD)
    stranger = Authority("Outra Raiz")
    services.trust.add(received_file(tmp_path, stranger.root.pem, "outra.pem"))
    maria = authority.person("MARIA APARECIDA ARAUJO", DEBTOR_CPF)
    path = received_file(tmp_path, sign(sent(services, tmp_path, contract_id), maria, authority))

    signed = services.signatures.receive(path).signed

    assert not signed.trusted
    assert signed.notes[0].startswith(
        "Cadeia não verificada: o certificado não se liga a nenhuma raiz cadastrada"
    )


def test_trusted_certificates_are_the_gestors_and_audited(
    staff: Services, tmp_path: Path, authority: Authority
) -> None:
    services = staff
    services.login("recepcao", STAFF_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.trust.list()
    services.login("gestor", STAFF_PASSWORD)
    bundle = received_file(tmp_path, authority.root.pem + authority.issuer.pem, "cadeia.pem")

    added = services.trust.add(bundle)
    again = services.trust.add(received_file(tmp_path, authority.root.der, "raiz.cer"))

    assert [c.is_root for c in added.added] == [True, False]
    assert added.message == "2 certificado(s) adicionado(s)."
    assert again.added == () and [c.id for c in again.already] == [added.added[0].id]
    listed = services.trust.list()
    assert [c.role_label for c in listed] == ["raiz (âncora)", "intermediária"]
    assert listed[0].subject.startswith("CN=Raiz de Teste do EmDia, ")
    removed = services.trust.remove(listed[1].id)
    assert [c.id for c in services.trust.list()] == [listed[0].id]
    assert removed.sha256 == listed[1].sha256
    actions = audit_actions(services)
    assert actions.count("trust.add") == 2 and actions.count("trust.remove") == 1


def test_a_file_that_is_not_a_certificate_adds_nothing(
    staff: Services, tmp_path: Path, authority: Authority
) -> None:
    services = staff
    services.login("gestor", STAFF_PASSWORD)
    with pytest.raises(ValidationError, match="não é um certificado"):
        services.trust.add(received_file(tmp_path, b"-----BEGIN FOO-----\n", "x.pem"))
    with pytest.raises(ValidationError, match="não é um certificado"):
        services.trust.add(received_file(tmp_path, b"\x30\x03\x02\x01\x01", "x.cer"))
    only_link = services.trust.add(received_file(tmp_path, authority.issuer.pem, "ac.pem"))
    assert "Nenhum deles é uma raiz" in only_link.message
    assert len(services.trust.list()) == 1


def test_the_dossie_lists_the_signature_and_carries_the_signed_file(
    services: Services, contract_id: int, tmp_path: Path, authority: Authority
) -> None:
    maria = authority.person("MARIA APARECIDA ARAUJO", DEBTOR_CPF)
    data = sign(sent(services, tmp_path, contract_id), maria, authority)
    signed = services.signatures.receive(received_file(tmp_path, data)).signed

    result = services.dossie.export(signed.patient_id or 0, tmp_path / "dossie")

    text = pdf_text(services.archive.viewable_file(result.summary.id))
    assert "Assinaturas eletrônicas" in text
    assert "MARIA APARECIDA ARAUJO" in text and "111.444.777-35" in text
    assert f"documento {signed.original_document_id}" in text
    assert "Cadeia não verificada" in text
    assert result.copied == 2  # the contract and its signed copy
