"""Reading real banks' OFX exports (``app.adapters.ofx``): each fixture in tests/fixtures/ofx/ is
shaped like one bank's file, and each leniency the library lacks has its case here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.adapters.ofx import close_leaves, parse_statement, read_statement
from app.domain.bank import StatementError
from tests.bank_data import FIXTURES


def lines_of(name: str) -> list[tuple[str, date, int]]:
    return [(x.fitid, x.posted_on, x.amount_cents) for x in read_statement(FIXTURES / name).lines]


def test_itau_sgml_with_nothing_closed_and_est_zones() -> None:
    statement = read_statement(FIXTURES / "itau.ofx")
    assert statement.account.bank_id == "0341" and statement.account.account_id == "56789-0"
    assert (statement.start, statement.end) == (date(2026, 3, 9), date(2026, 3, 16))
    assert lines_of("itau.ofx") == [
        ("20260310001", date(2026, 3, 10), 30_000),
        ("20260312001", date(2026, 3, 12), -4_590),
        ("20260313001", date(2026, 3, 13), 98_000),
        ("20260316001", date(2026, 3, 16), 15_000),
    ]
    assert statement.lines[1].memo == "TAR PACOTE ITAÚ"  # Windows-1252, as declared


def test_bradesco_declares_1252_but_writes_utf8_with_decimal_commas() -> None:
    statement = read_statement(FIXTURES / "bradesco.ofx")
    assert [x.amount_cents for x in statement.lines] == [30_900, -125_000, 200_000]
    assert statement.lines[1].memo == "PAGTO ELETRON COBRANÇA FORNECEDOR"
    assert statement.account.bank_name == "Banco Bradesco S/A"


def test_banco_do_brasil_mixes_closed_and_open_elements_and_leaves_a_fitid_empty() -> None:
    first = read_statement(FIXTURES / "banco-do-brasil.ofx")
    again = read_statement(FIXTURES / "banco-do-brasil.ofx")
    fitid = first.lines[0].fitid
    assert fitid.startswith("SEMID") and fitid == again.lines[0].fitid  # stable on re-import
    assert first.lines[0].memo.endswith("***.982.247-** MARIA DA SILVA")
    assert first.lines[2].memo == "Rende Fácil - Rendimento"


def test_caixa_with_an_encoding_the_library_does_not_know_and_half_an_account() -> None:
    statement = read_statement(FIXTURES / "caixa.ofx")
    assert (statement.account.bank_id, statement.account.account_id) == ("", "0001300012345")
    assert statement.lines[0].name == "JOAO DE SOUZA LIMA"
    assert statement.lines[1].name == "DEPÓSITO EM DINHEIRO"  # Latin-1 bytes
    assert statement.lines[1].kind == "DEP"


def test_nubank_a_credit_at_2230_in_brasilia_stays_on_its_day() -> None:
    statement = read_statement(FIXTURES / "nubank.ofx")
    assert statement.lines[0].posted_on == date(2026, 3, 5)  # not 06/03 (UTC)
    assert "•••.533.447-••" in statement.lines[0].memo


def test_inter_ofx2_xml_with_an_empty_name_and_a_pix_type() -> None:
    [line] = read_statement(FIXTURES / "inter.ofx").lines
    assert (line.kind, line.name, line.amount_cents) == ("PIX", "", 30_000)
    assert line.posted_on == date(2026, 3, 10)


def test_sicoob_declares_latin1_but_writes_utf8() -> None:
    [line] = read_statement(FIXTURES / "sicoob.ofx").lines
    assert line.memo.startswith("CRÉD.TRANSF.PIX") and line.amount_cents == 7_500


def test_leaves_are_closed_and_aggregates_left_alone() -> None:
    body = "<STMTTRN>\n<TRNAMT>-12,80\n<FITID>1</FITID>\n</STMTTRN>"
    assert close_leaves(body) == "<STMTTRN>\n<TRNAMT>-12,80</TRNAMT>\n<FITID>1</FITID>\n</STMTTRN>"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("truncated.ofx", "está incompleto"),
        ("extrato.csv", "não é um arquivo OFX"),
        ("extrato.pdf", "é um PDF"),
        ("cartao-de-credito.ofx", "fatura de cartão de crédito"),
        ("bad-amount.ofx", "valor ilegível"),
    ],
)
def test_a_file_that_cannot_be_read_says_what_is_wrong_in_portuguese(
    name: str, message: str
) -> None:
    with pytest.raises(StatementError, match=message) as raised:
        read_statement(FIXTURES / name)
    assert raised.value.message.startswith(name + ":")


def test_the_unreadable_line_is_named_by_its_date_and_memo() -> None:
    with pytest.raises(StatementError) as raised:
        read_statement(FIXTURES / "bad-amount.ofx")
    assert "data 05/03/2026" in raised.value.message and "15O,00" in raised.value.message


def test_an_empty_or_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StatementError, match="vazio"):
        parse_statement(b"  \n", "vazio.ofx")
    with pytest.raises(StatementError, match="não foi possível ler"):
        read_statement(tmp_path / "nao-existe.ofx")


def test_amounts_with_more_than_two_decimals_are_refused() -> None:
    text = (FIXTURES / "inter.ofx").read_text(encoding="utf-8").replace("300.00<", "300.005<", 1)
    with pytest.raises(StatementError, match="mais de dois decimais"):
        parse_statement(text.encode(), "inter.ofx")


def test_a_fitid_repeated_within_one_day_keeps_every_line_apart() -> None:
    # Two identical PIX of 150,00 and another of 300,00, all under one FITID (Banco do Brasil).
    assert lines_of("banco-do-brasil-fitid-repetido.ofx") == [
        ("20260316001", date(2026, 3, 16), 15_000),
        ("20260316001#2", date(2026, 3, 16), 15_000),
        ("20260316001#3", date(2026, 3, 16), 30_000),
    ]
