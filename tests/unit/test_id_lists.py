"""Ids a read model asks about: IN lists in chunks on SQLite (its limit on bound parameters),
one array parameter on PostgreSQL (one statement however many ids)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from app.persistence.repositories._sql import IN_LIMIT, IdArray, among, id_lists

people = Table("people", MetaData(), Column("id", Integer, primary_key=True))


def test_sqlite_gets_chunks_and_postgresql_everything_at_once() -> None:
    ids = [7, 3, 3, *range(1000, 1000 + 2 * IN_LIMIT)]
    chunked = list(id_lists(ids, "sqlite"))
    assert [len(c) for c in chunked] == [IN_LIMIT, IN_LIMIT, 2]
    assert sorted(i for c in chunked for i in c) == sorted(set(ids))
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
