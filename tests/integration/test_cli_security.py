"""The command line of a protected clinic: users, roles, keys and backups from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import cli

ADMIN = {"EMDIA_USER": "admin", "EMDIA_PASSWORD": "demo"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    db = str(tmp_path / "demo.db")
    code, out, _ = run(capsys, "--db", db, "demo", "--patients", "5")
    assert code == 0 and "admin, gestor, recepcao" in out and "'demo'" in out
    return db


def as_user(monkeypatch: pytest.MonkeyPatch, user: str, password: str = "demo") -> None:
    monkeypatch.setenv("EMDIA_USER", user)
    monkeypatch.setenv("EMDIA_PASSWORD", password)


def test_a_clinic_with_users_needs_one_to_run_commands(
    capsys: pytest.CaptureFixture[str], demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, "--db", demo_db, "patient", "list")
    assert code == 1 and "EMDIA_USER" in err and "Traceback" not in err
    as_user(monkeypatch, "recepcao", "errada")
    code, _, err = run(capsys, "--db", demo_db, "patient", "list")
    assert code == 1 and "incorretos" in err
    as_user(monkeypatch, "recepcao")
    code, out, _ = run(capsys, "--db", demo_db, "patient", "list", "--json")
    assert code == 0 and len(json.loads(out)) >= 5
    monkeypatch.delenv("EMDIA_USER")
    code, out, _ = run(capsys, "--db", demo_db, "--user", "gestor", "clinic", "show")
    assert code == 0 and "Sorriso" in out


def test_roles_are_enforced_from_the_cli(
    capsys: pytest.CaptureFixture[str], demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user(monkeypatch, "recepcao")
    monkeypatch.setenv("EMDIA_NEW_PASSWORD", "senha-nova-1")
    code, _, err = run(
        capsys, "--db", demo_db, "user", "add", "--username", "bia", "--role", "recepcao"
    )
    assert code == 1 and "não pode cadastrar ou alterar usuários" in err
    code, _, err = run(capsys, "--db", demo_db, "clinic", "set", "fine_percent=1")
    assert code == 1 and "configurações da clínica" in err
    as_user(monkeypatch, "admin")
    code, out, err = run(
        capsys, "--db", demo_db, "user", "add", "--username", "bia", "--role", "recepcao"
    )
    assert code == 0, err
    code, out, _ = run(capsys, "--db", demo_db, "user", "list", "--json")
    assert {u["username"] for u in json.loads(out)} == {"admin", "gestor", "recepcao", "bia"}


def test_setup_mode_creates_the_first_admin_and_checks_the_password(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "nova.db")
    monkeypatch.setenv("EMDIA_NEW_PASSWORD", "curta")
    code, _, err = run(capsys, "--db", db, "user", "add", "--username", "dono", "--role", "admin")
    assert code == 1 and "pelo menos 8" in err and "[EMDIA_NEW_PASSWORD]" in err
    monkeypatch.setenv("EMDIA_NEW_PASSWORD", "uma senha boa")
    code, _, err = run(capsys, "--db", db, "user", "add", "--username", "dono", "--role", "admin")
    assert code == 0, err
    code, _, err = run(capsys, "--db", db, "patient", "list")
    assert code == 1 and "EMDIA_USER" in err  # set-up mode is over


def test_backup_create_verify_restore(
    capsys: pytest.CaptureFixture[str],
    demo_db: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    as_user(monkeypatch, "gestor")
    code, _, err = run(capsys, "--db", demo_db, "backup", "create", str(tmp_path / "bk"))
    assert code == 1 and "backups" in err  # gestor: no
    as_user(monkeypatch, "admin")
    code, out, err = run(
        capsys, "--db", demo_db, "backup", "create", str(tmp_path / "bk"), "--json"
    )
    assert code == 0, err
    backup = json.loads(out)["file"]
    code, out, _ = run(capsys, "--db", demo_db, "backup", "verify", backup, "--json")
    assert code == 0 and json.loads(out)["ok"] and json.loads(out)["counts"]["patient"] >= 5
    run(capsys, "--db", demo_db, "patient", "add", "--name", "Nova Pessoa", "--cpf", "52998224725")
    code, out, err = run(capsys, "--db", demo_db, "backup", "restore", backup)
    assert code == 1 and "--yes" in err and "pacientes:" in out  # preview, then asks to confirm
    code, out, err = run(capsys, "--db", demo_db, "backup", "restore", backup, "--yes")
    assert code == 0, err
    _, out, _ = run(capsys, "--db", demo_db, "patient", "list", "--search", "nova pessoa", "--json")
    assert json.loads(out) == []


def test_audit_and_lgpd_commands(
    capsys: pytest.CaptureFixture[str],
    demo_db: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    as_user(monkeypatch, "gestor")
    run(capsys, "--db", demo_db, "clinic", "set", "fine_percent=1,5")
    code, out, _ = run(capsys, "--db", demo_db, "audit", "--text", "clinic", "--json")
    entries = json.loads(out)
    assert code == 0 and entries[0]["username"] == "gestor"
    assert entries[0]["before"] == {"fine_bp": 200} and entries[0]["after"] == {"fine_bp": 150}
    # Read by a person: the words of the window's Auditoria (app.domain.audit).
    code, out, _ = run(capsys, "--db", demo_db, "audit", "--text", "clinic", "--limit", "1")
    head, change = out.splitlines()
    assert code == 0 and head.split("UTC")[1].split() == [
        "gestor", "Dados", "da", "clínica", "alterados", "Clínica", "1"
    ]  # fmt: skip
    assert change == "    antes: multa: 2 %  depois: multa: 1,5 %"
    out_file = tmp_path / "titular.json"
    code, _, err = run(capsys, "--db", demo_db, "patient", "export", "1", "--out", str(out_file))
    assert code == 0, err
    exported = json.loads(out_file.read_text(encoding="utf-8"))
    assert exported["patient"]["id"] == 1
    code, _, err = run(capsys, "--db", demo_db, "patient", "anonymize", "1")
    assert code == 1 and "--yes" in err
    code, out, err = run(capsys, "--db", demo_db, "patient", "anonymize", "1", "--yes")
    assert code == 0, err
    _, out, _ = run(capsys, "--db", demo_db, "patient", "show", "1", "--json")
    assert json.loads(out)["name"] == "Titular anonimizado nº 1"


def test_encrypt_then_self_check_needs_the_key(
    capsys: pytest.CaptureFixture[str],
    demo_db: str,
    monkeypatch: pytest.MonkeyPatch,
    no_keyring: None,
) -> None:
    as_user(monkeypatch, "admin")
    monkeypatch.setenv("EMDIA_NEW_PASSPHRASE", "frase da clínica demo")
    code, out, err = run(capsys, "--db", demo_db, "security", "encrypt")
    assert code == 0, err
    recovery = out.strip().splitlines()[-1].strip()
    code, _, err = run(capsys, "--db", demo_db, "self-check")
    assert code == 1 and "criptografado" in err
    monkeypatch.setenv("EMDIA_PASSPHRASE", recovery)
    code, out, err = run(capsys, "--db", demo_db, "self-check", "--json")
    assert code == 0, err
    assert json.loads(out)["encrypted"] is True
    code, out, _ = run(capsys, "--db", demo_db, "security", "status")
    assert code == 0 and "criptografado (SQLCipher" in out and "frase-senha" in out
