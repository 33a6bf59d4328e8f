"""Every input has a bound: each attack a careless or dishonest user tried on the command line
is refused in pt-BR (exit 1, or 2 for a malformed flag) with nothing written — never a
traceback, never exit 3, never a value SQLite keeps and PostgreSQL later refuses."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import pytest

from app.domain import limits
from tests.integration.test_cli import new_clinic, run
from tests.sheets import cpf

TODAY = ("--today", "2026-03-16")
ANA, BIA = cpf(111_222_333), cpf(222_333_444)


@pytest.fixture
def db(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    return new_clinic(capsys, tmp_path / "limites.db")


@pytest.fixture
def contract(capsys: pytest.CaptureFixture[str], db: str) -> int:
    """Ana owes 3 × R$ 100,00, the first due today."""
    for name, number in (("Ana Lima Reis", ANA), ("Bia Souza Melo", BIA)):
        code, _, err = run(capsys, "--db", db, *TODAY, "patient", "add", "--name", name,
                           "--cpf", number)  # fmt: skip
        assert code == 0, err
    code, out, err = run(capsys, "--db", db, *TODAY, "contract", "add", "--patient-cpf", ANA,
                         "--total", "300,00", "--installments", "3", "--first-due",
                         "2026-03-16", "--json")  # fmt: skip
    assert code == 0, err
    contract_id: int = json.loads(out)["contract_id"]
    return contract_id


def count(db: str, table: str) -> int:
    from app.persistence.sqlite_files import connect
    from app.security.unlock import resolve_key

    with closing(connect(Path(db), resolve_key(Path(db)))) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_a_10000_character_address_is_refused_before_sqlite_keeps_it(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    long = "Rua " + "A" * 10_000
    code, _, err = run(capsys, "--db", db, "clinic", "set", f"address={long}")
    assert code == 1
    assert err == "erro: Endereço: use no máximo 300 caracteres (tem 10004). [address]\n"
    code, _, err = run(capsys, "--db", db, *TODAY, "patient", "add", "--name", "Ana Lima Reis",
                       "--cpf", ANA, "--street", long)  # fmt: skip
    assert code == 1
    assert err == "erro: Endereço: use no máximo 200 caracteres (tem 10004). [--street]\n"
    assert count(db, "patient") == 0


def test_a_bell_character_in_a_name_is_refused_naming_the_field(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, err = run(capsys, "--db", db, *TODAY, "patient", "add", "--name",
                         "Ana\x07 Lima Reis", "--cpf", ANA)  # fmt: skip
    assert code == 1, out
    assert err == (
        "erro: Nome: tem um caractere de controle invisível (U+0007), que não pode ser gravado "
        "— apague o campo e digite o texto de novo. [--name]\n"
    )


def test_arabic_indic_digits_are_not_money(
    capsys: pytest.CaptureFixture[str], db: str, contract: int
) -> None:
    code, _, err = run(capsys, "--db", db, *TODAY, "payment", "add", "--contract",
                       str(contract), "--amount", "١٠", "--method", "pix")  # fmt: skip
    assert code == 1
    assert "Valor: '١٠' não é um valor válido" in err and "[--amount]" in err
    assert count(db, "payment") == 0


def test_integers_beyond_64_bits_are_refused_not_a_crash(
    capsys: pytest.CaptureFixture[str], db: str, contract: int
) -> None:
    huge = "9" * 30
    with pytest.raises(SystemExit) as usage:
        run(capsys, "--db", db, *TODAY, "payment", "add", "--contract", huge, "--amount", "10,00")
    assert usage.value.code == 2
    assert f"argumento --contract: '{huge}' não é um número inteiro de até 18 algarismos" in (
        capsys.readouterr().err
    )
    code, _, err = run(capsys, "--db", db, *TODAY, "payment", "add", "--contract",
                       str(contract), "--amount", huge)  # fmt: skip
    assert code == 1
    assert f"Valor: '{huge}' é grande demais — o máximo é R$ 10.000.000.000,00." in err
    code, _, err = run(capsys, "--db", db, *TODAY, "contact", "log", "--patient", "1",
                       "--outcome", "prometeu", "--promise-date", "2026-03-20",
                       "--promise-amount", huge)  # fmt: skip
    assert code == 1 and "Valor prometido" in err and "grande demais" in err
    assert count(db, "payment") == count(db, "promise") == 0


def test_an_empty_fine_percent_is_refused_not_zero(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, _, err = run(capsys, "--db", db, "clinic", "set", "fine_percent=")
    assert code == 1
    assert (
        err
        == "erro: Multa (%): informe um percentual, como 2 (0 para não cobrar). [fine_percent]\n"
    )
    _, shown, _ = run(capsys, "--db", db, "clinic", "show", "--json")
    assert json.loads(shown)["fine_bp"] == 200


def test_a_patient_cannot_be_their_own_fiador(
    capsys: pytest.CaptureFixture[str], db: str, contract: int
) -> None:
    code, _, err = run(capsys, "--db", db, *TODAY, "contract", "add", "--patient-cpf", ANA,
                       "--total", "300,00", "--installments", "3", "--first-due", "2026-03-16",
                       "--guarantor-cpf", ANA)  # fmt: skip
    assert code == 1
    assert "CPF do fiador: é o próprio paciente deste contrato" in err
    assert "[--guarantor-cpf]" in err
    assert count(db, "contract") == 1  # only the fixture's


def test_a_promise_above_the_debt_needs_a_confirmation(
    capsys: pytest.CaptureFixture[str], db: str, contract: int
) -> None:
    promise = ("contact", "log", "--patient", "1", "--contract", str(contract), "--outcome",
               "prometeu", "--channel", "whatsapp", "--promise-date", "2026-03-20",
               "--promise-amount", "3.000,00")  # fmt: skip
    code, _, err = run(capsys, "--db", db, *TODAY, *promise)
    assert code == 1
    # 3 × 100,00 open, none late yet on 16/03 (the first is due today): R$ 300,00.
    assert err == (
        "erro: Valor prometido: R$ 3.000,00 é mais do que a dívida de hoje (R$ 300,00). Confira "
        "o valor; se o paciente vai mesmo adiantar parcelas, confirme o valor acima da dívida. "
        "[--promise-amount]\n"
    )
    assert count(db, "contact_log") == count(db, "promise") == 0
    code, _, err = run(capsys, "--db", db, *TODAY, *promise, "--confirm-above-debt")
    assert code == 0, err
    assert count(db, "promise") == 1


def test_a_promise_amount_without_a_promise_is_refused(
    capsys: pytest.CaptureFixture[str], db: str, contract: int
) -> None:
    code, _, err = run(capsys, "--db", db, *TODAY, "contact", "log", "--patient", "1",
                       "--contract", str(contract), "--outcome", "enviado", "--channel",
                       "whatsapp", "--promise-amount", "100,00")  # fmt: skip
    assert code == 1
    assert err == (
        "erro: Promessa: data e valor prometidos só valem com o resultado 'prometeu' — escolha "
        "esse resultado ou deixe a promessa em branco. [--promise-amount]\n"
    )
    assert count(db, "contact_log") == 0


def test_dates_before_1900_are_refused(
    capsys: pytest.CaptureFixture[str], db: str, contract: int
) -> None:
    code, _, err = run(capsys, "--db", db, *TODAY, "payment", "add", "--contract",
                       str(contract), "--amount", "100,00", "--date", "0001-01-01")  # fmt: skip
    assert code == 1
    assert err == (
        "erro: Data do pagamento: '0001-01-01' — confira o ano (use um ano de 1900 a 2199). "
        "[--date]\n"
    )
    code, _, err = run(capsys, "--db", db, *TODAY, "patient", "add", "--name", "Caio Reis Lima",
                       "--cpf", cpf(333_444_555), "--birth-date", "31/12/1899")  # fmt: skip
    assert code == 1 and "confira o ano" in err
    assert count(db, "payment") == 0


def test_a_long_payment_reference_is_refused_not_cut(
    capsys: pytest.CaptureFixture[str], db: str, contract: int
) -> None:
    code, _, err = run(capsys, "--db", db, *TODAY, "payment", "add", "--contract",
                       str(contract), "--amount", "100,00", "--reference", "x" * 121)  # fmt: skip
    assert code == 1
    assert "Referência: use no máximo 120 caracteres (tem 121)." in err
    assert count(db, "payment") == 0


def test_the_bounds_match_the_columns_of_both_engines() -> None:
    from app.persistence import models

    tables = {t.name: t for t in models.Base.metadata.tables.values()}
    for key, length in limits.COLUMNS.items():
        table, column = key.split(".")
        declared = tables[table].columns[column].type.length  # type: ignore[attr-defined]
        assert declared is not None and length <= declared, key


def test_a_clinic_holding_a_control_character_still_exports(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    """A name saved before the check existed (here written straight into the file)."""
    code, _, err = run(capsys, "--db", db, *TODAY, "patient", "add", "--name", "Ana Lima Reis",
                       "--cpf", ANA)  # fmt: skip
    assert code == 0, err
    from app.persistence.sqlite_files import connect
    from app.security.unlock import resolve_key

    with closing(connect(Path(db), resolve_key(Path(db)))) as conn:
        conn.execute("UPDATE patient SET name = ?, notes = ?", ("Ana\x07 Lima Reis", "a\x00b"))
        conn.commit()
    target = tmp_path / "pacientes.xlsx"
    code, _, err = run(capsys, "--db", db, *TODAY, "export", "patients", str(target))
    assert code == 0, err
    from openpyxl import load_workbook

    book = load_workbook(target, read_only=True)
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]  # type: ignore[union-attr]
    book.close()
    assert "Ana\ufffd Lima Reis" in rows[1]


def test_an_imported_name_with_a_control_character_is_refused_with_line_and_column(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "pacientes.csv"
    path.write_text(f"nome;cpf\nAna\x1b Lima Reis;{ANA}\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", db, *TODAY, "import", "patients", str(path))
    assert code == 1
    assert err.splitlines()[0] == (
        "erro: linha 2, coluna nome: tem um caractere de controle invisível (U+001B), que não "
        "pode ser gravado — apague o campo e digite o texto de novo."
    )
    assert count(db, "patient") == 0
