"""``emdia negativacao check|include|remove|list`` and the dashboard's removals (JSON keys)."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

import pytest

from app import cli
from app.bootstrap import bootstrap
from app.clock import FixedClock
from app.config import load_config
from tests.conftest import ComputerClock
from tests.negativacao_data import pay_everything, seed_debt, send_notice


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_include_list_remove(
    tmp_path: Path,
    template_db: Path,
    capsys: pytest.CaptureFixture[str],
    computer_clock: ComputerClock,
) -> None:
    path = tmp_path / "neg.db"
    path.write_bytes(template_db.read_bytes())
    db = str(path)
    services = bootstrap(load_config(db), FixedClock(date(2026, 3, 16), time(10)))
    ids = seed_debt(services)
    services.close()
    contract = str(ids["contract"])

    code, out, err = run(capsys, "--db", db, "--today", "2026-03-16", "negativacao", "check",
                         "--contract", contract, "--json")  # fmt: skip
    assert code == 1 and "Comunicação prévia da clínica" in err
    check = json.loads(out)
    assert set(check) == {"contract_id", "patient_id", "patient_name", "debtor_id",
                          "debtor_name", "as_of", "ready", "amount_cents", "oldest_due_date",
                          "notice_document_id", "installments", "items"}  # fmt: skip
    assert [i["key"] for i in check["items"] if not i["ok"]] == ["aviso"]

    services = bootstrap(load_config(db), FixedClock(date(2026, 3, 16), time(10)))
    send_notice(services, ids)
    services.close()
    # An inclusion records: it runs on the day the computer says (--today may only repeat it).
    computer_clock.set(date(2026, 3, 20))
    code, _, err = run(capsys, "--db", db, "--today", "2026-03-20", "negativacao", "include",
                       "--contract", contract, "--bureau", "serasa",
                       "--date", "2026-03-20")  # fmt: skip
    assert code == 1 and "26/03/2026" in err
    computer_clock.set(date(2026, 3, 26))
    code, out, err = run(capsys, "--db", db, "--today", "2026-03-26", "negativacao", "include",
                         "--contract", contract, "--bureau", "spc", "--date", "2026-03-26",
                         "--protocol", "SPC-9", "--json")  # fmt: skip
    assert code == 0, err
    included = json.loads(out)
    assert included["bureau"] == "spc" and included["amount_cents"] > 60_000
    assert included["status"] == "ativa" and included["removal_deadline"] is None

    services = bootstrap(load_config(db), FixedClock(date(2026, 4, 2), time(10)))
    pay_everything(services, ids, "2026-04-02")
    services.close()
    code, out, err = run(capsys, "--db", db, "--today", "2026-04-06", "negativacao", "list",
                         "--pending-removal", "--json")  # fmt: skip
    assert code == 0, err
    [pending] = json.loads(out)
    assert pending["removal_deadline"] == "2026-04-10" and pending["business_days_left"] == 4
    code, out, err = run(capsys, "--db", db, "--today", "2026-04-06", "report", "dashboard",
                         "--json")  # fmt: skip
    assert code == 0, err
    removals = json.loads(out)["negativacao_removals"]
    assert removals["pending"] == 1 and removals["overdue"] == 0
    assert removals["items"][0]["deadline"] == "2026-04-10"
    computer_clock.set(date(2026, 4, 6))
    code, out, err = run(capsys, "--db", db, "--today", "2026-04-06", "negativacao", "remove",
                         "--negativacao", str(included["negativacao_id"]), "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["removal_reason"] == "pagamento integral"
    code, out, _ = run(capsys, "--db", db, "--today", "2026-04-06", "negativacao", "list")
    assert "retirada em 06/04/2026" in out
