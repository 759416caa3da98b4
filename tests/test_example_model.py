"""The example model (processing_provider/models/*.model3) runs headless through qgis_process against the
simulator: selected polygons -> Search images -> Create AOI with the found items -> Wait -> Load assets."""

import json
from pathlib import Path

import pytest
from pixxel_qgis.tests.test_qgis_process import QGIS_PROCESS, profile, qgis_process  # noqa: F401 - profile fixture
from pixxel_simulator import FIRST_PROJECT_ID as PROJECT_ID
from pixxel_simulator import TD2_ID

MODEL = Path(__file__).resolve().parent.parent / "processing_provider" / "models" / "pixxel_search_create_wait_load.model3"

pytestmark = pytest.mark.skipif(QGIS_PROCESS is None, reason="qgis_process.bin is not installed (Debian package 'qgis')")


def fields_geojson(path: Path):
    """Two squares in the simulator's Bengaluru catalogue region; the second is the one 'selected'."""
    features = []
    for i, (lon, lat) in enumerate(((77.45, 12.85), (77.6, 13.0))):
        d = 0.03
        ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
        features.append({"type": "Feature", "properties": {"name": f"field {i}"},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_the_example_model_searches_creates_waits_and_loads_the_assets(profile, sim_factory, api_key,  # noqa: F811
                                                                        tmp_path):
    from qgis.core import QgsVectorLayer

    sim = sim_factory(aoi_duration_s=1.0, asset_count=12)
    src = fields_geojson(tmp_path / "fields.geojson")
    assets = tmp_path / "assets.gpkg"
    # the selection: a subset string stands for "selected polygons" on the command line
    out = qgis_process(profile, api_key, str(MODEL), f"--INPUT={src}|subset=\"name\" = 'field 1'",
                       "--NAME=model chain", f"--PROJECT_ID={PROJECT_ID}", f"--SATELLITE_ID={TD2_ID}",
                       "--START_DATE=2020-01-01", "--END_DATE=2030-12-31", "--MAX_CLOUD=100", "--MAX_ITEMS=3",
                       f"--BASE_URL={sim.url}", f"--load:Assets={assets}", timeout=300)
    (aoi,) = sim.aois()
    assert aoi["name"] == "model chain" and aoi["status"] == "success"
    record = next(iter(sim.state._aois.values()))
    searched = [s for m, p, s in sim.request_log if m == "POST" and p.endswith("/search")]
    assert searched and 1 <= len(record.item_ids) <= 3  # the items the search found went into the AOI
    bbox = [c for ring in aoi["geometry"]["coordinates"] for c in ring]
    assert min(x for x, _ in bbox) >= 77.59  # only the "selected" polygon
    layer = QgsVectorLayer(str(out["results"].get("load:Assets") or assets), "assets", "ogr")
    assert layer.isValid() and layer.featureCount() == 12
    assert {f["aoi_id"] for f in layer.getFeatures()} == {aoi["aoi_id"]}
