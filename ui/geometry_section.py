"""Panel section "AOI geometry": use the selection, several-parts choice, area/vertices, map preview."""

from __future__ import annotations

from typing import Any, List, Optional

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, pyqtSignal
from qgis.PyQt.QtWidgets import QPushButton

from ..i18n import tr
from .widgets import CanvasPreview, Section, combo, form_layout, label, row

MODES = (("merge", QT_TRANSLATE_NOOP("PixxelQgis", "Merge into one polygon")),
         ("per_feature", QT_TRANSLATE_NOOP("PixxelQgis", "One AOI per feature")),
         ("hull", QT_TRANSLATE_NOOP("PixxelQgis", "Convex hull")))
NO_GEOMETRY = QT_TRANSLATE_NOOP("PixxelQgis", "No AOI geometry yet: select polygons and press “Use selection”.")


class GeometrySection(Section):
    shapesChanged = pyqtSignal()  # the AOI shapes were set or cleared

    def __init__(self, panel):
        super().__init__(panel, tr("AOI geometry"), "geometryGroup")
        self.shapes: List[Any] = []  # core.aoi.aoi_shape.AoiShape, EPSG:4326
        self.preview = CanvasPreview(panel.canvas, "#ff00c8", 3, 50)
        form = form_layout(self)
        self.mode_combo = combo()
        for key, text in MODES:
            self.mode_combo.addItem(tr(text), key)
        self.use_selection_button = QPushButton(tr("Use selection"))
        self.use_selection_button.setToolTip(tr("Make the AOI from the selected polygons of the active layer"))
        self.clear_geometry_button = QPushButton(tr("Clear"))
        self.geometry_info = label(tr(NO_GEOMETRY))
        self.geometry_notes = label()
        self.geometry_notes.setStyleSheet("color: #666;")
        form.addRow(tr("Several parts"), self.mode_combo)
        form.addRow(row(self.use_selection_button, self.clear_geometry_button, None))
        form.addRow(self.geometry_info)
        form.addRow(self.geometry_notes)
        self.use_selection_button.clicked.connect(panel.slot(self.use_selection))
        self.clear_geometry_button.clicked.connect(panel.slot(self.clear_geometry))
        self.mode_combo.currentIndexChanged.connect(panel.slot(self._mode_changed))

    def use_selection(self):
        from ..core.aoi import geometry

        layer = self.panel.iface.activeLayer()
        try:
            shapes = geometry.selected_polygons_to_aoi(layer, mode=self.mode_combo.currentData())
        except geometry.GeometryRefused as exc:  # NeedsChoice too: the mode combo is the answer
            self._set_shapes([])
            self.geometry_info.setText(str(exc))
            self.geometry_notes.setText("")
            if isinstance(exc, geometry.NeedsChoice):
                self.mode_combo.setFocus()
            self.panel.warn(str(exc))
            return
        self._set_shapes(shapes)
        area = sum(s.area_km2 for s in shapes)
        vertices = sum(s.vertex_count for s in shapes)
        if len(shapes) == 1:
            text = tr("Area: {area} km² · Vertices: {vertices}").format(area=f"{area:,.2f}", vertices=vertices)
        else:
            text = tr("{count} AOIs · Area: {area} km² in total · Vertices: {vertices}").format(
                count=len(shapes), area=f"{area:,.2f}", vertices=vertices)
        self.geometry_info.setText(text)
        notes = list(dict.fromkeys(n for s in shapes for n in (s.notes or [])))
        self.geometry_notes.setText("; ".join(notes))

    def _mode_changed(self):
        if self.shapes or "separate polygons" in self.geometry_info.text():
            self.use_selection()

    def clear_geometry(self):
        self._set_shapes([])
        self.geometry_info.setText(tr(NO_GEOMETRY))
        self.geometry_notes.setText("")

    def _set_shapes(self, shapes):
        self.shapes = list(shapes)
        self.preview.show(s.geojson for s in self.shapes)
        self.shapesChanged.emit()

    def search_geometry(self) -> Optional[dict]:
        """The geometry to search images for: the AOI, or the convex hull of several AOIs."""
        if not self.shapes:
            return None
        if len(self.shapes) == 1:
            return self.shapes[0].geojson
        import shapely
        from shapely.geometry import mapping, shape

        hull = shapely.convex_hull(shapely.union_all([shape(s.geojson) for s in self.shapes]))
        return mapping(hull)
