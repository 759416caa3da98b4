"""Small pieces shared by the panel's sections: labels, button rows, group boxes, canvas previews."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Optional

from qgis.core import QgsCoordinateReferenceSystem, QgsGeometry, QgsWkbTypes
from qgis.gui import QgsCollapsibleGroupBox, QgsRubberBand
from qgis.PyQt.QtCore import QDate, Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import QHBoxLayout, QLabel, QWidget

WGS84 = "EPSG:4326"


def label(text: str = "", wrap: bool = True) -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(wrap)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


def row(*widgets) -> QWidget:
    """Widgets side by side; ``None`` is a stretch."""
    w = QWidget()
    lay = QHBoxLayout(w)
    lay.setContentsMargins(0, 0, 0, 0)
    for x in widgets:
        if x is None:
            lay.addStretch(1)
        else:
            lay.addWidget(x)
    return w


class Section(QgsCollapsibleGroupBox):
    """A titled, collapsible section of the panel; ``panel`` is the dock that runs its tasks."""

    def __init__(self, panel, title: str, name: str):
        super().__init__(title)
        self.panel = panel
        self.setObjectName(name)
        self.setSaveCollapsedState(False)


def qdate_to_date(d: QDate) -> dt.date:
    return dt.date(d.year(), d.month(), d.day())


def geojson_geometry(geojson: Optional[dict]) -> Optional[QgsGeometry]:
    """A GeoJSON Polygon/MultiPolygon dict -> QgsGeometry (None when unusable)."""
    if not geojson:
        return None
    from ..core.asset_geometry import geojson_to_wkb

    wkb = geojson_to_wkb(geojson)
    if wkb is None:
        return None
    g = QgsGeometry()
    g.fromWkb(wkb)
    return g


class CanvasPreview:
    """One polygon rubber band on the map canvas (EPSG:4326 GeoJSON in), replaced on each ``show()``."""

    def __init__(self, canvas_getter, colour: str, width: int = 2, fill_alpha: int = 40):
        self._canvas = canvas_getter
        self.colour = colour
        self.width = width
        self.fill_alpha = fill_alpha
        self.band: Optional[QgsRubberBand] = None

    def show(self, geojsons: Iterable[Optional[dict]]) -> None:
        self.clear()
        geoms = [g for g in (geojson_geometry(x) for x in geojsons) if g is not None and not g.isEmpty()]
        canvas = self._canvas()
        if not geoms or canvas is None:
            return
        band = QgsRubberBand(canvas, QgsWkbTypes.GeometryType.PolygonGeometry)
        c = QColor(self.colour)
        band.setStrokeColor(c)
        c.setAlpha(self.fill_alpha)
        band.setFillColor(c)
        band.setWidth(int(self.width))
        crs = QgsCoordinateReferenceSystem(WGS84)
        for g in geoms:
            band.addGeometry(g, crs)
        self.band = band
        canvas.refresh()

    def clear(self) -> None:
        band, self.band = self.band, None
        if band is None:
            return
        try:
            band.reset(QgsWkbTypes.GeometryType.PolygonGeometry)
            scene = band.scene()
            if scene is not None:
                scene.removeItem(band)
        except RuntimeError:  # the canvas is already gone
            pass

    def set_visible(self, visible: bool) -> None:
        if self.band is not None:
            self.band.setVisible(bool(visible))
