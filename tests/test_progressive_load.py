"""Streaming layer build and progressive loading (issue 15): pages go straight into the layer or the new
GeoPackage; LoadAssetsTask shows the footprints page by page in a preview layer; the final layer is the one
a non-progressive load gives; a cancel leaves nothing behind."""

import glob
import os

from osgeo import ogr
from pixxel_qgis.core.assets import layers as L
from pixxel_qgis.core.tasks.tasks import LoadAssetsTask, TaskKeeper
from pixxel_qgis.tests.asset_samples import DOCS_EXAMPLE_ASSET, make_aoi, make_asset, make_assets
from pixxel_qgis.tests.helpers import run_task, wait_until
from pixxel_simulator import Faults
from qgis.core import QgsProject

from .test_layers import _sim_aoi


def _tricky_pages():
    """Rows without geometry, the docs' broken example, ids repeated within a page and on later pages."""
    a = make_assets(40)
    broken = dict(make_asset(100), id="broken", geometry={"type": "Polygon", "coordinates": [[[123]]]})
    again_early = dict(make_asset(3), name="third again", geometry=None)  # replaces row 3, page 0
    again_late = dict(make_asset(30), name="thirty again")  # replaces row 32 (same page)
    fixed = dict(broken, name="broken fixed", geometry=make_asset(101)["geometry"])
    return [a[:10] + [broken], a[10:25] + [again_early, DOCS_EXAMPLE_ASSET], a[25:] + [again_late, fixed]]


def _ogr_dump(path, table):
    """(schema, rows) of a GeoPackage table read by GDAL itself: what any other program would see."""
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(table)
    defn = lyr.GetLayerDefn()
    schema = [
        (defn.GetFieldDefn(i).GetName(), defn.GetFieldDefn(i).GetTypeName(), defn.GetFieldDefn(i).GetWidth(),
         defn.GetFieldDefn(i).GetSubType())
        for i in range(defn.GetFieldCount())
    ]
    schema.append(("geometry", ogr.GeometryTypeToName(lyr.GetGeomType()), lyr.GetSpatialRef().GetAuthorityCode(None)))
    rows = []
    for f in lyr:
        g = f.GetGeometryRef()
        rows.append((f.GetFID(), [f.GetFieldAsString(i) if f.IsFieldSetAndNotNull(i) else None
                                  for i in range(defn.GetFieldCount())], g.ExportToWkt() if g else None))
    return schema, rows


def test_streamed_layer_equals_the_all_at_once_build(qgis_app):
    raw = _tricky_pages()
    stats = {}
    feats, no_geom = L.build_asset_features(raw, stats=stats)
    res = L.build_asset_layer(iter(raw), "assets")
    assert stats == {"rows": 42, "no_geometry": 2, "duplicates": 3}
    assert (res.feature_count, res.no_geometry, res.duplicates) == (42, 2, 3)
    got = [(f.id(), f.attributes(), f.geometry().asWkt() if f.hasGeometry() else None) for f in res.layer.getFeatures()]
    want = [(i + 1, f.attributes(), f.geometry().asWkt() if f.hasGeometry() else None) for i, f in enumerate(feats)]
    assert got == want
    names = [a[res.layer.fields().indexOf("name")] for _, a, _ in got]
    assert names[3] == "third again" and names[32] == "thirty again" and names[10] == "broken fixed"


def test_new_gpkg_is_streamed_and_equals_the_memory_then_write_result(qgis_app, tmp_path):
    """The new file (written page by page, renamed at the end) is what the memory-layer-then-write path
    produces: same tables, field types, fids, values, NULL geometries, repeated ids replaced in place."""
    aoi = make_aoi()
    ref = str(tmp_path / "ref.gpkg")
    built = L.build_asset_layer(_tricky_pages(), "assets")
    L.write_layers_to_gpkg(ref, {L.ASSET_TABLE: built.layer, L.BOUNDARY_TABLE: L.boundary_layer(aoi)})

    path = str(tmp_path / "new" / "aoi.gpkg")
    seen = []
    prep = L.prepare_aoi_layers(iter(_tricky_pages()), aoi, gpkg_path=path, on_batch=lambda f: seen.append(len(f)))
    assert seen == [11, 16, 15]  # one batch per page, repeated rows not sent twice
    assert (prep.feature_count, prep.no_geometry, prep.duplicates) == (42, 2, 3)
    assert prep.asset_layer.source().startswith(path) and prep.asset_layer.featureCount() == 42
    assert os.listdir(tmp_path / "new") == ["aoi.gpkg"]  # no temporary file left
    for table in (L.ASSET_TABLE, L.BOUNDARY_TABLE):
        assert _ogr_dump(path, table) == _ogr_dump(ref, table)


