"""Pull the plug mid-work and lose nothing committed: a process writing payments to the
encrypted database is SIGKILLed at random moments; afterwards the database passes
integrity_check and every payment the process reported as committed is there."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
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
    reported: set[int] = set()
    for _ in range(RUNS):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.crash_writer", str(db)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.02, 0.4))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        # Only complete lines were printed after a commit returned; a torn last line was not.
        lines = out.split("\n")
        reported.update(int(line) for line in lines[:-1] if line.strip())
        assert child.returncode == -signal.SIGKILL

        assert sqlite_files.integrity_check(db, key) == "ok"
    with sqlite_files.opened(db, key, readonly=True) as conn:
        stored = {row[0] for row in conn.execute("SELECT id FROM payment")}
    assert len(reported) > RUNS  # the children did commit work before dying
    assert reported <= stored
