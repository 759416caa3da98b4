"""The Pixxel Processing provider: both algorithms through processing.run against the simulator."""

import os
import sys
import threading
import time

import pytest
from qgis.core import (
    QgsApplication,
    QgsAuthMethodConfig,
    QgsFeature,
    QgsGeometry,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
)

FAST_POLL = {"initial_delay": 0.1, "factor": 1.5, "max_delay": 0.3, "max_transient": 5}
from pixxel_simulator import FIRST_PROJECT_ID as PROJECT_ID  # noqa: E402
from pixxel_simulator import TD2_ID  # noqa: E402

ITEM_ID = "TD2_000650_20230404_L2A_20240405_01001067"


@pytest.fixture(scope="module")
def processing_ready(qgis_app):
    plugins_dir = "/usr/share/qgis/python/plugins"
    if plugins_dir not in sys.path and os.path.isdir(plugins_dir):
        sys.path.append(plugins_dir)
    from processing.core.Processing import Processing

    Processing.initialize()
    yield
    QgsApplication.processingRegistry().removeProvider("pixxel")


_KEEP = {}  # the Python provider must stay referenced while registered (as plugin.provider does)


@pytest.fixture
def provider(processing_ready):
    """The Pixxel provider, registered (once; a test may have removed it)."""
    from pixxel_qgis.processing_provider.provider import PixxelProvider

    registry = QgsApplication.processingRegistry()
    if registry.providerById("pixxel") is None:
        _KEEP["provider"] = PixxelProvider()
        assert registry.addProvider(_KEEP["provider"])
    return _KEEP["provider"]


@pytest.fixture
def fast_poll(monkeypatch):
    from pixxel_qgis.processing_provider import common

    monkeypatch.setattr(common, "POLL_OPTIONS", dict(FAST_POLL))


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv("PIXXEL_API_KEY", raising=False)
    monkeypatch.delenv("PIXXEL_BASE_URL", raising=False)


@pytest.fixture
def clean_connection(clean_connection, no_env):  # conftest's, without PIXXEL_* environment variables
    return clean_connection


def polygon_layer(crs="EPSG:32643", squares=((0, 0),), size=2000.0, origin=(500000.0, 1400000.0)):
    """Squares of `size` metres in UTM 43N (India) by default; offsets in units of `size`."""
    layer = QgsVectorLayer(f"Polygon?crs={crs}&field=name:string", "fields", "memory")
    feats = []
    for i, (dx, dy) in enumerate(squares):
        x0, y0 = origin[0] + dx * size, origin[1] + dy * size
        f = QgsFeature(layer.fields())
        f.setAttributes([f"f{i}"])
        f.setGeometry(QgsGeometry.fromWkt(
            f"POLYGON(({x0} {y0},{x0 + size} {y0},{x0 + size} {y0 + size},{x0} {y0 + size},{x0} {y0}))"))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    QgsProject.instance().addMapLayer(layer)
    return layer


def create_params(layer, sim, name, **extra):
    params = {
        "INPUT": layer,
        "NAME": name,
        "DESCRIPTION": "from processing",
        "PROJECT_ID": PROJECT_ID,
        "SATELLITE_ID": TD2_ID,
        "PROVIDER": 0,
        "ITEM_IDS": ITEM_ID,
        "BASE_URL": sim.url,
        "BOUNDARY": "memory:",
    }
    params.update(extra)
    return params


def run(alg_id, params, feedback=None):
    import processing

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return processing.run(alg_id, params, feedback=feedback or QgsProcessingFeedback(), context=context)


def _layer(value):
    return value if isinstance(value, QgsVectorLayer) else QgsProject.instance().mapLayer(value)


def test_provider_lists_both_algorithms_with_help(provider):
    registry = QgsApplication.processingRegistry()
    assert provider.id() == "pixxel" and provider.name() == "Pixxel"
    assert not provider.icon().isNull()
    for alg_id in ("pixxel:createaoi", "pixxel:loadassets"):
        alg = registry.algorithmById(alg_id)
        assert alg is not None, alg_id
        assert alg.shortHelpString()
        for p in alg.parameterDefinitions():
            assert p.help(), f"{alg_id} parameter {p.name()} has no help text"
        names = {p.name() for p in alg.parameterDefinitions()}
        assert {"BASE_URL", "AUTHCFG"} <= names
        assert not any("KEY" in n for n in names)  # the key itself is never a parameter


def test_the_plugin_registers_the_provider_and_removes_it_on_unload(processing_ready):
    from pixxel_qgis import classFactory

    registry = QgsApplication.processingRegistry()
    registry.removeProvider("pixxel")
    plugin = classFactory(None)  # what qgis_process does: no iface, initProcessing() only
    plugin.initProcessing()
    try:
        assert registry.providerById("pixxel") is plugin.provider is not None
        assert registry.algorithmById("pixxel:createaoi") is not None
        assert registry.algorithmById("pixxel:loadassets") is not None
    finally:
        plugin.unload()
    assert registry.providerById("pixxel") is None
    assert registry.algorithmById("pixxel:createaoi") is None


