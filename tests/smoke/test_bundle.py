"""The frozen one-folder build (installer/emdia.spec) runs on its own: every data file (Alembic
migrations, stylesheet, locale data, package metadata) and every hidden import is inside it.

Slow (the build takes minutes), so it runs only as its own CI step: ``make bundle-smoke`` builds
``dist/emdia`` and sets ``EMDIA_BUNDLE_DIR``. The normal suite skips it.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.bundle


@pytest.fixture(scope="module")
def frozen() -> Path:
    folder = os.environ.get("EMDIA_BUNDLE_DIR")
    if not folder:
        pytest.skip("EMDIA_BUNDLE_DIR not set: run `make bundle-smoke`")
    exe = Path(folder).resolve() / ("emdia-cli.exe" if sys.platform == "win32" else "emdia")
    assert exe.exists(), f"no frozen executable at {exe}"
    return exe


def run(exe: Path, home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_command([str(exe)], home, *args, **env)


def run_command(
    command: list[str], home: Path, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    # No PYTHONPATH and a neutral working directory: only what is in the bundle can be imported.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "EMDIA_"))}
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        cwd=home.parent,
        env={**clean, "EMDIA_HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **env},
        timeout=300,
    )


def test_frozen_emdia_migrates_fills_the_demo_and_answers(frozen: Path, tmp_path: Path) -> None:
    home, db = tmp_path / "home", str(tmp_path / "clinica.db")
    demo = run(frozen, home, "--db", db, "demo", "--patients", "40")
    assert demo.returncode == 0, demo.stderr
    check = run(frozen, home, "--db", db, "self-check", "--json")
    assert check.returncode == 0, check.stderr
    report = json.loads(check.stdout)
    assert report["healthy"] and report["schema_at_head"]
    assert report["emdia_version"] != "0.0.0+source"  # package metadata is bundled
    as_admin = {"EMDIA_USER": "admin", "EMDIA_PASSWORD": "demo"}  # the demo's users
    debt = run(
        frozen,
        home,
        "--db",
        db,
        "--today",
        "2026-03-16",
        "debt",
        "--contract",
        "1",
        "--json",
        **as_admin,
    )
    assert debt.returncode == 0, debt.stderr
    payload = json.loads(debt.stdout)
    assert payload["contract_id"] == 1 and payload["installments"]
    assert sum(line["total_cents"] for line in payload["installments"]) == payload["total_cents"]
    overdue = run(
        frozen, home, "--db", db, "--today", "2026-03-16", "report", "overdue", "--json", **as_admin
    )
    assert overdue.returncode == 0, overdue.stderr
    rows = json.loads(overdue.stdout)
    assert isinstance(rows, list) and all(r["updated_cents"] >= r["overdue_cents"] for r in rows)


def test_frozen_window_opens_with_its_qt_plugins(frozen: Path, tmp_path: Path) -> None:
    home, db = tmp_path / "home", str(tmp_path / "clinica.db")
    assert run(frozen, home, "--db", db, "demo", "--patients", "5").returncode == 0
    window = run(
        frozen,
        home,
        "--db",
        db,
        "gui",
        EMDIA_EXIT_WHEN_READY="1",
        EMDIA_USER="admin",
        EMDIA_PASSWORD="demo",
    )
    assert window.returncode == 0, window.stderr
    painted, ready = window.stdout.splitlines()  # the start window first, then the window
    assert painted.startswith("painted ") and painted.endswith(" start")
    assert ready.startswith("ready ")


def test_frozen_start_paints_the_login_first(frozen: Path, tmp_path: Path) -> None:
    """A clinic's start from the installed build: the login (with the stylesheet it carries)
    is painted before the database layer loads, then answers; closing it opens nothing."""
    home, db = tmp_path / "home", str(tmp_path / "clinica.db")
    assert run(frozen, home, "--db", db, "demo", "--patients", "5").returncode == 0
    window = run(frozen, home, "--db", db, "gui", EMDIA_EXIT_WHEN_READY="1")
    painted, login = window.stdout.splitlines()
    assert painted.startswith("painted ") and painted.endswith(" login"), window.stderr
    assert login.startswith("login ")
    assert window.returncode == 1  # the probe said Sair: EmDia did not open


ROOT = Path(__file__).resolve().parents[2]
# Where ``make bundle-smoke`` reads the start times this module measured (printed after pytest).
START_REPORT = "start-times.txt"
STARTS = 3


def _started(command: list[str], home: Path, db: str, login: bool = False) -> tuple[float, float]:
    """One start of the window, in seconds: scripted (user and password in the environment),
    (the start window's first paint, the interactive main window); or as a clinic starts it
    (``login``), (the login painted, the login answering — then it is closed)."""
    scripted = {} if login else {"EMDIA_USER": "admin", "EMDIA_PASSWORD": "demo"}
    began = time.time()
    done = run_command(command, home, "--db", db, "gui", EMDIA_EXIT_WHEN_READY="1", **scripted)
    assert done.returncode == (1 if login else 0), done.stderr
    marks = {word: at for word, at, *_what in map(str.split, done.stdout.splitlines())}
    return float(marks["painted"]) - began, float(marks["login" if login else "ready"]) - began


def test_frozen_start_is_reported_next_to_the_source_start(frozen: Path, tmp_path: Path) -> None:
    """The clinic runs the frozen build: its start (median of a few, after a warm-up) is
    measured next to the same program started from source, on the same demo clinic, and
    written for ``make bundle-smoke`` to print. A report, not a timed assertion: the
    benchmarks (bench/bench_app.py) hold the targets."""
    home, db = tmp_path / "home", str(tmp_path / "clinica.db")
    assert run(frozen, home, "--db", db, "demo", "--patients", "200").returncode == 0
    source = [sys.executable, str(ROOT / "installer" / "emdia_entry.py")]
    lines = []
    for label, command in (("frozen (dist/emdia)", [str(frozen)]), ("source (python)", source)):
        _started(command, home, db)  # warm the OS file cache
        starts = [_started(command, home, db) for _ in range(STARTS)]
        painted = statistics.median(p for p, _ in starts)
        ready = statistics.median(r for _, r in starts)
        lines.append(f"{label:20} start window {painted:5.2f} s   main window {ready:5.2f} s")
        logins = [_started(command, home, db, login=True) for _ in range(STARTS)]
        painted = statistics.median(p for p, _ in logins)
        answers = statistics.median(a for _, a in logins)
        lines.append(f"{'':20} login painted {painted:4.2f} s   login answering {answers:5.2f} s")
    text = (
        f"Start of the window, median of {STARTS} after a warm-up (200-patient demo, "
        "offscreen):\n" + "\n".join(lines) + "\n"
    )
    (frozen.parent / START_REPORT).write_text(text, encoding="utf-8")


def test_frozen_refusal_is_polite(frozen: Path, tmp_path: Path) -> None:
    # A clinic the command line creates is encrypted from its first byte: with no keyring here,
    # its key is wrapped by a frase-senha (SQLCipher inside the bundle, too).
    result = run(
        frozen, tmp_path / "home", "--db", str(tmp_path / "x.db"), "clinic", "set",
        "fine_percent=5", EMDIA_NEW_PASSPHRASE="pomar laranja ponte cinza",
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "2 %" in result.stderr


def test_frozen_emdia_checks_a_signed_pdf_offline(frozen: Path, tmp_path: Path) -> None:
    """pyHanko and its validation modules are inside the bundle: a contract the demo printed,
    signed with a throw-away authority, is received, and its root trusted by the gestor."""
    from tests.signing import Authority, sign

    home, db = tmp_path / "home", str(tmp_path / "clinica.db")
    assert run(frozen, home, "--db", db, "demo", "--patients", "12").returncode == 0
    desk = {"EMDIA_USER": "recepcao", "EMDIA_PASSWORD": "demo"}
    printed = run(
        frozen, home, "--db", db, "documents", "contrato", "--contract", "1",
        "--out", str(tmp_path / "saida"), "--json", **desk,
    )  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    authority = Authority()
    signed = tmp_path / "assinado.pdf"
    pdf = Path(json.loads(printed.stdout)[0]["path"]).read_bytes()
    signed.write_bytes(sign(pdf, authority.person("FULANO DE TAL", "52998224725"), authority))
    root = tmp_path / "raiz.pem"
    root.write_bytes(authority.root.pem)
    trusted = run(frozen, home, "--db", db, "trust", "add", str(root),
                  EMDIA_USER="gestor", EMDIA_PASSWORD="demo")  # fmt: skip
    assert trusted.returncode == 0, trusted.stderr
    received = run(frozen, home, "--db", db, "documents", "signed", str(signed), "--json", **desk)
    assert received.returncode == 0, received.stderr
    report = json.loads(received.stdout)
    assert report["intact"] and report["covers_original"] and report["trusted"]
    assert report["signer_cpf"] == "52998224725"


def test_frozen_batch_renders_in_worker_processes(frozen: Path, tmp_path: Path) -> None:
    """A notifications batch big enough for the render pool: its workers are the frozen program
    started again (``multiprocessing.freeze_support()`` in the entry point turns them into
    workers), and every PDF they render is archived once with its SHA-256."""
    home, db = tmp_path / "home", str(tmp_path / "clinica.db")
    today = ("--db", db, "--today", "2026-03-16")
    assert run(frozen, home, *today, "demo", "--patients", "200").returncode == 0
    batch = run(
        frozen, home, *today, "documents", "batch", "notificacao", "--min-days-late", "1",
        "--out", str(tmp_path / "saida"), "--json", EMDIA_USER="recepcao", EMDIA_PASSWORD="demo",
    )  # fmt: skip
    assert batch.returncode == 0, batch.stderr
    report = json.loads(batch.stdout)
    assert report["generated"] == report["candidates"] >= 20 and not report["skipped"]
    for document in report["documents"]:
        pdf = Path(document["archived_path"]).read_bytes()
        assert hashlib.sha256(pdf).hexdigest() == document["sha256"]
    log = (home / "logs" / "emdia.log").read_text(encoding="utf-8")
    assert f"{report['candidates']} documents: rendered by" in log
    assert "pool unavailable" not in log and "Traceback" not in log
