"""Negativação rules, one test per rule: the readiness checklist (CDC art. 43 §§1-2, CPC art.
784 III) and the removal countdown (Súmula 548 STJ, business days with Brazilian holidays)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from app.adapters.business_days import business_calendar
from app.domain.law import ChargePolicy, InstallmentTerms, Settlement, updated_debt
from app.domain.negativacao import (
    ArchivedFact,
    CheckKey,
    DebtorData,
    NegativacaoFacts,
    NoticeSent,
    OpenNegativacao,
    TitleFacts,
    countdown,
    debt_paid_on,
    expiry_countdown,
    parse_bureau,
    readiness,
    removal_deadline,
)
from app.domain.signatures import SignedDocument

DUE = date(2026, 1, 10)
TODAY = date(2026, 3, 16)
POLICY = ChargePolicy()
BRAZIL = business_calendar("")  # national holidays and bank-closed days only


def line(due: date = DUE, amount: int = 30_000, paid_on: date | None = None, on: date = TODAY):
    terms = InstallmentTerms(1, due, due, amount)
    settlements = (Settlement(paid_on, principal_cents=amount),) if paid_on else ()
    return updated_debt(terms, settlements, on, POLICY)


def facts(**changes: object) -> NegativacaoFacts:
    base = NegativacaoFacts(
        contract_id=7,
        contract_status="active",
        lines=[line()],
        debtor=DebtorData(
            "Ana Souza", "11144477735", "Rua A", "10", "Centro", "Campinas", "SP", "13010000"
        ),
        title=TitleFacts(signed_on=date(2025, 12, 1)),
        notices=[ArchivedFact(2, "aviso-negativacao", date(2026, 2, 20))],
        notices_sent=[NoticeSent(date(2026, 2, 21), "sent")],
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def item(result, key: CheckKey):  # type: ignore[no-untyped-def]
    return next(i for i in result.items if i.key == key)


def test_a_complete_case_is_ready_with_the_updated_amount() -> None:
    result = readiness(facts(), TODAY)
    assert result.ready, [i.why for i in result.failing]
    assert result.amount_cents == line().total_cents > 30_000  # multa + juros included
    assert result.notice_document_id == 2
    assert [i.key for i in result.items] == list(CheckKey)


def test_nothing_overdue_is_not_a_debt_to_register() -> None:
    result = readiness(facts(lines=[line(paid_on=date(2026, 1, 9))]), TODAY)
    assert not item(result, CheckKey.DEBT).ok


def test_a_renegotiated_debt_is_refused() -> None:
    result = readiness(facts(contract_status="renegotiated"), TODAY)
    assert "renegociada" in item(result, CheckKey.DEBT).why


def test_a_running_promise_holds_the_inclusion() -> None:
    result = readiness(facts(promise_until=date(2026, 3, 20)), TODAY)
    assert not result.ready and "20/03/2026" in item(result, CheckKey.DEBT).why


def test_the_titulo_is_a_contract_with_a_recorded_signing_date() -> None:
    """A PDF printed the same day proves nothing: what counts is the day the debtor signed."""
    unsigned = item(readiness(facts(title=TitleFacts(signed_on=None)), TODAY), CheckKey.TITLE)
    assert not unsigned.ok and "data em que o devedor assinou" in unsigned.why
    signed = item(readiness(facts(), TODAY), CheckKey.TITLE)
    assert signed.ok and signed.why == "contrato assinado em 01/12/2025"


def test_the_titulo_of_an_acordo_is_its_accepted_confissao() -> None:
    without = TitleFacts(signed_on=date(2026, 3, 1), agreement_id=4, accepted_on=date(2026, 3, 1))
    refused = item(readiness(facts(title=without), TODAY), CheckKey.TITLE)
    assert not refused.ok and "confissão de dívida do acordo 4" in refused.why
    confessed = replace(without, confession=ArchivedFact(9, "confissao", date(2026, 3, 1)))
    accepted = item(readiness(facts(title=confessed), TODAY), CheckKey.TITLE)
    assert accepted.ok
    assert accepted.why == ("confissão de dívida do acordo 4, aceito em 01/03/2026 (documento 9)")


def e_signed(document_id: int = 12, kind: str = "contrato", **changes: object) -> SignedDocument:
    """A copy of the título the debtor signed on gov.br (chain not verified offline)."""
    base = SignedDocument(
        document_id=document_id,
        original_document_id=1,
        original_kind=kind,
        contract_id=7,
        agreement_id=None,
        patient_id=3,
        file_sha256="ab" * 32,
        signer_name="ANA SOUZA",
        signer_cpf="11144477735",
        signed_at=datetime(2026, 3, 14, 15, 30),
        intact=True,
        valid=True,
        covers_original=True,
        trusted=False,
        matches_debtor=True,
        notes=(),
        verified_at=datetime(2026, 3, 15, 9, 0),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_titulo_the_debtor_signed_electronically_proves_the_debt_without_witnesses() -> None:
    unsigned_paper = TitleFacts(signed_on=None, e_signed=[e_signed()])
    check = item(readiness(facts(title=unsigned_paper), TODAY), CheckKey.TITLE)
    assert check.ok
    assert check.why == (
        "contrato assinado eletronicamente pelo devedor, ANA SOUZA, em 14/03/2026 (documento "
        "12; sem testemunhas, CPC art. 784 §4)"
    )
    confissao = e_signed(13, "confissao", signed_at=None)
    both = TitleFacts(signed_on=None, e_signed=[e_signed(), confissao])
    check = item(readiness(facts(title=both), TODAY), CheckKey.TITLE)
    assert check.why.startswith("confissão de dívida assinada eletronicamente pelo devedor, ")
    assert "documento 13;" in check.why


def test_a_signature_by_someone_else_or_not_intact_is_not_the_debtors() -> None:
    for bad in (
        e_signed(matches_debtor=False),
        e_signed(intact=False),
        e_signed(valid=False),
        e_signed(covers_original=False),
    ):
        unsigned_paper = TitleFacts(signed_on=None, e_signed=[bad])
        assert not item(readiness(facts(title=unsigned_paper), TODAY), CheckKey.TITLE).ok
        on_paper = TitleFacts(signed_on=date(2025, 12, 1), e_signed=[bad])
        check = item(readiness(facts(title=on_paper), TODAY), CheckKey.TITLE)
        assert check.ok and check.why == "contrato assinado em 01/12/2025"


def test_debtor_needs_cpf_and_full_address() -> None:
    incomplete = DebtorData("Ana Souza", None, "Rua A", "", "Centro", "Campinas", "SP", "")
    check = item(readiness(facts(debtor=incomplete), TODAY), CheckKey.DEBTOR)
    assert not check.ok and "CPF" in check.why and "CEP" in check.why and "número" in check.why


def test_without_the_notice_it_is_refused() -> None:
    result = readiness(facts(notices=[], notices_sent=[]), TODAY)
    assert not item(result, CheckKey.NOTICE).ok


def test_a_notice_generated_but_not_logged_as_sent_is_refused() -> None:
    check = item(readiness(facts(notices_sent=[]), TODAY), CheckKey.NOTICE)
    assert not check.ok and "envio não foi registrado" in check.why


def test_the_notice_needs_ten_days_before_the_inclusion() -> None:
    sent = [NoticeSent(date(2026, 3, 10), "sent")]
    notices = [ArchivedFact(2, "aviso-negativacao", date(2026, 3, 10))]
    early = item(readiness(facts(notices=notices, notices_sent=sent), TODAY), CheckKey.NOTICE)
    assert not early.ok and "20/03/2026" in early.why
    assert item(
        readiness(facts(notices=notices, notices_sent=sent), date(2026, 3, 20)), CheckKey.NOTICE
    ).ok


def test_a_returned_letter_or_an_old_notice_does_not_count() -> None:
    returned = [NoticeSent(date(2026, 2, 21), "wrong_contact")]
    assert not item(readiness(facts(notices_sent=returned), TODAY), CheckKey.NOTICE).ok
    before_the_debt = [ArchivedFact(2, "aviso-negativacao", date(2025, 12, 20))]
    sent = [NoticeSent(date(2025, 12, 21), "sent")]
    old = readiness(facts(notices=before_the_debt, notices_sent=sent), TODAY)
    assert not item(old, CheckKey.NOTICE).ok


def test_a_debt_older_than_five_years_is_refused() -> None:
    old_due = date(2021, 3, 1)
    result = readiness(
        facts(
            lines=[line(due=old_due)],
            notices=[ArchivedFact(2, "aviso-negativacao", date(2026, 2, 20))],
        ),
        TODAY,
    )
    check = item(result, CheckKey.AGE)
    assert not check.ok and "5 anos" in check.why
    assert item(readiness(facts(lines=[line(due=date(2021, 3, 17))]), TODAY), CheckKey.AGE).ok


def test_the_checklist_says_the_legal_notice_is_the_bureaus_and_the_ten_days_their_practice() -> (
    None
):
    """Súmula 359 STJ: the notice of CDC art. 43 §2 is the bureau's duty."""
    assert CheckKey.NOTICE == "aviso"
    early = item(readiness(facts(notices_sent=[]), TODAY), CheckKey.NOTICE)
    assert "Súmula 359 STJ" in early.why and "prática dos birôs, não prazo de lei" in early.why
    assert "43 §2" not in item(readiness(facts(), TODAY), CheckKey.NOTICE).label


