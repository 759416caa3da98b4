"""Downloads of AOI assets against the simulator's storage host and its faults (core.imagery.download)."""

import hashlib
import os
import threading
import time

import pytest
import requests
from osgeo import gdal
from pixxel_qgis.client import PixxelClient
from pixxel_qgis.core.imagery.download import PARTIAL_DIR, AssetDownloader, downloaded_assets
from pixxel_simulator import BENGALURU_AOI, FIRST_PROJECT_ID, SATELLITES, TD1_ID, TEST_API_KEY

S2_ID = next(s["id"] for s in SATELLITES if s["name"].startswith("sentinel"))


def make_aoi(sim, satellite_id=TD1_ID, name="dl-aoi"):
    body = {"name": name, "description": "downloads", "satellite_id": satellite_id, "provider": "pixxel",
            "project_id": FIRST_PROJECT_ID, "geometry": BENGALURU_AOI, "item_ids": ["x"]}
    r = requests.post(sim.url + "/v0/aois", json=body, headers={"Authorization": TEST_API_KEY}, timeout=5)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def setup(sim_factory):
    sim = sim_factory(aoi_duration_s=0, asset_count=6, raster_size=64)
    aoi = make_aoi(sim)
    client = PixxelClient(TEST_API_KEY, base_url=sim.url, timeout=10)
    assets = client.all_assets_raw(aoi["aoi_id"])
    yield sim, aoi, client, assets
    client.close()


