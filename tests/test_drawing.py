"""Draw the AOI: the panel's map tools driven with real mouse events on a real QgsMapCanvas, the "Pixxel
sketches" layer in the connection's GeoPackage, and an AOI created from each drawn shape (simulator)."""

import os

import pytest
import shapely
from pixxel_qgis.core.aoi import sketches
from pixxel_qgis.core.aoi.aoi_shape import geodesic_area_m2
from pixxel_qgis.tests.helpers import click, connect, run_create, wait_idle
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QPoint, Qt
from qgis.PyQt.QtTest import QTest
from shapely.geometry import shape

UTM = QgsCoordinateReferenceSystem("EPSG:32643")


@pytest.fixture
def canvas(qgis_canvas):
    """The iface's canvas in UTM 43N, showing about 20 km around Bengaluru, 600 x 400 px (its main window
    shown, so the canvas is laid out and mouse positions map to real coordinates)."""
    window = qgis_canvas.window()
    was_visible = window.isVisible()
    crs_before, extent_before = qgis_canvas.mapSettings().destinationCrs(), qgis_canvas.extent()
    window.show()
    qgis_canvas.resize(600, 400)
    qgis_canvas.setDestinationCrs(UTM)
    to_utm = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), UTM, QgsProject.instance())
    centre = to_utm.transform(QgsPointXY(77.6, 12.97))
    qgis_canvas.setExtent(QgsRectangle(centre.x() - 15000, centre.y() - 10000, centre.x() + 15000, centre.y() + 10000))
    qgis_canvas.refresh()
    QTest.qWait(50)
    assert qgis_canvas.mapSettings().outputSize().width() > 500
    yield qgis_canvas
    qgis_canvas.setDestinationCrs(crs_before)  # later tests click in the canvas's CRS too
    qgis_canvas.setExtent(extent_before)
    if not was_visible:
        window.hide()


def _wgs84_points(points):
    t = QgsCoordinateTransform(UTM, QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance())
    return shapely.Polygon([(p.x(), p.y()) for p in (t.transform(q) for q in points)])


def _rect_wgs84(a, b):
    t = QgsCoordinateTransform(UTM, QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance())
    corners = [(a.x(), a.y()), (b.x(), a.y()), (b.x(), b.y()), (a.x(), b.y())]
    return shapely.Polygon([(p.x(), p.y()) for p in (t.transform(QgsPointXY(x, y)) for x, y in corners)])


def _map_point(canvas, x, y):
    return canvas.getCoordinateTransform().toMapCoordinates(x, y)


def drag_rectangle(canvas, a, b):
    vp = canvas.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*a))
    QTest.mouseMove(vp, QPoint((a[0] + b[0]) // 2, (a[1] + b[1]) // 2))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*b))


def click_polygon(canvas, points):
    vp = canvas.viewport()
    for p in points:
        QTest.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*p))
    QTest.mouseClick(vp, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, QPoint(*points[-1]))


def create_from_current_shape(dock, name):
    form = dock.aoi_form
    form.name_edit.setText(name)
    form.project_combo.setCurrentIndex(1)
    sats = form.satellite_combo
    sats.setCurrentIndex(next(i for i in range(sats.count()) if "TD1" in sats.itemText(i)))
    click(dock.images.search_button)
    wait_idle(dock)
    table = dock.images.item_table
    assert table.rowCount() >= 1, dock.images.search_status.text()
    sel = table.selectionModel()
    sel.select(table.model().index(0, 0), sel.Select | sel.Rows)
    run_create(dock)


