"""Processing algorithm "Create AOI from features" (pixxel:createaoi)."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..i18n import tr
from . import common

PROVIDERS = ("pixxel", "planetary")


class CreateAoiAlgorithm(common.PixxelAlgorithm):
    INPUT = "INPUT"
    MODE = "MODE"
    NAME = "NAME"
    DESCRIPTION = "DESCRIPTION"
    PROJECT_ID = "PROJECT_ID"
    SATELLITE_ID = "SATELLITE_ID"
    PROVIDER = "PROVIDER"
    ITEM_IDS = "ITEM_IDS"
    MAX_WAIT = "MAX_WAIT"
    BOUNDARY = "BOUNDARY"
    AOI_ID = "AOI_ID"
    AOI_IDS = "AOI_IDS"
    STATUS = "STATUS"

    ALG_ID = "createaoi"
    TITLE = QT_TRANSLATE_NOOP("PixxelQgis", "Create AOI from features")
    TAGS = ("pixxel", "aoi", "area of interest", "hyperspectral", "order", "imagery")
    STYLE = "apply_boundary_style"
    HELP = QT_TRANSLATE_NOOP(
        "PixxelQgis",
        "<p>Turns polygons into a Pixxel area of interest (AOI), creates it with the chosen project, "
        "satellite and catalogue items, and waits until Pixxel has finished processing it (progress is "
        "shown; Cancel stops waiting, the AOI keeps processing on the server).</p><p>The polygons are "
        "reprojected to WGS 84, repaired, merged (or their convex hull is taken, or one AOI is made per "
        "feature) and checked exactly as in the Pixxel panel. Tick <i>Selected features only</i> next "
        "to the input layer to use the selection.</p><p>Outputs: the AOI id (<b>AOI_ID</b>; with 'One "
        "AOI per feature' all ids are in <b>AOI_IDS</b>), the final status and a layer with the AOI "
        "boundary. Feed AOI_ID to <i>Load AOI assets</i> in a model.</p>")
    _shapes: list = []  # AOI shapes (EPSG:4326) made in prepareAlgorithm

    def initAlgorithm(self, config=None):  # noqa: N802 (name fixed by QGIS)
        p = QgsProcessingParameterFeatureSource(self.INPUT, tr("Polygon layer"), [QgsProcessing.SourceType.TypeVectorPolygon])
        p.setHelp(tr("The polygons to make the AOI from, in any CRS. Tick 'Selected features only' to use only the "
                     "selected features."))
        self.addParameter(p)
        p = QgsProcessingParameterEnum(self.MODE, tr("Several polygons"), options=[tr(m) for m in common.MODE_LABELS],
                                       defaultValue=0)
        p.setHelp(tr("'Merge into one polygon' (touching or overlapping polygons; refused when they stay apart), "
                     "'Convex hull' (one AOI around all), or 'One AOI per feature' (named NAME-1, NAME-2, ...)."))
        self.addParameter(p)
        p = QgsProcessingParameterString(self.NAME, tr("AOI name"))
        p.setHelp(tr("A name not used by another of your AOIs (the name is how Pixxel avoids duplicates)."))
        self.addParameter(p)
        p = QgsProcessingParameterString(self.DESCRIPTION, tr("Description"), optional=True, defaultValue="")
        p.setHelp(tr("Free text stored with the AOI."))
        self.addParameter(p)
        p = QgsProcessingParameterString(self.PROJECT_ID, tr("Project id"))
        p.setHelp(tr("The UUID of the Pixxel project the AOI belongs to. Find it in the Project list of the Pixxel "
                     "panel (its tooltip) or in the Pixxel web app under Projects."))
        self.addParameter(p)
        p = QgsProcessingParameterString(self.SATELLITE_ID, tr("Satellite id"))
        p.setHelp(tr("The UUID of the satellite whose images you order (e.g. Fireflies / TD1, TD2, Sentinel-2). Find "
                     "it in the Satellite list of the Pixxel panel or in the API's /v0/satellites answer."))
        self.addParameter(p)
        p = QgsProcessingParameterEnum(self.PROVIDER, tr("Data provider"), options=list(PROVIDERS), defaultValue=0)
        p.setHelp(tr("'pixxel' for Pixxel's own satellites, 'planetary' for partner archives such as Sentinel-2."))
        self.addParameter(p)
        p = QgsProcessingParameterString(self.ITEM_IDS, tr("Catalogue item ids (comma-separated)"))
        p.setHelp(tr("The ids of the catalogue images to include, separated by commas, e.g. "
                     "TD2_000650_20230404_L2A_20240405_01001067. Search them in the Pixxel panel (Search images) and "
                     "copy the ids from the results table."))
        self.addParameter(p)
        p = QgsProcessingParameterNumber(self.MAX_WAIT, tr("Stop waiting after (minutes, 0 = no limit)"),
                                         QgsProcessingParameterNumber.Type.Double, defaultValue=0.0, minValue=0.0)
        p.setHelp(tr("Gives up waiting after this many minutes (the AOI keeps processing on the server; load it "
                     "later with 'Load AOI assets'). 0 waits until it has finished or you press Cancel."))
        p.setFlags(p.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
        self.addParameter(p)
        self.add_connection_parameters()
        p = QgsProcessingParameterFeatureSink(self.BOUNDARY, tr("AOI boundary"), QgsProcessing.SourceType.TypeVectorPolygon)
        p.setHelp(tr("The AOI as Pixxel stored it, with its id, status, progress, area and metadata."))
        self.addParameter(p)
        self.addOutput(QgsProcessingOutputString(self.AOI_ID, tr("AOI id")))
        self.addOutput(QgsProcessingOutputString(self.AOI_IDS, tr("AOI ids (comma-separated)")))
        self.addOutput(QgsProcessingOutputString(self.STATUS, tr("Final status")))

    # ------------------------------------------------------------------ prepare (main thread)
    def prepare_inputs(self, parameters, context, feedback):
        """The panel's geometry step on the input layer (reads the layer and its selection: main thread)."""
        self._shapes = []
        layer, selected_only = common.input_layer_and_selection(self, parameters, self.INPUT, context)
        if layer is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        mode = common.MODES[self.parameterAsEnum(parameters, self.MODE, context)]
        self._shapes = common.aoi_shapes(layer, selected_only, mode)

    # ------------------------------------------------------------------ run (worker thread)
    def run_with_client(self, client, parameters, context, feedback):
        # imported here, not at module level: registering the provider at QGIS start must stay light
        from ..client.defaults import AOI_CRS
        from ..client.errors import CancelledError
        from ..client.models import AOICreate, Polygon
        from ..client.polling import create_then_poll, status_text
        from ..core.assets import layers
        from ..core.assets.asset_fields import aoi_fields
        from ..core.board import hub as board_hub

        name = self.parameterAsString(parameters, self.NAME, context).strip()
        if not name:
            raise QgsProcessingException(tr("Enter a name for the AOI."))
        description = self.parameterAsString(parameters, self.DESCRIPTION, context) or ""
        project_id = common.check_uuid(
            self.parameterAsString(parameters, self.PROJECT_ID, context), tr("project"),
            tr("Copy the project id from the Pixxel panel's Project list or the Pixxel web app."))
        satellite_id = common.check_uuid(
            self.parameterAsString(parameters, self.SATELLITE_ID, context), tr("satellite"),
            tr("Copy the satellite id from the Pixxel panel's Satellite list."))
        provider = PROVIDERS[self.parameterAsEnum(parameters, self.PROVIDER, context)]
        item_ids = common.split_ids(self.parameterAsString(parameters, self.ITEM_IDS, context))
        if not item_ids:
            raise QgsProcessingException(
                tr("Give at least one catalogue item id (search images in the Pixxel panel and copy their ids)."))
        max_wait = self.parameterAsDouble(parameters, self.MAX_WAIT, context)

        shapes = self._shapes
        for shape in shapes:
            feedback.pushInfo(tr("AOI geometry: {area_km2:,.3f} km², {vertex_count} vertices").format(area_km2=shape.area_km2, vertex_count=shape.vertex_count)
                              + (tr(" ({notes})").format(notes='; '.join(shape.notes)) if shape.notes else ""))

        n = len(shapes)
        try:
            payloads = [
                AOICreate(
                    name=name if n == 1 else f"{name}-{i}",
                    description=description,
                    satellite_id=satellite_id,
                    provider=provider,
                    project_id=project_id,
                    geometry=Polygon(**shape.geojson),
                    item_ids=item_ids,
                )
                for i, shape in enumerate(shapes, 1)
            ]
        except common.user_errors() as exc:
            raise common.processing_error(exc) from None
        except ValueError as exc:  # pydantic: keep only the field messages, never the whole input
            errors = getattr(exc, "errors", lambda: [])()
            text = "; ".join(f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg', '')}" for e in errors)
            raise QgsProcessingException(tr("The AOI was not created: {error}").format(error=text or exc)) from None

        sink, dest_id = self.parameterAsSink(parameters, self.BOUNDARY, context, aoi_fields(),
                                             QgsWkbTypes.Type.MultiPolygon, QgsCoordinateReferenceSystem(AOI_CRS))
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.BOUNDARY))

        finals = []
        for i, payload in enumerate(payloads):
            span = (100.0 * i / n, 100.0 * (i + 1) / n)
            aoi = None

            def created(new_aoi, name=payload.name):
                nonlocal aoi
                aoi = new_aoi
                board_hub.aoi_created(self._connection.base_url, new_aoi)  # on the AOI board when the plugin is loaded
                feedback.pushInfo(tr("AOI “{name}” created: id {aoi_id} ({status}).").format(name=name, aoi_id=aoi.aoi_id, status=status_text(aoi.status)))

            try:
                feedback.setProgressText(tr("Creating “{name}”…").format(name=payload.name))
                aoi = create_then_poll(client, payload, on_created=created, timeout_s=max_wait * 60 or None,
                                       **common.poll_callbacks(feedback, span), **common.POLL_OPTIONS)
            except CancelledError:
                if aoi is None:
                    raise QgsProcessingException(
                        tr("Creating “{name}” was cancelled; if the request had reached the server the AOI exists: see the "
                           "Existing AOIs list of the Pixxel panel.").format(name=payload.name)) from None
                raise QgsProcessingException(
                    tr("Stopped waiting for “{name}” (AOI id {aoi_id}); it keeps processing on the server. Load it "
                       "later with 'Load AOI assets'.").format(name=payload.name, aoi_id=aoi.aoi_id)) from None
            except common.user_errors() as exc:
                where = tr(" (AOI id {aoi_id})").format(aoi_id=aoi.aoi_id) if aoi is not None else ""
                raise QgsProcessingException(tr("“{name}”{where}: {error}").format(name=payload.name, where=where, error=exc)) from None
            finals.append(aoi)
            board_hub.aoi_created(self._connection.base_url, aoi)  # its final status on the board at once
            for feature in layers.boundary_layer(aoi).getFeatures():
                sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
            status = status_text(aoi.status)
            label = aoi.name or aoi.aoi_id
            if status == "failed":
                feedback.reportError(tr("AOI “{label}” ({aoi_id}) failed on the Pixxel side; no assets were produced.").format(label=label, aoi_id=aoi.aoi_id), fatalError=False)
            elif status == "partial_success":
                feedback.pushWarning(tr("AOI “{label}” ({aoi_id}) finished with partial success: some assets are missing.").format(label=label, aoi_id=aoi.aoi_id))
            else:
                feedback.pushInfo(tr("AOI “{label}” ({aoi_id}) finished: {status}.").format(label=label, aoi_id=aoi.aoi_id, status=status))
        feedback.setProgress(100.0)
        if finals and all(status_text(a.status) == "failed" for a in finals):
            ids = ", ".join(a.aoi_id for a in finals)
            raise QgsProcessingException(
                tr("The AOI failed on the Pixxel side ({ids}); no assets were produced. Check the chosen items and "
                   "satellite, or contact Pixxel support.").format(ids=ids))

        self.style_when_loaded(context, dest_id)
        return {
            self.BOUNDARY: dest_id,
            self.AOI_ID: finals[0].aoi_id,
            self.AOI_IDS: ",".join(a.aoi_id for a in finals),
            self.STATUS: ",".join(status_text(a.status) for a in finals),
        }
