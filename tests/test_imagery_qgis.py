"""Hyperspectral display, spectral profiles and the download task in QGIS, on the simulator's real cubes."""

import csv
import os
import time

import pytest
from pixxel_qgis.client import PixxelClient
from pixxel_qgis.core.assets import layers as L
from pixxel_qgis.core.imagery import render
from pixxel_qgis.core.imagery.download import AssetDownloader
from pixxel_qgis.core.imagery.spectral import ProfileError, pixel_profile, plot_png, write_csv
from pixxel_qgis.core.imagery.tasks import LOCAL_PATH_FIELD, DownloadAssetsTask
from pixxel_qgis.core.tasks import tasks as core_tasks
from pixxel_simulator import SATELLITES, TD1_ID, TEST_API_KEY
from qgis.core import QgsMultiBandColorRenderer, QgsPointXY, QgsProject, QgsRasterLayer
from qgis.PyQt.QtTest import QTest

from .test_downloads import S2_ID, make_aoi


def wait_until(pred, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        QTest.qWait(20)
    raise AssertionError("timed out waiting")


def fetch(sim, tmp_path, satellite_id=TD1_ID, kind="mosaic"):
    aoi = make_aoi(sim, satellite_id=satellite_id, name=f"aoi-{satellite_id[:4]}-{kind}")
    client = PixxelClient(TEST_API_KEY, base_url=sim.url, timeout=10)
    asset = next(a for a in client.all_assets_raw(aoi["aoi_id"]) if a["asset_type"] == kind)
    report = AssetDownloader(client, aoi["aoi_id"], str(tmp_path)).download([asset])
    sat = next(s for s in client.list_satellites() if s.id == satellite_id)
    client.close()
    return report.results[asset["id"]].files[0], sat, asset


@pytest.fixture
def sim(sim_factory):
    return sim_factory(aoi_duration_s=0, asset_count=6, raster_size=64)


def test_true_colour_uses_the_satellites_rgb_composite(qgis_app, sim, tmp_path):
    path, sat, asset = fetch(sim, tmp_path)
    layer = render.prepare_raster_layer(path, "cube", sat)
    assert layer.isValid() and layer.bandCount() == 30
    r = layer.renderer()
    assert isinstance(r, QgsMultiBandColorRenderer)
    names = asset["band_list"]
    assert [names[b - 1] for b in (r.redBand(), r.greenBand(), r.blueBand())] == [
        sat.rgb_composite.red, sat.rgb_composite.green, sat.rgb_composite.blue]
    ce = r.redContrastEnhancement()
    assert 0 < ce.minimumValue() < ce.maximumValue() < 10000  # a percentile stretch, not the type's range
    assert layer.customProperty(render.PRESET_PROPERTY) == "true_colour"
    bands = render.layer_bands(layer)
    assert render.available_presets(bands) == ["true_colour", "false_colour", "red_edge"]  # 470-900 nm: no SWIR
    rgb = render.apply_preset(layer, "false_colour")
    waves = [bands.wavelengths[b - 1] for b in rgb]
    assert abs(waves[0] - 860) < 15 and abs(waves[1] - 650) < 15 and abs(waves[2] - 550) < 15
    assert render.apply_preset(layer, "swir") is None


def test_nearest_wavelengths_without_satellite_and_swir_for_sentinel(qgis_app, sim, tmp_path):
    path, sat, asset = fetch(sim, tmp_path, satellite_id=S2_ID)
    layer = render.prepare_raster_layer(path, "s2", None)  # no API info: the file's wavelength metadata
    r = layer.renderer()
    names = asset["band_list"]
    assert [names[b - 1] for b in (r.redBand(), r.greenBand(), r.blueBand())] == ["B04", "B03", "B02"]
    assert render.available_presets(render.layer_bands(layer)) == ["true_colour", "false_colour", "red_edge",
                                                                    "swir"]
    assert [names[b - 1] for b in render.apply_preset(layer, "swir")] == ["B12", "B11", "B8A"]


def test_composite_from_band_names_when_the_file_has_no_wavelengths():
    sat = next(s for s in SATELLITES if s["id"] == TD1_ID)
    names = [b["name"] for b in sat["bands"]]
    waves = render.satellite_wavelengths(sat)
    bands = render.RasterBands(names, [waves[n] for n in names])
    rgb = render.composite_bands(bands, "true_colour", None)
    assert [abs(bands.wavelengths[b - 1] - t) < 8 for b, t in zip(rgb, (640, 550, 470))] == [True] * 3
    assert render.composite_bands(render.RasterBands(["a", "b", "c"], [None] * 3)) == (1, 2, 3)


def test_spectral_profile_csv_and_png(qgis_app, sim, tmp_path):
    path, sat, asset = fetch(sim, tmp_path)
    layer = render.prepare_raster_layer(path, "cube", sat)
    c = layer.extent().center()
    p1 = pixel_profile(layer, c)
    p2 = pixel_profile(layer, QgsPointXY(layer.extent().xMinimum() + 1e-5, layer.extent().yMaximum() - 1e-5))
    assert len(p1.values) == 30 and p1.x_label == "Wavelength (nm)"
    assert p1.xs == sorted(p1.xs) and p1.xs[0] == pytest.approx(470.0)
    assert p1.values != p2.values and all(v is not None and 0 <= v <= 10000 for v in p1.values)
    with pytest.raises(ProfileError, match="outside"):
        pixel_profile(layer, QgsPointXY(0, 0))
    out = write_csv([p1, p2], str(tmp_path / "p.csv"))
    rows = list(csv.reader(open(out, encoding="utf-8")))
    assert rows[0][:2] == ["band", "wavelength_nm"] and len(rows) == 31 and len(rows[1]) == 4
    assert rows[1][0] == asset["band_list"][0] and float(rows[1][2]) == p1.values[0]
    png = plot_png([p1, p2], str(tmp_path / "p.png"))
    assert os.path.getsize(png) > 5000
    qt_png = plot_png([p1, p2], str(tmp_path / "qt.png"), use_matplotlib=False)  # QGIS without matplotlib
    from qgis.PyQt.QtGui import QImage

    image = QImage(qt_png)
    assert image.width() == 700 and len({image.pixel(x, y) for x in range(0, 700, 7) for y in range(0, 400, 4)}) > 3


def test_spectral_dock_without_matplotlib_draws_with_qt(qgis_app, monkeypatch, sim, tmp_path):
    import builtins

    from pixxel_qgis.ui import spectral_profile as sp

    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kw):
        if name.startswith("matplotlib"):
            raise ImportError("no matplotlib here")
        return real_import(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    dock = sp.SpectralProfileDock()
    assert dock.figure is None and isinstance(dock.plot, sp._QtPlot)
    path, sat, _asset = fetch(sim, tmp_path)
    layer = render.prepare_raster_layer(path, "cube", sat)
    dock.add_profile(pixel_profile(layer, layer.extent().center()))
    dock.resize(500, 300)
    assert dock.grab_png(str(tmp_path / "dock.png"))
    assert dock.export_csv(str(tmp_path / "dock.csv")) and os.path.getsize(tmp_path / "dock.csv") > 100


def test_download_task_adds_rasters_to_the_aoi_group_and_fills_local_path(qgis_app, qgis_new_project, sim,
                                                                          tmp_path):
    aoi = make_aoi(sim, name="task-aoi")
    client = PixxelClient(TEST_API_KEY, base_url=sim.url, timeout=10)
    raw = client.all_assets_raw(aoi["aoi_id"])
    project = QgsProject.instance()
    built = L.build_asset_layer([raw], "assets", aoi["aoi_id"])
    L.add_aoi_to_project(project, aoi, built.layer)
    results = {}
    task = DownloadAssetsTask(client, aoi, raw[:2], str(tmp_path / "aoi"), project,
                              on_done=lambda res: results.update(report=res.report, layers=res.layers),
                              on_error=lambda t: results.update(error=t))
    core_tasks.TaskKeeper().start(task)
    wait_until(lambda: results)
    assert "error" not in results, results
    assert len(results["layers"]) == 2
    group = L.find_aoi_group(project, aoi["aoi_id"])
    in_group = {n.layer().id() for n in group.findLayers()}
    assert all(lyr.id() in in_group for lyr in results["layers"])
    assert all(isinstance(lyr.renderer(), QgsMultiBandColorRenderer) for lyr in results["layers"])
    idx = built.layer.fields().indexOf(LOCAL_PATH_FIELD)
    paths = {f["id"]: f[idx] for f in built.layer.getFeatures()}
    assert all(os.path.isfile(paths[a["id"]]) for a in raw[:2])
    assert all(not paths[a["id"]] for a in raw[2:])
    client.close()


def test_cancelled_download_task_reports_and_adds_nothing(qgis_app, qgis_new_project, sim, tmp_path):
    aoi = make_aoi(sim, name="cancel-aoi")
    client = PixxelClient(TEST_API_KEY, base_url=sim.url, timeout=10)
    raw = [a for a in client.all_assets_raw(aoi["aoi_id"]) if a["asset_type"] == "mosaic"]
    sim.storage.set_faults(slow_body_s=0.2, slow_bodies=5)
    results = {}
    task = DownloadAssetsTask(client, aoi, raw, str(tmp_path / "aoi"), QgsProject.instance(),
                              on_done=lambda res: results.update(report=res.report),
                              on_error=lambda t: results.update(error=t),
                              on_cancel=lambda: results.update(cancelled=True))
    core_tasks.TaskKeeper().start(task)
    wait_until(lambda: task.bytes > 0)
    task.cancel()
    wait_until(lambda: results)
    assert results == {"cancelled": True}, results
    assert not [f for f in os.listdir(tmp_path / "aoi") if f.endswith(".tif")]
    assert not [lyr for lyr in QgsProject.instance().mapLayers().values() if isinstance(lyr, QgsRasterLayer)]
    client.close()


def signed_mosaic_url(sim, name):
    """A new AOI's first mosaic asset and the signed URL of its download: (client, asset, url)."""
    aoi = make_aoi(sim, name=name)
    client = PixxelClient(TEST_API_KEY, base_url=sim.url, timeout=10)
    asset = next(a for a in client.all_assets_raw(aoi["aoi_id"]) if a["asset_type"] == "mosaic")
    return client, asset, client.create_download(aoi["aoi_id"], [asset["id"]]).signed_url


def test_raster_streamed_through_vsicurl_opens_in_true_colour(qgis_app, sim, tmp_path):
    from pixxel_qgis.core.imagery.raster import OpenRasterTask

    client, asset, url = signed_mosaic_url(sim, "vsicurl-aoi")
    task = OpenRasterTask(url, "streamed")
    assert task.run(), task.error
    r = task.layer.renderer()
    names = asset["band_list"]
    waves = [render.layer_bands(task.layer).wavelengths[b - 1] for b in (r.redBand(), r.greenBand(), r.blueBand())]
    assert [abs(w - t) < 8 for w, t in zip(waves, (640, 550, 470))] == [True] * 3, (names, waves)
    assert all("authorization" not in {k.lower() for k in e["headers"]} for e in sim.storage.request_log)
    client.close()


def test_preset_on_a_streamed_raster_reads_pixels_in_a_task(qgis_app, qgis_new_project, sim, tmp_path):
    import threading

    from pixxel_qgis.core.imagery.raster import OpenRasterTask
    from pixxel_qgis.core.imagery.tasks import PresetTask

    client, _, url = signed_mosaic_url(sim, "preset-aoi")
    opener = OpenRasterTask(url, "streamed")
    assert opener.run(), opener.error
    layer = opener.layer
    QgsProject.instance().addMapLayer(layer)
    assert not render.is_local(layer)
    main = threading.current_thread()
    reads = []
    real = render.stretch_limits

    def spy(*args, **kw):
        reads.append(threading.current_thread())
        return real(*args, **kw)

    import pixxel_qgis.core.imagery.tasks as imagery_tasks

    imagery_tasks.stretch_limits = spy
    try:
        done = []
        core_tasks.TaskKeeper().start(PresetTask(layer, "false_colour", on_done=done.append))
        wait_until(lambda: done)
    finally:
        imagery_tasks.stretch_limits = real
    assert done[0] is not None and reads and all(t is not main for t in reads)
    waves = [render.layer_bands(layer).wavelengths[b - 1] for b in done[0]]
    assert abs(waves[0] - 860) < 15 and layer.renderer().redBand() == done[0][0]
    client.close()
