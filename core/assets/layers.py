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
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
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
    QgsWkbTypes,
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
    "FeatureBatch",
    "iter_feature_batches",
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


def _iter_asset_batches(raw: Iterable[Any], size: int = 500) -> Iterator[List[Any]]:
    """Pages (lists of dicts), page dicts ({"assets": [...]}) or bare asset dicts -> batches of entries:
    one batch per page, bare entries grouped by ``size``. Nothing is copied: a page is its own batch."""
    loose: List[Any] = []
    for item in raw:
        if isinstance(item, list):
            page = item
        elif (
            isinstance(item, dict)
            and "assets" in item
            and isinstance(item["assets"], list)
            and "id" not in item
        ):
            page = item["assets"]
        else:
            loose.append(item)
            if len(loose) >= size:
                yield loose
                loose = []
            continue
        if loose:
            yield loose
            loose = []
        yield page
    if loose:
        yield loose


def _iter_assets(raw: Iterable[Any]):
    """Pages (lists of dicts), page dicts ({"assets": [...]}) or bare asset dicts -> asset entries."""
    for batch in _iter_asset_batches(raw):
        yield from batch


class FeatureBatch(NamedTuple):
    """One page's worth of new rows, plus rows of earlier batches that this page replaces.

    ``features``: the new rows, in order (row ``start + i`` of the layer is ``features[i]``).
    ``replaced``: ``(row, feature)`` for an asset id already seen in an earlier batch; the later row
    replaces the earlier one in place (feature id = row + 1 in a fresh memory layer or GeoPackage table).
    """

    start: int
    features: List[QgsFeature]
    replaced: List[Tuple[int, QgsFeature]]


def iter_feature_batches(
    raw: Iterable[Any], stats: Optional[Dict[str, int]] = None
) -> Iterator[FeatureBatch]:
    """Raw asset pages -> :class:`FeatureBatch` per page, built as the pages arrive (streaming).

    Pure and thread-safe. Nothing is kept between batches but the id -> row index (for repeated ids),
    so a page's JSON can be released as soon as its batch is consumed. ``stats`` ("rows",
    "no_geometry", "duplicates") is up to date after each batch.
    """
    conv = AssetRowConverter()
    to_wkb = geojson_to_wkb
    row_of_id: Dict[str, int] = {}
    without_geometry: set = set()  # rows without a usable geometry (a replacement may change that)
    duplicates = 0
    rows = 0
    if stats is None:
        stats = {}
    stats.update(rows=0, no_geometry=0, duplicates=0)
    for page in _iter_asset_batches(raw):
        start = rows
        feats: List[QgsFeature] = []
        append = feats.append
        replaced: List[Tuple[int, QgsFeature]] = []
        for asset in page:
            f = QgsFeature()
            f.setAttributes(conv(asset))
            is_dict = isinstance(asset, dict)
            wkb = to_wkb(asset.get("geometry")) if is_dict else None
            if wkb is not None:
                g = QgsGeometry()
                g.fromWkb(wkb)
                f.setGeometry(g)
            aid = asset.get("id") if is_dict else None
            row = rows
            if isinstance(aid, str):
                seen = row_of_id.get(aid)
                if seen is not None:
                    duplicates += 1
                    row = seen
                    if seen >= start:
                        feats[seen - start] = f
                    else:
                        replaced.append((seen, f))
                else:
                    row_of_id[aid] = rows
            if row == rows:
                append(f)
                rows += 1
            if wkb is None:
                without_geometry.add(row)
            else:
                without_geometry.discard(row)
        stats.update(rows=rows, no_geometry=len(without_geometry), duplicates=duplicates)
        yield FeatureBatch(start, feats, replaced)


def build_asset_features(
    raw: Iterable[Any], fields: Optional[QgsFields] = None, stats: Optional[Dict[str, int]] = None
) -> Tuple[List[QgsFeature], int]:
    """Raw asset dicts (or pages of them) -> (features, count of rows without usable geometry).

    Pure and thread-safe. Every entry becomes a feature (an unusable geometry gives a row without
    geometry); an asset id seen again on a later page replaces the earlier row (counted in
    ``stats["duplicates"]``). ``fields`` is accepted for API symmetry; attributes follow ASSET_FIELDS.
    Layers are built with :func:`iter_feature_batches` instead (page by page, nothing kept twice).
    """
    stats = {} if stats is None else stats
    feats: List[QgsFeature] = []
    with _gc_off():
        for batch in iter_feature_batches(raw, stats):
            for row, f in batch.replaced:
                feats[row] = f
            feats.extend(batch.features)
    return feats, stats["no_geometry"]


