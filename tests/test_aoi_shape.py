"""The pure-shapely half of the geometry step (no QGIS): repair, merge, refusals, orientation, vertex cap."""

import json
import math

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from pixxel_qgis.core.aoi.aoi_shape import (
    COORD_DECIMALS,
    MAX_VERTICES,
    MIN_AREA_M2,
    AoiShape,
    GeometryRefused,
    NeedsChoice,
    count_vertices,
    geodesic_area_m2,
    prepare_aoi,
)
from shapely.errors import GEOSException
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)

MODES = ("merge", "hull", "per_feature")


def _signed_area(ring):
    xy = np.asarray(ring, dtype=float)
    x, y = xy[:, 0], xy[:, 1]
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def assert_valid_aoi(shape: AoiShape, max_vertices: int = MAX_VERTICES):
    gj = shape.geojson
    assert set(gj) == {"type", "coordinates"}
    assert gj["type"] == "Polygon"
    rings = gj["coordinates"]
    assert rings, "no rings"
    for i, ring in enumerate(rings):
        assert len(ring) >= 4
        assert ring[0] == ring[-1], "ring not closed"
        for pos in ring:
            assert len(pos) == 2
            lon, lat = pos
            assert math.isfinite(lon) and math.isfinite(lat)
            assert -180 <= lon <= 180 and -90 <= lat <= 90
            assert round(lon, COORD_DECIMALS) == lon and round(lat, COORD_DECIMALS) == lat
        if i == 0:
            assert _signed_area(ring) > 0, "exterior must be counter-clockwise"
        else:
            assert _signed_area(ring) < 0, "holes must be clockwise"
    poly = shapely.from_geojson(json.dumps(gj))
    assert poly.geom_type == "Polygon" and poly.is_valid, shapely.is_valid_reason(poly)
    assert shape.vertex_count == sum(len(r) for r in rings) <= max_vertices
    assert shape.area_km2 * 1e6 >= MIN_AREA_M2
    assert isinstance(shape.notes, list) and all(isinstance(n, str) for n in shape.notes)


def run_all_modes(geoms, **kw):
    """Every mode either gives valid AOIs or refuses with a message; nothing else may escape."""
    for mode in MODES:
        try:
            shapes = prepare_aoi(geoms, mode, **kw)
        except GeometryRefused as exc:
            assert str(exc) and exc.reason
            if isinstance(exc, NeedsChoice):
                assert mode == "merge" and exc.parts >= 2
            continue
        assert shapes
        for s in shapes:
            assert_valid_aoi(s, kw.get("max_vertices", MAX_VERTICES))


# ------------------------------------------------------------------------------------------ basic cases


def test_square_with_hole_kept_and_oriented():
    # Exterior clockwise and hole counter-clockwise on input: both must be flipped.
    ext = [(77, 12), (77, 13), (78, 13), (78, 12), (77, 12)]
    hole = [(77.2, 12.2), (77.4, 12.2), (77.4, 12.4), (77.2, 12.4), (77.2, 12.2)]
    [shape] = prepare_aoi([Polygon(ext, [hole])])
    assert_valid_aoi(shape)
    assert len(shape.geojson["coordinates"]) == 2
    assert shape.vertex_count == 10
    assert shape.source_feature_ids == [0]
    assert shape.notes == []


def test_geodesic_area_one_degree_cell_at_equator():
    # Ellipsoidal area of the 1 x 1 degree cell at the equator is about 12,308.8 km².
    assert geodesic_area_m2(box(0, 0, 1, 1)) / 1e6 == pytest.approx(12308.8, abs=1.0)
    # Holes are subtracted; area does not depend on ring orientation.
    with_hole = Polygon(box(0, 0, 1, 1).exterior.coords, [box(0.25, 0.25, 0.75, 0.75).exterior.coords])
    assert geodesic_area_m2(with_hole) == pytest.approx(geodesic_area_m2(box(0, 0, 1, 1)) * 0.75, rel=1e-3)
    assert geodesic_area_m2(box(0, 0, 1, 1).reverse()) == pytest.approx(geodesic_area_m2(box(0, 0, 1, 1)))


def test_area_near_pole_and_small():
    # 100 m x 100 m near the equator: about 0.01 km².
    d = 100 / 111_320
    [shape] = prepare_aoi([box(10, 0, 10 + d, d * 111_320 / 110_574)])
    assert shape.area_km2 == pytest.approx(0.01, rel=0.01)
    cell = geodesic_area_m2(box(0, 80, 1, 81)) / 1e6
    assert 2040 < cell < 2070  # about 2,058 km² (the sphere of mean radius gives 2,040)


