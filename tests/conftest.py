"""Every shared fixture: the Pixxel API simulator on loopback, the test API key, a clean connection, the
panel (dock, make_dock, connected), the Bengaluru fields layer, a loopback GeoTIFF server.

pytest-qgis provides the QGIS application (qgis_app, qgis_iface, qgis_canvas, qgis_new_project). Nothing
here imports QGIS at module level (the pure-Python tests run without it); plain helpers are in helpers.py.

Test modules that need no QGIS declare ``pytestmark = pytest.mark.pure``; ``make test-pure`` runs only
those, and under a Python without QGIS (``make test-py39``) the other modules are not even collected (see
``pytest_ignore_collect``).
"""

import ast
import importlib.util
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

QGIS_AVAILABLE = importlib.util.find_spec("qgis") is not None

# CI (CI=true) replays the same Hypothesis examples every run, so a red CI is a regression, not a draw; a
# local run keeps exploring new examples, and what it finds becomes an @example in the test.
if os.environ.get("CI"):
    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
    _hypothesis_settings.load_profile("ci")


def declares_pure(path) -> bool:
    """True when the module has a top-level ``pytestmark`` that includes ``pytest.mark.pure``."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return False
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "pytestmark" for t in node.targets):
            return any(isinstance(n, ast.Attribute) and n.attr == "pure" for n in ast.walk(node.value))
    return False


def pytest_ignore_collect(collection_path, config):
    """Without QGIS, collect only the pure test modules (the others import QGIS at the top)."""
    if QGIS_AVAILABLE or collection_path.suffix != ".py" or not collection_path.name.startswith("test_"):
        return None
    return not declares_pure(collection_path)


@pytest.fixture
def sim_factory():
    """Start simulators with any SimConfig fields; all are stopped when the test ends."""
    from pixxel_simulator import SimConfig, Simulator

    started = []

    def make(**config):
        sim = Simulator(SimConfig(**config), host="127.0.0.1", port=0)
        sim.start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


@pytest.fixture
def simulator(sim_factory):
    """A fresh simulator with default data and no faults."""
    return sim_factory()


# pytest-qgis runs every test in one QGIS profile, so they must all unlock its auth database the same way.
TEST_MASTER_PASSWORD = "pixxel-test-master"


@pytest.fixture
def clean_connection(qgis_app):
    """The test profile's auth database unlocked, with no stored Pixxel key or base URL before and after."""
    from pixxel_qgis.core import connection
    from pixxel_qgis.core.settings import KEY_BASE_URL
    from qgis.core import QgsSettings

    assert connection.unlock_auth_db_for_headless(TEST_MASTER_PASSWORD)
    connection.clear_api_key()
    QgsSettings().remove(KEY_BASE_URL)
    yield connection
    connection.clear_api_key()
    QgsSettings().remove(KEY_BASE_URL)


@pytest.fixture
def api_key():
    from pixxel_simulator import TEST_API_KEY

    return TEST_API_KEY


# ------------------------------------------------------------------------------------------------ the panel


def _clear_output_settings():
    from pixxel_qgis.core.settings import KEY_GPKG_FOLDER, KEY_OUTPUT_MODE
    from qgis.core import QgsSettings

    for key in (KEY_OUTPUT_MODE, KEY_GPKG_FOLDER):
        QgsSettings().remove(key)


@pytest.fixture
def make_dock(qgis_iface, qgis_new_project, clean_connection):
    """New panels as QGIS would make them (each reads the saved Output choice, which starts cleared), with
    the tests' short client timeouts and poll delays; all shut down at the end."""
    from pixxel_qgis.tests.helpers import FAST_CLIENT, FAST_POLL, wait_until
    from pixxel_qgis.ui.dock import PixxelDockWidget
    from qgis.PyQt.QtTest import QTest

    _clear_output_settings()
    qgis_iface.messageBar().clear_messages()
    made = []

    def make():
        d = PixxelDockWidget(qgis_iface, qgis_iface.mainWindow())
        d.client_options = dict(FAST_CLIENT)
        d.poll_options = dict(FAST_POLL)
        made.append(d)
        return d

    yield make
    for d in made:
        d.shutdown()
        wait_until(lambda d=d: not d.tasks.tasks, 20, "tasks to stop after shutdown")
        d.deleteLater()
    QTest.qWait(10)
    qgis_iface.messageBar().clear_messages()
    _clear_output_settings()


@pytest.fixture
def dock(make_dock, tmp_path):
    """One panel whose GeoPackages go to the test's folder."""
    d = make_dock()
    d.flow.output.gpkg_folder = str(tmp_path / "gpkg")
    return d


@pytest.fixture
def connected(dock, simulator, api_key):
    """The panel with the simulator's URL and key saved."""
    from pixxel_qgis.tests.helpers import connect

    connect(dock, simulator, api_key)
    return dock


@pytest.fixture
def bengaluru(qgis_iface):
    """Two fields north of Bengaluru in a UTM 43N layer, the active layer."""
    from pixxel_qgis.tests.helpers import box_4326, utm_polygon_layer

    layer = utm_polygon_layer([box_4326(77.60, 12.97, 0.02), box_4326(77.63, 12.97, 0.015)])
    qgis_iface.setActiveLayer(layer)
    return layer


# ------------------------------------------------------------------------------------------------ rasters


@pytest.fixture
def tiff_server(tmp_path):
    """A loopback HTTP server (Range support) with one small GeoTIFF at /assets/asset.tif; yields its URL.
    ``helpers.RangeHandler.seen`` records every request's method, path and headers."""
    import threading
    from http.server import ThreadingHTTPServer

    from osgeo import gdal
    from pixxel_qgis.tests.helpers import RangeHandler

    path = str(tmp_path / "asset.tif")
    ds = gdal.GetDriverByName("GTiff").Create(path, 8, 6, 2, gdal.GDT_Byte)
    ds.SetGeoTransform([77.0, 0.01, 0, 13.0, 0, -0.01])
    ds.SetProjection(
        'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]'
    )
    ds.GetRasterBand(1).Fill(7)
    ds = None
    with open(path, "rb") as fh:
        RangeHandler.files = {"/assets/asset.tif": fh.read()}
    from pixxel_simulator.recording import RequestRecorder

    RangeHandler.seen = []
    RangeHandler.recorder = RequestRecorder()
    server = ThreadingHTTPServer(("127.0.0.1", 0), RangeHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    old = {
        k: gdal.GetConfigOption(k)
        for k in ("GDAL_HTTP_TIMEOUT", "GDAL_HTTP_MAX_RETRY", "GDAL_DISABLE_READDIR_ON_OPEN")
    }
    gdal.SetConfigOption("GDAL_HTTP_TIMEOUT", "10")
    gdal.SetConfigOption("GDAL_HTTP_MAX_RETRY", "0")
    gdal.SetConfigOption("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR")
    yield f"http://127.0.0.1:{server.server_address[1]}"
    for k, v in old.items():
        gdal.SetConfigOption(k, v)
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def server():
    """Ad-hoc loopback servers (tests/loopback_server.Server) for answers the simulator cannot give: call it
    with a handler; every server made is closed when the test ends."""
    from pixxel_qgis.tests.loopback_server import Server

    made = []

    def make(handler):
        made.append(Server(handler))
        return made[-1]

    yield make
    for s in made:
        s.close()