def test_create_then_load_with_the_stored_connection(provider, sim_factory, api_key, clean_connection,
                                                     fast_poll):
    sim = sim_factory(aoi_duration_s=0.6, asset_count=30)
    clean_connection.save_connection(sim.url, api_key)
    layer = polygon_layer(squares=((0, 0), (1, 0), (5, 5)))
    layer.selectByIds([1, 2])  # fids start at 1: the two touching squares
    params = create_params(layer, sim, "processing-stored",
                           INPUT=QgsProcessingFeatureSourceDefinition(layer.id(), selectedFeaturesOnly=True))
    del params["BASE_URL"]  # stored base URL too
    feedback = QgsProcessingFeedback()
    progress = []
    feedback.progressChanged.connect(progress.append)
    result = run("pixxel:createaoi", params, feedback)

    aoi_id = result["AOI_ID"]
    assert aoi_id and result["AOI_IDS"] == aoi_id and result["STATUS"] == "success"
    assert [a["name"] for a in sim.aois()] == ["processing-stored"]
    created = sim.aois()[0]
    assert created["project_id"] == PROJECT_ID
    assert [r.item_ids for r in sim.state._aois.values()] == [[ITEM_ID]]
    boundary = _layer(result["BOUNDARY"])
    feats = list(boundary.getFeatures())
    assert len(feats) == 1
    assert feats[0]["aoi_id"] == aoi_id and feats[0]["status"] == "success"
    bbox = feats[0].geometry().boundingBox()
    assert 74.9 < bbox.xMinimum() < bbox.xMaximum() < 75.1  # reprojected from UTM 43N to lon/lat
    # only the two selected touching squares were merged: 4 km x 2 km
    assert 7.5e6 < feats[0]["area_in_sq_m"] < 8.5e6 or feats[0]["area_in_sq_m"] is None
    assert progress and max(progress) == 100
    assert api_key not in "".join(feedback.textLog() if hasattr(feedback, "textLog") else "")

    # Explicit URL here: concurrent pytest runs share the pytest-qgis profile and may save theirs meanwhile.
    loaded = run("pixxel:loadassets", {"AOI_ID": aoi_id, "BASE_URL": sim.url, "OUTPUT": "memory:"})
    assets = _layer(loaded["OUTPUT"])
    assert loaded["COUNT"] == 30 == assets.featureCount()
    names = [f.name() for f in assets.fields()]
    assert names[:5] == ["id", "name", "aoi_id", "asset_type", "status"]
    from pixxel_qgis.core.assets.asset_fields import asset_fields

    assert [(f.name(), f.type()) for f in assets.fields()] == [(f.name(), f.type()) for f in asset_fields()]
    assert {f["aoi_id"] for f in assets.getFeatures()} == {aoi_id}
    assert assets.crs().authid() == "EPSG:4326"


def test_load_assets_with_an_auth_config_and_gpkg_output(provider, sim_factory, api_key, clean_connection,
                                                         tmp_path):
    sim = sim_factory(seed_aois=1, asset_count=12)
    aoi_id = sim.aois()[0]["aoi_id"]
    am = QgsApplication.authManager()
    cfg = QgsAuthMethodConfig("Basic")
    cfg.setName("pixxel processing test")
    cfg.setConfig("username", "pixxel-api-key")
    cfg.setConfig("password", api_key)
    am.storeAuthenticationConfig(cfg)
    try:
        out = str(tmp_path / "assets.gpkg")
        result = run("pixxel:loadassets", {"AOI_ID": aoi_id, "BASE_URL": sim.url, "AUTHCFG": cfg.id(),
                                           "OUTPUT": out})
        assert result["COUNT"] == 12
        layer = QgsVectorLayer(result["OUTPUT"], "assets", "ogr")
        assert layer.isValid() and layer.featureCount() == 12
    finally:
        am.removeAuthenticationConfig(cfg.id())


def test_per_feature_mode_creates_one_aoi_per_polygon(provider, sim_factory, api_key, no_env, monkeypatch,
                                                      fast_poll):
    monkeypatch.setenv("PIXXEL_API_KEY", api_key)
    sim = sim_factory(aoi_duration_s=0)
    layer = polygon_layer(squares=((0, 0), (5, 5)))
    result = run("pixxel:createaoi", create_params(layer, sim, "per-feature", MODE=2))
    ids = result["AOI_IDS"].split(",")
    assert len(ids) == 2 and result["AOI_ID"] == ids[0]
    assert sorted(a["name"] for a in sim.aois()) == ["per-feature-1", "per-feature-2"]
    assert _layer(result["BOUNDARY"]).featureCount() == 2


