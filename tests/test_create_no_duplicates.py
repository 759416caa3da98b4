"""Create under faults, 200 times (issue 9): zero duplicate AOIs and zero lost AOIs on the simulator.

Each create meets one fault on its POST, in rotation:
- lost response: the AOI is committed, then the connection is dropped without an answer;
- 5xx: the POST is refused (nothing committed) once or twice before it goes through;
- timeout: the AOI is committed, then the response body stalls past the client's read timeout;
- reset: the connection is reset before the request is processed (nothing committed);
- none: a plain create, so faulted and clean creates interleave.
Afterwards every requested name exists exactly once, nothing else exists, and every create returned the
AOI the simulator holds under that name.

It runs twice: against a simulator that refuses a second AOI of the same name (409) and against one that
accepts it (Pixxel does not document unique names). Either way no POST may ever get a 409: a 409 would
mean the client sent a create again blindly and the server, not the client, prevented the duplicate.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from pixxel_qgis.client import AOICreate, PixxelClient, SatelliteRef, SearchQuery
from pixxel_simulator import BENGALURU_AOI as BLR
from pixxel_simulator import FIRST_PROJECT_ID as PROJECT
from pixxel_simulator import TD2_ID as TD2
from pixxel_simulator import Faults

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)

N = 200
POST = dict(path_filter=r"^/v0/aois$", methods=frozenset({"POST"}))
ROTATION = [
    ("lost_response", Faults(lose_create_response=1, **POST)),
    ("5xx", Faults(error_burst=1, error_status=500, **POST)),
    ("timeout", Faults(slow_body_s=0.4, slow_bodies=1, **POST)),
    ("reset", Faults(resets=1, **POST)),
    ("5xx_twice", Faults(error_burst=2, error_status=503, **POST)),
    ("none", Faults()),
]


@pytest.mark.parametrize("unique_names", [True, False], ids=["server-unique-names", "server-allows-duplicates"])
def test_200_creates_under_rotating_faults(sim_factory, api_key, unique_names):
    sim = sim_factory(aoi_duration_s=0.0, asset_count=0, unique_names=unique_names)
    client = PixxelClient(api_key, base_url=sim.url, timeout=0.15, retry_budget_s=2.0, backoff_base_s=0.005,
                          backoff_max_s=0.02, create_attempts=4, create_lookups=3)
    q = SearchQuery(start_date="2020-01-01T00:00:00Z", end_date="2030-01-01T00:00:00Z",
                    satellites=[SatelliteRef(collection_id="pixxel-td2-l2a", satellite_id=TD2)], geometry=BLR,
                    limit=3)
    items = [it.id for it in client.iter_search(q, max_items=2)]
    assert items

    returned = {}
    faults_seen = Counter()
    started = time.monotonic()
    for i in range(N):
        kind, faults = ROTATION[i % len(ROTATION)]
        sim.set_faults(faults)
        name = f"dup-check-{i:03d}"
        body = AOICreate(name=name, description=kind, satellite_id=TD2, project_id=PROJECT, geometry=BLR,
                         item_ids=items)
        aoi = client.create_aoi(body)
        assert aoi.name == name
        returned[name] = aoi.aoi_id
        left = sim.faults_remaining()
        # the planned fault really happened (it was consumed by this create)
        assert all(left[k] in (0, None) for k in ("resets", "error_burst", "lose_create_response")), (kind, left)
        if kind == "timeout":
            assert left["slow_bodies"] == 0
        faults_seen[kind] += 1
    sim.set_faults(Faults())
    elapsed = time.monotonic() - started

    names = [a["name"] for a in sim.aois()]
    counts = Counter(names)
    duplicates = {n: c for n, c in counts.items() if c > 1}
    assert not duplicates, f"a retried create made a second AOI of the same name: {duplicates}"
    conflicts = [p for m, p, s in sim.request_log if m == "POST" and s == 409]
    assert not conflicts, (f"{len(conflicts)} POST(s) got a 409: the client sent a create again without "
                           "looking the name up first, and only the server's unique-name check stopped a duplicate")
    requested = {f"dup-check-{i:03d}" for i in range(N)}
    assert set(names) == requested, (sorted(requested - set(names))[:5], sorted(set(names) - requested)[:5])
    assert len(names) == N
    assert sim.create_count == N
    by_name = {a["name"]: a["aoi_id"] for a in sim.aois()}
    assert returned == by_name  # each create returned the AOI that exists, not a phantom
    statuses = Counter(s for m, p, s in sim.request_log if m == "POST" and p == "/v0/aois")
    assert statuses[0] >= N // len(ROTATION) * 2  # lost responses and resets really dropped connections
    assert set(faults_seen) == {k for k, _ in ROTATION}
    client.close()
    assert elapsed < 120
