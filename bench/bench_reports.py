"""Benchmark: every Relatório at clinic scale, as it opens (its default period), against a floor.

    make bench                                  # 20,000 patients, ~400,000 installments (cached)
    .venv/bin/python -m bench.bench_reports --write-results   # also update bench/RESULTS.md
    .venv/bin/python -m bench.bench_reports --smoke           # tiny run (CI): no timings judged

The demo clinic is ``bench_worklist``'s (built once, cached under ``bench/.cache/``). For each
report, in one run:

- **serviço** — ``ReportService.run`` cold (fresh services: nothing cached), with the period the
  window opens it on (``period.default_period``), plus the heavier periods a gestor asks for;
- **piso** — the *same totals* by hand-written SQL on the ``sqlite3`` module (the carteira: the
  worklist's own raw floor, ``bench_worklist.raw_floor``, summed by segment). They must be
  identical, or the benchmark fails: the ratio is what the service costs over plain SQL.

Target: every report opens in ≤ 2 s. The machine is shared: ``uptime`` is printed with the
numbers.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.bench_worklist import (
    RESULTS,
    ROOT,
    TODAY,
    Timing,
    cached_database,
    clinic_arguments,
    measure,
    quiet_home,
    raw_floor,
    reference_speed,
    write_section,
)

SECTION = "## Reports"
TARGET_MS = 2000.0

# (report, from, to, by) beyond the default periods: what a gestor also asks for.
HEAVIER = (
    ("recebimentos", 365, "mes"),
    ("efetividade", 90, ""),
    ("inadimplencia", 700, ""),  # 24 calendar months
)


# --- the floors: the same totals in plain SQL ---------------------------------------------


def floor_caixa(db: sqlite3.Connection, start: date, end: date) -> Any:
    rows = db.execute(
        "SELECT p.id, p.paid_on, p.amount_cents, p.method, u.username, c.patient_id, pt.name,"
        " p.contract_id, p.reverses_payment_id, r.paid_on FROM payment p"
        " JOIN contract c ON c.id = p.contract_id JOIN patient pt ON pt.id = c.patient_id"
        " LEFT JOIN app_user u ON u.id = p.created_by_id"
        " LEFT JOIN payment r ON r.id = p.reversed_by_id"
        " WHERE p.paid_on >= ? AND p.paid_on <= ?",
        (start.isoformat(), end.isoformat()),
    ).fetchall()
    total = sum(r[2] for r in rows if r[8] is None)
    reversals = -sum(r[2] for r in rows if r[8] is not None)
    return total, reversals


def floor_recebimentos(db: sqlite3.Connection, start: date, end: date) -> Any:
    span = (start.isoformat(), end.isoformat())
    total = db.execute(
        "SELECT coalesce(sum(amount_cents), 0) FROM payment WHERE paid_on >= ? AND paid_on <= ?",
        span,
    ).fetchone()[0]
    late = db.execute(
        "SELECT coalesce(sum(a.principal_cents + a.fine_cents + a.interest_cents"
        " + a.correction_cents - a.discount_cents), 0) FROM payment p"
        " JOIN payment_allocation a ON a.payment_id = p.id"
        " JOIN installment i ON i.id = a.installment_id"
        " LEFT JOIN payment o ON o.id = p.reverses_payment_id"
        " WHERE p.paid_on >= ? AND p.paid_on <= ?"
        " AND coalesce(o.paid_on, p.paid_on) > i.effective_due_date",
        span,
    ).fetchone()[0]
    return total, late


def floor_inadimplencia(db: sqlite3.Connection, days: Sequence[date], today: date) -> Any:
    """Receivable and overdue principal at each day: the amounts of the installments alive that
    day minus the principal every payment line up to that day extinguished on them (estornos
    included, on their own date) — open principal is never negative, so the sums are exact."""
    registered = "min(substr(c.created_at, 1, 10), ?)"
    alive = (
        f"{registered} <= ? AND (i.renegotiated_agreement_id IS NULL"
        " OR coalesce(g.accepted_on, '0001-01-01') > ?)"
    )
    receivable = ", ".join(f"sum(CASE WHEN {alive} THEN {{v}} ELSE 0 END)" for _ in days)
    overdue = ", ".join(
        f"sum(CASE WHEN {alive} AND i.effective_due_date < ? THEN {{v}} ELSE 0 END)" for _ in days
    )
    params: list[str] = []
    for d in days:
        params += [today.isoformat(), d.isoformat(), d.isoformat()]
    for d in days:
        params += [today.isoformat(), d.isoformat(), d.isoformat(), d.isoformat()]
    base = (
        " FROM installment i JOIN contract c ON c.id = i.contract_id"
        " LEFT JOIN agreement g ON g.id = i.renegotiated_agreement_id"
        " WHERE c.status != 'cancelled'"
    )
    amounts = db.execute(
        f"SELECT {receivable.format(v='i.amount_cents')}, {overdue.format(v='i.amount_cents')}"
        + base,
        params,
    ).fetchone()
    paid_params: list[str] = []
    for d in days:
        paid_params += [d.isoformat(), today.isoformat(), d.isoformat(), d.isoformat()]
    for d in days:
        paid_params += [d.isoformat(), today.isoformat(), d.isoformat(), d.isoformat(),
                        d.isoformat()]  # fmt: skip
    paid_receivable = ", ".join(
        f"sum(CASE WHEN p.paid_on <= ? AND {alive} THEN a.principal_cents ELSE 0 END)" for _ in days
    )
    paid_overdue = ", ".join(
        f"sum(CASE WHEN p.paid_on <= ? AND {alive} AND i.effective_due_date < ?"
        " THEN a.principal_cents ELSE 0 END)"
        for _ in days
    )
    paid = db.execute(
        f"SELECT {paid_receivable}, {paid_overdue} FROM payment_allocation a"
        " JOIN payment p ON p.id = a.payment_id"
        " JOIN installment i ON i.id = a.installment_id JOIN contract c ON c.id = i.contract_id"
        " LEFT JOIN agreement g ON g.id = i.renegotiated_agreement_id"
        " WHERE c.status != 'cancelled'",
        paid_params,
    ).fetchone()
    n = len(days)
    return [(amounts[k] - (paid[k] or 0), amounts[n + k] - (paid[n + k] or 0)) for k in range(n)]


def floor_efetividade(db: sqlite3.Connection, start: date, end: date) -> Any:
    rows = db.execute(
        "SELECT step_key, channel, count(*) FROM contact_log WHERE contacted_at >= ?"
        " AND contacted_at < ? GROUP BY step_key, channel",
        (start.isoformat(), (end + timedelta(days=1)).isoformat()),
    ).fetchall()
    db.execute(  # the money of the contacted people in the window (credited in Python)
        "SELECT c.patient_id, c.responsible_id, p.paid_on, p.amount_cents FROM payment p"
        " JOIN contract c ON c.id = p.contract_id WHERE p.paid_on >= ? AND p.paid_on <= ?"
        " AND p.reverses_payment_id IS NULL AND p.reversed_by_id IS NULL",
        (start.isoformat(), (end + timedelta(days=7)).isoformat()),
    ).fetchall()
    return sorted((step or "", channel, n) for step, channel, n in rows)


def floor_previsao(db: sqlite3.Connection, start: date, end: date) -> Any:
    span = (start.isoformat(), end.isoformat())
    due = db.execute(
        "SELECT substr(i.effective_due_date, 1, 7), sum(i.amount_cents) FROM installment i"
        " JOIN contract c ON c.id = i.contract_id"
        " LEFT JOIN agreement g ON g.id = i.renegotiated_agreement_id"
        " WHERE c.status != 'cancelled' AND i.effective_due_date >= ? AND i.effective_due_date <= ?"
        " AND (i.renegotiated_agreement_id IS NULL OR g.accepted_on > i.effective_due_date)"
        " GROUP BY 1",
        span,
    ).fetchall()
    received = db.execute(
        "SELECT substr(paid_on, 1, 7), sum(amount_cents) FROM payment"
        " WHERE paid_on >= ? AND paid_on <= ? GROUP BY 1",
        span,
    ).fetchall()
    return dict(due), dict(received)


# --- what the service says, in the floors' shape ---------------------------------------------


def shape(kind: str, report: Any) -> Any:
    if kind == "caixa":
        return report.total_cents, report.reversals_cents
    if kind == "recebimentos":
        return report.total.total_cents, report.total.late_cents
    if kind == "inadimplencia":
        return [(m.receivable_cents, m.overdue_cents) for m in report.months]
    if kind == "efetividade":
        return sorted((s.step, s.channel, s.contacts) for s in report.steps)
    if kind == "carteira":
        return {g.name: g.updated_cents for g in report.segments if g.patients}
    return (
        {f"{m.month:%Y-%m}": m.expected_cents for m in report.months if not m.is_future},
        {f"{m.month:%Y-%m}": m.received_cents for m in report.months if not m.is_future},
    )


def floor_for(path: Path, kind: str, start: date, end: date, today: date) -> Callable[[], Any]:
    from app.domain.reports.period import Period, month_ends

    def run() -> Any:
        with sqlite3.connect(path) as db:
            if kind == "caixa":
                return floor_caixa(db, start, end)
            if kind == "recebimentos":
                return floor_recebimentos(db, start, end)
            if kind == "inadimplencia":
                return floor_inadimplencia(db, month_ends(Period(start, end), today), today)
            if kind == "efetividade":
                return floor_efetividade(db, start, end)
            if kind == "previsao":
                return floor_previsao(db, start, min(end, today))
        rows = raw_floor(path, end)
        by_segment: dict[str, int] = {}
        for r in rows:
            by_segment[r[10]] = by_segment.get(r[10], 0) + r[8]
        return by_segment

    return run


# --- main ------------------------------------------------------------------------------------


def cases(today: date) -> list[tuple[str, date, date, str, bool]]:
    """(report, from, to, by, opens-with-it) — every report's default, then the heavier ones."""
    from app.domain.reports.period import ReportKind, default_period

    found = [(k.value, *default_period(k, today), "", True) for k in ReportKind]
    found += [(kind, today - timedelta(days=days - 1), today, by, False)
              for kind, days, by in HEAVIER]  # fmt: skip
    return found


