"""Document rules kept in the domain: deadlines, references, which documents a contract allows;
amounts in words (num2words, an adapter), long dates."""

from __future__ import annotations

from datetime import date

import pytest

from app.adapters.words import amount_in_words
from app.domain.catalog import ContractStatus, DocumentKind
from app.domain.dates import format_date_long
from app.domain.documents import (
    CONTRACT_KINDS,
    LetterFacts,
    contract_documents,
    generated_text,
    negativacao_earliest,
    notification_deadline,
    postal_address_missing,
    reference,
    why_not,
)
from app.domain.law import ChargePolicy, DebtLine, InstallmentTerms, Settlement, updated_debt


def test_notification_deadline_is_at_most_seven_days() -> None:
    assert notification_deadline(date(2026, 3, 16)) == date(2026, 3, 23)
    assert notification_deadline(date(2026, 3, 16), 1) == date(2026, 3, 17)
    for days in (0, 8):
        with pytest.raises(ValueError):
            notification_deadline(date(2026, 3, 16), days)


def test_negativacao_comes_at_least_ten_days_after_the_notice() -> None:
    # CDC art. 43 §2: at least 10 calendar days' notice; a notice dated 16/03 allows 26/03.
    assert negativacao_earliest(date(2026, 3, 16)) == date(2026, 3, 26)
    assert negativacao_earliest(date(2026, 2, 25)) == date(2026, 3, 7)  # across February


def test_reference_names_kind_number_and_date() -> None:
    assert reference("notificacao", 123, date(2026, 3, 16)) == "NOT-000123-20260316"


TODAY = date(2026, 3, 16)


def line(due: date, paid_on: date | None = None) -> DebtLine:
    """A R$ 100,00 installment due on ``due`` (paid in full on ``paid_on``), as of TODAY."""
    terms = InstallmentTerms(1, due, due, 10_000)
    paid = (Settlement(paid_on, principal_cents=10_000),) if paid_on else ()
    return updated_debt(terms, paid, TODAY, ChargePolicy())


OVERDUE = line(date(2026, 3, 10))  # six days late
NOT_YET_DUE = line(date(2026, 4, 10))
PAID = line(date(2026, 2, 10), paid_on=date(2026, 2, 10))


def test_contract_and_statement_are_always_allowed() -> None:
    for status in ContractStatus:
        for lines in ((), (PAID,), (OVERDUE,)):
            assert why_not(DocumentKind.CONTRATO, 7, status, lines, TODAY) is None
            assert why_not(DocumentKind.EXTRATO, 7, status, lines, TODAY) is None


def test_a_carne_needs_an_open_installment_of_an_active_contract() -> None:
    refused = "Carnê: o contrato 7 não tem parcelas em aberto."
    assert why_not(DocumentKind.CARNE, 7, ContractStatus.ACTIVE, (PAID, NOT_YET_DUE), TODAY) is None
    assert why_not(DocumentKind.CARNE, 7, ContractStatus.ACTIVE, (OVERDUE,), TODAY) is None
    assert why_not(DocumentKind.CARNE, 7, ContractStatus.ACTIVE, (PAID,), TODAY) == refused
    for status in (ContractStatus.CANCELLED, ContractStatus.RENEGOTIATED):
        assert why_not(DocumentKind.CARNE, 7, status, (NOT_YET_DUE,), TODAY) == refused


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        (DocumentKind.NOTIFICACAO, "Notificação extrajudicial"),
        (DocumentKind.AVISO_NEGATIVACAO, "Aviso prévio de negativação"),
    ],
)
def test_charging_letters_need_an_overdue_installment_of_an_active_contract(
    kind: DocumentKind, name: str
) -> None:
    refused = f"{name}: o contrato 7 não tem parcelas em atraso em 16/03/2026."
    assert why_not(kind, 7, ContractStatus.ACTIVE, (PAID, OVERDUE), TODAY) is None
    assert why_not(kind, 7, ContractStatus.ACTIVE, (PAID, NOT_YET_DUE), TODAY) == refused
    assert why_not(kind, 7, ContractStatus.CANCELLED, (OVERDUE,), TODAY) == refused
    assert why_not(kind, 7, ContractStatus.RENEGOTIATED, (OVERDUE,), TODAY) == refused


