"""Pixxel API simulator: a real HTTP server on loopback that speaks the documented Pixxel API.

Development tool only (never shipped in the plugin zip). Run it with
`PYTHONPATH=dev python -m pixxel_simulator --port 8765`, or start it from tests:

    sim = Simulator(SimConfig(seed=7, asset_count=25), host="127.0.0.1", port=0).start()
    sim.url  # "http://127.0.0.1:PORT"
"""

from .catalog import BENGALURU_AOI, FIRST_PROJECT_ID, PROJECTS, SATELLITES, TD1_ID, TD2_ID, TEST_API_KEY
from .faults import Faults
from .recording import RecordedRequest, RequestRecorder, key_appearances, key_forms
from .server import Simulator
from .state import ApiError, SimConfig, State
from .storage import StorageFaults, StorageServer

__all__ = [
    "Simulator", "SimConfig", "Faults", "TEST_API_KEY", "SATELLITES", "PROJECTS", "State", "ApiError",
    "TD1_ID", "TD2_ID", "FIRST_PROJECT_ID", "BENGALURU_AOI", "RecordedRequest", "RequestRecorder",
    "key_appearances", "key_forms", "StorageFaults", "StorageServer",
]
