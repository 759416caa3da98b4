"""The real Pixxel dock, driven like a user would, against the simulator: every step and the failure paths."""

import time

from pixxel_qgis.core import connection
from pixxel_qgis.tests.helpers import (
    box_4326,
    click,
    connect,
    fill_form,
    find_group,
    form_state,
    messages,
    run_create,
    utm_polygon_layer,
    wait_idle,
    wait_until,
)
from qgis.core import (
    Qgis,
    QgsFeature,
    QgsGeometry,
    QgsLayerTreeGroup,
    QgsPointXY,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtTest import QTest


def posts_to_aois(sim):
    return [r for r in sim.request_log if r[0] == "POST" and r[1].rstrip("/") == "/v0/aois"]


# ------------------------------------------------------------------------------------------------ connection


def test_test_connection_ok(dock, simulator, api_key, qgis_iface):
    dock.connection.base_url_edit.setText(simulator.url)
    dock.connection.api_key_edit.setText(api_key)
    click(dock.connection.test_button)
    wait_idle(dock)
    ok = messages(qgis_iface, Qgis.Success)
    assert any("API key works" in m for m in ok), ok
    assert "API key works" in dock.connection.connection_status.text()


def test_test_connection_wrong_key_keeps_fields(dock, simulator, qgis_iface):
    dock.connection.base_url_edit.setText(simulator.url)
    dock.connection.api_key_edit.setText("not-the-key")
    click(dock.connection.test_button)
    wait_idle(dock)
    crit = messages(qgis_iface, Qgis.Critical)
    assert any("API key" in m for m in crit), crit
    assert "not-the-key" not in " ".join(crit)
    assert dock.connection.api_key_edit.text() == "not-the-key"
    assert dock.connection.base_url_edit.text() == simulator.url
    assert dock.connection.test_button.isEnabled()


def test_save_stores_key_and_fills_lists(connected, simulator, api_key):
    from pixxel_simulator import PROJECTS, SATELLITES

    dock = connected
    assert dock.connection.api_key_edit.text() == ""  # the key left the widget ...
    assert connection.load_connection().api_key == api_key  # ... for the auth database
    assert dock.aoi_form.project_combo.count() == len(PROJECTS)
    assert dock.aoi_form.satellite_combo.count() >= len(SATELLITES)
    assert dock.aois.existing_status.text().startswith("0 AOI")


def test_no_key_gives_a_message_and_no_request(dock, simulator, qgis_iface):
    dock.connection.base_url_edit.setText(simulator.url)
    click(dock.connection.test_button)
    assert any("API key" in m for m in messages(qgis_iface, Qgis.Warning))
    assert simulator.request_log == []


# ------------------------------------------------------------------------------------------------ geometry


def test_no_active_layer(dock, qgis_iface, monkeypatch):
    monkeypatch.setattr(qgis_iface, "activeLayer", lambda: None)
    click(dock.aoi_geometry.use_selection_button)
    assert dock.aoi_geometry.shapes == []
    assert messages(qgis_iface, Qgis.Warning)
    assert dock.aoi_geometry.geometry_info.text()


def test_nothing_selected(dock, bengaluru, qgis_iface, simulator):
    bengaluru.removeSelection()
    click(dock.aoi_geometry.use_selection_button)
    assert dock.aoi_geometry.shapes == [] and dock.aoi_geometry.preview.band is None
    warn = messages(qgis_iface, Qgis.Warning)
    assert warn and "select" in warn[-1].lower()
    assert simulator.request_log == []


def test_point_layer_refused(dock, qgis_iface):
    layer = QgsVectorLayer("Point?crs=EPSG:4326", "pts", "memory")
    f = QgsFeature()
    f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(77.6, 12.9)))
    layer.dataProvider().addFeatures([f])
    QgsProject.instance().addMapLayer(layer)
    qgis_iface.setActiveLayer(layer)
    layer.selectAll()
    click(dock.aoi_geometry.use_selection_button)
    assert dock.aoi_geometry.shapes == []
    warn = messages(qgis_iface, Qgis.Warning)
    assert warn and "polygon" in warn[-1].lower()


def test_selection_shows_area_vertices_and_preview(dock, bengaluru, qgis_canvas):
    bengaluru.selectByIds([1])
    click(dock.aoi_geometry.use_selection_button)
    assert len(dock.aoi_geometry.shapes) == 1
    text = dock.aoi_geometry.geometry_info.text()
    assert "km²" in text and "Vertices: 5" in text
    area = dock.aoi_geometry.shapes[0].area_km2
    assert 15 < area < 25  # 0.04° x 0.04° near 13°N is about 4.3 km x 4.4 km
    assert dock.aoi_geometry.preview.band is not None and dock.aoi_geometry.preview.band.numberOfVertices() > 0
    assert dock.aoi_geometry.preview.band in qgis_canvas.scene().items()


