"""The AOI board (core/board): a layer per connection kept current by one poller, against the simulator.

A project saved with a running AOI, closed and reopened, resumes polling and shows the final status without
user action; 50 watched AOIs stay within the request bound; closing the project or unloading the plugin
stops the poller (no request after it).
"""

import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from pixxel_qgis.client import AOICreate
from pixxel_qgis.core.board import layer as board_layer
from pixxel_qgis.core.board.manager import BoardManager
from pixxel_qgis.tests.helpers import FAST_CLIENT, wait_until
from pixxel_simulator import BENGALURU_AOI as BLR
from pixxel_simulator import FIRST_PROJECT_ID as PROJECT
from pixxel_simulator import TD2_ID as TD2
from qgis.core import QgsProject
from qgis.PyQt.QtTest import QTest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from headless_iface import HeadlessIface

pytestmark = pytest.mark.usefixtures("qgis_app")

FAST_SCHEDULE = {"max_per_minute": 600, "initial_delay": 0.2, "factor": 1.5, "max_delay": 0.5}


def body(name):
    return AOICreate(name=name, description="board", satellite_id=TD2, project_id=PROJECT, geometry=BLR,
                     item_ids=["item-1"])


def aoi_gets(sim, aoi_id=None):
    return [p for m, p, _s in sim.request_log if m == "GET" and p.startswith("/v0/aoi/")
            and (aoi_id is None or p == f"/v0/aoi/{aoi_id}")]


@pytest.fixture
def saved(clean_connection, sim_factory, api_key):
    """A simulator whose URL and key are the saved connection, and a client for it."""
    sim = sim_factory(aoi_duration_s=2.0, asset_count=7)
    conn = clean_connection.save_connection(sim.url, api_key)
    client = clean_connection.make_client(conn, **FAST_CLIENT)
    yield sim, conn.base_url, client
    client.close()


@pytest.fixture
def project(qgis_new_project):
    project = QgsProject.instance()
    yield project
    project.clear()


def make_manager(project, tmp_path, **schedule):
    from pixxel_qgis.core.board.manager import stored_client

    return BoardManager(project, lambda url: stored_client(url, **FAST_CLIENT),
                        schedule_options={**FAST_SCHEDULE, **schedule}, tick_ms=20, folder=str(tmp_path))


def status_of(layer, aoi_id):
    return {r["aoi_id"]: r for r in board_layer.rows(layer)}[aoi_id]


def test_a_reopened_project_resumes_watching_and_shows_the_final_status(saved, project, tmp_path):
    sim, base_url, client = saved
    finals = []
    manager = make_manager(project, tmp_path)
    manager.reachedFinal.connect(finals.append)
    try:
        aoi = client.create_aoi(body("Board resume"))
        poller = manager.watch(base_url, aoi)
        layer = poller.layer
        assert status_of(layer, aoi.aoi_id)["status"] == "started" and poller.running
        assert layer.source().startswith(str(tmp_path)) and layer.source().endswith("|layername=aois")
        qgz = str(tmp_path / "board.qgz")
        assert project.write(qgz)

        project.clear()  # closing the project stops the poller: no request after it
        assert manager.pollers == {}
        assert not poller.running
        before = len(aoi_gets(sim))
        QTest.qWait(600)
        assert len(aoi_gets(sim)) == before

        time.sleep(2.2)  # the AOI finishes on the server while the project is closed
        assert project.read(qgz)
        (board,) = board_layer.board_layers(project)
        assert manager.pollers and manager.pollers[base_url].running  # no user action
        wait_until(lambda: status_of(board, aoi.aoi_id)["status"] == "success", 15, "the final status on the board")
        row = status_of(board, aoi.aoi_id)
        assert row["progress"] == 100 and row["asset_count"] == 7 and row["name"] == "Board resume"
        assert [a.aoi_id for a in finals] == [aoi.aoi_id]
        requests = len(aoi_gets(sim, aoi.aoi_id))
        QTest.qWait(600)
        assert len(aoi_gets(sim, aoi.aoi_id)) == requests  # final: not asked about again
        assert not manager.pollers[base_url].running  # nothing left to watch: the timer is idle
    finally:
        manager.shutdown()


