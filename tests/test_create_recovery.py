"""Each way create_aoi recovers an AOI whose answer was lost, tested alone (issue 16).

The simulator runs without unique names here (Pixxel does not document that it enforces them), so a
blind retry would make a second AOI instead of being rescued by a 409. Each test fails when its recovery
path alone is removed from the client:
- lookup by name before a retried POST (the answer to the first POST was lost);
- a 409 after an unknown outcome means the first POST worked: the existing AOI is returned;
- a 2xx whose body is unreadable (or holds no AOI) means the AOI exists: it is looked up, not reported
  as an error.
"""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest
from pixxel_qgis.client import AOICreate, ConflictError, PixxelClient, ResponseFormatError, ServerError
from pixxel_qgis.tests.loopback_server import Server
from pixxel_simulator import BENGALURU_AOI as BLR
from pixxel_simulator import FIRST_PROJECT_ID as PROJECT
from pixxel_simulator import TD2_ID as TD2
from pixxel_simulator import Faults

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)

FAST = dict(timeout=0.5, retry_budget_s=2.0, backoff_base_s=0.005, backoff_max_s=0.02)
POST_AOIS = dict(path_filter=r"^/v0/aois$", methods=frozenset({"POST"}))


def body(name):
    return AOICreate(name=name, description="recovery", satellite_id=TD2, project_id=PROJECT, geometry=BLR,
                     item_ids=["item-1"])


def posts(sim):
    return [s for m, p, s in sim.request_log if m == "POST" and p == "/v0/aois"]


def test_lost_answer_is_looked_up_before_the_post_is_retried(sim_factory, api_key):
    sim = sim_factory(aoi_duration_s=0.0, asset_count=0, unique_names=False,
                      faults=Faults(lose_create_response=1, **POST_AOIS))
    with PixxelClient(api_key, base_url=sim.url, create_attempts=3, create_lookups=2, **FAST) as client:
        aoi = client.create_aoi(body("lost-answer"))
    names = Counter(a["name"] for a in sim.aois())
    assert names["lost-answer"] == 1, (
        f"{names['lost-answer']} AOIs named 'lost-answer' exist: after a lost answer the client sent the create "
        "again without first looking the name up, and a server without unique names made a duplicate")
    assert posts(sim) == [0], f"POSTs sent (status 0 = answer lost): {posts(sim)}; expected exactly one"
    assert aoi.aoi_id == sim.aois()[-1]["aoi_id"], "the AOI returned is not the one the lost POST created"


def test_lost_answer_after_a_timeout_is_looked_up_before_the_post_is_retried(sim_factory, api_key):
    sim = sim_factory(aoi_duration_s=0.0, asset_count=0, unique_names=False,
                      faults=Faults(slow_body_s=1.5, slow_bodies=1, **POST_AOIS))
    with PixxelClient(api_key, base_url=sim.url, create_attempts=3, create_lookups=2,
                      **{**FAST, "timeout": 0.3}) as client:
        aoi = client.create_aoi(body("timed-out"))
    names = Counter(a["name"] for a in sim.aois())
    assert names["timed-out"] == 1, (
        f"{names['timed-out']} AOIs named 'timed-out' exist: after a timeout the client retried the POST "
        "without first looking the name up")
    assert len(posts(sim)) == 1 and aoi.name == "timed-out"


