"""Pull the plug mid-work and lose nothing committed: a process writing payments to the
encrypted database reports each payment once its commit has returned, and is SIGKILLed as soon
as it has reported a number of them (a different number each run), while it is busy writing the
next. Afterwards the database passes integrity_check, every reported payment is there, and at
most one more per kill (committed, but killed before it could say so)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.bootstrap import bootstrap
from app.clock import FixedClock
from app.config import load_config
from app.domain.patients import PatientForm
from app.persistence import sqlite_files
from app.security import unlock
from tests.factories import insert_contract

ROOT = Path(__file__).resolve().parents[2]
RUNS = 12


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only")
def test_sigkill_while_writing_payments_loses_nothing_committed(
    tmp_path: Path, clock: FixedClock
) -> None:
    db = tmp_path / "emdia.db"
    key = unlock.new_protection(db, None)
    services = bootstrap(load_config(str(db)), clock, key=key)
    patient = services.patients.create(PatientForm(name="Maria da Silva", cpf="529.982.247-25"))
    insert_contract(services.engine, patient.id, total_cents=10**9)
    services.close()

    rng = random.Random(20260316)
    env = {**os.environ, "CRASH_KEY": key.raw.hex(), "PYTHONPATH": str(ROOT)}
    stored: set[int] = set()
    for kill_after in [rng.randint(1, 60) for _ in range(RUNS)]:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.crash_writer", str(db)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        reported = [confirmed(child.stdout.readline()) for _ in range(kill_after)]
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        # Lines printed after the last one read (each after its commit returned); a torn last
        # line, cut by the kill, was not a report.
        reported += [int(line) for line in out.split("\n")[:-1] if line.strip()]
        assert child.returncode == -signal.SIGKILL

        assert sqlite_files.integrity_check(db, key) == "ok"
        with sqlite_files.opened(db, key, readonly=True) as conn:
            now = {row[0] for row in conn.execute("SELECT id FROM payment")}
        new = now - stored
        assert len(reported) >= kill_after
        assert set(reported) <= new  # every payment the writer reported survived the kill
        assert len(new - set(reported)) <= 1  # and at most the one it had no time to report
        stored = now


def confirmed(line: str) -> int:
    """One payment id the writer reported (it prints nothing else until it is killed)."""
    assert line.endswith("\n"), f"the writer stopped on its own: {line!r}"
    return int(line)
