"""The judgement of a signed file (``app.domain.signatures``): who the certificate names, which
signature counts, what is refused, and that a chain is never called verified unless it was."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from app.domain.signatures import (
    NO_ROOTS,
    OriginalDocument,
    RevisionBefore,
    SignatureReading,
    SignedPdfReading,
    assess,
    signed_note,
    signer_identity,
    signing_request,
)

MARIA_CPF = "11144477735"
PERSON_DATA = "01011980" + MARIA_CPF + "0" * 26  # birth date, CPF, NIS, RG (ICP-Brasil layout)
WHEN = datetime(2026, 3, 14, 15, 30)


def reading(
    name: str = "MARIA APARECIDA ARAUJO",
    person_data: str = PERSON_DATA,
    *,
    intact: bool = True,
    valid: bool = True,
    trusted: bool = False,
    later: str = "",
    problem: str = NO_ROOTS,
) -> SignatureReading:
    return SignatureReading(
        subject_name=name,
        person_data=person_data,
        issuer="AC Final do Governo Federal do Brasil v1",
        signed_at=WHEN,
        intact=intact,
        valid=valid,
        trusted=trusted,
        trust_problem="" if trusted else problem,
        chain_root="Autoridade Certificadora Raiz do Governo Federal do Brasil v1"
        if trusted
        else "",
        later_changes=later,
    )


ORIGINAL = OriginalDocument(
    document_id=5,
    kind="contrato",
    contract_id=3,
    agreement_id=None,
    patient_id=7,
    debtor_name="Maria Aparecida Araújo",
    debtor_cpf=MARIA_CPF,
)
BEFORE = RevisionBefore(sha256="ab" * 32, changes="")


def pdf(*signatures: SignatureReading) -> SignedPdfReading:
    return SignedPdfReading(sha256="cd" * 32, signatures=signatures, revisions=(BEFORE,))


@pytest.mark.parametrize(
    ("subject", "person_data", "expected"),
    [
        ("MARIA APARECIDA ARAUJO", PERSON_DATA, ("MARIA APARECIDA ARAUJO", MARIA_CPF)),  # gov.br
        ("MARIA APARECIDA ARAUJO:11144477735", "", ("MARIA APARECIDA ARAUJO", MARIA_CPF)),  # e-CPF
        ("MARIA APARECIDA ARAUJO:11144477735", PERSON_DATA, ("MARIA APARECIDA ARAUJO", MARIA_CPF)),
        ("MARIA APARECIDA ARAUJO", "", ("MARIA APARECIDA ARAUJO", None)),
        ("MARIA APARECIDA ARAUJO", "01011980" + "0" * 37, ("MARIA APARECIDA ARAUJO", None)),
        ("EMPRESA: FILIAL 2", "", ("EMPRESA: FILIAL 2", None)),  # a colon is not always a CPF
        # The field the authorities define for the CPF wins over the common name.
        ("MARIA:52998224725", PERSON_DATA, ("MARIA", MARIA_CPF)),
    ],
)
def test_the_certificate_names_the_holder_and_the_cpf(
    subject: str, person_data: str, expected: tuple[str, str | None]
) -> None:
    assert signer_identity(subject, person_data) == expected


def test_a_file_signed_by_the_debtor_is_accepted_and_not_called_trusted() -> None:
    report = assess(pdf(reading()), ORIGINAL, BEFORE)

    assert report.refusal is None
    assert (report.intact, report.valid, report.covers_original) == (True, True, True)
    assert report.matches_debtor and not report.trusted
    assert report.notes == (
        f"Cadeia não verificada: {NO_ROOTS}. A assinatura está íntegra, mas o EmDia não "
        "confirmou quem emitiu o certificado.",
    )


def test_a_trusted_chain_names_its_root_and_says_revocation_was_not_checked() -> None:
    report = assess(pdf(reading(trusted=True)), ORIGINAL, BEFORE)

    assert report.trusted
    assert report.notes[0] == (
        "Cadeia verificada até Autoridade Certificadora Raiz do Governo Federal do Brasil v1. A "
        "revogação do certificado não foi consultada: o EmDia trabalha sem internet."
    )


def test_a_signing_date_before_the_document_existed_is_called_the_devices_clock() -> None:
    generated = replace(ORIGINAL, generated_at=datetime(2026, 3, 16, 10, 0))
    report = assess(pdf(reading()), generated, BEFORE)  # the signer's clock says 14/03

    assert report.refusal is None  # the bytes are intact: only the date is not to be believed
    assert report.notes[-1] == (
        "A data de assinatura que o aplicativo de quem assinou gravou (14/03/2026 15:30) é "
        "anterior à geração do documento (16/03/2026 10:00): o relógio do aparelho estava "
        "errado. Não use essa data como prova de quando foi assinado."
    )
    same_day = replace(ORIGINAL, generated_at=WHEN)
    assert not any("relógio" in n for n in assess(pdf(reading()), same_day, BEFORE).notes)


def test_the_same_name_with_another_cpf_is_not_the_debtor() -> None:
    namesake = reading(person_data="01011980" + "52998224725" + "0" * 26)

    report = assess(pdf(namesake), ORIGINAL, BEFORE)

    assert report.refusal is None and not report.matches_debtor
    assert report.notes[1] == (
        "Assinado por MARIA APARECIDA ARAUJO (CPF 529.982.247-25), que não é quem este "
        "documento cobra: Maria Aparecida Araújo (CPF 111.444.777-35)."
    )


def test_a_debtor_without_cpf_cannot_be_matched() -> None:
    no_cpf = OriginalDocument(5, "contrato", 3, None, 7, "Maria Aparecida Araújo", None)

    report = assess(pdf(reading()), no_cpf, BEFORE)

    assert not report.matches_debtor
    assert "não tem CPF no cadastro" in report.notes[1]


def test_the_debtors_signature_counts_even_when_it_is_not_the_first() -> None:
    witness = reading("ANA PAULA SOUZA", "01011990" + "39053344705" + "0" * 26, trusted=True)

    report = assess(pdf(witness, reading()), ORIGINAL, BEFORE)

    assert report.principal is not None and report.principal.name == "MARIA APARECIDA ARAUJO"
    assert report.matches_debtor and not report.trusted  # the debtor's chain is what counts
    assert "Também assinado por ANA PAULA SOUZA (CPF 390.533.447-05) em 14/03/2026." in (
        report.notes
    )


@pytest.mark.parametrize(
    ("signature", "original", "before", "why"),
    [
        (reading(intact=False), ORIGINAL, BEFORE, "não confere com o conteúdo"),
        (
            reading(valid=False),
            ORIGINAL,
            BEFORE,
            "a assinatura de MARIA APARECIDA ARAUJO não é válida",
        ),
        (reading(later="conteúdo acrescentado"), ORIGINAL, BEFORE, "alterado depois da assinatura"),
        (reading(), None, None, "não é um contrato nem uma confissão de dívida arquivados"),
        (
            reading(),
            ORIGINAL,
            RevisionBefore("ab" * 32, "uma página teve /Contents modificado"),
            "o documento 5 foi alterado antes de ser assinado (uma página teve /Contents",
        ),
    ],
)
def test_what_is_not_intact_valid_or_the_archived_document_is_refused(
    signature: SignatureReading,
    original: OriginalDocument | None,
    before: RevisionBefore | None,
    why: str,
) -> None:
    report = assess(pdf(signature), original, before)

    assert report.refusal is not None and report.refusal.startswith("Documento assinado recusado:")
    assert why in report.refusal


def test_an_unsigned_file_is_refused() -> None:
    report = assess(SignedPdfReading("cd" * 32, (), ()), None, None)

    assert report.refusal is not None and "não tem assinatura digital" in report.refusal


def test_what_the_contract_shows_and_what_the_patient_receives() -> None:
    assert signed_note("MARIA APARECIDA ARAUJO", WHEN) == (
        "assinado eletronicamente por MARIA APARECIDA ARAUJO em 14/03"
    )
    assert signed_note("MARIA", None) == "assinado eletronicamente por MARIA"
    message = signing_request("Maria", "contrato", "Clínica Sorriso")
    assert message.startswith("Olá, Maria! Segue o contrato de Clínica Sorriso")
    assert "assinador.iti.br" in message and "prata ou ouro" in message
