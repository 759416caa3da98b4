"""The AOI records of one connection's board: the one source of truth of the board layer and the panel's list.

``BoardModel`` holds one AOI object per AOI (newest first) and is a Qt table model: the panel's "Existing AOIs"
list is a view of it (a ``QSortFilterProxyModel`` over it), never a copy. Every change goes through ``put()``,
which writes the board layer (``layer.upsert``: the GeoPackage, the project) and updates the rows in the same
call, so the list and the layer cannot disagree: a status the poller sees shows in both, and a Refresh of the
list updates the layer. A model opened on an existing layer (a reopened project) reads its records from the
layer's features. Without a layer (a panel without the plugin: scripts, some tests) it is memory only.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Optional

from qgis.core import QgsVectorLayer
from qgis.PyQt.QtCore import QAbstractTableModel, QModelIndex, Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor

from ...client.polling import status_text
from . import layer as board_layer

#: the list's columns: (key, header); headers are translated by the view
COLUMNS = (("name", "Name"), ("status", "Status"), ("progress", "Progress"), ("created", "Created"))
#: the role whose value sorts a column (the created column by its ISO text, progress as a number)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
AOI_ROLE = Qt.ItemDataRole.UserRole + 2


def _created_key(aoi: Any) -> str:
    return str(getattr(aoi, "created_at_raw", None) or getattr(aoi, "created_at", None) or "")


def aoi_from_feature(feature) -> Optional[Any]:
    """An AOI object from a board feature (a reopened project): what the board keeps of it, boundary included."""
    from ...client.models import AOI

    def value(name):
        v = feature[name]
        return None if v is None or v == board_layer.NULL or v == "" else v

    aoi_id = value("aoi_id")
    if not aoi_id:
        return None
    data: Dict[str, Any] = {
        "aoi_id": str(aoi_id), "name": value("name"), "status": value("status"), "progress": value("progress"),
        "created_at": value("created"), "updated_at": value("updated"), "project_id": value("project"),
        "satellite_id": value("satellite"),
    }
    items, provider = value("item_ids"), value("provider")
    if items or provider:
        data["images"] = {k: v for k, v in (("item_ids", [i.strip() for i in str(items or "").split(",") if i.strip()]),
                                            ("provider", provider)) if v}
    geometry = feature.geometry()
    if geometry is not None and not geometry.isEmpty():
        data["geometry"] = json.loads(geometry.asJson())
    try:
        return AOI.model_validate({k: v for k, v in data.items() if v is not None})
    except Exception:  # noqa: BLE001 - a hand-edited feature: its id alone
        return AOI(aoi_id=str(aoi_id), name=data.get("name"))


class BoardModel(QAbstractTableModel):
    #: rows were added or changed (after the layer was written)
    changed = pyqtSignal()

    def __init__(self, layer: Optional[QgsVectorLayer] = None, parent=None):
        super().__init__(parent)
        self.layer = layer
        self._aois: List[Any] = []
        self._row_of: Dict[str, int] = {}
        if layer is not None:
            aois = [aoi_from_feature(f) for f in layer.getFeatures()]
            self._set_rows([a for a in aois if a is not None])

    # ------------------------------------------------------------------ records
    def put(self, aois: Iterable[Any], asset_counts: Optional[Dict[str, int]] = None) -> int:
        """Add or update AOIs: the layer first (when there is one), then the rows; how many layer features changed."""
        aois = [a for a in aois if a is not None and getattr(a, "aoi_id", None)]
        if not aois:
            return 0
        changed = board_layer.upsert(self.layer, aois, asset_counts) if self.layer is not None else len(aois)
        new = [a for a in aois if a.aoi_id not in self._row_of]
        if new:
            self.beginResetModel()
            by_id = {a.aoi_id: a for a in self._aois}
            by_id.update({a.aoi_id: a for a in aois})
            self._set_rows(list(by_id.values()))
            self.endResetModel()
        else:
            for aoi in aois:
                row = self._row_of[aoi.aoi_id]
                self._aois[row] = aoi
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        self.changed.emit()
        return changed

    def _set_rows(self, aois: List[Any]) -> None:
        self._aois = sorted(aois, key=_created_key, reverse=True)
        self._row_of = {a.aoi_id: i for i, a in enumerate(self._aois)}

    def aoi(self, row: int) -> Optional[Any]:
        return self._aois[row] if 0 <= row < len(self._aois) else None

    def find(self, aoi_id: str) -> Optional[Any]:
        row = self._row_of.get(aoi_id)
        return None if row is None else self._aois[row]

    @property
    def aois(self) -> List[Any]:
        return list(self._aois)

    # ------------------------------------------------------------------ Qt model
    def rowCount(self, parent: Optional[QModelIndex] = None):  # noqa: N802 - Qt API
        return 0 if parent is not None and parent.isValid() else len(self._aois)

    def columnCount(self, parent: Optional[QModelIndex] = None):  # noqa: N802 - Qt API
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section][1]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        aoi = self.aoi(index.row()) if index.isValid() else None
        if aoi is None:
            return None
        key = COLUMNS[index.column()][0]
        if role == AOI_ROLE:
            return aoi
        if key == "name" and role == Qt.ItemDataRole.ToolTipRole:
            progress = "" if aoi.progress is None else f" {aoi.progress:.0f}%"
            return f"{aoi.aoi_id}\n{status_text(aoi.status)}{progress}"
        if key == "name" and role == Qt.ItemDataRole.DecorationRole:
            # the board layer's status colour: in a narrow dock the status column may be scrolled away
            return QColor(board_layer.STATUS_COLOURS.get(status_text(aoi.status), board_layer.OTHER_COLOUR))
        if role == SORT_ROLE:
            if key == "created":
                return _created_key(aoi)
            if key == "progress":
                return float(aoi.progress or 0)
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            if key == "name":
                return aoi.name or aoi.aoi_id
            if key == "status":
                return status_text(aoi.status)
            if key == "progress":
                return "" if aoi.progress is None else f"{aoi.progress:.0f}%"
            created = getattr(aoi, "created_at", None)
            return created.strftime("%Y-%m-%d %H:%M") if created else ""
        return None
