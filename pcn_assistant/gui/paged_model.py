"""A table model that pages rows from a service instead of holding them all.

``rowCount`` is the SQL count; rows are fetched a page at a time as the view scrolls,
and sorting asks the database again. Holding 350,000 rows in Python (or filtering
them with QSortFilterProxyModel) takes seconds; a page of 200 takes milliseconds.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

PageFetcher = Callable[[str, bool, int, int], Sequence[Any]]  # sort key, descending, offset, limit
Counter = Callable[[], int]
CellFormatter = Callable[[Any, str], Any]

MAX_CACHED_PAGES = 20


class PagedTableModel(QAbstractTableModel):
    def __init__(
        self, columns: Sequence[tuple[str, str]], fetch_page: PageFetcher, count: Counter,
        format_cell: CellFormatter, page_size: int = 200, parent=None,  # noqa: ANN001
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._fetch_page = fetch_page
        self._count = count
        self._format_cell = format_cell
        self._page_size = page_size
        self._pages: OrderedDict[int, Sequence[Any]] = OrderedDict()
        self._total = 0
        self.sort_key = self._columns[0][0]
        self.descending = False

    # Qt model API
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802, ANN201
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section][1]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole):
            return None
        row = self.row_object(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.UserRole:
            return row
        return self._format_cell(row, self._columns[index.column()][0])

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_key = self._columns[column][0]
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.refresh()

    # Our API
    def row_object(self, row: int) -> Any | None:
        page_index, offset = divmod(row, self._page_size)
        page = self._page(page_index)
        return page[offset] if offset < len(page) else None

    def refresh(self) -> None:
        """Re-count and drop cached pages (after a filter, sort or data change)."""
        self.beginResetModel()
        self._pages.clear()
        self._total = self._count()
        self.endResetModel()

    def show_first_page(self, rows: Sequence[Any]) -> None:
        """Reset to ``rows`` as page 0 and that many rows, before the count is known
        (``set_total`` then grows the table): the first paint need not wait for a count."""
        self.beginResetModel()
        self._pages.clear()
        self._pages[0] = rows
        self._total = len(rows)
        self.endResetModel()

    def set_total(self, total: int) -> None:
        """The count, once known: rows are added (or removed) at the end."""
        if total > self._total:
            self.beginInsertRows(QModelIndex(), self._total, total - 1)
            self._total = total
            self.endInsertRows()
        elif total < self._total:
            self.beginRemoveRows(QModelIndex(), total, self._total - 1)
            self._total = total
            self.endRemoveRows()

    @property
    def page_size(self) -> int:
        return self._page_size

    @property
    def total(self) -> int:
        return self._total

    def _page(self, page_index: int) -> Sequence[Any]:
        if page_index in self._pages:
            self._pages.move_to_end(page_index)
            return self._pages[page_index]
        rows = self._fetch_page(self.sort_key, self.descending, page_index * self._page_size, self._page_size)
        self._pages[page_index] = rows
        if len(self._pages) > MAX_CACHED_PAGES:
            self._pages.popitem(last=False)
        return rows
