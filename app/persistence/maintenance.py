"""Whole-database chores that go below the repositories: copying a clinic from one database to
another (this PC's SQLite file → the clinic's PostgreSQL server, and back) and putting
PostgreSQL's id sequences right after rows were written with explicit ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Table, bindparam, func, select, text, update

from app.persistence.models import Base
from app.progress import IsCancelled, Progress, stop_if_cancelled

CHUNK = 2_000


def sync_id_sequences(conn: Connection) -> None:
    """PostgreSQL hands out ids from a sequence per table; rows inserted with explicit ids do
    not move it, so the next normal insert would collide. Set each to the table's max id."""
    if conn.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 1), "
                f"(SELECT MAX(id) FROM {table.name}) IS NOT NULL)"
            )
        )


def after_bulk_load(conn: Connection) -> None:
    """After many rows went in at once (demo, copy): sequences right, and on PostgreSQL fresh
    planner statistics — without them the first queries on a just-copied clinic pick sequential
    scans and take seconds instead of milliseconds (bench/RESULTS.md, Application)."""
    sync_id_sequences(conn)
    if conn.dialect.name == "postgresql":
        conn.execute(text("ANALYZE"))


def table_counts(conn: Connection) -> dict[str, int]:
    return {
        table.name: int(conn.scalar(select(func.count()).select_from(table)) or 0)
        for table in Base.metadata.sorted_tables
    }


def _self_references(table: Table) -> list[str]:
    """Columns pointing at the same table (a responsável; a payment and its estorno point at
    each other): inserted empty, then filled in once every row of the table exists."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


@dataclass(frozen=True)
class CopyReport:
    counts: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def copy_all_rows(
    source: Engine,
    target: Engine,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> CopyReport:
    """Copy every row of every table, ids included, in one transaction on the target.

    The target must be migrated to the same revision and empty (checked by the caller). Any
    failure or a cancel rolls the target back to empty; the source is only read.
    """
    with source.connect() as src:
        counts = table_counts(src)
        total = sum(counts.values())
        done = 0
        with target.begin() as dst:
            for table in Base.metadata.sorted_tables:
                if not counts[table.name]:
                    continue
                later = _self_references(table)
                links: list[dict[str, object]] = []
                rows = src.execute(select(table).order_by(*table.primary_key.columns))
                while batch := rows.fetchmany(CHUNK):
                    # Leaving the transaction rolls the target back: nothing was written.
                    stop_if_cancelled(cancelled, "Cópia cancelada; nada foi gravado no destino.")
                    chunk = [dict(r._mapping) for r in batch]
                    for row in chunk:
                        refs = {name: row[name] for name in later if row[name] is not None}
                        if refs:
                            links.append(
                                {"b_id": row["id"], **{f"b_{k}": v for k, v in refs.items()}}
                            )
                            for name in refs:
                                row[name] = None
                    dst.execute(table.insert(), chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
                for name in later:
                    mine = [
                        {"b_id": link["b_id"], f"b_{name}": link[f"b_{name}"]}
                        for link in links
                        if f"b_{name}" in link
                    ]
                    if mine:
                        dst.execute(
                            update(table)
                            .where(table.c.id == bindparam("b_id"))
                            .values({name: bindparam(f"b_{name}")}),
                            mine,
                        )
            after_bulk_load(dst)
            copied = table_counts(dst)
            if copied != counts:  # pragma: no cover - a bug, not a user error: roll back
                raise RuntimeError(f"copy mismatch: {counts} != {copied}")
    vacuum_after_bulk_load(target)
    return CopyReport(counts)


def vacuum_after_bulk_load(engine: Engine) -> None:
    """PostgreSQL, once the copied rows are committed: ``VACUUM (ANALYZE)`` marks the pages all
    visible, so the worklist's and Início's index-only scans stop visiting the table for every
    row (right after a copy of 80,000 patients, the change mark took 207 ms instead of 3 ms)
    until autovacuum gets there. Outside a transaction, as VACUUM requires."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE)"))