def test_failed_stream_leaves_no_file(qgis_app, tmp_path):
    def broken_pages():
        yield make_assets(10)
        raise RuntimeError("connection lost")

    path = str(tmp_path / "aoi.gpkg")
    try:
        L.prepare_aoi_layers(broken_pages(), make_aoi(), gpkg_path=path)
    except RuntimeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("the error was swallowed")
    assert os.listdir(tmp_path) == []


def _tree(project):
    out = []
    for group in project.layerTreeRoot().children():
        out.append((group.name(), [(n.layer().name(), n.layer().providerType(), n.layer().featureCount(),
                                    type(n.layer().renderer()).__name__) for n in group.findLayers()]))
    return out


def _load(sim, api_key, tmp_path, name, progressive, client=None, aoi=None, **task_kw):
    if client is None:
        client, aoi = _sim_aoi(sim, api_key, name="Progressive AOI")
    project = QgsProject()
    gpkg = str(tmp_path / name / "aoi.gpkg")
    results, cancelled = [], []
    task = LoadAssetsTask(client, aoi, gpkg, project, results.append, cancelled.append, lambda: cancelled.append(1),
                          page_size=100, progressive=progressive, **task_kw)
    return client, aoi, project, gpkg, task, results, cancelled


def test_features_appear_before_the_last_page_and_the_final_layer_is_unchanged(qgis_app, sim_factory, api_key,
                                                                               tmp_path):
    sim = sim_factory(asset_count=2000, aoi_duration_s=0,
                      faults=Faults(latency_s=0.05, path_filter=r"/assets"))
    asset_pages = 20

    def answered_pages():
        return sum(1 for m, p, s in sim.request_log if m == "GET" and p.endswith("/assets") and s == 200)

    at_preview = {}

    def on_preview(layer):
        at_preview.update(pages=answered_pages(), name=layer.name(), in_project=bool(project.mapLayer(layer.id())))

    client, aoi, project, gpkg, task, results, _ = _load(sim, api_key, tmp_path, "progressive", True,
                                                        on_preview=on_preview)
    drawn_before_end = []
    task.featuresReady.connect(lambda _f: drawn_before_end.append(
        (task.preview_layer.featureCount() if task.preview_layer else 0, answered_pages())))
    run_task(task, timeout=60)
    assert results, "the load failed"
    assert at_preview["pages"] < asset_pages and at_preview["in_project"]
    assert at_preview["name"] == "Progressive AOI assets (loading…)"
    assert 1 <= task.preview_batches <= asset_pages and task.preview_layer is None
    assert any(count and pages < asset_pages for count, pages in drawn_before_end)

    _, _, plain_project, plain_gpkg, plain, plain_results, _ = _load(sim, api_key, tmp_path, "plain", False,
                                                                     client, aoi)
    run_task(plain, timeout=60)
    assert plain.preview_batches == 0 and plain_results
    # the same project tree (group, boundary above assets, names, providers, counts, renderers) and the same
    # GeoPackage content, whether the load was progressive or not
    assert _tree(project) == _tree(plain_project)
    assert [c.name() for c in project.layerTreeRoot().children()] == ["Pixxel: Progressive AOI"]
    assert len(project.mapLayers()) == 2
    for table in (L.ASSET_TABLE, L.BOUNDARY_TABLE):
        assert _ogr_dump(gpkg, table) == _ogr_dump(plain_gpkg, table)
    final = results[0]["asset_layer"]
    assert final.featureCount() == 2000 and final.customProperty(L.AOI_PROPERTY) == aoi.aoi_id
    client.close()


def test_cancel_mid_way_leaves_no_layer_group_or_file(qgis_app, sim_factory, api_key, tmp_path):
    sim = sim_factory(asset_count=3000, aoi_duration_s=0,
                      faults=Faults(latency_s=0.1, path_filter=r"/assets"))
    client, aoi, project, gpkg, task, results, cancelled = _load(sim, api_key, tmp_path, "cancel", True)
    keeper = TaskKeeper()
    keeper.start(task)
    wait_until(lambda: task.preview_batches >= 2, 30, "the first footprints")
    assert task.preview_layer.featureCount() >= 200 and len(project.mapLayers()) == 1
    task.cancel()
    wait_until(lambda: task.done, 30, "the task to end")
    assert cancelled and not results
    assert project.mapLayers() == {} and project.layerTreeRoot().children() == []
    assert glob.glob(str(tmp_path / "cancel" / "*")) + glob.glob(str(tmp_path / "cancel" / ".*")) == []
    client.close()