def two_parcels(on: date = TODAY) -> list:  # type: ignore[type-arg]
    first = updated_debt(InstallmentTerms(1, DUE, DUE, 30_000), (), on, POLICY)
    second = updated_debt(
        InstallmentTerms(2, date(2026, 2, 25), date(2026, 2, 25), 60_000), (), on, POLICY
    )
    return [first, second]


def test_only_the_installments_the_aviso_announced_are_registered() -> None:
    """An aviso listing parcela 1 (R$ 307,50) does not allow registering parcela 2 too."""
    notice = ArchivedFact(2, "aviso-negativacao", date(2026, 2, 20), (1,), 30_750)
    result = readiness(facts(lines=two_parcels(), notices=[notice]), TODAY)
    assert result.ready and result.installments == (1,)
    # Parcela 1 today: 300,00 + multa 6,00 + juros 300,00 × 1 % × 65/30 = 6,50 → 312,50, but
    # the letter stated 307,50: never more than it announced.
    assert result.amount_cents == 30_750
    why = item(result, CheckKey.NOTICE).why
    assert "anunciou as parcelas 1" in why and "as parcelas 2 ficam de fora" in why


def test_an_aviso_that_announced_nothing_still_open_does_not_count() -> None:
    notice = ArchivedFact(2, "aviso-negativacao", date(2026, 2, 20), (3,), 30_750)
    result = readiness(facts(lines=two_parcels(), notices=[notice]), TODAY)
    check = item(result, CheckKey.NOTICE)
    assert not check.ok and "não anunciou as parcelas 1, 2" in check.why


