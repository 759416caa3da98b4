"""Processing algorithm "Load AOI assets" (pixxel:loadassets)."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..i18n import tr
from . import common


class LoadAssetsAlgorithm(common.PixxelAlgorithm):
    AOI_ID = "AOI_ID"
    OUTPUT = "OUTPUT"
    COUNT = "COUNT"
    STATUS = "STATUS"

    ALG_ID = "loadassets"
    TITLE = QT_TRANSLATE_NOOP("PixxelQgis", "Load AOI assets")
    TAGS = ("pixxel", "aoi", "assets", "hyperspectral", "download", "footprints")
    STYLE = "apply_asset_style"
    HELP = QT_TRANSLATE_NOOP(
        "PixxelQgis",
        "<p>Fetches every asset of a Pixxel AOI (all pages) and writes them to a polygon layer in WGS "
        "84 with the same typed attributes as the Pixxel panel's asset layer (id, name, type, status, "
        "dates, area, resolution, bands, download path, ...). Assets without a usable footprint are "
        "kept as rows without geometry.</p><p>When the AOI is still processing, the assets ready so far "
        "are loaded and a warning says so.</p>")

    def initAlgorithm(self, config=None):  # noqa: N802 (name fixed by QGIS)
        p = QgsProcessingParameterString(self.AOI_ID, tr("AOI id"))
        p.setHelp(tr("The id of the AOI, e.g. the AOI_ID output of 'Create AOI from features', or the id shown in "
                     "the Existing AOIs list of the Pixxel panel."))
        self.addParameter(p)
        self.add_connection_parameters()
        p = QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Assets"), QgsProcessing.SourceType.TypeVectorPolygon)
        p.setHelp(tr("The assets layer (MultiPolygon, EPSG:4326), one feature per asset."))
        self.addParameter(p)
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, tr("Number of assets")))
        self.addOutput(QgsProcessingOutputString(self.STATUS, tr("AOI status")))

    # ------------------------------------------------------------------ run (worker thread)
    def run_with_client(self, client, parameters, context, feedback):
        # imported here, not at module level: registering the provider at QGIS start must stay light
        from ..client.defaults import AOI_CRS
        from ..client.errors import CancelledError
        from ..client.polling import is_final, status_text
        from ..core.assets import layers
        from ..core.assets.asset_fields import asset_fields

        aoi_id = self.parameterAsString(parameters, self.AOI_ID, context).strip()
        if not aoi_id:
            raise QgsProcessingException(tr("Enter the AOI id (e.g. the AOI_ID output of 'Create AOI from features')."))
        sink, dest_id = self.parameterAsSink(parameters, self.OUTPUT, context, asset_fields(),
                                             QgsWkbTypes.Type.MultiPolygon, QgsCoordinateReferenceSystem(AOI_CRS))
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))


        def progress(done, total=None):
            if total:
                feedback.setProgress(max(0.0, min(95.0, 95.0 * float(done) / float(total))))

        try:
            aoi = client.get_aoi(aoi_id, cancelled=feedback.isCanceled)
            status = status_text(aoi.status)
            label = aoi.name or aoi.aoi_id
            if not is_final(status):
                feedback.pushWarning(
                    tr("AOI “{label}” is still {status} ({progress}%): only the assets ready now are loaded. Run this "
                       "again when it has finished.").format(label=label, status=status, progress=int(aoi.progress or 0)))
            elif status == "failed":
                feedback.pushWarning(tr("AOI “{label}” failed on the Pixxel side; it may have no assets.").format(label=label))
            feedback.setProgressText(tr("Fetching the assets of “{label}”…").format(label=label))
            pages = list(client.iter_asset_pages(aoi.aoi_id, page_size=500, raw=True,
                                                 cancelled=feedback.isCanceled, progress=progress))
        except CancelledError:
            raise QgsProcessingException(tr("Cancelled: no assets were loaded.")) from None
        except common.user_errors() as exc:
            raise common.processing_error(exc) from None
        if feedback.isCanceled():
            raise QgsProcessingException(tr("Cancelled: no assets were loaded."))

        stats = {}
        features, no_geometry = layers.build_asset_features(pages, stats=stats)
        if not sink.addFeatures(features, QgsFeatureSink.Flag.FastInsert):
            raise QgsProcessingException(tr("The assets could not be written to the output: {error}").format(error=sink.lastError()))
        summary = layers.AssetLayerResult(None, len(features), no_geometry, stats.get("duplicates", 0))
        feedback.pushInfo(summary.message)
        feedback.setProgress(100.0)

        self.style_when_loaded(context, dest_id)
        return {self.OUTPUT: dest_id, self.COUNT: len(features), self.STATUS: status}
