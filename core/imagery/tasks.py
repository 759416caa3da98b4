"""The download and composite tasks (PixxelTask: network and raster reads in work(), project changes in
deliver()) and the main-thread helpers that put downloaded rasters in the AOI's layer group and note on the
asset layer where each asset is on disk (field ``local_path``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence

from qgis.core import (
    QgsLayerTreeLayer,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication

from ...client.errors import CancelledError, ConfigurationError
from ..assets.asset_fields import _make_fields
from ..assets.layers import find_aoi_group, find_aoi_layers
from ..settings import AOI_PROPERTY, ROLE_PROPERTY
from ..tasks.tasks import PixxelTask
from .download import AssetDownloader, DownloadReport, downloaded_assets
from .render import (
    PRESET_PROPERTY,
    apply_composite,
    composite_bands,
    layer_bands,
    prepare_raster_layer,
    stretch_limits,
)

LOCAL_PATH_FIELD = "local_path"
ASSET_PROPERTY = "pixxel/asset_id"


def _aoi_id(aoi: Any) -> str:
    return str(aoi.get("aoi_id") if isinstance(aoi, dict) else getattr(aoi, "aoi_id", "") or "")


def _satellite_id(aoi: Any) -> Optional[str]:
    value = aoi.get("satellite_id") if isinstance(aoi, dict) else getattr(aoi, "satellite_id", None)
    return str(value) if value else None


def find_satellite(client: Any, satellite_id: Optional[str]) -> Any:
    """The AOI's satellite from GET /v0/satellites (None when unknown or the call fails: wavelengths then
    come from the files alone)."""
    if not satellite_id:
        return None
    try:
        for sat in client.list_satellites():
            if sat.id == satellite_id:
                return sat
    except Exception:  # noqa: BLE001 - the display falls back on the files' own metadata
        return None
    return None


def set_local_paths(layer: QgsVectorLayer, paths: Dict[str, str]) -> int:
    """Write ``paths`` (asset id -> file) into the asset layer's ``local_path`` field (added if missing).
    Main thread. Returns the number of features updated."""
    if layer is None or not paths:
        return 0
    provider = layer.dataProvider()
    if layer.fields().indexOf(LOCAL_PATH_FIELD) < 0:
        # built by asset_fields (the one place that constructs QgsField, whichever Qt the QGIS has)
        provider.addAttributes(list(_make_fields([(LOCAL_PATH_FIELD, "str", LOCAL_PATH_FIELD)])))
        layer.updateFields()
    idx = layer.fields().indexOf(LOCAL_PATH_FIELD)
    id_idx = layer.fields().indexOf("id")
    if idx < 0 or id_idx < 0:
        return 0
    changes = {}
    for f in layer.getFeatures():
        path = paths.get(str(f.attribute(id_idx)))
        if path and f.attribute(idx) != path:
            changes[f.id()] = {idx: path}
    if changes:
        provider.changeAttributeValues(changes)
        layer.triggerRepaint()
    return len(changes)


def add_rasters_to_aoi_group(project: QgsProject, aoi: Any, layers: Sequence[QgsRasterLayer]) -> List[QgsRasterLayer]:
    """Add rasters under the AOI's group (created if missing); a file already in the project is not added
    twice. Main thread."""
    aoi_id = _aoi_id(aoi)
    group = find_aoi_group(project, aoi_id) if aoi_id else None
    if group is None:
        name = aoi.get("name") if isinstance(aoi, dict) else getattr(aoi, "name", None)
        group = project.layerTreeRoot().insertGroup(0, f"Pixxel: {name or aoi_id or 'AOI'}")
        if aoi_id:
            group.setCustomProperty(AOI_PROPERTY, aoi_id)
    present = {os.path.abspath(lyr.source()) for lyr in project.mapLayers().values()
               if isinstance(lyr, QgsRasterLayer)}
    added = []
    for layer in layers:
        if os.path.abspath(layer.source()) in present:
            continue
        layer.setCustomProperty(AOI_PROPERTY, aoi_id)
        layer.setCustomProperty(ROLE_PROPERTY, "raster")
        project.addMapLayer(layer, False)
        group.addChildNode(QgsLayerTreeLayer(layer))
        added.append(layer)
    return added


@dataclass
class DownloadResult:
    """What a finished download hands to ``on_done``: the downloader's report and the raster layers added."""

    report: DownloadReport
    layers: List[QgsRasterLayer]