def test_three_separate_polygons_need_a_choice():
    squares = [box(i, 0, i + 0.5, 0.5) for i in range(3)]
    with pytest.raises(NeedsChoice) as info:
        prepare_aoi(squares, feature_ids=[10, 11, 12])
    exc = info.value
    assert exc.parts == 3 and exc.reason == "multiple_parts"
    assert "3 separate polygons" in str(exc)
    assert "'One AOI per feature'" in str(exc) and "'Convex hull'" in str(exc)
    assert isinstance(exc, GeometryRefused) and isinstance(exc, ValueError)

    per = prepare_aoi(squares, "per_feature", feature_ids=[10, 11, 12])
    assert [s.source_feature_ids for s in per] == [[10], [11], [12]]
    for s in per:
        assert_valid_aoi(s)

    [hull] = prepare_aoi(squares, "hull", feature_ids=[10, 11, 12])
    assert_valid_aoi(hull)
    assert hull.source_feature_ids == [10, 11, 12]
    assert hull.area_km2 > sum(s.area_km2 for s in per)
    assert any("convex hull" in n for n in hull.notes)


def test_overlapping_polygons_merge_into_one():
    [shape] = prepare_aoi([box(0, 0, 1, 1), box(0.5, 0.5, 1.5, 1.5)], feature_ids=[4, 7])
    assert_valid_aoi(shape)
    assert shape.source_feature_ids == [4, 7]
    assert shape.area_km2 == pytest.approx(geodesic_area_m2(box(0, 0, 1, 1) | box(0.5, 0.5, 1.5, 1.5)) / 1e6, rel=1e-4)


def test_bowtie_is_repaired_into_two_parts():
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    with pytest.raises(NeedsChoice) as info:
        prepare_aoi([bowtie])
    assert info.value.parts == 2
    shapes = prepare_aoi([bowtie], "per_feature")
    assert len(shapes) == 2
    for s in shapes:
        assert_valid_aoi(s)
        assert any("repaired feature 0 (self-intersection)" in n for n in s.notes)


def test_hole_outside_shell_repaired_to_one_polygon():
    # The hole sticks out of the shell: make_valid cuts it out, leaving one L-shaped polygon.
    [shape] = prepare_aoi([Polygon(box(0, 0, 2, 2).exterior.coords, [box(1, 1, 3, 3).exterior.coords])])
    assert_valid_aoi(shape)
    assert any("repaired" in n for n in shape.notes)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("reverse", [False, True], ids=["same-order", "reversed"])
def test_hole_repeating_its_exterior_is_refused_in_every_mode(mode, reverse):
    # Regression (found by Hypothesis on Debian testing, GEOS 3.14+): the hole cancels the whole shell.
    # Every mode must answer with a refusal naming the problem, never with no AOI at all, whatever the
    # shapely/GEOS versions (shapely 2.0's repair used to keep the square, newer ones nothing).
    ring = DEGENERATE_RING + DEGENERATE_RING[:1]
    hole = ring[::-1] if reverse else ring
    with pytest.raises(GeometryRefused) as info:
        prepare_aoi([Polygon(ring, [hole])], mode)
    assert info.value.reason == "too_small"
    assert "no area" in str(info.value) and info.value.feature_ids == [0]


def test_hole_repeating_its_exterior_next_to_a_good_feature():
    good = box(3, 3, 4, 4)
    ring = DEGENERATE_RING + DEGENERATE_RING[:1]
    for mode in MODES:
        with pytest.raises(GeometryRefused) as info:
            prepare_aoi([good, Polygon(ring, [ring])], mode, feature_ids=[7, 8])
        assert info.value.reason == "too_small" and info.value.feature_ids == [8], mode


def test_z_and_m_dropped():
    poly = shapely.from_wkt("POLYGON Z ((0 0 5, 1 0 5, 1 1 5, 0 1 5, 0 0 5))")
    [shape] = prepare_aoi([poly])
    assert_valid_aoi(shape)
    assert "dropped Z values" in shape.notes
    if hasattr(shapely, "has_m"):
        poly_m = shapely.from_wkt("POLYGON M ((0 0 5, 1 0 5, 1 1 5, 0 1 5, 0 0 5))")
        [shape] = prepare_aoi([poly_m])
        assert_valid_aoi(shape)
        assert "dropped M values" in shape.notes


def test_notes_passed_in_are_kept():
    [shape] = prepare_aoi([box(0, 0, 1, 1)], notes=["converted curves to straight segments"])
    assert shape.notes[0] == "converted curves to straight segments"


def test_empty_hole_is_dropped():
    poly = shapely.polygons(shapely.linearrings(box(0, 0, 1, 1).exterior.coords), holes=[shapely.from_wkt("LINEARRING EMPTY")])
    [shape] = prepare_aoi([poly])
    assert_valid_aoi(shape)
    assert len(shape.geojson["coordinates"]) == 1