@contextmanager
def _gc_off():
    """Millions of short-lived objects, no cycles: the cyclic GC would only rescan them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _replace_rows(provider, replaced: List[Tuple[int, QgsFeature]]) -> None:
    """Rows of earlier batches replaced by a later page: change them in place (feature id = row + 1)."""
    if not replaced:
        return
    attrs = {row + 1: dict(enumerate(f.attributes())) for row, f in replaced}
    geoms = {row + 1: (f.geometry() if f.hasGeometry() else QgsGeometry()) for row, f in replaced}
    if not (provider.changeAttributeValues(attrs) and provider.changeGeometryValues(geoms)):
        raise RuntimeError("could not replace a repeated asset in the layer")  # pragma: no cover


def geojson_geometry(geojson: Any) -> Optional[QgsGeometry]:
    """A GeoJSON Polygon/MultiPolygon dict -> QgsGeometry (MultiPolygon), None when unusable."""
    wkb = geojson_to_wkb(geojson)
    if wkb is None:
        return None
    geometry = QgsGeometry()
    geometry.fromWkb(wkb)
    return geometry


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
    raw_pages: Iterable[Any],
    name: str = "Pixxel assets",
    aoi_id: Optional[str] = None,
    on_batch: Optional[Callable[[List[QgsFeature]], None]] = None,
) -> AssetLayerResult:
    """Pages of raw asset dicts -> a filled memory layer. Safe in a worker thread (the layer is handed
    to the main thread when built elsewhere).

    Streaming: each page's features are added to the layer as soon as they are built, and nothing else
    keeps them (the page's JSON can be released by the caller). ``on_batch(features)`` is called with
    each page's new features (progressive display)."""
    stats: Dict[str, int] = {}
    layer = new_asset_memory_layer(name)
    prov = layer.dataProvider()
    with _gc_off():
        for batch in iter_feature_batches(raw_pages, stats):
            if batch.features:
                ok, _ = prov.addFeatures(batch.features)
                if not ok:  # pragma: no cover - memory provider only refuses malformed features
                    raise RuntimeError("could not add the asset features to the memory layer")
            _replace_rows(prov, batch.replaced)
            if on_batch is not None and batch.features:
                on_batch(batch.features)
            del batch
    layer.updateExtents()
    _tag(layer, aoi_id, "assets")
    _to_main_thread(layer)
    return AssetLayerResult(layer, stats["rows"], stats["no_geometry"], stats["duplicates"])


def boundary_layer(aoi: Any, name: Optional[str] = None) -> QgsVectorLayer:
    """The AOI (raw dict or client model) -> a one-feature memory layer of its boundary and metadata."""
    d = aoi_dict(aoi)
    if name is None:
        name = f"{d.get('name') or d.get('aoi_id') or 'AOI'} boundary"
    layer = new_boundary_memory_layer(name)
    f = QgsFeature()
    f.setAttributes(AssetRowConverter(AOI_FIELDS)(d))
    geometry = geojson_geometry(d.get("geometry"))
    if geometry is not None:
        f.setGeometry(geometry)
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
    raw_pages: Iterable[Any],
    aoi: Any,
    gpkg_path: Optional[str] = None,
    on_batch: Optional[Callable[[List[QgsFeature]], None]] = None,
) -> PreparedAoiLayers:
    """Worker-thread pipeline: pages -> asset layer + boundary layer; written to ``gpkg_path`` (and reopened
    from it) unless it is None, in which case memory layers are returned. No project access.

    Pages are consumed as they arrive: each page's features go straight into the layer (or, for a new
    GeoPackage file, straight into the file) and ``on_batch(features)`` gets them for a progressive
    display. A new GeoPackage is written under a hidden temporary name beside ``gpkg_path`` and renamed
    when complete, so a failure or a cancel never leaves a half-written file; an existing GeoPackage (the
    AOI loaded again) gets its tables replaced only once every page is in."""
    d = aoi_dict(aoi)
    aoi_id = d.get("aoi_id")
    title = str(d.get("name") or aoi_id or "AOI")
    if gpkg_path is not None and not os.path.exists(gpkg_path):
        return _prepare_new_gpkg(raw_pages, d, gpkg_path, on_batch)
    res = build_asset_layer(raw_pages, f"{title} assets", aoi_id, on_batch)
    bnd = boundary_layer(d, f"{title} boundary")
    if gpkg_path is None:
        return PreparedAoiLayers(res.layer, bnd, res.feature_count, res.no_geometry, res.duplicates)
    uris = write_layers_to_gpkg(gpkg_path, {ASSET_TABLE: res.layer, BOUNDARY_TABLE: bnd})
    del res.layer  # the memory copy is not needed once written
    return _reopen(gpkg_path, uris, d, res.feature_count, res.no_geometry, res.duplicates)


def _reopen(gpkg_path: str, uris: Dict[str, str], d: Dict[str, Any], count: int, no_geometry: int,
            duplicates: int) -> PreparedAoiLayers:
    aoi_id = d.get("aoi_id")
    title = str(d.get("name") or aoi_id or "AOI")
    asset_gpkg = QgsVectorLayer(uris[ASSET_TABLE], f"{title} assets", "ogr")
    bnd_gpkg = QgsVectorLayer(uris[BOUNDARY_TABLE], f"{title} boundary", "ogr")
    for lyr, role in ((asset_gpkg, "assets"), (bnd_gpkg, "boundary")):
        if not lyr.isValid():
            raise GpkgWriteError(f"The GeoPackage {gpkg_path} was written but cannot be opened again.")
        _tag(lyr, aoi_id, role)
        _to_main_thread(lyr)
    return PreparedAoiLayers(asset_gpkg, bnd_gpkg, count, no_geometry, duplicates, gpkg_path, uris)


