"""The installed ``emdia`` console script works as a user runs it (a separate process)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def emdia() -> list[str]:
    script = shutil.which("emdia", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.fail(
            "console script `emdia` is not installed in this environment (pip install -e .)"
        )
    return [script]


def test_demo_then_self_check_exit_zero(tmp_path: Path) -> None:
    env = {**os.environ, "EMDIA_HOME": str(tmp_path / "home")}
    db = str(tmp_path / "x.db")
    demo = subprocess.run([*emdia(), "--db", db, "demo"], capture_output=True, text=True, env=env)
    assert demo.returncode == 0, demo.stderr
    check = subprocess.run(
        [*emdia(), "--db", db, "self-check"], capture_output=True, text=True, env=env
    )
    assert check.returncode == 0, check.stderr
    assert "Tudo certo" in check.stdout


def test_refusal_exit_one_no_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "EMDIA_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [*emdia(), "--db", str(tmp_path / "y.db"), "clinic", "set", "cnpj=11.111.111/1111-11"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 1
    assert "CNPJ" in result.stderr and "Traceback" not in result.stderr
