"""The last value of a pure computation for each key, with the input it came from.

The worklist's rows (``risk.assess``) and Cobrança de hoje's messages are computed again at
each look, although a payment changes a few of their thousands of inputs. What they compute
is a function of its input alone, so an input equal to the last one gives back the last value
without computing it: correct by construction, as long as the input holds everything the
computation reads. Equality, not identity, decides — an input read again from the database
that has not changed is equal."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
I = TypeVar("I")  # noqa: E741 - the input
V = TypeVar("V")


class LastOf(Generic[K, I, V]):
    """Each key's last value and its input. Two threads at once may share one: every entry is
    an input and the value computed from it, whoever wrote it."""

    def __init__(self) -> None:
        self._last: dict[K, tuple[I, V]] = {}

    def get(self, key: K, inputs: I, compute: Callable[[I], V]) -> V:
        """``compute(inputs)``, or the value kept for ``key`` when its input equals ``inputs``."""
        last = self._last.get(key)
        if last is not None and last[0] == inputs:
            return last[1]
        value = compute(inputs)
        self._last[key] = (inputs, value)
        return value

    def keep_only(self, keys: Collection[K]) -> None:
        """Forget the keys not in ``keys`` (no longer shown)."""
        self._last = {k: v for k, v in list(self._last.items()) if k in keys}