def test_disjoint_selection_asks_for_a_choice(dock, qgis_iface):
    layer = utm_polygon_layer([box_4326(77.55, 12.9, 0.01), box_4326(77.70, 13.05, 0.01)])
    qgis_iface.setActiveLayer(layer)
    layer.selectAll()
    dock.aoi_geometry.mode_combo.setCurrentIndex(dock.aoi_geometry.mode_combo.findData("merge"))
    click(dock.aoi_geometry.use_selection_button)
    assert dock.aoi_geometry.shapes == []
    assert "separate" in dock.aoi_geometry.geometry_info.text()
    dock.aoi_geometry.mode_combo.setCurrentIndex(dock.aoi_geometry.mode_combo.findData("hull"))  # re-evaluates at once
    assert len(dock.aoi_geometry.shapes) == 1
    dock.aoi_geometry.mode_combo.setCurrentIndex(dock.aoi_geometry.mode_combo.findData("per_feature"))
    assert len(dock.aoi_geometry.shapes) == 2
    assert dock.aoi_geometry.geometry_info.text().startswith("2 AOIs")


# ------------------------------------------------------------------------------------------------ form


def test_search_fills_table_and_previews_footprints(connected, bengaluru, qgis_canvas):
    dock = connected
    fill_form(dock, bengaluru, items=2)
    assert dock.images.item_table.item(0, 0).text()
    assert dock.images.item_table.item(0, 1).text()[:2] == "20"  # a date
    assert len(dock.images.item_table.selected_ids()) == 2
    assert dock.images.footprints.band is not None and dock.images.footprints.band in qgis_canvas.scene().items()
    dock.images.footprints_button.setChecked(False)
    assert dock.images.footprints.band is None


def test_name_check(connected, simulator, api_key, bengaluru):
    dock = connected
    _create_directly(simulator, api_key, "Taken name")
    dock.aoi_form.name_edit.setText("Taken name")
    dock.aoi_form.check_name()
    wait_idle(dock)
    assert "already exists" in dock.aoi_form.name_status.text()
    dock.aoi_form.name_edit.setText("Fresh name")
    dock.aoi_form.check_name()
    wait_idle(dock)
    assert "available" in dock.aoi_form.name_status.text()


def _create_directly(sim, key, name):
    from pixxel_qgis.client import PixxelClient
    from pixxel_qgis.client.models import AOICreate
    from pixxel_simulator import PROJECTS

    c = PixxelClient(key, base_url=sim.url)
    sat = "0004ab8d-0ad1-4d62-8a3f-fe18a7000e70"
    geom = {"type": "Polygon", "coordinates": [[[77.6, 12.9], [77.61, 12.9], [77.61, 12.91], [77.6, 12.91], [77.6, 12.9]]]}
    return c.create_aoi(AOICreate(name=name, description="", satellite_id=sat, provider="pixxel",
                                  project_id=PROJECTS[0]["id"], geometry=geom, item_ids=["x"]))


# ------------------------------------------------------------------------------------------------ create


def test_create_poll_and_load_assets(sim_factory, api_key, dock, bengaluru, qgis_iface):
    sim = sim_factory(asset_count=37, aoi_duration_s=0.8)
    connect(dock, sim, api_key)
    before = fill_form(dock, bengaluru, name="Farms north")
    progress_seen = []
    dock.flow.progress_bar.valueChanged.connect(progress_seen.append)
    run_create(dock)
    assert len(sim.aois()) == 1 and len(posts_to_aois(sim)) == 1
    assert dock.flow.progress_bar.value() == 100 and len(set(progress_seen)) >= 2
    group = find_group("Farms north")
    assert isinstance(group, QgsLayerTreeGroup), [g.name() for g in QgsProject.instance().layerTreeRoot().findGroups()]
    layers = [n.layer() for n in group.findLayers()]
    assets = [lyr for lyr in layers if lyr.featureCount() == 37]
    boundary = [lyr for lyr in layers if lyr.featureCount() == 1]
    assert assets and boundary, [(lyr.name(), lyr.featureCount()) for lyr in layers]
    assert "Farms north" in assets[0].name()
    fields = assets[0].fields()
    for name in ("id", "status", "asset_type", "resolution", "progress"):
        assert fields.indexOf(name) >= 0, name
    assert fields.field("resolution").isNumeric()
    assert dock.last_result["gpkg"] and dock.last_result["gpkg"].endswith(".gpkg")
    assert any("ready" in m for m in messages(qgis_iface, Qgis.Success))
    assert form_state(dock) == before  # the form is kept for the next AOI
    # the existing AOIs list was refreshed with the new AOI and its status
    wait_until(lambda: dock.aois.proxy.rowCount() == 1)
    assert dock.aois.cell(0, 1) == "success"


