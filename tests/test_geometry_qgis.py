"""The QGIS half of the geometry step: selected features of real QGIS layers -> AOI GeoJSON in EPSG:4326."""

import math

import pytest
from pixxel_qgis.core.aoi.aoi_shape import MAX_VERTICES, GeometryRefused, NeedsChoice
from pixxel_qgis.core.aoi.geometry import (
    aoi_to_qgs_geometry,
    layer_polygons_wgs84,
    make_preview_rubber_band,
    selected_polygons_to_aoi,
)
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsDistanceArea,
    QgsFeature,
    QgsGeometry,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsWkbTypes,
)

R_MERC = 6378137.0


def merc(lon, lat):
    return R_MERC * math.radians(lon), R_MERC * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def make_layer(wkts, uri="Polygon?crs=EPSG:4326", name="aoi polygons", select=None):
    layer = QgsVectorLayer(uri, name, "memory")
    assert layer.isValid()
    feats = []
    for wkt in wkts:
        f = QgsFeature(layer.fields())
        if wkt is not None:
            f.setGeometry(QgsGeometry.fromWkt(wkt))
        feats.append(f)
    ok, added = layer.dataProvider().addFeatures(feats)
    assert ok
    ids = [f.id() for f in added]
    layer.selectByIds(ids if select is None else [ids[i] for i in select])
    return layer


def bounds(shape):
    ring = shape.geojson["coordinates"][0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def box_wkt(x0, y0, x1, y1):
    return f"POLYGON(({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))"


def check_geojson(shape):
    gj = shape.geojson
    assert gj["type"] == "Polygon"
    for ring in gj["coordinates"]:
        assert ring[0] == ring[-1] and len(ring) >= 4
        assert all(len(p) == 2 for p in ring)
    ring = gj["coordinates"][0]
    signed = sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1))
    assert signed > 0  # counter-clockwise exterior
    assert shape.vertex_count <= MAX_VERTICES


def test_memory_layer_4326(qgis_new_project):
    layer = make_layer([box_wkt(77.5, 12.9, 77.7, 13.1)])
    [shape] = selected_polygons_to_aoi(layer)
    check_geojson(shape)
    assert bounds(shape) == pytest.approx((77.5, 12.9, 77.7, 13.1), abs=1e-9)
    assert shape.vertex_count == 5
    assert shape.source_feature_ids == list(layer.selectedFeatureIds())


def test_utm_layer_transformed(qgis_new_project):
    # UTM zone 43N: easting 500000 is the central meridian 75°E; northing 0 is the equator.
    layer = make_layer([box_wkt(499000, 1000, 501000, 3000)], "Polygon?crs=EPSG:32643", "utm")
    [shape] = selected_polygons_to_aoi(layer)
    check_geojson(shape)
    minx, miny, maxx, maxy = bounds(shape)
    assert (minx + maxx) / 2 == pytest.approx(75.0, abs=1e-6)
    assert miny == pytest.approx(1000 / 110_574, abs=1e-4)
    assert maxy == pytest.approx(3000 / 110_574, abs=1e-4)
    assert maxx - minx == pytest.approx(2000 / 111_320 / 0.9996, abs=1e-4)
    assert shape.area_km2 == pytest.approx(4.0 / 0.9996**2, rel=2e-3)


def test_web_mercator_layer_transformed(qgis_new_project):
    (x0, y0), (x1, y1) = merc(10, 50), merc(11, 51)
    layer = make_layer([box_wkt(x0, y0, x1, y1)], "Polygon?crs=EPSG:3857", "mercator")
    [shape] = selected_polygons_to_aoi(layer)
    check_geojson(shape)
    assert bounds(shape) == pytest.approx((10, 50, 11, 51), abs=1e-6)


