"""Reads started alongside: on a unit of work of their own, on another thread; their value or
their error comes out where the caller waits for it; without ``alongside`` they are done at once
in the caller's unit of work."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from app.config import load_config
from app.errors import DatabaseError
from app.services.alongside import Alongside, beside_file, for_few_rows, for_many_rows, start_read


class FakeUow:
    def __init__(self, opened: list[FakeUow]) -> None:
        self.thread: threading.Thread | None = None
        self.closed = False
        opened.append(self)

    def __enter__(self) -> FakeUow:
        self.thread = threading.current_thread()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closed = True


def test_a_read_runs_on_its_own_unit_of_work_on_another_thread() -> None:
    opened: list[FakeUow] = []
    alongside = Alongside(lambda: FakeUow(opened))  # type: ignore[arg-type,return-value]
    started = threading.Event()
    go_on = threading.Event()

    def read(uow: Any) -> str:
        started.set()
        assert go_on.wait(5)
        return f"lido em {uow.thread.name}"

    result = alongside.start(read)
    assert started.wait(5)  # it is running while the caller goes on
    go_on.set()
    assert result().startswith("lido em emdia-read")
    assert [u.closed for u in opened] == [True]


def test_a_reads_error_comes_out_where_the_caller_waits() -> None:
    opened: list[FakeUow] = []
    alongside = Alongside(lambda: FakeUow(opened))  # type: ignore[arg-type,return-value]

    def read(uow: Any) -> None:
        raise DatabaseError("O servidor do banco de dados não respondeu.")

    result = alongside.start(read)
    with pytest.raises(DatabaseError, match="não respondeu"):
        result()
    assert [u.closed for u in opened] == [True]


def test_without_alongside_the_read_is_done_at_once_in_the_callers_unit_of_work() -> None:
    mine = FakeUow([])
    seen: list[Any] = []
    result = start_read(mine, lambda uow: seen.append(uow) or 7, None)  # type: ignore[arg-type,func-returns-value]
    assert seen == [mine]  # before anyone asked for the value
    assert result() == 7


@pytest.mark.parametrize(
    ("url", "many", "few", "beside"),
    [
        ("postgresql+psycopg://emdia@servidor/clinica", True, True, False),
        ("sqlite:////dados/clinica.db", False, True, True),
        # Each thread would open a database of its own.
        ("sqlite:///:memory:", False, False, False),
    ],
)
def test_which_reads_go_alongside_on_each_database(
    url: str, many: bool, few: bool, beside: bool
) -> None:
    config = load_config(url)
    assert (for_many_rows(config, lambda: FakeUow([])) is not None) is many  # type: ignore[arg-type,return-value]
    assert (for_few_rows(config, lambda: FakeUow([])) is not None) is few  # type: ignore[arg-type,return-value]
    assert (beside_file(config, lambda: FakeUow([])) is not None) is beside  # type: ignore[arg-type,return-value]


def test_beside_a_sqlite_file_reads_run_one_after_the_other_in_the_order_started() -> None:
    # The overdue money's read goes first and Início's sums wait for it: run together, they
    # would share the one core the computation leaves.
    beside = beside_file(load_config("sqlite:////dados/clinica.db"), lambda: FakeUow([]))  # type: ignore[arg-type,return-value]
    assert beside is not None
    first_started, go_on, second_started = threading.Event(), threading.Event(), threading.Event()

    def first(uow: Any) -> str:
        first_started.set()
        assert go_on.wait(5)
        return "primeira"

    def second(uow: Any) -> str:
        second_started.set()
        return "segunda"

    results = beside.start(first), beside.start(second)
    assert first_started.wait(5)
    assert not second_started.wait(0.2)  # waits for the first
    go_on.set()
    assert [result() for result in results] == ["primeira", "segunda"]