def test_per_feature_creates_one_aoi_each(sim_factory, api_key, dock, qgis_iface):
    sim = sim_factory(asset_count=3, aoi_duration_s=0.2)
    connect(dock, sim, api_key)
    layer = utm_polygon_layer([box_4326(77.55, 12.9, 0.01), box_4326(77.70, 13.05, 0.01)])
    qgis_iface.setActiveLayer(layer)
    dock.aoi_geometry.mode_combo.setCurrentIndex(dock.aoi_geometry.mode_combo.findData("per_feature"))
    fill_form(dock, layer, name="Split", items=1)
    run_create(dock)
    assert sorted(a["name"] for a in sim.aois()) == ["Split-1", "Split-2"]
    assert find_group("Split-1") and find_group("Split-2")


def test_name_taken_is_refused_and_form_kept(connected, simulator, api_key, bengaluru, qgis_iface):
    dock = connected
    _create_directly(simulator, api_key, "Dup")
    before = fill_form(dock, bengaluru, name="Dup")
    run_create(dock)
    assert len(simulator.aois()) == 1 and len(posts_to_aois(simulator)) == 1
    crit = messages(qgis_iface, Qgis.Critical)
    assert any("already exists" in m for m in crit), crit
    assert form_state(dock) == before


def test_short_500_burst_on_create_makes_one_aoi(connected, simulator, bengaluru, qgis_iface):
    from pixxel_simulator import Faults

    dock = connected
    fill_form(dock, bengaluru, name="Bursty")
    simulator.set_faults(Faults(error_burst=2, error_status=500, methods={"POST"}, path_filter=r"^/v0/aois/?$"))
    run_create(dock)
    assert [a["name"] for a in simulator.aois()] == ["Bursty"]
    assert find_group("Bursty") is not None


def test_lost_create_response_makes_no_duplicate(connected, simulator, bengaluru):
    from pixxel_simulator import Faults

    dock = connected
    fill_form(dock, bengaluru, name="Lost")
    simulator.set_faults(Faults(lose_create_response=1))
    run_create(dock)
    assert [a["name"] for a in simulator.aois()] == ["Lost"]
    assert find_group("Lost") is not None


def test_long_500_burst_on_create_fails_cleanly(connected, simulator, bengaluru, qgis_iface):
    from pixxel_simulator import Faults

    dock = connected
    before = fill_form(dock, bengaluru, name="Down")
    simulator.set_faults(Faults(error_burst=1000, error_status=500, methods={"POST"}, path_filter=r"^/v0/aois/?$"))
    run_create(dock, timeout=40)
    assert simulator.aois() == []
    crit = messages(qgis_iface, Qgis.Critical)
    assert any("not created" in m for m in crit), crit
    assert all("Traceback" not in m for m in crit)
    assert form_state(dock) == before
    assert dock.flow.create_button.isEnabled() and not dock.flow.cancel_button.isEnabled()
    assert find_group("Down") is None


def test_wrong_key_on_create_keeps_form(connected, simulator, bengaluru, qgis_iface):
    from pixxel_simulator import Faults

    dock = connected
    before = fill_form(dock, bengaluru, name="Revoked")
    simulator.set_faults(Faults(revoke_key_after=0))
    run_create(dock)
    crit = messages(qgis_iface, Qgis.Critical)
    assert any("API key" in m for m in crit), crit
    assert form_state(dock) == before
    assert simulator.aois() == []


def test_cancel_while_polling(sim_factory, api_key, dock, bengaluru, qgis_iface):
    sim = sim_factory(aoi_duration_s=60)
    connect(dock, sim, api_key)
    before = fill_form(dock, bengaluru, name="Slow")
    click(dock.flow.create_button)
    wait_until(lambda: "running" in dock.flow.create_status.text() or "started" in dock.flow.create_status.text(),
               15, "polling to start")
    t0 = time.monotonic()
    click(dock.flow.cancel_button)
    wait_until(lambda: dock.flow.create_button.isEnabled() and not dock.tasks.tasks, 5, "the cancel")
    assert time.monotonic() - t0 < 3
    warn = messages(qgis_iface, Qgis.Warning)
    assert any("Stopped waiting" in m for m in warn), warn
    assert form_state(dock) == before
    assert find_group("Slow") is None
    assert len(sim.aois()) == 1  # created on the server; loadable later from Existing AOIs


