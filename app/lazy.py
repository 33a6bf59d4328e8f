"""An attribute built the first time it is read, and its module imported then.

The window's first screen needs a handful of EmDia's thirty services and twenty repositories;
importing every one of them (and the domain modules behind them) cost the start about as much
as Qt itself. ``Built`` keeps the object graph declared in one place while building each piece
on first use. After the first read the value is a plain attribute of the instance (``Built``
has no ``__set__``, so the instance's own value wins): no cost on later reads.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Generic, TypeVar, overload

Owner = TypeVar("Owner")
T = TypeVar("T")


class Built(Generic[Owner, T]):
    """``build(owner)`` on the first read of the attribute; with ``lock``, built once under the
    lock it gives for the owner (objects read from several threads)."""

    def __init__(
        self,
        build: Callable[[Owner], T],
        lock: Callable[[Owner], AbstractContextManager[Any]] | None = None,
    ) -> None:
        self._build = build
        self._lock = lock
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type) -> Built[Owner, T]: ...
    @overload
    def __get__(self, instance: Owner, owner: type) -> T: ...
    def __get__(self, instance: Owner | None, owner: type) -> Built[Owner, T] | T:
        if instance is None:
            return self
        values = instance.__dict__
        with self._lock(instance) if self._lock is not None else nullcontext():
            if self._name not in values:  # another thread may have built it meanwhile
                values[self._name] = self._build(instance)
            found: T = values[self._name]
            return found


def imported(module: str, name: str) -> Any:
    """``module.name``, importing ``module`` now."""
    return getattr(importlib.import_module(module), name)
