"""core.aoi.coverage on the inputs a server or a layer may hand it (issue 16, mutation target): missing,
unreadable and self-intersecting geometries, and the share/complete/uncovered figures at their bounds."""

from __future__ import annotations

import dataclasses

import pytest
import shapely
from pixxel_qgis.core.aoi.coverage import FULL, Coverage, coverage
from shapely.geometry import box, mapping

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)

AOI = mapping(box(77.5, 12.9, 77.6, 13.0))
LEFT_HALF = mapping(box(77.4, 12.8, 77.55, 13.1))

UNREADABLE = {
    "ValueError": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]},  # a ring of 2 positions
    "TypeError": {"type": "Polygon", "coordinates": 5},
    "KeyError": {"type": "Polygon"},
    "AttributeError": "POLYGON ((0 0, 1 0, 1 1, 0 0))",  # WKT text where a GeoJSON object belongs
    "unknown type": {"type": "Blob", "coordinates": []},
}


@pytest.mark.parametrize("bad", list(UNREADABLE.values()), ids=list(UNREADABLE))
def test_an_unreadable_footprint_is_skipped_and_the_others_still_count(bad):
    c = coverage([AOI], [bad, LEFT_HALF, None, {"type": "Polygon", "coordinates": []}])
    assert c.share == pytest.approx(0.5, abs=0.01), (
        "an unreadable footprint (a hostile or odd server answer) must be skipped, not stop the coverage check "
        "or hide the footprints after it")
    assert c.image_count == 1


@pytest.mark.parametrize("bad", [None, {}, UNREADABLE["KeyError"], {"type": "Polygon", "coordinates": []}])
def test_an_unreadable_or_empty_aoi_part_is_skipped_and_the_others_still_count(bad):
    c = coverage([bad, AOI], [LEFT_HALF])
    assert c.aoi_m2 > 1e7 and c.share == pytest.approx(0.5, abs=0.01)


def test_a_self_intersecting_aoi_is_measured_as_the_area_it_encloses():
    # a bow tie: two triangles meeting at a point; as drawn its signed area cancels out to zero
    bow = {"type": "Polygon", "coordinates": [[[77.5, 12.9], [77.6, 13.0], [77.6, 12.9], [77.5, 13.0], [77.5, 12.9]]]}
    assert not shapely.geometry.shape(bow).is_valid
    whole = coverage([mapping(box(77.5, 12.9, 77.6, 13.0))], [])
    c = coverage([bow], [mapping(box(77.4, 12.8, 77.7, 13.1))])
    assert c.aoi_m2 == pytest.approx(whole.aoi_m2 / 2, rel=0.01), "the bow tie's two triangles are half the box"
    assert c.complete and c.uncovered_m2 == pytest.approx(0.0, abs=1.0)


def _figures(aoi_m2, covered_m2):
    return Coverage(aoi_m2=aoi_m2, covered_m2=covered_m2, overlap_m2=0.0, uncovered=shapely.Polygon(),
                    overlap=shapely.Polygon(), image_count=1)


def test_covered_to_the_threshold_is_complete():
    assert _figures(1.0, FULL).complete, f"a share of exactly {FULL} is complete"
    assert not _figures(1.0, FULL - 1e-6).complete


def test_rounding_never_makes_the_share_exceed_one_or_the_uncovered_area_negative():
    over = _figures(100.0, 100.5)  # areas summed from parts can exceed the whole by rounding
    assert over.share == 1.0 and over.uncovered_m2 == 0.0


def test_a_tiny_aoi_has_a_share_too():
    assert _figures(0.5, 0.25).share == 0.5
    assert _figures(0.0, 0.0).share == 0.0


def test_a_coverage_result_cannot_be_changed_by_whoever_reads_it():
    c = _figures(10.0, 5.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.covered_m2 = 10.0  # type: ignore[misc]
