"""The chaining algorithms "Wait for AOI" and "List AOIs" through processing.run against the simulator."""

import pytest
from pixxel_qgis.client import AOICreate
from pixxel_qgis.tests import test_processing as _tp
from pixxel_qgis.tests.helpers import FAST_CLIENT
from pixxel_simulator import BENGALURU_AOI as BLR
from pixxel_simulator import FIRST_PROJECT_ID as PROJECT
from pixxel_simulator import TD2_ID as TD2
from qgis.core import QgsProcessingException, QgsProcessingFeedback

# test_processing's fixtures and helpers (the provider registered once, the environment without PIXXEL_*)
processing_ready, provider, fast_poll, no_env = _tp.processing_ready, _tp.provider, _tp.fast_poll, _tp.no_env
run, _layer = _tp.run, _tp._layer


def create(sim, api_key, name):
    from pixxel_qgis.client import PixxelClient

    with PixxelClient(api_key, base_url=sim.url, **FAST_CLIENT) as client:
        return client.create_aoi(AOICreate(name=name, description="chain", satellite_id=TD2, project_id=PROJECT,
                                           geometry=BLR, item_ids=["item-1"]))


def test_wait_for_aoi_returns_the_final_status(provider, sim_factory, api_key, no_env, monkeypatch, fast_poll):
    sim = sim_factory(aoi_duration_s=1.0, asset_count=4)
    monkeypatch.setenv("PIXXEL_API_KEY", api_key)
    aoi = create(sim, api_key, "wait me")
    feedback = QgsProcessingFeedback()
    progress = []
    feedback.progressChanged.connect(progress.append)
    result = run("pixxel:waitforaoi", {"AOI_ID": aoi.aoi_id, "BASE_URL": sim.url}, feedback)
    assert result["AOI_ID"] == aoi.aoi_id and result["STATUS"] == "success" and result["PROGRESS"] == 100
    gets = [p for m, p, _s in sim.request_log if m == "GET" and p == f"/v0/aoi/{aoi.aoi_id}"]
    assert len(gets) >= 2  # it really waited: the AOI was not final at first
    assert progress and max(progress) == 100


def test_wait_for_aoi_gives_up_after_its_time_limit(provider, sim_factory, api_key, no_env, monkeypatch, fast_poll):
    sim = sim_factory(aoi_duration_s=3600.0)
    monkeypatch.setenv("PIXXEL_API_KEY", api_key)
    aoi = create(sim, api_key, "too slow")
    with pytest.raises(QgsProcessingException, match="still being processed"):
        run("pixxel:waitforaoi", {"AOI_ID": aoi.aoi_id, "BASE_URL": sim.url, "TIMEOUT": 0.01})


def test_list_aois_gives_the_board_layer(provider, sim_factory, api_key, no_env, monkeypatch):
    from pixxel_qgis.core.board.layer import FIELDS

    sim = sim_factory(aoi_duration_s=3600.0)
    monkeypatch.setenv("PIXXEL_API_KEY", api_key)
    made = [create(sim, api_key, f"listed {i}") for i in range(3)]
    result = run("pixxel:listaois", {"BASE_URL": sim.url, "OUTPUT": "memory:"})
    layer = _layer(result["OUTPUT"])
    assert result["COUNT"] == 3 == layer.featureCount()
    assert [f.name() for f in layer.fields()] == [name for name, _ in FIELDS]
    rows = {f["aoi_id"]: f for f in layer.getFeatures()}
    assert set(rows) == {a.aoi_id for a in made}
    assert {rows[a.aoi_id]["name"] for a in made} == {"listed 0", "listed 1", "listed 2"}
    assert {f["status"] for f in rows.values()} <= {"started", "running"}
    assert all(f.hasGeometry() and f.geometry().boundingBox().xMinimum() > 77 for f in rows.values())
    assert layer.crs().authid() == "EPSG:4326"


def test_search_images_gives_footprints_and_item_ids_for_create(provider, simulator, api_key, no_env,
                                                               monkeypatch):
    from pixxel_qgis.tests.test_processing import polygon_layer

    monkeypatch.setenv("PIXXEL_API_KEY", api_key)
    layer = polygon_layer(crs="EPSG:4326", size=0.1, origin=(77.5, 12.9))  # in the simulator's catalogue
    result = run("pixxel:searchimages", {"INPUT": layer, "SATELLITE_ID": TD2, "START_DATE": "2020-01-01",
                                         "END_DATE": "2026-12-31", "MAX_CLOUD": 100, "MAX_ITEMS": 5,
                                         "BASE_URL": simulator.url, "OUTPUT": "memory:"})
    footprints = _layer(result["OUTPUT"])
    ids = result["ITEM_IDS"].split(",")
    assert 1 <= result["COUNT"] == len(ids) == footprints.featureCount() <= 5
    assert [f["item_id"] for f in footprints.getFeatures()] == ids
    assert all(f.hasGeometry() and 0 <= f["cloud_cover"] <= 100 for f in footprints.getFeatures())
    searches = [s for m, p, s in simulator.request_log if m == "POST" and p.endswith("/search")]
    assert searches and set(searches) == {200}


def test_search_images_refuses_a_bad_date(provider, simulator, api_key, no_env, monkeypatch):
    from pixxel_qgis.tests.test_processing import polygon_layer

    monkeypatch.setenv("PIXXEL_API_KEY", api_key)
    with pytest.raises(QgsProcessingException, match="YYYY-MM-DD"):
        run("pixxel:searchimages", {"INPUT": polygon_layer(), "SATELLITE_ID": TD2, "START_DATE": "31/03/2024",
                                    "END_DATE": "2024-04-30", "BASE_URL": simulator.url, "OUTPUT": "memory:"})


def test_the_example_model_is_valid_and_chains_the_outputs(provider):
    from pathlib import Path

    from qgis.core import QgsProcessingModelAlgorithm

    path = Path(__file__).resolve().parent.parent / "processing_provider" / "models"
    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(path / "pixxel_search_create_wait_load.model3"))
    assert model.validate() == (True, [])  # what the modeler checks before it runs (no red boxes)
    children = model.childAlgorithms()
    assert {c.algorithmId() for c in children.values()} == {
        "pixxel:searchimages", "pixxel:createaoi", "pixxel:waitforaoi", "pixxel:loadassets"}
    assert model.dependsOnChildAlgorithms("load") == {"wait", "create", "search"}
    assert [s.outputChildId() for s in children["create"].parameterSources()["ITEM_IDS"]] == ["search"]
