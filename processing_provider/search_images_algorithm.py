"""Processing algorithm "Search images" (pixxel:searchimages): AOI polygons + dates, satellite, cloud cover ->
the footprints of the catalogue images, with their item ids (the ITEM_IDS output feeds "Create AOI")."""

from __future__ import annotations

import datetime as dt

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsFields,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..i18n import tr
from . import common

#: (field, kind) of the footprint layer
FOOTPRINT_FIELDS = (("item_id", "str"), ("datetime", "str"), ("cloud_cover", "float"), ("collection", "str"),
                    ("gsd", "float"))


def footprint_fields() -> QgsFields:
    from ..core.assets.asset_fields import make_field

    fields = QgsFields()
    for name, kind in FOOTPRINT_FIELDS:
        fields.append(make_field(name, kind))
    return fields


class SearchImagesAlgorithm(common.PixxelAlgorithm):
    INPUT = "INPUT"
    SATELLITE_ID = "SATELLITE_ID"
    START_DATE = "START_DATE"
    END_DATE = "END_DATE"
    MAX_CLOUD = "MAX_CLOUD"
    MAX_ITEMS = "MAX_ITEMS"
    OUTPUT = "OUTPUT"
    ITEM_IDS = "ITEM_IDS"
    COUNT = "COUNT"

    ALG_ID = "searchimages"
    TITLE = QT_TRANSLATE_NOOP("PixxelQgis", "Search images")
    TAGS = ("pixxel", "search", "catalogue", "images", "footprints", "cloud")
    HELP = QT_TRANSLATE_NOOP(
        "PixxelQgis",
        "<p>Searches the Pixxel catalogue for images of one satellite over the polygons of a layer (the "
        "selected ones with 'Selected features only'; several polygons: their convex hull), between two dates "
        "(YYYY-MM-DD, both included) and at most the given cloud cover. Gives their footprints (item id, date, "
        "cloud cover, collection, ground sample distance) and the ITEM_IDS output, the comma-separated ids to "
        "give to 'Create AOI from features' in a model.</p>")

    def initAlgorithm(self, config=None):  # noqa: N802 (name fixed by QGIS)
        p = QgsProcessingParameterFeatureSource(self.INPUT, tr("Polygon layer"),
                                                [QgsProcessing.SourceType.TypeVectorPolygon])
        p.setHelp(tr("The polygons to search images for (any CRS)."))
        self.addParameter(p)
        p = QgsProcessingParameterString(self.SATELLITE_ID, tr("Satellite id"))
        p.setHelp(tr("Copy the satellite id from the Pixxel panel's Satellite list."))
        self.addParameter(p)
        for name, label, default in ((self.START_DATE, tr("From (YYYY-MM-DD)"), "2020-01-01"),
                                     (self.END_DATE, tr("To (YYYY-MM-DD)"), dt.date.today().isoformat())):
            p = QgsProcessingParameterString(name, label, defaultValue=default)
            p.setHelp(tr("A date such as 2024-03-31."))
            self.addParameter(p)
        p = QgsProcessingParameterNumber(self.MAX_CLOUD, tr("Maximum cloud cover (%)"),
                                         QgsProcessingParameterNumber.Type.Integer, 30, minValue=0, maxValue=100)
        p.setHelp(tr("Images with more cloud cover are left out."))
        self.addParameter(p)
        p = QgsProcessingParameterNumber(self.MAX_ITEMS, tr("At most this many images"),
                                         QgsProcessingParameterNumber.Type.Integer, 100, minValue=1, maxValue=10000)
        p.setHelp(tr("The search stops after this many images."))
        self.addParameter(p)
        self.add_connection_parameters()
        p = QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Image footprints"),
                                              QgsProcessing.SourceType.TypeVectorPolygon)
        p.setHelp(tr("One feature per image (MultiPolygon, EPSG:4326)."))
        self.addParameter(p)
        self.addOutput(QgsProcessingOutputString(self.ITEM_IDS, tr("Item ids (comma-separated)")))
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, tr("Number of images")))

    def prepare_inputs(self, parameters, context, feedback):
        self._geometry = None
        layer, selected_only = common.input_layer_and_selection(self, parameters, self.INPUT, context)
        if layer is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        shapes = common.aoi_shapes(layer, selected_only, "hull")
        self._geometry = shapes[0].geojson

    def run_with_client(self, client, parameters, context, feedback):
        from ..client.defaults import AOI_CRS
        from ..client.models import Polygon, SatelliteRef, SearchFilter, SearchQuery
        from ..core.assets.layers import geojson_geometry

        satellite_id = common.check_uuid(self.parameterAsString(parameters, self.SATELLITE_ID, context),
                                         tr("satellite"), tr("Copy the satellite id from the Pixxel panel's Satellite list."))
        start = self.parameterAsString(parameters, self.START_DATE, context).strip()
        end = self.parameterAsString(parameters, self.END_DATE, context).strip()
        try:
            start_date, end_date = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        except ValueError:
            raise QgsProcessingException(tr("Give the dates as YYYY-MM-DD, e.g. 2024-03-31 (got “{start}” and "
                                            "“{end}”).").format(start=start, end=end)) from None
        max_cloud = self.parameterAsInt(parameters, self.MAX_CLOUD, context)
        max_items = self.parameterAsInt(parameters, self.MAX_ITEMS, context)
        try:
            satellite = next((s for s in client.list_satellites() if s.id == satellite_id), None)
            if satellite is None or not satellite.collections or not satellite.collections[0].id:
                raise QgsProcessingException(tr("The satellite {satellite_id} is not in the catalogue (or has no "
                                                "collection). Copy an id from the Pixxel panel's Satellite list."
                                                ).format(satellite_id=satellite_id))
            query = SearchQuery(
                start_date=start_date,
                end_date=dt.datetime.combine(end_date, dt.time(23, 59, 59), tzinfo=dt.timezone.utc),
                satellites=[SatelliteRef(collection_id=satellite.collections[0].id, satellite_id=satellite_id)],
                filters=[SearchFilter(id="eo:cloud_cover", min=0, max=max_cloud)],
                geometry=Polygon(**self._geometry),
                limit=min(100, max_items),
            )
            items = list(client.iter_search(query, max_items=max_items))
        except common.user_errors() as exc:
            raise common.processing_error(exc) from None
        except ValueError as exc:
            raise QgsProcessingException(tr("Search not sent: {error}").format(error=exc)) from None

        fields = footprint_fields()
        sink, dest_id = self.parameterAsSink(parameters, self.OUTPUT, context, fields,
                                             QgsWkbTypes.Type.MultiPolygon, QgsCoordinateReferenceSystem(AOI_CRS))
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        features = []
        for item in items:
            props = item.properties
            when = props.datetime if props is not None else None
            feature = QgsFeature(fields)
            feature.setAttributes([item.id, when.isoformat() if when else None,
                                   props.cloud_cover if props is not None else None, item.collection,
                                   props.gsd if props is not None else None])
            geometry = geojson_geometry(item.geometry)
            if geometry is not None:
                feature.setGeometry(geometry)
            features.append(feature)
        if not sink.addFeatures(features, QgsFeatureSink.Flag.FastInsert):
            raise QgsProcessingException(tr("The footprints could not be written to the output: {error}").format(
                error=sink.lastError()))
        if not items:
            feedback.pushWarning(tr("No image found: widen the dates or the cloud cover limit."))
        feedback.pushInfo(tr("{count} image(s) found.").format(count=len(items)))
        return {self.OUTPUT: dest_id, self.ITEM_IDS: ",".join(item.id for item in items), self.COUNT: len(items)}
