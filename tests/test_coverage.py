"""Coverage check: core.aoi.coverage against an independent equal-area computation (shapely on an ellipsoidal
Lambert cylindrical equal-area projection, written here with numpy), on the simulator catalogue's real
footprints (tilted scenes) and hand-made AOIs, including cases with gaps, holes and high latitude."""

import math

import numpy as np
import pytest
import shapely
from pixxel_qgis.core.aoi.coverage import coverage
from pixxel_simulator.catalog import BENGALURU_AOI, TD1_ID, build_catalog
from shapely.geometry import mapping, shape

pytestmark = pytest.mark.pure

A = 6378137.0  # WGS 84
F = 1 / 298.257223563
E2 = F * (2 - F)
E = math.sqrt(E2)


def _cea(lon, lat):
    """Lambert cylindrical equal-area on the WGS 84 ellipsoid (true scale on the equator): x = a·λ, y = a·q/2."""
    s = np.sin(np.radians(lat))
    q = (1 - E2) * (s / (1 - E2 * s * s) - (1 / (2 * E)) * np.log((1 - E * s) / (1 + E * s)))
    return A * np.radians(lon), A * q / 2


def equal_area_m2(geom) -> float:
    """Independent area: densify the lon/lat edges, project to the equal-area plane, shapely's planar area."""
    if geom.is_empty:
        return 0.0
    dense = shapely.segmentize(geom, 0.002)
    projected = shapely.transform(dense, lambda xy: np.column_stack(_cea(xy[:, 0], xy[:, 1])))
    return float(projected.area)


def independent_share(aoi, footprints) -> float:
    covered = shapely.intersection(shapely.union_all(footprints), aoi)
    return equal_area_m2(covered) / equal_area_m2(aoi)


def bengaluru_td1_footprints(n):
    items = [c for c in build_catalog(7) if c.satellite_id == TD1_ID and c.geom.intersects(shape(BENGALURU_AOI))]
    assert len(items) >= n
    return [c.geom for c in items[:n]]


def check(aoi, footprints):
    result = coverage([mapping(aoi)], [mapping(f) for f in footprints])
    expected = independent_share(aoi, footprints)
    assert result.share == pytest.approx(expected, rel=1e-3)  # within 0.1 %
    assert result.aoi_m2 == pytest.approx(equal_area_m2(aoi), rel=1e-3)
    gap = equal_area_m2(shapely.difference(aoi, shapely.union_all(footprints)))
    assert result.uncovered_m2 == pytest.approx(gap, rel=1e-3, abs=1.0)
    assert equal_area_m2(result.uncovered) == pytest.approx(gap, rel=1e-3, abs=1.0)
    return result, expected


def test_real_scenes_over_bengaluru_leave_gaps():
    feet = bengaluru_td1_footprints(3)
    result, expected = check(shape(BENGALURU_AOI), feet)
    assert 0.05 < expected < 0.95  # a real case with gaps
    assert not result.complete and not result.uncovered.is_empty


def test_a_field_inside_one_scene_is_fully_covered():
    scene = bengaluru_td1_footprints(1)[0]
    field = shapely.Polygon(shapely.get_coordinates(scene.centroid.buffer(0.01, quad_segs=3).exterior))
    result, expected = check(field, [scene])
    assert expected == pytest.approx(1.0) and result.complete and result.uncovered_m2 < 1.0


def test_aoi_with_a_hole_and_two_scenes_with_overlap_and_a_gap():
    aoi = shapely.Polygon([(77.45, 12.85), (77.75, 12.83), (77.78, 13.1), (77.5, 13.15)],
                          holes=[[(77.58, 12.95), (77.65, 12.95), (77.65, 13.02), (77.58, 13.02)]])
    west = shapely.Polygon([(77.40, 12.80), (77.62, 12.82), (77.60, 13.20), (77.38, 13.18)])
    east = shapely.Polygon([(77.58, 12.78), (77.70, 12.79), (77.69, 13.21), (77.57, 13.20)])  # gap east of 77.70
    result, expected = check(aoi, [west, east])
    assert 0.5 < expected < 0.95
    overlap = shapely.intersection(shapely.intersection(west, east), aoi)
    assert result.overlap_m2 == pytest.approx(equal_area_m2(overlap), rel=1e-3)
    assert result.image_count == 2


def test_high_latitude_uses_areas_not_degrees():
    # from 50°N to 70°N a degree of latitude shrinks eastward-wide: the south half is more than half the area
    aoi = shapely.box(10.0, 50.0, 11.0, 70.0)
    south = shapely.box(9.5, 49.0, 11.5, 60.0)
    result, expected = check(aoi, [south])
    assert result.share > 0.55  # degrees squared would say 50 %


def test_nothing_chosen_or_no_aoi():
    assert coverage([], [mapping(shapely.box(0, 0, 1, 1))]).share == 0.0
    result = coverage([mapping(shapely.box(0, 0, 1, 1))], [None, {}])
    assert result.share == 0.0 and result.image_count == 0 and not result.complete
