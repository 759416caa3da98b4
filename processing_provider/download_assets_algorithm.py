"""Processing algorithm "Download AOI assets" (pixxel:downloadassets)."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..i18n import tr
from . import common


class _TrueColour(QgsProcessingLayerPostProcessorInterface):
    satellite = None

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (name fixed by QGIS)
        from ..core.imagery.render import apply_preset

        apply_preset(layer, "true_colour", self.satellite)


class DownloadAssetsAlgorithm(common.PixxelAlgorithm):
    AOI_ID = "AOI_ID"
    ASSET_IDS = "ASSET_IDS"
    FOLDER = "FOLDER"
    OUTPUT_LAYERS = "OUTPUT_LAYERS"
    COUNT = "COUNT"

    _stylers: list = []  # the post-processors must outlive processAlgorithm

    ALG_ID = "downloadassets"
    TITLE = QT_TRANSLATE_NOOP("PixxelQgis", "Download AOI assets")
    TAGS = ("pixxel", "aoi", "assets", "download", "hyperspectral", "raster", "geotiff")
    HELP = QT_TRANSLATE_NOOP(
        "PixxelQgis",
        "<p>Downloads assets of a Pixxel AOI into a folder: all assets whose status is success, or only the "
        "asset ids given. Each download is requested from the Pixxel API, followed until it is ready and "
        "fetched from its signed link (resumed after a dropped connection, renewed if the link expired, "
        "size checked; archives are unpacked). Assets already in the folder are not downloaded again.</p>"
        "<p>Outputs the folder and the downloaded rasters, opened in true colour.</p>")

    def initAlgorithm(self, config=None):  # noqa: N802 (name fixed by QGIS)
        p = QgsProcessingParameterString(self.AOI_ID, tr("AOI id"))
        p.setHelp(tr("The id of the AOI, e.g. the AOI_ID output of 'Create AOI from features'."))
        self.addParameter(p)
        p = QgsProcessingParameterString(self.ASSET_IDS, tr("Asset ids (comma-separated; empty: all)"),
                                         optional=True)
        p.setHelp(tr("The ids of the assets to download (the 'id' field of the asset layer), separated by "
                     "commas. Empty: every asset of the AOI whose status is success."))
        self.addParameter(p)
        p = QgsProcessingParameterFolderDestination(self.FOLDER, tr("Download folder"))
        p.setHelp(tr("Where the files go. Assets already in this folder are not downloaded again; an "
                     "interrupted download resumes from its .part file."))
        self.addParameter(p)
        self.add_connection_parameters()
        self.addOutput(QgsProcessingOutputMultipleLayers(self.OUTPUT_LAYERS, tr("Raster layers")))
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, tr("Number of assets on disk")))

    def run_with_client(self, client, parameters, context, feedback):
        import os

        from ..core.imagery.download import AssetDownloader
        from ..core.imagery.tasks import find_satellite

        aoi_id = self.parameterAsString(parameters, self.AOI_ID, context).strip()
        if not aoi_id:
            raise QgsProcessingException(tr("Enter the AOI id (e.g. the AOI_ID output of 'Create AOI from "
                                            "features')."))
        wanted = common.split_ids(self.parameterAsString(parameters, self.ASSET_IDS, context) or "")
        folder = self.parameterAsString(parameters, self.FOLDER, context)
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise QgsProcessingException(tr("Cannot create the folder {folder} ({error}); choose a writable "
                                            "folder.").format(folder=folder, error=exc.strerror or exc)) from None
        try:
            aoi = client.get_aoi(aoi_id, cancelled=feedback.isCanceled)
            assets = client.all_assets_raw(aoi.aoi_id, cancelled=feedback.isCanceled)
        except common.user_errors() as exc:
            raise common.processing_error(exc) from None
        by_id = {str(a.get("id")): a for a in assets if isinstance(a, dict)}
        if wanted:
            unknown = [i for i in wanted if i not in by_id]
            if unknown:
                raise QgsProcessingException(tr("The AOI has no asset {ids}. Check the asset ids (the 'id' field "
                                                "of the asset layer).").format(ids=", ".join(unknown[:5])))
            chosen = [by_id[i] for i in wanted]
        else:
            chosen = [a for a in by_id.values() if (a.get("status") or "success") == "success"]
        if not chosen:
            raise QgsProcessingException(tr("The AOI has no asset ready to download (status success)."))
        feedback.pushInfo(tr("Downloading {n} asset(s) to {folder}").format(n=len(chosen), folder=folder))
        downloader = AssetDownloader(client, aoi.aoi_id, folder, cancelled=feedback.isCanceled,
                                     progress=lambda p, _b: feedback.setProgress(p))
        report = downloader.download(chosen)
        if report.cancelled:
            raise QgsProcessingException(tr("Cancelled: partial files are kept as .part and resumed next time."))
        for text in report.errors.values():
            feedback.reportError(text)
        if report.errors and not report.results:
            raise QgsProcessingException(tr("No asset could be downloaded: {error}").format(
                error=next(iter(report.errors.values()))))
        feedback.pushInfo(report.message)
        rasters = report.rasters
        if rasters:
            satellite = find_satellite(client, aoi.satellite_id)
            stylers = []  # one post-processor per layer (QGIS must not see one object twice)
            for path in rasters:
                details = QgsProcessingContext.LayerDetails(os.path.splitext(os.path.basename(path))[0],
                                                            context.project(), self.OUTPUT_LAYERS)
                styler = _TrueColour()
                styler.satellite = satellite
                stylers.append(styler)
                details.setPostProcessor(styler)
                context.addLayerToLoadOnCompletion(path, details)
            DownloadAssetsAlgorithm._stylers = stylers
        return {self.FOLDER: folder, self.OUTPUT_LAYERS: rasters, self.COUNT: len(report.results)}