def sha(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def reference_bytes(client, aoi_id, asset_id):
    d = client.create_download(aoi_id, [asset_id])
    return requests.get(d.signed_url, timeout=10).content


def assert_no_key_at_storage(sim):
    from pixxel_simulator import key_appearances

    assert key_appearances(TEST_API_KEY, api=[sim.recorder], others=[sim.storage.recorder]) == []
    log = sim.storage.request_log
    assert log, "storage saw no request"
    for entry in log:
        assert "authorization" not in {k.lower() for k in entry["headers"]}
        text = entry["url"] + " " + " ".join(f"{k}: {v}" for k, v in entry["headers"].items())
        assert TEST_API_KEY not in text and TEST_API_KEY.encode() not in entry["body"]


def storage_files(sim):
    return [e for e in sim.storage.request_log if e["method"] == "GET"]


def test_downloads_real_cubes_follows_status_and_skips_what_is_there(sim_factory, tmp_path):
    sim = sim_factory(aoi_duration_s=0, asset_count=6, raster_size=64, download_seconds=0.4)
    aoi = make_aoi(sim)
    client = PixxelClient(TEST_API_KEY, base_url=sim.url, timeout=10)
    assets = client.all_assets_raw(aoi["aoi_id"])
    progress = []
    report = AssetDownloader(client, aoi["aoi_id"], str(tmp_path), poll_s=0.1,
                             progress=lambda p, b: progress.append((p, b))).download(assets[:3])
    assert not report.errors and not report.cancelled and len(report.results) == 3
    gets = [p for m, p, s in sim.request_log if m == "GET" and "/downloads/" in p]
    assert gets, "the download status was never followed"
    sat = next(s for s in SATELLITES if s["id"] == TD1_ID)
    waves = {b["name"]: b["wavelength"] for b in sat["bands"]}
    for a in assets[:3]:
        (path,) = report.results[a["id"]].files
        assert os.path.dirname(path) == str(tmp_path) and path.endswith(".tif")
        ds = gdal.Open(path)
        assert ds.RasterXSize == 64 and ds.RasterCount == len(a["band_list"])
        assert ds.GetRasterBand(1).DataType == gdal.GDT_UInt16
        for i, name in enumerate(a["band_list"], start=1):
            band = ds.GetRasterBand(i)
            assert band.GetDescription() == name
            assert float(band.GetMetadataItem("wavelength")) == waves[name]
        x0, xres, _, y1, _, yres = ds.GetGeoTransform()
        assert x0 == pytest.approx(min(p[0] for p in _points(a["geometry"])))
    assert progress[-1][0] == pytest.approx(100.0) and progress[-1][1] == sum(
        os.path.getsize(report.results[a["id"]].files[0]) for a in assets[:3])
    assert not os.listdir(tmp_path / PARTIAL_DIR)
    assert set(downloaded_assets(str(tmp_path))) == {a["id"] for a in assets[:3]}
    # a second run downloads only the new asset
    posts_before = sum(1 for m, p, s in sim.request_log if m == "POST" and p.endswith("/downloads"))
    again = AssetDownloader(client, aoi["aoi_id"], str(tmp_path), poll_s=0.1).download(assets[:4])
    posts_after = sum(1 for m, p, s in sim.request_log if m == "POST" and p.endswith("/downloads"))
    assert posts_after - posts_before == 1
    assert [r.already for r in again.results.values()].count(True) == 3
    # a file cut short on disk (or deleted) is not "already there": it is fetched again
    damaged = report.results[assets[0]["id"]].files[0]
    with open(damaged, "r+b") as fh:
        fh.truncate(1000)
    third = AssetDownloader(client, aoi["aoi_id"], str(tmp_path), poll_s=0.1).download(assets[:4])
    assert [aid for aid, r in third.results.items() if not r.already] == [assets[0]["id"]]
    assert os.path.getsize(damaged) > 1000
    assert_no_key_at_storage(sim)
    client.close()


def _points(geom):
    coords = geom["coordinates"]
    if geom["type"] == "Polygon":
        coords = [coords]
    return [p for poly in coords for ring in poly for p in ring]


def test_resume_after_dropped_connection(setup, tmp_path):
    sim, aoi, client, assets = setup
    mosaic = next(a for a in assets if a["asset_type"] == "mosaic")
    sim.storage.set_faults(drops=2, drop_after_bytes=40_000)
    report = AssetDownloader(client, aoi["aoi_id"], str(tmp_path)).download([mosaic])
    res = report.results[mosaic["id"]]
    assert not report.errors and res.resumed == 2
    ranges = [e["headers"].get("Range") for e in storage_files(sim)]
    assert ranges == [None, "bytes=40000-", "bytes=80000-"]
    assert sha(res.files[0]) == hashlib.sha256(reference_bytes(client, aoi["aoi_id"], mosaic["id"])).hexdigest()
    assert_no_key_at_storage(sim)


def test_server_ignoring_range_restarts_the_file(setup, tmp_path):
    sim, aoi, client, assets = setup
    mosaic = next(a for a in assets if a["asset_type"] == "mosaic")
    sim.storage.set_faults(drops=1, drop_after_bytes=30_000, ignore_range=True)
    report = AssetDownloader(client, aoi["aoi_id"], str(tmp_path)).download([mosaic])
    path = report.results[mosaic["id"]].files[0]
    assert sha(path) == hashlib.sha256(reference_bytes(client, aoi["aoi_id"], mosaic["id"])).hexdigest()


def test_expired_signed_url_is_renewed_through_the_api(setup, tmp_path):
    sim, aoi, client, assets = setup
    sim.storage.set_faults(expire=1)
    sim.clear_log()
    report = AssetDownloader(client, aoi["aoi_id"], str(tmp_path)).download([assets[0]])
    res = report.results[assets[0]["id"]]
    assert not report.errors and res.renewed == 1
    statuses = [e["status"] for e in storage_files(sim)]
    assert statuses == [403, 200]
    urls = [e["url"] for e in storage_files(sim)]
    assert urls[0] != urls[1]  # a fresh signed URL, from GET .../downloads/{id}
    assert any(m == "GET" and "/downloads/" in p for m, p, s in sim.request_log)
    assert_no_key_at_storage(sim)


def test_url_that_stays_expired_is_a_clear_error_and_no_file(sim_factory, tmp_path):
    sim = sim_factory(aoi_duration_s=0, asset_count=3, raster_size=64, url_ttl_s=-5)
    aoi = make_aoi(sim)
    client = PixxelClient(TEST_API_KEY, base_url=sim.url, timeout=10)
    asset = client.all_assets_raw(aoi["aoi_id"])[0]
    report = AssetDownloader(client, aoi["aoi_id"], str(tmp_path), max_renewals=2).download([asset])
    assert asset["id"] in report.errors and "403" in report.errors[asset["id"]]
    assert "clock" in report.errors[asset["id"]]
    assert [f for f in os.listdir(tmp_path) if f.endswith(".tif")] == []
    client.close()


def test_cancel_leaves_only_a_part_file_and_the_next_run_resumes(setup, tmp_path):
    sim, aoi, client, assets = setup
    mosaic = next(a for a in assets if a["asset_type"] == "mosaic")
    sim.storage.set_faults(slow_body_s=0.05, slow_bodies=1)
    cancel = threading.Event()

    def progress(percent, fetched):
        if fetched > 0:
            cancel.set()

    report = AssetDownloader(client, aoi["aoi_id"], str(tmp_path), cancelled=cancel.is_set,
                             progress=progress).download([mosaic])
    assert report.cancelled and not report.results
    assert [f for f in os.listdir(tmp_path) if not f.startswith(".")] in ([], ["pixxel_downloads.json"])
    parts = os.listdir(tmp_path / PARTIAL_DIR)
    assert any(p.endswith(".part") for p in parts)
    assert downloaded_assets(str(tmp_path)) == {}
    sim.storage.set_faults()
    report = AssetDownloader(client, aoi["aoi_id"], str(tmp_path)).download([mosaic])
    assert not report.errors
    last = storage_files(sim)[-1]["headers"]
    assert last.get("Range", "").startswith("bytes=") and last.get("If-Range", "").startswith('"')
    assert sha(report.results[mosaic["id"]].files[0]) == hashlib.sha256(
        reference_bytes(client, aoi["aoi_id"], mosaic["id"])).hexdigest()


def test_bounded_parallelism(setup, tmp_path):
    sim, aoi, client, assets = setup
    sim.storage.set_faults(slow_body_s=0.02, slow_bodies=6)
    active, peak, lock = [0], [0], threading.Lock()
    real = client.create_download

    def counting(aoi_id, ids, **kw):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        try:
            time.sleep(0.05)
            return real(aoi_id, ids, **kw)
        finally:
            with lock:
                active[0] -= 1

    client.create_download = counting
    report = AssetDownloader(client, aoi["aoi_id"], str(tmp_path), concurrency=2).download(assets)
    assert len(report.results) == 6 and peak[0] == 2


def test_zip_of_several_assets_is_unpacked(setup, tmp_path):
    sim, aoi, client, assets = setup
    dl = AssetDownloader(client, aoi["aoi_id"], str(tmp_path))
    pair = [assets[0]["id"], assets[1]["id"]]
    dl._request = lambda asset_id: dl._wait_ready(asset_id, client.create_download(aoi["aoi_id"], pair))
    report = dl.download([assets[0]])
    files = report.results[assets[0]["id"]].files
    assert len(files) == 2 and all(f.endswith(".tif") and os.path.isfile(f) for f in files)
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".zip")]
    assert all(gdal.Open(f) is not None for f in files)


