"""The panel's "Downloads" section, driven like a user, against the simulator's storage host."""

import os

from pixxel_qgis.core.imagery.tasks import LOCAL_PATH_FIELD
from pixxel_qgis.core.settings import ROLE_PROPERTY
from pixxel_qgis.tests.helpers import click, connect, find_group, messages, wait_idle
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMultiBandColorRenderer,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
)
from qgis.PyQt.QtCore import Qt


def load_seeded_aoi(dock, sim, api_key, qgis_iface):
    connect(dock, sim, api_key)
    dock.aois.aoi_table.selectRow(0)
    name = dock.aois.cell(0, 0)
    click(dock.aois.load_aoi_button)
    wait_idle(dock)
    group = find_group(name)
    assets = next(n.layer() for n in group.findLayers() if n.layer().customProperty(ROLE_PROPERTY) == "assets")
    qgis_iface.setActiveLayer(assets)
    return group, assets


def test_download_selected_assets_into_the_aoi_group_once(sim_factory, api_key, dock, qgis_iface):
    sim = sim_factory(seed_aois=1, asset_count=6, raster_size=64, download_seconds=0.2)
    group, assets = load_seeded_aoi(dock, sim, api_key, qgis_iface)
    section = dock.downloads
    ids = [f.id() for f in assets.getFeatures()][:2]
    assets.selectByIds(ids)
    click(section.download_selected_button)
    wait_idle(dock, timeout=60)
    rasters = [n.layer() for n in group.findLayers() if isinstance(n.layer(), QgsRasterLayer)]
    assert len(rasters) == 2, section.download_status.text()
    assert "2 asset(s) downloaded" in section.download_status.text()
    gpkg = assets.source().split("|")[0]
    folder = os.path.splitext(gpkg)[0]
    assert all(os.path.dirname(r.source()) == folder for r in rasters)  # a folder per AOI beside its GeoPackage
    idx = assets.fields().indexOf(LOCAL_PATH_FIELD)
    on_disk = {f.id(): f[idx] for f in assets.getFeatures()}
    assert all(os.path.isfile(on_disk[i]) for i in ids)
    # the panel knows what is there: no second download, no storage request
    gets = len([e for e in sim.storage.request_log if e["method"] == "GET"])
    qgis_iface.setActiveLayer(assets)
    section.refresh_state()  # QGIS calls it on currentLayerChanged (pytest-qgis's iface does not emit it)
    assert "2 of 6 assets" in section.download_status.text()
    click(section.download_selected_button)
    wait_idle(dock, timeout=60)
    assert "2 already there" in section.download_status.text()
    assert len([e for e in sim.storage.request_log if e["method"] == "GET"]) == gets
    assert len([n for n in group.findLayers() if isinstance(n.layer(), QgsRasterLayer)]) == 2
    assert all(api_key not in str(e["headers"]) + e["url"] for e in sim.storage.request_log)

    # presets and the spectral profile on a downloaded cube
    cube = max(rasters, key=lambda r: r.bandCount())
    qgis_iface.setActiveLayer(cube)
    section.refresh_state()
    presets = [section.preset_combo.itemData(i) for i in range(section.preset_combo.count())]
    assert presets[:2] == ["true_colour", "false_colour"]
    before = cube.renderer().redBand()
    section.preset_combo.setCurrentIndex(presets.index("false_colour"))
    click(section.apply_preset_button)
    assert isinstance(cube.renderer(), QgsMultiBandColorRenderer) and cube.renderer().redBand() > before
    section.spectral_button.setChecked(True)
    tool = section.spectral_tool
    assert dock.canvas().mapTool() is tool
    # clicks arrive in the canvas's CRS, here not the cube's
    canvas_crs = dock.canvas().mapSettings().destinationCrs()
    dock.canvas().setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:32643"))
    to_canvas = QgsCoordinateTransform(cube.crs(), dock.canvas().mapSettings().destinationCrs(), QgsProject.instance())
    tool.canvasClicked.emit(to_canvas.transform(QgsPointXY(cube.extent().center())), Qt.MouseButton.LeftButton)
    tool.canvasClicked.emit(to_canvas.transform(QgsPointXY(cube.extent().xMinimum() + 1e-5,
                                                           cube.extent().yMinimum() + 1e-5)), Qt.MouseButton.LeftButton)
    dock.canvas().setDestinationCrs(canvas_crs)
    assert len(section.spectral_dock.profiles) == 2
    assert len(section.spectral_dock.profiles[0].values) == cube.bandCount()


def test_download_without_an_asset_layer_says_what_to_do(sim_factory, api_key, dock, qgis_iface):
    sim = sim_factory()
    connect(dock, sim, api_key)
    from qgis.core import QgsVectorLayer

    other = QgsVectorLayer("Point?crs=EPSG:4326", "not assets", "memory")
    QgsProject.instance().addMapLayer(other)
    qgis_iface.setActiveLayer(other)
    click(dock.downloads.download_selected_button)
    assert any("asset layer" in m for m in messages(qgis_iface, Qgis.Warning))


def test_cancelled_download_says_cancelled_not_failed_and_re_enables_the_buttons(sim_factory, api_key, dock,
                                                                                  qgis_iface):
    from pixxel_qgis.tests.helpers import wait_until

    sim = sim_factory(seed_aois=1, asset_count=4, raster_size=64)
    group, assets = load_seeded_aoi(dock, sim, api_key, qgis_iface)
    sim.storage.set_faults(slow_body_s=0.2, slow_bodies=20)
    section = dock.downloads
    warnings_before = len(messages(qgis_iface, Qgis.Warning))
    click(section.download_all_button)
    task = section.task
    wait_until(lambda: task.bytes > 0, what="the first bytes of the download")
    click(section.cancel_download_button)
    wait_idle(dock, timeout=60)
    assert "cancelled" in section.download_status.text().lower(), section.download_status.text()
    assert ".part" in section.download_status.text()
    assert len(messages(qgis_iface, Qgis.Warning)) == warnings_before  # a cancel is not a failure
    assert section.download_all_button.isEnabled() and not section.cancel_download_button.isEnabled()
    assert not [n for n in group.findLayers() if isinstance(n.layer(), QgsRasterLayer)]
