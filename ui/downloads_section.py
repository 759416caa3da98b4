"""Panel section "Downloads" (Rasters tab): download the selected (or all) assets of the active asset layer's
AOI into a folder beside its GeoPackage (core.imagery: resume, renewal, verify, unpack), show what is
already on disk, switch a raster's band composite (true colour, false colour, red edge, SWIR) and open
the spectral profile tool."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from qgis.core import QgsProject, QgsRasterLayer, QgsVectorLayer
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP
from qgis.PyQt.QtWidgets import QComboBox, QProgressBar, QPushButton, QVBoxLayout

from ..core.assets.layers import default_gpkg_path, find_aoi_group
from ..core.imagery.download import aoi_folder_for_gpkg
from ..core.imagery.render import apply_preset, available_presets, is_local, layer_bands
from ..core.imagery.tasks import DownloadAssetsTask, PresetTask, already_downloaded, set_local_paths
from ..core.settings import AOI_PROPERTY, ROLE_PROPERTY
from ..i18n import tr
from .widgets import Section, label, row

#: the composites' names in the panel (keys: core.imagery.render.PRESETS)
PRESET_LABELS = {
    "true_colour": QT_TRANSLATE_NOOP("PixxelQgis", "True colour (red, green, blue)"),
    "false_colour": QT_TRANSLATE_NOOP("PixxelQgis", "False colour (NIR, red, green)"),
    "red_edge": QT_TRANSLATE_NOOP("PixxelQgis", "Red edge (740, 705, 665 nm)"),
    "swir": QT_TRANSLATE_NOOP("PixxelQgis", "SWIR (2190, 1610, 865 nm)"),
}
NO_LAYER = QT_TRANSLATE_NOOP("PixxelQgis", "Make a Pixxel asset layer the active layer (load an AOI's assets first).")


class DownloadsSection(Section):
    def __init__(self, panel):
        super().__init__(panel, tr("Downloads"), "downloadsGroup")
        self.task: Optional[DownloadAssetsTask] = None
        self.spectral_dock = None
        self.spectral_tool = None
        lay = QVBoxLayout(self)
        self.download_selected_button = QPushButton(tr("Download selected"))
        self.download_selected_button.setToolTip(tr("Download the selected assets of the active asset layer"))
        self.download_all_button = QPushButton(tr("Download all"))
        self.download_all_button.setToolTip(tr("Download every asset of the active asset layer's AOI"))
        self.cancel_download_button = QPushButton(tr("Cancel"))
        self.cancel_download_button.setEnabled(False)
        self.download_progress = QProgressBar()
        self.download_progress.setRange(0, 100)
        self.download_status = label(tr("Select assets on the map, then download them."))
        self.preset_combo = QComboBox()
        self.preset_combo.setToolTip(tr("Band composite of the active raster layer"))
        self.apply_preset_button = QPushButton(tr("Apply"))
        self.spectral_button = QPushButton(tr("Spectral profile"))
        self.spectral_button.setCheckable(True)
        self.spectral_button.setToolTip(tr("Click pixels of the active raster to plot their spectra"))
        lay.addWidget(row(self.download_selected_button, self.download_all_button))
        lay.addWidget(row(self.download_progress, self.cancel_download_button))
        lay.addWidget(self.download_status)
        lay.addWidget(row(self.preset_combo, self.apply_preset_button))
        lay.addWidget(row(self.spectral_button, None))
        self.download_selected_button.clicked.connect(panel.slot(lambda: self.download(selected_only=True)))
        self.download_all_button.clicked.connect(panel.slot(lambda: self.download(selected_only=False)))
        self.cancel_download_button.clicked.connect(panel.slot(self.cancel_download))
        self.apply_preset_button.clicked.connect(panel.slot(self.apply_selected_preset))
        self.spectral_button.toggled.connect(panel.alive(self.toggle_spectral_tool))
        iface = panel.iface
        if iface is not None and hasattr(iface, "currentLayerChanged"):
            iface.currentLayerChanged.connect(panel.alive(lambda *_: self.refresh_state()))

    # ------------------------------------------------------------------ what the active layer is
    def _asset_layer(self) -> QgsVectorLayer:
        layer = self.panel.iface.activeLayer() if self.panel.iface is not None else None
        if not isinstance(layer, QgsVectorLayer) or layer.customProperty(ROLE_PROPERTY) != "assets" \
                or not layer.customProperty(AOI_PROPERTY):
            raise ValueError(tr(NO_LAYER))
        return layer

    def aoi_of(self, layer: QgsVectorLayer) -> Dict[str, Any]:
        aoi_id = str(layer.customProperty(AOI_PROPERTY))
        group = find_aoi_group(QgsProject.instance(), aoi_id)
        name = group.name().split(":", 1)[-1].strip() if group is not None else layer.name()
        return {"aoi_id": aoi_id, "name": name}

    def folder_for(self, layer: QgsVectorLayer, aoi: Dict[str, Any]) -> str:
        """Beside the AOI's GeoPackage (the asset layer's file), else where the GeoPackage would go."""
        source = layer.source().split("|", 1)[0]
        if source.lower().endswith(".gpkg"):
            return aoi_folder_for_gpkg(source)
        return aoi_folder_for_gpkg(default_gpkg_path(QgsProject.instance(), aoi, self._gpkg_folder()))

    def _gpkg_folder(self) -> Optional[str]:
        """The Output choice's folder (None: core.assets.layers.default_gpkg_folder)."""
        return self.panel.flow.output.gpkg_folder

    def _assets(self, layer: QgsVectorLayer, selected_only: bool) -> Tuple[List[Dict[str, str]], int]:
        feats = layer.getSelectedFeatures() if selected_only else layer.getFeatures()
        names = layer.fields().names()
        out, not_ready = [], 0
        for f in feats:
            status = f["status"] if "status" in names else "success"
            if status not in (None, "", "success") and str(status) != "NULL":
                not_ready += 1
                continue
            out.append({"id": str(f["id"]), "name": str(f["name"] if "name" in names else f["id"])})
        return out, not_ready

    def refresh_state(self, announce: bool = True) -> None:
        """Say how much of the active asset layer's AOI is on disk, and list the active raster's presets."""
        layer = self.panel.iface.activeLayer() if self.panel.iface is not None else None
        self.preset_combo.clear()
        if isinstance(layer, QgsRasterLayer) and layer.bandCount() >= 3:
            for p in available_presets(layer_bands(layer)):
                self.preset_combo.addItem(tr(PRESET_LABELS[p]), p)
        if not announce:
            return
        try:
            layer = self._asset_layer()
        except ValueError:
            return
        aoi = self.aoi_of(layer)
        folder = self.folder_for(layer, aoi)
        done = already_downloaded(folder)
        if done:
            set_local_paths(layer, {aid: files[0] for aid, files in done.items()})  # e.g. after a reload
            self.download_status.setText(tr("{n} of {total} assets of this AOI are already downloaded in {folder}.")
                                         .format(n=len(done), total=layer.featureCount(), folder=folder))

    # ------------------------------------------------------------------ downloads
    def download(self, selected_only: bool = True) -> Optional[DownloadAssetsTask]:
        try:
            layer = self._asset_layer()
        except ValueError as exc:
            self.download_status.setText(str(exc))
            self.panel.warn(str(exc))
            return None
        assets, not_ready = self._assets(layer, selected_only)
        if not assets:
            text = (tr("No asset is selected in “{layer}”. Select assets with the Select Features tool, or press "
                       "“Download all”.").format(layer=layer.name()) if selected_only and not not_ready else
                    tr("Nothing to download: the assets are not ready (status is not success)."))
            self.download_status.setText(text)
            self.panel.warn(text)
            return None
        client = self.panel.connection.client()
        if client is None:
            return None
        aoi = self.aoi_of(layer)
        folder = self.folder_for(layer, aoi)
        done = already_downloaded(folder)
        todo = [a for a in assets if a["id"] not in done]
        skipped = len(assets) - len(todo)

        def finished(result):
            self._running(False)
            layers = result.layers
            text = result.report.message + (tr(" {n} raster layer(s) added to the AOI's group.").format(
                n=len(layers)) if layers else "")
            if not_ready:
                text += tr(" {n} asset(s) not ready were skipped.").format(n=not_ready)
            self.download_status.setText(text)
            self.panel.message(text)
            self.refresh_state(announce=False)

        def failed(text):
            self._running(False)
            self.download_status.setText(text)
            self.panel.warn(text)

        def cancelled():
            self._running(False)
            text = tr("Download cancelled. What was fetched is kept as .part files and resumed next time.")
            self.download_status.setText(text)
            self.panel.message(text)
            self.refresh_state(announce=False)

        task = DownloadAssetsTask(client, aoi, assets, folder, QgsProject.instance(),
                                  on_done=self.panel.alive(finished), on_error=self.panel.alive(failed),
                                  on_cancel=self.panel.alive(cancelled))
        self.task = task
        self._running(True)
        self.download_progress.setValue(0)
        task.progressChanged.connect(self.panel.alive(lambda p: self.download_progress.setValue(int(p))))
        self.download_status.setText(tr("Downloading {n} asset(s) to {folder}…").format(n=len(todo), folder=folder)
                                     + (tr(" ({n} already there)").format(n=skipped) if skipped else ""))
        return self.panel.start(task)

    def cancel_download(self) -> None:
        if self.task is not None:
            try:
                self.task.cancel()
            except RuntimeError:
                pass
        self.download_status.setText(tr("Cancelling… what was fetched is kept as .part files and resumed "
                                        "next time."))

    def _running(self, running: bool) -> None:
        self.cancel_download_button.setEnabled(running)
        self.download_selected_button.setEnabled(not running)
        self.download_all_button.setEnabled(not running)
        if not running:
            self.task = None

    # ------------------------------------------------------------------ display
    def apply_selected_preset(self) -> None:
        layer = self.panel.iface.activeLayer() if self.panel.iface is not None else None
        preset = self.preset_combo.currentData()
        if not isinstance(layer, QgsRasterLayer) or not preset:
            self.panel.warn(tr("Make a multiband raster the active layer, then choose a composite."))
            return
        if not is_local(layer):  # reading a remote raster's pixels is network: in a task
            def done(rgb):
                if rgb is None:
                    self.panel.warn(tr("The raster “{layer}” has no bands for this composite.").format(
                        layer=layer.name()))

            self.panel.start(PresetTask(layer, preset, on_done=self.panel.alive(done)))
            return
        if apply_preset(layer, preset) is None:
            self.panel.warn(tr("The raster “{layer}” has no bands for this composite.").format(layer=layer.name()))

    def toggle_spectral_tool(self, on: bool) -> None:
        from qgis.PyQt.QtCore import Qt

        from .spectral_profile import SpectralProfileDock, SpectralProfileTool

        canvas = self.panel.canvas()
        if canvas is None:
            return
        if not on:
            if self.spectral_tool is not None and canvas.mapTool() is self.spectral_tool:
                canvas.unsetMapTool(self.spectral_tool)
            return
        if self.spectral_dock is None:
            self.spectral_dock = SpectralProfileDock(self.panel.iface.mainWindow())
            self.panel.iface.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.spectral_dock)
            self.spectral_tool = SpectralProfileTool(canvas, self.panel.iface.activeLayer, self.spectral_dock)
            self.spectral_tool.failed.connect(self.panel.alive(self.panel.warn))
            self.spectral_tool.deactivated.connect(self.panel.alive(lambda: self.spectral_button.setChecked(False)))
        self.spectral_dock.show()
        canvas.setMapTool(self.spectral_tool)

    def shutdown(self) -> None:
        canvas = self.panel.canvas()
        if self.spectral_tool is not None and canvas is not None and canvas.mapTool() is self.spectral_tool:
            canvas.unsetMapTool(self.spectral_tool)
        if self.spectral_dock is not None:
            dock, self.spectral_dock = self.spectral_dock, None
            try:
                self.panel.iface.removeDockWidget(dock)
            except Exception:  # noqa: BLE001 - headless iface
                pass
            dock.setParent(None)
            dock.deleteLater()
        self.spectral_tool = None

