"""Ids a read model asks about: one statement however many ids — one array parameter on
PostgreSQL, one JSON text read by ``json_each`` on SQLite past one IN list (its limit on bound
parameters) — and a plain IN list for a few ids on SQLite."""

from __future__ import annotations

import sqlite3

from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from app.persistence.repositories._sql import (
    IN_LIMIT,
    IdArray,
    IdJson,
    among,
    has_json_each,
    id_lists,
)

people = Table("people", MetaData(), Column("id", Integer, primary_key=True))


def test_every_id_goes_in_one_statement_on_both_databases() -> None:
    ids = [7, 3, 3, *range(1000, 1000 + 2 * IN_LIMIT)]
    (everyone,) = id_lists(ids, "sqlite")
    assert isinstance(everyone, IdJson) and everyone == sorted(set(ids))
    (few,) = id_lists([7, 3, 3], "sqlite")
    assert few == [3, 7] and not isinstance(few, IdJson | IdArray)
    (everyone,) = id_lists(ids, "postgresql")
    assert isinstance(everyone, IdArray) and everyone == sorted(set(ids))
    assert list(id_lists([], "postgresql")) == [] and list(id_lists([], "sqlite")) == []


def test_among_is_an_in_list_or_one_array_parameter() -> None:
    (chunk,) = id_lists([1, 2, 3], "sqlite")
    on_sqlite = select(people.c.id).where(among(people.c.id, chunk))
    assert " IN " in str(on_sqlite.compile(dialect=sqlite.dialect()))
    (array,) = id_lists([1, 2, 3], "postgresql")
    compiled = (
        select(people.c.id).where(among(people.c.id, array)).compile(dialect=postgresql.dialect())
    )
    assert "= ANY (" in str(compiled) and list(compiled.params.values()) == [[1, 2, 3]]
    (many,) = id_lists(range(2 * IN_LIMIT), "sqlite")
    on_json = select(people.c.id).where(among(people.c.id, many)).compile(dialect=sqlite.dialect())
    assert "json_each(" in str(on_json) and len(on_json.params) == 1


def test_sqlite_finds_exactly_the_ids_of_one_json_parameter_past_its_variable_limit() -> None:
    """More ids than SQLite takes bound parameters (32,766 since 3.32; 999 before): one
    statement finds exactly those asked, none twice."""
    engine = create_engine("sqlite://")
    people.create(engine)
    with engine.begin() as conn:
        conn.execute(insert(people), [{"id": i} for i in range(1, 100_001)])
        asked = [*range(2, 80_000, 2), 99_999, 99_999, 123_456]  # one id twice, one nobody has
        (everyone,) = id_lists(asked, "sqlite")
        found = [
            r[0] for r in conn.execute(select(people.c.id).where(among(people.c.id, everyone)))
        ]
    assert len(asked) > 32_766 and sqlite3.sqlite_version_info >= (3, 38)
    assert sorted(found) == sorted(set(asked) - {123_456})


class _Dbapi:
    def __init__(self, version: tuple[int, ...]) -> None:
        self.sqlite_version_info = version


class _Dialect:
    name = "sqlite"

    def __init__(self, version: tuple[int, ...]) -> None:
        self.dbapi = _Dbapi(version)


def test_an_sqlite_without_json_each_gets_in_lists_in_chunks() -> None:
    """A SQLite library older than 3.38 (a Linux distribution's) has no ``json_each`` built
    in: its ids go in IN lists of ``IN_LIMIT``, every id once, rather than a statement that
    fails with *no such function*."""
    assert has_json_each(_Dialect((3, 38, 0))) and has_json_each(sqlite.dialect(dbapi=sqlite3))
    old = _Dialect((3, 37, 2))
    assert not has_json_each(old)
    ids = [7, 3, 3, *range(1000, 1000 + 2 * IN_LIMIT)]
    chunked = list(id_lists(ids, "sqlite", json_each=has_json_each(old)))
    assert [len(c) for c in chunked] == [IN_LIMIT, IN_LIMIT, 2]
    assert sorted(i for c in chunked for i in c) == sorted(set(ids))
    assert not any(isinstance(c, IdJson) for c in chunked)
