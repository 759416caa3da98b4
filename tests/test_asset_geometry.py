"""core/asset_geometry: GeoJSON Polygon/MultiPolygon -> MultiPolygon WKB, or None when unusable (pure)."""

import math

import pytest
import shapely
from pixxel_qgis.core.assets.asset_geometry import geojson_to_wkb, ring_is_usable
from pixxel_qgis.tests.asset_samples import DOCS_EXAMPLE_ASSET, square

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)


def test_polygon_becomes_multipolygon_wkb():
    geom = shapely.from_wkb(geojson_to_wkb({"type": "Polygon", "coordinates": [square(1, 2, 1)]}))
    assert geom.geom_type == "MultiPolygon"
    assert len(geom.geoms) == 1
    assert geom.area == pytest.approx(1.0)
    assert geom.bounds == (1, 2, 2, 3)


def test_multipolygon_with_hole_and_two_parts():
    outer = square(0, 0, 10)
    hole = [[1, 1], [1, 2], [2, 2], [2, 1], [1, 1]]
    coords = [[outer, hole], [square(20, 20, 1)]]
    geom = shapely.from_wkb(geojson_to_wkb({"type": "MultiPolygon", "coordinates": coords}))
    assert geom.geom_type == "MultiPolygon"
    assert len(geom.geoms) == 2
    assert len(geom.geoms[0].interiors) == 1
    assert geom.area == pytest.approx(100 - 1 + 1)


def test_unclosed_ring_is_closed_and_z_dropped_and_type_case_insensitive():
    geom = shapely.from_wkb(
        geojson_to_wkb({"type": "polygon", "coordinates": [[[0, 0, 5], [1, 0, 5], [1, 1, 5], [0, 1, 5]]]})
    )
    assert not geom.has_z
    ring = geom.geoms[0].exterior.coords
    assert ring[0] == ring[-1] and len(ring) == 5


def test_wkb_is_little_endian_multipolygon_header():
    wkb = geojson_to_wkb({"type": "Polygon", "coordinates": [square(0, 0)]})
    assert wkb[0] == 1 and int.from_bytes(wkb[1:5], "little") == 6


@pytest.mark.parametrize(
    "geometry",
    [
        DOCS_EXAMPLE_ASSET["geometry"],  # [[[123]]] with type "<string>"
        {"type": "Polygon", "coordinates": [[[123]]]},
        {"type": "MultiPolygon", "coordinates": [[[123]]]},
        {"type": "Polygon", "coordinates": []},
        {"type": "Polygon", "coordinates": [[]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]},  # too few positions
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0], [1, 1], [0, 0]]]},  # two distinct
        {"type": "Polygon", "coordinates": [[[0, 0], [1, "x"], [1, 1], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, None], [1, 1], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, math.nan], [1, 1], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [math.inf, 0], [1, 1], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1], [1, 1], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], {"x": 1}, [1, 1], [0, 0]]]},
        {"type": "Polygon", "coordinates": [["ab", "cd", "ef", "ab"]]},
        {"type": "Polygon", "coordinates": [square(0, 0), [[0, 0]]]},  # bad hole
        {"type": "Polygon", "coordinates": square(0, 0)},  # one nesting level missing
        {"type": "MultiPolygon", "coordinates": [square(0, 0)]},  # one nesting level missing
        {"type": "Point", "coordinates": [1, 2]},
        {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
        {"type": None, "coordinates": [square(0, 0)]},
        {"coordinates": [square(0, 0)]},
        {"type": "Polygon"},
        {"type": "Polygon", "coordinates": "[[[0,0]]]"},
        None,
        "POLYGON((0 0,1 0,1 1,0 0))",
        [],
    ],
)
def test_unusable_geometries_give_none(geometry):
    assert geojson_to_wkb(geometry) is None


def test_ring_is_usable():
    assert ring_is_usable(square(0, 0))
    assert not ring_is_usable([[123]])


def test_matches_shapely_on_many_shapes():
    for i in range(50):
        coords = [[[i, 0], [i + 1, 0.5 * i], [i + 2, 3], [i, 2 + i], [i, 0]]]
        ours = shapely.from_wkb(geojson_to_wkb({"type": "Polygon", "coordinates": coords}))
        ref = shapely.MultiPolygon([shapely.Polygon(coords[0])])
        assert ours.equals_exact(ref, 0)
