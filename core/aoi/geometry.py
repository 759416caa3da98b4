"""The QGIS half of the geometry step: selected polygon features of a layer -> AOI shapes in EPSG:4326.

``selected_polygons_to_aoi(layer)`` checks the layer (a valid polygon vector layer with a CRS and a
selection), reads the selected features' geometries without attributes, flattens curves to straight
segments, drops Z/M, transforms each geometry to EPSG:4326 (QGIS/PROJ, in C++), exports WKB and hands the
lot to shapely (``from_wkb``, vectorised) and :func:`pixxel_qgis.core.aoi.aoi_shape.prepare_aoi`, which
repairs, merges, caps the vertex count and orients the rings. The only Python loop is per feature.

Refusals are :class:`GeometryRefused` (``str()`` is the user-facing message naming the layer and the
fix); :class:`NeedsChoice` when the merged selection is several separate polygons.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import numpy as np
import shapely
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProject,
    QgsVectorLayer,
    QgsWkbTypes,
)
from shapely.errors import GEOSException

from ...client.defaults import AOI_CRS
from .aoi_shape import MAX_VERTICES, AoiShape, GeometryRefused, NeedsChoice, prepare_aoi

__all__ = [
    "AOI_CRS",
    "AoiShape",
    "GeometryRefused",
    "NeedsChoice",
    "MAX_VERTICES",
    "selected_polygons_to_aoi",
    "layer_polygons_wgs84",
    "aoi_to_qgs_geometry",
    "make_preview_rubber_band",
]


_GEOMETRY_TYPE_NAMES = {
    QgsWkbTypes.GeometryType.PointGeometry: "a point layer",
    QgsWkbTypes.GeometryType.LineGeometry: "a line layer",
    QgsWkbTypes.GeometryType.NullGeometry: "a table without geometry",
    QgsWkbTypes.GeometryType.UnknownGeometry: "a layer of unknown geometry type",
}


def _wgs84() -> QgsCoordinateReferenceSystem:
    return QgsCoordinateReferenceSystem(AOI_CRS)


def _check_layer(layer, selected_only: bool) -> None:
    if layer is None or not isinstance(layer, QgsVectorLayer):
        raise GeometryRefused(
            "no_layer",
            "No vector layer is selected. Click a polygon layer in the Layers panel, select one or more "
            "polygons with the Select Features tool and try again.",
        )
    name = layer.name() or "(unnamed)"
    if not layer.isValid():
        raise GeometryRefused(
            "no_layer",
            f"Layer '{name}' is not valid: its data source cannot be read. Repair the layer's source or "
            "choose another polygon layer.",
        )
    gtype = layer.geometryType()
    if gtype != QgsWkbTypes.GeometryType.PolygonGeometry:
        kind = _GEOMETRY_TYPE_NAMES.get(gtype, "not a polygon layer")
        raise GeometryRefused(
            "not_polygon_layer",
            f"Layer '{name}' is {kind}; an AOI needs polygons. Choose a polygon layer in the Layers panel "
            "and select the polygons of the AOI.",
        )
    if not layer.crs().isValid():
        raise GeometryRefused(
            "no_crs",
            f"Layer '{name}' has no coordinate reference system, so its polygons cannot be placed on Earth. "
            "Set its CRS in Layer Properties > Source and try again.",
        )
    if selected_only and layer.selectedFeatureCount() == 0:
        raise GeometryRefused(
            "no_selection",
            f"Nothing selected in layer '{name}'. Select one or more polygons with the Select Features tool.",
        )


def layer_polygons_wgs84(layer, selected_only: bool = True) -> Tuple[List, List[int], List[str]]:
    """The (selected) features of a polygon layer as 2D shapely geometries in EPSG:4326.

    Returns ``(geometries, feature_ids, notes)``; a feature without geometry gives ``None`` (refused by
    ``prepare_aoi`` with its id). Raises :class:`GeometryRefused` for a bad layer, no selection, or a
    geometry that cannot be transformed to WGS 84.
    """
    _check_layer(layer, selected_only)
    name = layer.name() or "(unnamed)"
    request = QgsFeatureRequest()
    request.setSubsetOfAttributes([])
    if selected_only:
        request.setFilterFids(layer.selectedFeatureIds())
    src_crs = layer.crs()
    dest_crs = _wgs84()
    transform = None if src_crs == dest_crs else QgsCoordinateTransform(src_crs, dest_crs, QgsProject.instance())

    wkbs: List[Optional[bytes]] = []
    ids: List[int] = []
    curved = dropped_z = dropped_m = False
    for feature in layer.getFeatures(request):
        fid = int(feature.id())
        ids.append(fid)
        geom = feature.geometry()
        if geom is None or geom.isNull() or geom.isEmpty():
            wkbs.append(None)
            continue
        wkb_type = geom.wkbType()
        if QgsWkbTypes.isCurvedType(wkb_type):
            geom = QgsGeometry(geom.constGet().segmentize())
            curved = True
        if QgsWkbTypes.hasZ(wkb_type) or QgsWkbTypes.hasM(wkb_type):
            geom = QgsGeometry(geom)  # detach before editing in place
            abstract = geom.get()
            dropped_z |= bool(abstract.dropZValue())
            dropped_m |= bool(abstract.dropMValue())
        if transform is not None:
            try:
                geom.transform(transform)
            except QgsCsException as exc:
                raise GeometryRefused(
                    "transform_failed",
                    f"Feature {fid} of layer '{name}' cannot be converted from {src_crs.authid() or 'its CRS'} "
                    f"to WGS 84 (EPSG:4326): {exc}. Check the layer's CRS, or deselect the feature.",
                    [fid],
                ) from exc
        wkbs.append(bytes(geom.asWkb()))

    if selected_only and not ids:  # the selection pointed at features that no longer exist
        raise GeometryRefused(
            "no_selection",
            f"Nothing selected in layer '{name}'. Select one or more polygons with the Select Features tool.",
        )
    notes = []
    if curved:
        notes.append("converted curves to straight segments")
    if dropped_z or dropped_m:
        notes.append("dropped " + " and ".join(n for n, f in (("Z", dropped_z), ("M", dropped_m)) if f) + " values")

    arr = np.empty(len(wkbs), dtype=object)
    arr[:] = wkbs
    present = np.array([w is not None for w in wkbs], dtype=bool)
    geoms = np.full(len(wkbs), None, dtype=object)
    if present.any():
        try:
            parsed = shapely.from_wkb(arr[present], on_invalid="fix")  # shapely >= 2.1: closes rings etc.
        except (TypeError, ValueError):
            parsed = np.array([_from_wkb_or_none(w) for w in arr[present]], dtype=object)
        geoms[present] = parsed
    unreadable = [ids[i] for i in np.flatnonzero(present) if geoms[i] is None]
    if unreadable:
        raise GeometryRefused(
            "invalid",
            f"Feature(s) {', '.join(map(str, unreadable[:5]))} of layer '{name}' have a broken geometry "
            "(e.g. a ring with fewer than 4 points). Run Vector > Geometry Tools > Fix Geometries.",
            unreadable,
        )
    return list(geoms), ids, notes


def _from_wkb_or_none(wkb):
    try:
        return shapely.from_wkb(wkb)
    except (GEOSException, ValueError):
        return None


def selected_polygons_to_aoi(
    layer, mode: str = "merge", selected_only: bool = True, *, max_vertices: int = MAX_VERTICES
) -> List[AoiShape]:
    """Selected polygons of ``layer`` (any CRS) -> AOI shapes in EPSG:4326 ready for ``POST /v0/aois``.

    ``mode`` is ``"merge"`` (one AOI; :class:`NeedsChoice` when the union is several polygons),
    ``"hull"`` (one AOI: the convex hull) or ``"per_feature"`` (one AOI per feature). With
    ``selected_only=False`` every feature of the layer is used. Raises :class:`GeometryRefused`.
    """
    geoms, ids, notes = layer_polygons_wgs84(layer, selected_only)
    return prepare_aoi(geoms, mode, feature_ids=ids, notes=notes, max_vertices=max_vertices)


def aoi_to_qgs_geometry(shape: AoiShape) -> QgsGeometry:
    """An AOI shape as a QgsGeometry (Polygon, EPSG:4326), e.g. to draw or to store in a layer."""
    geom = QgsGeometry()
    geom.fromWkb(shapely.to_wkb(shape.polygon))
    return geom


def make_preview_rubber_band(canvas, shapes: Sequence[AoiShape], color=None):
    """A QgsRubberBand on ``canvas`` showing the AOI shapes (reprojected to the canvas CRS).

    The caller keeps the returned rubber band and removes it with
    ``canvas.scene().removeItem(rubber_band)`` when the preview is no longer needed.
    """
    from qgis.gui import QgsRubberBand
    from qgis.PyQt.QtGui import QColor

    color = QColor(color) if color is not None else QColor(230, 0, 126)
    fill = QColor(color)
    fill.setAlpha(50)
    band = QgsRubberBand(canvas, QgsWkbTypes.GeometryType.PolygonGeometry)
    band.setStrokeColor(color)
    band.setFillColor(fill)
    band.setWidth(2)
    crs = _wgs84()
    for shape in shapes:
        band.addGeometry(aoi_to_qgs_geometry(shape), crs, False)
    band.updatePosition()
    band.update()
    return band
