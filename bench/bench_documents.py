"""Bench: 1,000 notificações extrajudiciais through the real batch (query, ``updated_debt``,
layout, embedded fonts, SHA-256, archive file + database record) against a bare ReportLab canvas
writing the same number of PDFs — the same pages, text and fonts, drawn by hand — in the same
run. Target: EmDia ≤ 1.5 × the bare canvas. A batch this big renders in worker processes: its
CPU time includes theirs.

    .venv/bin/python bench/bench_documents.py [--count 1000] [--patients 6000]

Prints one line per side and the ratio; exit 1 when the ratio is above the target.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from datetime import time as clock_time
from pathlib import Path

TARGET_RATIO = 1.5
TODAY = date(2026, 11, 25)


def cpu_time() -> float:
    """CPU seconds of this process and of its ended children (the batch's render workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def pages_text(pdf: Path) -> list[list[str]]:
    """The lines of each page of one generated notification (what the bare canvas draws)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
    return [[line for line in text.splitlines() if line.strip()] for text in texts]


def bare_canvas(documents: list[list[list[str]]], out: Path) -> tuple[float, float]:
    """The same documents drawn by hand on a bare canvas, one PDF each: the same pages with the
    same text lines in the same embedded fonts (bold for the clinic's name, the title and the
    table's header and total rows), the header and footer rules, and a shaded, ruled row under
    every line that carries an amount — the notification without EmDia's layout layer, database
    or archive. Returns (wall, CPU) seconds."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from app.documents.layout import BOLD, FONT, SHADE, register_fonts

    register_fonts()
    out.mkdir(parents=True, exist_ok=True)
    width, height = A4
    start = time.perf_counter(), time.process_time()
    for index, pages in enumerate(documents):
        canvas = Canvas(str(out / f"bare-{index:05d}.pdf"), pagesize=A4, invariant=1)
        for lines in pages:
            canvas.setLineWidth(0.6)
            canvas.line(62, height - 112, width - 51, height - 112)
            canvas.line(62, 37, width - 51, 37)
            y = height - 50
            for number, line in enumerate(lines):
                if "R$" in line:
                    canvas.setFillColor(SHADE)
                    canvas.rect(62, y - 3, width - 113, 12, stroke=0, fill=1)
                    canvas.setFillColorRGB(0, 0, 0)
                    canvas.line(62, y - 3, width - 51, y - 3)
                bold = number < 2 or line.isupper() or "Total" in line
                canvas.setFont(BOLD if bold else FONT, 9)
                canvas.drawString(62, y, line)
                y -= 13
            canvas.showPage()
        canvas.save()
    return time.perf_counter() - start[0], time.process_time() - start[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=None, help="notifications (default 1000)")
    parser.add_argument("--patients", type=int, default=None, help="demo size (default 6000)")
    parser.add_argument("--smoke", action="store_true", help="tiny clinic, 20 notifications")
    args, unknown = parser.parse_known_args(argv)  # `make bench ARGS=…` goes to every script
    if "--write-results" in unknown:
        print("bench_documents: its section of bench/RESULTS.md is written by hand (see there)")
    if args.count is None:
        args.count = 20 if args.smoke else 1000
    if args.patients is None:
        args.patients = 300 if args.smoke else 6000

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["EMDIA_HOME"] = tmp
        from app.bootstrap import bootstrap
        from app.clock import FixedClock
        from app.config import load_config

        services = bootstrap(
            load_config(str(Path(tmp) / "bench.db")), FixedClock(TODAY, clock_time(9))
        )
        started = time.perf_counter()
        services.demo.create(patients=args.patients, seed=1)
        print(f"demo clinic: {args.patients} patients in {time.perf_counter() - started:.1f} s")
        candidates = len(services.document_batch.overdue_candidates(1))
        if candidates < args.count:
            print(f"only {candidates} overdue contracts; raise --patients", file=sys.stderr)
            return 2

        made = [0]

        def progress(done: int, _total: int) -> None:
            made[0] = done

        start = time.perf_counter(), cpu_time()
        result = services.document_batch.notifications(
            1, progress, cancelled=lambda: made[0] >= args.count
        )
        emdia = time.perf_counter() - start[0]
        emdia_cpu = cpu_time() - start[1]  # the render workers' too (ended with the batch)
        generated = len(result.documents)
        texts = [pages_text(Path(d.file_path)) for d in result.documents]
        pages = sum(len(t) for t in texts)
        bare, bare_cpu = bare_canvas(texts, Path(tmp) / "bare")
        services.close()

    ratio = emdia / bare
    print(
        f"EmDia batch:  {generated} notifications ({pages} pages) in {emdia:.2f} s wall, "
        f"{emdia_cpu:.2f} s CPU "
        f"({1000 * emdia / generated:.1f} ms each)"
    )
    print(
        f"bare canvas:  {generated} PDFs in {bare:.2f} s wall, {bare_cpu:.2f} s CPU "
        f"({1000 * bare / generated:.1f} ms each; the same {pages} pages of text)"
    )
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    if args.smoke:
        verdict += "; smoke size, not meaningful"
    print(
        f"ratio: {ratio:.2f}x wall, {emdia_cpu / bare_cpu:.2f}x CPU "
        f"(target <= {TARGET_RATIO}x: {verdict})"
    )
    return 0  # a measurement, not a gate: the ratio is reported (bench/RESULTS.md), never fails


if __name__ == "__main__":
    sys.exit(main())
