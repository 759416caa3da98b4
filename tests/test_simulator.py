"""The Pixxel API simulator, tested over real HTTP with `requests` (never through the plugin's client)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from pixxel_simulator import PROJECTS, SATELLITES, TEST_API_KEY, Faults, SimConfig, Simulator
from shapely.geometry import shape

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)

TD1 = "0004ab8d-0ad1-4d62-8a3f-fe18a7000e70"
from pixxel_simulator import TD2_ID as TD2  # noqa: E402

AUTH = {"Authorization": TEST_API_KEY}
BENGALURU = {
    "type": "Polygon",
    "coordinates": [[[77.5, 12.9], [77.7, 12.9], [77.7, 13.05], [77.5, 13.05], [77.5, 12.9]]],
}
ALL_TIME = {"start_date": "2022-01-01T00:00:00Z", "end_date": "2026-12-31T23:59:59Z"}
ASSET_FIELDS = {
    "aoi_id", "area_in_sq_m", "asset_type", "band_list", "centroid", "created_at", "date", "description",
    "geometry", "id", "name", "path", "progress", "resolution", "status", "updated_at", "visualization_id",
}  # fmt: skip
AOI_FIELDS = {
    "aoi_id", "name", "description", "satellite_id", "project_id", "images", "eo_bands", "geometry", "progress",
    "status", "is_favourite", "created_at", "updated_at", "user_id", "area_in_sq_m", "centroid",
}  # fmt: skip


def aoi_body(name="AOI-test", **over):
    body = {
        "name": name,
        "description": "test AOI",
        "satellite_id": TD2,
        "provider": "pixxel",
        "project_id": PROJECTS[0]["id"],
        "geometry": BENGALURU,
        "item_ids": ["TD2_000650_20230404_L2A_20240405_01001067"],
    }
    body.update(over)
    return body


def get(sim, path, **kw):
    return requests.get(sim.url + path, headers=kw.pop("headers", AUTH), timeout=kw.pop("timeout", 5), **kw)


def post(sim, path, json=None, **kw):
    return requests.post(sim.url + path, json=json, headers=kw.pop("headers", AUTH), timeout=kw.pop("timeout", 5),
                         **kw)  # fmt: skip


def create(sim, name="AOI-test", **over):
    r = post(sim, "/v0/aois", aoi_body(name, **over))
    assert r.status_code == 201, r.text
    return r.json()


def assert_error(r, status, field=None):
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    err = r.json()["error"]
    assert set(err) == {"code", "message", "details"} and err["code"] and err["message"]
    if field is not None:
        fields = [d.get("field") for d in err["details"]]
        assert any(f == field or f.startswith(field + ".") for f in fields), (field, err)
    return err


class FakeClock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


@pytest.fixture
def manual_sim():
    """Simulators built here (with an injected clock) are stopped at the end of the test."""
    started = []

    def make(clock=None, **config):
        sim = Simulator(SimConfig(**config), host="127.0.0.1", port=0, clock=clock).start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


# ------------------------------------------------------------------------------------- HTTP and auth


def test_ping_needs_no_key_and_speaks_http11_json(simulator):
    r = requests.get(simulator.url + "/ping", timeout=5)
    assert r.status_code == 200 and r.json() == "pong"
    assert r.raw.version == 11
    assert r.headers["Content-Type"].startswith("application/json")
    assert int(r.headers["Content-Length"]) == len(r.content)


def test_keep_alive_session_serves_many_requests(simulator):
    with requests.Session() as s:
        for _ in range(20):
            assert s.get(simulator.url + "/v0/satellites", headers=AUTH, timeout=5).status_code == 200
    assert len(simulator.request_log) == 20


@pytest.mark.parametrize("headers", [{}, {"Authorization": "wrong"}, {"Authorization": ""}])
def test_missing_or_wrong_key_is_401_with_error_body(simulator, headers):
    assert_error(get(simulator, "/v0/projects", headers=headers), 401)
    assert_error(post(simulator, "/v0/aois", aoi_body(), headers=headers), 401)
    assert simulator.aois() == [] and simulator.create_count == 0


def test_auth_status_403_and_bearer_and_several_keys(sim_factory):
    sim = sim_factory(auth_status=403, api_keys=("k1", "k2"))
    assert_error(get(sim, "/v0/satellites", headers={"Authorization": TEST_API_KEY}), 403)
    assert get(sim, "/v0/satellites", headers={"Authorization": "k2"}).status_code == 200
    assert get(sim, "/v0/satellites", headers={"Authorization": "Bearer k1"}).status_code == 200


def test_unknown_route_404_and_wrong_method_405(simulator):
    assert_error(get(simulator, "/v0/nothing"), 404)
    assert_error(get(simulator, "/v0/aois/some-id"), 404)  # Get AOI is singular: /v0/aoi/{id}
    r = requests.delete(simulator.url + "/v0/aois", headers=AUTH, timeout=5)
    assert_error(r, 405)
    assert "POST" in r.headers["Allow"]


# ----------------------------------------------------------------------------------- reference data


def test_projects_paging_and_get(simulator):
    r = get(simulator, "/v0/projects", params={"page_num": 1, "page_size": 2})
    body = r.json()
    assert r.status_code == 200 and body["count"] == len(PROJECTS) >= 2
    assert len(body["projects"]) == 2
    assert body["pagination"] == {"limit": 2, "offset": 0, "total": len(PROJECTS)}
    page2 = get(simulator, "/v0/projects", params={"page_num": 2, "page_size": 2}).json()
    ids = [p["id"] for p in body["projects"] + page2["projects"]]
    assert ids == [p["id"] for p in PROJECTS]
    for p in body["projects"]:
        assert {"id", "name", "title", "org_id", "created_at", "updated_at"} <= set(p)
    one = get(simulator, f"/v0/projects/{PROJECTS[1]['id']}").json()
    assert one["project"]["id"] == PROJECTS[1]["id"]
    assert_error(get(simulator, "/v0/projects/nope"), 404)
    assert_error(get(simulator, "/v0/projects", params={"page_num": "x"}), 400, "page_num")


def test_satellites_have_documented_ids_and_shape(simulator):
    sats = get(simulator, "/v0/satellites").json()["satellites"]
    by_name = {s["name"]: s for s in sats}
    assert by_name["Pixxel-TD1"]["id"] == TD1 and by_name["Pixxel-TD2"]["id"] == TD2
    for s in sats:
        assert {"id", "name", "collections", "bands", "rgb_composite"} <= set(s)
        for c in s["collections"]:
            assert {"id", "name", "provider", "queryables", "rescale"} <= set(c)
        assert set(s["rgb_composite"]) == {"red", "green", "blue"}
        names = {b["name"] for b in s["bands"]}
        assert set(s["rgb_composite"].values()) <= names
    assert len(sats) == len(SATELLITES)


# ------------------------------------------------------------------------------------------- search


def search(sim, geometry=BENGALURU, sats=((TD2, "pixxel-td2-l2a"),), **extra):
    body = dict(ALL_TIME, satellites=[{"satellite_id": s, "collection_id": c} for s, c in sats], geometry=geometry)
    body.update(extra)
    return post(sim, "/v0/search", body)


def test_search_returns_items_that_intersect_with_cursor_paging(simulator):
    sats = ((TD1, "pixxel-td1-l2a"), (TD2, "pixxel-td2-l2a"), (SATELLITES[2]["id"], "sentinel-2-l2a"))
    first = search(simulator, sats=sats, limit=4)
    assert first.status_code == 200, first.text
    body = first.json()
    total = body["pagination"]["total"]
    assert total > 4 and body["pagination"] == {"limit": 4, "skip": 0, "total": total}
    assert isinstance(body["items"], dict) and len(body["items"]) == 4
    seen = dict(body["items"])
    token = body["next_token"]
    while token:
        nxt = search(simulator, sats=sats, limit=4, next_token=token).json()
        assert not set(nxt["items"]) & set(seen)
        seen.update(nxt["items"])
        token = nxt.get("next_token")
    assert len(seen) == total
    aoi = shape(BENGALURU)
    for item_id, item in seen.items():
        assert item["id"] == item_id and item["type"] == "Feature"
        assert shape(item["geometry"]).intersects(aoi)
        assert {"datetime", "eo:cloud_cover", "gsd", "platform"} <= set(item["properties"])
        assert item["assets"] and item["links"] and len(item["bbox"]) == 4
    td = [i for i in seen if i.startswith(("TD1_", "TD2_"))]
    assert td and all(len(i.split("_")) == 6 for i in td)


def test_search_elsewhere_and_filters(simulator):
    ocean = {"type": "Polygon", "coordinates": [[[-30, -30], [-29, -30], [-29, -29], [-30, -29], [-30, -30]]]}
    assert search(simulator, geometry=ocean).json()["items"] == {}
    assert "next_token" not in search(simulator, geometry=ocean).json()
    amsterdam = {"type": "Polygon", "coordinates": [[[3.9, 51.6], [5.3, 51.6], [5.3, 52.5], [3.9, 52.5], [3.9, 51.6]]]}
    nl = search(simulator, geometry=amsterdam, limit=100).json()["items"]
    assert nl and all("Netherlands" in i["properties"]["region"] for i in nl.values())
    low = search(simulator, limit=100, filters=[{"id": "eo:cloud_cover", "min": 0, "max": 20}]).json()["items"]
    assert all(i["properties"]["eo:cloud_cover"] <= 20 for i in low.values())
    narrow = search(simulator, limit=100, start_date="2024-01-01T00:00:00Z", end_date="2024-06-30T00:00:00Z")
    for item in narrow.json()["items"].values():
        assert "2024-01-01" <= item["properties"]["datetime"][:10] <= "2024-06-30"
    everywhere = search(simulator, geometry=None, limit=10000).json()
    assert everywhere["pagination"]["total"] > 20


def test_search_validation(simulator):
    assert_error(post(simulator, "/v0/search", {"satellites": []}), 400, "start_date")
    assert_error(search(simulator, sats=(("nope", "pixxel-td2-l2a"),)), 400, "satellites[0].satellite_id")
    assert_error(search(simulator, sats=((TD2, "sentinel-2-l2a"),)), 400, "satellites[0].collection_id")
    assert_error(search(simulator, geometry={"type": "Point", "coordinates": [1, 2]}), 400, "geometry")
    assert_error(search(simulator, next_token="garbage"), 400, "next_token")
    assert_error(search(simulator, limit=0), 400, "limit")


# --------------------------------------------------------------------------------------------- AOIs


def test_create_aoi_201_started(simulator):
    aoi = create(simulator)
    assert set(aoi) >= AOI_FIELDS
    assert aoi["status"] == "started" and aoi["progress"] == 0 and aoi["is_favourite"] is False
    assert aoi["geometry"] == BENGALURU and aoi["images"] == {} and aoi["eo_bands"]
    assert "T" in aoi["created_at"] and aoi["created_at"].endswith("+00:00")
    assert 3.0e8 < aoi["area_in_sq_m"] < 4.0e8  # ~21.7 km x 16.6 km
    assert aoi["centroid"] == pytest.approx([77.6, 12.975])
    got = get(simulator, f"/v0/aoi/{aoi['aoi_id']}").json()
    assert got["aoi_id"] == aoi["aoi_id"] and got["name"] == "AOI-test"
    assert simulator.create_count == 1 and [a["aoi_id"] for a in simulator.aois()] == [aoi["aoi_id"]]
    assert ("POST", "/v0/aois", 201) in simulator.request_log


def test_duplicate_name_is_409(simulator):
    first = create(simulator, "Same")
    err = assert_error(post(simulator, "/v0/aois", aoi_body("Same")), 409)
    assert err["details"][0]["field"] == "name" and err["details"][0]["aoi_id"] == first["aoi_id"]
    assert simulator.create_count == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": None}, "name"),
        ({"name": "   "}, "name"),
        ({"item_ids": None}, "item_ids"),
        ({"provider": "esa"}, "provider"),
        ({"satellite_id": "not-a-satellite"}, "satellite_id"),
        ({"project_id": "00000000-0000-0000-0000-000000000000"}, "project_id"),
        ({"geometry": {"type": "Point", "coordinates": [77.5, 12.9]}}, "geometry"),
        ({"geometry": {"type": "MultiPolygon", "coordinates": [BENGALURU["coordinates"]]}}, "geometry"),
        ({"geometry": {"type": "Polygon", "coordinates": [[[77.5, 12.9], [77.7, 12.9], [77.7, 13.0], [77.5, 13.0]]]}},
         "geometry"),
        ({"geometry": {"type": "Polygon",
                       "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}}, "geometry"),  # bow-tie
        ({"geometry": {"type": "Polygon", "coordinates": [[[200, 0], [201, 0], [201, 1], [200, 0]]]}}, "geometry"),
    ],
)  # fmt: skip
def test_create_validation_names_the_field(simulator, change, field):
    body = aoi_body()
    for k, v in change.items():
        if v is None:
            body.pop(k)
        else:
            body[k] = v
    assert_error(post(simulator, "/v0/aois", body), 400, field)
    assert simulator.aois() == []


def test_create_reports_every_missing_field_and_bad_json(sim_factory):
    sim = sim_factory(validation_status=422)
    err = assert_error(post(sim, "/v0/aois", {}), 422)
    assert {d["field"] for d in err["details"]} == {
        "name", "description", "satellite_id", "provider", "project_id", "geometry", "item_ids",
    }  # fmt: skip
    r = requests.post(sim.url + "/v0/aois", data=b"{not json", headers=dict(AUTH, **{"Content-Type": JSON_CT}),
                      timeout=5)  # fmt: skip
    assert_error(r, 422, "body")


JSON_CT = "application/json"


def test_unknown_aoi_is_404(simulator):
    assert_error(get(simulator, "/v0/aoi/e9767554-550e-4464-a677-b8cf096073ab"), 404)
    assert_error(get(simulator, "/v0/aois/e9767554-550e-4464-a677-b8cf096073ab/assets"), 404)


def test_list_aois_paging_and_filters(sim_factory):
    sim = sim_factory(aoi_duration_s=0)
    for i in range(5):
        create(sim, f"A{i}", project_id=PROJECTS[i % 2]["id"])
    r = get(sim, "/v0/aois", params={"offset": 1, "limit": 2}).json()
    assert [a["name"] for a in r["aois"]] == ["A1", "A2"]
    assert r["pagination"] == {"total": 5, "offset": 1, "limit": 2}
    assert get(sim, "/v0/aois").json()["pagination"] == {"total": 5, "offset": 0, "limit": 10}
    named = get(sim, "/v0/aois", params={"aoi_name": "A3"}).json()
    assert [a["name"] for a in named["aois"]] == ["A3"] and named["pagination"]["total"] == 1
    assert get(sim, "/v0/aois", params={"aoi_name": "A"}).json()["aois"] == []  # exact match only
    p1 = get(sim, "/v0/aois", params={"project_ids": PROJECTS[1]["id"]}).json()["aois"]
    assert [a["name"] for a in p1] == ["A1", "A3"]
    assert_error(get(sim, "/v0/aois", params={"limit": -1}), 400, "limit")


def test_seeded_demo_aois(sim_factory):
    sim = sim_factory(seed_aois=2, asset_count=7)
    aois = get(sim, "/v0/aois").json()["aois"]
    assert len(aois) == 2 and all(a["status"] == "success" for a in aois)
    assets = get(sim, f"/v0/aois/{aois[0]['aoi_id']}/assets").json()
    assert assets["pagination"]["total"] == 7


# ------------------------------------------------------------------------------------------ lifecycle


def test_lifecycle_started_running_success_with_injected_clock(manual_sim):
    clock = FakeClock()
    sim = manual_sim(clock=clock, aoi_duration_s=10, asset_count=30)
    aoi = create(sim)
    path = f"/v0/aoi/{aoi['aoi_id']}"
    assets_path = f"/v0/aois/{aoi['aoi_id']}/assets"
    assert get(sim, path).json()["status"] == "started"
    assert get(sim, assets_path).json()["pagination"]["total"] == 0
    seen = []
    for t in (3, 5, 8, 9.9):
        clock.t = 1000 + t
        a = get(sim, path).json()
        assert a["status"] == "running"
        seen.append(a["progress"])
    assert seen == sorted(seen) and 0 < seen[0] < seen[-1] < 100
    assert get(sim, assets_path).json()["assets"] == []
    clock.t = 1010
    done = get(sim, path).json()
    assert done["status"] == "success" and done["progress"] == 100
    assert done["updated_at"] > done["created_at"]
    assert get(sim, assets_path).json()["pagination"]["total"] == 30


def test_lifecycle_real_time_and_zero_duration(sim_factory):
    sim = sim_factory(aoi_duration_s=0.3)
    aoi = create(sim)
    time.sleep(0.35)
    assert get(sim, f"/v0/aoi/{aoi['aoi_id']}").json()["status"] == "success"
    instant = sim_factory(aoi_duration_s=0)
    a = create(instant)
    assert a["status"] == "started"  # the create answer always starts
    assert get(instant, f"/v0/aoi/{a['aoi_id']}").json()["status"] == "success"


def test_failed_and_partial_success_outcomes(sim_factory):
    failed = sim_factory(aoi_duration_s=0, outcome="failed", asset_count=10)
    a = create(failed)
    got = get(failed, f"/v0/aoi/{a['aoi_id']}").json()
    assert got["status"] == "failed" and got["progress"] < 100
    assert get(failed, f"/v0/aois/{a['aoi_id']}/assets").json()["pagination"]["total"] == 0
    partial = sim_factory(aoi_duration_s=0, outcome="partial_success", asset_count=50)
    b = create(partial)
    assert get(partial, f"/v0/aoi/{b['aoi_id']}").json()["status"] == "partial_success"
    page = get(partial, f"/v0/aois/{b['aoi_id']}/assets", params={"limit": 100}).json()
    assert 0 < page["pagination"]["total"] < 50 and len(page["assets"]) == page["pagination"]["total"]
    statuses = {x["status"] for x in page["assets"]}
    assert "success" in statuses and statuses & {"failed", "creating"}
    partial.update_config(outcome="success")
    c = create(partial, "after")
    assert get(partial, f"/v0/aoi/{c['aoi_id']}").json()["status"] == "success"


# --------------------------------------------------------------------------------------------- assets


def test_assets_have_every_field_and_page(sim_factory):
    sim = sim_factory(aoi_duration_s=0, asset_count=23)
    aoi = create(sim)
    path = f"/v0/aois/{aoi['aoi_id']}/assets"
    pages, offset = [], 0
    while True:
        body = get(sim, path, params={"offset": offset, "limit": 10}).json()
        assert body["pagination"] == {"total": 23, "offset": offset, "limit": 10}
        if not body["assets"]:
            break
        pages.append(body["assets"])
        offset += 10
    assets = [a for p in pages for a in p]
    assert [len(p) for p in pages] == [10, 10, 3] and len({a["id"] for a in assets}) == 23
    poly = shape(BENGALURU)
    for a in assets:
        assert set(a) == ASSET_FIELDS
        assert a["aoi_id"] == aoi["aoi_id"] and a["status"] == "success" and a["progress"] == 100
        assert a["asset_type"] in {"mosaic", "stac_item", "visualization"}
        assert a["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        assert shape(a["geometry"]).is_valid and shape(a["geometry"]).intersects(poly)
        assert a["path"].startswith("https://") and a["band_list"] and a["area_in_sq_m"] > 0
        assert " " in a["created_at"] and "T" not in a["created_at"] and len(a["date"]) == 10
        assert a["date"] == "2023-04-04"  # from the item id's acquisition date
    assert {a["geometry"]["type"] for a in assets} == {"Polygon", "MultiPolygon"}
    assert {a["asset_type"] for a in assets} == {"mosaic", "stac_item", "visualization"}
    assert any(a["path"].endswith(".tif") for a in assets)


def test_hundred_thousand_assets_are_lazy_and_deterministic(sim_factory):
    sims = [sim_factory(aoi_duration_s=0, asset_count=100_000, seed=11) for _ in range(2)]
    t0 = time.monotonic()
    aois = [create(s, "big") for s in sims]
    assert aois[0]["aoi_id"] == aois[1]["aoi_id"]
    pages = [get(s, f"/v0/aois/{a['aoi_id']}/assets", params={"offset": 99_900, "limit": 500}).json()
             for s, a in zip(sims, aois)]  # fmt: skip
    assert time.monotonic() - t0 < 3
    def untimed(page):  # timestamps follow the wall clock; everything else follows the seed
        return [{k: v for k, v in a.items() if k not in ("created_at", "updated_at")} for a in page["assets"]]

    assert untimed(pages[0]) == untimed(pages[1])
    assert pages[0]["pagination"] == {"total": 100_000, "offset": 99_900, "limit": 500}
    assert len(pages[0]["assets"]) == 100
    other = sim_factory(aoi_duration_s=0, asset_count=10, seed=12)
    assert create(other, "big")["aoi_id"] != aois[0]["aoi_id"]


def test_start_time_makes_timestamps_reproducible(manual_sim):
    runs = []
    for _ in range(2):
        clock = FakeClock()
        sim = manual_sim(clock=clock, aoi_duration_s=2, asset_count=5, start_time="2025-03-01T10:00:00Z")
        aoi = create(sim)
        clock.t += 2
        runs.append((aoi, get(sim, f"/v0/aoi/{aoi['aoi_id']}").json(),
                     get(sim, f"/v0/aois/{aoi['aoi_id']}/assets").json()))  # fmt: skip
    assert runs[0] == runs[1]
    assert runs[0][0]["created_at"] == "2025-03-01T10:00:00.000000+00:00"
    assert runs[0][1]["updated_at"] == "2025-03-01T10:00:02.000000+00:00"


def test_limit_is_clamped_to_max_page_size(sim_factory):
    sim = sim_factory(aoi_duration_s=0, asset_count=50, max_page_size=20)
    aoi = create(sim)
    body = get(sim, f"/v0/aois/{aoi['aoi_id']}/assets", params={"limit": 1000}).json()
    assert body["pagination"]["limit"] == 20 and len(body["assets"]) == 20


def test_downloads(sim_factory):
    sim = sim_factory(aoi_duration_s=0, asset_count=3)
    aoi = create(sim)
    ids = [a["id"] for a in get(sim, f"/v0/aois/{aoi['aoi_id']}/assets").json()["assets"]]
    r = post(sim, f"/v0/aois/{aoi['aoi_id']}/downloads", {"asset_ids": ids})
    assert r.status_code == 201 and r.json()["status"] == "SUCCESS"
    d = r.json()
    again = get(sim, f"/v0/aois/{aoi['aoi_id']}/downloads/{d['download_id']}").json()
    assert again["download_id"] == d["download_id"] and again["status"] == "SUCCESS"
    assert again["signed_url"].startswith(sim.storage.url + "/d/" + d["download_id"] + "/")
    assert_error(post(sim, f"/v0/aois/{aoi['aoi_id']}/downloads", {}), 400, "asset_ids")


# --------------------------------------------------------------------------------------------- faults


def test_latency(sim_factory):
    sim = sim_factory(faults=Faults(latency_s=0.2))
    t0 = time.monotonic()
    assert get(sim, "/v0/satellites").status_code == 200
    assert time.monotonic() - t0 >= 0.2


def test_error_burst_then_recovery(simulator):
    simulator.set_faults(Faults(error_burst=2, error_status=503))
    assert_error(get(simulator, "/v0/satellites"), 503)
    assert_error(get(simulator, "/v0/satellites"), 503)
    assert get(simulator, "/v0/satellites").status_code == 200


def test_html_errors(simulator):
    simulator.set_faults(Faults(html_errors=1))
    r = get(simulator, "/v0/projects")
    assert r.status_code == 502 and r.headers["Content-Type"].startswith("text/html")
    with pytest.raises(ValueError):
        r.json()
    assert get(simulator, "/v0/projects").status_code == 200


def test_rate_limit_with_retry_after(simulator):
    simulator.set_faults(Faults(rate_limit=1, retry_after_s=2))
    r = get(simulator, "/v0/aois")
    assert_error(r, 429)
    assert r.headers["Retry-After"] == "2"
    assert get(simulator, "/v0/aois").status_code == 200


def test_connection_reset(simulator):
    simulator.set_faults(Faults(resets=1))
    with pytest.raises(requests.ConnectionError):
        get(simulator, "/v0/satellites")
    assert get(simulator, "/v0/satellites").status_code == 200
    assert simulator.request_log[0] == ("GET", "/v0/satellites", 0)


def test_slow_body_times_out_the_client(simulator):
    simulator.set_faults(Faults(slow_body_s=1.0, slow_bodies=1))
    t0 = time.monotonic()
    with pytest.raises((requests.Timeout, requests.ConnectionError)):
        get(simulator, "/v0/satellites", timeout=0.3)
    assert time.monotonic() - t0 < 0.9
    assert get(simulator, "/v0/satellites", timeout=2).status_code == 200


def test_malformed_json(simulator):
    simulator.set_faults(Faults(malformed=1))
    r = get(simulator, "/v0/satellites")
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()
    assert get(simulator, "/v0/satellites").json()["satellites"]


def test_schema_drift(sim_factory):
    sim = sim_factory(aoi_duration_s=0, asset_count=30, faults=Faults(drift=True))
    aoi = create(sim)
    assets = get(sim, f"/v0/aois/{aoi['aoi_id']}/assets", params={"limit": 30}).json()["assets"]
    assert all("x_processing_node" in a for a in assets)
    assert any(a["geometry"] is None for a in assets)
    assert any("description" not in a for a in assets)
    aois = get(sim, "/v0/aois").json()["aois"]
    assert "is_favourite" not in aois[0] and "x_internal_region" in aois[0]
    single = get(sim, f"/v0/aoi/{aoi['aoi_id']}").json()
    assert "lens_satellite_id" in single and " " in single["created_at"]
    items = search(sim, limit=4).json()["items"]
    assert all(isinstance(i["bbox"][0], str) and "x_provider_score" in i for i in items.values())
    assert "project" not in get(sim, f"/v0/projects/{PROJECTS[0]['id']}").json()  # the docs page's flat form
    sim.set_faults(Faults())
    assert set(get(sim, f"/v0/aoi/{aoi['aoi_id']}").json()) == AOI_FIELDS


def test_lost_create_response_is_committed_once(simulator):
    simulator.set_faults(Faults(lose_create_response=1))
    with pytest.raises(requests.ConnectionError):
        post(simulator, "/v0/aois", aoi_body("Lost"))
    assert simulator.create_count == 1
    found = get(simulator, "/v0/aois", params={"aoi_name": "Lost"}).json()
    assert found["pagination"]["total"] == 1
    assert_error(post(simulator, "/v0/aois", aoi_body("Lost")), 409)  # a blind retry cannot duplicate
    assert len(simulator.aois()) == 1
    assert ("POST", "/v0/aois", 0) in simulator.request_log


def test_revoke_key_after(simulator):
    simulator.set_faults(Faults(revoke_key_after=2))
    assert get(simulator, "/v0/satellites").status_code == 200
    assert get(simulator, "/v0/projects").status_code == 200
    assert_error(get(simulator, "/v0/satellites"), 401)
    assert requests.get(simulator.url + "/ping", timeout=5).status_code == 200


def test_path_filter_and_methods(simulator):
    simulator.set_faults(Faults(error_burst=5, path_filter=r"/assets$"))
    assert get(simulator, "/v0/satellites").status_code == 200
    simulator.set_faults(Faults(error_burst=1, methods={"POST"}))
    assert get(simulator, "/v0/aois").status_code == 200
    assert_error(post(simulator, "/v0/aois", aoi_body()), 500)
    assert simulator.aois() == []
    assert simulator.faults_remaining()["error_burst"] == 0


# ------------------------------------------------------------------------------ concurrency, determinism


def test_concurrent_creates_and_reads(sim_factory):
    sim = sim_factory(aoi_duration_s=0, asset_count=40)
    results, errors = [], []

    def worker(n):
        try:
            with requests.Session() as s:
                for i in range(5):
                    r = s.post(sim.url + "/v0/aois", json=aoi_body(f"w{n}-{i}"), headers=AUTH, timeout=10)
                    results.append(r.status_code)
                    r2 = s.post(sim.url + "/v0/aois", json=aoi_body("contested"), headers=AUTH, timeout=10)
                    results.append(r2.status_code)
                    s.get(sim.url + f"/v0/aois/{r.json()['aoi_id']}/assets", headers=AUTH, timeout=10)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert results.count(201) == 31 and results.count(409) == 29
    aois = sim.aois()
    assert len(aois) == 31 == sim.create_count and len({a["aoi_id"] for a in aois}) == 31


def test_same_seed_same_data(sim_factory):
    a, b = sim_factory(seed=3), sim_factory(seed=3)
    c = sim_factory(seed=4)
    ra, rb, rc = (search(s, geometry=None, limit=50).json() for s in (a, b, c))
    assert ra == rb and ra != rc


# ------------------------------------------------------------------------------------------------ CLI


def test_cli_starts_and_serves():
    dev = Path(__file__).resolve().parents[1] / "dev"
    env = dict(os.environ, PYTHONPATH=str(dev) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen(
        [sys.executable, "-m", "pixxel_simulator", "--port", "0", "--api-key", "demo-key", "--assets", "5",
         "--seed-aois", "1", "--rate-limit", "1", "--retry-after", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("Pixxel simulator listening on http://127.0.0.1:"), line
        url = line.rsplit(" ", 1)[1]
        r = requests.get(url + "/v0/aois", headers={"Authorization": "demo-key"}, timeout=5)
        assert r.status_code == 429 and r.headers["Retry-After"] == "0"
        aois = requests.get(url + "/v0/aois", headers={"Authorization": "demo-key"}, timeout=5).json()["aois"]
        assert len(aois) == 1
        assert requests.get(url + "/v0/aois", headers=AUTH, timeout=5).status_code == 401
    finally:
        proc.terminate()
        proc.wait(10)
