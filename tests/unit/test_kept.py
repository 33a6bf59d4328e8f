"""``KeptUnderMark``: a value is reused only for the same key under the same exact mark."""

from __future__ import annotations

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
