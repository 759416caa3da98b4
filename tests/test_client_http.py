"""Behaviour tests of the client over real HTTP on loopback: the simulator, plus tiny ad-hoc servers for
what the simulator cannot do (redirects, header capture, hostile bodies, concurrency counting).
No mocking of requests."""

from __future__ import annotations

import json
import logging
import time

import pytest
from pixxel_qgis.client import (
    AOICreate,
    AuthError,
    CancelledError,
    ConfigurationError,
    ConflictError,
    NotFoundError,
    PixxelClient,
    PixxelConnectionError,
    PixxelTimeoutError,
    RateLimitError,
    RequestValidationError,
    ResponseFormatError,
    SatelliteRef,
    SearchQuery,
    ServerError,
)
from pixxel_simulator import BENGALURU_AOI as BLR
from pixxel_simulator import FIRST_PROJECT_ID as PROJECT
from pixxel_simulator import TD2_ID as TD2
from pixxel_simulator import Faults, key_appearances

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)

FAST = dict(timeout=2.0, retry_budget_s=5.0, backoff_base_s=0.02, backoff_max_s=0.2)


def client_for(url, key, **kw):
    return PixxelClient(key, base_url=url, **{**FAST, **kw})


def query(limit=3):
    return SearchQuery(start_date="2020-01-01T00:00:00Z", end_date="2030-01-01T00:00:00Z",
                       satellites=[SatelliteRef(collection_id="pixxel-td2-l2a", satellite_id=TD2)],
                       geometry=BLR, limit=limit)


def new_aoi(client, name):
    items = [it.id for it in client.iter_search(query(), max_items=2)]
    return AOICreate(name=name, description="test", satellite_id=TD2, project_id=PROJECT, geometry=BLR,
                     item_ids=items)


@pytest.fixture
def sim(sim_factory):
    return sim_factory(aoi_duration_s=0.0, asset_count=25)


@pytest.fixture
def client(sim, api_key):
    c = client_for(sim.url, api_key)
    yield c
    c.close()


# ----------------------------------------------------------------------------- ad-hoc loopback servers



def js(obj, status=200, **headers):
    return status, {"Content-Type": "application/json", **headers}, json.dumps(obj).encode()


def asset_pages(total_of, delay=0.0, empty_at=None):
    """Handler serving /v0/aois/A/assets; total_of(offset) gives the total reported by each page."""

    def handle(method, path, q, headers, body):
        offset, limit = int(q.get("offset", 0)), int(q.get("limit", 10))
        total = total_of(offset)
        if delay:
            time.sleep(delay)
        end = min(total, offset + limit)
        if empty_at is not None and offset >= empty_at:
            end = offset
        assets = [{"id": f"a{i}", "name": f"asset {i}"} for i in range(offset, end)]
        return js({"assets": assets, "pagination": {"total": total, "offset": offset, "limit": limit}})

    return handle


# ----------------------------------------------------------------------------- endpoints


def test_endpoints_against_simulator(client, sim):
    assert client.ping() == "pong"
    projects = client.all_projects(page_size=2)
    assert len(projects) == 3 and client.get_project(projects[0].id).id == projects[0].id
    assert client.list_projects(page_num=1, page_size=2).total == 3
    sats = client.list_satellites()
    assert TD2 in {s.id for s in sats}
    page = client.search_images(query(limit=2))
    assert len(page.items) == 2 and page.next_token
    items = list(client.iter_search(query(limit=3)))
    assert len(items) == len({i.id for i in items}) > 3
    aoi = client.create_aoi(new_aoi(client, "roundtrip"))
    assert aoi.name == "roundtrip" and aoi.satellite_id == TD2
    got = client.get_aoi(aoi.aoi_id)
    assert got.aoi_id == aoi.aoi_id and got.status.is_final
    assert client.find_aoi_by_name("roundtrip").aoi_id == aoi.aoi_id
    assert client.find_aoi_by_name("roundtrip-not") is None
    listed = client.list_aois(limit=5)
    assert listed.pagination.total == 1 and listed.aois[0].aoi_id == aoi.aoi_id
    assets = client.list_assets(aoi.aoi_id, offset=0, limit=10)
    assert len(assets.assets) == 10 and assets.pagination.total == 25
    assert all(a.created_at is not None and a.geometry for a in assets.assets)
    assert ("GET", f"/v0/aoi/{aoi.aoi_id}", 200) in sim.request_log  # singular path


