"""Python's cyclic garbage collector, run on the UI thread only.

CPython runs its cyclic collector in whichever thread happens to allocate when a generation's
threshold is crossed. In a Qt program that thread may be a worker of ``ui.tasks`` (a worklist, a
backup, a batch of PDFs) — and if the garbage it finds holds a Qt object (a closed dialog, a
window, a model caught in a reference cycle), the object's C++ side is destroyed from that
worker while the UI thread may be using it: a segmentation fault at a random moment, far from
its cause. So once the window starts, automatic collection is turned off and this module
collects on the UI thread instead — from a timer, with the collector's own thresholds, so the
cost is the same as before (the pattern calibre, GitFourchette and OpenCue use).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1_000

_installed: UiThreadCollector | None = None


def collect_due() -> None:
    """Collect the generations whose thresholds the allocations since the last run crossed
    (what CPython itself would have done by now). Call it on the UI thread only."""
    threshold = gc.get_threshold()
    counts = gc.get_count()
    for generation in (2, 1, 0):
        if counts[generation] > threshold[generation]:
            gc.collect(generation)  # a generation's collection includes the younger ones
            return


class UiThreadCollector(QObject):
    """Turns automatic collection off and runs ``collect_due`` every ``INTERVAL_MS`` on the
    thread it lives in (the UI thread)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(collect_due)
        self.timer.start()


def install(application: QObject) -> UiThreadCollector:
    """Collect on ``application``'s thread from now on (once per process)."""
    global _installed
    if _installed is None:
        _installed = UiThreadCollector(application)
    return _installed


def installed() -> bool:
    return _installed is not None