def test_loading_an_aoi_again_shows_no_preview(qgis_app, sim_factory, api_key, tmp_path):
    """Loaded again, the layers in the project keep showing (and are updated in place) instead of a preview."""
    sim = sim_factory(asset_count=300, aoi_duration_s=0)
    client, aoi, project, gpkg, task, results, _ = _load(sim, api_key, tmp_path, "again", True)
    run_task(task, timeout=60)
    first = results[0]["asset_layer"]
    again = LoadAssetsTask(client, aoi, gpkg, project, results.append, page_size=100)
    run_task(again, timeout=60)
    assert again.preview_batches == 0 and results[1]["asset_layer"].id() == first.id()
    assert len(project.mapLayers()) == 2 and first.featureCount() == 300
    client.close()


ODD_VALUES = [None, True, False, 0, -1, 2**31, -(2**31) - 1, 1.5, float("nan"), float("inf"), 1e308 * 10, "",
              " 7 ", "x", "2022-11-14", "2022-11-14 12:55:00Z", "2022-11-14T25:00:00", [], [1, 2], ["B1", 2],
              {"a": 1}, 3.0]


def test_compiled_row_converter_equals_the_per_field_plan(qgis_app):
    """The generated row function (inline fast paths) gives exactly the per-field converters' result."""
    from pixxel_qgis.core.assets.asset_fields import AOI_FIELDS, ASSET_FIELDS, AssetRowConverter

    for spec in (ASSET_FIELDS, AOI_FIELDS):
        conv = AssetRowConverter(spec)
        keys = sorted({src for _, _, src in spec if src} | {"is_favourite", "unknown"})
        rows = [make_asset(i) for i in range(5)] + [{}, {"unknown": 1}, DOCS_EXAMPLE_ASSET]
        for i in range(len(ODD_VALUES)):
            rows.append({k: ODD_VALUES[(i + j) % len(ODD_VALUES)] for j, k in enumerate(keys)})
        for raw in rows:
            assert conv(raw) == conv.convert_by_plan(raw), raw


def test_ring_fast_path_equals_the_general_path():
    """Rings of plain [x, y] pairs take a C-only path; anything else the general one: same results."""
    from pixxel_qgis.core.assets import asset_geometry as G

    def general(ring):
        try:
            return G.array("d", [c for pt in ring for c in (pt[0], pt[1])])
        except (TypeError, IndexError, KeyError, OverflowError):
            return None

    sq = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    rings = [
        sq, sq[:-1], [tuple(p) for p in sq], [[0, 0, 5], [1, 0, 5], [1, 1, 5], [0, 0, 5]],
        [[0], [1, 0, 2], [1, 1], [0, 0]], [["a", "b"], [1, 0], [1, 1], [0, 0]], [[True, False], [1, 0], [1, 1]],
        [[0, 0], [1, 1], [0, 0], [1, 1], [0, 0]], [[0, 0], [0, 0], [1, 1], [2, 0], [0, 0]],
        [[0, 0], [1, 0], [0, 0], [1, 1], [0, 0]], [123, [1, 0], [1, 1]], [[1e400, 0], [1, 0], [1, 1]],
        [[[0, 0]], [1, 0], [1, 1]], [{"x": 0, "y": 0}, [1, 0], [1, 1]],
    ]
    for ring in rings:
        got = G._ring_coords(ring)
        flat = general(ring)
        if flat is not None and G._isfinite(G._fsum(flat)):
            if flat[0] != flat[-2] or flat[1] != flat[-1]:
                flat.extend(flat[:2])
            if len(flat) < 8 or len({(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)}) < 3:
                flat = None
        else:
            flat = None
        assert got == flat, ring


def test_band_names_fast_path_keeps_non_text_bands():
    from pixxel_qgis.core.assets.asset_fields import _bands_text

    assert _bands_text(["B1", "B2"]) == "B1, B2" and _bands_text(("B1",)) == "B1"
    assert _bands_text(["B1", 2, None, {"b": 3}]) == 'B1, 2, null, {"b": 3}'
    assert _bands_text([]) == "" and _bands_text("B1,B2") == "B1,B2" and _bands_text(7) is None
