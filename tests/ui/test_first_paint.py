"""The start window: painted before the heavy imports, gone when the first real window shows;
the command line never opens it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from ui.first_paint import PAINTED, opens_window, show_start_window

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("argv", "opens"),
    [
        ([], True),
        (["gui"], True),
        (["--db", "clinica.db", "gui"], True),
        (["gui", "--demo"], True),
        (["gui", "--help"], False),
        (["--version"], False),
        (["--db", "clinica.db", "report", "overdue", "--json"], False),
        (["patients", "list"], False),
    ],
)
def test_only_the_window_gets_a_start_window(argv: list[str], opens: bool) -> None:
    assert opens_window(argv) is opens


def test_the_start_window_closes_when_a_real_window_shows(qtbot: QtBot) -> None:
    start = show_start_window()
    assert start.isVisible() and start.painted
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    qtbot.waitUntil(lambda: not start.isVisible())


def test_a_start_from_the_command_paints_before_the_window_is_ready(tmp_path: Path) -> None:
    env = {**os.environ, "EMDIA_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    entry = [sys.executable, str(ROOT / "installer" / "emdia_entry.py"), "--db"]
    db = str(tmp_path / "clinica.db")
    subprocess.run([*entry, db, "demo", "--patients", "5"], env=env, check=True, cwd=ROOT)
    ready_env = {**env, "EMDIA_EXIT_WHEN_READY": "1", "EMDIA_USER": "admin"}
    done = subprocess.run(
        [*entry, db, "gui"],
        env={**ready_env, "EMDIA_PASSWORD": "demo"},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    lines = [line.split() for line in done.stdout.splitlines()]
    (painted, first), (ready, last) = lines
    assert (painted, ready) == (PAINTED, "ready")
    assert float(first) <= float(last)
