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
from datetime import date
from pathlib import Path

import pytest

from app.bootstrap import bootstrap
from app.clock import FixedClock
from app.config import load_config
from app.domain.patients import PatientForm
from app.persistence import models, sqlite_files
from app.security import unlock

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
    with services.engine.begin() as conn:
        conn.execute(
            models.Contract.__table__.insert(),
            {
                "id": 1,
                "patient_id": patient.id,
                "description": "",
                "total_cents": 10**9,
                "down_payment_cents": 0,
                "installments_count": 1,
                "first_due_date": date(2026, 3, 16),
                "due_day": 16,
                "payment_method": "pix",
                "status": "active",
                "fine_bp": 200,
                "interest_monthly_bp": 100,
                "witness1_name": "",
                "witness1_cpf": "",
                "witness2_name": "",
                "witness2_cpf": "",
                "version": 1,
                "created_at": date(2026, 3, 16),
                "updated_at": date(2026, 3, 16),
            },
        )
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