class LaggingApi:
    """An API whose first POST commits the AOI but answers 503 (the answer is lost), whose AOI listing does
    not show a new AOI for the first `hidden` lookups (eventual consistency), and which answers 409 to a
    second POST of the same name: the 409 is the only sign that the first POST worked."""

    def __init__(self, hidden):
        self.hidden = hidden
        self.aois = []
        self.posts = []
        self.lookups = 0
        self.server = Server(self.handle)

    def handle(self, method, path, query, headers, raw):
        if method == "POST" and path == "/v0/aois":
            req = json.loads(raw)
            self.posts.append(req["name"])
            if any(a["name"] == req["name"] for a in self.aois):
                return 409, {"Content-Type": "application/json"}, json.dumps(
                    {"error": {"code": "CONFLICT", "message": "An AOI with this name already exists"}}).encode()
            self.aois.append({"aoi_id": f"aoi-{len(self.aois) + 1}", "name": req["name"], "status": "started"})
            return 503, {"Content-Type": "application/json"}, b'{"error": {"code": "UNAVAILABLE"}}'
        if method == "GET" and path == "/v0/aois":
            self.lookups += 1
            shown = [] if self.lookups <= self.hidden else [a for a in self.aois if a["name"] == query.get("aoi_name")]
            return 200, {"Content-Type": "application/json"}, json.dumps(
                {"aois": shown, "pagination": {"total": len(shown), "offset": 0, "limit": 100}}).encode()
        return 404, {}, b"{}"


def test_conflict_after_a_lost_answer_returns_the_aoi_the_first_post_created(api_key):
    api = LaggingApi(hidden=2)
    try:
        with PixxelClient(api_key, base_url=api.server.url, create_attempts=3, create_lookups=2, **FAST) as client:
            try:
                aoi = client.create_aoi(body("lagging"))
            except ConflictError as exc:
                pytest.fail("the first POST created the AOI (its answer was lost), yet the 409 of the retry was "
                            f"reported as a name conflict instead of returning that AOI: {exc}")
    finally:
        api.server.close()
    assert api.posts == ["lagging", "lagging"], api.posts  # the scenario really happened: a retry met a 409
    assert api.lookups >= 3
    assert (aoi.aoi_id, aoi.name) == ("aoi-1", "lagging")


def test_conflict_on_a_first_attempt_is_a_name_conflict(api_key):
    api = LaggingApi(hidden=0)
    api.aois.append({"aoi_id": "aoi-old", "name": "taken", "status": "success"})
    try:
        with PixxelClient(api_key, base_url=api.server.url, **FAST) as client:
            with pytest.raises(ConflictError) as info:
                client.create_aoi(body("taken"))
    finally:
        api.server.close()
    assert api.posts == ["taken"] and api.lookups == 0, "a plain 409 is not an unknown outcome: no lookup, no retry"
    assert "already exists" in str(info.value) and info.value.field == "name"


def test_unreadable_2xx_body_means_the_aoi_exists(sim_factory, api_key):
    sim = sim_factory(aoi_duration_s=0.0, asset_count=0, unique_names=False,
                      faults=Faults(malformed=1, **POST_AOIS))
    with PixxelClient(api_key, base_url=sim.url, create_lookups=2, **FAST) as client:
        try:
            aoi = client.create_aoi(body("garbled"))
        except ResponseFormatError as exc:
            pytest.fail("the server accepted the create (2xx) but its body was unreadable: the AOI exists and must "
                        f"be looked up and returned, not reported as an error: {exc}")
    assert posts(sim) == [201]
    assert [a["name"] for a in sim.aois()].count("garbled") == 1
    assert aoi.name == "garbled" and aoi.aoi_id == sim.aois()[-1]["aoi_id"]


@pytest.mark.parametrize("answer", [b'{"created": true}', b'{"aoi_id": 12, "name": ["x"]}', b"<html>OK</html>", b"[1]"],
                         ids=["no-aoi", "schema-break", "not-json", "a-list"])
def test_2xx_without_a_readable_aoi_is_looked_up(api_key, answer):
    created = []

    def handle(method, path, query, headers, raw):
        if method == "POST":
            created.append({"aoi_id": "aoi-9", "name": json.loads(raw)["name"], "status": "started"})
            return 201, {"Content-Type": "application/json"}, answer
        shown = [a for a in created if a["name"] == query.get("aoi_name")]
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"aois": shown, "pagination": {"total": len(shown), "offset": 0, "limit": 100}}).encode()

    api = Server(handle)
    try:
        with PixxelClient(api_key, base_url=api.url, **FAST) as client:
            try:
                aoi = client.create_aoi(body("odd-answer"))
            except ResponseFormatError as exc:
                pytest.fail(f"a 2xx means the AOI exists; it must be looked up by name, not reported: {exc}")
    finally:
        api.close()
    assert (aoi.aoi_id, aoi.name) == ("aoi-9", "odd-answer")
    assert [m for m, p, _ in api.seen].count("POST") == 1


