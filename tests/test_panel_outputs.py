"""The panel's Output choice (GeoPackage in a folder / memory layers, kept in QgsSettings) and its
"Open as raster" button, driven through the real widget."""

import os

import pytest
from pixxel_qgis.core.assets import layers as L
from pixxel_qgis.core.assets.layer_style import apply_asset_style
from pixxel_qgis.core.settings import KEY_GPKG_FOLDER, KEY_OUTPUT_MODE
from pixxel_qgis.tests.asset_samples import make_aoi, make_asset
from pixxel_qgis.tests.helpers import click, connect, fill_form, messages, run_create, wait_idle
from qgis.core import Qgis, QgsProject, QgsRasterLayer, QgsSettings


def _gpkg_files(folder):
    return [os.path.join(r, f) for r, _d, fs in os.walk(folder) for f in fs if f.endswith(".gpkg")]


# ------------------------------------------------------------------------------------------------ Output


def test_defaults_to_geopackage_beside_the_project(make_dock, tmp_path):
    dock = make_dock()
    assert dock.flow.output.output_combo.currentText() == "GeoPackage" and dock.flow.output.save_gpkg
    assert dock.flow.output.gpkg_folder is None and dock.flow.output.gpkg_folder_widget.isEnabled()
    project = QgsProject.instance()
    project.setFileName(str(tmp_path / "proj" / "p.qgz"))
    try:
        path = dock.flow.output.gpkg_path(project, make_aoi())
        assert path.startswith(L.default_gpkg_folder(project) + os.sep)
        assert L.default_gpkg_folder(project) == str(tmp_path / "proj" / "pixxel_data")
    finally:
        project.setFileName("")


def test_memory_mode_adds_memory_layers_and_writes_no_gpkg(sim_factory, api_key, make_dock, bengaluru, tmp_path):
    sim = sim_factory(asset_count=7, aoi_duration_s=0.2)
    dock = make_dock()
    folder = tmp_path / "chosen"
    dock.flow.output.gpkg_folder_widget.setFilePath(str(folder))
    dock.flow.output.output_combo.setCurrentIndex(dock.flow.output.output_combo.findData("memory"))
    assert not dock.flow.output.save_gpkg and not dock.flow.output.gpkg_folder_widget.isEnabled()
    connect(dock, sim, api_key)
    fill_form(dock, bengaluru, name="In memory", items=1)
    run_create(dock)
    res = dock.last_result
    assert res and res["count"] == 7, dock.flow.create_status.text()
    assert res["gpkg"] is None
    assert res["asset_layer"].providerType() == "memory"
    assert res["boundary_layer"].providerType() == "memory"
    assert "Temporary (memory) layers" in dock.flow.create_status.text()
    assert not folder.exists() or _gpkg_files(str(folder)) == []
    default = L.default_gpkg_folder(QgsProject.instance())
    assert not any("In_memory" in os.path.basename(p) for p in _gpkg_files(default))


def test_chosen_folder_receives_the_gpkg(sim_factory, api_key, make_dock, bengaluru, tmp_path):
    sim = sim_factory(asset_count=5, aoi_duration_s=0.2)
    dock = make_dock()
    folder = tmp_path / "my gpkgs"
    dock.flow.output.gpkg_folder_widget.setFilePath(str(folder))
    assert dock.flow.output.gpkg_folder == str(folder) and dock.flow.output.save_gpkg
    connect(dock, sim, api_key)
    fill_form(dock, bengaluru, name="On disk", items=1)
    run_create(dock)
    res = dock.last_result
    assert res and res["gpkg"], dock.flow.create_status.text()
    assert os.path.dirname(res["gpkg"]) == str(folder)
    assert _gpkg_files(str(folder)) == [res["gpkg"]]
    assert res["asset_layer"].providerType() == "ogr" and res["asset_layer"].featureCount() == 5
    assert res["asset_layer"].source().startswith(res["gpkg"])


