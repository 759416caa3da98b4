"""core/layers + core/layer_style: asset layers built from raw pages, GeoPackage, project, refresh, style."""

import os

import pytest
from pixxel_qgis.core.assets import layers as L
from pixxel_qgis.core.assets.layer_style import OPEN_RASTER_ACTION, OPEN_URL_ACTION, STATUS_COLOURS
from pixxel_qgis.tests.asset_samples import (
    AOI_ID,
    DOCS_EXAMPLE_ASSET,
    make_aoi,
    make_asset,
    make_assets,
    pages,
)
from qgis.core import (
    QgsAction,
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsProject,
    QgsTask,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDateTime, QVariant


def _by_name(layer):
    idx = layer.fields().indexOf("name")
    return {f[idx]: f for f in layer.getFeatures()}


def test_layer_has_typed_fields_and_both_polygon_kinds(qgis_app):
    res = L.build_asset_layer(pages(make_assets(20), 7), "assets", AOI_ID)
    layer = res.layer
    assert layer.isValid() and layer.featureCount() == 20 and res.no_geometry == 0
    assert layer.wkbType() == QgsWkbTypes.MultiPolygon
    assert layer.crs().authid() == "EPSG:4326"
    fields = layer.fields()
    assert fields.field("created_at").type() == QVariant.DateTime
    assert fields.field("progress").type() == QVariant.Int
    assert fields.field("area_in_sq_m").type() == QVariant.Double
    feats = _by_name(layer)
    poly, multi = feats["Asset-0"], feats["Asset-1"]
    assert poly.geometry().constGet().numGeometries() == 1
    assert multi.geometry().constGet().numGeometries() == 2
    assert poly.geometry().area() == pytest.approx(0.0001)
    assert (
        isinstance(multi["created_at"], QDateTime) and multi["created_at"].isValid()
    )  # space-separated form
    assert poly["progress"] == 0 and multi["progress"] == 7
    assert layer.customProperty(L.AOI_PROPERTY) == AOI_ID


def test_unusable_geometry_is_kept_as_a_row_and_counted(qgis_app):
    broken = dict(
        make_asset(3), id="broken-1", name="broken", geometry={"type": "Polygon", "coordinates": [[[123]]]}
    )
    raw = [[make_asset(0), DOCS_EXAMPLE_ASSET], [broken, dict(make_asset(5), geometry=None), make_asset(6)]]
    res = L.build_asset_layer(raw, "assets")
    assert res.layer.featureCount() == 5
    assert res.no_geometry == 3
    assert "3 without a usable geometry" in res.message
    feats = _by_name(res.layer)
    assert not feats["broken"].hasGeometry()
    assert not feats["<string>"].hasGeometry()
    assert feats["Asset-0"].hasGeometry()


def test_duplicate_ids_across_pages_are_kept_once(qgis_app):
    a = make_assets(10)
    stats = {}
    feats, no_geom = L.build_asset_features([a[:6], a[4:]], stats=stats)
    assert len(feats) == 10 and stats["duplicates"] == 2 and no_geom == 0


def test_10k_assets_over_many_pages(qgis_app):
    assets = make_assets(10_000)
    res = L.build_asset_layer(pages(assets, 500), "assets", AOI_ID)
    layer = res.layer
    assert layer.featureCount() == 10_000 and res.no_geometry == 0
    ids = {f["id"] for f in layer.getFeatures()}
    assert len(ids) == 10_000
    f = _by_name(layer)["Asset-9999"]
    assert f["status"] == "creating" and f["path"].endswith("/9999.tif")
    ext = layer.extent()
    assert ext.xMinimum() == pytest.approx(77.0) and ext.yMinimum() == pytest.approx(12.0)


def test_boundary_layer_from_dict_old_form_and_broken(qgis_app):
    lyr = L.boundary_layer(make_aoi(old_form=True))
    assert lyr.featureCount() == 1
    f = next(lyr.getFeatures())
    assert f.hasGeometry() and f["satellite_id"] and f["name"] == "AOI-Bangalore"
    assert lyr.customProperty(L.ROLE_PROPERTY) == "boundary"
    broken = make_aoi()
    broken["geometry"] = {"type": "Polygon", "coordinates": [[[123]]]}
    f = next(L.boundary_layer(broken).getFeatures())
    assert not f.hasGeometry() and f["aoi_id"] == AOI_ID


def test_gpkg_written_and_reopened_with_types(qgis_app, tmp_path):
    res = L.build_asset_layer([make_assets(50) + [DOCS_EXAMPLE_ASSET]], "assets")
    path = str(tmp_path / "out.gpkg")
    uris = L.write_layers_to_gpkg(path, {"assets": res.layer, "aoi_boundary": L.boundary_layer(make_aoi())})
    assert set(uris) == {"assets", "aoi_boundary"}
    back = QgsVectorLayer(uris["assets"], "back", "ogr")
    assert back.isValid() and back.featureCount() == 51
    assert back.fields().field("created_at").type() == QVariant.DateTime
    assert back.fields().field("progress").type() in (QVariant.Int, QVariant.LongLong)
    assert back.fields().field("area_in_sq_m").type() == QVariant.Double
    feats = _by_name(back)
    assert feats["Asset-1"]["created_at"].isValid()
    assert not feats["<string>"].hasGeometry()
    assert QgsWkbTypes.flatType(back.wkbType()) == QgsWkbTypes.MultiPolygon
    # overwrite one table, the other stays
    L.write_layers_to_gpkg(path, {"assets": L.build_asset_layer([make_assets(5)], "a").layer})
    assert QgsVectorLayer(uris["assets"], "x", "ogr").featureCount() == 5
    assert QgsVectorLayer(uris["aoi_boundary"], "y", "ogr").featureCount() == 1


def test_safe_default_paths(tmp_path):
    folder = str(tmp_path / "out")
    for name in [
        "../../etc/passwd",
        "a/b\\c",
        "x\x00y\nz",
        "..",
        "",
        None,
        "CON",
        "名前 with spaces",
        "/abs",
    ]:
        p = L.default_gpkg_path(None, {"aoi_id": "../id/..", "name": name}, folder=folder)
        assert os.path.dirname(p) == os.path.abspath(folder), (name, p)
        assert p.endswith(".gpkg") and "\n" not in p and "\x00" not in p
    proj = QgsProject()
    proj.setFileName(str(tmp_path / "p" / "proj.qgz"))
    assert L.default_gpkg_path(proj, make_aoi()).startswith(str(tmp_path / "p" / "pixxel_data") + os.sep)
    assert L.default_gpkg_folder(None)


def test_style_categories_labels_actions_and_boundary_outline(qgis_app):
    project = QgsProject()
    prep = L.prepare_aoi_layers(pages(make_assets(30), 10), make_aoi(), gpkg_path=None)
    group, added = L.add_aoi_to_project(project, make_aoi(), prep.asset_layer, prep.boundary_layer)
    assets = added["assets"]
    renderer = assets.renderer()
    assert isinstance(renderer, QgsCategorizedSymbolRenderer) and renderer.classAttribute() == "status"
    values = {c.value() for c in renderer.categories()}
    assert set(STATUS_COLOURS) <= values
    assert assets.labelsEnabled() and assets.labeling().settings().fieldName == "name"
    actions = {a.name(): a for a in assets.actions().actions()}
    assert actions[OPEN_URL_ACTION].type() == QgsAction.OpenUrl
    assert '"path"' in actions[OPEN_URL_ACTION].command()
    assert actions[OPEN_RASTER_ACTION].type() == QgsAction.GenericPython
    assert "pixxel_qgis.core.imagery.raster import open_feature_raster" in actions[OPEN_RASTER_ACTION].command()
    sym = added["boundary"].renderer().symbol()
    assert sym.symbolLayer(0).brushStyle() == 0  # Qt.NoBrush: outline only
    assert group.name() == "Pixxel: AOI-Bangalore"
    assert "memory" in prep.message.lower()


def test_refresh_updates_instead_of_duplicating_memory(qgis_app):
    project = QgsProject()
    aoi = make_aoi()
    p1 = L.prepare_aoi_layers([make_assets(10)], aoi)
    _, first = L.add_aoi_to_project(project, aoi, p1.asset_layer, p1.boundary_layer)
    first["assets"].setRenderer(first["assets"].renderer().clone())  # "user" style stays the same object id
    p2 = L.prepare_aoi_layers([make_assets(15)], aoi)
    group, second = L.add_aoi_to_project(project, aoi, p2.asset_layer, p2.boundary_layer)
    assert second["assets"].id() == first["assets"].id()
    assert second["assets"].featureCount() == 15
    assert len(project.mapLayers()) == 2
    assert len(group.findLayers()) == 2
    assert len([g for g in project.layerTreeRoot().children()]) == 1


def test_project_saved_and_reopened_with_gpkg_layers_and_refresh(qgis_app, tmp_path):
    project = QgsProject()
    project.setFileName(str(tmp_path / "proj.qgz"))
    aoi = make_aoi()
    gpkg = L.default_gpkg_path(project, aoi)
    prep = L.prepare_aoi_layers(pages(make_assets(1200) + [DOCS_EXAMPLE_ASSET], 500), aoi, gpkg_path=gpkg)
    assert prep.no_geometry == 1 and prep.gpkg_path == gpkg and "Saved to" in prep.message
    L.add_aoi_to_project(project, aoi, prep.asset_layer, prep.boundary_layer)
    assert project.write()

    reopened = QgsProject()
    assert reopened.read(str(tmp_path / "proj.qgz"))
    found = L.find_aoi_layers(reopened, AOI_ID)
    assert set(found) == {"assets", "boundary"}
    assert found["assets"].isValid() and found["assets"].featureCount() == 1201
    assert found["boundary"].featureCount() == 1
    assert {a.name() for a in found["assets"].actions().actions()} >= {OPEN_URL_ACTION, OPEN_RASTER_ACTION}
    assert isinstance(found["assets"].renderer(), QgsCategorizedSymbolRenderer)
    assert L.find_aoi_group(reopened, AOI_ID) is not None

    # refresh into the reopened project: same file, same layers, new content
    again = L.prepare_aoi_layers([make_assets(300)], aoi, gpkg_path=L.default_gpkg_path(reopened, aoi))
    group, layers = L.add_aoi_to_project(reopened, aoi, again.asset_layer, again.boundary_layer)
    assert layers["assets"].id() == found["assets"].id()
    assert layers["assets"].featureCount() == 300
    assert len(reopened.mapLayers()) == 2 and len(group.findLayers()) == 2


def test_build_in_a_worker_task(qgis_app):
    class Build(QgsTask):
        def __init__(self):
            super().__init__("build", QgsTask.Flags())
            self.prep = None

        def run(self):
            self.prep = L.prepare_aoi_layers(pages(make_assets(2000), 500), make_aoi())
            return True

    task = Build()
    QgsApplication.taskManager().addTask(task)
    import time

    deadline = time.monotonic() + 30
    while task.status() not in (QgsTask.Complete, QgsTask.Terminated) and time.monotonic() < deadline:
        QgsApplication.processEvents()
        time.sleep(0.01)
    assert task.status() == QgsTask.Complete
    main = QgsApplication.instance().thread()
    assert task.prep.asset_layer.thread() is main and task.prep.boundary_layer.thread() is main
    assert task.prep.asset_layer.featureCount() == 2000


def test_zoom_to_aoi(qgis_app, qgis_canvas):
    bnd = L.boundary_layer(make_aoi())
    assert L.zoom_to_layer(qgis_canvas, bnd)
    ext = qgis_canvas.extent()
    assert ext.width() > 0


# ------------------------------------------------------------------------------------ against the simulator


def _sim_aoi(sim, api_key, name="Layers AOI"):
    from pixxel_qgis.client import AOICreate, PixxelClient, Polygon
    from pixxel_simulator import PROJECTS, SATELLITES

    client = PixxelClient(api_key, base_url=sim.url)
    ring = [[77.5, 12.9], [77.7, 12.9], [77.7, 13.1], [77.5, 13.1], [77.5, 12.9]]
    created = client.create_aoi(
        AOICreate(
            name=name,
            description="layers test",
            satellite_id=SATELLITES[0]["id"],
            project_id=PROJECTS[0]["id"],
            geometry=Polygon(type="Polygon", coordinates=[ring]),
            item_ids=["TD2_000650_20230404_L2A_20240405_01001067"],
        )
    )
    return client, client.get_aoi(created.aoi_id)


def test_simulator_10k_assets_to_gpkg_project_and_refresh(qgis_app, sim_factory, api_key, tmp_path):
    sim = sim_factory(asset_count=10_000, aoi_duration_s=0)
    client, aoi = _sim_aoi(sim, api_key)
    project = QgsProject()
    project.setFileName(str(tmp_path / "sim.qgz"))
    gpkg = L.default_gpkg_path(project, aoi)
    page_sizes = []
    raw_pages = client.iter_asset_pages(aoi.aoi_id, page_size=500, raw=True)
    counted = (page_sizes.append(len(p)) or p for p in raw_pages)
    prep = L.prepare_aoi_layers(counted, aoi, gpkg_path=gpkg)
    assert len(page_sizes) == 20 and sum(page_sizes) == 10_000
    assert prep.feature_count == 10_000 and prep.duplicates == 0
    layer = prep.asset_layer
    assert layer.isValid() and layer.featureCount() == 10_000
    assert layer.fields().field("created_at").type() == QVariant.DateTime
    f = next(layer.getFeatures())
    assert f["created_at"].isValid() and f["aoi_id"] == aoi.aoi_id
    assert layer.featureCount() - prep.no_geometry == sum(1 for g in layer.getFeatures() if g.hasGeometry())
    group, added = L.add_aoi_to_project(project, aoi, prep.asset_layer, prep.boundary_layer)
    assert next(added["boundary"].getFeatures()).hasGeometry()
    assert project.write()

    reopened = QgsProject()
    assert reopened.read(str(tmp_path / "sim.qgz"))
    found = L.find_aoi_layers(reopened, aoi.aoi_id)
    assert found["assets"].isValid() and found["assets"].featureCount() == 10_000

    again = L.prepare_aoi_layers(client.iter_asset_pages(aoi.aoi_id, raw=True), aoi, gpkg_path=gpkg)
    _, layers = L.add_aoi_to_project(reopened, aoi, again.asset_layer, again.boundary_layer)
    assert layers["assets"].id() == found["assets"].id() and len(reopened.mapLayers()) == 2


def test_asset_labels_stay_readable_at_aoi_scale(qgis_app):
    """240+ footprints: names only when zoomed in beyond 1:20,000, inside their footprint, never piled up."""
    from pixxel_qgis.core.assets.layer_style import LABEL_MIN_SCALE, apply_asset_style

    layer = L.build_asset_layer([make_assets(240)], "many").layer
    apply_asset_style(layer)
    s = layer.labeling().settings()
    assert layer.labelsEnabled() and s.fieldName == "name"
    assert s.scaleVisibility and s.minimumScale == LABEL_MIN_SCALE == 20000 and s.maximumScale == 0
    assert s.fitInPolygonOnly and not s.displayAll
    assert s.obstacleSettings().isObstacle()
