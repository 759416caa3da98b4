"""The demo's input: a few field boxes near Bengaluru, drawn as a memory layer in UTM 43N (a projected
CRS, so the AOI geometry step really reprojects). Shared by demo.py and panel_screenshot.py."""

FIELDS = {
    "north": (77.600, 12.985, 0.020, 0.012),  # centre lon, centre lat, half width, half height (degrees)
    "south": (77.598, 12.962, 0.018, 0.014),
    "east": (77.622, 12.972, 0.008, 0.020),
}


def fields_layer(names=tuple(FIELDS)):
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsFeature,
        QgsGeometry,
        QgsPointXY,
        QgsProject,
        QgsVectorLayer,
    )

    layer = QgsVectorLayer("Polygon?crs=EPSG:32643&field=name:string", "Fields (UTM 43N)", "memory")
    tr = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), layer.crs(), QgsProject.instance())
    feats = []
    for name in names:
        cx, cy, w, h = FIELDS[name]
        g = QgsGeometry.fromPolygonXY([[QgsPointXY(cx - w, cy - h), QgsPointXY(cx + w, cy - h),
                                        QgsPointXY(cx + w, cy + h), QgsPointXY(cx - w, cy + h)]])
        g.transform(tr)
        f = QgsFeature(layer.fields())
        f.setAttributes([name])
        f.setGeometry(g)
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    layer.updateExtents()
    return layer
