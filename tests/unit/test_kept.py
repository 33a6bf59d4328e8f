"""``KeptUnderMark``: a value is reused only for the same key under the same exact mark."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.domain.receivables import ChangeMark
from app.services.kept import KeptUnderMark


def test_a_value_is_kept_for_its_key_and_mark_only() -> None:
    computed: list[str] = []
    kept: KeptUnderMark[int] = KeptUnderMark()
    mark = ChangeMark((1, 2, 3, 4), 0)

    def look(key: str, now: ChangeMark) -> int:
        return kept.get(key, lambda: now, lambda: computed.append(key) or len(computed))

    assert look("hoje", mark) == 1
    assert look("hoje", mark) == 1  # nothing moved: reused
    assert look("amanhã", mark) == 2  # another key
    assert look("amanhã", ChangeMark((1, 2, 3, 5), 0)) == 3  # the data moved
    assert computed == ["hoje", "amanhã", "amanhã"]


def test_under_a_mark_that_is_not_exact_nothing_is_kept() -> None:
    kept: KeptUnderMark[int] = KeptUnderMark()
    busy = ChangeMark((1, 2, 3, 4), 0, exact=False)
    values = iter(range(10))
    assert kept.get("hoje", lambda: busy, lambda: next(values)) == 0
    assert kept.get("hoje", lambda: busy, lambda: next(values)) == 1
    exact = ChangeMark((1, 2, 3, 4), 0)
    assert kept.get("hoje", lambda: exact, lambda: next(values)) == 2
    assert kept.get("hoje", lambda: exact, lambda: next(values)) == 2


def test_a_value_read_alongside_is_kept_under_the_mark_taken_before_it_started() -> None:
    kept: KeptUnderMark[str] = KeptUnderMark()
    before = ChangeMark((1, 2, 3, 4), 0)
    started: list[str] = []

    def read(value: str) -> Callable[[], str]:
        started.append(value)
        return lambda: value

    first = kept.start("hoje", before, lambda: read("lido"))
    assert started == ["lido"]  # started at once; the caller waits for it later
    assert first() == "lido"
    assert kept.start("hoje", before, lambda: read("de novo"))() == "lido"  # nothing moved
    # A change landed while it was read: the mark moved after it was taken, so the next
    # look reads again instead of trusting a value that may predate the change.
    after = ChangeMark((1, 2, 3, 5), 0)
    assert kept.start("hoje", after, lambda: read("depois"))() == "depois"
    assert kept.start("amanhã", after, lambda: read("amanhã"))() == "amanhã"
    assert started == ["lido", "depois", "amanhã"]


def test_a_value_read_alongside_under_a_mark_that_is_not_exact_is_not_kept() -> None:
    kept: KeptUnderMark[int] = KeptUnderMark()
    busy = ChangeMark((1, 2, 3, 4), 0, exact=False)
    values = iter(range(10))

    def read() -> Callable[[], int]:
        value = next(values)
        return lambda: value

    assert kept.start("hoje", busy, read)() == 0
    assert kept.start("hoje", busy, read)() == 1


def test_a_value_whose_read_failed_is_not_kept() -> None:
    kept: KeptUnderMark[int] = KeptUnderMark()
    mark = ChangeMark((1, 2, 3, 4), 0)

    def failed() -> int:
        raise RuntimeError("o banco caiu")

    def nine() -> int:
        return 9

    with pytest.raises(RuntimeError):
        kept.start("hoje", mark, lambda: failed)()
    assert kept.start("hoje", mark, lambda: nine)() == 9
