"""The "Pixxel sketches" layer: what the user draws with the panel's map tools (core/aoi side, QGIS core only).

One editable polygon layer per connection and canvas CRS, a table of the connection's GeoPackage
(``<gpkg folder>/pixxel_<api host>.gpkg``, the folder being the Output folder or ``pixxel_data`` beside the
project). The new feature is selected, and the panel makes the AOI from the selection exactly as for any other
layer.

Saved at once *and* undoable: a drawn shape is written to the GeoPackage straight away (through the data
provider, not the edit buffer), so nothing drawn is lost when QGIS closes or crashes, and QGIS never asks to
save or discard it (a pending buffer edit would make QGIS ask at close, and "Discard" would lose the shape).
On the layer's undo stack it is one command, "Pixxel sketch" (``SketchCommand``), so QGIS's own Undo (Ctrl+Z,
the Undo panel, with the layer active) deletes it from the GeoPackage and Redo writes it back; the stack stays
"clean" around it, so the layer does not show unsaved edits. A roll-back (QGIS's "Discard" of the user's
own buffer edits, at close or Stop editing) leaves the drawn shapes as they are on disk.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Dict, List, Optional
from urllib.parse import urlparse

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFields,
    QgsFillSymbol,
    QgsGeometry,
    QgsProject,
    QgsSingleSymbolRenderer,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QTimer

try:  # Qt5: QtWidgets; Qt6: QtGui
    from qgis.PyQt.QtWidgets import QUndoCommand
except ImportError:  # pragma: no cover - Qt6 builds
    from qgis.PyQt.QtGui import QUndoCommand

from ..assets.asset_fields import make_field
from ..assets.layers import default_gpkg_folder, safe_file_name
from ..settings import ROLE_PROPERTY, ROLE_SKETCHES

LAYER_NAME = "Pixxel sketches"
KINDS = ("rectangle", "polygon", "extent")


def connection_gpkg_path(base_url: str, folder: Optional[str] = None, project: Optional[QgsProject] = None) -> str:
    """The connection's GeoPackage: one file per API host, in the Output folder (default beside the project)."""
    host = urlparse(base_url or "").hostname or "pixxel"
    port = urlparse(base_url or "").port
    name = safe_file_name(f"{host}_{port}" if port else host, fallback="pixxel")
    return os.path.join(folder or default_gpkg_folder(project), f"pixxel_{name}.gpkg")


def _table_name(crs: QgsCoordinateReferenceSystem) -> str:
    return "sketches_" + safe_file_name((crs.authid() or "custom").replace(":", "_").lower(), "custom")


def _fields() -> QgsFields:
    fields = QgsFields()
    fields.append(make_field("kind", "str"))
    fields.append(make_field("drawn", "str"))
    return fields


def _create_table(path: str, table: str, crs: QgsCoordinateReferenceSystem) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = table
    options.actionOnExistingFile = (QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
                                    if os.path.exists(path) else
                                    QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteFile)
    writer = QgsVectorFileWriter.create(path, _fields(), QgsWkbTypes.Type.Polygon, crs,
                                        QgsProject.instance().transformContext(), options)
    if writer is None or writer.hasError() != QgsVectorFileWriter.WriterError.NoError:
        message = writer.errorMessage() if writer is not None else "no writer"
        raise OSError(f"Cannot create the sketches table in {path}: {message}. Choose a writable Output folder "
                      "on the Create tab.")
    del writer  # closes the file


def sketch_layer(path: str, crs: QgsCoordinateReferenceSystem, project: Optional[QgsProject] = None) -> QgsVectorLayer:
    """The sketches layer of this GeoPackage and CRS: the one already in the project, else opened (the table
    made when missing) and added to the project."""
    project = project or QgsProject.instance()
    table = _table_name(crs)
    source = f"{path}|layername={table}"
    for layer in project.mapLayers().values():
        if (layer.customProperty(ROLE_PROPERTY) == ROLE_SKETCHES and isinstance(layer, QgsVectorLayer)
                and os.path.normcase(os.path.abspath(layer.source().split("|")[0])) ==
                os.path.normcase(os.path.abspath(path)) and f"layername={table}" in layer.source()):
            return layer
    layer = QgsVectorLayer(source, LAYER_NAME, "ogr")
    if not layer.isValid():
        _create_table(path, table, crs)
        layer = QgsVectorLayer(source, LAYER_NAME, "ogr")
    if not layer.isValid():
        raise OSError(f"Cannot open the sketches layer {source}. Choose a writable Output folder on the Create tab.")
    layer.setCustomProperty(ROLE_PROPERTY, ROLE_SKETCHES)
    layer.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple(
        {"color": "255,0,200,30", "outline_color": "#ff00c8", "outline_width": "0.8"})))
    project.addMapLayer(layer)
    return layer