def run(args: argparse.Namespace) -> dict[str, Any]:
    from app.bootstrap import bootstrap
    from app.clock import FixedClock
    from app.config import load_config
    from app.domain.reports.period import ReportForm
    from app.services.overdue import OverdueService
    from app.services.reports import ReportService

    path, report = cached_database(args.patients, args.seed, args.scale, args.today, args.cache_dir)
    services = bootstrap(load_config(str(path)), FixedClock(args.today), migrate=False)
    services.login("gestor", "demo")
    ctx = services.reports.ctx
    measured = []
    try:
        for kind, start, end, by, default in cases(args.today):
            form = ReportForm(kind, start.isoformat(), end.isoformat(), by)

            def cold(form: ReportForm = form) -> Any:
                return ReportService(ctx, OverdueService(ctx)).run(form).report

            cold()  # warm SQLite's page cache and the imports, as a second click would
            service_t, result = measure(cold, args.runs)
            floor = floor_for(path, kind, start, end, args.today)
            floor_t, floor_value = measure(floor, args.runs)
            same = shape(kind, result) == floor_value
            if not same:
                raise SystemExit(
                    f"FALHA: {kind} ({start} a {end}) e o piso deram totais distintos:\n"
                    f"  serviço {shape(kind, result)}\n  piso    {floor_value}"
                )
            measured.append((kind, start, end, by, default, service_t, floor_t))
        with sqlite3.connect(path) as db:
            installments = db.execute("SELECT count(*) FROM installment").fetchone()[0]
    finally:
        services.close()
    return {
        "patients": report.get("patients", args.patients) + report.get("responsibles", 0),
        "installments": installments,
        "payments": report.get("payments"),
        "measured": measured,
        "reference_us": reference_speed(),
        "load": os.getloadavg(),
        "runs": args.runs,
    }