def test_rectangle_and_polygon_drawn_with_the_mouse_make_aois(sim_factory, api_key, dock, canvas, qgis_iface, tmp_path):
    sim = sim_factory(asset_count=3, aoi_duration_s=0.2)
    connect(dock, sim, api_key)

    # rectangle: press at (100, 100), drag, release at (300, 250)
    click(dock.draw.rectangle_button)
    assert canvas.mapTool() is dock.draw.tools["rectangle"] and dock.draw.rectangle_button.isChecked()
    corner_a, corner_b = _map_point(canvas, 100, 100), _map_point(canvas, 300, 250)
    drag_rectangle(canvas, (100, 100), (300, 250))
    layer = qgis_iface.activeLayer()
    assert isinstance(layer, QgsVectorLayer) and layer.name() == sketches.LAYER_NAME
    assert layer.crs() == UTM and layer.isEditable()
    assert layer.featureCount() == 1 and layer.selectedFeatureCount() == 1
    assert len(dock.aoi_geometry.shapes) == 1, dock.aoi_geometry.geometry_info.text()
    assert "Vertices: 5" in dock.aoi_geometry.geometry_info.text()
    aoi = shape(dock.aoi_geometry.shapes[0].geojson)
    expected = _rect_wgs84(corner_a, corner_b)  # the dragged rectangle, transformed independently
    assert aoi.symmetric_difference(expected).area < 1e-4 * expected.area
    drawn_area = abs(corner_b.x() - corner_a.x()) * abs(corner_b.y() - corner_a.y())
    assert geodesic_area_m2(aoi) == pytest.approx(drawn_area, rel=0.01)  # UTM is near true scale here
    create_from_current_shape(dock, "Drawn rectangle")

    # polygon: a triangle clicked at three corners, right click to finish
    click(dock.draw.polygon_button)
    assert canvas.mapTool() is dock.draw.tools["polygon"] and not dock.draw.rectangle_button.isChecked()
    clicks = [(350, 100), (550, 120), (450, 350)]  # the canvas zoomed to the first AOI's layers meanwhile
    expected_triangle = _wgs84_points([_map_point(canvas, x, y) for x, y in clicks])
    click_polygon(canvas, clicks)
    assert layer.featureCount() == 2 and layer.selectedFeatureCount() == 1
    assert dock.aoi_geometry.shapes and "Vertices: 4" in dock.aoi_geometry.geometry_info.text()
    create_from_current_shape(dock, "Drawn triangle")

    made = {a["name"]: a for a in sim.aois()}
    assert set(made) == {"Drawn rectangle", "Drawn triangle"}
    rect = shape(made["Drawn rectangle"]["geometry"])
    tri = shape(made["Drawn triangle"]["geometry"])
    assert shapely.equals_exact(shapely.normalize(rect), shapely.normalize(aoi), tolerance=1e-6)
    assert len(shapely.get_coordinates(tri)) == 4
    assert tri.symmetric_difference(expected_triangle).area < 1e-4 * expected_triangle.area

    # saved in the connection's GeoPackage at once: a fresh reader sees both shapes
    path = sketches.connection_gpkg_path(sim.url, dock.flow.output.gpkg_folder)
    assert os.path.exists(path) and path.startswith(str(tmp_path))
    fresh = QgsVectorLayer(f"{path}|layername=sketches_epsg_32643", "check", "ogr")
    assert fresh.isValid() and fresh.featureCount() == 2
    assert sorted(f["kind"] for f in fresh.getFeatures()) == ["polygon", "rectangle"]


def test_map_extent_and_undo(connected, canvas, qgis_iface):
    click(connected.draw.extent_button)
    layer = qgis_iface.activeLayer()
    assert layer.featureCount() == 1 and connected.aoi_geometry.shapes
    aoi = shape(connected.aoi_geometry.shapes[0].geojson)
    ext = canvas.extent()
    assert geodesic_area_m2(aoi) == pytest.approx(ext.width() * ext.height(), rel=0.01)
    # the layer stays editable: QGIS's editing tools delete the sketch and the deletion can be undone
    fid = next(iter(layer.selectedFeatureIds()))
    layer.deleteFeature(fid)
    assert layer.featureCount() == 0
    layer.undoStack().undo()
    assert layer.featureCount() == 1


def test_escape_cancels_a_polygon_and_two_points_draw_nothing(connected, canvas, qgis_iface):
    click(connected.draw.polygon_button)
    vp = canvas.viewport()
    for p in ((100, 100), (200, 100)):
        QTest.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*p))
    QTest.mouseClick(vp, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, QPoint(200, 100))
    assert not connected.aoi_geometry.shapes
    assert all(lyr.name() != sketches.LAYER_NAME for lyr in QgsProject.instance().mapLayers().values())
    click(connected.draw.polygon_button)  # pressed again: the tool is put down
    assert canvas.mapTool() is not connected.draw.tools["polygon"]