def test_float32_cube_for_sentinel(sim_factory, tmp_path):
    sim = sim_factory(aoi_duration_s=0, asset_count=3, raster_size=64)
    aoi = make_aoi(sim, satellite_id=S2_ID)
    client = PixxelClient(TEST_API_KEY, base_url=sim.url, timeout=10)
    asset = client.all_assets_raw(aoi["aoi_id"])[0]
    report = AssetDownloader(client, aoi["aoi_id"], str(tmp_path)).download([asset])
    ds = gdal.Open(report.results[asset["id"]].files[0])
    assert ds.GetRasterBand(1).DataType == gdal.GDT_Float32
    client.close()


def test_partial_file_of_another_version_is_replaced(setup, tmp_path):
    """A .part whose ETag no longer matches the file on storage: If-Range makes storage send it whole."""
    import json

    sim, aoi, client, assets = setup
    mosaic = next(a for a in assets if a["asset_type"] == "mosaic")
    partial = tmp_path / PARTIAL_DIR
    partial.mkdir()
    (partial / f"{mosaic['id']}.part").write_bytes(b"stale bytes of an older version" * 100)
    (partial / f"{mosaic['id']}.part.json").write_text(json.dumps({"etag": '"old-version"'}))
    report = AssetDownloader(client, aoi["aoi_id"], str(tmp_path)).download([mosaic])
    first = storage_files(sim)[0]
    assert first["headers"].get("If-Range") == '"old-version"' and first["status"] == 200
    assert sha(report.results[mosaic["id"]].files[0]) == hashlib.sha256(
        reference_bytes(client, aoi["aoi_id"], mosaic["id"])).hexdigest()


