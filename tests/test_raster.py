"""core/raster: asset GeoTIFF URLs opened through /vsicurl/ from a loopback server; no key is sent."""

import os

import pytest
from osgeo import gdal
from pixxel_qgis.core.imagery.raster import (
    RasterOpenError,
    is_geotiff_url,
    open_asset_raster,
    open_feature_raster,
    vsicurl_path,
)
from pixxel_qgis.tests.helpers import RangeHandler


def test_geotiff_url_opens_without_any_authorization_header(qgis_app, tiff_server):
    url = f"{tiff_server}/assets/asset.tif?sig=abc"
    layer = open_asset_raster(url, "asset raster")
    assert layer.isValid()
    assert layer.width() == 8 and layer.height() == 6 and layer.bandCount() == 2
    assert layer.source() == "/vsicurl/" + url
    stats = layer.dataProvider().bandStatistics(1)
    assert stats.maximumValue == 7
    assert RangeHandler.seen, "the server was never asked"
    for _method, _path, headers in RangeHandler.seen:
        assert not any(h.lower() in ("authorization", "x-api-key", "cookie") for h in headers)
    assert all(r.url.startswith(tiff_server) for r in RangeHandler.recorder.requests)


def test_missing_file_is_a_clear_error(qgis_app, tiff_server):
    with pytest.raises(RasterOpenError, match="Could not open"):
        open_asset_raster(f"{tiff_server}/assets/missing-{os.getpid()}.tif")


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "/etc/passwd", "ftp://host/x.tif", "https://", "", None, "http://h/x.tif\nfoo", 5],
)
def test_non_http_urls_are_refused(qgis_app, url):
    with pytest.raises(RasterOpenError):
        open_asset_raster(url)


def test_credentials_in_gdal_options_are_refused(qgis_app, tiff_server):
    gdal.SetConfigOption("GDAL_HTTP_HEADERS", "Authorization: secret")
    try:
        with pytest.raises(RasterOpenError, match="credentials"):
            open_asset_raster(f"{tiff_server}/assets/asset.tif")
    finally:
        gdal.SetConfigOption("GDAL_HTTP_HEADERS", None)
    assert not RangeHandler.seen


def test_url_helpers():
    assert is_geotiff_url("https://storage.example.com/a/b/scene.TIF?X-Sig=1")
    assert is_geotiff_url("http://h/x.tiff")
    assert not is_geotiff_url("https://storage.account")
    assert not is_geotiff_url("s3://bucket/x.tif")
    assert vsicurl_path("https://h/x.tif") == "/vsicurl/https://h/x.tif"


def test_feature_action_opens_raster_in_a_task(qgis_app, qgis_new_project, tiff_server):
    import time

    from pixxel_qgis.core.assets import layers as L
    from pixxel_qgis.core.assets.layer_style import OPEN_RASTER_ACTION, apply_asset_style
    from pixxel_qgis.tests.asset_samples import make_asset
    from qgis.core import QgsApplication, QgsProject

    asset = dict(make_asset(0), path=f"{tiff_server}/assets/asset.tif")
    layer = L.build_asset_layer([[asset]], "assets").layer
    apply_asset_style(layer)
    QgsProject.instance().addMapLayer(layer)
    fid = next(layer.getFeatures()).id()
    # the action's code, as QGIS would expand it for this feature
    action = next(a for a in layer.actions().actions() if a.name() == OPEN_RASTER_ACTION)
    code = action.command().replace("[% @layer_id %]", layer.id()).replace("[% $id %]", str(fid))
    assert "open_feature_raster" in code
    task = open_feature_raster(layer.id(), fid)
    assert task is not None
    deadline = time.monotonic() + 20
    while task.layer is None and task.error is None and time.monotonic() < deadline:
        QgsApplication.processEvents()
        time.sleep(0.02)
    for _ in range(20):
        QgsApplication.processEvents()
    assert task.error is None
    rasters = [lyr for lyr in QgsProject.instance().mapLayers().values() if lyr.type() == lyr.RasterLayer]
    assert len(rasters) == 1 and rasters[0].isValid()
    for _method, _path, headers in RangeHandler.seen:
        assert "Authorization" not in headers
