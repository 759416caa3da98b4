"""Assets -> QgsVectorLayer (typed fields, WKB, one batch), AOI boundary layer, GeoPackage, project groups.

Worker-thread half (no project, no canvas, no widgets): ``build_asset_features``, ``new_asset_memory_layer``,
``build_asset_layer``, ``boundary_layer``, ``write_layers_to_gpkg``, ``prepare_aoi_layers``.
Main-thread half: ``add_aoi_to_project``, ``find_aoi_layers``, ``zoom_to_layer``.

Typical QgsTask use::

    def run(self):                      # worker
        pages = client.iter_asset_pages(aoi_id, page_size=500, raw=True, cancelled=self.isCanceled)
        self.result = prepare_aoi_layers(pages, aoi, gpkg_path=default_gpkg_path(folder, aoi))
        return True
    def finished(self, ok):             # main thread
        add_aoi_to_project(QgsProject.instance(), aoi, self.result.asset_layer, self.result.boundary_layer)
        zoom_to_layer(iface.mapCanvas(), self.result.boundary_layer)
"""

from __future__ import annotations

import gc
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from qgis.core import (
    QgsApplication,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsDataProvider,
    QgsFeature,
    QgsFields,
    QgsGeometry,
    QgsLayerTreeGroup,
    QgsLayerTreeLayer,
    QgsProject,
    QgsRectangle,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication, QThread

from ...client.defaults import AOI_CRS
from ..gdal_mode import without_exceptions
from ..settings import AOI_PROPERTY, ROLE_PROPERTY
from .asset_fields import AOI_FIELDS, AssetRowConverter, aoi_dict, aoi_fields, asset_fields
from .asset_geometry import geojson_to_wkb

__all__ = [
    "AOI_PROPERTY",
    "ROLE_PROPERTY",
    "ASSET_TABLE",
    "BOUNDARY_TABLE",
    "AssetLayerResult",
    "PreparedAoiLayers",
    "GpkgWriteError",
    "build_asset_features",
    "new_asset_memory_layer",
    "new_boundary_memory_layer",
    "build_asset_layer",
    "boundary_layer",
    "write_layers_to_gpkg",
    "prepare_aoi_layers",
    "add_aoi_to_project",
    "find_aoi_group",
    "find_aoi_layers",
    "zoom_to_layer",
    "safe_file_name",
    "default_gpkg_folder",
    "default_gpkg_path",
]

ASSET_TABLE = "assets"
BOUNDARY_TABLE = "aoi_boundary"


class GpkgWriteError(RuntimeError):
    """Writing a GeoPackage failed; the message says which file and why."""


# ---------------------------------------------------------------------------------------------------------
# features


def _iter_assets(raw: Iterable[Any]):
    """Pages (lists of dicts), page dicts ({"assets": [...]}) or bare asset dicts -> asset entries."""
    for item in raw:
        if isinstance(item, list):
            yield from item
        elif (
            isinstance(item, dict)
            and "assets" in item
            and isinstance(item["assets"], list)
            and "id" not in item
        ):
            yield from item["assets"]
        else:
            yield item


def build_asset_features(
    raw: Iterable[Any], fields: Optional[QgsFields] = None, stats: Optional[Dict[str, int]] = None
) -> Tuple[List[QgsFeature], int]:
    """Raw asset dicts (or pages of them) -> (features, count of rows without usable geometry).

    Pure and thread-safe. Every entry becomes a feature (an unusable geometry gives a row without
    geometry); an asset id seen again on a later page replaces the earlier row (counted in
    ``stats["duplicates"]``). ``fields`` is accepted for API symmetry; attributes follow ASSET_FIELDS.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of short-lived objects, no cycles: the cyclic GC would only rescan them
    try:
        return _build_asset_features(raw, stats)
    finally:
        if gc_was_enabled:
            gc.enable()


def _build_asset_features(
    raw: Iterable[Any], stats: Optional[Dict[str, int]]
) -> Tuple[List[QgsFeature], int]:
    conv = AssetRowConverter()
    to_wkb = geojson_to_wkb
    feats: List[QgsFeature] = []
    append = feats.append
    index_of_id: Dict[str, int] = {}
    no_geometry = 0
    duplicates = 0
    for asset in _iter_assets(raw):
        f = QgsFeature()
        f.setAttributes(conv(asset))
        wkb = to_wkb(asset.get("geometry")) if isinstance(asset, dict) else None
        if wkb is not None:
            g = QgsGeometry()
            g.fromWkb(wkb)
            f.setGeometry(g)
        else:
            no_geometry += 1
        aid = asset.get("id") if isinstance(asset, dict) else None
        if isinstance(aid, str):
            pos = index_of_id.get(aid)
            if pos is not None:
                duplicates += 1
                if not feats[pos].hasGeometry():
                    no_geometry -= 1
                feats[pos] = f
                continue
            index_of_id[aid] = len(feats)
        append(f)
    if stats is not None:
        stats["duplicates"] = duplicates
        stats["rows"] = len(feats)
        stats["no_geometry"] = no_geometry
    return feats, no_geometry


def _memory_layer(name: str, fields: QgsFields) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"MultiPolygon?crs={AOI_CRS}", name, "memory")
    layer.dataProvider().addAttributes(fields.toList())
    layer.updateFields()
    return layer


def new_asset_memory_layer(name: str) -> QgsVectorLayer:
    """An empty MultiPolygon EPSG:4326 memory layer with the asset fields."""
    return _memory_layer(name, asset_fields())


def new_boundary_memory_layer(name: str) -> QgsVectorLayer:
    """An empty MultiPolygon EPSG:4326 memory layer with the AOI fields."""
    return _memory_layer(name, aoi_fields())


def _to_main_thread(layer: QgsVectorLayer) -> None:
    app = QCoreApplication.instance()
    if (
        app is not None
        and QThread.currentThread() is not app.thread()
        and layer.thread() is QThread.currentThread()
    ):
        layer.moveToThread(app.thread())


@dataclass
class AssetLayerResult:
    layer: QgsVectorLayer
    feature_count: int
    no_geometry: int
    duplicates: int = 0

    @property
    def message(self) -> str:
        text = f"{self.feature_count} asset{'s' if self.feature_count != 1 else ''} loaded"
        if self.no_geometry:
            text += (
                f"; {self.no_geometry} without a usable geometry "
                "(kept in the attribute table as rows without geometry)"
            )
        if self.duplicates:
            text += f"; {self.duplicates} repeated on later pages (kept once)"
        return text + "."


def build_asset_layer(
    raw_pages: Iterable[Any], name: str = "Pixxel assets", aoi_id: Optional[str] = None
) -> AssetLayerResult:
    """Pages of raw asset dicts -> a filled memory layer. Safe in a worker thread (the layer is handed
    to the main thread when built elsewhere)."""
    stats: Dict[str, int] = {}
    feats, no_geom = build_asset_features(raw_pages, stats=stats)
    layer = new_asset_memory_layer(name)
    ok, _ = layer.dataProvider().addFeatures(feats)
    if not ok:  # pragma: no cover - memory provider only refuses malformed features
        raise RuntimeError("could not add the asset features to the memory layer")
    layer.updateExtents()
    _tag(layer, aoi_id, "assets")
    _to_main_thread(layer)
    return AssetLayerResult(layer, len(feats), no_geom, stats.get("duplicates", 0))


def boundary_layer(aoi: Any, name: Optional[str] = None) -> QgsVectorLayer:
    """The AOI (raw dict or client model) -> a one-feature memory layer of its boundary and metadata."""
    d = aoi_dict(aoi)
    if name is None:
        name = f"{d.get('name') or d.get('aoi_id') or 'AOI'} boundary"
    layer = new_boundary_memory_layer(name)
    f = QgsFeature()
    f.setAttributes(AssetRowConverter(AOI_FIELDS)(d))
    wkb = geojson_to_wkb(d.get("geometry"))
    if wkb is not None:
        g = QgsGeometry()
        g.fromWkb(wkb)
        f.setGeometry(g)
    layer.dataProvider().addFeatures([f])
    layer.updateExtents()
    _tag(layer, d.get("aoi_id"), "boundary")
    _to_main_thread(layer)
    return layer


def _tag(layer: QgsVectorLayer, aoi_id: Optional[str], role: str) -> None:
    if aoi_id:
        layer.setCustomProperty(AOI_PROPERTY, str(aoi_id))
    layer.setCustomProperty(ROLE_PROPERTY, role)


# ---------------------------------------------------------------------------------------------------------
# GeoPackage


def write_layers_to_gpkg(
    path: str, layers: Union[Mapping[str, QgsVectorLayer], Sequence[QgsVectorLayer]]
) -> Dict[str, str]:
    """Write layers as tables of one GeoPackage (created if missing; an existing table of the same name
    is replaced, other tables are kept). Returns {table name: "path|layername=table"}. Thread-safe."""
    items = list(layers.items()) if isinstance(layers, Mapping) else [(lyr.name(), lyr) for lyr in layers]
    os.makedirs(os.path.dirname(os.path.abspath(path)) or ".", exist_ok=True)
    uris: Dict[str, str] = {}
    context = QgsCoordinateTransformContext()
    for table, layer in items:
        table = _safe_table_name(table)
        opts = QgsVectorFileWriter.SaveVectorOptions()
        opts.driverName = "GPKG"
        opts.layerName = table
        opts.fileEncoding = "UTF-8"
        opts.actionOnExistingFile = (
            QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
            if os.path.exists(path)
            else QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteFile
        )
        res = QgsVectorFileWriter.writeAsVectorFormatV3(layer, path, context, opts)
        err, msg = res[0], res[1]
        if err != QgsVectorFileWriter.WriterError.NoError:
            raise GpkgWriteError(
                f"Could not write layer '{table}' to {path}: {msg or err}. "
                "Check that the folder is writable and the file is not locked by another program."
            )
        uris[table] = f"{path}|layername={table}"
    _empty_to_null_geometries(path, list(uris))
    return uris


def _empty_to_null_geometries(path: str, tables: List[str]) -> None:
    """QgsVectorFileWriter writes a row without geometry as an EMPTY geometry; make it a real NULL so the
    row reads back as 'no geometry'."""
    try:
        from osgeo import gdal, ogr
    except ImportError:  # pragma: no cover
        return
    with without_exceptions(gdal, ogr):  # explicit: GDAL 3.9+ warns otherwise (see core/gdal_mode.py)
        ds = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_UPDATE)
        if ds is None:  # pragma: no cover
            return
        try:
            for table in tables:
                lyr = ds.GetLayerByName(table)
                col = lyr.GetGeometryColumn() if lyr is not None else ""
                if col:
                    ds.ExecuteSQL(f'UPDATE "{table}" SET "{col}" = NULL WHERE ST_IsEmpty("{col}")')
        finally:
            ds = None


def _safe_table_name(name: str) -> str:
    name = re.sub(r"[^0-9A-Za-z_]+", "_", unicodedata.normalize("NFKD", str(name))).strip("_").lower()
    if not name or name[0].isdigit():
        name = "t_" + name
    return name[:60]


_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def safe_file_name(name: Any, fallback: str = "aoi", max_len: int = 80) -> str:
    """Any text -> a plain file name: no path separators, control characters, dots at the ends, or
    reserved device names; never empty."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    text = "".join(ch if (ch.isalnum() or ch in "-_. ") and ch.isprintable() else "_" for ch in text)
    text = re.sub(r"\s+", "_", text)
    text = re.sub(r"_+", "_", text).strip("._ ")
    if not text:
        text = fallback
    if text.split(".")[0].lower() in _RESERVED:
        text = "_" + text
    return text[:max_len]


def default_gpkg_folder(project: Optional[QgsProject] = None) -> str:
    """Beside the saved project (``<project dir>/pixxel_data``); unsaved: the QGIS profile, else temp."""
    if project is not None and project.fileName():
        return os.path.join(os.path.dirname(os.path.abspath(project.fileName())), "pixxel_data")
    try:
        profile = QgsApplication.qgisSettingsDirPath()
    except Exception:  # noqa: BLE001
        profile = ""
    base = profile if profile and os.path.isdir(profile) else tempfile.gettempdir()
    return os.path.join(base, "pixxel_data")


def default_gpkg_path(project: Optional[QgsProject], aoi: Any, folder: Optional[str] = None) -> str:
    """``<folder>/<safe AOI name>_<id prefix>.gpkg``; folder defaults to ``default_gpkg_folder(project)``.
    The result is always inside the folder, whatever the AOI name contains."""
    d = aoi_dict(aoi)
    folder = os.path.abspath(folder or default_gpkg_folder(project))
    stem = safe_file_name(d.get("name"), fallback="aoi", max_len=60)
    aid = safe_file_name(d.get("aoi_id"), fallback="", max_len=8)
    file_name = f"{stem}_{aid}.gpkg" if aid else f"{stem}.gpkg"
    path = os.path.abspath(os.path.join(folder, file_name))
    if os.path.dirname(path) != folder:  # pragma: no cover - safe_file_name makes this impossible
        raise ValueError("unsafe file name")
    return path


# ---------------------------------------------------------------------------------------------------------
# whole pipeline for a worker thread


@dataclass
class PreparedAoiLayers:
    asset_layer: QgsVectorLayer
    boundary_layer: QgsVectorLayer
    feature_count: int
    no_geometry: int
    duplicates: int = 0
    gpkg_path: Optional[str] = None
    uris: Dict[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        msg = AssetLayerResult(
            self.asset_layer, self.feature_count, self.no_geometry, self.duplicates
        ).message
        if self.gpkg_path:
            msg += f" Saved to {self.gpkg_path}."
        else:
            msg += " Temporary (memory) layers: they are not saved with the project."
        return msg


def prepare_aoi_layers(
    raw_pages: Iterable[Any], aoi: Any, gpkg_path: Optional[str] = None
) -> PreparedAoiLayers:
    """Worker-thread pipeline: pages -> asset layer + boundary layer; written to ``gpkg_path`` (and reopened
    from it) unless it is None, in which case memory layers are returned. No project access."""
    d = aoi_dict(aoi)
    aoi_id = d.get("aoi_id")
    title = str(d.get("name") or aoi_id or "AOI")
    res = build_asset_layer(raw_pages, f"{title} assets", aoi_id)
    bnd = boundary_layer(d, f"{title} boundary")
    if gpkg_path is None:
        return PreparedAoiLayers(res.layer, bnd, res.feature_count, res.no_geometry, res.duplicates)
    uris = write_layers_to_gpkg(gpkg_path, {ASSET_TABLE: res.layer, BOUNDARY_TABLE: bnd})
    asset_gpkg = QgsVectorLayer(uris[ASSET_TABLE], res.layer.name(), "ogr")
    bnd_gpkg = QgsVectorLayer(uris[BOUNDARY_TABLE], bnd.name(), "ogr")
    for lyr, role in ((asset_gpkg, "assets"), (bnd_gpkg, "boundary")):
        if not lyr.isValid():
            raise GpkgWriteError(f"The GeoPackage {gpkg_path} was written but cannot be opened again.")
        _tag(lyr, aoi_id, role)
        _to_main_thread(lyr)
    return PreparedAoiLayers(
        asset_gpkg, bnd_gpkg, res.feature_count, res.no_geometry, res.duplicates, gpkg_path, uris
    )


# ---------------------------------------------------------------------------------------------------------
# project (main thread)


def _walk_groups(group: QgsLayerTreeGroup):
    for child in group.children():
        if isinstance(child, QgsLayerTreeGroup):
            yield child
            yield from _walk_groups(child)


def find_aoi_group(project: QgsProject, aoi_id: str) -> Optional[QgsLayerTreeGroup]:
    for grp in _walk_groups(project.layerTreeRoot()):
        if grp.customProperty(AOI_PROPERTY) == aoi_id:
            return grp
    return None


def find_aoi_layers(project: QgsProject, aoi_id: str) -> Dict[str, QgsVectorLayer]:
    """{role: layer} of the project's layers tagged with this AOI id (the first one per role)."""
    found: Dict[str, QgsVectorLayer] = {}
    for layer in project.mapLayers().values():
        if layer.customProperty(AOI_PROPERTY) == aoi_id:
            role = layer.customProperty(ROLE_PROPERTY) or "assets"
            found.setdefault(str(role), layer)
    return found


def _replace_data(existing: QgsVectorLayer, new: QgsVectorLayer) -> QgsVectorLayer:
    """Put ``new``'s data into ``existing`` (keeping its id, style, position); returns the layer kept."""
    if existing.providerType() == "memory" and new.providerType() == "memory":
        prov = existing.dataProvider()
        if existing.isEditable():
            existing.rollBack()
        prov.truncate()
        prov.addFeatures(list(new.getFeatures()))
    else:
        options = QgsDataProvider.ProviderOptions()
        options.transformContext = existing.transformContext()
        existing.setDataSource(new.source(), existing.name(), new.providerType(), options)
    existing.updateExtents()
    existing.triggerRepaint()
    return existing


def add_aoi_to_project(
    project: QgsProject,
    aoi: Any,
    asset_layer: Optional[QgsVectorLayer],
    boundary_layer: Optional[QgsVectorLayer] = None,
    group_name: Optional[str] = None,
    style: bool = True,
) -> Tuple[QgsLayerTreeGroup, Dict[str, QgsVectorLayer]]:
    """Add the layers under a group named after the AOI; if the AOI is already loaded, its layers are
    updated in place (same layer ids, user's style kept) instead of duplicated. Main thread only."""
    from .layer_style import apply_asset_style, apply_boundary_style

    d = aoi_dict(aoi)
    aoi_id = str(d.get("aoi_id") or "")
    title = group_name or f"Pixxel: {d.get('name') or aoi_id or 'AOI'}"
    root = project.layerTreeRoot()
    group = find_aoi_group(project, aoi_id) if aoi_id else None
    if group is None:
        group = root.insertGroup(0, title)
        if aoi_id:
            group.setCustomProperty(AOI_PROPERTY, aoi_id)
    existing = find_aoi_layers(project, aoi_id) if aoi_id else {}
    result: Dict[str, QgsVectorLayer] = {}
    for role, new in (("boundary", boundary_layer), ("assets", asset_layer)):
        if new is None:
            continue
        _tag(new, aoi_id or None, role)
        old = existing.get(role)
        if old is not None and old is not new and isinstance(old, QgsVectorLayer):
            result[role] = _replace_data(old, new)
            continue
        if style:
            (apply_asset_style if role == "assets" else apply_boundary_style)(new)
        project.addMapLayer(new, False)
        node = QgsLayerTreeLayer(new)
        if role == "boundary":
            group.insertChildNode(0, node)  # outline drawn above the assets
        else:
            group.addChildNode(node)
        result[role] = new
    return group, result


def zoom_to_layer(
    canvas, layer: QgsVectorLayer, project: Optional[QgsProject] = None, margin: float = 0.05
) -> bool:
    """Zoom the canvas to the layer's extent (in the canvas CRS). Returns False if there is nothing to show."""
    if layer is None or not layer.isValid():
        return False
    layer.updateExtents()
    ext = layer.extent()
    if ext.isNull():
        return False
    dest = canvas.mapSettings().destinationCrs()
    if dest.isValid() and dest != layer.crs():
        tr = QgsCoordinateTransform(layer.crs(), dest, project or QgsProject.instance())
        try:
            ext = tr.transformBoundingBox(ext)
        except Exception:  # noqa: BLE001 - QgsCsException: leave the view as it is
            return False
    ext = QgsRectangle(ext)
    ext.scale(1.0 + 2 * margin)
    canvas.setExtent(ext)
    canvas.refresh()
    return True
