"""Processing algorithm "List AOIs" (pixxel:listaois): the account's AOIs as the AOI board's layer."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..i18n import tr
from . import common


class BoardStyler(QgsProcessingLayerPostProcessorInterface):
    """The AOI board's style (by status) for the output layer QGIS loads at the end."""

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (name fixed by QGIS)
        from ..core.board.layer import apply_board_style

        apply_board_style(layer)


class ListAoisAlgorithm(common.PixxelAlgorithm):
    OUTPUT = "OUTPUT"
    COUNT = "COUNT"

    ALG_ID = "listaois"
    TITLE = QT_TRANSLATE_NOOP("PixxelQgis", "List AOIs")
    TAGS = ("pixxel", "aoi", "list", "status", "board")
    HELP = QT_TRANSLATE_NOOP(
        "PixxelQgis",
        "<p>Lists every AOI of the account as a polygon layer in WGS 84 with the fields of the Pixxel AOI "
        "board: name, id, status, progress, created, updated, asset count, project, satellite, provider and "
        "item ids (asset count stays empty here: it takes one request per AOI).</p>")

    def initAlgorithm(self, config=None):  # noqa: N802 (name fixed by QGIS)
        self.add_connection_parameters()
        p = QgsProcessingParameterFeatureSink(self.OUTPUT, tr("AOIs"), QgsProcessing.SourceType.TypeVectorPolygon)
        p.setHelp(tr("One feature per AOI (MultiPolygon, EPSG:4326), styled by status."))
        self.addParameter(p)
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, tr("Number of AOIs")))

    def run_with_client(self, client, parameters, context, feedback):
        from ..client.defaults import AOI_CRS
        from ..core.assets.layers import geojson_geometry
        from ..core.board import layer as board_layer

        fields = board_layer.board_fields()
        sink, dest_id = self.parameterAsSink(parameters, self.OUTPUT, context, fields,
                                             QgsWkbTypes.Type.MultiPolygon, QgsCoordinateReferenceSystem(AOI_CRS))
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        try:
            aois = list(client.iter_aois(cancelled=feedback.isCanceled))
        except common.user_errors() as exc:
            raise common.processing_error(exc) from None
        features = []
        for aoi in aois:
            attrs = board_layer.aoi_attributes(aoi)
            feature = QgsFeature(fields)
            feature.setAttributes([attrs[name] for name, _ in board_layer.FIELDS])
            geometry = geojson_geometry(aoi.geometry)
            if geometry is not None:
                feature.setGeometry(geometry)
            features.append(feature)
        if not sink.addFeatures(features, QgsFeatureSink.Flag.FastInsert):
            raise QgsProcessingException(tr("The AOIs could not be written to the output: {error}").format(error=sink.lastError()))
        feedback.pushInfo(tr("{count} AOI(s).").format(count=len(features)))
        if context.willLoadLayerOnCompletion(dest_id):
            type(self)._styler = BoardStyler()  # must outlive processAlgorithm
            context.layerToLoadOnCompletionDetails(dest_id).setPostProcessor(type(self)._styler)
        return {self.OUTPUT: dest_id, self.COUNT: len(features)}