class DownloadAssetsTask(PixxelTask):
    """Download assets of an AOI into ``folder`` (bounded parallelism, resume, renewal) and prepare their
    rasters in true colour; deliver() adds the rasters to the AOI group and fills ``local_path``.

    ``on_done(DownloadResult)`` / ``on_error(text)`` / ``on_cancel()`` run on the main thread (PixxelTask's
    plumbing: an unexpected exception becomes a short message, a deleted widget is ignored).
    ``add_to_project=False`` leaves the layers out of the project (Processing adds them itself).
    """

    def __init__(self, client: Any, aoi: Any, assets: Sequence[Any], folder: str,
                 project: Optional[QgsProject] = None, on_done: Optional[Callable] = None,
                 on_error: Optional[Callable[[str], None]] = None, on_cancel: Optional[Callable[[], None]] = None,
                 open_rasters: bool = True, concurrency: int = 3, add_to_project: bool = True,
                 **downloader_options: Any):
        super().__init__(f"Downloading {len(assets)} Pixxel asset(s)", on_done, on_error, on_cancel)
        self.client = client
        self.aoi = aoi
        self.assets = list(assets)
        self.folder = folder
        self.project = project
        self.open_rasters = open_rasters
        self.concurrency = concurrency
        self.add_to_project = add_to_project
        self.downloader_options = downloader_options
        self.report: Optional[DownloadReport] = None
        self.layers: List[QgsRasterLayer] = []
        self.bytes = 0

    def _progress(self, percent: float, fetched: int) -> None:
        self.bytes = fetched
        self.setProgress(percent)

    def work(self) -> DownloadReport:
        try:
            downloader = AssetDownloader(self.client, _aoi_id(self.aoi), self.folder, concurrency=self.concurrency,
                                         cancelled=self.isCanceled, progress=self._progress,
                                         **self.downloader_options)
            self.report = downloader.download(self.assets)
        except OSError as exc:
            raise ConfigurationError(f"Could not prepare the download folder {self.folder} "
                                     f"({exc.strerror or exc})", hint="Choose a writable folder.") from None
        if self.report.cancelled or self.isCanceled():
            raise CancelledError("The download was cancelled", hint="What was fetched is kept as .part files "
                                 "and resumed next time.")
        if self.open_rasters and self.report.rasters:
            satellite = find_satellite(self.client, _satellite_id(self.aoi) or self._fetch_satellite_id())
            app = QCoreApplication.instance()
            for path in self.report.rasters:
                layer = prepare_raster_layer(path, os.path.splitext(os.path.basename(path))[0], satellite)
                if layer.isValid():
                    for aid, res in self.report.results.items():
                        if path in res.files:
                            layer.setCustomProperty(ASSET_PROPERTY, aid)
                    if app is not None:
                        layer.moveToThread(app.thread())
                    self.layers.append(layer)
        return self.report

    def _fetch_satellite_id(self) -> Optional[str]:
        """The AOI's satellite id from GET /v0/aoi/{id} when the caller only knew the AOI's id and name."""
        try:
            return self.client.get_aoi(_aoi_id(self.aoi), cancelled=self.isCanceled).satellite_id
        except Exception:  # noqa: BLE001 - the display then relies on the files' wavelength metadata
            return None

    def deliver(self) -> DownloadResult:
        added = self.layers
        if self.add_to_project:
            project = self.project or QgsProject.instance()
            added = add_rasters_to_aoi_group(project, self.aoi, self.layers)
            assets_layer = find_aoi_layers(project, _aoi_id(self.aoi)).get("assets")
            if assets_layer is not None and self.report is not None:
                set_local_paths(assets_layer, {aid: r.files[0] for aid, r in self.report.results.items()
                                               if r.files})
        return DownloadResult(self.report, added)


class PresetTask(PixxelTask):
    """Switch a remote raster (e.g. /vsicurl/) to a composite: the percentiles are read in run() from a clone
    of its provider, the renderer is set in deliver(). ``on_done(rgb or None)`` on the main thread."""

    def __init__(self, layer: QgsRasterLayer, preset: str, satellite: Any = None,
                 on_done: Optional[Callable] = None):
        super().__init__(f"Pixxel: {preset.replace('_', ' ')} for {layer.name()}", on_done)
        self.layer = layer
        self.preset = preset
        self.rgb = composite_bands(layer_bands(layer), preset, satellite)
        self.provider = layer.dataProvider().clone() if self.rgb else None
        self.extent = layer.extent()

    def work(self) -> Any:
        if self.rgb is None or self.provider is None:
            return None
        return stretch_limits(self.provider, self.rgb, self.extent)

    def deliver(self) -> Any:
        limits = self.result
        if limits is None:
            return None
        try:
            apply_composite(self.layer, self.rgb, limits=limits)
            self.layer.setCustomProperty(PRESET_PROPERTY, self.preset)
        except RuntimeError:  # the layer was removed meanwhile
            return None
        return self.rgb


def already_downloaded(folder: str) -> Dict[str, List[str]]:
    """asset id -> files already in the AOI folder (cheap: reads the manifest)."""
    return downloaded_assets(folder) if os.path.isdir(folder) else {}
