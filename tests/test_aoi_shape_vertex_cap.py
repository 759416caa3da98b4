"""core.aoi.aoi_shape at the vertex cap (issue 16, mutation target): a polygon with holes is simplified to fit
the cap whenever its rings can be (four positions per ring, a triangle each), keeps every hole while doing so,
and is refused only when even that is too many."""

from __future__ import annotations

import math

import pytest
import shapely
from pixxel_qgis.core.aoi.aoi_shape import GeometryRefused, prepare_aoi
from shapely.geometry import Polygon

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)

HOLES = 9


def _circle(cx, cy, r, n):
    return [(cx + r * math.cos(2 * math.pi * i / n), cy + r * math.sin(2 * math.pi * i / n)) for i in range(n)][::-1]


def _triangle_with_round_holes() -> Polygon:
    """A triangle near Bengaluru with nine round holes of 40 vertices each (373 positions in all)."""
    shell = [(77.0, 12.5), (78.0, 12.5), (77.5, 13.4)]
    holes = [_circle(77.5 + 0.12 * math.cos(2 * math.pi * k / HOLES), 12.85 + 0.12 * math.sin(2 * math.pi * k / HOLES),
                     0.02, 40) for k in range(HOLES)]
    return Polygon(shell, holes)


#: The fewest positions GEOS's topology-preserving simplification leaves in this polygon: a triangle (four
#: positions) per ring from GEOS 3.12 on; older GEOS never removes a ring's first point, so a round hole keeps
#: five (GEOS 3.11: shapely 2.0 wheels, e.g. the Python 3.9 row of the matrix).
FLOOR = 4 * (HOLES + 1) if shapely.geos_version >= (3, 12, 0) else 4 + 5 * HOLES


@pytest.mark.parametrize("cap", [4 * (HOLES + 1), 4 * (HOLES + 1) + 1, 45, 60, 100])
def test_a_polygon_with_holes_is_simplified_to_the_cap_keeping_every_hole(cap):
    if cap < FLOOR:  # out of this GEOS's reach: refused with the reason, never sent over the cap
        with pytest.raises(GeometryRefused) as info:
            prepare_aoi([_triangle_with_round_holes()], max_vertices=cap)
        assert info.value.reason == "too_many_vertices" and f"below the {cap} the plugin sends" in str(info.value)
        return
    (shape,) = prepare_aoi([_triangle_with_round_holes()], max_vertices=cap)
    rings = shape.geojson["coordinates"]
    assert shape.vertex_count == sum(len(r) for r in rings) <= cap, f"{shape.vertex_count} positions over the cap {cap}"
    assert len(rings) == HOLES + 1, (
        f"{len(rings) - 1} holes left of {HOLES}: simplifying to the vertex cap must keep the AOI's holes "
        "(the areas the user cut out stay out)")
    assert any(n.startswith("simplified from 373 to") for n in shape.notes), shape.notes


def test_four_positions_per_ring_is_the_floor_of_the_cap():
    with pytest.raises(GeometryRefused) as info:
        prepare_aoi([_triangle_with_round_holes()], max_vertices=4 * (HOLES + 1) - 1)
    assert info.value.reason == "too_many_vertices"
    assert f"has {HOLES} holes; even simplified it needs more than the {4 * (HOLES + 1) - 1} vertices" in str(info.value)


def test_a_polygon_is_never_sent_over_the_cap():
    """A triangle whose edges carry extra points: GEOS's topology-preserving simplification may keep one of
    them, so four positions per ring may be out of reach. Then the AOI is refused with the reason, never
    returned over the cap."""
    corners = [(77.0, 12.5), (78.0, 12.5), (77.5, 13.4)]
    shell = [(x0 + (x1 - x0) * i / 60, y0 + (y1 - y0) * i / 60)
             for (x0, y0), (x1, y1) in zip(corners, corners[1:] + corners[:1]) for i in range(60)]
    poly = Polygon(shell, [list(r.coords) for r in _triangle_with_round_holes().interiors])
    cap = 4 * (HOLES + 1)
    try:
        (shape,) = prepare_aoi([poly], max_vertices=cap)
    except GeometryRefused as exc:
        assert exc.reason == "too_many_vertices" and f"below the {cap} the plugin sends" in str(exc)
    else:
        assert shape.vertex_count <= cap, f"{shape.vertex_count} positions sent, over the cap {cap}"
