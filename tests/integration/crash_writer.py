"""Child process of the crash test: writes payments forever, printing each id after its commit
returns (that is the app's "saved" moment). The parent SIGKILLs it once it has read the number
of ids it was waiting for, while this process is already writing the next payment."""

from __future__ import annotations

import os
import sys
from datetime import date, datetime

from app.persistence import models
from app.persistence.db import make_engine
from app.security.keys import DataKey


def main(db: str) -> None:
    key = DataKey(bytes.fromhex(os.environ["CRASH_KEY"]))
    engine = make_engine("sqlite:///" + db, key)
    payment = models.Payment.__table__
    now = datetime(2026, 3, 16, 10, 0)
    print("ready", flush=True)
    while True:
        with engine.begin() as conn:
            new_id = conn.execute(
                payment.insert().values(
                    contract_id=1,
                    paid_on=date(2026, 3, 16),
                    amount_cents=15000,
                    method="pix",
                    reference="crash-test",
                    reason="",
                    credit_cents=0,
                    created_at=now,
                    updated_at=now,
                )
            ).inserted_primary_key[0]
        sys.stdout.write(f"{new_id}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
