"""Benchmark: how the cost grows with the clinic — the worklist, Início and search-as-you-type at
5,000, 20,000 and 80,000 patients, on SQLite and (given a server) on PostgreSQL.

    .venv/bin/python -m bench.bench_growth                          # SQLite: 5k, 20k, 80k
    .venv/bin/python -m bench.bench_growth --pg-url postgresql+psycopg://…   # + PostgreSQL
    .venv/bin/python -m bench.bench_growth --sizes 5000,20000       # fewer sizes

Each size is the cached demo clinic of ``bench_worklist`` (same generator, seed and day; built
once and kept under ``bench/.cache/``). On PostgreSQL the clinic is first moved to a fresh
database of the server with ``DatabaseService.copy_to``, as a clinic moving to a server does.

Every clinic is opened first; then each *round* measures every size back to back, so that a
round compares sizes measured seconds apart, not minutes (this machine's speed drifts). Measured
at each size, each run on a fresh ``OverdueService`` (nothing cached):

- **worklist** — ``OverdueService.worklist`` cold, and the raw floor of ``bench_worklist`` (the
  same worklist through ``sqlite3`` and the domain functions; SQLite only) in the same run;
- **Início cold** — ``DashboardService.summary`` on fresh services;
- **Início after the worklist** — the dashboard of a fresh ``DashboardService`` sharing the
  worklist's ``OverdueService`` (what a click on Início does after Cobrança);
- **worklist as the window opens it** — the worklist of a fresh ``OverdueService`` after its
  ``prepare_worklist`` (the window's background preparation: the day's overdue money and the
  risk facts, not timed), so what Cobrança → Inadimplentes waits for: the people read and the
  rows ranked;
- **search p95** — search-as-you-type over the worklist, one key at a time.

The line to read is *µs of CPU per overdue installment*: flat means the cost grows linearly with
the overdue book; the verdict is the median of the rounds' own ratios. Targets: flat within
±25 % from the smallest to the largest size, and at 80,000 patients on PostgreSQL the worklist
and Início each open in ≤ 3 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bench.bench_worklist import (
    CACHE,
    RESULTS,
    TODAY,
    Timing,
    cached_database,
    canonical,
    keystrokes,
    measure,
    p95,
    quiet_home,
    raw_floor,
    reference_speed,
    write_section,
)

SECTION = "## How the cost grows"
SIZES = (5_000, 20_000, 80_000)
SMOKE_SIZES = (40, 80)
TARGET_PG_MS = 3_000.0
TARGET_FLATNESS = 0.25


@dataclass
class Point:
    """One backend at one clinic size."""

    backend: str
    patients: int  # people: patients and responsáveis
    installments: int
    overdue: int  # overdue installments the worklist updates
    worklist: Timing
    floor: Timing | None
    inicio_cold: Timing
    inicio_warm: Timing
    search_p95_ms: float
    prepared: Timing

    @property
    def us_per_overdue(self) -> float:
        return self.worklist.cpu * 1000 / max(1, self.overdue)


@contextmanager
def server_copy(sqlite_db: Path, server: str) -> Iterator[str]:
    """The clinic moved to a new database on ``server`` (dropped afterwards)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from app.bootstrap import bootstrap
    from app.clock import FixedClock
    from app.config import load_config
    from app.persistence.db import make_engine

    name = f"emdia_growth_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    target = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        local = bootstrap(load_config(str(sqlite_db)), FixedClock(TODAY), migrate=False)
        local.login("admin", "demo")  # moving the clinic is the admin's
        try:
            local.database.copy_to(target)
        finally:
            local.close()
        yield target
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Clinic:
    """One backend at one clinic size, open for the whole run; timings gathered round by round."""

    backend: str
    people: int
    sqlite_db: Path
    services: Any
    floor: Timing | None  # SQLite only: the raw sqlite3 floor
    worklist: Timing = field(default_factory=lambda: Timing([], []))
    inicio_cold: Timing = field(default_factory=lambda: Timing([], []))
    inicio_warm: Timing = field(default_factory=lambda: Timing([], []))
    prepared: Timing = field(default_factory=lambda: Timing([], []))
    last: Any = None  # the last round's worklist: searched, and counted, at the end


def gather(into: Timing, one: Timing) -> None:
    into.wall_ms.extend(one.wall_ms)
    into.cpu_ms.extend(one.cpu_ms)


