"""The worklist benchmark runs (tiny, no timings judged) so it never rots; ``make bench`` runs
the real one at 20,000 patients."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import bench_worklist


def test_bench_runs_and_its_raw_floor_gives_the_same_worklist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = bench_worklist.main(
        ["--smoke", "--patients", "30", "--cache-dir", str(tmp_path / "cache")]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "resultado idêntico: sim" in out
    for measured in ("razão worklist / piso", "busca (p95", "painel (frio)", "pico de memória"):
        assert measured in out
    assert "meta" not in out  # a smoke run judges nothing
    assert list((tmp_path / "cache").glob("demo-30p-*.db"))


def test_the_reports_bench_runs_and_every_report_matches_its_floor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import bench_reports

    code = bench_reports.main(
        ["--smoke", "--patients", "30", "--cache-dir", str(tmp_path / "cache")]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "totais idênticos ao piso: sim" in out
    for report in ("caixa", "recebimentos", "inadimplencia", "efetividade", "carteira",
                   "previsao"):  # fmt: skip
        assert f"\n{report} (" in out
    assert "meta" not in out  # a smoke run judges nothing


def test_the_growth_bench_measures_each_size_on_its_own_clinic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench import bench_growth

    for server in ("EMDIA_TEST_PG_URL", "EMDIA_BENCH_PG_URL"):  # SQLite only, here
        monkeypatch.delenv(server, raising=False)
    code = bench_growth.main(
        ["--smoke", "--sizes", "20,30", "--cache-dir", str(tmp_path / "cache")]
    )
    out = capsys.readouterr().out
    assert code == 0
    rows = [line.split() for line in out.splitlines() if line.startswith("SQLite ")]
    assert len(rows) == 2
    assert int(rows[0][1]) < int(rows[1][1])  # people: the smaller clinic first
    assert "meta" not in out  # a smoke run judges nothing
    assert len(list((tmp_path / "cache").glob("demo-*p-*.db"))) == 2


def test_the_growth_verdict_is_the_cost_per_overdue_installment() -> None:
    from bench.bench_growth import Point, render
    from bench.bench_worklist import Timing

    def point(patients: int, overdue: int, cpu_ms: float) -> Point:
        t = Timing([cpu_ms], [cpu_ms])
        return Point("SQLite", patients, overdue * 10, overdue, t, t, t, t, 1.0, t)

    def verdict(points: list[Point]) -> str:
        out = render({"points": points, "reference_us": 10.0, "load": (0, 0, 0), "runs": 1}, False)
        return next(line for line in out.splitlines() if "por parcela" in line)

    linear = [point(5_000, 1_000, 100.0), point(20_000, 4_000, 420.0)]  # 100 → 105 µs: +5 %
    assert "+5%" in verdict(linear) and verdict(linear).endswith("OK)")
    quadratic = [point(5_000, 1_000, 100.0), point(20_000, 4_000, 1_600.0)]  # 100 → 400 µs
    assert "+300%" in verdict(quadratic) and "NÃO ATINGIDA" in verdict(quadratic)


def test_the_growth_verdict_is_the_median_of_the_rounds_and_names_the_floors_growth() -> None:
    from bench.bench_growth import Point, render
    from bench.bench_worklist import Timing

    small = Timing([100.0, 100.0, 100.0], [100.0, 100.0, 100.0])  # 1,000 overdue: 100 µs
    # 4,000 overdue, three rounds: 100, 250 (a slow moment of the machine) and 110 µs each.
    large = Timing([400.0, 1_000.0, 440.0], [400.0, 1_000.0, 440.0])
    floors = Timing([50.0], [50.0]), Timing([240.0], [240.0])  # 50 → 60 µs: +20 %
    points = [
        Point("SQLite", 5_000, 10_000, 1_000, small, floors[0], small, small, 1.0, small),
        Point("SQLite", 20_000, 40_000, 4_000, large, floors[1], large, large, 1.0, large),
    ]
    out = render({"points": points, "reference_us": 10.0, "load": (0, 0, 0), "runs": 3}, False)
    verdict = next(line for line in out.splitlines() if "por parcela" in line)
    assert ": +10%, mediana das rodadas (+0%, +150%, +10%" in verdict  # not the slow round
    assert verdict.endswith("OK)")
    assert "o piso (sqlite3 puro) no mesmo caminho: +20%" in out


def test_the_80000_patient_postgresql_line_names_the_worklist_as_the_window_opens_it() -> None:
    from bench.bench_growth import Point, render
    from bench.bench_worklist import Timing

    cold, prepared = Timing([5_900.0], [4_100.0]), Timing([1_700.0], [1_300.0])
    inicio = Timing([2_800.0], [2_000.0])
    point = Point(
        "PostgreSQL", 91_935, 1_595_656, 102_861, cold, None, inicio, inicio, 1.0, prepared
    )
    out = render({"points": [point], "reference_us": 10.0, "load": (0, 0, 0), "runs": 1}, False)
    line = next(line for line in out.splitlines() if line.startswith("PostgreSQL, 91,935"))
    assert "worklist 5,900 ms" in line and "NÃO ATINGIDA" in line
    assert line.endswith("o worklist como a janela o abre (preparado): 1,700 ms")