def test_a_prescribed_debt_is_not_a_debt_to_register() -> None:
    """CC art. 206 §5 I: due 05/03/2021, prescribed on 05/03/2026."""
    old = line(due=date(2021, 3, 5))
    result = readiness(facts(lines=[old]), TODAY)
    debt = item(result, CheckKey.DEBT)
    assert not debt.ok and "prescrita desde 05/03/2026" in debt.why
    assert not item(result, CheckKey.AGE).ok


def test_a_negativacao_reaching_five_years_is_to_be_removed_that_day() -> None:
    """CDC art. 43 §1, Súmula 323 STJ: like a paid one, it heads the list as *retirar*."""
    registered = [line(due=date(2021, 3, 17))]
    assert expiry_countdown(registered, TODAY, BRAZIL) is None
    due_now = expiry_countdown(registered, date(2026, 3, 17), BRAZIL)
    assert due_now is not None and due_now.expired and not due_now.overdue
    assert due_now.text == "retirar hoje: completou 5 anos em 17/03/2026 (CDC art. 43 §1)"
    late = expiry_countdown(registered, date(2026, 3, 20), BRAZIL)
    assert late is not None and late.overdue
    assert late.text == (
        "retirada atrasada: completou 5 anos em 17/03/2026 (3 dias úteis de atraso)"
    )


