"""``gc_paused``: no cyclic collection while a computation builds its objects, and afterwards
nothing left for the next young collection to walk — while garbage cycles made meanwhile are
still freed by a full collection (nothing leaks)."""

from __future__ import annotations

import gc
import weakref

import pytest

from app.services.base import gc_paused


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.mark.parametrize("enabled", [True, False])  # the command line's; the window's workers'
def test_what_a_pause_made_is_not_left_to_the_next_young_collection(enabled: bool) -> None:
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with gc_paused():
            assert not gc.isenabled()
            kept = [[i] for i in range(50_000)]  # rows a screen keeps
            assert gc.get_count()[0] > 10_000
        assert gc.isenabled() is enabled
        # The next young collection does not walk the 50,000 lists (on the window's UI
        # thread, a pause of 50–60 ms after each worklist at 20,000 patients).
        assert gc.get_count()[0] < 1_000
        assert len(kept) == 50_000 and kept[-1] == [49_999]
    finally:
        (gc.enable if was else gc.disable)()


def test_garbage_cycles_made_during_a_pause_are_still_freed() -> None:
    with gc_paused():
        a, b = Node(), Node()
        a.other, b.other = b, a
        watch = weakref.ref(a)
        del a, b
    assert watch() is not None  # a cycle: only the collector frees it
    gc.collect()
    assert watch() is None