def test_sketches_survive_closing_the_project_and_are_reused(connected, canvas, qgis_iface, tmp_path):
    click(connected.draw.extent_button)
    project = QgsProject.instance()
    path = str(tmp_path / "drawn.qgz")
    assert project.write(path)
    project.clear()  # as when QGIS closes: no edit is pending, the shape is already in the GeoPackage
    assert not project.mapLayersByName(sketches.LAYER_NAME)
    assert project.read(path)
    [layer] = project.mapLayersByName(sketches.LAYER_NAME)
    assert layer.featureCount() == 1
    canvas.zoomScale(canvas.scale() * 2)
    click(connected.draw.extent_button)  # the panel adds to the reopened layer instead of making another
    assert project.mapLayersByName(sketches.LAYER_NAME) == [layer] and layer.featureCount() == 2
    assert qgis_iface.activeLayer() is layer and layer.selectedFeatureCount() == 1


def test_polygon_finished_by_a_double_click(connected, canvas, qgis_iface):
    click(connected.draw.polygon_button)
    vp = canvas.viewport()
    for p in ((100, 100), (300, 120)):
        QTest.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*p))
    QTest.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(200, 300))
    QTest.mouseDClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(200, 300))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(200, 300))
    layer = qgis_iface.activeLayer()
    assert layer.name() == sketches.LAYER_NAME and layer.featureCount() == 1
    assert "Vertices: 4" in connected.aoi_geometry.geometry_info.text()
    assert connected.draw.tools["polygon"].points == []  # the release after the double click starts nothing


def _on_disk(layer):
    """The sketches as a fresh reader of the GeoPackage sees them (no edit buffer)."""
    fresh = QgsVectorLayer(layer.source(), "check", "ogr")
    assert fresh.isValid()
    return sorted(f["kind"] for f in fresh.getFeatures())


def test_undo_takes_back_a_fresh_sketch_and_redo_brings_it_back(connected, canvas, qgis_iface):
    click(connected.draw.rectangle_button)
    drag_rectangle(canvas, (100, 100), (300, 250))
    layer = qgis_iface.activeLayer()
    assert _on_disk(layer) == ["rectangle"]
    assert not layer.isModified()  # saved: QGIS shows no pending edit and asks nothing at close
    click(connected.draw.polygon_button)
    click_polygon(canvas, [(350, 100), (550, 120), (450, 350)])
    assert _on_disk(layer) == ["polygon", "rectangle"] and not layer.isModified()
    stack = layer.undoStack()  # what QGIS's Undo (Ctrl+Z) and the Undo panel act on, the layer being active
    assert stack.undoText() == sketches.COMMAND_TEXT

    stack.undo()  # Ctrl+Z: the polygon goes, from the layer and from the GeoPackage
    assert _on_disk(layer) == ["rectangle"]
    assert sorted(f["kind"] for f in layer.getFeatures()) == ["rectangle"]
    QTest.qWait(10)
    assert not layer.isModified()
    stack.undo()
    assert _on_disk(layer) == [] and layer.featureCount() == 0
    stack.redo()  # Ctrl+Shift+Z: back on disk, selected
    assert _on_disk(layer) == ["rectangle"] and layer.selectedFeatureCount() == 1
    QTest.qWait(10)
    assert not layer.isModified()


def test_nothing_drawn_is_lost_when_qgis_discards_the_pending_edits(connected, canvas, qgis_iface):
    click(connected.draw.extent_button)
    layer = qgis_iface.activeLayer()
    fid = next(iter(layer.selectedFeatureIds()))
    drawn = layer.getFeature(fid).geometry().asWkt()
    assert _on_disk(layer) == ["extent"]  # no save, no commit: already in the GeoPackage
    # the user moves it with QGIS's editing tools, then closes QGIS and answers "Discard" (a roll-back)
    moved = QgsGeometry(layer.getFeature(fid).geometry())
    moved.translate(1000, 0)
    layer.beginEditCommand("move")
    layer.changeGeometry(fid, moved)
    layer.endEditCommand()
    assert layer.isModified()
    assert layer.rollBack()
    assert _on_disk(layer) == ["extent"]  # the drawn shape stays; only the move is discarded
    fresh = QgsVectorLayer(layer.source(), "check", "ogr")
    assert next(fresh.getFeatures()).geometry().asWkt() == drawn
    QgsProject.instance().clear()
    assert [f["kind"] for f in fresh.getFeatures()] == ["extent"]
