"""Panel section "Draw the AOI": rectangle and polygon map tools and the current map extent.

What is drawn becomes a feature of the editable "Pixxel sketches" layer (core/aoi/sketches.py: the
connection's GeoPackage, canvas CRS), selected, and the AOI geometry section makes the AOI from that selection
exactly as for any layer (same notes, refusals, preview).
"""

from __future__ import annotations

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP
from qgis.PyQt.QtWidgets import QPushButton

from ..i18n import tr
from .widgets import Section, form_layout, label, row

KIND_NAMES = {"rectangle": QT_TRANSLATE_NOOP("PixxelQgis", "rectangle"),
              "polygon": QT_TRANSLATE_NOOP("PixxelQgis", "polygon"),
              "extent": QT_TRANSLATE_NOOP("PixxelQgis", "map extent")}


class DrawSection(Section):
    def __init__(self, panel, geometry):
        super().__init__(panel, tr("Draw the AOI"), "drawGroup")
        self.geometry_section = geometry  # GeometrySection: makes the AOI from the selection
        self.tools = {}
        self._previous_tool = None
        form = form_layout(self)
        self.rectangle_button = QPushButton(tr("Rectangle"))
        self.rectangle_button.setToolTip(tr("Drag a rectangle on the map"))
        self.polygon_button = QPushButton(tr("Polygon"))
        self.polygon_button.setToolTip(tr("Click the corners on the map; right click or double click to finish"))
        self.extent_button = QPushButton(tr("Map extent"))
        self.extent_button.setToolTip(tr("Use the part of the map shown now"))
        for b in (self.rectangle_button, self.polygon_button):
            b.setCheckable(True)
        self.draw_status = label(tr("Drawn shapes go to the “Pixxel sketches” layer; undo with QGIS's Undo."))
        self.draw_status.setStyleSheet("color: #666;")
        form.addRow(row(self.rectangle_button, self.polygon_button, self.extent_button, None))
        form.addRow(self.draw_status)
        self.rectangle_button.clicked.connect(panel.slot(lambda: self.activate("rectangle")))
        self.polygon_button.clicked.connect(panel.slot(lambda: self.activate("polygon")))
        self.extent_button.clicked.connect(panel.slot(self.use_extent))

    # ------------------------------------------------------------------ tools
    def tool(self, kind: str):
        """The map tool of this kind ("rectangle" or "polygon"), made on first use."""
        canvas = self.panel.canvas()
        if canvas is None:
            return None
        if kind not in self.tools:
            from .draw_tools import PolygonTool, RectangleTool

            tool = (RectangleTool if kind == "rectangle" else PolygonTool)(canvas)
            tool.drawn.connect(self.panel.alive(lambda geom, k=kind: self.add_drawn(geom, k)))
            tool.deactivated.connect(self.panel.slot(self._sync_buttons))
            self.tools[kind] = tool
        return self.tools[kind]

    def activate(self, kind: str) -> None:
        canvas = self.panel.canvas()
        tool = self.tool(kind)
        if canvas is None or tool is None:
            self.panel.warn(tr("No map canvas to draw on."))
            self._sync_buttons()
            return
        if canvas.mapTool() is tool:  # pressed again: back to the previous tool
            canvas.unsetMapTool(tool)
        else:
            canvas.setMapTool(tool)
        self._sync_buttons()

    def _sync_buttons(self):
        canvas = self.panel.canvas()
        current = canvas.mapTool() if canvas is not None else None
        self.rectangle_button.setChecked(current is not None and current is self.tools.get("rectangle"))
        self.polygon_button.setChecked(current is not None and current is self.tools.get("polygon"))

    def use_extent(self) -> None:
        from qgis.core import QgsGeometry

        canvas = self.panel.canvas()
        if canvas is None:
            self.panel.warn(tr("No map canvas to draw on."))
            return
        self.add_drawn(QgsGeometry.fromRect(canvas.extent()), "extent")

    # ------------------------------------------------------------------ into the sketches layer
    def sketch_layer(self):
        from qgis.core import QgsProject

        from ..core.aoi import sketches

        canvas = self.panel.canvas()
        project = QgsProject.instance()
        crs = canvas.mapSettings().destinationCrs() if canvas is not None else project.crs()
        path = sketches.connection_gpkg_path(self.panel.connection.base_url_edit.text().strip(),
                                             self.panel.flow.output.gpkg_folder, project)
        return sketches.sketch_layer(path, crs, project)

    def add_drawn(self, geometry, kind: str) -> None:
        """A shape drawn in the canvas CRS -> a selected feature of the sketches layer -> the AOI geometry."""
        from ..core.aoi import sketches

        try:
            layer = self.sketch_layer()
            sketches.add_sketch(layer, geometry, kind)
        except (OSError, ValueError) as exc:
            self.draw_status.setText(str(exc))
            self.panel.warn(str(exc))
            return
        iface = self.panel.iface
        if iface is not None:
            iface.setActiveLayer(layer)
        self.draw_status.setText(tr("Drawn: {kind} in “{layer}” (selected).").format(kind=tr(KIND_NAMES[kind]), layer=layer.name()))
        self.geometry_section.use_selection()

    def shutdown(self) -> None:
        canvas = self.panel.canvas()
        for tool in self.tools.values():
            try:
                if canvas is not None and canvas.mapTool() is tool:
                    canvas.unsetMapTool(tool)
            except RuntimeError:
                pass
        self.tools.clear()
