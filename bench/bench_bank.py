"""Benchmark: a bank statement of 5,000 credits matched against the 20,000-patient clinic.

    .venv/bin/python -m bench.bench_bank                  # full size (the clinic is cached)
    .venv/bin/python -m bench.bench_bank --write-results  # also update bench/RESULTS.md
    .venv/bin/python -m bench.bench_bank --smoke          # tiny run (CI): no verdicts

The clinic is ``bench_worklist``'s cached demo database (20,000 patients, ~400,000
installments). The statement is made from it, as a month of a busy clinic's account looks: PIX
with the payer's full name and the updated amount of an open installment, with the CPF masked
(Nubank), cut short ("MARIA D", Itaú), with EmDia's txid, card settlements and transfers of the
clinic's own, strangers, and some debits. Then, in one run:

- **read** — the OFX file read (``app.adapters.ofx``, ``ofxparse``), reported apart;
- **match** — ``BankService.import_parsed(dry_run=True)`` on the statement read: every credit
  matched against the clinic, nothing written (the target);
- **floor** — the *same result* by hand: the file read, the same rows read with the ``sqlite3``
  module (plain SQL, ``json_each`` instead of IN lists), the same pure functions
  (``Directory``, ``match_credit``, ``desk_payment_for``); it must be identical line by line;
- **import** — the real import (5,000 credits stored, audited) and **pending** (the stored
  credits matched again, as the screen lists them).

Target: match ≤ 5 s for 5,000 credits. The import the receptionist waits for is read + match.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.bench_worklist import (
    RESULTS,
    ROOT,
    TODAY,
    cached_database,
    clinic_arguments,
    measure,
    quiet_home,
    write_section,
)

if TYPE_CHECKING:
    from app.domain.bank import Statement

SECTION = "## Bank statement (conciliação)"
TARGET_SECONDS = 5.0
FIRST = ("MARIA", "JOSE", "ANA", "JOAO", "ANTONIO", "FRANCISCA", "CARLOS", "PAULO", "LUCAS")
LAST = ("SILVA", "SANTOS", "OLIVEIRA", "SOUZA", "RODRIGUES", "FERREIRA", "ALVES", "PEREIRA")
STRANGERS = ("GUSTAVO HENRIQUE BRAGA", "ELIANE MOTTA CORTES", "RAIMUNDO NONATO FURTADO")


# --- the statement -------------------------------------------------------------------------


def open_installments(db: sqlite3.Connection, today: date) -> list[tuple[Any, ...]]:
    """Open, never-paid installments with whoever pays them (name, CPF)."""
    return db.execute(
        "SELECT i.contract_id, i.number, i.effective_due_date, i.amount_cents, p.name, p.cpf,"
        " c.fine_bp, c.interest_monthly_bp"
        " FROM installment i JOIN contract c ON c.id = i.contract_id"
        " JOIN patient p ON p.id = coalesce(c.responsible_id, c.patient_id)"
        " WHERE i.settled_on IS NULL AND i.renegotiated_agreement_id IS NULL"
        " AND i.paid_cents = 0 AND c.status = 'active' AND c.correction_index = 'none'"
        " AND c.punctuality_discount_bp = 0 AND c.interest_free_cents = 0"
        " AND i.effective_due_date BETWEEN ? AND ?",
        ((today - timedelta(days=60)).isoformat(), (today + timedelta(days=30)).isoformat()),
    ).fetchall()


def updated(row: tuple[Any, ...], day: date) -> int:
    """What the installment costs on ``day`` (the domain's formula, no payment yet)."""
    from app.domain.law import ChargePolicy, InstallmentTerms, updated_debt

    due = date.fromisoformat(row[2])
    terms = InstallmentTerms(row[1], due, due, row[3])
    return updated_debt(terms, (), day, ChargePolicy(row[6], row[7])).total_cents


def plain(name: str) -> str:
    from app.domain.text import fold

    return fold(name).upper()


def credit_lines(
    db_path: Path, credits: int, today: date, seed: int
) -> list[tuple[str, date, int, str]]:
    """``(fitid, day, cents, memo)`` for ``credits`` credits and a tenth as many debits."""
    rng = random.Random(seed)
    with sqlite3.connect(db_path) as db:
        rows = open_installments(db, today)
    rng.shuffle(rows)
    lines: list[tuple[str, date, int, str]] = []
    for k in range(credits):
        day = today - timedelta(days=rng.randrange(0, 30))
        row = rows[k % len(rows)] if rows else None
        kind = rng.random()
        if row is None or kind < 0.10:
            memo, cents = rng.choice(("REDE VISA CRED", "CIELO VENDAS", "TRANSF ENTRE CONTAS")), 0
            cents = rng.randrange(5_000, 300_000)
        elif kind < 0.45:
            memo, cents = f"PIX RECEBIDO {plain(row[4])}", updated(row, day)
        elif kind < 0.60:
            cpf = row[5] or "00000000000"
            memo = (
                f"Transferência recebida pelo Pix - {plain(row[4])} - •••.{cpf[3:6]}.{cpf[6:9]}-••"
            )
            cents = updated(row, day)
        elif kind < 0.70:
            memo, cents = f"PIX RECEBIDO EMDIAC{row[0]:06d}P{row[1]:02d}", updated(row, day)
        elif kind < 0.80:
            words = plain(row[4]).split()
            memo = f"PIX TRANSF {words[0]} {words[-1][:1]}{day:%d/%m}"
            cents = updated(row, day)
        else:
            name = (
                rng.choice(STRANGERS)
                if rng.random() < 0.3
                else (f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}")
            )
            memo, cents = f"PIX RECEBIDO {name}", rng.randrange(1_000, 200_000)
        lines.append((f"BENCH{k:06d}", day, max(cents, 1), memo))
    for k in range(credits // 10):
        day = today - timedelta(days=rng.randrange(0, 30))
        lines.append((f"DEBIT{k:06d}", day, -rng.randrange(1_000, 90_000), "PAGTO FORNECEDOR"))
    return sorted(lines, key=lambda x: (x[1], x[0]))


def write_ofx(path: Path, lines: Sequence[tuple[str, date, int, str]]) -> None:
    """The statement as most banks write it (SGML, nothing closed), in Windows-1252."""
    from app.adapters.ofx import render_statement
    from app.domain.bank import BankAccountRef, StatementLine

    rows = [StatementLine(fitid, day, cents, memo=memo) for fitid, day, cents, memo in lines]
    text = render_statement(BankAccountRef("0341", "1234", "56789-0"), rows)
    path.write_bytes(text.encode("cp1252", errors="replace"))


# --- the floor: the same rows through sqlite3, the same pure functions --------------------------


def _json(ids: Any) -> str:
    return json.dumps(sorted(ids))


def raw_floor(db_path: Path, statement: Statement) -> list[tuple[Any, ...]]:
    from app.domain.bank import ClinicIdentity, payer_of, txid_in
    from app.domain.law import ChargePolicy, InstallmentTerms, Settlement, interest_share_of
    from app.domain.reconciliation import (
        DESK_DAYS,
        ContractFacts,
        DebtBook,
        Debtor,
        DeskPayment,
        Directory,
        OpenInstallment,
        OpenPromise,
        desk_payment_for,
        match_credit,
    )

    lines = [x for x in statement.lines if x.is_credit]
    db = sqlite3.connect(db_path)
    q = db.execute
    clinic = q("SELECT legal_name, trade_name, cnpj, cpf FROM clinic").fetchone()
    identity = (
        ClinicIdentity(clinic[0] or clinic[1], clinic[2], clinic[3]) if clinic else ClinicIdentity()
    )
    directory = Directory(
        Debtor(*r)
        for r in q(
            "SELECT id, name, cpf FROM patient WHERE anonymized_at IS NULL AND id IN"
            " (SELECT patient_id FROM contract UNION SELECT responsible_id FROM contract"
            " WHERE responsible_id IS NOT NULL)"
        )
    )
    payers = [payer_of(x) for x in lines]
    people = [directory.candidates(p) for p in payers]
    refs = [txid_in(x) for x in lines]
    persons = {p.person_id for found in people for p in found}
    txids = {r.contract_id for r in refs if r}
    contracts = {
        r[0]
        for r in q(
            "SELECT id FROM contract WHERE patient_id IN (SELECT value FROM json_each(?))"
            " OR responsible_id IN (SELECT value FROM json_each(?))",
            (_json(persons), _json(persons)),
        )
    } | txids
    facts = {
        r[0]: ContractFacts(r[0], r[1], r[2] == "cancelled")
        for r in q(
            "SELECT id, patient_id, status FROM contract"
            " WHERE id IN (SELECT value FROM json_each(?))",
            (_json(contracts),),
        )
    }
    rows = q(
        "SELECT i.id, i.contract_id, i.number, i.due_date, i.effective_due_date, i.amount_cents,"
        " c.patient_id, c.responsible_id, c.agreement_id, c.fine_bp, c.interest_monthly_bp,"
        " c.punctuality_discount_bp, c.correction_index, c.total_cents, c.interest_free_cents"
        " FROM installment i"
        " JOIN contract c ON c.id = i.contract_id WHERE i.contract_id IN"
        " (SELECT value FROM json_each(?)) AND i.settled_on IS NULL"
        " AND i.renegotiated_agreement_id IS NULL AND c.status != 'cancelled'",
        (_json(contracts),),
    ).fetchall()
    settled: dict[int, list[Settlement]] = {}
    for r in q(
        "SELECT a.installment_id, p.paid_on, a.principal_cents, a.fine_cents, a.interest_cents,"
        " a.correction_cents, a.discount_cents FROM payment_allocation a"
        " JOIN payment p ON p.id = a.payment_id WHERE a.installment_id IN"
        " (SELECT value FROM json_each(?)) AND p.reverses_payment_id IS NULL"
        " AND p.reversed_by_id IS NULL ORDER BY p.paid_on, p.id",
        (_json(r[0] for r in rows),),
    ):
        settled.setdefault(r[0], []).append(Settlement(date.fromisoformat(r[1]), *r[2:]))
    if any(r[12] != "none" for r in rows):
        raise SystemExit("o piso não lê índices de correção: use uma clínica sem eles")
    installments = []
    for r in rows:
        terms = InstallmentTerms(
            r[2], date.fromisoformat(r[3]), date.fromisoformat(r[4]), r[5], False, r[0]
        )
        policy = ChargePolicy(r[9], r[10], r[11], interest_share=interest_share_of(r[13], r[14]))
        paid = tuple(settled.get(r[0], ()))
        installments.append(OpenInstallment(r[1], r[6], r[7] or r[6], terms, paid, policy, r[8]))
    promises = [
        OpenPromise(r[0], r[1], datetime.fromisoformat(r[2]).date(), date.fromisoformat(r[3]), r[4])
        for r in q(
            "SELECT patient_id, contract_id, created_at, promised_on, amount_cents FROM promise"
            " WHERE resolution IS NULL AND patient_id IN (SELECT value FROM json_each(?))",
            (_json(persons),),
        )
    ]
    book = DebtBook(tuple(installments), tuple(promises), facts)
    window = timedelta(days=DESK_DAYS)
    start = (min(x.posted_on for x in lines) - window).isoformat()
    end = (max(x.posted_on for x in lines) + window).isoformat()
    desk = [
        DeskPayment(r[0], r[1], frozenset(x for x in r[2:4] if x), date.fromisoformat(r[4]), r[5])
        for r in q(
            "SELECT p.id, p.contract_id, c.patient_id, c.responsible_id, p.paid_on, p.amount_cents"
            " FROM payment p JOIN contract c ON c.id = p.contract_id"
            " WHERE p.paid_on BETWEEN ? AND ?"
            " AND p.reverses_payment_id IS NULL AND p.reversed_by_id IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM bank_payment_link k WHERE k.payment_id = p.id)"
            " AND (p.contract_id IN (SELECT value FROM json_each(?))"
            " OR c.patient_id IN (SELECT value FROM json_each(?))"
            " OR c.responsible_id IN (SELECT value FROM json_each(?))) ORDER BY p.id",
            (start, end, _json(txids), _json(persons), _json(persons)),
        )
    ]
    db.close()
    by_amount: dict[int, list[DeskPayment]] = {}
    for payment in desk:
        by_amount.setdefault(payment.amount_cents, []).append(payment)
    taken: set[int] = set()
    result = []
    for line, payer, found, ref in zip(lines, payers, people, refs, strict=True):
        contracts = {ref.contract_id} if ref else set()
        same = by_amount.get(line.amount_cents, [])
        paid = desk_payment_for(line, contracts, [p.person_id for p in found], same, taken)
        if paid is not None:
            taken.add(paid.payment_id)
            result.append((line.fitid, "certain", paid.contract_id, None))
            continue
        match = match_credit(line, payer, found, book, identity)
        best = match.best
        result.append(
            (
                line.fitid,
                match.status.value,
                best.contract_id if best else None,
                best.installment_number if best else None,
            )
        )
    return result


def canonical(lines: Sequence[Any]) -> list[tuple[Any, ...]]:
    return [
        (
            x.fitid,
            x.status.value,
            x.contract_id,
            None if x.desk_payment_id else x.installment_number,
        )
        for x in lines
        if x.amount_cents > 0
    ]


# --- the run -------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    from app.adapters.ofx import read_statement
    from app.bootstrap import bootstrap
    from app.clock import FixedClock
    from app.config import load_config

    source, _report = cached_database(
        args.patients, args.seed, args.scale, args.today, args.cache_dir
    )
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "clinica.db"
        shutil.copyfile(source, db_path)
        statement = Path(tmp) / "extrato.ofx"
        write_ofx(statement, credit_lines(db_path, args.credits, args.today, args.seed))
        services = bootstrap(load_config(str(db_path)), FixedClock(args.today))
        services.login("recepcao", "demo")
        try:
            read_t, parsed = measure(lambda: read_statement(statement), args.runs)
            services.bank.import_parsed(parsed, statement.name, dry_run=True)  # warm the caches
            match_t, dry = measure(
                lambda: services.bank.import_parsed(parsed, statement.name, dry_run=True),
                args.runs,
            )
            floor_t, floor = measure(lambda: raw_floor(db_path, parsed), args.runs)
            if canonical(dry.lines) != floor:
                raise SystemExit("FALHA: o serviço e o piso (sqlite3 puro) associaram diferente")
            started = time.perf_counter()
            stored = services.bank.import_statement(statement)
            import_ms = (time.perf_counter() - started) * 1000
            pending_t, pending = measure(services.bank.pending, args.runs)
        finally:
            services.close()
        with sqlite3.connect(db_path) as db:
            people = db.execute("SELECT count(*) FROM patient").fetchone()[0]
            installments = db.execute("SELECT count(*) FROM installment").fetchone()[0]
    counts: dict[str, int] = {}
    for line in dry.lines:
        counts[line.status.value] = counts.get(line.status.value, 0) + 1
    return {
        "people": people,
        "installments": installments,
        "credits": args.credits,
        "lines": len(dry.lines),
        "counts": counts,
        "read": read_t,
        "match": match_t,
        "floor": floor_t,
        "import_ms": import_ms,
        "stored": sum(1 for x in stored.lines if x.transaction_id is not None),
        "pending": pending_t,
        "pending_lines": len(pending),
        "runs": args.runs,
    }


def render(r: dict[str, Any], smoke: bool) -> str:
    m, f = r["match"], r["floor"]
    ok = "OK" if m.best / 1000 <= TARGET_SECONDS else "NÃO ATINGIDA"
    verdict = "" if smoke else f"  (meta ≤ {TARGET_SECONDS:g} s: {ok})"
    counts = ", ".join(f"{v} {k}" for k, v in sorted(r["counts"].items()))
    machine = time.perf_counter()
    sum(range(1000))
    spin = (time.perf_counter() - machine) * 1e6
    return "\n".join(
        [
            f"clínica: {r['people']:,} pessoas, {r['installments']:,} parcelas",
            f"extrato: {r['credits']:,} créditos + débitos = {r['lines']:,} lançamentos ({counts})",
            f"máquina: sum(range(1000)) = {spin:.1f} µs; runs: {r['runs']} (melhor / mediana)",
            "",
            f"ler o OFX                 {r['read'].best:8.0f} ms  mediana {r['read'].median:7.0f}",
            f"associar (dry-run)        {m.best:8.0f} ms  mediana {m.median:7.0f}  CPU {m.cpu:6.0f}"
            f"{verdict}",
            f"piso sqlite3 + domínio    {f.best:8.0f} ms  mediana {f.median:7.0f}  CPU {f.cpu:6.0f}"
            "  resultado idêntico: sim",
            f"razão serviço / piso      {m.best / f.best:8.2f} ×",
            f"importar de verdade       {r['import_ms']:8.0f} ms  ({r['stored']:,} gravados)",
            f"pendentes (reassociar)    {r['pending'].best:8.0f} ms  ({r['pending_lines']:,})",
        ]
    )


NOTES = """How to read it: *ler + associar* is what the receptionist waits for after choosing the
file (the file read, every credit matched, nothing written); the floor computes the identical
result with plain `sqlite3` and the same pure functions, so the ratio is the cost of the
service's data access over the fastest hand-written one. Most of the time is the file itself
(*ler o OFX*: BeautifulSoup under ofxparse) and `updated_debt` for the candidates' installments."""


def write_results(text: str) -> None:
    load = os.getloadavg()
    write_section(
        SECTION,
        f"`.venv/bin/python -m bench.bench_bank` on {datetime.now():%Y-%m-%d}, "
        f"`--today {TODAY.isoformat()}`, the worklist benchmark's demo clinic; the project "
        f"machine (2 cores, shared), load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} "
        f"at the end of the run.\n\n```\n{text}\n```\n\n{NOTES}\n",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = clinic_arguments(__doc__, argv, 3)
    own = argparse.ArgumentParser(add_help=False)  # the statement's size, on top of the clinic's
    own.add_argument("--credits", type=int, default=None)
    credits = own.parse_known_args(argv)[0].credits
    args.credits = credits or (50 if args.smoke else 5_000)
    with quiet_home():
        results = run(args)
    text = render(results, args.smoke)
    print(text)
    if args.write_results and not args.smoke:
        write_results(text)
        print(f"\nresultados gravados em {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