def test_wrong_key_gives_the_auth_message(provider, sim_factory, no_env, monkeypatch):
    monkeypatch.setenv("PIXXEL_API_KEY", "not-the-key")
    sim = sim_factory()
    layer = polygon_layer()
    with pytest.raises(QgsProcessingException) as err:
        run("pixxel:createaoi", create_params(layer, sim, "wrong-key"))
    text = str(err.value)
    assert "Check your API key" in text
    assert "not-the-key" not in text
    assert sim.aois() == []
    with pytest.raises(QgsProcessingException, match="Check your API key"):
        run("pixxel:loadassets", {"AOI_ID": "x", "BASE_URL": sim.url, "OUTPUT": "memory:"})


def test_no_key_anywhere_says_where_to_put_one(provider, simulator, clean_connection):
    with pytest.raises(QgsProcessingException, match="No Pixxel API key"):
        run("pixxel:loadassets", {"AOI_ID": "x", "BASE_URL": simulator.url, "OUTPUT": "memory:"})


def test_point_layer_is_refused_clearly(provider, simulator, api_key, no_env, monkeypatch):
    monkeypatch.setenv("PIXXEL_API_KEY", api_key)
    layer = QgsVectorLayer("Point?crs=EPSG:4326", "pts", "memory")
    f = QgsFeature()
    f.setGeometry(QgsGeometry.fromWkt("POINT(75 12)"))
    layer.dataProvider().addFeatures([f])
    QgsProject.instance().addMapLayer(layer)
    with pytest.raises(QgsProcessingException) as err:
        run("pixxel:createaoi", create_params(layer, simulator, "points"))
    assert "Layer 'pts' is a point layer; an AOI needs polygons" in str(err.value)  # the panel's text
    assert simulator.aois() == []


def test_selected_only_without_a_selection_says_so(provider, simulator, api_key, no_env, monkeypatch):
    monkeypatch.setenv("PIXXEL_API_KEY", api_key)
    layer = polygon_layer()
    layer.removeSelection()
    params = create_params(layer, simulator, "nothing",
                           INPUT=QgsProcessingFeatureSourceDefinition(layer.id(), selectedFeaturesOnly=True))
    with pytest.raises(QgsProcessingException, match="Nothing selected in layer 'fields'"):
        run("pixxel:createaoi", params)


def test_separate_polygons_in_merge_mode_ask_for_a_choice(provider, simulator, api_key, no_env, monkeypatch):
    monkeypatch.setenv("PIXXEL_API_KEY", api_key)
    layer = polygon_layer(squares=((0, 0), (5, 5)))
    with pytest.raises(QgsProcessingException, match="One AOI per feature"):
        run("pixxel:createaoi", create_params(layer, simulator, "apart"))


def test_bad_project_id_is_refused_before_any_request(provider, simulator, api_key, no_env, monkeypatch):
    monkeypatch.setenv("PIXXEL_API_KEY", api_key)
    layer = polygon_layer()
    with pytest.raises(QgsProcessingException, match="not a valid project id"):
        run("pixxel:createaoi", create_params(layer, simulator, "bad", PROJECT_ID="agri-monitoring"))
    assert not [r for r in simulator.request_log if r[0] == "POST"]


def test_unknown_aoi_id_gives_the_not_found_message(provider, simulator, api_key, no_env, monkeypatch):
    monkeypatch.setenv("PIXXEL_API_KEY", api_key)
    with pytest.raises(QgsProcessingException, match="Check that the ID is right"):
        run("pixxel:loadassets", {"AOI_ID": "no-such-aoi", "BASE_URL": simulator.url, "OUTPUT": "memory:"})


def test_cancel_during_the_wait_stops_promptly(provider, sim_factory, api_key, no_env, monkeypatch, fast_poll):
    monkeypatch.setenv("PIXXEL_API_KEY", api_key)
    sim = sim_factory(aoi_duration_s=60)
    layer = polygon_layer()
    feedback = QgsProcessingFeedback()

    def cancel_when_created():
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not sim.aois():
            time.sleep(0.05)
        time.sleep(0.4)  # a few polls
        feedback.cancel()

    canceller = threading.Thread(target=cancel_when_created)
    canceller.start()
    started = time.monotonic()
    try:
        with pytest.raises(QgsProcessingException) as err:
            run("pixxel:createaoi", create_params(layer, sim, "cancel-me"), feedback)
    finally:
        canceller.join()
    assert time.monotonic() - started < 15
    aoi_id = sim.aois()[0]["aoi_id"]
    assert "Stopped waiting" in str(err.value) and aoi_id in str(err.value)
