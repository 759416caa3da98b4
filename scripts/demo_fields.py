"""The demo's input: a few field boxes near Bengaluru, drawn as a memory layer in UTM 43N (a projected
CRS, so the AOI geometry step really reprojects). Shared by demo.py and panel_screenshot.py."""

FIELDS = {
    "north": (77.600, 12.985, 0.020, 0.012),  # centre lon, centre lat, half width, half height (degrees)
    "south": (77.598, 12.962, 0.018, 0.014),
    "east": (77.622, 12.972, 0.008, 0.020),
}


def fields_layer(names=tuple(FIELDS)):
    boxes = []
    for name in names:
        cx, cy, w, h = FIELDS[name]
        boxes.append([(cx - w, cy - h), (cx + w, cy - h), (cx + w, cy + h), (cx - w, cy + h)])
    return utm_polygon_layer(boxes, "Fields (UTM 43N)", names)


def utm_polygon_layer(rings, layer_name="fields", names=None):
    """A memory polygon layer in UTM 43N with one feature per ring given in lon/lat (also used by the tests)."""
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsFeature,
        QgsGeometry,
        QgsPointXY,
        QgsProject,
        QgsVectorLayer,
    )

    layer = QgsVectorLayer("Polygon?crs=EPSG:32643&field=name:string", layer_name, "memory")
    tr = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), layer.crs(), QgsProject.instance())
    feats = []
    for i, ring in enumerate(rings):
        g = QgsGeometry.fromPolygonXY([[QgsPointXY(x, y) for x, y in ring]])
        g.transform(tr)
        f = QgsFeature(layer.fields())
        f.setAttributes([names[i] if names else f"f{i}"])
        f.setGeometry(g)
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    layer.updateExtents()
    return layer