def one_round(clinic: Clinic, today: date, check: bool) -> None:
    """Each measure once on ``clinic``, each on fresh services (nothing cached)."""
    from app.services.dashboard import DashboardService
    from app.services.overdue import OverdueService

    ctx = clinic.services.overdue.ctx
    timing, worklist = measure(lambda: OverdueService(ctx).worklist(), 1)
    gather(clinic.worklist, timing)
    if clinic.floor is not None:
        timing, floor = measure(lambda: raw_floor(clinic.sqlite_db, today), 1)
        gather(clinic.floor, timing)
        if check and canonical(worklist) != floor:
            raise SystemExit(f"FALHA: worklist ≠ piso ({clinic.people:,} pessoas)")
    timing, cold = measure(lambda: DashboardService(ctx, OverdueService(ctx)).summary(), 1)
    gather(clinic.inicio_cold, timing)
    shared = OverdueService(ctx)
    shared.worklist()
    timing, warm = measure(lambda: DashboardService(ctx, shared).summary(), 1)
    gather(clinic.inicio_warm, timing)
    if check and (warm != cold or cold.overdue_updated_cents != worklist.totals().updated_cents):
        raise SystemExit(f"FALHA: o painel não bate com o worklist ({clinic.people:,} pessoas)")
    window = OverdueService(ctx)
    window.prepare_worklist()
    timing, prepared = measure(window.worklist, 1)
    gather(clinic.prepared, timing)
    if check and canonical(prepared) != canonical(worklist):
        raise SystemExit(f"FALHA: o worklist preparado ≠ o frio ({clinic.people:,} pessoas)")
    clinic.last = worklist


def finish(clinic: Clinic) -> Point:
    """Search-as-you-type over the last worklist, and the clinic's counts."""
    from sqlalchemy import text as sql

    from app.domain.worklist import WorklistQuery
    from ui.models.paged_model import PAGE

    worklist = clinic.last
    latencies = []
    for text in keystrokes(worklist):
        _timing, found = measure(lambda t=text: worklist.select(WorklistQuery(text=t)), 1)
        _page = found[:PAGE]
        latencies.append(_timing.best)
    with clinic.services.engine.connect() as conn:
        installments = int(conn.execute(sql("SELECT count(*) FROM installment")).scalar_one())
    overdue = sum(len(r.debt.lines) for r in worklist.rows)
    return Point(
        clinic.backend,
        clinic.people,
        installments,
        overdue,
        clinic.worklist,
        clinic.floor,
        clinic.inicio_cold,
        clinic.inicio_warm,
        p95(latencies),
        clinic.prepared,
    )


