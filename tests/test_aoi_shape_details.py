"""core.aoi.aoi_shape details (issue 16: each test kills mutants of core/aoi/aoi_shape.py that survived the other
tests): the numbers in user messages (areas, lengths, widths, hole counts, spans, area change), the geodesic
perimeter behind the sliver check, and the exact thresholds."""

from __future__ import annotations

import math
import re

import pytest
import shapely
from pixxel_qgis.core.aoi import aoi_shape as A
from pixxel_qgis.core.aoi.aoi_shape import GeometryRefused, prepare_aoi
from shapely.geometry import Polygon, box

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)


@pytest.mark.parametrize("m2,text", [(1e6, "1.000 km²"), (2_345_678, "2.346 km²"), (999_999.0, "999,999.00 m²"),
                                     (12.5, "12.50 m²")])
def test_area_text(m2, text):
    assert A._area_text(m2) == text


@pytest.mark.parametrize("m,text", [(1000, "1.00 km"), (12_345, "12.35 km"), (999.5, "999.50 m"), (1, "1.00 m"),
                                    (0.5, "50.00 cm"), (0.0123, "1.23 cm")])
def test_length_text(m, text):
    assert A._length_text(m) == text


def test_degrees_as_metres():
    assert A._deg_to_m_text(1.0) == "about 111.32 km"
    assert A._deg_to_m_text(1e-5) == "about 1.11 m"


@pytest.mark.parametrize("ids,text", [([1, 2, 3], "1, 2, 3"), (list(range(5)), "0, 1, 2, 3, 4"),
                                      (list(range(8)), "0, 1, 2, 3, 4 and 3 more"), ([], "")])
def test_feature_id_lists(ids, text):
    assert A._fmt_ids(ids) == text


def test_geodesic_perimeter_of_known_shapes():
    # a 1° x 1° cell at the equator: two meridian sides of 111.195 km, two sides along parallels ~111.195 km
    assert A._geodesic_perimeter_m(box(0, 0, 1, 1)) == pytest.approx(4 * 111_195, rel=2e-3)
    # at 60° N the east-west sides shrink to cos(60°): 2 x 111.2 + 111.2 x (cos 60 + cos 61)
    lat = A._geodesic_perimeter_m(box(0, 60, 1, 61))
    assert lat == pytest.approx(111_195 * (2 + math.cos(math.radians(60)) + math.cos(math.radians(61))), rel=2e-3)
    # the holes count too, and only consecutive vertices of one ring are joined
    holed = Polygon(box(0, 0, 1, 1).exterior.coords, [box(0.25, 0.25, 0.75, 0.75).exterior.coords])
    assert A._geodesic_perimeter_m(holed) == pytest.approx(6 * 111_195, rel=3e-3)
    assert A._geodesic_perimeter_m(Polygon()) == 0.0


def test_geodesic_area_of_a_cell_across_the_equator_and_a_hole():
    cell = A.geodesic_area_m2(box(10, -0.5, 11, 0.5))
    assert cell == pytest.approx(12_308_778_361, rel=1e-4)  # 1° x 1° on the WGS 84 ellipsoid at the equator
    holed = Polygon(box(0, 0, 1, 1).exterior.coords, [box(0.25, 0.25, 0.75, 0.75).exterior.coords])
    assert A.geodesic_area_m2(holed) == pytest.approx(A.geodesic_area_m2(box(0, 0, 1, 1)) * 0.75, rel=1e-3)
    two = shapely.MultiPolygon([box(0, 0, 1, 1), box(5, 0, 6, 1)])
    assert A.geodesic_area_m2(two) == pytest.approx(2 * A.geodesic_area_m2(box(0, 0, 1, 1)), rel=1e-6)
    across = A.geodesic_area_m2(box(179.5, 0, 180, 1)) + A.geodesic_area_m2(box(-180, 0, -179.5, 1))
    assert across == pytest.approx(2 * A.geodesic_area_m2(box(0, 0, 0.5, 1)), rel=1e-9)  # dlam wraps at 180°


def test_sliver_message_states_area_outline_and_width():
    # 1 km long, ~0.5 m wide: area ~ 500 m² (above the minimum), mean width ~ 1 m * ... below 1 m
    d = 0.4 / 111_320  # 0.4 m in degrees at the equator
    with pytest.raises(GeometryRefused) as info:
        prepare_aoi([box(0, 0, 0.009, d)])
    err = info.value
    assert err.reason == "sliver"
    m = re.search(r"sliver: ([\d.,]+) m² spread along ([\d.,]+) km of outline \(about ([\d.,]+) cm wide\)", str(err))
    assert m, str(err)
    area, outline, width = float(m.group(1).replace(",", "")), float(m.group(2)), float(m.group(3))
    assert area == pytest.approx(0.009 * 111_320 * 0.4, rel=0.01)
    assert outline == pytest.approx(2 * 0.009 * 111.32, rel=0.01)
    assert width == pytest.approx(2 * area / (outline * 1000) * 100, rel=0.02)


