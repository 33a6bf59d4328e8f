"""``emdia report overdue|aging|dashboard`` and ``emdia export overdue`` (docs/CLI.md)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app import cli

TODAY = ("--today", "2026-03-16")
DESIGN_KEYS = {
    "patient_id",
    "patient_name",
    "contract_id",
    "oldest_due_date",
    "days_late",
    "overdue_cents",
    "updated_cents",
    "segment",
    "score",
    "flags",
    "reasons",
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def as_gestor(monkeypatch: pytest.MonkeyPatch) -> None:
    # The demo has users; reports are the gestor's (EMDIA_USER / EMDIA_PASSWORD).
    monkeypatch.setenv("EMDIA_USER", "gestor")
    monkeypatch.setenv("EMDIA_PASSWORD", "demo")


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("reports") / "clinic.db")
    assert cli.main(["--db", db, *TODAY, "demo", "--patients", "60", "--seed", "5"]) == 0
    return db


def test_report_overdue_json_has_the_design_keys(
    capsys: pytest.CaptureFixture[str], clinic: str
) -> None:
    code, out, err = run(capsys, "--db", clinic, *TODAY, "report", "overdue", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows and all(row.keys() >= DESIGN_KEYS for row in rows)
    first = rows[0]
    assert isinstance(first["updated_cents"], int) and first["oldest_due_date"].count("-") == 2
    assert (
        first["rank"] == 1 and first["score"] == sum(p["points"] for p in first["score_breakdown"])
    ) or first["score"] == 100
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))


def test_aging_and_dashboard_add_up_to_the_overdue_report(
    capsys: pytest.CaptureFixture[str], clinic: str
) -> None:
    rows = json.loads(run(capsys, "--db", clinic, *TODAY, "report", "overdue", "--json")[1])
    aging = json.loads(run(capsys, "--db", clinic, *TODAY, "report", "aging", "--json")[1])
    dashboard = json.loads(run(capsys, "--db", clinic, *TODAY, "report", "dashboard", "--json")[1])
    updated = sum(r["updated_cents"] for r in rows)
    assert aging["total"]["updated_cents"] == updated == dashboard["overdue_updated_cents"]
    assert sum(b["patients"] for b in aging["buckets"]) == len(rows)
    assert aging["buckets"] == dashboard["aging"]
    assert dashboard["receivable_cents"] == dashboard["not_due_cents"] + dashboard["overdue_cents"]
    assert dashboard["as_of"] == "2026-03-16"
    for bucket in aging["buckets"]:
        _code, out, _ = run(
            capsys, "--db", clinic, *TODAY, "report", "overdue", "--json",
            "--bucket", bucket["bucket"],
        )  # fmt: skip
        assert sum(r["updated_cents"] for r in json.loads(out)) == bucket["updated_cents"]


def test_text_reports_are_readable(capsys: pytest.CaptureFixture[str], clinic: str) -> None:
    code, out, _ = run(capsys, "--db", clinic, *TODAY, "report", "overdue", "--sort", "paciente")
    assert code == 0 and "Inadimplentes em 16/03/2026 — ordem: paciente" in out
    assert "R$" in out and "pacientes" in out.splitlines()[-1]
    code, out, _ = run(capsys, "--db", clinic, *TODAY, "report", "dashboard")
    assert code == 0 and "Taxa de inadimplência" in out and "Próximos 90 dias" in out
    code, out, _ = run(capsys, "--db", clinic, *TODAY, "report", "aging")
    assert code == 0 and "mais de 90 dias" in out


def test_export_overdue_writes_what_the_report_lists(
    capsys: pytest.CaptureFixture[str], clinic: str, tmp_path: Path
) -> None:
    target = tmp_path / "inadimplentes.csv"
    args = ("--segment", "alto_risco", "--sort", "atraso")
    code, out, err = run(capsys, "--db", clinic, *TODAY, "export", "overdue", str(target), *args)
    assert code == 0, err
    listed = json.loads(
        run(capsys, "--db", clinic, *TODAY, "report", "overdue", "--json", *args)[1]
    )
    with target.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle, delimiter=";"))
    assert [r[1] for r in table[1:]] == [r["patient_name"] for r in listed]
    assert f"{len(listed)} pacientes exportados" in out
    code, _, _ = run(capsys, "--db", clinic, *TODAY, "export", "overdue", str(tmp_path / "x.xlsx"))
    everyone = json.loads(run(capsys, "--db", clinic, *TODAY, "report", "overdue", "--json")[1])
    sheet = load_workbook(tmp_path / "x.xlsx").active
    assert code == 0 and sheet is not None
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [r["patient_name"] for r in everyone]  # the same list, as a spreadsheet


def test_bad_input_is_refused_in_portuguese(
    capsys: pytest.CaptureFixture[str], clinic: str, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "--db", clinic, "report", "overdue", "--min-amount", "12.5")
    assert code == 1 and "valor mínimo" in err.lower() and "[--min-amount]" in err
    code, _, err = run(capsys, "--db", clinic, "export", "overdue", str(tmp_path / "lista.txt"))
    assert code == 1 and ".csv ou .xlsx" in err and "[ARQUIVO]" in err
    assert not (tmp_path / "lista.txt").exists()
    with pytest.raises(SystemExit) as usage:
        cli.main(["--db", clinic, "report", "overdue", "--bucket", "15-20"])
    err = capsys.readouterr().err
    assert usage.value.code == 2 and "opção inválida" in err
    assert "Traceback" not in err
