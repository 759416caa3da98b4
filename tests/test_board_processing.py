"""AOIs created through Processing (pixxel:createaoi, the example model) go on the AOI board when the plugin is
loaded, and are watched there; without the plugin's GUI (qgis_process) there is no board and nothing is added."""

from pathlib import Path

import pytest
from pixxel_qgis.core.board import hub
from pixxel_qgis.core.board import layer as board_layer
from pixxel_qgis.tests import test_board as _tb
from pixxel_qgis.tests import test_processing as _tp
from pixxel_qgis.tests.helpers import wait_until
from pixxel_simulator import FIRST_PROJECT_ID as PROJECT_ID
from pixxel_simulator import TD2_ID
from qgis.core import QgsProcessingException, QgsProcessingFeatureSourceDefinition, QgsProject

pytestmark = pytest.mark.usefixtures("qgis_app")

processing_ready, provider, fast_poll, no_env = _tp.processing_ready, _tp.provider, _tp.fast_poll, _tp.no_env
saved, project, status_of = _tb.saved, _tb.project, _tb.status_of
MODEL = Path(__file__).resolve().parent.parent / "processing_provider" / "models" / "pixxel_search_create_wait_load.model3"


@pytest.fixture
def plugin(provider, no_env, saved, project, tmp_path):
    with _tb.loaded_plugin(tmp_path) as plugin:
        yield plugin


def test_an_aoi_created_by_the_algorithm_goes_on_the_board_and_is_watched(plugin, saved, fast_poll):
    sim, base_url, _client = saved
    sim.update_config(aoi_duration_s=2.5)
    finals = []
    plugin.board.reachedFinal.connect(finals.append)
    layer = _tp.polygon_layer()
    params = _tp.create_params(layer, sim, "from-processing", MAX_WAIT=0.005)  # stops waiting after 0.3 s
    with pytest.raises(QgsProcessingException, match="still being processed"):
        _tp.run("pixxel:createaoi", params)
    (created,) = sim.aois()
    poller = plugin.board.pollers[base_url]
    row = status_of(poller.layer, created["aoi_id"])
    assert row["name"] == "from-processing" and row["status"] in ("started", "running")
    assert created["aoi_id"] in poller.schedule.watched
    # the board's poller takes it to its final status, with the note (no user action, no second create)
    wait_until(lambda: status_of(poller.layer, created["aoi_id"])["status"] == "success", 15, "success on the board")
    assert [a.aoi_id for a in finals] == [created["aoi_id"]] and len(sim.aois()) == 1


def test_the_example_model_run_with_the_plugin_loaded_puts_its_aoi_on_the_board(plugin, saved, fast_poll, tmp_path):
    from qgis.core import QgsProcessingModelAlgorithm, QgsVectorLayer

    sim, base_url, _client = saved
    sim.update_config(aoi_duration_s=0.5, asset_count=5)
    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(MODEL))
    fields = QgsVectorLayer("Polygon?crs=EPSG:4326&field=name:string", "fields", "memory")
    from qgis.core import QgsFeature, QgsGeometry

    feature = QgsFeature(fields.fields())
    feature.setAttribute("name", "field")
    feature.setGeometry(QgsGeometry.fromWkt("POLYGON((77.6 13.0, 77.63 13.0, 77.63 13.03, 77.6 13.03, 77.6 13.0))"))
    fields.dataProvider().addFeatures([feature])
    QgsProject.instance().addMapLayer(fields)
    fields.selectAll()
    params = {"INPUT": QgsProcessingFeatureSourceDefinition(fields.id(), selectedFeaturesOnly=True),
              "NAME": "model on the board", "PROJECT_ID": PROJECT_ID, "SATELLITE_ID": TD2_ID,
              "START_DATE": "2020-01-01", "END_DATE": "2030-12-31", "MAX_CLOUD": 100, "MAX_ITEMS": 3,
              "BASE_URL": sim.url, "load:Assets": str(tmp_path / "assets.gpkg")}
    _tp.run(model, params)
    (created,) = sim.aois()
    row = status_of(plugin.board.pollers[base_url].layer, created["aoi_id"])
    assert row["name"] == "model on the board" and row["status"] == "success"  # its final status at once


def test_without_the_plugin_there_is_no_board(provider, no_env, saved, project, fast_poll):
    """qgis_process and scripts: no plugin GUI, so no board; the algorithm works and adds no board layer."""
    sim, base_url, _client = saved
    sim.update_config(aoi_duration_s=0.3)
    assert not hub.attached()
    assert hub.aoi_created(base_url, object()) is False
    result = _tp.run("pixxel:createaoi", _tp.create_params(_tp.polygon_layer(), sim, "no-board"))
    assert result["STATUS"] == "success"
    assert board_layer.board_layers(QgsProject.instance()) == []
