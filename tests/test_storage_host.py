"""The simulator's storage host: signed URLs, expiry, Range, HEAD, deterministic cubes, the request log."""

import hashlib

import requests
from osgeo import gdal
from pixxel_simulator import TEST_API_KEY

from .test_downloads import make_aoi

AUTH = {"Authorization": TEST_API_KEY}


def signed(sim, n=1):
    aoi = make_aoi(sim, name=f"storage-{len(sim.aois())}")
    assets = requests.get(f"{sim.url}/v0/aois/{aoi['aoi_id']}/assets", headers=AUTH, timeout=5).json()["assets"]
    r = requests.post(f"{sim.url}/v0/aois/{aoi['aoi_id']}/downloads", json={"asset_ids": [a["id"] for a in assets[:n]]},
                      headers=AUTH, timeout=5)
    assert r.status_code == 201, r.text
    return r.json()["signed_url"], assets


def test_range_head_and_log(sim_factory):
    sim = sim_factory(aoi_duration_s=0, asset_count=3, raster_size=64)
    url, _ = signed(sim)
    whole = requests.get(url, timeout=5)
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes"
    size = len(whole.content)
    assert int(whole.headers["Content-Length"]) == size
    part = requests.get(url, headers={"Range": "bytes=10-19"}, timeout=5)
    assert part.status_code == 206 and part.content == whole.content[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{size}"
    tail = requests.get(url, headers={"Range": "bytes=-5"}, timeout=5)
    assert tail.status_code == 206 and tail.content == whole.content[-5:]
    beyond = requests.get(url, headers={"Range": f"bytes={size}-"}, timeout=5)
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{size}"
    head = requests.head(url, timeout=5)
    assert head.status_code == 200 and head.headers["Content-Length"] == str(size) and head.content == b""
    log = sim.storage.request_log
    assert [e["method"] for e in log] == ["GET", "GET", "GET", "GET", "HEAD"]
    assert log[1]["headers"]["Range"] == "bytes=10-19" and log[1]["status"] == 206 and log[1]["url"].startswith("/d/")


def test_tampered_or_expired_links_are_refused(sim_factory):
    sim = sim_factory(aoi_duration_s=0, asset_count=3, raster_size=64, url_ttl_s=-1)
    url, _ = signed(sim)
    r = requests.get(url, timeout=5)
    assert r.status_code == 403 and b"expired" in r.content
    sim.update_config(url_ttl_s=600)
    url, _ = signed(sim)
    assert requests.get(url, timeout=5).status_code == 200
    bad = url[:-1] + ("0" if url[-1] != "0" else "1")
    r = requests.get(bad, timeout=5)
    assert r.status_code == 403 and b"SignatureDoesNotMatch" in r.content
    assert requests.get(sim.storage.url + "/d/nope/x.tif", timeout=5).status_code == 403


def test_cubes_are_deterministic_by_seed(sim_factory):
    def pixels(seed):
        sim = sim_factory(seed=seed, aoi_duration_s=0, asset_count=3, raster_size=64)
        url, _ = signed(sim)
        path = f"/vsimem/cube-{seed}-{id(sim)}.tif"
        gdal.FileFromMemBuffer(path, requests.get(url, timeout=5).content)
        ds = gdal.Open(path)
        digest = hashlib.sha256(ds.ReadRaster()).hexdigest()
        ds = None
        gdal.Unlink(path)
        return digest

    assert pixels(7) == pixels(7)
    assert pixels(7) != pixels(8)


def test_several_assets_come_as_a_zip(sim_factory):
    import io
    import zipfile

    sim = sim_factory(aoi_duration_s=0, asset_count=3, raster_size=64)
    url, assets = signed(sim, n=3)
    r = requests.get(url, timeout=5)
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert r.headers["Content-Type"] == "application/zip" and len(names) == 3
    assert all(n.endswith(".tif") for n in names)
