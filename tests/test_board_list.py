"""The AOI board with the plugin loaded, against the simulator: the panel's "Existing AOIs" list is a view of
the board's records (one model, not two copies), and the board's poller follows a connection change."""

import pytest
from pixxel_qgis.core.board import layer as board_layer
from pixxel_qgis.tests import test_board as _tb
from pixxel_qgis.tests.helpers import click, wait_idle, wait_until
from qgis.core import QgsNetworkAccessManager
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtTest import QTest

pytestmark = pytest.mark.usefixtures("qgis_app")

saved, project, body, status_of, aoi_gets = _tb.saved, _tb.project, _tb.body, _tb.status_of, _tb.aoi_gets
NEW_KEY = "pixxel-new-key-0000000000000000000001"


def list_gets(sim):
    """The list's requests (GET /v0/aois without a name filter: those are the form's name checks)."""
    return [r.url for r in sim.recorder.requests
            if r.method == "GET" and r.path == "/v0/aois" and "aoi_name=" not in r.url]


def key_of(request):
    value = request.header("Authorization") or ""
    return value[7:].strip() if value.lower().startswith("bearer ") else value.strip()


def polls(sim, since=0):
    return [r for r in sim.recorder.requests[since:] if r.method == "GET" and r.path.startswith("/v0/aoi/")]


@pytest.fixture
def plugin(saved, project, tmp_path):
    """The plugin loaded (its board fast, in the test's folder), its panel open."""
    with _tb.loaded_plugin(tmp_path) as plugin:
        plugin.action.setChecked(True)
        wait_idle(plugin.dock)
        yield plugin


def test_the_list_and_the_layer_show_what_the_poller_sees_without_a_refresh(saved, plugin, project, tmp_path):
    sim, base_url, client = saved
    dock = plugin.dock
    aoi = client.create_aoi(body("Seen by the poller"))
    lists_before = len(list_gets(sim))
    plugin.board.watch(base_url, aoi)  # what the panel's create flow does with a new AOI
    assert dock.aois.proxy.rowCount() == 1 and dock.aois.cell(0, 0) == "Seen by the poller"
    assert dock.aois.cell(0, 1) == "started"
    name_cell = dock.aois.proxy.index(0, 0)
    assert name_cell.data(Qt.ItemDataRole.DecorationRole) == QColor(board_layer.STATUS_COLOURS["started"])

    wait_until(lambda: dock.aois.cell(0, 1) == "success", 15, "the poller's final status in the list")
    # the name carries the status too (colour of the board layer's style, tooltip): a narrow dock may
    # have the status column scrolled out of view
    name_cell = dock.aois.proxy.index(0, 0)
    assert name_cell.data(Qt.ItemDataRole.DecorationRole) == QColor(board_layer.STATUS_COLOURS["success"])
    assert name_cell.data(Qt.ItemDataRole.ToolTipRole).splitlines()[1:] == ["success 100%"]
    layer = plugin.board.pollers[base_url].layer
    assert status_of(layer, aoi.aoi_id)["status"] == "success" and dock.aois.cell(0, 2) == "100%"
    assert dock.aois.model is plugin.board.model(base_url)  # the list views the board's records
    assert len(list_gets(sim)) == lists_before  # the list fetched nothing

    # a Refresh of the list writes the layer: an AOI made elsewhere appears on the board too
    other = client.create_aoi(body("Made elsewhere"))
    click(dock.aois.refresh_aois_button)
    wait_idle(dock)
    assert len(list_gets(sim)) == lists_before + 1
    assert {r["aoi_id"] for r in board_layer.rows(layer)} == {aoi.aoi_id, other.aoi_id}
    assert dock.aois.proxy.rowCount() == 2 and dock.aois.cell(0, 0) == "Made elsewhere"  # newest first

    # a reopened project: the list shows the board's records read from the layer, still without a fetch
    qgz = str(tmp_path / "list.qgz")
    assert project.write(qgz)
    project.clear()
    assert dock.aois.proxy.rowCount() == 0  # the board closed with the project
    assert project.read(qgz)
    assert dock.aois.proxy.rowCount() == 2 and len(list_gets(sim)) == lists_before + 1
    dock.aois.select(aoi.aoi_id)
    chosen = dock.aois.selected_aoi()
    assert chosen.aoi_id == aoi.aoi_id and chosen.name == "Seen by the poller" and chosen.geometry["type"]


def test_an_aoi_created_in_the_panel_is_in_the_list_at_once_with_its_final_status(saved, plugin, bengaluru, api_key):
    from pixxel_qgis.tests.helpers import connect, fill_form, run_create

    sim, base_url, _client = saved
    sim.update_config(aoi_duration_s=0.6, asset_count=4)
    plugin.iface.setActiveLayer(bengaluru)
    dock = plugin.dock
    connect(dock, sim, api_key)  # the panel's lists (projects, satellites, AOIs) loaded
    lists_before = len(list_gets(sim))
    fill_form(dock, bengaluru, name="Made in the panel")
    run_create(dock)
    assert dock.aois.proxy.rowCount() == 1 and dock.aois.cell(0, 0) == "Made in the panel"
    assert dock.aois.cell(0, 1) == "success"  # the create flow's own answer, through the board
    (created,) = sim.aois()
    assert status_of(plugin.board.pollers[base_url].layer, created["aoi_id"])["status"] == "success"
    assert len(list_gets(sim)) == lists_before  # no list request after the create: the board already has it


def test_a_new_key_saved_in_the_panel_is_used_by_the_next_poll(saved, plugin, project, api_key):
    sim, base_url, client = saved
    sim.update_config(aoi_duration_s=3600.0, api_keys=(api_key, NEW_KEY))
    old_key = api_key
    dock = plugin.dock
    aoi = client.create_aoi(body("Key change"))
    plugin.board.watch(base_url, aoi)
    wait_until(lambda: any(key_of(r) == old_key for r in polls(sim)), 15, "a poll with the first key")

    dock.connection.api_key_edit.setText(NEW_KEY)
    click(dock.connection.save_button)
    mark = len(sim.recorder.requests)
    wait_until(lambda: any(key_of(r) == NEW_KEY for r in polls(sim, mark)), 15, "a poll with the new key")
    QTest.qWait(800)  # more polls
    after = polls(sim, mark)
    keys = [key_of(r) for r in after]
    first_new = keys.index(NEW_KEY)
    assert set(keys[first_new:]) == {NEW_KEY} and len(keys) - first_new >= 2, keys
    assert keys[:first_new].count(old_key) <= 1  # at most the request that was in flight at the Save


def test_a_change_in_qgis_network_settings_gives_the_poller_a_new_client(saved, plugin):
    sim, base_url, client = saved
    sim.update_config(aoi_duration_s=3600.0)
    aoi = client.create_aoi(body("Network change"))
    poller = plugin.board.watch(base_url, aoi)
    wait_until(lambda: poller._client is not None and poller.requests >= 1, 15, "a first poll")
    first = poller._client
    before = QgsNetworkAccessManager.timeout()
    try:
        QgsNetworkAccessManager.setTimeout(before + 7000)
        count = poller.requests
        wait_until(lambda: poller.requests >= count + 2, 15, "more polls")
        assert poller._client is not None and poller._client is not first
        assert first._t.timeout != poller._client._t.timeout
    finally:
        QgsNetworkAccessManager.setTimeout(before)

