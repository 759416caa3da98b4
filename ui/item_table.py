"""The table of search results (STAC items): id, date, cloud cover, platform, GSD, off-nadir, collection."""

from __future__ import annotations

from typing import Any, List, Optional

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, Qt
from qgis.PyQt.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from ..i18n import tr

#: the widest the ID column starts (pixels): a narrow dock shows the other columns too
ID_WIDTH = 120
COLUMNS = (
    QT_TRANSLATE_NOOP("PixxelQgis", "ID"),
    QT_TRANSLATE_NOOP("PixxelQgis", "Date"),
    QT_TRANSLATE_NOOP("PixxelQgis", "Cloud %"),
    QT_TRANSLATE_NOOP("PixxelQgis", "Platform"),
    QT_TRANSLATE_NOOP("PixxelQgis", "GSD (m)"),
    QT_TRANSLATE_NOOP("PixxelQgis", "Off-nadir °"),
    QT_TRANSLATE_NOOP("PixxelQgis", "Collection"),
)


class _NumItem(QTableWidgetItem):
    """Sorts by the number, shows the text."""

    def __init__(self, value: Optional[float], fmt: str = "{:.1f}"):
        super().__init__("" if value is None else fmt.format(value))
        self.value = value
        self.setTextAlignment(int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))

    def __lt__(self, other):
        a = self.value if self.value is not None else float("-inf")
        b = getattr(other, "value", None)
        b = b if b is not None else float("-inf")
        return a < b


def _prop(item: Any, name: str) -> Any:
    props = getattr(item, "properties", None)
    return getattr(props, name, None) if props is not None else None


def item_date_text(item: Any) -> str:
    when = _prop(item, "datetime") or _prop(item, "startdatetime")
    if when is None:
        return ""
    try:
        return when.strftime("%Y-%m-%d %H:%M")
    except AttributeError:
        return str(when)


class ItemTable(QTableWidget):
    """Multi-select table of search items; ``items`` holds the items in insertion order."""

    def __init__(self, parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.items: List[Any] = []
        self.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self.setAlternatingRowColors(True)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setMinimumHeight(140)

    def set_items(self, items: List[Any]) -> None:
        self.setSortingEnabled(False)
        self.clearContents()
        self.items = list(items)
        self.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            id_cell = QTableWidgetItem(str(item.id))
            id_cell.setData(Qt.ItemDataRole.UserRole, row)
            id_cell.setToolTip(str(item.id))
            self.setItem(row, 0, id_cell)
            self.setItem(row, 1, QTableWidgetItem(item_date_text(item)))
            self.setItem(row, 2, _NumItem(_prop(item, "cloud_cover")))
            self.setItem(row, 3, QTableWidgetItem(_prop(item, "platform") or _prop(item, "constellation") or ""))
            self.setItem(row, 4, _NumItem(_prop(item, "gsd"), "{:g}"))
            self.setItem(row, 5, _NumItem(_prop(item, "off_nadir")))
            self.setItem(row, 6, QTableWidgetItem(getattr(item, "collection", None) or ""))
        self.setSortingEnabled(True)
        self.resizeColumnsToContents()
        self.setColumnWidth(0, min(self.columnWidth(0), ID_WIDTH))  # long ids elided; the tooltip has them

    def selected_items(self) -> List[Any]:
        rows = sorted({idx.row() for idx in self.selectionModel().selectedRows()})
        out = []
        for row in rows:
            cell = self.item(row, 0)
            if cell is not None:
                out.append(self.items[int(cell.data(Qt.ItemDataRole.UserRole))])
        return out

    def selected_ids(self) -> List[str]:
        return [str(i.id) for i in self.selected_items()]

    def select_ids(self, ids) -> None:
        wanted = set(ids)
        self.clearSelection()
        mode = self.selectionMode()
        self.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for row in range(self.rowCount()):
            cell = self.item(row, 0)
            if cell is not None and cell.text() in wanted:
                self.selectRow(row)
        self.setSelectionMode(mode)