def _gpkg_files(path: str) -> List[str]:
    return [path + suffix for suffix in ("", "-journal", "-wal", "-shm")]


def _prepare_new_gpkg(
    raw_pages: Iterable[Any], d: Dict[str, Any], gpkg_path: str,
    on_batch: Optional[Callable[[List[QgsFeature]], None]],
) -> PreparedAoiLayers:
    """Stream the features into a new GeoPackage (no memory layer in between), then rename it."""
    folder = os.path.dirname(os.path.abspath(gpkg_path))
    os.makedirs(folder, exist_ok=True)
    part = os.path.join(folder, f".{os.path.basename(gpkg_path)}.{uuid.uuid4().hex[:8]}.part.gpkg")
    title = str(d.get("name") or d.get("aoi_id") or "AOI")
    stats: Dict[str, int] = {}
    try:
        writer = _new_asset_table_writer(
            part, ASSET_TABLE, QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteFile
        )
        replaced: Dict[int, QgsFeature] = {}
        with _gc_off():
            for batch in iter_feature_batches(raw_pages, stats):
                if batch.features and not writer.addFeatures(batch.features):
                    raise GpkgWriteError(
                        f"Could not write the assets to {gpkg_path}: {writer.errorMessage()}. "
                        "Check the free disk space and that the folder is writable."
                    )
                replaced.update(batch.replaced)
                if on_batch is not None and batch.features:
                    on_batch(batch.features)
                del batch
        del writer  # closes the table (commits its transaction)
        if replaced:
            _replace_gpkg_rows(part, ASSET_TABLE, replaced)
        write_layers_to_gpkg(part, {BOUNDARY_TABLE: boundary_layer(d, f"{title} boundary")})
        _empty_to_null_geometries(part, [ASSET_TABLE])
        os.replace(part, gpkg_path)
    finally:
        for f in _gpkg_files(part):
            if os.path.exists(f):
                try:
                    os.remove(f)
                except OSError:  # pragma: no cover - e.g. still locked on Windows
                    pass
    uris = {t: f"{gpkg_path}|layername={t}" for t in (ASSET_TABLE, BOUNDARY_TABLE)}
    return _reopen(gpkg_path, uris, d, stats["rows"], stats["no_geometry"], stats["duplicates"])


_REPLACED_TABLE = "pixxel_replaced_rows"


def _new_asset_table_writer(path: str, table: str, action) -> QgsVectorFileWriter:
    opts = QgsVectorFileWriter.SaveVectorOptions()
    opts.driverName = "GPKG"
    opts.layerName = table
    opts.fileEncoding = "UTF-8"
    opts.actionOnExistingFile = action
    writer = QgsVectorFileWriter.create(
        path, asset_fields(), QgsWkbTypes.Type.MultiPolygon, QgsCoordinateReferenceSystem(AOI_CRS),
        QgsCoordinateTransformContext(), opts,
    )
    if writer.hasError() != QgsVectorFileWriter.WriterError.NoError:
        raise GpkgWriteError(
            f"Could not write layer '{table}' to {path}: {writer.errorMessage()}. "
            "Check that the folder is writable and the file is not locked by another program."
        )
    return writer


def _replace_gpkg_rows(path: str, table: str, replaced: Dict[int, QgsFeature]) -> None:
    """Rows repeated on a later page: rewrite them in place (GeoPackage fid = row + 1). The new rows are
    written by QgsVectorFileWriter into a scratch table (so values are encoded exactly as in the others),
    then copied over the old rows by SQL, and the scratch table is dropped."""
    from osgeo import gdal, ogr

    rows = sorted(replaced)
    writer = _new_asset_table_writer(
        path, _REPLACED_TABLE, QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
    )
    if not writer.addFeatures([replaced[r] for r in rows]):  # pragma: no cover
        raise GpkgWriteError(f"Could not write repeated assets to {path}: {writer.errorMessage()}.")
    del writer
    with without_exceptions(gdal, ogr):
        ds = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_UPDATE)
        if ds is None:  # pragma: no cover
            raise GpkgWriteError(f"Could not reopen {path} to write repeated assets.")
        try:
            lyr = ds.GetLayerByName(table)
            defn = lyr.GetLayerDefn()
            cols = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
            cols.append(lyr.GetGeometryColumn())
            fid = lyr.GetFIDColumn() or "fid"
            names = ", ".join(f'"{c}"' for c in cols)
            ds.StartTransaction()
            for k, row in enumerate(rows, 1):
                ds.ExecuteSQL(
                    f'UPDATE "{table}" SET ({names}) = (SELECT {names} FROM "{_REPLACED_TABLE}" '
                    f'WHERE "{fid}" = {k}) WHERE "{fid}" = {row + 1}'
                )
            ds.CommitTransaction()
            for i in range(ds.GetLayerCount()):
                if ds.GetLayerByIndex(i).GetName() == _REPLACED_TABLE:
                    ds.DeleteLayer(i)
                    break
        finally:
            ds = None


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
