"""``emdia report caixa|recebimentos|inadimplencia|efetividade|carteira|previsao`` and ``emdia
cash count`` (docs/CLI.md): the documented JSON keys, the totals tied to ``report dashboard`` and
``report aging``, the files of ``--out``, the refusals and their exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app import cli

TODAY = ("--today", "2026-03-16")
PAYMENT_KEYS = {"payment_id", "patient_id", "contract_id", "date", "amount_cents", "method",
                "user", "reversed"}  # fmt: skip
MONTH_KEYS = {"month", "receivable_cents", "overdue_principal_cents", "default_rate_bp",
              "new_overdue_cents", "recovered_cents", "aging"}  # fmt: skip
STEP_KEYS = {"step", "channel", "contacts", "promises", "promises_kept",
             "paid_within_7_days_cents"}  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("report-kinds") / "clinic.db")
    assert cli.main(["--db", db, *TODAY, "demo", "--patients", "60", "--seed", "5"]) == 0
    return db


@pytest.fixture(autouse=True)
def as_gestor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMDIA_USER", "gestor")
    monkeypatch.setenv("EMDIA_PASSWORD", "demo")


def report(capsys: pytest.CaptureFixture[str], clinic: str, *argv: str) -> Any:
    code, out, err = run(capsys, "--db", clinic, *TODAY, "report", *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_each_report_has_the_documented_json_keys(
    capsys: pytest.CaptureFixture[str], clinic: str
) -> None:
    caixa = report(capsys, clinic, "caixa", "--from", "2026-03-01", "--to", "2026-03-16")
    assert caixa.keys() >= {"from", "to", "total_cents", "reversals_cents", "by_method",
                            "by_user", "payments"}  # fmt: skip
    assert set(caixa["by_method"]) == {"pix", "dinheiro", "cartao", "boleto", "cheque",
                                       "transferencia"}  # fmt: skip
    assert caixa["payments"][0].keys() >= PAYMENT_KEYS
    assert (
        sum(caixa["by_method"].values())
        == caixa["total_cents"]
        == sum(p["amount_cents"] for p in caixa["payments"])
    )
    recebimentos = report(capsys, clinic, "recebimentos", "--from", "2026-01-01", "--by", "mes")
    assert recebimentos["periods"][0].keys() >= {"start", "end", "total_cents", "on_time_cents",
                                                 "late_cents", "charges_cents", "waived_cents",
                                                 "by_method"}  # fmt: skip
    assert [p["start"] for p in recebimentos["periods"]] == ["2026-01-01", "2026-02-01",
                                                             "2026-03-01"]  # fmt: skip
    inadimplencia = report(capsys, clinic, "inadimplencia")
    assert len(inadimplencia["months"]) == 12  # the default: the last 12 months
    assert inadimplencia["months"][0].keys() >= MONTH_KEYS
    assert set(inadimplencia["months"][0]["aging"]) == {"1-30", "31-60", "61-90", "90+"}
    efetividade = report(capsys, clinic, "efetividade", "--from", "2025-12-01")
    assert efetividade["steps"][0].keys() >= STEP_KEYS
    assert efetividade["agreements"].keys() == {"made", "kept", "broken"}
    assert efetividade["negativacoes"].keys() == {"included", "removed", "recovered_cents"}
    carteira = report(capsys, clinic, "carteira")
    assert carteira.keys() >= {"segments", "largest", "prescribing_6_months_cents", "suspended"}
    assert carteira["segments"][0].keys() >= {"segment", "patients", "updated_cents"}
    assert carteira["largest"][0].keys() >= {"patient_id", "updated_cents"}
    previsao = report(capsys, clinic, "previsao", "--from", "2026-01-01")
    assert [(m["month"], m["received_cents"] is None) for m in previsao["months"]] == [
        ("2026-01", False),
        ("2026-02", False),
        ("2026-03", False),
        ("2026-04", True),
        ("2026-05", True),
        ("2026-06", True),
    ]


def test_the_totals_tie_out_with_report_dashboard_and_report_aging(
    capsys: pytest.CaptureFixture[str], clinic: str
) -> None:
    dashboard = report(capsys, clinic, "dashboard")
    aging = report(capsys, clinic, "aging")
    [today] = report(capsys, clinic, "inadimplencia", "--from", "2026-03-01")["months"]
    assert today["as_of"] == dashboard["as_of"] == "2026-03-16"
    assert today["receivable_cents"] == dashboard["receivable_cents"]
    assert today["not_due_cents"] == dashboard["not_due_cents"]
    assert today["overdue_principal_cents"] == dashboard["overdue_cents"]
    assert today["default_rate_bp"] == dashboard["default_rate_bp"]
    assert today["aging"] == {b["bucket"]: b["overdue_cents"] for b in aging["buckets"]}
    carteira = report(capsys, clinic, "carteira")
    updated = aging["total"]["updated_cents"]
    assert sum(s["updated_cents"] for s in carteira["segments"]) == updated
    assert carteira["overdue_updated_cents"] == dashboard["overdue_updated_cents"] == updated
    assert sum(s["patients"] for s in carteira["segments"]) == aging["total"]["patients"]
    assert carteira["receivable_cents"] == dashboard["receivable_cents"]
    # The month's late money is Recebimentos' "em atraso" of the same month.
    march = report(capsys, clinic, "recebimentos", "--from", "2026-03-01", "--by", "mes")
    assert march["periods"][0]["late_cents"] == today["recovered_cents"]
    caixa = report(capsys, clinic, "caixa", "--from", "2026-03-01", "--to", "2026-03-16")
    assert caixa["total_cents"] - caixa["reversals_cents"] == march["total"]["total_cents"]


@pytest.mark.parametrize("suffix", [".pdf", ".xlsx", ".csv"])
def test_out_writes_the_file_a_pdf_is_also_archived(
    capsys: pytest.CaptureFixture[str], clinic: str, tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / f"previsao{suffix}"
    code, out, err = run(capsys, "--db", clinic, *TODAY, "report", "previsao", "--out",
                         str(target))  # fmt: skip
    assert code == 0, err
    assert target.stat().st_size > 0
    if suffix == ".pdf":
        assert target.read_bytes().startswith(b"%PDF") and "arquivado:" in out
    else:
        assert "linhas exportadas" in out


def test_text_output_lists_the_figures_and_the_tables(
    capsys: pytest.CaptureFixture[str], clinic: str
) -> None:
    code, out, _err = run(capsys, "--db", clinic, *TODAY, "report", "recebimentos", "--from",
                          "2026-03-01", "--by", "semana")  # fmt: skip
    assert code == 0
    assert out.startswith("Recebimentos — 01/03/2026 a 16/03/2026\n")
    assert "Recebimentos por semana" in out and "02/03–08/03" in out


def test_refusals_name_the_flag_and_exit_1(
    capsys: pytest.CaptureFixture[str], clinic: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(capsys, "--db", clinic, *TODAY, "report", "caixa", "--from", "31/02/2026")
    assert (code, out) == (1, "")
    assert err == "erro: De: '31/02/2026' não é uma data válida. [--from]\n"
    code, _out, err = run(capsys, "--db", clinic, *TODAY, "report", "carteira", "--out", "x.txt")
    assert code == 1 and "[--out]" in err
    monkeypatch.setenv("EMDIA_USER", "recepcao")
    code, _out, err = run(capsys, "--db", clinic, *TODAY, "report", "caixa", "--from",
                          "2026-03-13", "--to", "2026-03-13")  # fmt: skip
    assert code == 1 and "só o fechamento de caixa de hoje (16/03/2026)" in err
    assert run(capsys, "--db", clinic, *TODAY, "report", "caixa")[0] == 0
    code, _out, err = run(capsys, "--db", clinic, *TODAY, "report", "recebimentos")
    assert code == 1 and "não pode ver relatórios" in err


def test_cash_count_records_the_difference_or_says_why_not(
    capsys: pytest.CaptureFixture[str], clinic: str
) -> None:
    caixa = report(capsys, clinic, "caixa")
    expected = sum(p["amount_cents"] for p in caixa["payments"] if p["method"] == "dinheiro")
    expected -= sum(-r["amount_cents"] for r in caixa["reversals"] if r["method"] == "dinheiro")
    code, _out, err = run(capsys, "--db", clinic, *TODAY, "cash", "count", "--counted", "abc")
    assert code == 1 and err.endswith("[--counted]\n")
    counted = expected + 1_000
    code, out, err = run(
        capsys, "--db", clinic, *TODAY, "cash", "count", "--counted",
        f"{counted // 100},{counted % 100:02d}", "--note", "sobrou troco", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out) | {"at": None} == {
        "date": "2026-03-16",
        "expected_cents": expected,
        "counted_cents": counted,
        "difference_cents": 1_000,
        "user": "gestor",
        "at": None,
        "note": "sobrou troco",
    }
    assert report(capsys, clinic, "caixa")["cash_counts"][-1]["difference_cents"] == 1_000