@pytest.mark.parametrize(
    "geoms, reason, words",
    [
        ([], "empty_input", "Select one or more polygons"),
        ([None], "empty_geometry", "no geometry"),
        ([Polygon()], "empty_geometry", "empty geometry"),
        ([Point(0, 0)], "not_polygon", "not polygons"),
        ([LineString([(0, 0), (1, 1)])], "not_polygon", "line"),
        ([box(0, 0, 1, 1), Point(0, 0)], "not_polygon", "Feature(s) 1"),
        ([Polygon([(0, 0), (math.nan, 0), (1, 1), (0, 0)])], "non_finite", "NaN"),
        ([Polygon([(0, 0), (math.inf, 0), (1, 1), (0, 0)])], "non_finite", "NaN or infinite"),
        ([box(500000, 1400000, 510000, 1410000)], "out_of_range", "CRS"),
        ([box(0, 0, 1e300, 1e300)], "out_of_range", "Layer Properties"),
        ([box(0, 89, 1, 91)], "out_of_range", "latitude"),
        ([box(175, 0, 185, 1)], "antimeridian", "Split it at 180°"),
        ([Polygon([(170, 0), (-170, 0), (-170, 1), (170, 1), (170, 0)])], "antimeridian", "antimeridian"),
        ([box(0, 0, 1e-6, 1e-6)], "too_small", "m²"),
        ([Polygon([(0, 0), (1, 1), (2, 2), (0, 0)])], "too_small", "0 m²"),
        ([box(0, 0, 1, 4e-8)], "too_small", "0 m²"),  # collapses on the 1e-7 grid
        ([box(0, 0, 1, 5e-7)], "sliver", "wide"),  # 6,000 m² but 5 cm wide
    ],
)
def test_refusals(geoms, reason, words):
    with pytest.raises(GeometryRefused) as info:
        prepare_aoi(geoms)
    assert info.value.reason == reason
    assert words in str(info.value)


def test_sliver_refused_with_area():
    # 100 km long and 0.5 m wide: 50,000 m², passes the area minimum but is a sliver.
    sliver = box(0, 0, 100_000 / 111_320, 0.5 / 110_574)
    with pytest.raises(GeometryRefused) as info:
        prepare_aoi([sliver])
    assert info.value.reason == "sliver"
    assert "m²" in str(info.value) and "wide" in str(info.value)


def test_bad_mode():
    with pytest.raises(GeometryRefused) as info:
        prepare_aoi([box(0, 0, 1, 1)], "concave")
    assert info.value.reason == "bad_mode"


def test_geometry_collection_with_polygon_accepted():
    gc = shapely.GeometryCollection([box(0, 0, 1, 1), Point(5, 5)])
    [shape] = prepare_aoi([gc])
    assert_valid_aoi(shape)
    assert any("non-polygon parts" in n for n in shape.notes)


def test_multipolygon_single_feature_per_feature_splits():
    mp = MultiPolygon([box(0, 0, 1, 1), box(3, 3, 4, 4)])
    shapes = prepare_aoi([mp], "per_feature", feature_ids=[42])
    assert len(shapes) == 2 and all(s.source_feature_ids == [42] for s in shapes)


# ------------------------------------------------------------------------------------------ vertex cap


def _noisy_circle(n, cx=77.0, cy=12.0, r=0.5, seed=0, holes=()):
    rng = np.random.default_rng(seed)
    a = np.linspace(0, 2 * np.pi, n, endpoint=False)
    walk = np.cumsum(rng.normal(0, 1, n))
    walk -= np.linspace(0, walk[-1], n)
    rr = r + walk * (2 * np.pi * r / n)
    return Polygon(np.c_[cx + rr * np.cos(a), cy + rr * np.sin(a)], holes)


def test_over_100k_vertices_simplified_under_cap():
    poly = _noisy_circle(120_000)
    [shape] = prepare_aoi([poly])
    assert_valid_aoi(shape)
    assert shape.vertex_count <= MAX_VERTICES
    assert any(n.startswith("simplified from 120,001 to") for n in shape.notes)
    assert shape.area_km2 == pytest.approx(geodesic_area_m2(poly) / 1e6, rel=0.01)


def test_vertex_cap_is_a_parameter_and_refuses_too_many_holes():
    holes = [box(77 + 0.05 * i, 12, 77 + 0.05 * i + 0.01, 12.01).exterior.coords for i in range(30)]
    poly = Polygon(box(76.9, 11.9, 78.6, 12.2).exterior.coords, holes)
    with pytest.raises(GeometryRefused) as info:
        prepare_aoi([poly], max_vertices=100)
    assert info.value.reason == "too_many_vertices"
    assert "holes" in str(info.value)
    [shape] = prepare_aoi([poly], max_vertices=200)
    assert len(shape.geojson["coordinates"]) == 31