def test_too_small_message_states_the_area_and_the_minimum():
    d = 5 / 111_320  # 5 m x 5 m = 25 m²
    with pytest.raises(GeometryRefused) as info:
        prepare_aoi([box(0, 0, d, d)])
    assert info.value.reason == "too_small"
    assert "below the minimum of 100.00 m²" in str(info.value)
    assert re.search(r"area is 2[45]\.\d\d m²", str(info.value)), str(info.value)


def test_width_threshold_is_exclusive():
    # mean width exactly at the limit is accepted: a square whose 2 * area / perimeter is just above 1 m
    side = 4.2 / 111_320
    assert prepare_aoi([box(0, 0, 0.002, side)])  # ~ 223 m x 4.2 m: area 936 m², width ~4 m
    with pytest.raises(GeometryRefused, match="sliver"):
        prepare_aoi([box(0, 0, 0.002, 0.45 / 111_320)])


def test_antimeridian_span_message():
    with pytest.raises(GeometryRefused) as info:
        prepare_aoi([box(-179.5, 0, 179.5, 1)])
    assert info.value.reason == "antimeridian"
    assert "spans 359.0° of longitude (from -179.5000° to 179.5000°)" in str(info.value)


def test_exactly_180_degrees_wide_is_accepted():
    shapes = prepare_aoi([box(-90, 0, 90, 1)])
    assert len(shapes) == 1


@pytest.mark.parametrize("lon,lat,reason", [(180.0, 10.0, None), (-180.0, 10.0, None), (10.0, 90.0, None),
                                            (180.5, 10.0, "antimeridian"), (360.0, 10.0, "antimeridian"),
                                            (360.5, 10.0, "out_of_range"), (10.0, 90.5, "out_of_range")])
def test_coordinate_range_edges(lon, lat, reason):
    other = 170.0 if lon > 0 else -170.0
    ring = box(min(lon, other), lat - 1, max(lon, other), lat) if reason != "out_of_range" or lat <= 90 else None
    if ring is None:
        ring = Polygon([(lon, lat), (lon - 1, lat - 2), (lon - 2, lat - 1)])
    if reason is None:
        assert prepare_aoi([ring])
    else:
        with pytest.raises(GeometryRefused) as info:
            prepare_aoi([ring])
        assert info.value.reason == reason


def test_holes_message_counts_the_holes():
    outer = box(0, 0, 1, 1)
    holes = [box(0.01 + i * 0.02, 0.5, 0.015 + i * 0.02, 0.505).exterior.coords for i in range(30)]
    with pytest.raises(GeometryRefused) as info:
        prepare_aoi([Polygon(outer.exterior.coords, holes)], max_vertices=100)
    assert info.value.reason == "too_many_vertices"
    assert "has 30 holes" in str(info.value) and "more than the 100 vertices" in str(info.value)


def test_simplify_note_states_counts_tolerance_and_area_change():
    n = 4000
    angles = [2 * math.pi * i / n for i in range(n)]
    circle = Polygon([(10 + 0.5 * math.cos(a), 10 + 0.5 * math.sin(a)) for a in angles])
    (shape,) = prepare_aoi([circle], max_vertices=200)
    assert shape.vertex_count <= 200
    note = next(x for x in shape.notes if x.startswith("simplified"))
    m = re.search(r"simplified from ([\d,]+) to ([\d,]+) vertices \(limit 200; tolerance about ([\d.]+) (k?m|cm), "
                  r"area changed by ([\d.]+) %\)", note)
    assert m, note
    assert int(m.group(1).replace(",", "")) == n + 1 and int(m.group(2)) == shape.vertex_count
    change = float(m.group(5))
    expected = abs(shapely.area(shape.polygon) - circle.area) / circle.area * 100
    assert change == pytest.approx(expected, abs=0.02) and 0 < change < 5


def test_at_the_vertex_cap_nothing_is_simplified():
    ring = Polygon([(math.cos(a) + 20, math.sin(a) + 20) for a in [2 * math.pi * i / 99 for i in range(99)]])
    (shape,) = prepare_aoi([ring], max_vertices=100)  # 99 + closing = 100 positions: exactly the cap
    assert shape.vertex_count == 100 and not any(x.startswith("simplified") for x in shape.notes)


def test_equatorial_cell_area_matches_the_ellipsoid_to_a_millionth():
    # 1° x 1° at the equator on WGS 84 is 12,308,778,361 m² when bounded by parallels; the edges here are
    # geodesics (a few hundred ppb less): a wrong flattening or eccentricity shows at the 1e-6 level
    assert A.geodesic_area_m2(box(0, 0, 1, 1)) == pytest.approx(12_308_778_361, rel=1e-6)


