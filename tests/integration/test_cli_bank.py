"""``emdia bank import|pending|match|ignore``: exit codes, pt-BR refusals and the JSON keys."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

import pytest

from app import cli
from app.bootstrap import bootstrap
from app.clock import FixedClock
from app.config import load_config
from tests.bank_data import FIXTURES, seed_clinic

LINE_KEYS = {
    "fitid", "date", "amount_cents", "memo", "payer_name", "payer_document", "status",
    "contract_id", "installment_number", "patient_id", "payment_id", "reason", "candidates",
}  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["--db", db, "--today", "2026-03-16", "bank", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, template_db: Path) -> str:
    path = tmp_path / "bank.db"
    path.write_bytes(template_db.read_bytes())
    services = bootstrap(load_config(str(path)), FixedClock(date(2026, 3, 16), time(10)))
    seed_clinic(services)
    services.close()
    return str(path)


def test_import_json_then_pending_match_and_ignore(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, db, "import", str(FIXTURES / "itau.ofx"), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert set(result) == {"file", "account", "period", "dry_run", "transactions"}
    assert result["file"] == "itau.ofx" and result["period"] == {
        "start": "2026-03-09",
        "end": "2026-03-16",
    }
    assert result["account"]["bank_id"] == "0341" and result["account"]["id"] == 1
    assert all(set(t) == LINE_KEYS for t in result["transactions"])
    assert [t["status"] for t in result["transactions"]] == [
        "certain", "debit", "unmatched", "suggested",
    ]  # fmt: skip
    certain = result["transactions"][0]
    assert (certain["contract_id"], certain["installment_number"], certain["date"]) == (
        2, 2, "2026-03-10",
    )  # fmt: skip
    assert set(certain["candidates"][0]) == {
        "contract_id", "installment_number", "patient_id", "score", "reason",
    }  # fmt: skip

    code, out, _ = run(capsys, db, "pending", "--json")
    assert code == 0 and [t["fitid"] for t in json.loads(out)] == [
        "20260310001", "20260313001", "20260316001",
    ]  # fmt: skip

    code, out, err = run(capsys, db, "match", "--fitid", "20260316001", "--contract", "1",
                         "--installment", "1", "--json")  # fmt: skip
    assert code == 0, err
    matched = json.loads(out)
    assert matched["status"] == "registered" and matched["payment_id"] == 1

    code, out, err = run(capsys, db, "ignore", "--fitid", "20260313001", "--reason", "maquininha")
    assert code == 0 and "ignorado" in out

    code, out, _ = run(capsys, db, "pending")
    assert code == 0 and "20260310001" in out and "20260313001" not in out


def test_import_again_says_what_it_skipped_and_register_certain(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, db, "import", str(FIXTURES / "nubank.ofx"), "--register-certain")
    assert code == 0, err
    assert "Registrado" in out and "Resumo: 1 registrado, 1 débito." in out
    code, out, _ = run(capsys, db, "import", str(FIXTURES / "nubank.ofx"))
    assert code == 0 and "Resumo: 1 já importado, 1 débito." in out
    assert "registrado como o pagamento 1" in out


def test_a_dry_run_writes_nothing(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, db, "import", str(FIXTURES / "nubank.ofx"), "--dry-run")
    assert code == 0 and "Nada foi gravado (--dry-run)." in out
    code, out, _ = run(capsys, db, "pending", "--json")
    assert code == 0 and json.loads(out) == []


def test_an_unreadable_file_is_refused_in_portuguese_with_exit_1(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, db, "import", str(FIXTURES / "truncated.ofx"))
    assert code == 1 and out == ""
    assert err.startswith("erro: truncated.ofx: o arquivo está incompleto")
    assert "Traceback" not in err


def test_an_unknown_fitid_names_the_flag(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, db, "match", "--fitid", "NAO-EXISTE", "--contract", "1")
    assert code == 1 and "[--fitid]" in err and "NAO-EXISTE" in err


def test_usage_errors_exit_2(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as usage:
        run(capsys, db, "match", "--fitid", "X")
    err = capsys.readouterr().err
    assert usage.value.code == 2 and "faltam argumentos obrigatórios: --contract" in err


def test_the_caixa_json_lists_the_payments_reconciled_in_the_period(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, db, "import", str(FIXTURES / "itau.ofx"), "--register-certain")
    code = cli.main(["--db", db, "--today", "2026-03-16", "report", "caixa", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    closing = json.loads(out)
    assert closing["reconciled_cents"] == 30_000 and closing["payments"] == []
    [line] = closing["reconciled"]
    assert set(line) == {
        "payment_id", "reconciled_on", "bank_date", "amount_cents", "contract_id",
        "patient_name", "linked_existing",
    }  # fmt: skip
    assert (line["reconciled_on"], line["bank_date"], line["linked_existing"]) == (
        "2026-03-16", "2026-03-10", False,
    )  # fmt: skip
