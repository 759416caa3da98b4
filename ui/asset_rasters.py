"""Panel section "Asset rasters": opens the GeoTIFF of the selected features of the active asset layer
(core.imagery.raster: GDAL /vsicurl/ in a background task, no key sent, https only off loopback)."""

from __future__ import annotations

from typing import List, Tuple

from qgis.core import Qgis, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP
from qgis.PyQt.QtWidgets import QPushButton, QVBoxLayout

from ..core.imagery.raster import OpenRasterTask, RasterOpenError, is_geotiff_url, vsicurl_path
from ..core.settings import ROLE_PROPERTY
from ..i18n import tr
from .widgets import Section, label, row

MAX_RASTERS = 10  # opened at once; more is almost certainly a mis-click on a 240-asset layer
NO_LAYER = QT_TRANSLATE_NOOP("PixxelQgis", "Make a Pixxel asset layer the active layer and select the asset(s) "
                             "to open (Select Features tool), then press “Open as raster”.")


class AssetRastersSection(Section):
    def __init__(self, panel):
        super().__init__(panel, tr("Asset rasters"), "rasterGroup")
        lay = QVBoxLayout(self)
        self.open_raster_button = QPushButton(tr("Open as raster"))
        self.open_raster_button.setToolTip(tr("Open the GeoTIFF of the selected asset(s) of the active asset "
                                              "layer as raster layers"))
        self.raster_status = label(tr("Select assets on the map, then open their GeoTIFFs as raster layers."))
        lay.addWidget(row(self.open_raster_button, None))
        lay.addWidget(self.raster_status)
        self.open_raster_button.clicked.connect(panel.slot(self.open_selected_rasters))

    def _selected_urls(self) -> Tuple[List[Tuple[str, str]], List[str]]:
        """(name, url) of the selected features of the active asset layer, and why others were skipped."""
        layer = self.panel.iface.activeLayer()
        if not isinstance(layer, QgsVectorLayer) or (
            layer.customProperty(ROLE_PROPERTY) != "assets" and layer.fields().indexOf("path") < 0
        ):
            raise RasterOpenError(tr(NO_LAYER))
        if layer.fields().indexOf("path") < 0:
            raise RasterOpenError(tr("The layer “{layer}” has no “path” field with the asset links.").format(
                layer=layer.name()))
        if layer.selectedFeatureCount() == 0:
            raise RasterOpenError(tr("No asset is selected in “{layer}”.").format(layer=layer.name()) + " " + tr(NO_LAYER))
        has_name = layer.fields().indexOf("name") >= 0
        found, skipped = [], []
        for f in layer.getSelectedFeatures():
            name = str((f["name"] if has_name else None) or tr("asset {id}").format(id=f.id()))
            url = f["path"]
            url = url.strip() if isinstance(url, str) else ""
            if not is_geotiff_url(url):
                skipped.append((tr("“{name}” has no GeoTIFF link (.tif/.tiff over https)") if url
                                else tr("“{name}” has no link")).format(name=name))
                continue
            try:
                vsicurl_path(url)
            except RasterOpenError as exc:
                skipped.append(tr("“{name}”: {error}").format(name=name, error=exc))
                continue
            found.append((name, url))
        return found, skipped

    def open_selected_rasters(self):
        try:
            found, skipped = self._selected_urls()
        except RasterOpenError as exc:
            self.raster_status.setText(str(exc))
            self.panel.warn(str(exc))
            return
        if len(found) > MAX_RASTERS:
            skipped.append(tr("{count} more not opened (at most {max} at once)").format(
                count=len(found) - MAX_RASTERS, max=MAX_RASTERS))
            found = found[:MAX_RASTERS]
        if not found:
            text = tr("Nothing to open: {problems}.").format(problems="; ".join(skipped))
            self.raster_status.setText(text)
            self.panel.warn(text)
            return
        pending = {"left": len(found), "ok": 0, "errors": []}

        def one_done(ok: bool, text: str = ""):
            pending["left"] -= 1
            if ok:
                pending["ok"] += 1
            else:
                pending["errors"].append(text)
            if pending["left"]:
                return
            summary = tr("{count} raster layer(s) added.").format(count=pending["ok"])
            problems = pending["errors"] + skipped
            if problems:
                summary += " " + tr("Not opened: {problems}").format(problems="; ".join(problems))
            self.raster_status.setText(summary)
            self.panel.message(summary, Qgis.MessageLevel.Success if not problems else Qgis.MessageLevel.Warning, 8)

        project = QgsProject.instance()
        for name, url in found:
            self.panel.start(OpenRasterTask(url, tr("{name} raster").format(name=name), project,
                                            self.panel.alive(lambda _layer: one_done(True)),
                                            self.panel.alive(lambda msg: one_done(False, msg))))
        self.raster_status.setText(tr("Opening {count} raster(s)…").format(count=len(found)))
