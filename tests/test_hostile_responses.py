"""Hostile API responses (issue 9), end to end through the tasks the panel runs.

Complements tests/test_client_http.py (deep JSON, control characters in errors, key on redirects, the
client's body-size limit) and tests/test_layers.py / tests/test_raster.py (safe gpkg names, non-http raster
URLs). Here:
- an AOI and assets whose names carry ``../``, absolute paths, backslashes and control characters, loaded
  the way the panel loads them: every file written stays in the chosen folder, table and layer names are
  harmless, nothing is written anywhere else;
- asset URLs on another host (http and https) and non-http asset paths: loading never fetches them, and
  the API key never reaches that host; a plain-http asset URL on a non-loopback host is not opened as
  a raster;
- a huge page (the server ignores ``limit``) is loaded; a page larger than the body limit ends in a clear
  message; deeply nested asset attributes do not break the layer build.
"""

from __future__ import annotations

import json
import os

import pytest
from pixxel_qgis.client import AOI, ConfigurationError, PixxelClient
from pixxel_qgis.core.assets import layers
from pixxel_qgis.core.imagery import raster
from pixxel_qgis.core.tasks import tasks
from pixxel_qgis.tests.helpers import run_task
from pixxel_qgis.tests.loopback_server import Server
from pixxel_simulator import key_appearances
from qgis.core import QgsProject
from qgis.PyQt.QtTest import QTest

KEY = "hostile-test-key-7f3a9c1e"
BOX = [[[77.4, 12.8], [77.8, 12.8], [77.8, 13.2], [77.4, 13.2], [77.4, 12.8]]]
EVIL_NAMES = [
    "../../../../tmp/pwned",
    "..\\..\\windows\\system32\\evil",
    "/etc/passwd",
    "a/b/c",
    "name\x00with\x00nul",
    "line\nbreak\r\ttab\x1b[31mred",
    "..",
    ".",
    "CON",
    "\u202eevil\u202d.gpkg",
]


@pytest.fixture
def servers():
    made = []

    def make(handler):  # handler(path, query) -> (status, headers, body)
        s = Server(lambda method, path, query, headers, body: handler(path, query))
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def js(obj):
    return 200, {"Content-Type": "application/json"}, json.dumps(obj).encode()


def asset(i, name, path):
    return {"id": f"as-{i}", "name": name, "status": "completed", "asset_type": "L2A", "path": path,
            "geometry": {"type": "Polygon", "coordinates": BOX}, "created_at": "2025-01-01T00:00:00Z"}


def run_load(client, aoi, gpkg, project, page_size=100):
    out = {"done": [], "errors": [], "cancel": 0}
    task = tasks.LoadAssetsTask(client, aoi, gpkg, project, page_size=page_size,
                                on_done=out["done"].append, on_error=out["errors"].append,
                                on_cancel=lambda: out.__setitem__("cancel", 1))
    run_task(task, timeout=30.0)
    return task, out


def tree(root):
    found = set()
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            found.add(os.path.join(dirpath, n))
    return found


@pytest.fixture
def project():
    p = QgsProject()
    yield p
    p.clear()


# ------------------------------------------------------------------------------------------ names -> files


@pytest.mark.parametrize("evil", EVIL_NAMES)
def test_hostile_names_never_escape_the_folder(qgis_app, servers, project, tmp_path, evil):
    storage = servers(lambda p, q: (200, {}, b"x"))
    assets = [asset(i, f"{evil}-{i}", f"{storage.url}/{evil}-{i}.tif") for i in range(5)]
    api = servers(lambda p, q: js({"assets": assets, "pagination": {"total": 5, "offset": 0, "limit": 100}}))
    aoi = AOI.model_validate({"aoi_id": "../../id/..\\x", "name": evil, "status": "success",
                              "geometry": {"type": "Polygon", "coordinates": BOX}})
    base = tmp_path / "sandbox"
    folder = base / "chosen"
    base.mkdir()
    before = tree(tmp_path)
    gpkg = layers.default_gpkg_path(project, aoi, str(folder))
    assert os.path.dirname(gpkg) == str(folder)
    assert not any(c in os.path.basename(gpkg) for c in "/\\\x00\n\r\t\x1b")

    with PixxelClient(KEY, base_url=api.url, timeout=5) as client:
        task, out = run_load(client, aoi, gpkg, project)
    assert out["errors"] == [] and out["done"], out
    result = out["done"][0]
    assert result["count"] == 5
    created = tree(tmp_path) - before
    assert created, "nothing was written"
    for path in created:  # the folder itself, the GeoPackage and its sidecar files, nothing else
        assert path == str(folder) or os.path.dirname(path) == str(folder), path
    assert os.path.isfile(gpkg)
    for lyr in (result["asset_layer"], result["boundary_layer"]):
        assert lyr.isValid()
        table = lyr.source().split("layername=")[-1]
        assert table.replace("_", "").isalnum(), table
        assert lyr.source().startswith(str(folder) + os.sep)
    names = [f["name"] for f in result["asset_layer"].getFeatures()]
    # the attribute keeps the text as sent (a GeoPackage text ends at a NUL)
    assert sorted(names) == sorted(a["name"].split("\x00")[0] for a in assets)
    assert storage.seen == []  # loading never fetches asset URLs


