"""What both Pixxel algorithms share: connection parameters, connection resolution, error translation,
the input layer + selection for the panel's geometry step (core.aoi.geometry.selected_polygons_to_aoi), and
the callables that run client.polling's create-then-poll through the Processing feedback.

Connection (resolved in ``prepareAlgorithm``, which QGIS runs on the main thread, so a master-password
prompt never comes from a worker thread):

- base URL: the ``BASE_URL`` parameter, else the ``PIXXEL_BASE_URL`` environment variable, else the URL
  saved in the Pixxel panel (QgsSettings), else https://api.pixxel.space;
- API key: the ``AUTHCFG`` parameter (an authentication configuration whose password is the key, e.g.
  the panel's own "Pixxel API key" config), else the ``PIXXEL_API_KEY`` environment variable (meant for
  qgis_process and CI), else the key saved in the Pixxel panel (QGIS authentication database).

There is deliberately no plain-text API key parameter: Processing echoes parameter values into the log,
the history, saved models and the qgis_process command line. Only the auth config *id* is ever a
parameter value; the key is never written to feedback, logs or outputs.
"""

from __future__ import annotations

import os
import uuid
from typing import Any, Callable, Dict, List, Optional, Tuple

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingParameterAuthConfig,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..core import connection
from ..i18n import tr

# The client (requests, pydantic) and core.aoi.aoi_shape (shapely, numpy) are imported on first use, not here: the provider is registered at QGIS start.

BASE_URL = "BASE_URL"
AUTHCFG = "AUTHCFG"
ENV_API_KEY = "PIXXEL_API_KEY"
ENV_BASE_URL = "PIXXEL_BASE_URL"

#: extra client.polling.poll_aoi keywords (empty: its defaults; tests shorten the delays)
POLL_OPTIONS: Dict[str, Any] = {}



def no_key_message() -> str:
    return tr("No Pixxel API key is available. Save your key in the Pixxel panel (Connection tab), or choose "
              "an authentication configuration holding it in the 'Authentication' parameter, or (qgis_process, "
              "scripts) set the {env} environment variable.").format(env=ENV_API_KEY)


def connection_help() -> str:
    """The part of both algorithms' help about the connection."""
    return tr("<h3>Connection</h3><p>By default the algorithm uses the connection saved in the Pixxel panel "
              "(base URL and API key). Under <i>Advanced parameters</i> you can override the <b>Base URL</b> and "
              "choose an <b>Authentication</b> configuration whose password is the API key (the panel saves its "
              "key as the configuration “Pixxel API key”). With qgis_process the key can also come from the "
              "<code>{env_key}</code> environment variable and the URL from <code>{env_url}</code>. The key "
              "itself is never a parameter value, so it never appears in the log, the history or a model.</p>"
              ).format(env_key=ENV_API_KEY, env_url=ENV_BASE_URL)


# --------------------------------------------------------------------------------------------- errors


def missing_packages_message() -> str:
    """The install message when pydantic 2 / shapely 2 are missing ("" when all is there): the algorithms
    are always listed, and fail with this text (also in qgis_process, which then exits non-zero)."""
    from .. import deps

    return deps.check()[1]


def processing_error(exc: BaseException) -> QgsProcessingException:
    """The panel's user-facing text for a client, geometry or connection error, as a Processing error."""
    if getattr(exc, "status", None) is not None or getattr(exc, "path", None):
        from ..core.diagnostics import record_error

        record_error(exc)  # for the diagnostics report
    from ..core.network import explain

    return QgsProcessingException(explain(str(exc)))


def user_errors() -> tuple:
    """The exceptions whose text is meant for the user (client, geometry, connection), as an except tuple."""
    from ..client.errors import PixxelError
    from ..core.aoi.aoi_shape import GeometryRefused

    return (PixxelError, GeometryRefused, connection.ConnectionSetupError)


# --------------------------------------------------------------------------------------------- connection


