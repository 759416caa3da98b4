"""Small pieces shared by the panel's sections: labels, button rows, group boxes, canvas previews."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Optional

from qgis.core import QgsCoordinateReferenceSystem, QgsWkbTypes
from qgis.gui import QgsCollapsibleGroupBox, QgsRubberBand
from qgis.PyQt.QtCore import QDate, QPoint, QRect, QSize, Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import QComboBox, QFormLayout, QLabel, QLayout, QWidget

from ..client.defaults import AOI_CRS


class StatusLabel(QLabel):
    """A wrapped label for texts that may hold long ids, names or paths: a word too wide for the panel is
    elided in the middle on screen (the whole text is the tooltip), so the panel never scrolls sideways.
    ``text()`` is the whole text."""

    def __init__(self, text: str = ""):
        super().__init__()
        self._full = ""
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt API)
        self._full = text or ""
        self._fit()

    def text(self) -> str:
        return self._full

    def shown_text(self) -> str:
        """What the label shows (long words elided)."""
        return QLabel.text(self)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        width = self.contentsRect().width()
        metrics = self.fontMetrics()
        shown = " ".join(
            metrics.elidedText(word, Qt.TextElideMode.ElideMiddle, width)
            if width > 30 and metrics.horizontalAdvance(word) > width else word
            for word in self._full.split(" ")
        )
        if shown != QLabel.text(self):
            QLabel.setText(self, shown)
        self.setToolTip(self._full if shown != self._full else "")


def label(text: str = "") -> QLabel:
    """A status label: wrapped, long words elided on screen (see StatusLabel)."""
    return StatusLabel(text)


def form_layout(parent: QWidget) -> QFormLayout:
    """A form for a narrow dock: a field goes under its label when both do not fit side by side."""
    form = QFormLayout(parent)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def combo(min_chars: int = 10) -> QComboBox:
    """A combo box that does not widen the panel to its longest entry; the whole current entry is its tooltip."""
    box = QComboBox()
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(min_chars)
    box.currentIndexChanged.connect(lambda _i: box.setToolTip(box.currentText()))
    return box


class FlowLayout(QLayout):
    """Widgets left to right, wrapping onto the next line when the panel is too narrow for all of them."""

    def __init__(self, parent=None, spacing: int = 6):
        super().__init__(parent)
        self._items: list = []
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)

    def addItem(self, item) -> None:  # noqa: N802 (Qt API)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):  # noqa: N802 (Qt API)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):  # noqa: N802 (Qt API)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self):  # noqa: N802 (Qt API)
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt API)
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt API)
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        width = sum(i.sizeHint().width() for i in self._items) + self.spacing() * max(0, len(self._items) - 1)
        height = max((i.sizeHint().height() for i in self._items), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt API)
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _place(self, rect: QRect, move: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x > rect.x() and x + hint.width() > rect.right() + 1:  # wrap
                x, y, line = rect.x(), y + line + self.spacing(), 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self.spacing()
            line = max(line, hint.height())
        return y + line - rect.y()


def row(*widgets) -> QWidget:
    """Widgets side by side, wrapping onto more lines in a narrow dock; ``None`` (a former stretch) is skipped."""
    w = QWidget()
    lay = FlowLayout(w)
    for x in widgets:
        if x is not None:
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


class CanvasPreview:
    """One polygon rubber band on the map canvas (EPSG:4326 GeoJSON in), replaced on each ``show()``."""

    def __init__(self, canvas_getter, colour: str, width: int = 2, fill_alpha: int = 40):
        self._canvas = canvas_getter
        self.colour = colour
        self.width = width
        self.fill_alpha = fill_alpha
        self.band: Optional[QgsRubberBand] = None

    def show(self, geojsons: Iterable[Optional[dict]]) -> None:
        from ..core.assets.layers import geojson_geometry

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
        crs = QgsCoordinateReferenceSystem(AOI_CRS)
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
