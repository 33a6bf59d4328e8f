"""Writing many prepared rows at once (the demonstration clinic: 400,000 installments in
seconds; a spreadsheet's parcelas, payments and allocations): Core ``executemany`` statements
inside the unit of work's transaction, with none of the ORM's per-object bookkeeping."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, func, select, update

from app.persistence import models
from app.persistence.maintenance import after_bulk_load
from app.persistence.repositories._sql import Repository, begin_write


class BulkLoader(Repository):
    def insert(self, model: type[models.Base], rows: list[dict[str, Any]]) -> None:
        """Insert ``rows`` (column → value, ids included) into ``model``'s table."""
        self.session.execute(cast(Table, model.__table__).insert(), rows)  # Core executemany: fast

    def insert_returning_ids(
        self, model: type[models.Base], rows: list[dict[str, Any]]
    ) -> list[int]:
        """Insert ``rows`` (no ids) and return the ids the database gave them, in the rows'
        order, with one ``executemany`` (the spreadsheet import's patients, parcelas and
        payments, in a clinic where other PCs may be adding rows at the same time): with
        RETURNING on PostgreSQL, under the write lock on SQLite."""
        if not rows:
            return []
        table = cast(Table, model.__table__)
        if self.session.connection().dialect.name == "sqlite":
            # SQLite does not promise the order of a multi-row INSERT's RETURNING, so SQLAlchemy
            # would send the rows one statement each (10,000 round trips for a spreadsheet).
            # Under the database's write lock, held until the commit, nobody else adds rows: the
            # ids SQLite itself would give (the largest + 1, + 2, …) are given here, and the
            # rows go in with one executemany.
            begin_write(self.session)
            first = int(self.session.scalar(select(func.max(table.c.id))) or 0) + 1
            ids = list(range(first, first + len(rows)))
            numbered = [{**row, "id": i} for row, i in zip(rows, ids, strict=True)]
            self.session.execute(table.insert(), numbered)
            return ids
        stmt = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        return list(self.session.execute(stmt, rows).scalars())

    def update_by_id(self, model: type[models.Base], rows: list[dict[str, Any]]) -> None:
        """Set columns of existing rows, each row naming its ``id`` (one bulk UPDATE)."""
        self.session.execute(update(model), rows)

    def after_load(self) -> None:
        """After rows were written with explicit ids: PostgreSQL's sequences must follow."""
        after_bulk_load(self.session.connection())