def test_two_holed_polygons_subtract_both_holes():
    holed = Polygon(box(0, 0, 1, 1).exterior.coords, [box(0.25, 0.25, 0.75, 0.75).exterior.coords])
    other = shapely.affinity.translate(holed, 5, 0)
    two = shapely.MultiPolygon([holed, other])
    assert A.geodesic_area_m2(two) == pytest.approx(2 * A.geodesic_area_m2(holed), rel=1e-9)


def test_nested_collections_are_flattened():
    inner = shapely.GeometryCollection([shapely.MultiPolygon([box(0, 0, 1, 1)]), shapely.Point(5, 5)])
    nested = shapely.GeometryCollection([inner, box(3, 0, 4, 1)])
    assert A.geodesic_area_m2(nested) == pytest.approx(2 * A.geodesic_area_m2(box(0, 0, 1, 1)), rel=1e-9)


def test_latitude_exactly_90_beyond_180_is_the_antimeridian_case():
    with pytest.raises(GeometryRefused) as info:
        prepare_aoi([box(170, 89, 181, 90)])
    assert info.value.reason == "antimeridian"


def test_per_feature_notes_only_features_with_several_parts():
    two_parts = shapely.MultiPolygon([box(0, 0, 0.1, 0.1), box(1, 0, 1.1, 0.1)])
    shapes = prepare_aoi([two_parts, box(3, 0, 3.1, 0.1)], mode="per_feature", feature_ids=[7, 8])
    assert len(shapes) == 3
    for s in shapes[:2]:
        assert "feature 7 has 2 separate parts: one AOI per part" in s.notes
    assert not any("separate parts" in n for n in shapes[2].notes)


def test_a_tiny_part_cut_off_by_rounding_is_dropped_with_a_note():
    n = 2e-8  # a neck far narrower than the 1e-7° grid: rounding cuts the small square off
    coords = [(0, 0), (1, 0), (1, 0.5 - n), (1.001, 0.5 - n), (1.001, 0.49995), (1.0011, 0.49995), (1.0011, 0.50005),
              (1.001, 0.50005), (1.001, 0.5 + n), (1, 0.5 + n), (1, 1), (0, 1)]
    (shape,) = prepare_aoi([Polygon(coords)])
    assert "dropped 1 tiny part(s) left by rounding coordinates to 7 decimals" in shape.notes
    assert shape.polygon.bounds == (0.0, 0.0, 1.0, 1.0)


def test_two_comparable_parts_cut_by_rounding_need_a_choice_or_split():
    n = 2e-8
    coords = [(0, 0), (1, 0), (1, 0.5 - n), (1.5, 0.5 - n), (1.5, 0), (2, 0), (2, 1), (1.5, 1), (1.5, 0.5 + n),
              (1, 0.5 + n), (1, 1), (0, 1)]
    with pytest.raises(A.NeedsChoice) as info:
        prepare_aoi([Polygon(coords)])
    assert info.value.parts == 2
    shapes = prepare_aoi([Polygon(coords)], mode="per_feature")
    assert len(shapes) == 2 and any("split the polygon into 2 parts" in x for x in shapes[0].notes)


def test_a_collection_without_polygons_is_not_a_polygon():
    gc = shapely.GeometryCollection([shapely.Point(0, 0), shapely.LineString([(0, 0), (1, 1)])])
    with pytest.raises(GeometryRefused) as info:
        prepare_aoi([gc], feature_ids=[4])
    assert info.value.reason == "not_polygon" and info.value.feature_ids == [4]


INVALID = {
    "bow-tie": Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]),
    "hole sticking out": Polygon(box(0, 0, 1, 1).exterior.coords, [box(0.5, 0.25, 1.5, 0.75).exterior.coords]),
    "hole equal to the shell": Polygon(box(0, 0, 1, 1).exterior.coords, [box(0, 0, 1, 1).exterior.coords]),
    "two shells": shapely.MultiPolygon([box(0, 0, 1, 1), box(0.5, 0, 1.5, 1)]),
}


@pytest.mark.parametrize("name", list(INVALID))
def test_the_repair_without_geos_structure_method_gives_the_same_shape(monkeypatch, name):
    """The fallback for GEOS < 3.10 / shapely < 2.1 computes what make_valid(method="structure") does."""
    geom = INVALID[name]
    native = A._make_valid_structure(geom)
    monkeypatch.setattr(shapely, "geos_version", (3, 9, 0))
    fallback = A._make_valid_structure(geom)
    assert fallback.is_valid and native.is_valid
    assert shapely.equals(native, fallback) or (native.is_empty and fallback.is_empty), (native.wkt, fallback.wkt)
    if name == "hole equal to the shell":
        assert shapely.area(fallback) == 0
    if name == "hole sticking out":
        assert shapely.area(fallback) == pytest.approx(0.75)


def test_the_repair_of_a_non_polygon_is_plain_make_valid(monkeypatch):
    monkeypatch.setattr(shapely, "geos_version", (3, 9, 0))
    line = shapely.LineString([(0, 0), (1, 1), (0, 0)])
    assert shapely.equals(A._make_valid_structure(line), shapely.make_valid(line))
