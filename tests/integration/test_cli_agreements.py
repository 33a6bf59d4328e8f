"""``emdia agreement`` and ``emdia credit-check``: flags, JSON keys, exit codes, and
``documents confissao --agreement ID``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import cli

TODAY = "2026-03-16"
AGREEMENT_KEYS = {
    "agreement_id", "patient_id", "debtor_id", "status", "needs_approval", "as_of",
    "principal_cents", "fine_cents", "interest_cents", "correction_cents", "debt_cents",
    "discount_cents", "discount_on_charges_cents", "discount_on_principal_cents", "total_cents",
    "down_payment_cents", "installments_count", "first_due_date", "contract_id", "accepted_on",
    "broken_on", "origin", "plan",
}  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """A clinic with one overdue patient, typed through the CLI (set-up mode: no users)."""
    monkeypatch.delenv("EMDIA_USER", raising=False)
    path = tmp_path / "clinica.db"
    base = ("--db", str(path), "--today", TODAY)
    for argv in (
        (
            "clinic",
            "set",
            "name=Clínica Sorriso",
            "cnpj=11.222.333/0001-81",
            "address=Av. Brasil, 100",
            "city=Campinas",
            "state=SP",
        ),
        ("patient", "add", "--name", "Carla Dias", "--cpf", "529.982.247-25"),
        ("contract", "add", "--patient-cpf", "529.982.247-25", "--total", "900,00",
         "--installments", "3", "--first-due", "2025-12-10"),
    ):  # fmt: skip
        assert cli.main([*base, *argv]) == 0
    capsys.readouterr()
    return path


def test_propose_accept_and_print_the_confissao(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    base = ("--db", str(db), "--today", TODAY)
    code, out, err = run(
        capsys, *base, "agreement", "propose", "--patient", "1", "--installments-of", "1",
        "--count", "6", "--first-due", "2026-04-10", "--down", "100,00", "--discount", "20,00",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    proposal = json.loads(out)
    assert set(proposal) == AGREEMENT_KEYS | {"options"}
    assert proposal["status"] == "proposed" and len(proposal["origin"]) == 3
    assert proposal["total_cents"] == proposal["debt_cents"] - 2000
    assert sum(p["amount_cents"] for p in proposal["plan"]) == proposal["total_cents"]
    assert [p["number"] for p in proposal["plan"]] == [0, 1, 2, 3, 4, 5, 6]
    assert {o["key"] for o in proposal["options"]} == {"nova_data", "proposta", "parcelas_menores"}
    agreement = str(proposal["agreement_id"])

    code, out, err = run(capsys, *base, "agreement", "accept", "--agreement", agreement, "--json")
    assert code == 0, err
    accepted = json.loads(out)
    assert accepted["status"] == "accepted" and accepted["contract_id"] == 2

    code, out, err = run(capsys, *base, "agreement", "list", "--patient", "1", "--json")
    assert code == 0 and [a["agreement_id"] for a in json.loads(out)] == [int(agreement)]
    code, out, _ = run(capsys, *base, "agreement", "show", agreement)
    assert code == 0 and "Total do acordo" in out and "Contrato do acordo: 2" in out

    code, out, err = run(
        capsys, *base, "documents", "confissao", "--agreement", agreement,
        "--out", str(tmp_path / "saida"), "--json",
    )  # fmt: skip
    assert code == 0, err
    [document] = json.loads(out)
    assert document["kind"] == "confissao" and document["contract_id"] == 2
    assert Path(document["path"]).name.startswith(f"CDD-{int(agreement):06d}-20260316")


def test_refusals_name_the_flag_and_write_nothing(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    base = ("--db", str(db), "--today", TODAY, "agreement", "propose", "--patient", "1")
    code, _, err = run(capsys, *base, "--count", "x", "--first-due", "2026-01-01")
    assert code == 1 and "[--count]" in err and "[--first-due]" in err
    code, _, err = run(capsys, *base, "--installment", "99", "--count", "2", "--first-due", TODAY)
    assert code == 1 and "[--installment]" in err
    code, out, _ = run(capsys, "--db", str(db), "agreement", "list", "--patient", "1", "--json")
    assert code == 0 and json.loads(out) == []
    with pytest.raises(SystemExit) as usage:
        cli.main(["--db", str(db), "agreement", "accept"])
    assert usage.value.code == 2 and "--agreement" in capsys.readouterr().err


def test_credit_checks(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    base = ("--db", str(db), "--today", TODAY, "credit-check")
    code, out, err = run(
        capsys, *base, "add", "--patient", "1", "--bureau", "serasa", "--date", "2026-03-12",
        "--result", "nada consta", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["bureau"] == "serasa"
    code, _, err = run(
        capsys, *base, "add", "--patient", "1", "--bureau", "receita", "--date", "2026-03-12",
        "--result", "x",
    )  # fmt: skip
    assert code == 1 and "[--bureau]" in err
    code, out, _ = run(capsys, *base, "list", "--patient", "1", "--json")
    [check] = json.loads(out)
    assert set(check) == {
        "credit_check_id", "patient_id", "bureau", "checked_on", "result", "notes", "user",
    }  # fmt: skip
    assert check["checked_on"] == "2026-03-12" and check["result"] == "nada consta"
