"""The doors a clinic's data can leave or enter by, on the command line: each writes an
encrypted, private file (or refuses in pt-BR) — never a plain copy, an empty file or a
traceback."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
from pathlib import Path

import pytest

from app.bootstrap import bootstrap
from app.config import load_config
from app.domain.patients import PatientForm
from app.persistence.sqlite_files import is_encrypted
from app.security.keys import key_file_path
from tests.integration.test_cli import run
from tests.sheets import cpf

pytestmark = pytest.mark.sqlite_only

ADMIN = {"EMDIA_USER": "admin", "EMDIA_PASSWORD": "senha-do-admin-1"}


def set_up(capsys: pytest.CaptureFixture[str], db: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A clinic created by the command line's set-up mode: its first admin and one patient.
    Returns what the creation printed on stderr (the recovery key)."""
    monkeypatch.setenv("EMDIA_NEW_PASSWORD", ADMIN["EMDIA_PASSWORD"])
    code, _, err = run(capsys, "--db", str(db), "user", "add", "--username", "admin",
                       "--role", "admin")  # fmt: skip
    assert code == 0, err
    for name, value in ADMIN.items():
        monkeypatch.setenv(name, value)
    code, _, more = run(capsys, "--db", str(db), "patient", "add", "--name", "Ana Lima Reis",
                        "--cpf", cpf(111_222_333))  # fmt: skip
    assert code == 0, more
    return err


def old_plain_clinic(tmp_path: Path) -> Path:
    """A clinic from before encryption was the rule: a plain file with one patient."""
    plain = tmp_path / "antigo.db"
    services = bootstrap(load_config(str(plain)))
    services.patients.create(PatientForm(name="Ana Lima Reis", cpf=cpf(111_222_333)))
    services.close()
    return plain


def patient_names(capsys: pytest.CaptureFixture[str], db: Path) -> list[str]:
    code, out, err = run(capsys, "--db", str(db), "patient", "list", "--json")
    assert code == 0, err
    return [p["name"] for p in json.loads(out)]