def test_2xx_and_no_aoi_under_that_name_is_a_clear_error(api_key):
    api = Server(lambda m, p, q, h, raw: (201, {"Content-Type": "application/json"}, b'{"created": true}')
                 if m == "POST" else (200, {"Content-Type": "application/json"},
                                      b'{"aois": [], "pagination": {"total": 0, "offset": 0, "limit": 100}}'))
    try:
        with PixxelClient(api_key, base_url=api.url, create_lookups=2, **FAST) as client:
            with pytest.raises(ResponseFormatError) as info:
                client.create_aoi(body("vanished"))
    finally:
        api.close()
    assert "did not contain the new AOI" in str(info.value)
    assert [m for m, p, _ in api.seen].count("POST") == 1, "a 2xx create must never be sent again"


def test_no_second_post_while_no_lookup_could_answer(sim_factory, api_key):
    # Every request fails (POST and the lookups alike): whether the AOI exists stays unknown, so a new POST
    # could make a second one. The client stops and says how to check instead of posting again.
    sim = sim_factory(aoi_duration_s=0.0, asset_count=0, unique_names=False,
                      faults=Faults(error_burst=1000, error_status=503))
    with PixxelClient(api_key, base_url=sim.url, create_attempts=4, create_lookups=2, **FAST) as client:
        with pytest.raises(ServerError) as err:
            client.create_aoi(body("unknown-outcome"))
    assert len(posts(sim)) == 1, (
        f"{len(posts(sim))} POSTs sent while no lookup got an answer: a retried create could duplicate the AOI")
    assert "unknown-outcome" in str(err.value) and "Existing AOIs" in str(err.value)


class SlowCommitApi:
    """An API that is slow to create: the POST commits the AOI `commit_s` after it arrived (the client has
    timed out by then), and the listing shows only committed AOIs. No unique names."""

    def __init__(self, commit_s):
        self.commit_s = commit_s
        self.aois = []
        self.posts = 0
        self.server = Server(self.handle)

    def handle(self, method, path, query, headers, raw):
        if method == "POST" and path == "/v0/aois":
            self.posts += 1
            req = json.loads(raw)
            time.sleep(self.commit_s)
            aoi = {"aoi_id": f"aoi-{len(self.aois) + 1}", "name": req["name"], "status": "started"}
            self.aois.append(aoi)
            return 201, {"Content-Type": "application/json"}, json.dumps(aoi).encode()
        if method == "GET" and path == "/v0/aois":
            shown = [a for a in self.aois if a["name"] == query.get("aoi_name")]
            return 200, {"Content-Type": "application/json"}, json.dumps(
                {"aois": shown, "pagination": {"total": len(shown), "offset": 0, "limit": 100}}).encode()
        return 404, {}, b"{}"


def test_timed_out_create_still_in_flight_is_found_not_posted_again(api_key):
    # The first POST times out at 0.3 s and the server commits it at 0.45 s: a lookup straight after the
    # timeout would see nothing and a second POST would make a duplicate.
    api = SlowCommitApi(commit_s=0.45)
    try:
        with PixxelClient(api_key, base_url=api.server.url, create_attempts=3, create_lookups=1,
                          **{**FAST, "timeout": 0.3}) as client:
            aoi = client.create_aoi(body("slow-commit"))
    finally:
        api.server.close()
    assert api.posts == 1, f"{api.posts} POSTs: the client looked for the AOI before its timed-out create landed"
    assert [a["name"] for a in api.aois] == ["slow-commit"] and aoi.aoi_id == "aoi-1"
