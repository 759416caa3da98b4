"""The "Pixxel sketches" layer: what the user draws with the panel's map tools (core/aoi side, QGIS core only).

One editable polygon layer per connection and canvas CRS, a table of the connection's GeoPackage
(``<gpkg folder>/pixxel_<api host>.gpkg``, the folder being the Output folder or ``pixxel_data`` beside the
project). A drawn shape is added through the layer's edit buffer as one undo command ("Pixxel sketch"), so
QGIS's own Undo (Ctrl+Z, the Undo panel) takes it back, and the buffer is saved to the GeoPackage at once
(``save()``): nothing drawn is lost when QGIS closes. The new feature is then selected, and the panel makes the
AOI from the selection exactly as for any other layer.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Optional
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


def add_sketch(layer: QgsVectorLayer, geometry: QgsGeometry, kind: str) -> int:
    """Add a drawn polygon (in the layer's CRS) as one undoable edit, save it, select it; its feature id."""
    if geometry is None or geometry.isEmpty():
        raise ValueError("Nothing was drawn.")
    if not layer.isEditable():
        layer.startEditing()
    feature = QgsFeature(layer.fields())
    feature.setAttribute("kind", kind)
    feature.setAttribute("drawn", dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    feature.setGeometry(QgsGeometry(geometry))
    before = set(layer.allFeatureIds())
    layer.beginEditCommand("Pixxel sketch")
    ok = layer.addFeature(feature)
    layer.endEditCommand()
    if not ok:
        raise OSError(f"Cannot add the drawn shape to '{layer.name()}'.")
    save(layer)
    new_ids = set(layer.allFeatureIds()) - before
    fid = max(new_ids) if new_ids else feature.id()
    layer.selectByIds([fid])
    return fid


def save(layer: QgsVectorLayer) -> None:
    """Write the edit buffer to the GeoPackage and stay in editing mode (the user keeps QGIS's editing tools)."""
    if layer.isEditable() and layer.isModified() and not layer.commitChanges(False):
        raise OSError(f"Cannot save '{layer.name()}': " + "; ".join(layer.commitErrors()))
