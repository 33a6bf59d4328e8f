"""The lawful-collection commands as a script or a support person uses them: the real signing
date (``contract add --signed-on``), the debtor's choice (``payment add --installment``, a PIX
txid in ``--reference``), missing IPCA months in ``debt --json``, and letters refused for a
prescribed debt (exit 1, nothing archived)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import ComputerClock
from tests.integration.test_cli import run as run_cli
from tests.integration.test_lawful_collection import text_of

_computer: list[ComputerClock] = []


@pytest.fixture(autouse=True)
def on_each_day(computer_clock: ComputerClock) -> Iterator[None]:
    _computer.append(computer_clock)
    yield
    _computer.clear()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """These scripts play a clinic working on each ``--today`` day: the computer's clock reads
    that day too (on a real clinic a pinned date other than the computer's records nothing)."""
    if "--today" in argv:
        _computer[-1].set(date.fromisoformat(argv[argv.index("--today") + 1]))
    return run_cli(capsys, *argv)


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A clinic identified for collection (CDC art. 42-A) and Ana, with her address."""
    path = str(tmp_path / "law.db")
    for argv in (
        ("clinic", "set", "name=Clínica Sorriso Ltda", "cnpj=11.222.333/0001-81",
         "address=Av. Brasil, 100", "city=Campinas", "state=SP", "correction_index=ipca"),
        ("patient", "add", "--name", "Ana Souza", "--cpf", "111.444.777-35",
         "--street", "Rua das Flores", "--number", "10", "--district", "Centro",
         "--city", "Campinas", "--state", "SP", "--zip-code", "13010-000"),
    ):  # fmt: skip
        code, _, err = run(capsys, "--db", path, "--today", "2021-03-01", *argv)
        assert code == 0, err
    return path


def add_contract(
    capsys: pytest.CaptureFixture[str], db: str, today: str, first_due: str, *extra: str, n: int = 3
) -> int:
    """R$ 300,00 a parcela, ``n`` parcelas."""
    code, out, err = run(
        capsys, "--db", db, "--today", today, "contract", "add", "--patient-cpf",
        "111.444.777-35", "--total", f"{300 * n},00", "--installments", str(n),
        "--first-due", first_due, "--json", *extra,
    )  # fmt: skip
    assert code == 0, err
    return int(json.loads(out)["contract_id"])


def test_contract_add_records_the_signing_date_the_letters_cite(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    cid = add_contract(capsys, db, "2026-03-16", "2026-01-10", "--signed-on", "2025-12-20")
    code, out, err = run(
        capsys, "--db", db, "--today", "2026-03-16", "documents", "notificacao",
        "--contract", str(cid), "--out", str(tmp_path), "--json",
    )  # fmt: skip
    assert code == 0, err
    [doc] = json.loads(out)
    assert f"nº {cid}, assinado em 20/12/2025" in text_of(doc["path"])
    code, _, err = run(
        capsys, "--db", db, "--today", "2026-03-16", "contract", "add", "--patient-cpf",
        "111.444.777-35", "--total", "900,00", "--installments", "3", "--first-due",
        "2026-04-10", "--signed-on", "2026-03-17",
    )  # fmt: skip
    assert code == 1 and "Data da assinatura: não pode ser no futuro. [--signed-on]" in err


def test_payment_add_applies_the_installment_the_debtor_named(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    """CC art. 352: parcela 3, named or carried by its PIX txid, is paid — not parcela 1."""
    cid = add_contract(capsys, db, "2026-03-16", "2026-02-10")
    base = ("--db", db, "--today", "2026-03-16", "payment", "add", "--contract", str(cid))
    code, out, err = run(
        capsys, *base, "--amount", "300,00", "--reference", f"PIX EMDIAC{cid:06d}P03", "--json"
    )
    assert code == 0, err
    paid = json.loads(out)
    assert paid["installment_named"] == 3
    assert [(a["number"], a["principal_cents"]) for a in paid["allocations"]] == [(3, 30_000)]
    # Parcela 2, due Tuesday 10/03, 6 days late: 300,00 + multa 6,00 + juros 0,60.
    code, out, err = run(capsys, *base, "--amount", "306,60", "--installment", "2")
    assert code == 0, err
    assert "(parcelas 2)" in out and "Parcela indicada pelo pagador: 2." in out
    code, _, err = run(capsys, *base, "--amount", "10,00", "--installment", "2")
    assert code == 1 and "a parcela 2 já está paga" in err and "[--installment]" in err
    code, _, err = run(capsys, *base, "--amount", "10,00", "--installment", "três")
    assert code == 1 and "'três' não é uma parcela" in err


def test_debt_json_lists_the_ipca_months_never_typed(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    cid = add_contract(capsys, db, "2026-01-05", "2026-01-10")
    run(capsys, "--db", db, "index", "set", "ipca", "2026-01=0,16")
    code, out, err = run(capsys, "--db", db, "--today", "2026-04-02", "debt", "--contract",
                         str(cid), "--json")  # fmt: skip
    assert code == 0, err
    debt = json.loads(out)
    assert debt["correction_missing_months"] == ["2026-02", "2026-03"]
    first = debt["installments"][0]
    assert first["correction_missing_months"] == ["2026-02", "2026-03"]
    # Due Monday 12/01: January counts 19 of its 31 days: 300,00 × 0,16 % × 19/31 = 0,29.
    assert first["correction_cents"] == 29
    code, out, _ = run(capsys, "--db", db, "--today", "2026-04-02", "debt", "--contract", str(cid))
    assert "Correção monetária parcial: faltam os índices de 02/2026, 03/2026" in out


def test_letters_for_a_prescribed_debt_are_refused_and_nothing_is_archived(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    """CC art. 206 §5 I: due 05/03/2021, on 02/04/2026 there is nothing left to collect."""
    cid = add_contract(capsys, db, "2021-03-01", "2021-03-05", "--signed-on", "2021-03-01", n=1)
    for kind in ("notificacao", "aviso-negativacao"):
        code, out, err = run(
            capsys, "--db", db, "--today", "2026-04-02", "documents", kind, "--contract",
            str(cid), "--out", str(tmp_path / kind),
        )  # fmt: skip
        assert code == 1 and out == ""
        assert "parcela vencida em 05/03/2021: prescrita desde 05/03/2026" in err
        assert not (tmp_path / kind).exists() or not any((tmp_path / kind).iterdir())
    code, out, _ = run(capsys, "--db", db, "--today", "2026-04-02", "messages", "--json")
    assert code == 0 and json.loads(out) == []