def test_area_matches_qgs_distance_area(qgis_new_project):
    wkt = "POLYGON((10 50, 11.5 50.2, 11 51.3, 10.2 51, 10 50), (10.5 50.5, 10.6 50.5, 10.6 50.6, 10.5 50.5))"
    layer = make_layer([wkt])
    [shape] = selected_polygons_to_aoi(layer)
    da = QgsDistanceArea()
    da.setSourceCrs(QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance().transformContext())
    da.setEllipsoid("WGS84")
    expected_km2 = da.measureArea(QgsGeometry.fromWkt(wkt)) / 1e6
    assert shape.area_km2 == pytest.approx(expected_km2, rel=1e-3)
    assert len(shape.geojson["coordinates"]) == 2  # the hole is kept


@pytest.mark.parametrize("driver, ext", [("GPKG", "gpkg"), ("ESRI Shapefile", "shp")])
def test_file_layers(qgis_new_project, tmp_path, driver, ext):
    (x0, y0), (x1, y1) = merc(20, -10), merc(20.5, -9.5)
    mem = make_layer([box_wkt(x0, y0, x1, y1), box_wkt(x1, y0, x1 + 20000, y1)], "Polygon?crs=EPSG:3857")
    path = str(tmp_path / f"aoi.{ext}")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = driver
    write = getattr(QgsVectorFileWriter, "writeAsVectorFormatV3", QgsVectorFileWriter.writeAsVectorFormatV2)
    err = write(mem, path, QgsCoordinateTransformContext(), options)
    assert err[0] == QgsVectorFileWriter.NoError, err
    layer = QgsVectorLayer(path, f"file {ext}", "ogr")
    assert layer.isValid() and layer.featureCount() == 2
    layer.selectAll()
    [shape] = selected_polygons_to_aoi(layer)  # the two touching boxes merge
    check_geojson(shape)
    minx, miny, maxx, maxy = bounds(shape)
    assert (minx, miny, maxy) == pytest.approx((20, -10, -9.5), abs=1e-6)
    assert maxx == pytest.approx(20.5 + math.degrees(20000 / R_MERC), abs=1e-6)
    assert len(shape.source_feature_ids) == 2


def test_only_selected_features_used(qgis_new_project):
    layer = make_layer([box_wkt(0, 0, 1, 1), box_wkt(5, 5, 6, 6), box_wkt(0.5, 0.5, 2, 2)], select=[0, 2])
    [shape] = selected_polygons_to_aoi(layer)
    assert bounds(shape) == pytest.approx((0, 0, 2, 2))
    assert sorted(shape.source_feature_ids) == sorted(layer.selectedFeatureIds())
    all_shapes = selected_polygons_to_aoi(layer, "per_feature", selected_only=False)
    assert len(all_shapes) == 3


def test_separate_polygons_need_choice(qgis_new_project):
    layer = make_layer([box_wkt(0, 0, 1, 1), box_wkt(5, 5, 6, 6), box_wkt(8, 8, 9, 9)])
    with pytest.raises(NeedsChoice) as info:
        selected_polygons_to_aoi(layer)
    assert info.value.parts == 3
    assert "3 separate polygons" in str(info.value)
    assert len(selected_polygons_to_aoi(layer, "per_feature")) == 3
    [hull] = selected_polygons_to_aoi(layer, "hull")
    assert bounds(hull) == pytest.approx((0, 0, 9, 9))


@pytest.mark.parametrize(
    "uri, wkt, kind",
    [
        ("Point?crs=EPSG:4326", "POINT(1 1)", "a point layer"),
        ("LineString?crs=EPSG:4326", "LINESTRING(0 0, 1 1)", "a line layer"),
        ("None", None, "a table without geometry"),
    ],
)
def test_non_polygon_layers_refused(qgis_new_project, uri, wkt, kind):
    layer = make_layer([wkt], uri, name="roads")
    with pytest.raises(GeometryRefused) as info:
        selected_polygons_to_aoi(layer)
    assert info.value.reason == "not_polygon_layer"
    assert "'roads'" in str(info.value) and kind in str(info.value) and "polygon layer" in str(info.value)


def test_no_layer_refused(qgis_new_project):
    with pytest.raises(GeometryRefused) as info:
        selected_polygons_to_aoi(None)
    assert info.value.reason == "no_layer"


