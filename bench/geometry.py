"""Geometry: selected polygons with 1M vertices in total, in EPSG:32643 (UTM 43N) -> the AOI geometry.

In a fresh interpreter (``--case``): a memory polygon layer in EPSG:32643 gets 100 overlapping, slightly
jagged rings of 10,000 vertices each (about 1,000,000 vertices), all selected (not timed). Timed:
``core.aoi.geometry.selected_polygons_to_aoi(layer, "merge")``, the function the panel's "Use selection"
calls (read + transform to EPSG:4326 in QGIS, then shapely repair/merge/vertex cap/orient), split into
its two halves (``layer_polygons_wgs84`` and ``aoi_shape.prepare_aoi``) in a separate run.

Reference, measured in the same process on the same features, alternately with ours (best of 3 each):
the bare steps of issue 15, QGIS's transform of every geometry to EPSG:4326 + shapely ``make_valid`` of
the inputs + ``union_all``. Handing the geometries from QGIS to shapely (WKB) is needed by any script
but is not counted in the reference (it is reported in the notes). Ratio = ours / reference.
"""

from __future__ import annotations

import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import Row, emit, fmt_s, mb, proc_status_kb, qgis_app, reset_peak_rss, run_case, verdict

FEATURES = 100
VERTICES_PER_FEATURE = 10_000
CRS = "EPSG:32643"
TARGET = 1.5  # ours / the bare steps (issue 15, target 5)
REPEATS = 3


def build_layer():
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    layer = QgsVectorLayer(f"Polygon?crs={CRS}", "bench polygons", "memory")
    feats = []
    cx0, cy0 = 780_000.0, 1_430_000.0  # near Bengaluru, UTM zone 43N
    n = VERTICES_PER_FEATURE - 1  # the closing vertex repeats the first
    for i in range(FEATURES):
        cx, cy = cx0 + (i % 10) * 1500.0, cy0 + (i // 10) * 1500.0
        pts = []
        for k in range(n):
            a = 2 * math.pi * k / n
            r = 1000.0 + 15.0 * math.sin(37 * a + i) + 5.0 * math.sin(301 * a)
            pts.append(f"{cx + r * math.cos(a):.3f} {cy + r * math.sin(a):.3f}")
        pts.append(pts[0])
        f = QgsFeature()
        f.setGeometry(QgsGeometry.fromWkt(f"POLYGON(({', '.join(pts)}))"))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    layer.selectAll()
    return layer


def _bare_steps(layer):
    """The reference: only the steps any script needs, on the same features. Not timed: reading the
    geometries (copies, so the transform works on fresh ones) and handing the transformed ones to shapely
    (WKB); timed: QGIS's transform of every geometry, shapely ``make_valid`` of the inputs, ``union_all``."""
    import shapely
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsGeometry, QgsProject

    ct = QgsCoordinateTransform(layer.crs(), QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance())
    geoms = [QgsGeometry(f.geometry()) for f in layer.getFeatures()]
    t0 = time.perf_counter()
    for g in geoms:
        g.transform(ct)
    t1 = time.perf_counter()
    arr = shapely.from_wkb([bytes(g.asWkb()) for g in geoms])
    t2 = time.perf_counter()
    valid = shapely.make_valid(arr)
    t3 = time.perf_counter()
    union = shapely.union_all(valid)
    t4 = time.perf_counter()
    return {"transform_s": t1 - t0, "handover_s": t2 - t1, "make_valid_s": t3 - t2, "union_s": t4 - t3,
            "ref_s": (t1 - t0) + (t3 - t2) + (t4 - t3), "union_vertices": int(shapely.get_num_coordinates(union))}


def case_main(argv) -> None:
    qgis_app()
    from pixxel_qgis.core.aoi import aoi_shape, geometry

    layer = build_layer()
    vertices = sum(f.geometry().constGet().nCoordinates() for f in layer.getFeatures())
    ours, refs, peaks, ref_peaks = [], [], [], []
    for _ in range(REPEATS):  # alternately, so both see the same machine
        base = proc_status_kb("VmRSS")
        reset_peak_rss()
        t0 = time.perf_counter()
        shapes = geometry.selected_polygons_to_aoi(layer, "merge")
        ours.append(time.perf_counter() - t0)
        peaks.append(proc_status_kb("VmHWM") - base)
        base = proc_status_kb("VmRSS")
        reset_peak_rss()
        refs.append(_bare_steps(layer))
        ref_peaks.append(proc_status_kb("VmHWM") - base)
    t0 = time.perf_counter()
    geoms, ids, notes = geometry.layer_polygons_wgs84(layer, True)
    t1 = time.perf_counter()
    aoi_shape.prepare_aoi(geoms, "merge", feature_ids=ids, notes=notes)
    t2 = time.perf_counter()
    ref = min(refs, key=lambda r: r["ref_s"])
    emit({
        "total_s": min(ours), "read_s": t1 - t0, "prepare_s": t2 - t1, "peak_kb": max(peaks),
        "ref_peak_kb": max(ref_peaks), "ref": ref,
        "vertices_in": vertices, "features": layer.selectedFeatureCount(),
        "vertices_sent": sum(s.vertex_count for s in shapes), "shapes": len(shapes),
        "notes": [n for s in shapes for n in s.notes][:4],
    })


def run(ctx: dict) -> list:
    r = run_case("geometry")
    ref = r["ref"]
    ratio = r["total_s"] / ref["ref_s"]
    row = Row(
        benchmark=f"Geometry: {r['features']} selected polygons, {r['vertices_in']:,} vertices, {CRS} -> AOI",
        figure=f"{fmt_s(r['total_s'])}; {r['vertices_sent']:,} vertices sent ({r['shapes']} polygon)",
        reference=(f"bare steps {fmt_s(ref['ref_s'])} (QGIS transform {fmt_s(ref['transform_s'])} + "
                   f"make_valid {fmt_s(ref['make_valid_s'])} + union_all {fmt_s(ref['union_s'])})"),
        ratio=ratio,
        target=f"≤ {TARGET}",
        verdict=verdict(ratio, TARGET),
        peak_ours=mb(r["peak_kb"]),
        peak_ref=mb(r["ref_peak_kb"]),
    )
    row.notes.append(
        f"best of {REPEATS}, ours and the bare steps alternately; ours split in a separate run: read + "
        f"transform + WKB to shapely {fmt_s(r['read_s'])}, shapely prepare (checks, repair, union, vertex "
        f"cap, 1 cm grid, orientation, area) {fmt_s(r['prepare_s'])}. Not in the reference: handing the "
        f"transformed geometries to shapely (WKB), {fmt_s(ref['handover_s'])}; the union has "
        f"{ref['union_vertices']:,} vertices"
    )
    if r["notes"]:
        row.notes.append("AOI notes: " + "; ".join(r["notes"]))
    return [row]


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--case":
        case_main(sys.argv[2:])
    else:
        for r in run({}):
            print(r)
