"""Shared fixtures: the Pixxel API simulator on loopback, and the test API key.

pytest-qgis provides the QGIS application (qgis_app, qgis_iface, qgis_canvas, qgis_new_project).
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


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
