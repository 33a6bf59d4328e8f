"""``emdia documents`` (docs/CLI.md): kinds, batch, archive paths, JSON keys, exit codes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app import cli
from app.bootstrap import bootstrap
from app.clock import FixedClock
from app.config import load_config

TODAY = "2026-03-16"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo clinic for the module (documents only add rows and files)."""
    path = tmp_path_factory.mktemp("cli-docs") / "demo.db"
    assert cli.main(["--db", str(path), "--today", TODAY, "demo", "--patients", "40"]) == 0
    return path


@pytest.fixture(autouse=True)
def at_the_desk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo has users: commands run as the desk (recepção prints documents)."""
    monkeypatch.setenv("EMDIA_USER", "recepcao")
    monkeypatch.setenv("EMDIA_PASSWORD", "demo")


def contract_list(capsys: pytest.CaptureFixture[str], db: Path) -> list[dict[str, object]]:
    code, out, err = run(capsys, "--db", str(db), "contract", "list", "--json", "--limit", "500")
    assert code == 0, err
    result: list[dict[str, object]] = json.loads(out)
    return result


def test_single_documents_are_archived_and_copied(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    contract = contract_list(capsys, demo_db)[0]
    out_dir = tmp_path / "saida"
    for kind in ("contrato", "extrato"):
        code, out, err = run(
            capsys, "--db", str(demo_db), "--today", TODAY, "documents", kind,
            "--contract", str(contract["contract_id"]), "--out", str(out_dir), "--json",
        )  # fmt: skip
        assert code == 0, err
        [item] = json.loads(out)
        assert set(item) == {
            "document_id", "kind", "patient_id", "contract_id", "payment_id", "as_of",
            "generated_at", "sha256", "archived_path", "path",
        }  # fmt: skip
        assert item["kind"] == kind and item["as_of"] == TODAY
        assert Path(item["path"]).read_bytes() == Path(item["archived_path"]).read_bytes()
        assert Path(item["path"]).parent == out_dir


def test_plain_output_prints_the_copy_and_the_archived_file(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    patient_id = contract_list(capsys, demo_db)[0]["patient_id"]
    code, out, err = run(
        capsys, "--db", str(demo_db), "--today", TODAY, "documents", "extrato",
        "--patient", str(patient_id), "--out", str(tmp_path),
    )  # fmt: skip
    assert code == 0, err
    for line in out.strip().splitlines():
        copy, _, archived = line.partition("  (arquivado: ")
        assert Path(copy).is_file() and Path(archived.rstrip(")")).is_file()


def test_batch_notifications_by_days_late(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    code, out, err = run(
        capsys, "--db", str(demo_db), "--today", TODAY, "documents", "batch", "notificacao",
        "--min-days-late", "30", "--out", str(tmp_path), "--json",
    )  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    assert report["kind"] == "notificacao" and report["min_days_late"] == 30
    assert report["generated"] == len(report["documents"]) == report["candidates"] > 0
    # The oracle: every active contract with a parcela 30+ days late today, and what those
    # overdue parcelas cost today (updated_debt), read through the services.
    late = overdue_30_days(demo_db)
    assert sorted(d["contract_id"] for d in report["documents"]) == sorted(late)
    assert report["total_cents"] == sum(late.values())
    assert all(Path(d["path"]).is_file() for d in report["documents"])
    assert len(list(tmp_path.glob("NOT-*.pdf"))) == report["generated"]


def overdue_30_days(db: Path) -> dict[int, int]:
    """Contract id → updated amount of its overdue parcelas, for contracts 30+ days late."""
    services = bootstrap(load_config(str(db)), FixedClock(date.fromisoformat(TODAY)))
    services.login("gestor", "demo")
    try:
        late = {}
        for summary in services.contracts.search("", 0, 10_000):
            view = services.contracts.get(summary.id)
            overdue = [line for line in view.lines if line.is_overdue]
            if summary.status == "active" and any(ln.days_late >= 30 for ln in overdue):
                late[summary.id] = sum(line.total_cents for line in overdue)
        return late
    finally:
        services.close()


def test_refusals_exit_1_with_a_portuguese_message(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    base = ("--db", str(demo_db), "--today", TODAY, "documents")
    out = str(tmp_path / "saida")
    code, _, err = run(capsys, *base, "confissao", "--agreement", "999999", "--out", out)
    assert code == 1 and "Acordo 999999 não encontrado" in err
    code, _, err = run(capsys, *base, "recibo", "--payment", "999999", "--out", out)
    assert code == 1 and "não encontrado" in err
    code, _, err = run(capsys, *base, "recibo", "--contract", "1", "--out", out)
    assert code == 1 and "--payment" in err
    assert "Traceback" not in err
    assert not (tmp_path / "saida").exists()  # nothing written


@pytest.mark.parametrize(
    "argv",
    [
        ("documents", "carne", "--out", "x"),  # no target
        ("documents", "batch", "--out", "x"),  # no kind
        ("documents", "batch", "notificacao", "--out", "x"),  # no --min-days-late
        ("documents", "panfleto", "--contract", "1", "--out", "x"),
        ("documents", "carne", "--contract", "1", "--patient", "2", "--out", "x"),
    ],
)
def test_usage_errors_exit_2(argv: tuple[str, ...], demo_db: Path) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["--db", str(demo_db), *argv])
    assert info.value.code == 2
