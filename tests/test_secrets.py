"""The API key never leaks (issue 9).

A full flow with a distinctive key (connection saved -> client from the stored connection -> create ->
poll -> load assets to a GeoPackage -> project saved as .qgz), plus failures with the key in play, then a
search for the key in: QGIS's message log, Python logging (root logger at DEBUG, urllib3 included), the
texts of every exception and task error, every layer attribute, the project file (all members of the
.qgz), the QgsSettings .ini files of the test profile, the auth database file (the key is stored
encrypted), the GeoPackage bytes, and on the wire: every request the simulator and the echo server
received, whole (the key only as the Authorization value of requests to the API host).
"""

from __future__ import annotations

import glob
import json
import logging
import os
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pixxel_qgis.client import AOICreate, PixxelClient, PixxelError, SatelliteRef, SearchQuery
from pixxel_qgis.core import connection
from pixxel_qgis.core.tasks import tasks
from pixxel_qgis.tests.helpers import run_task
from pixxel_simulator import BENGALURU_AOI as BLR
from pixxel_simulator import FIRST_PROJECT_ID as PROJECT
from pixxel_simulator import TD2_ID as TD2
from pixxel_simulator import Faults, RequestRecorder, key_appearances
from qgis.core import QgsApplication, QgsProject, QgsSettings, QgsVectorLayer
from qgis.PyQt.QtTest import QTest

KEY = "pxk-LEAKCANARY-4b1d9e7f0a2c6e8d"

FAST = dict(timeout=0.5, retry_budget_s=1.0, backoff_base_s=0.02, backoff_max_s=0.05)
FORMS = (KEY, KEY.encode().hex(), KEY[::-1])  # as is, hex, reversed (a careless "obfuscation")


def run(task):
    out = {"done": [], "errors": []}
    task.on_done, task.on_error = out["done"].append, out["errors"].append
    run_task(task, timeout=30.0)
    return out


class Recorder:
    def __init__(self):
        self.log_messages = []
        self.records = []
        self.texts = []  # exception texts, task errors, callbacks' messages

    def on_message(self, message, tag, level):
        self.log_messages.append(f"{tag}: {message}")


class ListHandler(logging.Handler):
    def __init__(self, sink):
        super().__init__(logging.DEBUG)
        self.sink = sink

    def emit(self, record):
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001
            text = f"{record.msg} {record.args}"
        self.sink.append(text + (self.format(record) if record.exc_info else ""))


@pytest.fixture
def recorder(qgis_app):
    rec = Recorder()
    log = QgsApplication.messageLog()
    log.messageReceived[str, str, "Qgis::MessageLevel"].connect(rec.on_message)
    handler = ListHandler(rec.records)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield rec
    root.removeHandler(handler)
    root.setLevel(old_level)
    log.messageReceived[str, str, "Qgis::MessageLevel"].disconnect(rec.on_message)


@pytest.fixture
def auth(clean_connection):
    return clean_connection


def leaks(data, where):
    if isinstance(data, str):
        found = [f for f in FORMS if f in data]
    else:
        found = [f for f in FORMS if f.encode() in data]
    return [f"{where}: contains {f!r}" for f in found]