def test_output_choice_persists_across_a_new_panel(make_dock, tmp_path):
    first = make_dock()
    first.flow.output.output_combo.setCurrentIndex(first.flow.output.output_combo.findData("memory"))
    first.flow.output.gpkg_folder_widget.setFilePath(str(tmp_path / "kept"))
    assert QgsSettings().value(KEY_OUTPUT_MODE) == "memory"
    assert QgsSettings().value(KEY_GPKG_FOLDER) == str(tmp_path / "kept")

    second = make_dock()
    assert second.flow.output.output_combo.currentData() == "memory" and not second.flow.output.save_gpkg
    assert second.flow.output.gpkg_folder == str(tmp_path / "kept")
    assert not second.flow.output.gpkg_folder_widget.isEnabled()

    second.flow.output.save_gpkg = True  # the attribute drives the widget, and is saved like a user's choice
    second.flow.output.gpkg_folder = None
    third = make_dock()
    assert third.flow.output.output_combo.currentText() == "GeoPackage" and third.flow.output.gpkg_folder is None


# ------------------------------------------------------------------------------------------------ Open as raster


def _asset_layer(*paths):
    assets = [dict(make_asset(2 * i), id=f"asset-{i}", name=f"tile {i}", path=p) for i, p in enumerate(paths)]
    layer = L.build_asset_layer([assets], "Farms assets", "aoi-1").layer
    apply_asset_style(layer)
    QgsProject.instance().addMapLayer(layer)
    return layer


def _rasters():
    return [lyr for lyr in QgsProject.instance().mapLayers().values() if isinstance(lyr, QgsRasterLayer)]


def test_open_raster_without_a_selection_says_what_to_do(make_dock, qgis_iface):
    dock = make_dock()
    layer = _asset_layer("https://storage.example.com/a.tif")
    qgis_iface.setActiveLayer(layer)
    layer.removeSelection()
    click(dock.rasters.open_raster_button)
    warn = messages(qgis_iface, Qgis.Warning)
    assert warn and "No asset is selected" in warn[-1], warn
    assert "No asset is selected" in dock.rasters.raster_status.text()
    assert not dock.tasks.tasks and _rasters() == []


def test_open_raster_without_an_asset_layer(make_dock, qgis_iface, monkeypatch):
    dock = make_dock()
    monkeypatch.setattr(qgis_iface, "activeLayer", lambda: None)
    click(dock.rasters.open_raster_button)
    warn = messages(qgis_iface, Qgis.Warning)
    assert warn and "asset layer" in warn[-1]
    assert not dock.tasks.tasks


@pytest.mark.parametrize(
    "url, why",
    [
        ("https://storage.example.com/preview.png", "no GeoTIFF link"),
        ("", "has no link"),
        ("http://storage.example.com/a.tif", "plain http:// is unencrypted"),
    ],
)
def test_open_raster_refuses_unsuitable_links(make_dock, qgis_iface, url, why):
    dock = make_dock()
    layer = _asset_layer(url)
    qgis_iface.setActiveLayer(layer)
    layer.selectAll()
    click(dock.rasters.open_raster_button)
    warn = messages(qgis_iface, Qgis.Warning)
    assert warn and "Nothing to open" in warn[-1] and why in warn[-1], warn
    assert not dock.tasks.tasks and _rasters() == []


def test_open_raster_adds_the_selected_geotiff(make_dock, qgis_iface, tiff_server):
    dock = make_dock()
    layer = _asset_layer(f"{tiff_server}/assets/asset.tif?sig=abc", "https://storage.example.com/x.jpg")
    qgis_iface.setActiveLayer(layer)
    layer.selectAll()
    click(dock.rasters.open_raster_button)
    assert dock.tasks.tasks  # opened in a background task
    wait_idle(dock)
    rasters = _rasters()
    assert len(rasters) == 1 and rasters[0].isValid(), dock.rasters.raster_status.text()
    assert rasters[0].name() == "tile 0 raster"
    assert rasters[0].source() == f"/vsicurl/{tiff_server}/assets/asset.tif?sig=abc"
    text = dock.rasters.raster_status.text()
    assert text.startswith("1 raster layer(s) added") and "tile 1" in text  # the .jpg one was skipped