def test_sha256_from_the_api_is_checked(setup, tmp_path):
    """When the download answer carries a SHA-256 (an extra field), a mismatch discards the file."""
    from pixxel_qgis.client.models import Download

    sim, aoi, client, assets = setup
    good = hashlib.sha256(reference_bytes(client, aoi["aoi_id"], assets[0]["id"])).hexdigest()
    real = client.create_download
    checksum = {"value": "0" * 64}

    def with_checksum(aoi_id, ids, **kw):
        d = real(aoi_id, ids, **kw)
        return Download.model_validate({**d.model_dump(), "checksum": "sha256:" + checksum["value"]})

    client.create_download = with_checksum
    bad = AssetDownloader(client, aoi["aoi_id"], str(tmp_path)).download([assets[0]])
    assert "SHA-256" in bad.errors[assets[0]["id"]]
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tif")]
    assert not [f for f in os.listdir(tmp_path / PARTIAL_DIR) if f.endswith(".part")]
    checksum["value"] = good
    ok = AssetDownloader(client, aoi["aoi_id"], str(tmp_path)).download([assets[0]])
    assert not ok.errors and sha(ok.results[assets[0]["id"]].files[0]) == good


def test_link_expiring_during_a_dropped_download_is_renewed_and_resumed(sim_factory, tmp_path):
    """Real expiry: the body stalls and drops, the link expires meanwhile; the resume gets a 403, the link is
    renewed through the API and the transfer continues from the bytes already on disk."""
    sim = sim_factory(aoi_duration_s=0, asset_count=3, raster_size=64, url_ttl_s=2.5)
    aoi = make_aoi(sim)
    client = PixxelClient(TEST_API_KEY, base_url=sim.url, timeout=10)
    mosaic = next(a for a in client.all_assets_raw(aoi["aoi_id"]) if a["asset_type"] == "mosaic")
    sim.storage.set_faults(drops=1, drop_after_bytes=48 * 1024, slow_body_s=1.0, slow_bodies=1)
    report = AssetDownloader(client, aoi["aoi_id"], str(tmp_path)).download([mosaic])
    res = report.results[mosaic["id"]]
    assert not report.errors and res.resumed == 1 and res.renewed == 1
    log = storage_files(sim)
    assert [e["status"] for e in log] == [200, 403, 206]
    assert log[2]["headers"]["Range"] == f"bytes={48 * 1024}-" and log[1]["url"] != log[2]["url"]
    assert sha(res.files[0]) == hashlib.sha256(reference_bytes(client, aoi["aoi_id"], mosaic["id"])).hexdigest()
    assert_no_key_at_storage(sim)
    client.close()


def test_cancel_while_the_download_is_being_prepared_is_prompt(sim_factory, tmp_path):
    sim = sim_factory(aoi_duration_s=0, asset_count=3, raster_size=64, download_seconds=60)
    aoi = make_aoi(sim)
    client = PixxelClient(TEST_API_KEY, base_url=sim.url, timeout=10)
    asset = client.all_assets_raw(aoi["aoi_id"])[0]
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    t0 = time.monotonic()
    report = AssetDownloader(client, aoi["aoi_id"], str(tmp_path), poll_s=0.2,
                             cancelled=cancel.is_set).download([asset])
    assert report.cancelled and not report.results and time.monotonic() - t0 < 3
    polls = [p for m, p, s in sim.request_log if m == "GET" and "/downloads/" in p]
    assert polls  # it was following the status when cancelled
    assert sim.storage.request_log == []  # nothing fetched, nothing on disk
    assert downloaded_assets(str(tmp_path)) == {}
    client.close()
