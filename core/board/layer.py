"""The board layer: one GeoPackage polygon layer per connection, one feature per AOI, styled by status.

It lives in the connection's GeoPackage (``<GeoPackage folder>/pixxel_<host>.gpkg``, table ``aois``) and in the project; its custom
properties say it is the board (``ROLE_PROPERTY`` = "board") and of which connection (``BOARD_URL_PROPERTY``),
so a reopened project finds it and the poller only ever asks that connection's API about it.
Edits go straight to the GeoPackage through the data provider: nothing waits for a save.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, List, Optional

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsFeature,
    QgsFields,
    QgsProject,
    QgsRendererCategory,
    QgsVectorLayer,
)

from ...client.defaults import AOI_CRS
from ...client.polling import status_text
from ..assets.asset_fields import make_field
from ..assets.layer_style import _fill
from ..assets.layers import geojson_geometry, write_layers_to_gpkg
from ..settings import BOARD_URL_PROPERTY, ROLE_PROPERTY

ROLE = "board"
TABLE = "aois"
#: (field, kind) of the board layer, in order
FIELDS = (
    ("name", "str"), ("aoi_id", "str"), ("status", "str"), ("progress", "float"), ("created", "str"),
    ("updated", "str"), ("asset_count", "int"), ("project", "str"), ("satellite", "str"), ("provider", "str"),
    ("item_ids", "str"),
)
STATUS_COLOURS = {
    "started": "#9e9e9e", "running": "#1e88e5", "updating": "#1e88e5", "success": "#43a047",
    "partial_success": "#fb8c00", "failed": "#e53935", "unknown": "#757575",
}
OTHER_COLOUR = "#757575"  # a status this plugin does not know yet


def board_fields() -> QgsFields:
    fields = QgsFields()
    for name, kind in FIELDS:
        fields.append(make_field(name, kind))
    return fields


def board_gpkg_path(project: Optional[QgsProject], base_url: str, folder: Optional[str] = None) -> str:
    """The connection's GeoPackage (the one of the "Pixxel sketches" layer); the board is its table "aois"."""
    from ..aoi.sketches import connection_gpkg_path

    return os.path.abspath(connection_gpkg_path(base_url, folder, project))


def is_board(layer: Any) -> bool:
    return isinstance(layer, QgsVectorLayer) and layer.customProperty(ROLE_PROPERTY) == ROLE


def board_layers(project: QgsProject) -> List[QgsVectorLayer]:
    return [lyr for lyr in project.mapLayers().values() if is_board(lyr) and lyr.isValid()]


def find_board(project: QgsProject, base_url: str) -> Optional[QgsVectorLayer]:
    for layer in board_layers(project):
        if layer.customProperty(BOARD_URL_PROPERTY) == base_url:
            return layer
    return None


def open_board(project: QgsProject, base_url: str, folder: Optional[str] = None) -> QgsVectorLayer:
    """The connection's board layer in the project: the one there, else its GeoPackage (made if missing)
    opened and added to the project."""
    layer = find_board(project, base_url)
    if layer is not None:
        return layer
    path = board_gpkg_path(project, base_url, folder)
    uri = f"{path}|layername={TABLE}"
    layer = QgsVectorLayer(uri, "Pixxel AOIs", "ogr") if os.path.exists(path) else None
    if layer is None or not layer.isValid():
        empty = QgsVectorLayer(f"MultiPolygon?crs={AOI_CRS}", TABLE, "memory")
        empty.dataProvider().addAttributes(board_fields().toList())
        empty.updateFields()
        uri = write_layers_to_gpkg(path, {TABLE: empty})[TABLE]
        layer = QgsVectorLayer(uri, "Pixxel AOIs", "ogr")
    if not layer.isValid():
        raise OSError(f"The AOI board {path} cannot be opened. Check that the folder is writable.")
    layer.setCustomProperty(ROLE_PROPERTY, ROLE)
    layer.setCustomProperty(BOARD_URL_PROPERTY, base_url)
    apply_board_style(layer)
    project.addMapLayer(layer)
    return layer