def connection_parameters() -> List[QgsProcessingParameterDefinition]:
    base = QgsProcessingParameterString(BASE_URL, tr("Base URL (empty: the URL saved in the Pixxel panel)"),
                                        optional=True)
    base.setHelp(
        tr("The Pixxel API address, e.g. https://api.pixxel.space. Empty: the PIXXEL_BASE_URL environment "
           "variable, else the URL saved in the Pixxel panel.")
    )
    auth = QgsProcessingParameterAuthConfig(AUTHCFG, tr("Authentication (empty: the key saved in the Pixxel panel)"),
                                            optional=True)
    auth.setHelp(
        tr("An authentication configuration whose password is your Pixxel API key (method Basic; the panel "
           "stores its key as “Pixxel API key”). Empty: the PIXXEL_API_KEY environment variable, else the "
           "key saved in the Pixxel panel.")
    )
    for p in (base, auth):
        p.setFlags(p.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
    return [base, auth]


def key_from_authcfg(authcfg: str) -> str:
    """The API key (password field) of an auth config; raises QgsProcessingException with the fix."""
    try:
        key = connection.read_key(authcfg)
    except connection.ConnectionSetupError as exc:
        raise processing_error(exc) from None
    if key is None:
        raise QgsProcessingException(
            tr("The authentication configuration “{authcfg}” does not exist. Choose another one in the "
               "'Authentication' parameter, or leave it empty to use the key saved in the Pixxel panel.").format(authcfg=authcfg)
        )
    if not key:
        raise QgsProcessingException(
            tr("The authentication configuration “{authcfg}” has no password. Store the Pixxel API key as its "
               "password (method Basic), or leave 'Authentication' empty to use the key saved in the Pixxel "
               "panel.").format(authcfg=authcfg)
        )
    return key


def resolve_connection(base_url: str = "", authcfg: str = "") -> Tuple[connection.Connection, str]:
    """(Connection with the key, where the key came from). Raises QgsProcessingException."""
    base_url = (base_url or "").strip() or os.environ.get(ENV_BASE_URL, "").strip()
    authcfg = (authcfg or "").strip()
    try:
        if authcfg:
            key, source = key_from_authcfg(authcfg), tr("the authentication configuration {authcfg}").format(authcfg=authcfg)
        elif os.environ.get(ENV_API_KEY, "").strip():
            key, source = os.environ[ENV_API_KEY].strip(), tr("the {env_api_key} environment variable").format(env_api_key=ENV_API_KEY)
        else:
            key, source = connection.load_connection(with_key=True).api_key, tr("the key saved in the Pixxel panel")
        url = connection.normalize_base_url(base_url) if base_url else connection.stored_base_url()
    except connection.ConnectionSetupError as exc:
        raise processing_error(exc) from None
    if not key:
        raise QgsProcessingException(no_key_message())
    return connection.Connection(url, key, authcfg or None), source


class LayerStyler(QgsProcessingLayerPostProcessorInterface):
    """Styles an output layer QGIS loads when the algorithm ends, with a core.assets.layer_style function."""

    def __init__(self, style: str):
        super().__init__()
        self.style = style  # e.g. "apply_asset_style"

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (name fixed by QGIS)
        from ..core.assets import layer_style

        getattr(layer_style, self.style)(layer)


class PixxelAlgorithm(QgsProcessingAlgorithm):
    """Base: what QGIS asks every algorithm (from the class attributes below), the connection parameters,
    connection resolution on the main thread, the client, the style of the loaded output."""

    #: the algorithm id (``pixxel:<ALG_ID>``), its title and help (QT_TRANSLATE_NOOP: translated when shown), tags
    ALG_ID = ""
    TITLE = ""
    HELP = ""
    TAGS: Tuple[str, ...] = ()
    #: the core.assets.layer_style function for the output layer QGIS loads at the end
    STYLE = ""
    _styler = None  # the post-processor must outlive processAlgorithm

    def name(self):
        return self.ALG_ID

    def displayName(self):  # noqa: N802 (name fixed by QGIS)
        return tr(self.TITLE)

    def tags(self):
        return list(self.TAGS)

    def shortHelpString(self):  # noqa: N802 (name fixed by QGIS)
        return tr(self.HELP) + connection_help()

    def style_when_loaded(self, context, dest_id) -> None:
        """Give the output layer ``dest_id`` the panel's style when QGIS loads it."""
        if context.willLoadLayerOnCompletion(dest_id):
            type(self)._styler = LayerStyler(self.STYLE)
            context.layerToLoadOnCompletionDetails(dest_id).setPostProcessor(type(self)._styler)

    def __init__(self):
        super().__init__()
        self._connection: Optional[connection.Connection] = None
        self._connection_source = ""
        self._prepare_error: Optional[str] = None

    def createInstance(self):  # noqa: N802 (name fixed by QGIS)
        return type(self)()

    def helpUrl(self):  # noqa: N802 (name fixed by QGIS)
        return "https://github.com/pixxel-qgis/pixxel-qgis#processing-and-qgis_process"

    def add_connection_parameters(self):
        for p in connection_parameters():
            self.addParameter(p)

    def prepareAlgorithm(self, parameters, context, feedback):  # noqa: N802 (name fixed by QGIS)
        if missing_packages_message():  # listed without pydantic/shapely; processAlgorithm says what to do
            return True
        base_url = self.parameterAsString(parameters, BASE_URL, context)
        authcfg = self.parameterAsString(parameters, AUTHCFG, context)
        # Main thread: the auth database may ask for the master password, and subclasses read project
        # layers here. Errors are raised again from processAlgorithm (check_prepared), because QGIS replaces
        # a prepare-time error with a generic text in the exception that processing.run raises.
        try:
            self._connection, self._connection_source = resolve_connection(base_url, authcfg)
            self.prepare_inputs(parameters, context, feedback)
        except user_errors() as exc:
            self._prepare_error = str(exc)
        except QgsProcessingException as exc:
            self._prepare_error = exc.args[0] if exc.args else str(exc)
        return True

    def prepare_inputs(self, parameters, context, feedback):
        """Subclasses: main-thread preparation (layers, selections). Raise QgsProcessingException."""

    def check_prepared(self):
        if self._prepare_error is not None:
            raise QgsProcessingException(self._prepare_error)

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (name fixed by QGIS)
        missing = missing_packages_message()
        if missing:
            raise QgsProcessingException(missing)
        client = self.client(feedback)
        try:
            return self.run_with_client(client, parameters, context, feedback)
        finally:
            client.close()

    def run_with_client(self, client, parameters, context, feedback):  # pragma: no cover - abstract
        raise NotImplementedError

    def client(self, feedback):
        self.check_prepared()
        conn = self._connection
        if conn is None:  # pragma: no cover - prepareAlgorithm always runs first
            raise QgsProcessingException(no_key_message())
        feedback.pushInfo(tr("Pixxel API: {base_url} (key from {connection_source}).").format(base_url=conn.base_url, connection_source=self._connection_source))
        try:
            return connection.make_client(conn)
        except user_errors() as exc:
            raise processing_error(exc) from None


# --------------------------------------------------------------------------------------------- geometry

MODES = ("merge", "hull", "per_feature")
MODE_LABELS = (QT_TRANSLATE_NOOP("PixxelQgis", "Merge into one polygon"),
               QT_TRANSLATE_NOOP("PixxelQgis", "Convex hull"),
               QT_TRANSLATE_NOOP("PixxelQgis", "One AOI per feature"))


def input_layer_and_selection(alg, parameters, name, context):
    """(vector layer, selected features only) of a feature-source parameter: a project layer, a file path
    (qgis_process) or a QgsProcessingFeatureSourceDefinition with the 'Selected features only' box."""
    value = parameters.get(name)
    selected_only = False
    if isinstance(value, QgsProcessingFeatureSourceDefinition):  # parameterAsVectorLayer (3.22) wants the source
        selected_only = bool(value.selectedFeaturesOnly)
        parameters = dict(parameters)
        source = value.source.valueAsString(context.expressionContext())
        parameters[name] = source[0] if isinstance(source, tuple) else source
    layer = alg.parameterAsVectorLayer(parameters, name, context)
    return layer, selected_only


def aoi_shapes(layer, selected_only: bool, mode: str) -> list:
    """The panel's geometry step, unchanged: core.aoi.geometry.selected_polygons_to_aoi (layer checks,
    reprojection to EPSG:4326, curves, Z/M, then core.aoi.aoi_shape.prepare_aoi). Raises GeometryRefused.
    Main thread only (it reads the layer and its selection): called from prepareAlgorithm."""
    from ..core.aoi import geometry

    return geometry.selected_polygons_to_aoi(layer, mode=mode, selected_only=selected_only)


# --------------------------------------------------------------------------------------------- validation


def check_uuid(value: str, what: str, where: str) -> str:
    value = (value or "").strip()
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise QgsProcessingException(
            tr("“{value}” is not a valid {what} id (a UUID such as ce5dcc14-8291-4b0c-a278-8c05ec426d22). "
               "{where}").format(value=value, what=what, where=where)
        ) from None


def split_ids(text: str) -> List[str]:
    return [p.strip() for p in (text or "").replace("\n", ",").replace(";", ",").split(",") if p.strip()]


# --------------------------------------------------------------------------------------------- polling in Processing


def poll_callbacks(feedback, progress_range: Tuple[float, float] = (0.0, 100.0),
                   on_update: Optional[Callable[[Any], None]] = None) -> Dict[str, Any]:
    """client.polling's callables for an algorithm: cancel, progress (scaled into ``progress_range``) and
    status texts go through the Processing ``feedback``; ``on_update(aoi)`` gets each answer as well."""
    from ..client.polling import status_text

    lo, hi = progress_range

    def progress(percent: float) -> None:
        feedback.setProgress(lo + (hi - lo) * percent / 100.0)

    def update(aoi) -> None:
        feedback.setProgressText(tr("“{name}”: {status}, {progress}%").format(name=aoi.name or aoi.aoi_id, status=status_text(aoi.status), progress=int(aoi.progress or 0)))
        if on_update is not None:
            on_update(aoi)

    return {"cancelled": feedback.isCanceled, "progress": progress, "on_update": update,
            "on_retry": feedback.pushInfo}