def test_control_characters_in_names_survive_a_project_save(qgis_app, servers, tmp_path):
    api = servers(lambda p, q: js({"assets": [asset(0, "a\x00b", "https://s.invalid/a.tif")],
                                   "pagination": {"total": 1, "offset": 0, "limit": 100}}))
    aoi = AOI.model_validate({"aoi_id": "id-1", "name": "two\nlines\x00and\x1b[2Jclear", "status": "success",
                              "geometry": {"type": "Polygon", "coordinates": BOX}})
    project = QgsProject()
    with PixxelClient(KEY, base_url=api.url, timeout=5) as client:
        _, out = run_load(client, aoi, str(tmp_path / "x.gpkg"), project)
    assert out["done"], out
    path = str(tmp_path / "p.qgz")
    assert project.write(path)
    again = QgsProject()
    assert again.read(path)
    assert len(again.mapLayers()) == 2 and all(lyr.isValid() for lyr in again.mapLayers().values())
    again.clear()
    project.clear()


# ------------------------------------------------------------------------------------------ asset URLs


@pytest.mark.parametrize("path", [
    "http://{storage}/a.tif",
    "https://{storage}/a.tif",
    "/vsicurl/http://{storage}/a.tif",
    "//{storage}/a.tif",
    "http://{storage}/",
    "file://{tmp}/a.tif",
    "javascript:alert(1)",
])
def test_asset_urls_are_not_fetched_while_loading(qgis_app, servers, project, tmp_path, path):
    """The asset URLs point at a loopback storage server that records every connection and request: a fetch
    attempt (by the client, GDAL or QGIS) would show there; a file:// path would change the file's atime."""
    storage = servers(lambda p, q: (200, {"Content-Type": "image/tiff"}, b"II*\x00"))
    local = tmp_path / "a.tif"
    local.write_bytes(b"II*\x00")
    os.utime(local, (1_000_000, 1_000_000))
    path = path.format(storage=storage.url.split("://", 1)[1], tmp=tmp_path)
    api = servers(lambda p, q: js({"assets": [asset(0, "a", path)],
                                   "pagination": {"total": 1, "offset": 0, "limit": 100}}))
    aoi = AOI.model_validate({"aoi_id": "id-2", "name": "urls", "status": "success"})
    with PixxelClient(KEY, base_url=api.url, timeout=5) as client:
        _, out = run_load(client, aoi, str(tmp_path / "u.gpkg"), project)
    assert out["done"], out
    assert [f["path"] for f in out["done"][0]["asset_layer"].getFeatures()] == [path]
    QTest.qWait(100)  # anything started in the background would have connected by now
    assert storage.recorder.connections == 0 and storage.requests == [], (
        f"loading the assets fetched an asset URL: {[r.url for r in storage.requests]}")
    assert os.stat(local).st_atime == 1_000_000, "loading the assets read the file:// asset"
    assert all(r.path.startswith("/v0/aois/") for r in api.requests)  # only the API was asked


@pytest.mark.parametrize("url", ["http://storage.invalid/a.tif", "http://10.1.2.3/a.tif",
                                 "HTTP://Storage.Invalid/a.tif"])