def render(r: dict[str, Any], smoke: bool) -> str:
    load = ", ".join(f"{x:.2f}" for x in r["load"])
    lines = [
        f"clínica: {r['patients']:,} pessoas, {r['installments']:,} parcelas, "
        f"{r['payments'] or 0:,} pagamentos",
        f"máquina: sum(range(1000)) = {r['reference_us']:.1f} µs (desktop de 2024 ≈ 8–10 µs); "
        f"carga (uptime) ao final: {load}",
        f"runs: {r['runs']} (melhor / mediana de parede; CPU = melhor tempo de CPU)",
        "",
        f"{'relatório (período)':<40} {'serviço':>8} {'mediana':>8} {'CPU':>6} {'piso':>7}"
        f" {'razão':>6}",
    ]
    for kind, start, end, by, default, service, floor in r["measured"]:
        service_t: Timing = service
        floor_t: Timing = floor
        days = (end - start).days + 1
        label = f"{kind} ({days} dia{'s' if days > 1 else ''}{', por ' + by if by else ''})"
        verdict = ""
        if default and not smoke:
            ok = service_t.best <= TARGET_MS
            verdict = f"  (meta ≤ 2 s: {'OK' if ok else 'NÃO ATINGIDA'})"
        lines.append(
            f"{label:<40} {service_t.best:6.0f}ms {service_t.median:6.0f}ms {service_t.cpu:6.0f}"
            f" {floor_t.best:5.0f}ms {service_t.best / max(floor_t.best, 0.001):5.2f}×{verdict}"
        )
    lines.append("totais idênticos ao piso: sim (em todos)")
    return "\n".join(lines)


NOTES = """\
How to read it:

- Each line is one report computed cold by `ReportService.run` (fresh services, nothing cached),
  best and median wall time of the runs and the best CPU time; the first six are what the
  window opens with (the caixa of the day, this month of recebimentos, 12 months of
  inadimplência, 30 days of efetividade, the carteira of the day, 6 months of previsão), the
  others are heavier periods a gestor may ask for (no target).
- **Piso**: the same totals from hand-written SQL on `sqlite3` (checked equal, or the run
  fails): the caixa's lines with their patient and user, receipts and their late part,
  receivable and overdue principal at each month end (conditional sums over installments and
  payment lines — estornos on their own date), contacts per step and the payments after them,
  installments due and money received per month; the carteira's floor is the worklist's own raw
  floor (`bench_worklist.raw_floor`) summed by segment.
- The carteira is the worklist of the day (segments need each patient's risk assessment), so it
  costs what Cobrança → Inadimplentes costs cold; opened after Cobrança, it reuses the overdue
  money (`OverdueService.money`).
- The machine is shared (2 cores, other builds running): the load average is printed with the
  numbers; wall times are up to twice the CPU times under load.
"""


def write_results(text: str) -> None:
    write_section(
        SECTION,
        f"`python -m bench.bench_reports` on {datetime.now():%Y-%m-%d}, `--today "
        f"{TODAY.isoformat()}`, the clinic of `bench_worklist` (demo seed 1, "
        f"`contracts_scale=1.6`).\n\n```\n{text}\n```\n\n{NOTES}",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = clinic_arguments(__doc__, argv, 3)
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
