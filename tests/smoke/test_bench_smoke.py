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
