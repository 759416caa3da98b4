"""Open an asset's GeoTIFF URL as a raster layer through GDAL's /vsicurl/.

The URL is read as is: no header, no API key. The Pixxel API key only ever goes to the API host (see
client/transport.py); storage URLs are public or pre-signed. ``open_asset_raster`` refuses anything but
http(s) URLs and refuses to run if GDAL's global HTTP options carry credentials (another tool may have set
them; /vsicurl/ would then send them to the storage host).
"""

from __future__ import annotations

import os
from typing import Optional
from urllib.parse import unquote, urlsplit

from qgis.core import QgsProject, QgsRasterLayer, QgsTask

from ...client.transport import _is_loopback

__all__ = [
    "RasterOpenError",
    "is_http_url",
    "is_geotiff_url",
    "vsicurl_path",
    "open_asset_raster",
    "OpenRasterTask",
    "open_feature_raster",
]

_GEOTIFF_SUFFIXES = (".tif", ".tiff", ".gtiff", ".geotiff")
# GDAL config options that would make /vsicurl/ send credentials to whatever host it talks to.
_CREDENTIAL_OPTIONS = (
    "GDAL_HTTP_HEADERS",
    "GDAL_HTTP_HEADER_FILE",
    "GDAL_HTTP_USERPWD",
    "GDAL_HTTP_AUTH",
    "GDAL_HTTP_BEARER",
)

_tasks: set = set()  # running OpenRasterTask objects (kept alive until finished)


class RasterOpenError(ValueError):
    """The asset cannot be opened as a raster; the message says why and what to do."""


def is_http_url(url: object) -> bool:
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def is_geotiff_url(url: object) -> bool:
    """An http(s) URL whose path (query ignored) ends in .tif / .tiff."""
    if not is_http_url(url):
        return False
    path = unquote(urlsplit(url.strip()).path).lower()
    return path.endswith(_GEOTIFF_SUFFIXES)


def vsicurl_path(url: str) -> str:
    if not is_http_url(url):
        raise RasterOpenError(
            f"Not a web address: {url!r}. Only http:// and https:// asset paths can be opened as rasters."
        )
    if any(ch in url for ch in "\r\n\t\x00"):
        raise RasterOpenError("The asset path contains control characters and cannot be opened.")
    parts = urlsplit(url.strip())
    if parts.scheme.lower() == "http" and not _is_loopback((parts.hostname or "").lower()):
        raise RasterOpenError(
            f"Not opening {parts.scheme}://{parts.hostname}{parts.path}: plain http:// is unencrypted (the "
            "link and the data could be read or changed on the way). Only https:// asset paths are opened "
            "(http:// only from 127.0.0.1, localhost or ::1)."
        )
    return "/vsicurl/" + url.strip()


def _credential_options_set() -> list:
    try:
        from osgeo import gdal
    except ImportError:  # pragma: no cover
        return []
    return [opt for opt in _CREDENTIAL_OPTIONS if gdal.GetConfigOption(opt) or os.environ.get(opt)]


def open_asset_raster(path_url: str, name: Optional[str] = None) -> QgsRasterLayer:
    """The asset's path URL -> a (valid) QgsRasterLayer read through /vsicurl/. Not added to any project;
    usable in a worker thread. Raises RasterOpenError with a user-facing reason."""
    uri = vsicurl_path(path_url)
    creds = _credential_options_set()
    if creds:
        raise RasterOpenError(
            "GDAL is configured to send credentials with every web request "
            f"({', '.join(creds)}); unset them before opening asset rasters from storage."
        )
    if name is None:
        name = os.path.basename(urlsplit(path_url).path) or "asset raster"
    layer = QgsRasterLayer(uri, name, "gdal")
    if not layer.isValid():
        err = layer.error().summary() if layer.error() else ""
        raise RasterOpenError(
            f"Could not open {path_url} as a raster{': ' + err if err else ''}. "
            "The link may have expired or the file is not a GeoTIFF; reload the AOI's assets for fresh links."
        )
    return layer


class OpenRasterTask(QgsTask):
    """Opens the raster in run() (network) and adds it to the project in finished() (main thread)."""

    def __init__(self, url: str, name: Optional[str] = None, project: Optional[QgsProject] = None,
                 on_done=None, on_error=None):
        super().__init__(f"Opening {name or url}", QgsTask.Flag.CanCancel)
        self.url = url
        self.name = name
        self.project = project
        self.layer: Optional[QgsRasterLayer] = None
        self.error: Optional[str] = None
        # on_done(layer) after the layer is added; on_error(text) instead of the message bar (main thread)
        self.on_done = on_done
        self.on_error = on_error
        self._detached = False
        self._release = None  # set by core.tasks.tasks.TaskKeeper

    def detach(self) -> None:
        """Drop the callbacks and stay silent (the panel that started the task is gone)."""
        self.on_done = self.on_error = None
        self._detached = True

    def run(self) -> bool:
        try:
            layer = open_asset_raster(self.url, self.name)
        except RasterOpenError as exc:
            self.error = str(exc)
            return False
        from .render import apply_preset, describe_raster, remember_bands

        bands = describe_raster(layer.source())  # band wavelengths from the file's metadata (network: here)
        if len(bands.names) == layer.bandCount():
            remember_bands(layer, bands)
            apply_preset(layer, "true_colour", None, bands)  # true colour by default, as for downloads
        from qgis.PyQt.QtCore import QCoreApplication

        app = QCoreApplication.instance()
        if app is not None:
            layer.moveToThread(app.thread())
        self.layer = layer
        return True

    def finished(self, result: bool) -> None:
        _tasks.discard(self)
        try:
            if result and self.layer is not None:
                (self.project or QgsProject.instance()).addMapLayer(self.layer)
                if self.on_done is not None:
                    self.on_done(self.layer)
            elif self.on_error is not None:
                self.on_error(self.error or "Opening the asset raster was cancelled.")
            elif not self._detached:
                _message(self.error or "Opening the asset raster was cancelled.")
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()


def _message(text: str, warning: bool = True) -> None:
    try:
        from qgis.core import Qgis
        from qgis.utils import iface

        if iface is not None:
            iface.messageBar().pushMessage("Pixxel", text, Qgis.MessageLevel.Warning if warning else Qgis.MessageLevel.Info, 8)
            return
    except Exception:  # noqa: BLE001 - no GUI (tests, headless): fall back to the log
        pass
    from qgis.core import Qgis, QgsMessageLog

    from ..settings import LOG_TAG

    QgsMessageLog.logMessage(text, LOG_TAG, Qgis.MessageLevel.Warning if warning else Qgis.MessageLevel.Info)


def open_feature_raster(layer_id: str, fid: int) -> Optional[OpenRasterTask]:
    """Called by the 'Open as raster' feature action: opens the feature's ``path`` in a background task."""
    from qgis.core import QgsApplication

    layer = QgsProject.instance().mapLayer(layer_id)
    if layer is None:
        _message("The asset layer is no longer in the project.")
        return None
    feature = layer.getFeature(int(fid))
    idx = layer.fields().indexOf("path")
    url = feature.attribute(idx) if feature.isValid() and idx >= 0 else None
    if not is_http_url(url):
        _message("This asset has no web address to open.")
        return None
    if not is_geotiff_url(url):
        _message(f"{url} does not look like a GeoTIFF; trying to open it anyway.", warning=False)
    name = f"{feature.attribute('name') or 'asset'} raster"
    task = OpenRasterTask(str(url), name)
    _tasks.add(task)
    QgsApplication.taskManager().addTask(task)
    return task
