"""The CLI contract (docs/CLI.md): names, keys, exit codes, pt-BR messages, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import cli


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def new_clinic(capsys: pytest.CaptureFixture[str], path: Path) -> str:
    """A clinic's database created by the command line: encrypted, its recovery key said once
    on stderr (so the commands under test start from an existing clinic)."""
    code, _, err = run(capsys, "--db", str(path), "clinic", "show")
    assert code == 0 and "Chave de recuperação" in err, err
    return str(path)


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.db")


def test_demo_then_self_check_is_healthy(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = run(capsys, "--db", db, "demo", "--patients", "25", "--seed", "3")
    assert code == 0 and "25 pacientes" in out
    code, out, err = run(capsys, "--db", db, "self-check", "--json")
    report = json.loads(out)
    assert code == 0, err
    assert report["healthy"] and report["schema_at_head"] and report["integrity"] == "ok"
    assert report["patients"] >= 25


def test_demo_refuses_a_non_empty_database(capsys: pytest.CaptureFixture[str], db: str) -> None:
    run(capsys, "--db", db, "demo", "--patients", "3")
    code, _, err = run(capsys, "--db", db, "demo", "--patients", "3")
    assert code == 1 and "banco vazio" in err


def test_self_check_on_a_missing_database_fails_without_creating_it(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, _, err = run(capsys, "--db", db, "self-check")
    assert code == 1 and "ainda não existe" in err
    assert not Path(db).exists()


def test_invalid_cnpj_is_refused_with_exit_1(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = run(capsys, "--db", db, "clinic", "set", "cnpj=11.111.111/1111-11")
    assert code == 1
    assert "CNPJ" in err and "não é um CNPJ válido" in err and "[cnpj]" in err
    assert "Traceback" not in err + out
    _, shown, _ = run(capsys, "--db", db, "clinic", "show", "--json")
    assert json.loads(shown)["cnpj"] is None


def test_clinic_set_and_show_json_use_the_cli_keys(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, _, err = run(
        capsys,
        "--db",
        db,
        "clinic",
        "set",
        "name=Clínica Boa Saúde Ltda",
        "cnpj=11.222.333/0001-81",
        "city=Campinas",
        "state=SP",
        "fine_percent=1,5",
        "interest_monthly_percent=1",
    )
    assert code == 0, err
    _, out, _ = run(capsys, "--db", db, "clinic", "show", "--json")
    shown = json.loads(out)
    assert shown["name"] == "Clínica Boa Saúde Ltda"
    assert shown["cnpj"] == "11222333000181"
    assert shown["fine_percent"] == "1,5" and shown["fine_bp"] == 150
    assert set(shown) >= {
        "name",
        "cnpj",
        "cpf",
        "address",
        "city",
        "state",
        "phone",
        "email",
        "pix_key",
        "fine_percent",
        "interest_monthly_percent",
    }


def test_fine_above_the_cdc_cap_is_refused(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, _, err = run(capsys, "--db", db, "clinic", "set", "fine_percent=2,5")
    assert code == 1 and "art. 52" in err


def test_patient_add_and_list(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = run(
        capsys,
        "--db",
        db,
        "patient",
        "add",
        "--name",
        "Maria da Silva",
        "--cpf",
        "529.982.247-25",
        "--phone",
        "(19) 98765-4321",
        "--whatsapp",
        "--json",
    )
    assert code == 0, err
    patient_id = json.loads(out)["patient_id"]
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "patient",
        "add",
        "--name",
        "Pedro da Silva",
        "--responsible-cpf",
        "529.982.247-25",
    )
    assert code == 0 and "Pedro da Silva" in out
    _, out, _ = run(capsys, "--db", db, "patient", "list", "--search", "silva", "--json")
    listed = json.loads(out)
    assert [p["name"] for p in listed] == ["Maria da Silva", "Pedro da Silva"]
    assert listed[1]["responsible_name"] == "Maria da Silva"
    _, out, _ = run(capsys, "--db", db, "patient", "show", str(patient_id), "--json")
    assert json.loads(out)["phone_whatsapp"] is True


def test_patient_with_bad_cpf_names_the_flag(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, _, err = run(
        capsys, "--db", db, "patient", "add", "--name", "Maria da Silva", "--cpf", "123"
    )
    assert code == 1
    assert "CPF" in err and "[--cpf]" in err
    _, out, _ = run(capsys, "--db", db, "patient", "list", "--json")
    assert json.loads(out) == []


def test_usage_errors_exit_2_in_portuguese(capsys: pytest.CaptureFixture[str], db: str) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["--db", db, "patient", "add"])
    assert info.value.code == 2
    assert "faltam argumentos obrigatórios" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        cli.main(["--today", "16/03/2026", "self-check"])
    assert info.value.code == 2
    assert "AAAA-MM-DD" in capsys.readouterr().err


def test_today_flag_reaches_the_rules_never_the_records(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    add = ("patient", "add", "--name", "Ana Lima", "--cpf", "52998224725")
    code, _, err = run(capsys, "--db", db, "--today", "2025-01-02", *add)
    assert code == 1 and "--today 02/01/2025" in err and "`emdia patient add`" in err
    assert run(capsys, "--db", db, *add)[0] == 0
    _, out, _ = run(capsys, "--db", db, "patient", "list", "--json")
    assert json.loads(out)[0]["data_confirmed_on"] == "2026-03-16"  # the computer's day
    run(capsys, "--db", db, "clinic", "set", "name=Clínica Teste Ltda", "state=SP")
    contract = ("contract", "add", "--patient-cpf", "52998224725", "--total", "300,00",
                "--installments", "3", "--first-due", "2026-04-10")  # fmt: skip
    assert run(capsys, "--db", db, *contract)[0] == 0
    code, out, err = run(capsys, "--db", db, "--today", "2026-06-01", "debt", "--contract", "1",
                         "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["as_of"] == "2026-06-01"


def test_unexpected_error_is_logged_not_shown(
    capsys: pytest.CaptureFixture[str], db: str, monkeypatch: pytest.MonkeyPatch, emdia_home: Path
) -> None:
    from app.services.clinic import ClinicService

    def boom(self: object) -> None:
        raise RuntimeError("internal detail 42")

    monkeypatch.setattr(ClinicService, "get", boom)
    code, _out, err = run(capsys, "--db", db, "clinic", "show")
    assert code == 3
    assert "Traceback" not in err and "internal detail" not in err
    assert "suporte" in err
    log_text = (emdia_home / "logs" / "emdia.log").read_text(encoding="utf-8")
    assert "Traceback" in log_text and "internal detail 42" in log_text


def test_db_url_from_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "from-env.db"
    monkeypatch.setenv("EMDIA_DB_URL", "sqlite:///" + target.as_posix())
    code, _, _ = run(capsys, "demo", "--patients", "2")
    assert code == 0 and target.exists()