#: dynamic property of a sketches layer while QGIS rolls its edit buffer back (the sketch commands stay put)
_ROLLING_BACK = "pixxel_rolling_back"
_HOOKED = "pixxel_sketch_hooks"
COMMAND_TEXT = "Pixxel sketch"


class SketchCommand(QUndoCommand):
    """A drawn shape on the layer's undo stack. It is already in the GeoPackage when pushed (the first redo()
    does nothing); undo() deletes it from the GeoPackage, redo() writes it back (same fid)."""

    def __init__(self, layer: QgsVectorLayer, feature: QgsFeature):
        super().__init__(COMMAND_TEXT)
        self.layer = layer
        self.feature = QgsFeature(feature)
        self.fid = feature.id()
        self._pushed = False

    def _skip(self) -> bool:
        layer = self.layer
        return layer is None or sip.isdeleted(layer) or bool(layer.property(_ROLLING_BACK))

    def redo(self):
        if not self._pushed:
            self._pushed = True
            return
        if self._skip():
            return
        ok, added = self.layer.dataProvider().addFeatures([QgsFeature(self.feature)])
        if ok and added:
            self.fid = added[0].id()
        self._changed()
        self.layer.selectByIds([self.fid])

    def undo(self):
        if self._skip():
            return
        self.layer.deselect(self.fid)
        self.layer.dataProvider().deleteFeatures([self.fid])
        self._changed()

    def _changed(self) -> None:
        layer = self.layer
        layer.updateExtents()
        layer.triggerRepaint()
        stack = layer.undoStack()
        if stack is not None and stack.isClean():  # nothing else pending: clean again once the index moved
            QTimer.singleShot(0, lambda: None if sip.isdeleted(stack) else stack.setClean())


#: layer id -> its SketchCommands: the Python objects must live as long as the stack holds them, or Qt would
#: call the base class's empty undo()/redo()
_COMMANDS: Dict[str, List[SketchCommand]] = {}


def _keep(layer: QgsVectorLayer, command: SketchCommand) -> None:
    kept = _COMMANDS.setdefault(layer.id(), [])
    kept[:] = [c for c in kept if not sip.isdeleted(c)]  # those the stack dropped (a commit clears it)
    kept.append(command)


def _hook_rollback(layer: QgsVectorLayer) -> None:
    if layer.property(_HOOKED):
        return
    layer.setProperty(_HOOKED, True)
    layer_id = layer.id()
    layer.willBeDeleted.connect(lambda: _COMMANDS.pop(layer_id, None))
    layer.beforeRollBack.connect(lambda: layer.setProperty(_ROLLING_BACK, True))
    layer.afterRollBack.connect(lambda: layer.setProperty(_ROLLING_BACK, False))


def add_sketch(layer: QgsVectorLayer, geometry: QgsGeometry, kind: str) -> int:
    """Add a drawn polygon (in the layer's CRS): written to the GeoPackage at once, one undoable command on the
    layer's undo stack, selected; its feature id."""
    if geometry is None or geometry.isEmpty():
        raise ValueError("Nothing was drawn.")
    if not layer.isEditable():
        layer.startEditing()
    save(layer)  # the user's pending edits of earlier sketches (moved vertices...) go to the GeoPackage first
    _hook_rollback(layer)
    feature = QgsFeature(layer.fields())
    feature.setAttribute("kind", kind)
    feature.setAttribute("drawn", dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    feature.setGeometry(QgsGeometry(geometry))
    ok, added = layer.dataProvider().addFeatures([feature])
    if not ok or not added:
        errors = "; ".join(layer.dataProvider().errors()) or "the GeoPackage refused it"
        raise OSError(f"Cannot add the drawn shape to '{layer.name()}': {errors}. Choose a writable Output folder "
                      "on the Create tab.")
    fid = added[0].id()
    stack = layer.undoStack()
    clean = stack.isClean()
    command = SketchCommand(layer, added[0])
    _keep(layer, command)
    stack.push(command)
    if clean:
        stack.setClean()  # saved: QGIS shows no unsaved edit and asks nothing at close
    layer.updateExtents()
    layer.triggerRepaint()
    layer.selectByIds([fid])
    return fid


def save(layer: QgsVectorLayer) -> None:
    """Write the edit buffer to the GeoPackage and stay in editing mode (the user keeps QGIS's editing tools)."""
    if layer.isEditable() and layer.isModified() and not layer.commitChanges(False):
        raise OSError(f"Cannot save '{layer.name()}': " + "; ".join(layer.commitErrors()))