def test_plain_http_asset_url_off_loopback_is_not_opened(qgis_app, monkeypatch, url):
    opened = []
    monkeypatch.setattr(raster, "QgsRasterLayer", lambda *a, **k: opened.append(a))
    with pytest.raises(raster.RasterOpenError):
        raster.open_asset_raster(url)
    assert opened == []  # refused before GDAL is asked to fetch anything


def test_download_never_sends_the_key_to_the_storage_host(servers, tmp_path):
    storage = servers(lambda p, q: (200, {"Content-Type": "application/octet-stream"}, b"tiff-bytes"))
    api = servers(lambda p, q: js({}))
    with PixxelClient(KEY, base_url=api.url, timeout=5) as client:
        client.download_file(f"{storage.url}/a.tif?sig=1", str(tmp_path / "a.tif"))
        for url in ("http://storage.invalid/a.tif", "ftp://storage.invalid/a", "file:///etc/passwd"):
            with pytest.raises(ConfigurationError) as info:
                client.download_file(url, str(tmp_path / "b.tif"))
            assert KEY not in str(info.value)
    assert len(storage.requests) == 1, "the download did not reach the storage server: nothing was checked"
    found = key_appearances(KEY, api=[api.recorder], others=[storage.recorder])
    assert not found, "the key reached the storage host:\n" + "\n".join(found)
    assert not (tmp_path / "b.tif").exists()


# ------------------------------------------------------------------------------------------ huge / deep pages


def test_huge_page_ignoring_the_limit_is_loaded(qgis_app, servers, project, tmp_path):
    n = 3_000
    big = [asset(i, f"a{i}", f"https://s.invalid/{i}.tif") for i in range(n)]
    api = servers(lambda p, q: js({"assets": big, "pagination": {"total": n, "offset": 0, "limit": n}}))
    aoi = AOI.model_validate({"aoi_id": "id-3", "name": "huge", "status": "success"})
    with PixxelClient(KEY, base_url=api.url, timeout=10) as client:
        task, out = run_load(client, aoi, str(tmp_path / "h.gpkg"), project, page_size=100)
    assert out["done"], out
    assert out["done"][0]["count"] == n
    # The first round is speculative (offsets 0, L, 2L, ... requested together to save a round trip), so up
    # to `concurrency` requests are sent before the first page shows it already holds the total; nothing more.
    assert 1 <= len(api.seen) <= client.concurrency


def test_page_over_the_body_limit_is_a_clear_message(qgis_app, servers, project, tmp_path):
    big = [asset(i, "x" * 200, "https://s.invalid/a.tif") for i in range(5000)]  # ~2 MB
    api = servers(lambda p, q: js({"assets": big, "pagination": {"total": 5000, "offset": 0, "limit": 5000}}))
    aoi = AOI.model_validate({"aoi_id": "id-4", "name": "too big", "status": "success"})
    with PixxelClient(KEY, base_url=api.url, timeout=10, max_body_bytes=512 * 1024) as client:
        task, out = run_load(client, aoi, str(tmp_path / "t.gpkg"), project)
    assert out["errors"] and not out["done"], out
    assert "too large" in out["errors"][0] or "larger than" in out["errors"][0]
    assert "Traceback" not in out["errors"][0] and not out["errors"][0].startswith("Unexpected")
    assert not (tmp_path / "t.gpkg").exists()


def _nested(depth):
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [400, 990, 5000])
def test_deeply_nested_asset_attributes(qgis_app, servers, project, tmp_path, depth):
    """Whatever depth the page has: loaded (extra field kept or dropped) or a clear message, never a crash."""
    a = asset(0, "deep", "https://s.invalid/a.tif")
    body = json.dumps({"assets": [a], "pagination": {"total": 1, "offset": 0, "limit": 100}})
    body = body.replace('"name": "deep"', f'"name": "deep", "x_nested": {_nested(depth)}')
    api = servers(lambda p, q: (200, {"Content-Type": "application/json"}, body.encode()))
    aoi = AOI.model_validate({"aoi_id": "id-5", "name": "deep", "status": "success"})
    with PixxelClient(KEY, base_url=api.url, timeout=10) as client:
        task, out = run_load(client, aoi, str(tmp_path / "d.gpkg"), project)
    if out["errors"]:
        msg = out["errors"][0]
        assert not msg.startswith("Unexpected error"), msg
        assert "nested too deeply" in msg
    else:
        assert out["done"][0]["count"] == 1
