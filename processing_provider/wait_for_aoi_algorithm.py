"""Processing algorithm "Wait for AOI" (pixxel:waitforaoi): an AOI id -> its final status (client.polling)."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..i18n import tr
from . import common


class WaitForAoiAlgorithm(common.PixxelAlgorithm):
    AOI_ID = "AOI_ID"
    TIMEOUT = "TIMEOUT"
    STATUS = "STATUS"
    PROGRESS = "PROGRESS"

    ALG_ID = "waitforaoi"
    TITLE = QT_TRANSLATE_NOOP("PixxelQgis", "Wait for AOI")
    TAGS = ("pixxel", "aoi", "wait", "status", "poll")
    HELP = QT_TRANSLATE_NOOP(
        "PixxelQgis",
        "<p>Waits until a Pixxel AOI has finished processing (success, partial success or failed), asking "
        "the API less and less often, and returns its id, final status and progress, to chain into "
        "'Load AOI assets' in a model. Cancel stops waiting; the AOI keeps processing on the server.</p>"
        "<p><b>Time limit</b>: 0 waits as long as it takes; otherwise the algorithm fails after that many "
        "minutes.</p>")

    def initAlgorithm(self, config=None):  # noqa: N802 (name fixed by QGIS)
        p = QgsProcessingParameterString(self.AOI_ID, tr("AOI id"))
        p.setHelp(tr("The id of the AOI, e.g. the AOI_ID output of 'Create AOI from features'."))
        self.addParameter(p)
        p = QgsProcessingParameterNumber(self.TIMEOUT, tr("Time limit (minutes, 0: none)"),
                                         QgsProcessingParameterNumber.Type.Double, 0.0, minValue=0.0)
        self.addParameter(p)
        self.add_connection_parameters()
        self.addOutput(QgsProcessingOutputString(self.AOI_ID, tr("AOI id")))
        self.addOutput(QgsProcessingOutputString(self.STATUS, tr("AOI status")))
        self.addOutput(QgsProcessingOutputNumber(self.PROGRESS, tr("AOI progress")))

    def run_with_client(self, client, parameters, context, feedback):
        from ..client import polling
        from ..client.errors import CancelledError

        aoi_id = self.parameterAsString(parameters, self.AOI_ID, context).strip()
        if not aoi_id:
            raise QgsProcessingException(tr("Enter the AOI id (e.g. the AOI_ID output of 'Create AOI from features')."))
        minutes = self.parameterAsDouble(parameters, self.TIMEOUT, context)
        options = {**common.POLL_OPTIONS, **common.poll_callbacks(feedback)}
        if minutes > 0:
            options["timeout_s"] = minutes * 60.0
        try:
            aoi = polling.poll_aoi(client, aoi_id, **options)
        except CancelledError:
            raise QgsProcessingException(tr("Cancelled: stopped waiting; the AOI keeps processing on the server.")) from None
        except common.user_errors() as exc:
            raise common.processing_error(exc) from None
        status = polling.status_text(aoi.status)
        feedback.pushInfo(tr("AOI “{name}”: {status}.").format(name=aoi.name or aoi.aoi_id, status=status))
        feedback.setProgress(100.0)
        return {self.AOI_ID: aoi.aoi_id, self.STATUS: status,
                self.PROGRESS: float(aoi.progress) if aoi.progress is not None else None}
