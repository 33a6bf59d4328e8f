"""Cyclic garbage is collected on the UI thread, never by a worker that happens to allocate (a
Qt object destroyed from a worker thread crashes the program at a random moment)."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QApplication

from ui import garbage


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_a_worker_allocating_never_collects_and_the_ui_thread_does(qapp: QApplication) -> None:
    garbage.install(qapp)
    assert not gc.isenabled()
    freed_in: list[threading.Thread] = []
    weakref.finalize(Cycle(), lambda: freed_in.append(threading.current_thread()))

    def allocate() -> None:  # garbage cycles far past the collector's first threshold (700)
        for _ in range(5_000):
            Cycle()

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    assert freed_in == []  # the worker allocated, but did not collect
    garbage.collect_due()
    assert freed_in == [threading.main_thread()]


def test_the_window_application_collects_on_its_own_thread(qapp: QApplication) -> None:
    from ui.main import make_application

    assert make_application() is qapp
    assert garbage.installed() and not gc.isenabled()