def echo_server():
    """A hostile server that echoes the Authorization header in its error body and a JSON body."""

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            self.server.recorder.record(self, b"")
            got = self.headers.get("Authorization") or ""
            status = 401 if "projects" in self.path else 500
            body = json.dumps({"error": {"code": "X", "message": f"bad key {got}", "details": {"key": got}}})
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
    httpd.daemon_threads = True
    httpd.recorder = RequestRecorder(f"http://127.0.0.1:{httpd.server_address[1]}")
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def test_key_never_leaks_through_a_full_flow(recorder, auth, sim_factory, tmp_path):
    sim = sim_factory(api_keys=(KEY,), aoi_duration_s=0.3, asset_count=30)

    # connection: the key goes to the auth database, the base URL to QgsSettings
    conn = connection.save_connection(sim.url, KEY)
    assert conn.authcfg
    stored = connection.load_connection()
    assert stored.api_key == KEY
    client = connection.make_client(stored, **FAST)

    q = SearchQuery(start_date="2020-01-01T00:00:00Z", end_date="2030-01-01T00:00:00Z",
                    satellites=[SatelliteRef(collection_id="pixxel-td2-l2a", satellite_id=TD2)], geometry=BLR, limit=3)
    search = run(tasks.ApiCallTask("search", lambda: list(client.iter_search(q, max_items=2))))
    items = [it.id for it in search["done"][0]]
    payload = AOICreate(name="secret-flow", description="d", satellite_id=TD2, project_id=PROJECT, geometry=BLR,
                        item_ids=items)

    sim.set_faults(Faults(lose_create_response=1))  # the recovery path logs warnings: they must be clean too
    created = run(tasks.CreateAoiTask(client, payload))
    assert created["done"], created
    aoi = created["done"][0]
    sim.set_faults(Faults(error_burst=1, path_filter=r"^/v0/aoi/"))
    polled = run(tasks.PollAoiTask(client, aoi.aoi_id, aoi.name, initial_delay=0.05, max_delay=0.1))
    assert polled["done"], polled
    project = QgsProject()
    gpkg = str(tmp_path / "data" / "assets.gpkg")
    loaded = run(tasks.LoadAssetsTask(client, polled["done"][0], gpkg, project, page_size=10))
    assert loaded["done"], loaded
    qgz = str(tmp_path / "project.qgz")
    assert project.write(qgz)

    # failures with the key in play
    sim.set_faults(Faults(revoke_key_after=0))
    for fn in (client.all_projects, client.list_satellites, lambda: client.get_aoi(aoi.aoi_id)):
        failed = run(tasks.ApiCallTask("fail", fn))
        recorder.texts += failed["errors"]
    sim.set_faults(Faults(latency_s=1.0))
    recorder.texts += run(tasks.ApiCallTask("slow", client.all_aois))["errors"]
    sim.set_faults(Faults(malformed=5, path_filter="satellites"))
    recorder.texts += run(tasks.ApiCallTask("bad", client.list_satellites))["errors"]
    httpd, echo_url = echo_server()
    echo_recorder = httpd.recorder
    try:
        echo = PixxelClient(KEY, base_url=echo_url, **FAST)
        for fn in (echo.all_projects, echo.list_satellites):
            try:
                fn()
            except PixxelError as exc:
                recorder.texts += [str(exc), repr(exc), str(exc.args), str(exc.details), str(exc.server_message)]
        recorder.texts += [repr(echo), repr(echo.transport), repr(echo.transport.session)]
    finally:
        httpd.shutdown()
        httpd.server_close()
    for bad_url in ("http://example.com", "ftp://x", "https://user:pw@host"):
        try:
            PixxelClient(KEY, base_url=bad_url)
        except PixxelError as exc:
            recorder.texts += [str(exc), repr(exc)]
    try:
        connection.make_client(connection.Connection("http://example.com", KEY))
    except Exception as exc:  # noqa: BLE001
        recorder.texts += [str(exc), repr(exc)]
    sim.stop()
    recorder.texts += run(tasks.ApiCallTask("down", client.all_projects))["errors"]
    assert len([t for t in recorder.texts if t]) >= 8
    QTest.qWait(50)  # queued message-log signals

    found = []
    for m in recorder.log_messages:
        found += leaks(m, "QGIS message log")
    for r in recorder.records:
        found += leaks(r, "Python logging")
    for t in recorder.texts:
        found += leaks(t, "exception / task error text")
    assert recorder.records, "nothing was logged: the logging check would prove nothing"

    layers_seen = 0
    for lyr in project.mapLayers().values():
        if isinstance(lyr, QgsVectorLayer):
            layers_seen += 1
            for f in lyr.getFeatures():
                found += leaks(" ".join(str(v) for v in f.attributes()), f"layer {lyr.name()!r} attributes")
        found += leaks(lyr.source() + lyr.name() + str(lyr.customPropertyKeys()), f"layer {lyr.name()!r}")
    assert layers_seen == 2

    with zipfile.ZipFile(qgz) as z:
        names = z.namelist()
        assert any(n.endswith(".qgs") for n in names)
        for n in names:
            found += leaks(z.read(n), f"project file member {n}")
    with open(gpkg, "rb") as fh:
        found += leaks(fh.read(), "GeoPackage")

    settings = QgsSettings()
    settings.sync()
    settings_dir = os.path.dirname(settings.fileName())
    inis = set(glob.glob(os.path.join(settings_dir, "**", "*.ini"), recursive=True)) | {settings.fileName()}
    assert any(os.path.isfile(p) for p in inis)
    for path in inis:
        if os.path.isfile(path):
            with open(path, "rb") as fh:
                data = fh.read()
            found += leaks(data, f"settings {path}")
    assert settings.value(connection.KEY_BASE_URL) == sim.url  # the settings file really was written
    auth_db = QgsApplication.authManager().authenticationDatabasePath()
    assert os.path.isfile(auth_db), f"the auth database {auth_db!r} is missing: the key's storage went unchecked"
    with open(auth_db, "rb") as fh:
        data = fh.read()
    assert data, "the auth database is empty"
    found += leaks(data, "auth database (must be encrypted)")

    # on the wire: the API host (the simulator, and the echo server as the API of the echo client) may get the
    # key only as the Authorization value of its requests
    assert sim.requests and echo_recorder.requests
    found += key_appearances(KEY, api=[sim.recorder, echo_recorder])
    assert not found, "\n".join(found)
