"""``emdia import`` / ``emdia export`` (docs/CLI.md): names, JSON keys, exit codes, and every
refused line explained on stderr with nothing written."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app import cli
from tests import hostile_xlsx as hostile
from tests.integration.test_cli import new_clinic, run
from tests.sheets import EXCEL_PATIENT_HEADER, excel_csv, excel_patients

TODAY = ("--today", "2026-03-16")


@pytest.fixture
def db(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    return new_clinic(capsys, tmp_path / "cli.db")


def sheet(tmp_path: Path, rows: list[list[str]], name: str = "pacientes.csv") -> str:
    path = tmp_path / name
    path.write_bytes(excel_csv(EXCEL_PATIENT_HEADER, rows))
    return str(path)


def patients_in(capsys: pytest.CaptureFixture[str], db: str) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "--db", db, "patient", "list", "--json", "--limit", "1000")
    assert code == 0
    result: list[dict[str, object]] = json.loads(out)
    return result


def test_dry_run_reports_in_json_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = sheet(tmp_path, excel_patients(30))
    code, out, err = run(capsys, "--db", db, *TODAY, "import", "patients", path, "--dry-run",
                         "--json")  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    assert set(report) == {
        "kind", "file", "dry_run", "written", "source", "warnings", "columns",
        "ignored_columns", "rows", "created", "skipped", "errors",
    }  # fmt: skip
    assert report["dry_run"] and not report["written"]
    assert report["source"] == {
        "format": "csv",
        "encoding": "windows-1252",
        "delimiter": ";",
        "sheet": "",
    }
    assert report["columns"]["phone"] == "Celular" and report["created"] == {"patients": 30}
    assert patients_in(capsys, db) == []


def test_import_then_again_skips_and_says_so(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = sheet(tmp_path, excel_patients(5))
    code, out, err = run(capsys, "--db", db, *TODAY, "import", "patients", path)
    assert code == 0, err
    assert "Importado: 5 pacientes." in out and "Celular (telefone)" in out
    code, out, _ = run(capsys, "--db", db, *TODAY, "import", "patients", path)
    assert code == 0 and "5 linha(s) ignorada(s), já estavam no EmDia:" in out
    assert "linha 2: " in out and "já cadastrado no EmDia" in out
    assert len(patients_in(capsys, db)) == 5


def test_three_bad_lines_exit_1_each_explained_and_nothing_written(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    rows = excel_patients(2_000, seed=2)
    rows[12][2] = "31/02/2026"  # line 14
    rows[500][0] = "Zé"  # line 502
    rows[1998][4] = "ana@@exemplo"  # line 2000
    path = sheet(tmp_path, rows)
    code, out, err = run(capsys, "--db", db, *TODAY, "import", "patients", path)
    assert code == 1
    assert err.splitlines() == [
        "erro: linha 14, coluna Data de Nascimento: '31/02/2026' não é uma data válida.",
        "erro: linha 502, coluna Nome: informe o nome completo (nome e sobrenome).",
        "erro: linha 2000, coluna E-mail: 'ana@@exemplo' não parece um e-mail válido (ex.: "
        "nome@provedor.com.br).",
        "erro: nada foi gravado — 3 linha(s) de pacientes.csv com problema; corrija a planilha "
        "e importe de novo.",
    ]
    assert "Traceback" not in out + err
    assert patients_in(capsys, db) == []


def test_the_mapping_can_be_fixed_by_hand(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "outro.csv"
    path.write_text("Cliente,Documento,Zap\nAna Lima Reis,529.982.247-25,19 98765-4321\n")
    code, out, err = run(capsys, "--db", db, *TODAY, "import", "patients", str(path),
                         "--map", "cpf=Documento", "--json")  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    assert report["columns"] == {"name": "Cliente", "cpf": "Documento", "phone": "Zap"}
    [ana] = patients_in(capsys, db)
    assert ana["cpf"] == "52998224725" and ana["whatsapp"] is True  # a "Zap" column
    code, _, err = run(capsys, "--db", db, "import", "patients", str(path), "--map", "x=y")
    assert code == 1 and "campo 'x' não existe" in err


def test_unreadable_files_are_refused_with_exit_1(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "--db", db, "import", "patients", str(tmp_path / "nada.csv"))
    assert code == 1 and "não encontrado" in err
    binary = tmp_path / "foto.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" * 20)
    code, _, err = run(capsys, "--db", db, "import", "contracts", str(binary))
    assert code == 1 and "binário" in err
    with pytest.raises(SystemExit) as info:
        cli.main(["--db", db, "import", "pets", "x.csv"])
    assert info.value.code == 2 and "opção inválida" in capsys.readouterr().err


@pytest.mark.parametrize(
    "prolog",
    [hostile.BILLION_LAUGHS, hostile.EXTERNAL_ENTITY],
    ids=["billion-laughs", "external-entity"],
)
def test_an_xlsx_with_entities_is_refused_with_exit_1_not_3(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path, prolog: str
) -> None:
    path = tmp_path / "entidades.xlsx"
    rows = [hostile.row(1, hostile.PATIENT_HEADER), hostile.row(2, ("&xxe;", "1"))]
    path.write_bytes(hostile.xlsx(hostile.sheet(rows, prolog=prolog)))
    code, out, err = run(capsys, "--db", db, "import", "patients", str(path))
    assert code == 1, err
    assert err.startswith("erro: Arquivo 'entidades.xlsx': tem declarações de entidades XML")
    assert "Traceback" not in out + err


def test_an_xlsx_whose_dimension_lies_imports_every_row(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    people = [("Ana Lima Reis", "529.982.247-25"), ("Bia Souza Melo", "")]
    rows = [hostile.row(1, ("nome", "cpf", "cpf do responsável"))]
    rows += [hostile.row(2, people[0]), hostile.row(3, (*people[1], "529.982.247-25"))]
    path = tmp_path / "mentirosa.xlsx"
    path.write_bytes(hostile.xlsx(hostile.sheet(rows, dimension="A1:B2")))
    code, _, err = run(capsys, "--db", db, *TODAY, "import", "patients", str(path))
    assert code == 0, err
    assert sorted(str(p["name"]) for p in patients_in(capsys, db)) == [
        "Ana Lima Reis",
        "Bia Souza Melo",
    ]


def test_templates_are_written_and_import_cleanly(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    for kind in ("patients", "contracts", "payments"):
        target = str(tmp_path / f"modelo_{kind}.csv")
        code, out, _ = run(capsys, "--db", db, *TODAY, "import", kind, target, "--template")
        assert code == 0 and "gravado" in out
        code, out, err = run(capsys, "--db", db, *TODAY, "import", kind, target, "--json")
        assert code == 0, err
        assert json.loads(out)["written"]


def test_exports_to_csv_and_xlsx(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "demo.db")  # the demo clinic's file is plain: read it directly below
    run(capsys, "--db", db, *TODAY, "demo", "--patients", "15", "--seed", "4")
    # The demo has users: exports are a gestor's report (LGPD), so act as one.
    monkeypatch.setenv("EMDIA_USER", "gestor")
    monkeypatch.setenv("EMDIA_PASSWORD", "demo")
    with closing(sqlite3.connect(db)) as conn:
        stored = {
            kind: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for kind, table in (
                ("patients", "patient"),
                ("installments", "installment"),
                ("payments", "payment"),
            )
        }
    assert min(stored.values()) > 0
    for kind in ("patients", "installments", "payments"):
        for suffix in (".csv", ".xlsx"):
            target = tmp_path / f"{kind}{suffix}"
            code, out, err = run(capsys, "--db", db, *TODAY, "export", kind, str(target), "--json")
            assert code == 0, err
            report = json.loads(out)
            # One row per patient, parcela or payment (estornos included) of the demo.
            assert report == {"kind": kind, "file": str(target), "rows": stored[kind]}
            assert target.exists()
    sheet_ = load_workbook(tmp_path / "installments.xlsx").active
    assert sheet_ is not None and sheet_["A1"].value == "contrato"
    code, out, _ = run(capsys, "--db", db, *TODAY, "export", "patients", str(tmp_path / "p.csv"))
    assert code == 0 and "linha(s) de pacientes exportada(s)" in out


def test_export_refusals(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    code, _, err = run(capsys, "--db", db, "export", "patients", str(tmp_path / "x.ods"))
    assert code == 1 and "deve terminar em .csv ou .xlsx" in err
    assert not (tmp_path / "x.ods").exists()