def test_pagination_2500_assets_in_order(sim_factory, api_key):
    sim = sim_factory(aoi_duration_s=0.0, asset_count=2500)
    c = client_for(sim.url, api_key, concurrency=4)
    aoi = c.create_aoi(new_aoi(c, "big"))
    seen = []
    pages = list(c.iter_asset_pages(aoi.aoi_id, page_size=100, raw=True, progress=lambda d, t: seen.append((d, t))))
    assert len(pages) == 25 and all(isinstance(p, list) and isinstance(p[0], dict) for p in pages)
    ids = [a["id"] for p in pages for a in p]
    assert len(ids) == len(set(ids)) == 2500
    sequential = PixxelClient(api_key, base_url=sim.url, concurrency=1, **FAST)
    assert [a["id"] for a in sequential.all_assets_raw(aoi.aoi_id, page_size=250)] == ids
    assert seen[-1] == (2500, 2500) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert [a["id"] for a in c.all_assets_raw(aoi.aoi_id, page_size=5000)] == ids  # server caps at 1000
    parsed = c.all_assets(aoi.aoi_id, page_size=1000)
    assert [a.id for a in parsed] == ids


def test_concurrent_fetch_is_bounded_and_in_order(server):
    s = server(asset_pages(lambda off: 120, delay=0.05))
    c = client_for(s.url, "k", concurrency=3)
    pages = list(c.iter_asset_pages("A", page_size=10, raw=True))
    assert [a["id"] for p in pages for a in p] == [f"a{i}" for i in range(120)]
    assert 2 <= s.max_inflight <= 3


def test_first_round_is_fetched_concurrently(server):
    """Offsets 0, L, 2L, 3L go out together (page 1 is not fetched alone to learn the total); the
    speculative page past the total is discarded, and no page is requested twice."""
    s = server(asset_pages(lambda off: 25, delay=0.2))
    c = client_for(s.url, "k", concurrency=4)
    pages = list(c.iter_asset_pages("A", page_size=10, raw=True))
    assert [a["id"] for p in pages for a in p] == [f"a{i}" for i in range(25)]
    assert s.max_inflight == 4  # all of the first round in flight at once
    assert len(s.seen) == 4  # 3 pages + 1 speculative page past the total, nothing more


def test_pagination_stops_when_total_shrinks_grows_or_page_empty(server):
    shrink = server(asset_pages(lambda off: 100 if off == 0 else 35))
    ids = [a["id"] for p in client_for(shrink.url, "k").iter_asset_pages("A", page_size=10, raw=True) for a in p]
    assert ids == [f"a{i}" for i in range(35)]
    grow = server(asset_pages(lambda off: 30 if off < 20 else 55))
    ids = [a["id"] for p in client_for(grow.url, "k").iter_asset_pages("A", page_size=10, raw=True) for a in p]
    assert ids == [f"a{i}" for i in range(55)]
    empty = server(asset_pages(lambda off: 100, empty_at=40))
    ids = [a["id"] for p in client_for(empty.url, "k").iter_asset_pages("A", page_size=10, raw=True) for a in p]
    assert ids == [f"a{i}" for i in range(40)]
    none = server(asset_pages(lambda off: 0))
    assert list(client_for(none.url, "k").iter_asset_pages("A", raw=True)) == []


def test_cancel_between_pages(sim_factory, api_key):
    sim = sim_factory(aoi_duration_s=0.0, asset_count=300)
    c = client_for(sim.url, api_key)
    aoi = c.create_aoi(new_aoi(c, "cancel"))
    flag = {"stop": False}
    it = c.iter_asset_pages(aoi.aoi_id, page_size=50, raw=True, cancelled=lambda: flag["stop"])
    next(it)
    flag["stop"] = True
    with pytest.raises(CancelledError):
        list(it)


# ----------------------------------------------------------------------------- retries and failures


def test_retry_on_503_then_success(client, sim):
    sim.set_faults(Faults(error_burst=2, error_status=503, path_filter="^/v0/satellites$"))
    assert client.list_satellites()
    assert [s for m, p, s in sim.request_log if p == "/v0/satellites"] == [503, 503, 200]


def test_429_retry_after_is_honoured(client, sim):
    sim.set_faults(Faults(rate_limit=1, retry_after_s=0.4, path_filter="^/ping$"))
    t0 = time.monotonic()
    assert client.ping() == "pong"
    assert time.monotonic() - t0 >= 0.38


def test_429_beyond_budget_raises_rate_limit(sim, api_key):
    c = client_for(sim.url, api_key, retry_budget_s=1.0)
    sim.set_faults(Faults(rate_limit=5, retry_after_s=30, path_filter="^/ping$"))
    t0 = time.monotonic()
    with pytest.raises(RateLimitError) as info:
        c.ping()
    assert time.monotonic() - t0 < 1.0
    assert info.value.retry_after == 30 and "wait about 30 s" in str(info.value)