# ------------------------------------------------------------------------------------------ properties

coord = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False, allow_infinity=False)
wild = st.one_of(
    st.floats(min_value=-2.0, max_value=2.0),
    st.just(math.nan),
    st.just(math.inf),
    st.just(-math.inf),
    st.floats(min_value=-1e308, max_value=1e308),
    st.floats(min_value=170, max_value=190),
    st.floats(min_value=-190, max_value=-170),
)


def _ring(points):
    return list(points) + [points[0]]


def _polygon_or_skip(shell, holes=()):
    try:
        return Polygon(shell, holes)
    except (GEOSException, ValueError):  # shapely itself cannot build it (e.g. a NaN ring never closes)
        assume(False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(coord, coord), min_size=3, max_size=25))
# Found by Hypothesis: GEOS's convex hull of points 1e-88 apart came out invalid and split when snapped.
@example([(0.0, 0.0), (1.0, 0.0), (-0.625, 0.5), (1.158811326893853e-88, 1.158811326893853e-88), (0.0, 1.0),
          (0.091796875, 1.0)])
def test_random_polygons_never_crash(points):
    run_all_modes([Polygon(_ring(points))])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(wild, wild), min_size=3, max_size=12))
def test_random_wild_coordinates_never_crash(points):
    run_all_modes([_polygon_or_skip(_ring(points))])


# The case Hypothesis found with Debian testing's GEOS: the hole repeats the exterior.
DEGENERATE_RING = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(st.tuples(coord, coord), min_size=3, max_size=10), min_size=1, max_size=5),
    st.lists(st.lists(st.tuples(coord, coord), min_size=3, max_size=6), max_size=3),
)
@example([DEGENERATE_RING], [DEGENERATE_RING])
@example([DEGENERATE_RING, [(-2.0, -2.0), (2.0, -2.0), (2.0, 2.0), (-2.0, 2.0)]], [DEGENERATE_RING])
def test_random_multi_feature_with_holes_never_crash(exteriors, holes):
    geoms = [Polygon(_ring(ext), [_ring(h) for h in holes]) for ext in exteriors]
    run_all_modes(geoms)


@settings(max_examples=40, deadline=None)
@given(
    st.floats(min_value=-179, max_value=179),
    st.floats(min_value=-80, max_value=80),
    st.floats(min_value=1e-3, max_value=1.0),
    st.floats(min_value=1e-6, max_value=1e-3),
)
def test_thin_rectangles_are_aoi_or_refused(lon, lat, length, width):
    run_all_modes([box(lon, lat, min(lon + length, 180), min(lat + width, 90))])


@settings(max_examples=30, deadline=None)
@given(
    st.floats(min_value=100, max_value=179.9),
    st.floats(min_value=-179.9, max_value=-100),
    st.floats(min_value=-60, max_value=60),
)
def test_antimeridian_crossing_refused(west, east, lat):
    # Drawn naively from west (e.g. 170) eastwards to east (e.g. -170): spans more than 180 degrees.
    poly = Polygon([(west, lat), (east, lat), (east, lat + 1), (west, lat + 1)])
    with pytest.raises(GeometryRefused) as info:
        prepare_aoi([poly])
    assert info.value.reason == "antimeridian"
    assert "antimeridian" in str(info.value)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=100_001, max_value=150_000), st.integers(min_value=0, max_value=1000))
def test_huge_polygons_capped(n, seed):
    [shape] = prepare_aoi([_noisy_circle(n, seed=seed)])
    assert_valid_aoi(shape)
    assert count_vertices(shape.polygon) == shape.vertex_count <= MAX_VERTICES


@settings(max_examples=40, deadline=None)
@given(
    st.floats(min_value=-170, max_value=170),
    st.floats(min_value=-70, max_value=70),
    st.floats(min_value=0.001, max_value=2),
    st.booleans(),
)
def test_orientation_always_right_hand(lon, lat, size, reverse):
    outer = box(lon, lat, lon + size, lat + size)
    inner = box(lon + size / 4, lat + size / 4, lon + size / 2, lat + size / 2)
    ext, hole = list(outer.exterior.coords), list(inner.exterior.coords)
    if reverse:
        ext, hole = ext[::-1], hole[::-1]
    [shape] = prepare_aoi([Polygon(ext, [hole])])
    assert_valid_aoi(shape)
    assert len(shape.geojson["coordinates"]) == 2
