"""The installed ``emdia`` console script works as a user runs it (a separate process)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# The child process must not reach the developer's real keyring: "no keyring" as on CI.
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
PASSPHRASE = "pomar laranja ponte cinza"


def emdia() -> list[str]:
    script = shutil.which("emdia", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.fail(
            "console script `emdia` is not installed in this environment (pip install -e .)"
        )
    return [script]


def test_demo_then_self_check_exit_zero(tmp_path: Path) -> None:
    env = {**os.environ, "EMDIA_HOME": str(tmp_path / "home"), **NO_KEYRING}
    db = str(tmp_path / "x.db")
    demo = subprocess.run([*emdia(), "--db", db, "demo"], capture_output=True, text=True, env=env)
    assert demo.returncode == 0, demo.stderr
    check = subprocess.run(
        [*emdia(), "--db", db, "self-check"], capture_output=True, text=True, env=env
    )
    assert check.returncode == 0, check.stderr
    assert "Tudo certo" in check.stdout


def test_refusal_exit_one_no_traceback(tmp_path: Path) -> None:
    # A new clinic is encrypted from its first byte: without a keyring its key needs a
    # frase-senha to be wrapped with.
    env = {
        **os.environ,
        "EMDIA_HOME": str(tmp_path / "home"),
        **NO_KEYRING,
        "EMDIA_NEW_PASSPHRASE": PASSPHRASE,
    }
    result = subprocess.run(
        [*emdia(), "--db", str(tmp_path / "y.db"), "clinic", "set", "cnpj=11.111.111/1111-11"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 1
    assert "CNPJ" in result.stderr and "Traceback" not in result.stderr


def test_protected_clinic_headless_access(tmp_path: Path) -> None:
    """A clinic created by the command line is encrypted from its first byte; then the key
    comes from EMDIA_PASSPHRASE, the user from EMDIA_USER/EMDIA_PASSWORD; without them a
    non-interactive run exits 1 with a pt-BR message and no traceback."""
    db = str(tmp_path / "clinica.db")
    base = {**os.environ, "EMDIA_HOME": str(tmp_path / "home"), **NO_KEYRING}
    setup = {
        **base,
        "EMDIA_NEW_PASSWORD": "senha-do-admin",
        "EMDIA_NEW_PASSPHRASE": PASSPHRASE,
    }

    def run(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*emdia(), "--db", db, *argv],
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
        )

    added = run("user", "add", "--username", "admin", "--role", "admin", env=setup)
    assert added.returncode == 0, added.stderr
    assert "Chave de recuperação" in added.stderr
    assert not Path(db).read_bytes().startswith(b"SQLite format 3")

    no_key = run("patient", "list", env=base)
    assert no_key.returncode == 1
    assert "criptografado" in no_key.stderr and "Traceback" not in no_key.stderr

    with_key = {**base, "EMDIA_PASSPHRASE": PASSPHRASE}
    no_user = run("patient", "list", env=with_key)
    assert no_user.returncode == 1 and "EMDIA_USER" in no_user.stderr

    ok = run(
        "patient",
        "list",
        env={**with_key, "EMDIA_USER": "admin", "EMDIA_PASSWORD": "senha-do-admin"},
    )
    assert ok.returncode == 0, ok.stderr
