"""Map tools that draw an AOI on the canvas: rectangle (press, drag, release) and polygon (left click per
vertex, right click or double click to finish, Esc to cancel). Each emits ``drawn(QgsGeometry)`` in the
canvas CRS and stays active for the next shape."""

from __future__ import annotations

from typing import List

from qgis.core import QgsGeometry, QgsPointXY, QgsRectangle, QgsWkbTypes
from qgis.gui import QgsMapTool, QgsRubberBand
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor


def _band(canvas) -> QgsRubberBand:
    band = QgsRubberBand(canvas, QgsWkbTypes.GeometryType.PolygonGeometry)
    band.setStrokeColor(QColor("#ff00c8"))
    band.setFillColor(QColor(255, 0, 200, 40))
    band.setWidth(2)
    return band


class _DrawTool(QgsMapTool):
    drawn = pyqtSignal(object)  # QgsGeometry in the canvas CRS
    kind = ""

    def __init__(self, canvas):
        super().__init__(canvas)
        self.band = None
        self.setCursor(Qt.CursorShape.CrossCursor)

    def _reset(self):
        if self.band is not None:
            self.band.reset(QgsWkbTypes.GeometryType.PolygonGeometry)
            scene = self.band.scene()
            if scene is not None:
                scene.removeItem(self.band)
            self.band = None

    def deactivate(self):
        self._reset()
        super().deactivate()

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        if event.key() == Qt.Key.Key_Escape:
            self._reset()
            self._cancel()

    def _cancel(self):
        pass


class RectangleTool(_DrawTool):
    kind = "rectangle"

    def __init__(self, canvas):
        super().__init__(canvas)
        self.start = None

    def _cancel(self):
        self.start = None

    def _rect(self, end) -> QgsRectangle:
        return QgsRectangle(self.start, end)

    def canvasPressEvent(self, event):  # noqa: N802 (Qt API)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self.start = self.toMapCoordinates(event.pos())
        self._reset()
        self.band = _band(self.canvas())

    def canvasMoveEvent(self, event):  # noqa: N802 (Qt API)
        if self.start is None or self.band is None:
            return
        self.band.setToGeometry(QgsGeometry.fromRect(self._rect(self.toMapCoordinates(event.pos()))), None)

    def canvasReleaseEvent(self, event):  # noqa: N802 (Qt API)
        if self.start is None or event.button() != Qt.MouseButton.LeftButton:
            return
        rect = self._rect(self.toMapCoordinates(event.pos()))
        self.start = None
        self._reset()
        if rect.width() > 0 and rect.height() > 0:
            self.drawn.emit(QgsGeometry.fromRect(rect))


class PolygonTool(_DrawTool):
    kind = "polygon"

    def __init__(self, canvas):
        super().__init__(canvas)
        self.points: List[QgsPointXY] = []
        self._skip_release = False

    def _cancel(self):
        self.points = []

    def _show(self, extra=None):
        pts = self.points + ([extra] if extra is not None else [])
        if self.band is None:
            self.band = _band(self.canvas())
        self.band.setToGeometry(QgsGeometry.fromPolygonXY([pts]) if len(pts) >= 3 else
                                QgsGeometry.fromPolylineXY(pts), None)

    def canvasReleaseEvent(self, event):  # noqa: N802 (Qt API)
        if self._skip_release:  # the release that follows a double click
            self._skip_release = False
            return
        if event.button() == Qt.MouseButton.RightButton:
            self._finish()
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self.points.append(self.toMapCoordinates(event.pos()))
            self._show()

    def canvasDoubleClickEvent(self, event):  # noqa: N802 (Qt API)
        self._skip_release = True
        self._finish()

    def canvasMoveEvent(self, event):  # noqa: N802 (Qt API)
        if self.points:
            self._show(self.toMapCoordinates(event.pos()))

    def _finish(self):
        pts, self.points = self.points, []
        self._reset()
        if len(pts) >= 3:
            geom = QgsGeometry.fromPolygonXY([pts])
            if not geom.isGeosValid():
                geom = geom.makeValid()
            self.drawn.emit(geom)
