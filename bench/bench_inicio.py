"""Benchmark: Início as the gestor opens it in the real window, at clinic scale.

    .venv/bin/python -m bench.bench_inicio                  # 20,000 patients (cached clinic)
    .venv/bin/python -m bench.bench_inicio --write-results  # also update bench/RESULTS.md
    .venv/bin/python -m bench.bench_inicio --smoke          # tiny run (CI): no timings judged

The demo clinic is ``bench_worklist``'s (built once, cached under ``bench/.cache/``). The main
window is built offscreen, logged in as the demo's gestor, and prepares the day's figures as it
does once it is on screen (not timed). Then Início is refreshed ``runs`` times, and for each:

- **números na tela** — from ``refresh`` until the dashboard's figures are on the view (its
  cards and charts filled);
- **dia e pendências** — until the desk's day and the inbox are filled too (``loaded``): the
  day's régua drafts for every overdue patient, computed after the figures.

Floor, measured in the same run: the same round trip with nothing to compute — a job on Qt's
thread pool whose result comes back by a signal and is written into a label. The ratio says
what Início's figures cost over the window's own machinery. Informative: the dashboard's
targets are ``bench_worklist``'s.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from bench.bench_worklist import (
    RESULTS,
    ROOT,
    Timing,
    cached_database,
    clinic_arguments,
    quiet_home,
    reference_speed,
    write_section,
)

SECTION = "## Início in the window"
TIMEOUT_S = 120.0


def wait_for(done: Callable[[], bool], what: str) -> None:
    """Run the event loop until ``done()`` (checked every millisecond; the loop sleeps in
    between, so the workers have the interpreter)."""
    from PySide6.QtCore import QEventLoop, QTimer

    if done():
        return
    loop = QEventLoop()
    deadline = time.monotonic() + TIMEOUT_S
    timer = QTimer()
    timer.setInterval(1)

    def check() -> None:
        if done() or time.monotonic() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    if not done():
        raise SystemExit(f"FALHA: {what} não terminou em {TIMEOUT_S:.0f} s")


def settle(ms: float = 300) -> None:
    """Let the event loop run ``ms`` with nothing timed: the inbox lays its lines out a batch
    at a time after it is filled (``ui.views.desk_panels.INBOX_BATCH``), and that would land
    in the next run's timing or in the floor's."""
    until = time.monotonic() + ms / 1000
    wait_for(lambda: time.monotonic() >= until, "a tela assentar")


def floor(runs: int) -> Timing:
    """A thread-pool job with nothing to compute, its result written into a label."""
    from PySide6.QtWidgets import QLabel

    from ui import ops

    label = QLabel()
    label.show()
    walls, cpus = [], []
    shown: list[int] = []

    def show(value: int) -> None:
        label.setText(str(value))
        shown.append(value)

    for n in range(runs):
        shown.clear()

        def job(_progress: Any, _cancelled: Any, n: int = n) -> int:
            return n

        wall, cpu = time.perf_counter(), time.process_time()
        ops.start(label, job, on_success=show)
        wait_for(lambda: bool(shown), "o piso")
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    label.close()
    return Timing(walls, cpus)


def run(args: Any) -> dict[str, Any]:
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import bootstrap
    from app.clock import FixedClock
    from app.config import load_config
    from ui.main_window import MainWindow
    from ui.views.dashboard_view import DashboardView

    application = QApplication.instance() or QApplication(sys.argv)
    path, _report = cached_database(
        args.patients, args.seed, args.scale, args.today, args.cache_dir
    )
    services = bootstrap(load_config(str(path)), FixedClock(args.today), migrate=False)
    services.login("gestor", "demo")  # the demo clinic's owner: figures, desk's day and inbox
    window = MainWindow(services)
    window.show()
    pool = QThreadPool.globalInstance()
    try:
        window.prepare_figures()  # what the window does once it is on screen (not timed)
        wait_for(lambda: pool.activeThreadCount() == 0, "a preparação")
        board = window.show_section("Início")  # built once, as on the first click
        assert isinstance(board, DashboardView)
        loads: list[float] = []
        board.loaded.connect(lambda: loads.append(time.perf_counter()))
        wait_for(lambda: bool(loads), "o primeiro Início")
        figures, complete = [], []
        for _ in range(args.runs):
            board.dashboard = None
            loads.clear()
            started = time.perf_counter()
            board.refresh()
            wait_for(lambda: board.dashboard is not None, "os números do Início")
            figures.append((time.perf_counter() - started) * 1000)
            wait_for(lambda: bool(loads), "o dia e as pendências")
            complete.append((loads[0] - started) * 1000)
            settle()
        dashboard = board.dashboard
        same = dashboard == services.dashboard.summary()
        if not same:
            raise SystemExit("FALHA: os números na tela não batem com o painel do serviço")
        base = floor(args.runs)
    finally:
        window.close()
        services.close()
        application.processEvents()
    assert dashboard is not None
    return {
        "patients": args.patients,
        "overdue_patients": dashboard.overdue_patients,
        "figures": Timing(figures, figures),
        "complete": Timing(complete, complete),
        "floor": base,
        "runs": args.runs,
        "reference_us": reference_speed(),
    }


def render(r: dict[str, Any]) -> str:
    ratio = r["figures"].median / max(r["floor"].median, 0.001)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return "\n".join(
        [
            f"clínica: {r['patients']:,} pacientes; em atraso: {r['overdue_patients']:,}",
            f"máquina: sum(range(1000)) = {r['reference_us']:.1f} µs; carga {load:.2f}",
            f"runs: {r['runs']} (melhor / mediana de parede)",
            "",
            f"piso (tarefa vazia → rótulo)  {r['floor'].best:7.1f} ms  mediana "
            f"{r['floor'].median:7.1f}",
            f"números na tela              {r['figures'].best:7.1f} ms  mediana "
            f"{r['figures'].median:7.1f}  ({ratio:.1f} × o piso)",
            f"dia e pendências             {r['complete'].best:7.0f} ms  mediana "
            f"{r['complete'].median:7.0f}",
        ]
    )


NOTES = """\
- The window prepares the day's figures and Cobrança de hoje's cases once it is on screen;
  Início then shows the figures at once and fills the desk's day and the inbox after the day's
  régua drafts (drafted from the kept cases), without a modal progress: the window stays
  usable meanwhile.
- *Dia e pendências* is `DeskService.overview` (every overdue patient's step, message and PIX
  drafted) as the view runs it; `bench_worklist` times the same service call outside the
  window (*tela do Início completa*)."""


def main(argv: Sequence[str] | None = None) -> int:
    args = clinic_arguments(__doc__ or "", argv, 5)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with quiet_home():
        results = run(args)
    text = render(results)
    print(text)
    if args.write_results and not args.smoke:
        write_section(
            SECTION, f"Measured {time.strftime('%Y-%m-%d')}:\n\n```\n{text}\n```\n\n{NOTES}"
        )
        print(f"\nresultados gravados em {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