@contextmanager
def opened(backend: str, url: str, sqlite_db: Path, people: int, today: date) -> Iterator[Clinic]:
    from app.bootstrap import bootstrap
    from app.clock import FixedClock
    from app.config import load_config
    from app.services.overdue import OverdueService

    services = bootstrap(load_config(url), FixedClock(today), migrate=False)
    services.login("gestor", "demo")
    try:
        OverdueService(services.overdue.ctx).worklist()  # warm the database's cache and imports
        floor = Timing([], []) if backend == "SQLite" else None
        yield Clinic(backend, people, sqlite_db, services, floor)
    finally:
        services.close()


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every clinic is opened first; then each round measures every size back to back.

    This machine's speed drifts by tens of per cent over minutes. Measuring 5,000 patients,
    then 20,000, then 80,000, each for a few runs, would compare sizes measured minutes apart;
    measured in rounds, each round compares sizes measured within seconds of each other, and
    the verdict is the median of the rounds' own ratios (see ``flatness``).
    """
    clinics: list[Clinic] = []
    with ExitStack() as stack:
        for size in args.sizes:
            path, report = cached_database(size, args.seed, args.scale, args.today, args.cache_dir)
            people = report.get("patients", size) + report.get("responsibles", 0)
            print(f"{size:,} pacientes: SQLite…", flush=True)
            clinics.append(
                stack.enter_context(opened("SQLite", str(path), path, people, args.today))
            )
            if args.pg_url:
                print(f"{size:,} pacientes: PostgreSQL (cópia para o servidor)…", flush=True)
                url = stack.enter_context(server_copy(path, args.pg_url))
                clinics.append(
                    stack.enter_context(opened("PostgreSQL", url, path, people, args.today))
                )
        for n in range(args.runs):
            print(f"rodada {n + 1} de {args.runs}…", flush=True)
            for clinic in clinics:
                one_round(clinic, args.today, check=n == 0)
        points = [finish(clinic) for clinic in clinics]
    points.sort(key=lambda p: (p.backend != "SQLite", p.patients))
    return {
        "points": points,
        "reference_us": reference_speed(),
        "load": os.getloadavg(),
        "runs": args.runs,
    }


def growth(first: Point, last: Point, first_ms: float, last_ms: float) -> float:
    """How much the cost per overdue installment grew from ``first`` to ``last``: ``last_ms``
    over ``last.overdue`` against ``first_ms`` over ``first.overdue``, minus one."""
    return (last_ms / max(1, last.overdue)) / (first_ms / max(1, first.overdue)) - 1


def round_ratios(points: Sequence[Point]) -> list[float]:
    """Per round: how much the worklist's CPU per overdue installment grew from the smallest
    size to the largest."""
    first, last = points[0], points[-1]
    return [
        growth(first, last, small, big)
        for small, big in zip(first.worklist.cpu_ms, last.worklist.cpu_ms, strict=True)
    ]


def flatness(points: Sequence[Point]) -> float:
    """The median over the rounds of how much the cost per overdue installment grew."""
    return statistics.median(round_ratios(points))


def render(r: dict[str, Any], smoke: bool) -> str:
    load = ", ".join(f"{x:.2f}" for x in r["load"])
    lines = [
        f"máquina: sum(range(1000)) = {r['reference_us']:.1f} µs (desktop de 2024 ≈ 8–10 µs); "
        f"carga (uptime) ao final: {load}; rodadas: {r['runs']} (cada uma mede todos os "
        "tamanhos em seguida; melhor de parede; CPU = melhor)",
        "",
        f"{'banco':<11} {'pessoas':>8} {'parcelas':>10} {'em atraso':>9}"
        f" {'worklist':>9} {'CPU':>7} {'µs/parc.':>8} {'× piso':>6}"
        f" {'Início frio':>11} {'após worklist':>13} {'busca p95':>9} {'preparado':>9}",
    ]
    points: list[Point] = r["points"]
    for p in points:
        ratio = f"{p.worklist.cpu / p.floor.cpu:5.2f}×" if p.floor else "     —"
        lines.append(
            f"{p.backend:<11} {p.patients:>8,} {p.installments:>10,} {p.overdue:>9,}"
            f" {p.worklist.best:7.0f}ms {p.worklist.cpu:5.0f}ms {p.us_per_overdue:8.1f} {ratio}"
            f" {p.inicio_cold.best:9.0f}ms {p.inicio_warm.best:11.0f}ms {p.search_p95_ms:7.1f}ms"
            f" {p.prepared.best:7.0f}ms"
        )
    if smoke:
        return "\n".join(lines)
    lines.append("")
    for backend in ("SQLite", "PostgreSQL"):
        mine = [p for p in points if p.backend == backend]
        if len(mine) >= 2:
            grew = flatness(mine)
            rounds = ", ".join(f"{x:+.0%}" for x in round_ratios(mine))
            best = growth(mine[0], mine[-1], mine[0].worklist.cpu, mine[-1].worklist.cpu)
            verdict = "OK" if abs(grew) <= TARGET_FLATNESS else "NÃO ATINGIDA"
            lines.append(
                f"{backend}: µs de CPU por parcela em atraso de {mine[0].patients:,} a "
                f"{mine[-1].patients:,} pessoas: {grew:+.0%}, mediana das rodadas ({rounds}; "
                f"pelo melhor CPU de cada tamanho: {best:+.0%}) "
                f"(meta ±{TARGET_FLATNESS:.0%}: {verdict})"
            )
            if mine[0].floor and mine[-1].floor:  # the raw sqlite3 floor grows as it grows
                floor_grew = growth(mine[0], mine[-1], mine[0].floor.cpu, mine[-1].floor.cpu)
                lines.append(
                    f"{backend}: o piso (sqlite3 puro) no mesmo caminho: {floor_grew:+.0%} "
                    "(o que cresce com o arquivo, não com o EmDia)"
                )
    largest_pg = [p for p in points if p.backend == "PostgreSQL" and p.patients >= 80_000]
    for p in largest_pg:
        slowest = max(p.worklist.best, p.inicio_cold.best)
        verdict = "OK" if slowest <= TARGET_PG_MS else "NÃO ATINGIDA"
        lines.append(
            f"PostgreSQL, {p.patients:,} pessoas: worklist {p.worklist.best:,.0f} ms, Início "
            f"{p.inicio_cold.best:,.0f} ms (meta ≤ {TARGET_PG_MS:,.0f} ms: {verdict}); o "
            f"worklist como a janela o abre (preparado): {p.prepared.best:,.0f} ms"
        )
    return "\n".join(lines)


def write_results(text: str) -> None:
    write_section(
        SECTION,
        f"`python -m bench.bench_growth` on {date.today():%Y-%m-%d}, `--today "
        f"{TODAY.isoformat()}`, the clinics of `bench_worklist` (demo seed 1, "
        f"`contracts_scale=1.6`) at each size.\n\n```\n{text}\n```\n",
    )


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=None, help="patients per clinic, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.6, help="contracts per patient ×")
    parser.add_argument("--today", type=date.fromisoformat, default=TODAY)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--cache-dir", type=Path, default=CACHE)
    parser.add_argument("--pg-url", default=os.environ.get("EMDIA_BENCH_PG_URL"))
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI; no verdicts")
    parser.add_argument("--write-results", action="store_true")
    args, _unknown = parser.parse_known_args(argv)  # `make bench ARGS=…` goes to every script
    default = SMOKE_SIZES if args.smoke else SIZES
    args.sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(default)
    args.runs = args.runs or (1 if args.smoke else 3)
    if args.smoke and not args.pg_url:
        args.pg_url = os.environ.get("EMDIA_TEST_PG_URL")  # CI's server, when it has one
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    with quiet_home():
        results = run(args)
    text = render(results, args.smoke)
    print(text)
    if args.write_results and not args.smoke:
        write_results(text)
        print(f"\nresultados gravados em {RESULTS.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