def test_nothing_selected_refused(qgis_new_project):
    layer = make_layer([box_wkt(0, 0, 1, 1)], name="fields", select=[])
    with pytest.raises(GeometryRefused) as info:
        selected_polygons_to_aoi(layer)
    assert info.value.reason == "no_selection"
    assert str(info.value) == (
        "Nothing selected in layer 'fields'. Select one or more polygons with the Select Features tool."
    )


def test_empty_geometry_refused(qgis_new_project):
    layer = make_layer([box_wkt(0, 0, 1, 1), None])
    with pytest.raises(GeometryRefused) as info:
        selected_polygons_to_aoi(layer)
    assert info.value.reason == "empty_geometry"
    assert "no geometry" in str(info.value)


def test_curved_polygon_flattened(qgis_new_project):
    # A circle of radius 0.01° centred on (1, 0).
    wkt = "CURVEPOLYGON(CIRCULARSTRING(0.99 0, 1 0.01, 1.01 0, 1 -0.01, 0.99 0))"
    layer = make_layer([wkt], "CurvePolygon?crs=EPSG:4326")
    assert QgsWkbTypes.isCurvedType(layer.wkbType())
    [shape] = selected_polygons_to_aoi(layer)
    check_geojson(shape)
    assert shape.vertex_count > 20
    assert "converted curves to straight segments" in shape.notes
    assert bounds(shape) == pytest.approx((0.99, -0.01, 1.01, 0.01), abs=1e-6)
    expected = math.pi * (0.01 * 111_320) ** 2 / 1e6
    assert shape.area_km2 == pytest.approx(expected, rel=0.01)


def test_polygon_z_and_m_flattened(qgis_new_project):
    layer = make_layer(
        ["POLYGON Z((500000 0 10, 501000 0 11, 501000 1000 12, 500000 1000 13, 500000 0 10))"], "PolygonZ?crs=EPSG:32643", "z layer"
    )
    [shape] = selected_polygons_to_aoi(layer)
    check_geojson(shape)
    assert "dropped Z values" in shape.notes
    layer_m = make_layer(["POLYGON ZM((0 0 1 2, 1 0 1 2, 1 1 1 2, 0 1 1 2, 0 0 1 2))"], "PolygonZM?crs=EPSG:4326")
    geoms, _, notes = layer_polygons_wgs84(layer_m)
    assert "dropped Z and M values" in notes
    assert not geoms[0].has_z


def test_invalid_bowtie_repaired(qgis_new_project):
    layer = make_layer(["POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))"])
    shapes = selected_polygons_to_aoi(layer, "per_feature")
    assert len(shapes) == 2
    assert all(any("repaired" in n for n in s.notes) for s in shapes)


def test_out_of_range_after_transform_refused(qgis_new_project):
    # Coordinates in metres in a layer that claims EPSG:4326: the CRS is wrong.
    layer = make_layer([box_wkt(500000, 1400000, 501000, 1401000)], name="wrong crs")
    with pytest.raises(GeometryRefused) as info:
        selected_polygons_to_aoi(layer)
    assert info.value.reason == "out_of_range"
    assert "CRS" in str(info.value)


def test_aoi_to_qgs_geometry_and_rubber_band(qgis_new_project, qgis_canvas):
    layer = make_layer([box_wkt(10, 50, 11, 51)])
    [shape] = selected_polygons_to_aoi(layer)
    geom = aoi_to_qgs_geometry(shape)
    assert geom.type() == QgsWkbTypes.PolygonGeometry
    assert geom.isGeosEqual(QgsGeometry.fromWkt(box_wkt(10, 50, 11, 51)))

    qgis_canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    band = make_preview_rubber_band(qgis_canvas, [shape])
    try:
        drawn = band.asGeometry()
        (x0, y0), (x1, y1) = merc(10, 50), merc(11, 51)
        box = drawn.boundingBox()
        assert (box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()) == pytest.approx(
            (x0, y0, x1, y1), rel=1e-6
        )
    finally:
        qgis_canvas.scene().removeItem(band)
