"""Shared fixtures: the Pixxel API simulator on loopback, and the test API key.

pytest-qgis provides the QGIS application (qgis_app, qgis_iface, qgis_canvas, qgis_new_project).

This file imports without QGIS. Test modules that need no QGIS declare ``pytestmark = pytest.mark.pure``;
``make test-pure`` runs only those, and under a Python without QGIS (``make test-py39``) the other modules
are not even collected (see ``pytest_ignore_collect``).
"""

import ast
import importlib.util
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

QGIS_AVAILABLE = importlib.util.find_spec("qgis") is not None


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
    from qgis.core import QgsSettings

    assert connection.unlock_auth_db_for_headless(TEST_MASTER_PASSWORD)
    connection.clear_api_key()
    QgsSettings().remove(connection.KEY_BASE_URL)
    yield connection
    connection.clear_api_key()
    QgsSettings().remove(connection.KEY_BASE_URL)


@pytest.fixture
def api_key():
    from pixxel_simulator import TEST_API_KEY

    return TEST_API_KEY