def test_no_letter_for_a_prescribed_debt() -> None:
    """CC art. 206 §5 I: due 05/03/2021, prescribed on 16/03/2026."""
    old = line(date(2021, 3, 5))
    for kind in (DocumentKind.NOTIFICACAO, DocumentKind.AVISO_NEGATIVACAO):
        refused = why_not(kind, 7, ContractStatus.ACTIVE, (old,), TODAY)
        assert refused is not None and "prescrita desde 05/03/2026" in refused


def test_an_aviso_never_announces_an_inclusion_after_the_debt_prescribes() -> None:
    """Due 20/03/2021: still collectable on 16/03/2026, prescribed before 26/03, the first day
    an aviso of today could allow an inclusion — announcing it would be false (CDC art. 71)."""
    soon = line(date(2021, 3, 20))
    assert why_not(DocumentKind.NOTIFICACAO, 7, ContractStatus.ACTIVE, (soon,), TODAY) is None
    refused = why_not(DocumentKind.AVISO_NEGATIVACAO, 7, ContractStatus.ACTIVE, (soon,), TODAY)
    assert refused == (
        "Aviso prévio de negativação: as parcelas em atraso do contrato 7 prescrevem antes de "
        "26/03/2026, o primeiro dia em que poderiam ser incluídas (CC art. 206 §5 I): não há "
        "inclusão a anunciar."
    )


def test_a_letter_needs_the_debtors_postal_address() -> None:
    letter = LetterFacts("Ana Souza", postal_address_missing("Rua A", "", "Campinas", "SP", ""))
    refused = why_not(
        DocumentKind.NOTIFICACAO, 7, ContractStatus.ACTIVE, (line(date(2026, 2, 2)),), TODAY, letter
    )
    assert refused == (
        "Notificação extrajudicial: falta no cadastro de Ana Souza o endereço (número, CEP) — a "
        "carta vai pelo correio com aviso de recebimento (AR); cadastre o endereço."
    )


def test_contract_documents_answers_for_every_kind_in_the_desk_order() -> None:
    answers = contract_documents(7, ContractStatus.ACTIVE, (PAID, NOT_YET_DUE), TODAY)
    assert (
        tuple(answers)
        == CONTRACT_KINDS
        == (
            DocumentKind.CONTRATO,
            DocumentKind.CARNE,
            DocumentKind.EXTRATO,
            DocumentKind.NOTIFICACAO,
            DocumentKind.AVISO_NEGATIVACAO,
        )
    )
    allowed = {kind for kind, why in answers.items() if why is None}
    assert allowed == {DocumentKind.CONTRATO, DocumentKind.CARNE, DocumentKind.EXTRATO}


@pytest.mark.parametrize(
    ("cents", "words"),
    [
        (0, "zero reais"),
        (1, "um centavo"),
        (50, "cinquenta centavos"),
        (100, "um real"),
        (15_050, "cento e cinquenta reais e cinquenta centavos"),
        (200_000_000, "dois milhões de reais"),
    ],
)
def test_amount_in_words_is_portuguese(cents: int, words: str) -> None:
    assert amount_in_words(cents) == words


def test_a_negative_amount_has_no_words() -> None:
    with pytest.raises(ValueError):
        amount_in_words(-1)


def test_long_date_is_portuguese() -> None:
    assert format_date_long(date(2026, 3, 1)) == "1 de março de 2026"


def test_what_was_generated_agrees_with_the_documents_name() -> None:
    assert generated_text("confissao") == "Confissão de dívida gerada e arquivada"
    assert generated_text("notificacao") == "Notificação extrajudicial gerada e arquivada"
    assert generated_text("aviso-negativacao") == "Aviso prévio de negativação gerado e arquivado"
    assert generated_text("recibo") == "Recibo gerado e arquivado"
