"""Conciliação bancária: each matching rule, one test (or a few) each — pure functions, no
database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.bank import (
    ClinicIdentity,
    Payer,
    StatementLine,
    document_matches,
    document_pattern,
    not_a_payment,
    payer_of,
    txid_in,
)
from app.domain.law import ChargePolicy, InstallmentTerms, Settlement, updated_debt
from app.domain.pix import TxidRef
from app.domain.reconciliation import (
    ContractFacts,
    DebtBook,
    Debtor,
    DeskPayment,
    Directory,
    MatchStatus,
    OpenInstallment,
    OpenPromise,
    could_be,
    desk_payment_for,
    installment_words,
    match_credit,
    name_score,
    open_installment,
)

DAY = date(2026, 3, 16)
CLINIC = ClinicIdentity(name="Clinica Sorriso Ltda", cnpj="11222333000181")
MARIA = Debtor(1, "Maria da Silva", "52998224725")
MARIANA = Debtor(2, "Mariana Souza", "11144477735")
JOSE = Debtor(3, "José Carlos Pereira", "39053344705")


def credit(memo: str, cents: int = 15_000, *, name: str = "", fitid: str = "F1") -> StatementLine:
    return StatementLine(fitid, DAY, cents, "CREDIT", memo, name)


def installment(
    contract_id: int,
    number: int,
    cents: int,
    due: date,
    payer: int,
    *,
    paid: tuple[Settlement, ...] = (),
    agreement_id: int | None = None,
) -> OpenInstallment:
    return OpenInstallment(
        contract_id=contract_id,
        patient_id=payer,
        payer_id=payer,
        terms=InstallmentTerms(number, due, due, cents, False, contract_id * 100 + number),
        settlements=paid,
        policy=ChargePolicy(fine_bp=200, interest_monthly_bp=100),
        agreement_id=agreement_id,
    )


def book(*items: OpenInstallment, promises: tuple[OpenPromise, ...] = ()) -> DebtBook:
    facts = {i.contract_id: ContractFacts(i.contract_id, i.patient_id) for i in items}
    return DebtBook(tuple(items), promises, facts)


def match(line: StatementLine, debts: DebtBook, people: tuple[Debtor, ...] = (MARIA,)):  # type: ignore[no-untyped-def]
    payer = payer_of(line)
    found = Directory(people).candidates(payer)
    return match_credit(line, payer, found, debts, CLINIC)


# --- names -------------------------------------------------------------------------------------


def test_the_same_name_in_capitals_and_without_accents_is_a_full_match() -> None:
    assert name_score("JOSE CARLOS PEREIRA", "José Carlos Pereira") == 100


def test_a_name_cut_short_by_the_bank_still_resembles() -> None:
    # Itaú prints "MARIA D": the first name, and the start of "da" — half of the name's words.
    assert name_score("MARIA D", "Maria da Silva") == 50
    assert name_score("MARIA DA SIL", "Maria da Silva") == 100


def test_middle_names_the_payer_leaves_out_do_not_count_against_it() -> None:
    assert name_score("MARIA SILVA", "Maria Eduarda da Silva") == 67


def test_a_different_first_name_or_a_word_not_in_the_name_does_not_resemble() -> None:
    assert name_score("MARIANA SILVA", "Maria da Silva") == 0
    assert name_score("MARIA SOUZA", "Maria da Silva") == 0


def test_a_first_name_alone_is_not_enough() -> None:
    assert name_score("MARIA", "Maria da Silva") == 0


# --- documents and payers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "pattern"),
    [
        ("•••.982.247-••", "???982247??"),
        ("***.982.247-**", "???982247??"),
        ("529.982.247-25", "52998224725"),
        ("11.222.333/0001-81", "11222333000181"),
        ("12/03", ""),
    ],
)
def test_the_document_the_bank_shows_becomes_a_pattern_of_visible_digits(
    shown: str, pattern: str
) -> None:
    assert document_pattern(shown) == pattern


def test_masked_cpf_digits_match_only_the_person_whose_cpf_has_them() -> None:
    assert document_matches("???982247??", "52998224725") is True
    assert document_matches("???982247??", "11144477735") is False
    assert document_matches("", "52998224725") is None
    assert document_matches("???982247??", None) is None


@pytest.mark.parametrize(
    ("memo", "name", "payer", "document"),
    [
        (  # Nubank: name, masked CPF, the payer's bank and account
            "Transferência recebida pelo Pix - MARIA DA SILVA - •••.982.247-•• - ITAÚ UNIBANCO "
            "S.A. (0341) Agência: 1234 Conta: 12345-6",
            "",
            "MARIA DA SILVA",
            "•••.982.247-••",
        ),
        ('Pix recebido: "Cp :00360305-JOSE CARLOS PEREIRA"', "", "JOSE CARLOS PEREIRA", ""),
        ("PIX TRANSF MARIA D16/03", "", "MARIA D", ""),  # Itaú: cut short, the day glued on
        ("TRANSFERENCIA PIX REM: JOSE CARLOS PEREIRA    12/03", "", "JOSE CARLOS PEREIRA", ""),
        (
            "Pix - Recebido - 13/03 09:15 ***.982.247-** MARIA DA SILVA",
            "",
            "MARIA DA SILVA",
            "***.982.247-**",
        ),
        ("CRED PIX", "JOAO DE SOUZA LIMA", "JOAO DE SOUZA LIMA", ""),  # Caixa: the name apart
    ],
)
def test_the_payer_is_read_from_each_banks_memo(
    memo: str, name: str, payer: str, document: str
) -> None:
    found = payer_of(credit(memo, name=name))
    assert (found.name, found.document) == (payer, document)


def test_the_txid_is_found_in_the_memo_in_the_fitid_and_across_a_wrapped_line() -> None:
    assert txid_in(credit("PIX RECEBIDO EMDIAC000123P07")) == TxidRef(123, 7)
    assert txid_in(credit("PIX", fitid="E1234EMDIAC000045P00")) == TxidRef(45, 0)
    assert txid_in(credit("PIX RECEBIDO EMDIAC0001 23P07")) == TxidRef(123, 7)
    assert txid_in(credit("PIX RECEBIDO MARIA")) is None


def test_the_txid_is_not_taken_for_part_of_the_payers_name() -> None:
    assert payer_of(credit("RECEBIMENTO PIX EMDIAC000123P07 JOAO DE SOUZA")).name == (
        "JOAO DE SOUZA"
    )


@pytest.mark.parametrize(
    ("memo", "reason"),
    [
        ("PIX RECEBIDO CLINICA SORRISO 11.222.333/0001-81", "mesmo CNPJ/CPF"),
        ("TED RECEBIDA CLINICA SORRISO LTDA", "mesmo nome"),
        ("TRANSF ENTRE CONTAS MESMA TITULARIDADE", "entre contas"),
        ("RESGATE CDB", "resgate"),
        ("REDE VISA CRED 12/03", "cartão"),
        ("CIELO VENDAS", "cartão"),
    ],
)
def test_the_clinics_own_transfers_and_card_settlements_are_not_payments(
    memo: str, reason: str
) -> None:
    line = credit(memo)
    why = not_a_payment(line, payer_of(line), CLINIC)
    assert why is not None and reason in why


def test_a_patients_pix_is_not_taken_for_the_clinics_own() -> None:
    line = credit("PIX RECEBIDO MARIA DA SILVA")
    assert not_a_payment(line, payer_of(line), CLINIC) is None


# --- who may have paid ------------------------------------------------------------------------


def test_the_directory_finds_payers_by_cpf_digits_or_by_name_and_drops_a_cpf_conflict() -> None:
    people = Directory([MARIA, MARIANA, JOSE])
    assert people.candidates(Payer("", "***.982.247-**", "???982247??")) == [MARIA]
    assert people.candidates(Payer("MARIA DA SILVA")) == [MARIA]
    # The name is Maria's but the digits are someone else's: not Maria.
    assert people.candidates(Payer("MARIA DA SILVA", "***.444.777-**", "???444777??")) == []


# --- rule 1: certain ----------------------------------------------------------------------------


def test_a_txid_of_an_open_contract_is_certain_and_names_the_installment() -> None:
    debts = book(installment(2, 2, 30_000, date(2026, 3, 10), 3))
    result = match(credit("PIX RECEBIDO EMDIAC000002P02", 30_000), debts)
    assert result.status is MatchStatus.CERTAIN
    assert result.best is not None
    assert (result.best.contract_id, result.best.installment_number) == (2, 2)


def test_a_txid_of_a_contract_that_does_not_exist_or_is_cancelled_is_not_ours() -> None:
    assert match(credit("PIX EMDIAC000099P01"), book()).status is MatchStatus.UNMATCHED
    cancelled = DebtBook((), (), {7: ContractFacts(7, 1, cancelled=True)})
    result = match(credit("PIX EMDIAC000007P01"), cancelled)
    assert result.status is MatchStatus.UNMATCHED and "cancelado" in result.reason


def test_a_txid_paying_more_than_the_contract_owes_is_only_a_suggestion() -> None:
    debts = book(installment(2, 8, 30_000, date(2026, 9, 10), 3))
    result = match(credit("PIX EMDIAC000002P08", 50_000), debts)
    assert result.status is MatchStatus.SUGGESTED and "excedente" in result.reason


def test_a_txid_of_a_settled_contract_is_only_a_suggestion() -> None:
    settled = DebtBook((), (), {2: ContractFacts(2, 3)})
    result = match(credit("PIX EMDIAC000002P08", 30_000), settled)
    assert result.status is MatchStatus.SUGGESTED and "quitado" in result.reason
    assert result.best is not None and result.best.installment_number is None


def test_a_txid_naming_an_installment_no_longer_open_is_a_suggestion_for_the_oldest() -> None:
    # Parcela 1 was paid at the desk (the book holds only open ones); the PIX names it.
    debts = book(installment(2, 2, 30_000, date(2026, 4, 10), 3))
    result = match(credit("PIX EMDIAC000002P01", 30_000), debts)
    assert result.status is MatchStatus.SUGGESTED and "parcela 1 já está paga" in result.reason
    assert result.best is not None
    assert (result.best.contract_id, result.best.installment_number) == (2, None)


def test_cpf_digits_name_and_amount_of_exactly_one_debt_are_certain() -> None:
    debts = book(installment(1, 1, 15_000, date(2026, 3, 20), MARIA.person_id))
    result = match(credit("Pix - Recebido ***.982.247-** MARIA DA SILVA"), debts)
    assert result.status is MatchStatus.CERTAIN
    assert result.best is not None and result.best.installment_number == 1


def test_several_installments_of_one_contract_with_the_amount_are_still_one_certain_match() -> None:
    # 150,00 every month: the credit pays the oldest open one (the allocation's order).
    debts = book(
        installment(1, 2, 15_000, date(2026, 4, 20), MARIA.person_id),
        installment(1, 1, 15_000, date(2026, 3, 20), MARIA.person_id),
    )
    result = match(credit("Pix ***.982.247-** MARIA DA SILVA"), debts)
    assert result.status is MatchStatus.CERTAIN
    assert result.best is not None and result.best.installment_number == 1


def test_two_contracts_with_the_amount_are_not_certain_but_both_are_suggested() -> None:
    debts = book(
        installment(1, 1, 15_000, date(2026, 3, 20), MARIA.person_id),
        installment(4, 1, 15_000, date(2026, 3, 25), MARIA.person_id),
    )
    result = match(credit("Pix ***.982.247-** MARIA DA SILVA"), debts)
    assert result.status is MatchStatus.SUGGESTED
    assert [c.contract_id for c in result.candidates] == [1, 4]


def test_name_and_amount_without_cpf_digits_are_a_suggestion_not_certain() -> None:
    debts = book(installment(1, 1, 15_000, date(2026, 3, 20), MARIA.person_id))
    result = match(credit("PIX RECEBIDO MARIA DA SILVA"), debts)
    assert result.status is MatchStatus.SUGGESTED


# --- rule 2: suggested --------------------------------------------------------------------------


def test_the_amount_of_an_overdue_installment_updated_on_the_banks_day_is_suggested() -> None:
    # 300,00 due 10/02/2026, paid 12/03/2026 (30 days): 2 % multa 6,00 + 1 % a.m. 3,00 = 309,00.
    debts = book(installment(2, 1, 30_000, date(2026, 2, 10), JOSE.person_id))
    line = StatementLine("F", date(2026, 3, 12), 30_900, "OTHER", "PIX REM: JOSE CARLOS PEREIRA")
    result = match(line, debts, (JOSE,))
    assert result.status is MatchStatus.SUGGESTED
    assert "atualizado" in result.reason and result.best is not None


def test_the_principal_without_charges_is_suggested_with_that_reason() -> None:
    debts = book(installment(2, 1, 30_000, date(2026, 2, 10), JOSE.person_id))
    result = match(credit("PIX JOSE CARLOS PEREIRA", 30_000), debts, (JOSE,))
    assert result.status is MatchStatus.SUGGESTED and "sem multa e juros" in result.reason


def test_an_acordo_parcela_says_so() -> None:
    debts = book(installment(9, 2, 15_000, date(2026, 3, 20), MARIA.person_id, agreement_id=4))
    result = match(credit("PIX MARIA DA SILVA"), debts)
    assert "parcela 2 do acordo 4" in result.reason


def test_a_promise_amount_is_suggested() -> None:
    promise = OpenPromise(MARIA.person_id, 1, date(2026, 3, 10), date(2026, 3, 15), 8_000)
    debts = book(installment(1, 1, 15_000, date(2026, 3, 1), MARIA.person_id), promises=(promise,))
    result = match(credit("PIX MARIA DA SILVA", 8_000), debts)
    assert result.status is MatchStatus.SUGGESTED and "promessa" in result.reason
    assert result.best is not None and result.best.installment_number is None


def test_cpf_and_name_with_an_amount_of_no_installment_is_a_partial_payment_suggestion() -> None:
    debts = book(installment(1, 1, 15_000, date(2026, 3, 20), MARIA.person_id))
    result = match(credit("Pix ***.982.247-** MARIA DA SILVA", 7_500), debts)
    assert result.status is MatchStatus.SUGGESTED and "parcial" in result.reason


def test_candidates_are_ranked_with_the_fuller_name_first() -> None:
    maria_dias = Debtor(5, "Maria Dias", None)
    debts = book(
        installment(1, 1, 15_000, date(2026, 3, 20), MARIA.person_id),
        installment(5, 1, 15_000, date(2026, 3, 20), maria_dias.person_id),
    )
    result = match(credit("PIX TRANSF MARIA DIAS"), debts, (MARIA, maria_dias))
    assert [c.contract_id for c in result.candidates] == [5]
    result = match(credit("PIX TRANSF MARIA D16/03"), debts, (MARIA, maria_dias))
    assert [c.contract_id for c in result.candidates] == [5, 1]  # "Dias" fully; "da" of two


# --- rule 3: not ours ---------------------------------------------------------------------------


def test_a_debit_is_a_debit() -> None:
    assert match(credit("TARIFA", -4_590), book()).status is MatchStatus.DEBIT


def test_a_card_settlement_is_not_ours_even_with_a_matching_amount() -> None:
    debts = book(installment(1, 1, 15_000, date(2026, 3, 20), MARIA.person_id))
    result = match(credit("CIELO VENDAS MARIA DA SILVA"), debts)
    assert result.status is MatchStatus.UNMATCHED and "cartão" in result.reason


def test_a_credit_nobody_matches_is_not_ours() -> None:
    debts = book(installment(1, 1, 15_000, date(2026, 3, 20), MARIA.person_id))
    assert match(credit("PIX FULANO DE TAL"), debts).status is MatchStatus.UNMATCHED
    assert match(credit("PIX MARIA DA SILVA", 99_00), debts).status is MatchStatus.UNMATCHED
    assert "não mostra quem pagou" in match(credit("CRED PIX"), debts).reason


# --- a payment typed at the desk ---------------------------------------------------------------


def desk(payment_id: int, on: date, cents: int = 15_000) -> DeskPayment:
    return DeskPayment(payment_id, 1, frozenset({MARIA.person_id}), on, cents)


def test_the_desk_payment_of_the_same_payer_and_amount_nearby_is_the_credit() -> None:
    line = credit("PIX MARIA DA SILVA")
    payments = [desk(7, date(2026, 3, 11)), desk(8, date(2026, 3, 14)), desk(9, date(2026, 3, 20))]
    found = desk_payment_for(line, (), {MARIA.person_id}, payments)
    assert found is not None and found.payment_id == 8  # the closest within 3 days


def test_a_desk_payment_of_another_amount_far_away_or_already_linked_is_not() -> None:
    line = credit("PIX MARIA DA SILVA")
    assert desk_payment_for(line, (), {1}, [desk(7, DAY, 14_000)]) is None
    assert desk_payment_for(line, (), {1}, [desk(7, date(2026, 3, 12))]) is None
    assert desk_payment_for(line, (), {1}, [desk(7, DAY)], taken={7}) is None
    assert desk_payment_for(line, (), {2}, [desk(7, DAY)]) is None  # someone else's contract
    assert desk_payment_for(line, {1}, (), [desk(7, DAY)]) is not None  # the txid's contract


@settings(max_examples=300, deadline=None)
@given(
    amount=st.integers(1, 500_000),
    due_offset=st.integers(-400, 60),
    paid=st.integers(0, 100),
    fine=st.integers(0, 200),
    interest=st.integers(0, 100),
    discount=st.integers(0, 1_000),
)
def test_the_quick_bound_never_rules_out_what_the_installment_really_costs(
    amount: int, due_offset: int, paid: int, fine: int, interest: int, discount: int
) -> None:
    due = DAY + timedelta(days=due_offset)
    already = (Settlement(due - timedelta(days=1), amount * paid // 100),) if paid else ()
    item = OpenInstallment(
        1, 1, 1, InstallmentTerms(1, due, due, amount), already,
        ChargePolicy(fine_bp=fine, interest_monthly_bp=interest, punctuality_discount_bp=discount),
    )  # fmt: skip
    debt = updated_debt(item.terms, item.settlements, DAY, item.policy)
    for cost in (debt.total_cents, debt.open_principal_cents):
        if cost > 0:
            assert could_be(cost, item, DAY)


def test_an_installment_is_named_as_people_say_it() -> None:
    assert installment_words(3) == "parcela 3"
    assert installment_words(0) == "entrada"
    assert installment_words(None) == ""


def test_an_installment_is_open_only_while_the_book_holds_it_unpaid() -> None:
    debts = book(installment(2, 2, 30_000, date(2026, 4, 10), 3))
    assert open_installment(debts, 2, 2, DAY)
    assert not open_installment(debts, 2, 1, DAY)  # settled: not in the book
    assert not open_installment(debts, 3, 2, DAY)  # another contract