def test_html_502_retried_then_server_error(sim, api_key):
    c = client_for(sim.url, api_key, retry_budget_s=0.5)
    sim.set_faults(Faults(html_errors=1, path_filter="^/ping$"))
    assert c.ping() == "pong"
    sim.set_faults(Faults(html_errors=100, path_filter="^/ping$"))
    with pytest.raises(ServerError) as info:
        c.ping()
    assert info.value.status == 502 and "try again" in str(info.value)


def test_timeout_gives_clear_error(sim, api_key):
    c = client_for(sim.url, api_key, timeout=0.3, retry_budget_s=0.5)
    sim.set_faults(Faults(latency_s=1.0, path_filter="^/ping$"))
    t0 = time.monotonic()
    with pytest.raises(PixxelTimeoutError) as info:
        c.ping()
    assert time.monotonic() - t0 < 3
    assert "did not answer within 0.3 s" in str(info.value) and "network" in str(info.value)


def test_slow_body_times_out(sim, api_key):
    c = client_for(sim.url, api_key, timeout=0.3, retry_budget_s=0.2)
    sim.set_faults(Faults(slow_body_s=1.5, path_filter="^/v0/satellites$"))
    with pytest.raises(PixxelTimeoutError):
        c.list_satellites()


def test_malformed_json_is_response_format_error(client, sim):
    sim.set_faults(Faults(malformed=1, path_filter="^/v0/satellites$"))
    with pytest.raises(ResponseFormatError) as info:
        client.list_satellites()
    assert "not valid JSON" in str(info.value)


def test_connection_refused(api_key):
    c = client_for("http://127.0.0.1:9", api_key, retry_budget_s=0.2)
    with pytest.raises(PixxelConnectionError) as info:
        c.ping()
    assert "no connection" in str(info.value) and "internet connection" in str(info.value)


@pytest.mark.parametrize("status", [401, 403])
def test_wrong_key_is_auth_error(sim_factory, status):
    sim = sim_factory(auth_status=status)
    c = client_for(sim.url, "wrong-key-xyz")
    with pytest.raises(AuthError) as info:
        c.list_aois()
    assert info.value.status == status
    assert "check your api key in the pixxel panel's connection settings" in str(info.value).lower()
    assert "wrong-key-xyz" not in str(info.value)


def test_revoked_key_mid_pagination(sim_factory, api_key):
    sim = sim_factory(aoi_duration_s=0.0, asset_count=500)
    c = client_for(sim.url, api_key)
    aoi = c.create_aoi(new_aoi(c, "revoked"))
    sim.set_faults(Faults(revoke_key_after=2, path_filter="/assets$"))
    with pytest.raises(AuthError):
        list(c.iter_asset_pages(aoi.aoi_id, page_size=50, raw=True))


def test_not_found(client):
    with pytest.raises(NotFoundError) as info:
        client.get_aoi("00000000-0000-0000-0000-000000000000")
    assert info.value.status == 404 and "Check that the ID is right" in str(info.value)


def test_server_validation_error_names_field(client):
    q = query().model_copy(update={"satellites": [SatelliteRef(collection_id="nope", satellite_id=TD2)]})
    with pytest.raises(RequestValidationError) as info:
        client.search_images(q)
    assert info.value.status in (400, 422) and info.value.field == "satellites[0].collection_id"


def test_drifted_responses_parse(client, sim):
    aoi = client.create_aoi(new_aoi(client, "drift"))
    client.create_aoi(new_aoi(client, "drift-2"))
    sim.set_faults(Faults(drift=True))
    aois = client.all_aois()
    assert {a.name for a in aois} == {"drift", "drift-2"} and all(a.satellite_id for a in aois)
    assets = client.all_assets(aoi.aoi_id, page_size=10)
    assert len(assets) == 25 and any(a.geometry is None for a in assets)
    assert client.get_project(PROJECT).id == PROJECT and client.list_satellites()
    assert list(client.iter_search(query()))


# ----------------------------------------------------------------------------- duplicate-safe create


def test_create_conflict_first_attempt(client):
    client.create_aoi(new_aoi(client, "taken"))
    with pytest.raises(ConflictError) as info:
        client.create_aoi(new_aoi(client, "taken"))
    assert "'taken' already exists" in str(info.value) and "another name" in str(info.value)
    assert info.value.field == "name"