def test_failed_outcome(sim_factory, api_key, dock, bengaluru, qgis_iface):
    sim = sim_factory(aoi_duration_s=0.3, outcome="failed")
    connect(dock, sim, api_key)
    before = fill_form(dock, bengaluru, name="Doomed")
    run_create(dock)
    crit = messages(qgis_iface, Qgis.Critical)
    assert any("failed" in m and "Doomed" in m for m in crit), crit
    assert find_group("Doomed") is None
    assert form_state(dock) == before


def test_partial_success_loads_what_exists(sim_factory, api_key, dock, bengaluru, qgis_iface):
    sim = sim_factory(aoi_duration_s=0.3, outcome="partial_success", asset_count=20, partial_fraction=0.5)
    connect(dock, sim, api_key)
    fill_form(dock, bengaluru, name="Half")
    run_create(dock)
    assert any("partial" in m for m in messages(qgis_iface, Qgis.Warning))
    assert dock.last_result["count"] == 10
    assert find_group("Half") is not None


def test_transient_errors_while_polling(sim_factory, api_key, dock, bengaluru):
    from pixxel_simulator import Faults

    sim = sim_factory(aoi_duration_s=0.6, asset_count=4)
    connect(dock, sim, api_key)
    fill_form(dock, bengaluru, name="Flaky")
    sim.set_faults(Faults(error_burst=3, error_status=503, path_filter=r"^/v0/aoi/"))
    run_create(dock)
    assert dock.last_result and dock.last_result["count"] == 4


# ------------------------------------------------------------------------------------------------ existing AOIs


def test_existing_aois_listed_and_loaded_again(sim_factory, api_key, dock, qgis_iface):
    sim = sim_factory(seed_aois=2, asset_count=6)
    connect(dock, sim, api_key)
    assert dock.aois.proxy.rowCount() == 2
    assert dock.aois.cell(0, 1) in ("success", "partial_success", "failed", "running")
    dock.aois.aoi_table.selectRow(0)
    name = dock.aois.cell(0, 0)
    click(dock.aois.load_aoi_button)
    wait_idle(dock)
    group = find_group(name)
    assert group is not None, dock.aois.existing_status.text()
    assert len(group.findLayers()) == 2
    # loading again refreshes instead of duplicating
    click(dock.aois.load_aoi_button)
    wait_idle(dock)
    assert len([g for g in QgsProject.instance().layerTreeRoot().findGroups(True) if g.name() == group.name()]) == 1
    assert len(find_group(name).findLayers()) == 2


def test_load_without_selection_warns(connected, qgis_iface):
    click(connected.aois.load_aoi_button)
    assert any("Select an AOI" in m for m in messages(qgis_iface, Qgis.Warning))


# ------------------------------------------------------------------------------------------------ lifecycle


def test_shutdown_cancels_and_removes_canvas_items(sim_factory, api_key, dock, bengaluru, qgis_canvas):
    sim = sim_factory(aoi_duration_s=60)
    connect(dock, sim, api_key)
    fill_form(dock, bengaluru, name="Bye")
    band = dock.aoi_geometry.preview.band
    assert band in qgis_canvas.scene().items()
    click(dock.flow.create_button)
    wait_until(lambda: "running" in dock.flow.create_status.text() or "started" in dock.flow.create_status.text(), 15)
    dock.shutdown()
    wait_until(lambda: not dock.tasks.tasks, 5, "tasks cancelled")
    assert band not in qgis_canvas.scene().items()
    assert dock.aoi_geometry.preview.band is None and dock.images.footprints.band is None


def test_main_thread_never_waits_for_the_network(connected, simulator, bengaluru):
    """A slow server (1.5 s per search) never blocks the event loop: the UI keeps ticking."""
    from pixxel_simulator import Faults

    dock = connected
    bengaluru.selectAll()
    click(dock.aoi_geometry.use_selection_button)
    dock.aoi_form.satellite_combo.setCurrentIndex(0)
    simulator.set_faults(Faults(latency_s=1.5, path_filter=r"^/v0/search"))
    t0 = time.monotonic()
    click(dock.images.search_button)
    assert time.monotonic() - t0 < 0.3  # the click returned at once
    assert not dock.images.search_button.isEnabled(), (dock.aoi_geometry.geometry_info.text(), dock.images.search_status.text(), messages(dock.iface, Qgis.Warning))  # busy
    gaps, last = [], time.monotonic()
    while dock.tasks.tasks and time.monotonic() - t0 < 20:
        QTest.qWait(20)
        now = time.monotonic()
        gaps.append(now - last)
        last = now
    assert time.monotonic() - t0 >= 1.4  # the request really was slow
    assert max(gaps) < 0.3, max(gaps)
    assert dock.images.search_button.isEnabled() and dock.images.item_table.rowCount() > 0