def test_fifty_watched_aois_stay_within_the_request_bound(saved, project, tmp_path):
    sim, base_url, client = saved
    sim.update_config(aoi_duration_s=3600.0)
    aois = [client.create_aoi(body(f"Busy {i}")) for i in range(50)]
    manager = make_manager(project, tmp_path, max_per_minute=300, initial_delay=0.0)  # one every 0.2 s
    try:
        manager.record(base_url, aois)
        before = len(aoi_gets(sim))
        started = time.monotonic()
        QTest.qWait(3000)
        asked = {p.rsplit("/", 1)[1] for p in aoi_gets(sim)}
        manager.stop_all()
        elapsed = time.monotonic() - started
        sent = len(aoi_gets(sim)) - before
        assert 3 <= sent <= elapsed * 300 / 60 + 1, (sent, elapsed)  # it asks, never above the bound
        assert len(asked) == sent  # each request about another AOI (all 50 are due): none asked twice yet
    finally:
        manager.shutdown()


def test_only_the_saved_connection_gets_asked(saved, project, tmp_path):
    """A board of another connection (another base URL) is never polled with this connection's key."""
    sim, base_url, client = saved
    aoi = client.create_aoi(body("Other host"))
    manager = make_manager(project, tmp_path)
    try:
        other = manager.watch("https://other.example.com", aoi)
        before = len(sim.request_log)
        QTest.qWait(500)
        assert other.requests == 0 and len(sim.request_log) == before
    finally:
        manager.shutdown()


@contextmanager
def loaded_plugin(folder):
    """The plugin loaded in a headless iface, its board fast and writing in ``folder``; unloaded after."""
    from pixxel_qgis import classFactory

    iface = HeadlessIface()
    plugin = classFactory(iface)
    plugin.initGui()
    try:
        plugin.board.schedule_options = dict(FAST_SCHEDULE)
        plugin.board.tick_ms = 20
        plugin.board.folder = str(folder)
        yield plugin
    finally:
        plugin.unload()
        iface.close()


def test_unloading_the_plugin_stops_the_board(saved, project, tmp_path):
    sim, base_url, client = saved
    with loaded_plugin(tmp_path) as plugin:
        aoi = client.create_aoi(body("Unload"))
        poller = plugin.board.watch(base_url, aoi)
        wait_until(lambda: len(aoi_gets(sim, aoi.aoi_id)) >= 1, 10, "the board to poll")
    assert not poller.running
    before = len(aoi_gets(sim))
    QTest.qWait(600)
    assert len(aoi_gets(sim)) == before


def test_a_final_status_brings_a_note_whose_button_loads_the_assets(saved, project, tmp_path):
    from pixxel_qgis.core.settings import KEY_OUTPUT_MODE
    from qgis.core import QgsSettings
    from qgis.PyQt.QtWidgets import QPushButton

    sim, base_url, client = saved
    sim.update_config(aoi_duration_s=0.5, asset_count=9)
    QgsSettings().setValue(KEY_OUTPUT_MODE, "memory")
    try:
        with loaded_plugin(tmp_path) as plugin:
            aoi = client.create_aoi(body("Noted"))
            plugin.board.watch(base_url, aoi)

            def button():
                found = [b for b in plugin.iface.messageBar().findChildren(QPushButton)
                         if b.objectName() == "PixxelBoardLoadAssets"]
                return found[0] if found else None

            wait_until(lambda: button() is not None, 15, "the final-status note")
            assert plugin.dock is None
            button().click()
            assert plugin.dock is not None and plugin.action.isChecked()  # the panel opened
            wait_until(lambda: plugin.dock.last_result is not None, 20, "the assets to load")
            result = plugin.dock.last_result
            assert result["aoi"].aoi_id == aoi.aoi_id and result["count"] == 9
    finally:
        QgsSettings().remove(KEY_OUTPUT_MODE)
