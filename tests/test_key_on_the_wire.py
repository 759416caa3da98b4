"""The API key on the wire (issue 16): checked in every request's full headers, URL and body, not by header name.

Every server here records each request whole (pixxel_simulator.recording). The key may appear only as
the value of the `Authorization` header of requests to the configured API host; anywhere else (another
header, a URL, a body, any request to a storage, download or redirect host) it is a leak. A client that
added the key in, say, an `X-Api-Key` header would fail here even though `Authorization` looks right.
"""

from __future__ import annotations

import json

import pytest
from pixxel_qgis.client import AOICreate, PixxelClient, SatelliteRef, SearchQuery
from pixxel_qgis.tests.loopback_server import Server
from pixxel_simulator import BENGALURU_AOI as BLR
from pixxel_simulator import FIRST_PROJECT_ID as PROJECT
from pixxel_simulator import TD2_ID as TD2
from pixxel_simulator import Faults, key_appearances, key_forms

KEY = "pxk-WIRECANARY-5e0c2a9b7d13"
FAST = dict(timeout=2.0, retry_budget_s=3.0, backoff_base_s=0.01, backoff_max_s=0.05)


def no_leak(api, others, what):
    found = key_appearances(KEY, api=api, others=others)
    assert not found, f"the API key was sent where it must not go ({what}):\n" + "\n".join(found)


@pytest.fixture
def storage():
    s = Server(lambda m, p, q, h, b: (200, {"Content-Type": "application/octet-stream"}, b"II*\x00" + b"0" * 64))
    yield s
    s.close()


def test_every_endpoint_sends_the_key_only_as_authorization_to_the_api(sim_factory, storage, tmp_path):
    sim = sim_factory(api_keys=(KEY,), aoi_duration_s=0.0, asset_count=30, unique_names=False)
    with PixxelClient(KEY, base_url=sim.url, **FAST) as c:
        assert c.ping() == "pong"
        c.all_projects()
        c.get_project(PROJECT)
        c.list_satellites()
        q = SearchQuery(start_date="2020-01-01T00:00:00Z", end_date="2030-01-01T00:00:00Z",
                        satellites=[SatelliteRef(collection_id="pixxel-td2-l2a", satellite_id=TD2)], geometry=BLR,
                        limit=2)
        items = [it.id for it in c.iter_search(q, max_items=3)]
        sim.set_faults(Faults(lose_create_response=1, path_filter=r"^/v0/aois$"))  # retries and lookups too
        aoi = c.create_aoi(AOICreate(name="wire", description="d", satellite_id=TD2, project_id=PROJECT,
                                     geometry=BLR, item_ids=items))
        sim.set_faults(Faults(error_burst=1, error_status=503, path_filter=r"^/v0/aoi/"))
        c.wait_for_aoi(aoi.aoi_id, poll_s=0.01, max_wait_s=5)
        sim.set_faults(Faults())
        assets = c.all_assets_raw(aoi.aoi_id, page_size=10)
        assert len(assets) == 30
        dl = c.create_download(aoi.aoi_id, [assets[0]["id"]])  # the simulator checks the ids are the AOI's
        c.get_download(aoi.aoi_id, dl.download_id)
        # the simulator's signed URL names a storage host that does not exist: fetch the same path from ours
        signed = storage.url + "/" + dl.signed_url.split("://", 1)[1].split("/", 1)[1]
        assert c.download_file(signed, str(tmp_path / "dl.zip")) > 0
    methods = {(r.method, r.path.split("/")[2] if r.path.count("/") > 1 else r.path) for r in sim.requests}
    assert len(sim.requests) >= 12 and ("POST", "aois") in methods and ("GET", "aoi") in methods, methods
    authorised = [r for r in sim.requests if r.path != "/ping"]
    assert all(r.header("Authorization") == KEY for r in authorised), "the key must reach the API to be tested"
    assert len(storage.requests) == 1
    no_leak([sim.recorder], [storage.recorder], "simulator API and its storage host")


def test_redirects_off_the_api_host_never_carry_the_key(storage):
    """GET redirects (301/302/307/308) to another host: followed without the key, anywhere in the request."""
    def api_handler(method, path, q, headers, body):
        if path == "/v0/satellites":
            return 307, {"Location": storage.url + "/v0/satellites?from=api"}, b""
        if path.startswith("/v0/aoi/"):
            return 302, {"Location": storage.url + path}, b""
        return 404, {}, b"{}"

    api = Server(api_handler)
    storage.handler = lambda m, p, q, h, b: (200, {"Content-Type": "application/json"}, json.dumps(
        {"satellites": []} if p == "/v0/satellites" else {"aoi_id": "A", "name": "n", "status": "success"}).encode())
    try:
        with PixxelClient(KEY, base_url=api.url, **FAST) as c:
            assert c.list_satellites() == []
            assert c.get_aoi("A").aoi_id == "A"
    finally:
        api.close()
    assert [r.header("Authorization") for r in api.requests] == [KEY, KEY]
    assert len(storage.requests) == 2, "the redirects were not followed: nothing reached the other host"
    no_leak([api.recorder], [storage.recorder], "redirect targets")


def test_raster_streaming_never_sends_the_key(qgis_app, storage):
    from pixxel_qgis.core.imagery import raster

    with PixxelClient(KEY, base_url="https://api.pixxel.space"):  # a client with the key exists meanwhile
        try:
            raster.open_asset_raster(storage.url + "/a.tif")
        except raster.RasterOpenError:
            pass  # not a real GeoTIFF: only what was sent matters here
    assert storage.requests, "GDAL did not fetch the raster: the check below would prove nothing"
    no_leak([], [storage.recorder], "raster storage host")


def test_the_wire_check_sees_the_key_in_any_header_url_or_body():
    """The checker itself: each way of leaking the key is reported, the Authorization header to the API not."""
    def req_to(server, **kw):
        import requests

        return requests.post(server.url + kw.pop("path", "/x"), timeout=5, **kw)

    api, other = Server(lambda *a: (200, {}, b"{}")), Server(lambda *a: (200, {}, b"{}"))
    try:
        req_to(api, headers={"Authorization": KEY})
        assert key_appearances(KEY, api=[api.recorder], others=[other.recorder]) == []
        req_to(api, headers={"Authorization": KEY, "X-Api-Key": KEY})
        req_to(api, path="/x?api_key=" + KEY)
        req_to(api, data=json.dumps({"key": KEY.encode().hex()}))
        req_to(other, headers={"Authorization": KEY})
        req_to(other, headers={"Cookie": "k=" + KEY[::-1]})
        found = key_appearances(KEY, api=[api.recorder], others=[other.recorder])
    finally:
        api.close()
        other.close()
    text = "\n".join(found)
    assert "'X-Api-Key' header" in text and "in the URL" in text and "request body" in text
    assert "Authorization header to a non-API host" in text and "'Cookie' header" in text
    assert len(key_forms(KEY)) >= 4