def test_a_clinic_created_by_the_command_line_is_encrypted_from_its_first_byte(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "clinica.db"
    said = set_up(capsys, db, monkeypatch)
    assert is_encrypted(db) and key_file_path(db).is_file()
    assert "criptografado" in said and "Chave de recuperação" in said
    assert b"Ana Lima" not in db.read_bytes()


def test_without_a_keyring_the_command_line_needs_a_frase_senha_for_a_new_clinic(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, no_keyring: None
) -> None:
    db = tmp_path / "clinica.db"
    code, _, err = run(capsys, "--db", str(db), "clinic", "show")
    assert code == 1 and "crie uma frase-senha" in err and "[EMDIA_NEW_PASSPHRASE]" in err
    assert not db.exists() and not key_file_path(db).exists()  # nothing left behind


def test_the_demo_created_by_the_command_line_stays_plain(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "demo.db"
    assert run(capsys, "--db", str(db), "demo", "--patients", "2")[0] == 0
    assert not is_encrypted(db) and not key_file_path(db).exists()


def test_db_copy_of_an_encrypted_clinic_writes_an_encrypted_file_with_the_same_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "clinica.db"
    set_up(capsys, db, monkeypatch)
    target = tmp_path / "copia.db"
    code, out, err = run(capsys, "--db", str(db), "db", "copy", "--to", str(target), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["encryption"] == "mesma-chave" and report["recovery_code"] is None
    assert is_encrypted(target) and b"Ana Lima" not in target.read_bytes()
    assert key_file_path(target).read_text() == key_file_path(db).read_text()
    assert patient_names(capsys, target) == ["Ana Lima Reis"]


def test_db_copy_of_a_plain_clinic_to_a_file_uses_a_new_key_and_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = old_plain_clinic(tmp_path)
    target = tmp_path / "copia.db"
    code, out, err = run(capsys, "--db", str(plain), "db", "copy", "--to", str(target))
    assert code == 0, err
    assert "criptografado com uma chave NOVA" in out and "Chave de recuperação" in out
    assert is_encrypted(target) and b"Ana Lima" not in target.read_bytes()


def test_a_plain_backup_of_a_clinic_is_restored_encrypted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = bootstrap(load_config(str(old_plain_clinic(tmp_path))))
    backup = services.backups.create(tmp_path / "bk").file.path
    services.close()
    new_db = tmp_path / "novo-pc" / "emdia.db"
    new_db.parent.mkdir()
    fresh = bootstrap(load_config(str(new_db)))  # created by hand: plain, empty, set-up mode
    report = fresh.backups.restore(backup)
    fresh.close()
    assert report.encrypted and len(report.recovery_code) == 69  # 14 groups of 4, 13 dashes
    assert is_encrypted(new_db) and b"Ana Lima" not in new_db.read_bytes()
    assert patient_names(capsys, new_db) == ["Ana Lima Reis"]


def test_db_check_and_use_of_a_missing_file_refuse_and_leave_no_empty_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "clinica.db"
    set_up(capsys, db, monkeypatch)
    missing = tmp_path / "nao-existe.db"
    for command in ("check", "use"):
        code, _, err = run(capsys, "--db", str(db), "db", command, str(missing))
        assert code == 1, err
        assert f"Arquivo do banco: {missing} não existe" in err
        assert not missing.exists()


def test_db_check_of_an_existing_sqlite_file_works(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "clinica.db"
    set_up(capsys, db, monkeypatch)
    other = tmp_path / "copia.db"
    assert run(capsys, "--db", str(db), "db", "copy", "--to", str(other))[0] == 0
    code, out, err = run(capsys, "--db", str(db), "db", "check", str(other), "--json")
    assert code == 0, err
    checked = json.loads(out)
    assert checked["server_version"].startswith("SQLite ") and checked["patients"] == 1


def test_a_postgresql_url_is_read_with_psycopg_and_without_it_refused_in_pt_br(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.config import url_for

    assert url_for("postgresql://u@servidor/emdia") == "postgresql+psycopg://u@servidor/emdia"
    monkeypatch.setitem(sys.modules, "psycopg", None)  # an installation without the driver
    code, out, err = run(capsys, "--db", "postgresql://u@127.0.0.1:1/emdia", "clinic", "show")
    assert code == 1, out
    assert err.startswith("erro: Endereço do banco: 'postgresql+psycopg://…' precisa de um driver")
    assert "Traceback" not in err


def test_backup_create_without_a_folder_creates_the_default_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "clinica.db"
    set_up(capsys, db, monkeypatch)
    default = Path(os.environ["EMDIA_HOME"]) / "backups"
    if default.exists():
        for child in default.iterdir():
            child.unlink()
        default.rmdir()
    code, out, err = run(capsys, "--db", str(db), "backup", "create", "--json")
    assert code == 0, err
    assert Path(json.loads(out)["file"]).parent == default


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX; Windows uses the profile ACL")
def test_every_file_emdia_writes_in_the_data_folder_is_the_users_alone(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = Path(os.environ["EMDIA_HOME"])
    os.umask(0o022)  # as a desktop session usually starts
    db = home / "emdia.db"
    home.mkdir(parents=True, exist_ok=True)
    home.chmod(0o755)
    set_up(capsys, db, monkeypatch)
    for args in (
        ("clinic", "set", "name=Clínica Sorriso Ltda", "cnpj=11.222.333/0001-81",
         "address=Av. Brasil, 1500", "city=Campinas", "state=SP"),
        (
            "contract",
            "add",
            "--patient-cpf",
            cpf(111_222_333),
            "--total",
            "300,00",
            "--installments",
            "3",
            "--first-due",
            "2026-04-10",
        ),
        ("documents", "contrato", "--contract", "1", "--out", str(home / "saida")),
        ("backup", "create"),
        ("export", "patients", str(home / "pacientes.xlsx")),
        ("clinic", "show", "--bogus"),  # a usage error: nothing else
    ):  # fmt: skip
        with contextlib.suppress(SystemExit):
            run(capsys, "--db", str(db), *args)
    from app.services.clinic import ClinicService

    def boom(self: object) -> None:
        raise RuntimeError("erro para o log")

    monkeypatch.setattr(ClinicService, "get", boom)
    assert run(capsys, "--db", str(db), "clinic", "show")[0] == 3  # writes emdia.log
    found = {p.relative_to(home).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [home]}
    found |= {
        p.relative_to(home).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in home.rglob("*")
    }
    kinds = {name.split("/")[0] for name in found}
    assert {"emdia.db", "backups", "documentos", "logs", "pacientes.xlsx", "saida"} <= kinds
    wrong = {
        name: oct(mode)
        for name, mode in found.items()
        if mode != (0o700 if (home / name).is_dir() else 0o600)
    }
    assert wrong == {}
