"""Default look of the asset and AOI boundary layers: categories, labels, outline, feature actions.

Main thread (renderers and actions belong to a layer that may be in the project).
"""

from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsAction,
    QgsCategorizedSymbolRenderer,
    QgsFillSymbol,
    QgsPalLayerSettings,
    QgsRendererCategory,
    QgsTextFormat,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtGui import QColor

__all__ = [
    "STATUS_COLOURS",
    "TYPE_COLOURS",
    "OPEN_URL_ACTION",
    "OPEN_RASTER_ACTION",
    "apply_asset_style",
    "apply_boundary_style",
    "asset_label_settings",
    "LABEL_MIN_SCALE",
    "add_asset_actions",
    "raster_action_code",
]

STATUS_COLOURS = {
    "success": "#2e9d4f",
    "failed": "#d7263d",
    "started": "#f29e1f",
    "creating": "#2f7ed8",
}
TYPE_COLOURS = {
    "mosaic": "#2f7ed8",
    "stac_item": "#8e44ad",
    "visualization": "#16a085",
}
OTHER_COLOUR = "#9e9e9e"
LABEL_MIN_SCALE = 20000.0  # asset names only when zoomed in beyond 1:20,000
OPEN_URL_ACTION = "Open asset URL"
OPEN_RASTER_ACTION = "Open as raster"

# The plugin's top-level package as installed ("pixxel_qgis"), taken from this module's own name.
_PACKAGE = __name__.rsplit(".core.", 1)[0]


def _fill(colour: str) -> QgsFillSymbol:
    c = QColor(colour)
    return QgsFillSymbol.createSimple(
        {
            "color": f"{c.red()},{c.green()},{c.blue()},90",
            "outline_color": f"{c.red()},{c.green()},{c.blue()},255",
            "outline_width": "0.4",
        }
    )


def apply_asset_style(
    layer: QgsVectorLayer, by: str = "status", labels: bool = True, actions: bool = True
) -> None:
    """Categorized renderer by ``status`` (or ``asset_type``), asset-name labels and the feature actions."""
    colours = TYPE_COLOURS if by == "asset_type" else STATUS_COLOURS
    cats = [QgsRendererCategory(value, _fill(colour), value) for value, colour in colours.items()]
    cats.append(QgsRendererCategory(None, _fill(OTHER_COLOUR), "other"))  # NULL / unknown values
    layer.setRenderer(QgsCategorizedSymbolRenderer(by, cats))
    if labels:
        layer.setLabeling(QgsVectorLayerSimpleLabeling(asset_label_settings()))
        layer.setLabelsEnabled(True)
    if actions:
        add_asset_actions(layer)
    layer.triggerRepaint()


def asset_label_settings() -> QgsPalLayerSettings:
    """Asset-name labels that stay readable with hundreds of overlapping footprints.

    Shown only when zoomed in beyond 1:``LABEL_MIN_SCALE`` (at AOI scale 240 names would cover the map),
    only inside a footprint the label fits in, never on top of another label (QGIS drops the ones that
    would collide rather than drawing them all) and avoiding the footprints' outlines where it can.
    """
    settings = QgsPalLayerSettings()
    settings.fieldName = "name"
    settings.isExpression = False
    fmt = QgsTextFormat()
    fmt.setSize(8)
    buf = fmt.buffer()
    buf.setEnabled(True)
    buf.setSize(0.8)
    fmt.setBuffer(buf)
    settings.setFormat(fmt)
    try:
        settings.placement = QgsPalLayerSettings.Placement.Horizontal
    except AttributeError:  # pragma: no cover - enum moved in later QGIS
        pass
    settings.scaleVisibility = True
    settings.minimumScale = LABEL_MIN_SCALE  # most zoomed-out scale (denominator) with labels
    settings.maximumScale = 0  # no limit zooming in
    settings.fitInPolygonOnly = True
    settings.displayAll = False  # colliding labels are left out, not drawn over each other
    obstacle = settings.obstacleSettings()
    obstacle.setIsObstacle(True)
    obstacle.setType(obstacle.PolygonBoundary)  # other labels keep off the footprint outlines
    settings.setObstacleSettings(obstacle)
    placement = getattr(settings, "placementSettings", None)  # QGIS >= 3.26
    if placement is not None:
        ps = placement()
        try:
            ps.setOverlapHandling(Qgis.LabelOverlapHandling.PreventOverlap)
            ps.setAllowDegradedPlacement(False)
        except AttributeError:  # pragma: no cover - partial API
            pass
        settings.setPlacementSettings(ps)
    return settings


def apply_boundary_style(layer: QgsVectorLayer, colour: str = "#ff00c8") -> None:
    """Outline only, so the assets stay visible underneath."""
    c = QColor(colour)
    symbol = QgsFillSymbol.createSimple(
        {"style": "no", "outline_color": f"{c.red()},{c.green()},{c.blue()},255", "outline_width": "0.8"}
    )
    layer.renderer().setSymbol(symbol)
    layer.triggerRepaint()


def raster_action_code() -> str:
    """Python action code: looks the feature up by layer id and feature id (never pastes the URL into
    code, so a URL with quotes cannot inject Python) and opens its path as a raster in a background task."""
    return (
        f"from {_PACKAGE}.core.imagery.raster import open_feature_raster\n"
        "open_feature_raster('[% @layer_id %]', [% $id %])\n"
    )


def add_asset_actions(layer: QgsVectorLayer) -> None:
    """'Open asset URL' (opens [% "path" %] in the browser) and 'Open as raster' (GeoTIFF via /vsicurl/).
    Existing actions with these names are replaced, so calling this twice does not duplicate them."""
    manager = layer.actions()
    for act in list(manager.actions()):
        if act.name() in (OPEN_URL_ACTION, OPEN_RASTER_ACTION):
            manager.removeAction(act.id())
    scopes = {"Feature", "Canvas"}
    url = QgsAction(QgsAction.ActionType.OpenUrl, OPEN_URL_ACTION, '[% "path" %]', "", False, "", scopes)
    raster = QgsAction(
        QgsAction.ActionType.GenericPython, OPEN_RASTER_ACTION, raster_action_code(), "", False, "", scopes
    )
    manager.addAction(url)
    manager.addAction(raster)
