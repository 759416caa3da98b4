"""Processing "Download AOI assets" (pixxel:downloadassets) against the simulator and its storage host."""

import os

import pytest
from pixxel_simulator import SATELLITES
from qgis.core import QgsApplication, QgsProcessingException, QgsProcessingFeedback

from .test_processing import no_env, processing_ready, provider, run  # noqa: F401 (fixtures)


def test_download_algorithm_is_listed_with_help(provider):  # noqa: F811
    alg = QgsApplication.processingRegistry().algorithmById("pixxel:downloadassets")
    assert alg is not None and alg.shortHelpString()
    assert all(p.help() for p in alg.parameterDefinitions())
    assert {"AOI_ID", "ASSET_IDS", "FOLDER", "BASE_URL", "AUTHCFG"} <= {p.name() for p in alg.parameterDefinitions()}


def test_download_given_assets_then_nothing_twice(provider, sim_factory, api_key, no_env, monkeypatch,  # noqa: F811
                                                  tmp_path):
    monkeypatch.setenv("PIXXEL_API_KEY", api_key)
    sim = sim_factory(seed_aois=1, asset_count=6, raster_size=64)
    aoi_id = sim.aois()[0]["aoi_id"]
    import requests

    assets = requests.get(f"{sim.url}/v0/aois/{aoi_id}/assets", headers={"Authorization": api_key},
                          timeout=5).json()["assets"]
    ids = [a["id"] for a in assets[:2]]
    folder = str(tmp_path / "dl")
    result = run("pixxel:downloadassets", {"AOI_ID": aoi_id, "ASSET_IDS": ",".join(ids), "FOLDER": folder,
                                           "BASE_URL": sim.url})
    assert result["FOLDER"] == folder and result["COUNT"] == 2
    assert len(result["OUTPUT_LAYERS"]) == 2 and all(os.path.isfile(p) for p in result["OUTPUT_LAYERS"])
    import processing
    from qgis.core import (
        QgsMultiBandColorRenderer,
        QgsProcessingContext,
        QgsProcessingUtils,
        QgsProject,
        QgsRasterLayer,
    )

    folder2 = str(tmp_path / "dl2")
    # what runAndLoadResults does, without its GUI half (QGIS 3.44 hands it the layer tree view, which the
    # test iface does not have): the layers to load go to the project, then through their post-processor
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    processing.run("pixxel:downloadassets", {"AOI_ID": aoi_id, "ASSET_IDS": ids[0], "FOLDER": folder2,
                                             "BASE_URL": sim.url}, context=context, feedback=feedback)
    to_load = context.layersToLoadOnCompletion()
    assert to_load, "the algorithm asked QGIS to load nothing"
    for source, details in to_load.items():
        layer = QgsProcessingUtils.mapLayerFromString(source, context)
        assert layer is not None, source
        context.temporaryLayerStore().takeMapLayer(layer)
        QgsProject.instance().addMapLayer(layer)
        if details.postProcessor():
            details.postProcessor().postProcessLayer(layer, context, feedback)
    loaded = [lyr for lyr in QgsProject.instance().mapLayers().values() if isinstance(lyr, QgsRasterLayer)
              and lyr.source().startswith(folder2)]
    assert len(loaded) == 1 and isinstance(loaded[0].renderer(), QgsMultiBandColorRenderer)
    r = loaded[0].renderer()  # true colour from the satellite's rgb_composite, not GDAL's default bands 1-2-3
    sat = next(s for s in SATELLITES if s["id"] == sim.aois()[0]["satellite_id"])
    assert [assets[0]["band_list"][b - 1] for b in (r.redBand(), r.greenBand(), r.blueBand())] == [
        sat["rgb_composite"][c] for c in ("red", "green", "blue")]
    gets = len([e for e in sim.storage.request_log if e["method"] == "GET"])
    result = run("pixxel:downloadassets", {"AOI_ID": aoi_id, "ASSET_IDS": ",".join(ids), "FOLDER": folder,
                                           "BASE_URL": sim.url})
    assert result["COUNT"] == 2
    assert len([e for e in sim.storage.request_log if e["method"] == "GET"]) == gets  # already on disk
    assert all(api_key not in str(e["headers"]) + e["url"] for e in sim.storage.request_log)


def test_unknown_asset_id_is_named(provider, sim_factory, api_key, no_env, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setenv("PIXXEL_API_KEY", api_key)
    sim = sim_factory(seed_aois=1, asset_count=3)
    aoi_id = sim.aois()[0]["aoi_id"]
    with pytest.raises(QgsProcessingException, match="no asset nope"):
        run("pixxel:downloadassets", {"AOI_ID": aoi_id, "ASSET_IDS": "nope", "FOLDER": str(tmp_path),
                                      "BASE_URL": sim.url}, feedback=QgsProcessingFeedback())