def test_a_debt_already_included_is_not_included_twice() -> None:
    current = OpenNegativacao(3, "serasa", date(2026, 3, 2), "P-1")
    check = item(readiness(facts(open_negativacao=current), TODAY), CheckKey.NOT_INCLUDED)
    assert not check.ok and "Serasa" in check.why and "P-1" in check.why


def test_removal_is_due_five_business_days_after_the_payment() -> None:
    assert removal_deadline(date(2026, 3, 13), BRAZIL) == date(2026, 3, 20)  # Fri → next Fri
    # Good Friday (03/04/2026) is a national holiday: it does not count.
    assert removal_deadline(date(2026, 4, 2), BRAZIL) == date(2026, 4, 10)
    # Tiradentes (21/04) too.
    assert removal_deadline(date(2026, 4, 17), business_calendar("SP")) == date(2026, 4, 27)


def test_a_municipal_holiday_the_clinic_added_does_not_count_either() -> None:
    # Paid on Friday 13/03/2026; the city's holiday on Wednesday 18/03 pushes the fifth business
    # day from Friday 20/03 to Monday 23/03.
    city = BRAZIL.plus({date(2026, 3, 18): "Aniversário da cidade"})
    assert removal_deadline(date(2026, 3, 13), city) == date(2026, 3, 23)


def test_countdown_counts_business_days_left_and_late() -> None:
    paid = date(2026, 3, 13)
    assert countdown(paid, date(2026, 3, 16), BRAZIL).business_days_left == 4
    assert "faltam 4 dias úteis" in countdown(paid, date(2026, 3, 16), BRAZIL).text
    assert "falta 1 dia útil" in countdown(paid, date(2026, 3, 19), BRAZIL).text
    assert "hoje" in countdown(paid, date(2026, 3, 20), BRAZIL).text
    late = countdown(paid, date(2026, 3, 24), BRAZIL)
    assert late.overdue and late.business_days_late == 2 and "20/03" in late.text


def test_the_debt_is_paid_when_every_installment_registered_is_settled() -> None:
    included = date(2026, 3, 2)
    open_line = line()
    assert debt_paid_on([open_line], included) is None
    paid = line(paid_on=date(2026, 3, 13))
    assert debt_paid_on([paid], included) == date(2026, 3, 13)
    # An installment falling due after the inclusion is not part of the debt registered.
    later = line(due=date(2026, 4, 10))
    assert debt_paid_on([paid, later], included) == date(2026, 3, 13)


def test_a_renegotiated_debt_counts_as_paid_when_the_acordo_s_first_parcela_is() -> None:
    included = date(2026, 3, 2)
    terms = InstallmentTerms(1, DUE, DUE, 30_000, renegotiated=True, key=41)
    replaced = updated_debt(terms, (), TODAY, POLICY)
    assert debt_paid_on([replaced], included) is None
    assert debt_paid_on([replaced], included, {41: None}) is None  # acordo not paid yet
    assert debt_paid_on([replaced], included, {41: date(2026, 3, 20)}) == date(2026, 3, 20)
    paid = line(paid_on=date(2026, 3, 13))
    assert debt_paid_on([paid, replaced], included, {41: date(2026, 3, 10)}) == date(2026, 3, 13)


def test_bureau_names_are_understood() -> None:
    assert parse_bureau("Serasa") == "serasa"
    assert parse_bureau("boa vista") == "boa_vista"
    assert parse_bureau("xyz") is None
