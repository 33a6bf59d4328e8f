"""Lazy tables over a service's paged search: pages arrive as the user scrolls (fetchMore), so
a list of 20,000 patients never loads at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ui.models.rows_model import RIGHT

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")
Q = TypeVar("Q")

PAGE = 200


class QueryTableModel(QAbstractTableModel, Generic[T, Q]):
    """A lazy table over ``search(query, offset, limit)`` and ``count(query)``, for any kind of
    query (a search text, the audit log's filters). Subclasses give ``HEADERS``,
    ``RIGHT_ALIGNED`` and ``cells(item)``; ``TOOLTIPS`` repeats each cell in its tooltip (for
    long texts cut by the column)."""

    HEADERS: Sequence[str] = ()
    RIGHT_ALIGNED: Sequence[int] = ()
    TOOLTIPS = False

    def __init__(
        self, search: Callable[[Q, int, int], list[T]], count: Callable[[Q], int], query: Q
    ) -> None:
        super().__init__()
        self._search = search
        self._count = count
        self.query = query
        self.total = 0
        self.rows: list[T] = []

    def cells(self, item: T) -> Sequence[str]:
        raise NotImplementedError

    def set_query(self, query: Q) -> None:
        total, rows = self._count(query), self._search(query, 0, PAGE)
        self.beginResetModel()  # only once the rows are here: a refusal leaves the list as is
        self.query, self.total, self.rows = query, total, rows
        self.endResetModel()

    def refresh(self) -> None:
        self.set_query(self.query)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more = self._search(self.query, len(self.rows), PAGE)
        if not more:
            self.total = len(self.rows)
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        shown = role == Qt.ItemDataRole.DisplayRole
        if shown or (self.TOOLTIPS and role == Qt.ItemDataRole.ToolTipRole):
            return self.cells(self.rows[index.row()])[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.RIGHT_ALIGNED:
            return int(RIGHT.value)
        return None

    def item(self, row: int) -> T:
        return self.rows[row]


class PagedTableModel(QueryTableModel[T, str]):
    """A lazy table over a service's search by text (patients, contracts, documents…)."""

    def __init__(
        self, search: Callable[[str, int, int], list[T]], count: Callable[[str], int]
    ) -> None:
        super().__init__(search, count, "")