def test_create_with_lost_response_makes_exactly_one(client, sim, caplog):
    body = new_aoi(client, "lost-response")
    sim.set_faults(Faults(lose_create_response=1))
    with caplog.at_level(logging.WARNING, logger="pixxel_qgis.client"):
        aoi = client.create_aoi(body)
    assert aoi.name == "lost-response"
    assert [a["aoi_id"] for a in sim.aois() if a["name"] == "lost-response"] == [aoi.aoi_id]
    assert sim.create_count == 1
    assert any("recovered" in r.getMessage() for r in caplog.records)


def test_create_with_unreadable_2xx_body_returns_the_created_aoi(client, sim, caplog):
    body = new_aoi(client, "garbled-201")
    sim.set_faults(Faults(methods={"POST"}, path_filter="^/v0/aois$", malformed=1))
    with caplog.at_level(logging.WARNING, logger="pixxel_qgis.client"):
        aoi = client.create_aoi(body)
    assert [a["aoi_id"] for a in sim.aois() if a["name"] == "garbled-201"] == [aoi.aoi_id]
    assert sim.create_count == 1
    assert any("unreadable" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("fault", [dict(error_burst=1, error_status=503), dict(resets=1), dict(error_burst=2)])
def test_create_retried_after_failure_makes_exactly_one(client, sim, fault):
    body = new_aoi(client, "retry-me")
    sim.set_faults(Faults(methods={"POST"}, path_filter="^/v0/aois$", **fault))
    aoi = client.create_aoi(body)
    assert [a["aoi_id"] for a in sim.aois() if a["name"] == "retry-me"] == [aoi.aoi_id]
    posts = [s for m, p, s in sim.request_log if m == "POST" and p == "/v0/aois"]
    assert posts[-1] == 201 and len(posts) == 1 + fault.get("error_burst", fault.get("resets", 0))


def test_create_gives_up_after_bounded_attempts(sim, api_key):
    c = client_for(sim.url, api_key, create_attempts=2, create_lookups=1)
    body = new_aoi(c, "never")
    sim.set_faults(Faults(methods={"POST"}, path_filter="^/v0/aois$", error_burst=10))
    with pytest.raises(ServerError):
        c.create_aoi(body)
    assert len([1 for m, p, s in sim.request_log if m == "POST" and p == "/v0/aois"]) == 2
    assert sim.aois() == []


def test_create_refused_locally_sends_nothing(client, sim):
    sim.clear_log()
    with pytest.raises(RequestValidationError) as info:
        client.create_aoi({"name": "x", "satellite_id": "TD2", "project_id": PROJECT, "geometry": BLR})
    assert info.value.field == "satellite_id"
    assert sim.request_log == []


# ----------------------------------------------------------------------------- key hygiene


def test_key_not_sent_on_cross_host_redirect(server):
    other = server(lambda m, p, q, h, b: js({"satellites": []}))
    api = server(lambda m, p, q, h, b: (302, {"Location": other.url + "/v0/satellites"}, b""))
    c = client_for(api.url, "super-secret-key")
    assert c.list_satellites() == []
    assert api.seen[0][2].get("Authorization") == "super-secret-key"
    assert len(other.requests) == 1, "the redirect was not followed: the check below would prove nothing"
    found = key_appearances("super-secret-key", api=[api.recorder], others=[other.recorder])
    assert not found, "the key left the API host on a redirect:\n" + "\n".join(found)


def test_key_not_sent_to_download_host(server, tmp_path):
    storage = server(lambda m, p, q, h, b: (200, {"Content-Type": "application/zip"}, b"PK" + b"x" * 5000))
    api = server(lambda m, p, q, h, b: js({"download_id": "d1", "signed_url": storage.url + "/d1.zip?sig=abc",
                                           "status": "SUCCESS"}, 201))
    c = client_for(api.url, "super-secret-key")
    dl = c.create_download("A", ["x"])
    assert c.download_file(dl.signed_url, str(tmp_path / "d1.zip")) == 5002
    assert (tmp_path / "d1.zip").read_bytes().startswith(b"PK")
    assert api.seen[0][2].get("Authorization") == "super-secret-key"
    assert len(storage.requests) == 1
    found = key_appearances("super-secret-key", api=[api.recorder], others=[storage.recorder])
    assert not found, "the key reached the download host:\n" + "\n".join(found)
    with pytest.raises(ConfigurationError) as info:
        c.download_file("http://example.com/x.zip", str(tmp_path / "x"))
    assert "http://" in str(info.value)


def test_key_kept_on_same_origin_redirect(server):
    holder = {}

    def handle(m, p, q, h, b):
        if p == "/old":
            return 302, {"Location": holder["url"] + "/ping"}, b""
        return js("pong")

    api = server(handle)
    holder["url"] = api.url
    c = client_for(api.url, "super-secret-key")
    assert c._t.request("GET", "/old") == "pong"
    assert [s[2].get("Authorization") for s in api.seen] == ["super-secret-key", "super-secret-key"]


def test_key_absent_from_repr_errors_and_logs(sim_factory, server, caplog):
    key = "pixxel-sim-test-key"
    sim = sim_factory(aoi_duration_s=0.0)
    echo = server(lambda m, p, q, h, b: js({"error": {"code": "BAD", "message": f"bad key {h.get('Authorization')}",
                                                      "details": {"header": h.get("Authorization")}}}, 400))
    errors = []
    with caplog.at_level(logging.DEBUG):
        c = client_for(sim.url, key, timeout=0.3, retry_budget_s=0.3)
        assert key not in repr(c) and key not in repr(c.transport) and key not in repr(c.transport.session)
        c.ping()
        sim.set_faults(Faults(latency_s=0.6, path_filter="^/ping$"))
        for call, expected in ((c.ping, PixxelTimeoutError),
                               (lambda: client_for(sim.url, key + "-wrong").list_satellites(), AuthError),
                               (lambda: client_for(echo.url, key).list_satellites(), RequestValidationError)):
            with pytest.raises(expected) as info:
                call()
            errors.append(info.value)
    assert len(errors) == 3 and "<redacted>" in str(errors[2])
    for err in errors:
        assert key not in str(err) and key not in repr(err) and key not in repr(vars(err))
        assert err.__cause__ is None
    assert caplog.records
    for record in caplog.records:
        assert key not in record.getMessage()


# ----------------------------------------------------------------------------- hostile responses


def test_deeply_nested_json_is_format_error(server):
    s = server(lambda m, p, q, h, b: (200, {"Content-Type": "application/json"}, b"[" * 200_000 + b"]" * 200_000))
    with pytest.raises(ResponseFormatError) as info:
        client_for(s.url, "k").list_satellites()
    assert "nested too deeply" in str(info.value)
    deep_asset = {"assets": [{"id": "x", "geometry": json.loads("[" * 900 + "]" * 900)}],
                  "pagination": {"total": 1, "offset": 0, "limit": 10}}
    s2 = server(lambda m, p, q, h, b: js(deep_asset))
    with pytest.raises(ResponseFormatError):
        client_for(s2.url, "k").list_assets("A")


def test_huge_page_refused(server):
    big = {"assets": [{"id": str(i), "name": "x" * 100} for i in range(2000)], "pagination": {"total": 2000}}
    s = server(lambda m, p, q, h, b: js(big))
    with pytest.raises(ResponseFormatError) as info:
        client_for(s.url, "k", max_body_bytes=50_000).list_assets("A")
    assert "too large" in str(info.value) or "larger than" in str(info.value)


def test_schema_break_names_field_and_control_chars_kept(server):
    bad = server(lambda m, p, q, h, b: js({"assets": [{"id": "1"}, "oops"], "pagination": {"total": 2}}))
    with pytest.raises(ResponseFormatError) as info:
        client_for(bad.url, "k").list_assets("A")
    assert info.value.field == "assets[1]"
    bad_total = server(lambda m, p, q, h, b: js({"assets": [], "pagination": {"total": "many"}}))
    with pytest.raises(ResponseFormatError) as info:
        list(client_for(bad_total.url, "k").iter_asset_pages("A", raw=True))
    assert info.value.field == "pagination.total"
    bad_aoi = server(lambda m, p, q, h, b: js({"name": "no id"}))
    with pytest.raises(ResponseFormatError) as info:
        client_for(bad_aoi.url, "k").get_aoi("A")
    assert info.value.field == "aoi_id"
    name = "evil\x1b[2J\nname"
    ctrl = server(lambda m, p, q, h, b: js({"assets": [{"id": "1", "name": name}], "pagination": {"total": 1}}))
    assert client_for(ctrl.url, "k").list_assets("A").assets[0].name == name


def test_path_ids_are_quoted(server):
    s = server(lambda m, p, q, h, b: js({"aoi_id": "x"}))
    client_for(s.url, "k").get_aoi("../../v0/projects?x=1")
    assert s.seen[0][1] == "/v0/aoi/..%2F..%2Fv0%2Fprojects%3Fx%3D1"
