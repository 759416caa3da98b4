"""Processing algorithm "Load AOI assets" (pixxel:loadassets)."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterString,
    QgsWkbTypes,
)

from . import common


class _AssetStyler(QgsProcessingLayerPostProcessorInterface):
    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (name fixed by QGIS)
        from ..core.layer_style import apply_asset_style

        apply_asset_style(layer)


class LoadAssetsAlgorithm(common.PixxelAlgorithm):
    AOI_ID = "AOI_ID"
    OUTPUT = "OUTPUT"
    COUNT = "COUNT"
    STATUS = "STATUS"

    _styler = None  # the post-processor must outlive processAlgorithm

    def name(self):
        return "loadassets"

    def displayName(self):  # noqa: N802 (name fixed by QGIS)
        return "Load AOI assets"

    def tags(self):
        return ["pixxel", "aoi", "assets", "hyperspectral", "download", "footprints"]

    def shortHelpString(self):  # noqa: N802 (name fixed by QGIS)
        return (
            "<p>Fetches every asset of a Pixxel AOI (all pages) and writes them to a polygon layer in WGS 84 "
            "with the same typed attributes as the Pixxel panel's asset layer (id, name, type, status, "
            "dates, area, resolution, bands, download path, ...). Assets without a usable footprint are kept "
            "as rows without geometry.</p>"
            "<p>When the AOI is still processing, the assets ready so far are loaded and a warning says so.</p>"
            + common.CONNECTION_HELP
        )

    def initAlgorithm(self, config=None):  # noqa: N802 (name fixed by QGIS)
        p = QgsProcessingParameterString(self.AOI_ID, "AOI id")
        p.setHelp("The id of the AOI, e.g. the AOI_ID output of 'Create AOI from features', or the id shown "
                  "in the Existing AOIs list of the Pixxel panel.")
        self.addParameter(p)
        self.add_connection_parameters()
        p = QgsProcessingParameterFeatureSink(self.OUTPUT, "Assets", QgsProcessing.SourceType.TypeVectorPolygon)
        p.setHelp("The assets layer (MultiPolygon, EPSG:4326), one feature per asset.")
        self.addParameter(p)
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, "Number of assets"))
        self.addOutput(QgsProcessingOutputString(self.STATUS, "AOI status"))

    # ------------------------------------------------------------------ run (worker thread)
    def run_with_client(self, client, parameters, context, feedback):
        # imported here, not at module level: registering the provider at QGIS start must stay light
        from ..client.errors import CancelledError
        from ..core import layers
        from ..core.asset_fields import asset_fields
        from ..core.tasks import TERMINAL_STATUSES, status_text

        aoi_id = self.parameterAsString(parameters, self.AOI_ID, context).strip()
        if not aoi_id:
            raise QgsProcessingException("Enter the AOI id (e.g. the AOI_ID output of 'Create AOI from features').")
        sink, dest_id = self.parameterAsSink(parameters, self.OUTPUT, context, asset_fields(),
                                             QgsWkbTypes.Type.MultiPolygon, QgsCoordinateReferenceSystem(common.WGS84))
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))


        def progress(done, total=None):
            if total:
                feedback.setProgress(max(0.0, min(95.0, 95.0 * float(done) / float(total))))

        try:
            aoi = client.get_aoi(aoi_id, cancelled=feedback.isCanceled)
            status = status_text(aoi.status)
            label = aoi.name or aoi.aoi_id
            if status not in TERMINAL_STATUSES:
                feedback.pushWarning(
                    f"AOI “{label}” is still {status} ({int(aoi.progress or 0)}%): only the assets ready now "
                    "are loaded. Run this again when it has finished.")
            elif status == "failed":
                feedback.pushWarning(f"AOI “{label}” failed on the Pixxel side; it may have no assets.")
            feedback.setProgressText(f"Fetching the assets of “{label}”…")
            pages = list(client.iter_asset_pages(aoi.aoi_id, page_size=500, raw=True,
                                                 cancelled=feedback.isCanceled, progress=progress))
        except CancelledError:
            raise QgsProcessingException("Cancelled: no assets were loaded.") from None
        except common.USER_ERRORS as exc:
            raise common.processing_error(exc) from None
        if feedback.isCanceled():
            raise QgsProcessingException("Cancelled: no assets were loaded.")

        stats = {}
        features, no_geometry = layers.build_asset_features(pages, stats=stats)
        if not sink.addFeatures(features, QgsFeatureSink.Flag.FastInsert):
            raise QgsProcessingException(f"The assets could not be written to the output: {sink.lastError()}")
        summary = layers.AssetLayerResult(None, len(features), no_geometry, stats.get("duplicates", 0))
        feedback.pushInfo(summary.message)
        feedback.setProgress(100.0)

        if context.willLoadLayerOnCompletion(dest_id):
            LoadAssetsAlgorithm._styler = _AssetStyler()
            context.layerToLoadOnCompletionDetails(dest_id).setPostProcessor(LoadAssetsAlgorithm._styler)
        return {self.OUTPUT: dest_id, self.COUNT: len(features), self.STATUS: status}