def apply_board_style(layer: QgsVectorLayer) -> None:
    cats = [QgsRendererCategory(value, _fill(colour), value) for value, colour in STATUS_COLOURS.items()]
    cats.append(QgsRendererCategory(None, _fill(OTHER_COLOUR), "other"))
    layer.setRenderer(QgsCategorizedSymbolRenderer("status", cats))
    layer.triggerRepaint()


# ---------------------------------------------------------------------------------------------------------
# AOI <-> attributes


def _text(value: Any) -> Optional[str]:
    return None if value is None or value == "" else str(value)


def aoi_attributes(aoi: Any, asset_count: Optional[int] = None) -> Dict[str, Any]:
    images = getattr(aoi, "images", None) or {}
    items = images.get("item_ids") or images.get("items") or images.get("ids") if isinstance(images, dict) else None
    provider = images.get("provider") if isinstance(images, dict) else None
    if isinstance(items, (list, tuple)):
        items = ", ".join(str(i.get("id", i) if isinstance(i, dict) else i) for i in items)
    return {
        "name": _text(aoi.name) or aoi.aoi_id,
        "aoi_id": aoi.aoi_id,
        "status": status_text(aoi.status),
        "progress": None if aoi.progress is None else float(aoi.progress),
        "created": _text(getattr(aoi, "created_at_raw", None) or aoi.created_at),
        "updated": _text(getattr(aoi, "updated_at_raw", None) or aoi.updated_at),
        "asset_count": asset_count,
        "project": _text(aoi.project_id),
        "satellite": _text(aoi.satellite_id),
        "provider": _text(provider if not isinstance(provider, (dict, list)) else json.dumps(provider)),
        "item_ids": _text(items),
    }


def signature(attributes: Dict[str, Any]) -> tuple:
    """What the board shows of an AOI that can change: an unchanged signature means no layer edit."""
    return tuple(attributes.get(k) for k in ("status", "progress", "updated", "asset_count"))


def _feature_ids(layer: QgsVectorLayer) -> Dict[str, int]:
    return {f["aoi_id"]: f.id() for f in layer.getFeatures()}


def rows(layer: QgsVectorLayer) -> List[Dict[str, Any]]:
    """The board's features as plain dicts (field -> value, NULL as None)."""
    out = []
    for f in layer.getFeatures():
        out.append({name: (None if f[name] is None or f[name] == NULL else f[name]) for name, _ in FIELDS})
    return out


def upsert(layer: QgsVectorLayer, aois: Iterable[Any], asset_counts: Optional[Dict[str, int]] = None) -> int:
    """Add or update one feature per AOI (geometry only on add); returns how many features changed."""
    asset_counts = asset_counts or {}
    existing = _feature_ids(layer)
    names = [name for name, _ in FIELDS]
    index = {name: layer.fields().indexOf(name) for name in names}
    provider = layer.dataProvider()
    changes: Dict[int, Dict[int, Any]] = {}
    new: List[QgsFeature] = []
    for aoi in aois:
        attrs = aoi_attributes(aoi, asset_counts.get(aoi.aoi_id))
        fid = existing.get(aoi.aoi_id)
        if fid is not None:
            old = layer.getFeature(fid)
            if attrs["asset_count"] is None and old["asset_count"] not in (None, NULL):
                attrs["asset_count"] = old["asset_count"]
            diff = {index[k]: v for k, v in attrs.items() if _plain(old[k]) != v}
            if diff:
                changes[fid] = diff
            continue
        feature = QgsFeature(layer.fields())  # the GeoPackage's "fid" comes first: set by index
        for k, v in attrs.items():
            feature.setAttribute(index[k], v)
        geometry = geojson_geometry(getattr(aoi, "geometry", None))
        if geometry is not None:
            feature.setGeometry(geometry)
        new.append(feature)
    if changes:
        provider.changeAttributeValues(changes)
    if new:
        provider.addFeatures(new)
    if changes or new:
        layer.triggerRepaint()
    return len(changes) + len(new)


def _plain(value: Any) -> Any:
    return None if value is None or value == NULL else value


try:  # QGIS 3.x PyQt5: NULL is a QVariant; Qt6 builds give None
    from qgis.core import NULL
except ImportError:  # pragma: no cover
    NULL = None
