"""Coverage check before create (pure shapely, no QGIS): how much of the AOI the chosen images cover.

``coverage(aoi_geojsons, footprint_geojsons)`` -> :class:`Coverage`: the AOI's area, the part the union of
the footprints covers, the uncovered part (a shapely geometry in EPSG:4326, drawn on the map by the panel)
and the part of the AOI seen by two images or more (overlap). Areas are geodesic, on the WGS 84 ellipsoid's
authalic sphere (``aoi_shape.geodesic_area_m2``, equal-area), never degrees squared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional

import numpy as np
import shapely
from shapely.geometry import shape

from .aoi_shape import geodesic_area_m2

#: below this share of the AOI the panel warns (a warning, never a block)
FULL = 0.9999


@dataclass(frozen=True)
class Coverage:
    aoi_m2: float
    covered_m2: float
    overlap_m2: float
    uncovered: Any  # shapely geometry, EPSG:4326 (empty when fully covered)
    overlap: Any  # shapely geometry, EPSG:4326: the AOI's part inside two footprints or more
    image_count: int

    @property
    def share(self) -> float:
        """Covered share of the AOI, 0..1 (0 for an empty AOI)."""
        return min(1.0, self.covered_m2 / self.aoi_m2) if self.aoi_m2 > 0 else 0.0

    @property
    def complete(self) -> bool:
        return self.share >= FULL

    @property
    def uncovered_m2(self) -> float:
        return max(0.0, self.aoi_m2 - self.covered_m2)


def _geometries(geojsons: Iterable[Optional[dict]]) -> list:
    out = []
    for g in geojsons:
        if not g:
            continue
        try:
            geom = shape(g)
        except (ValueError, TypeError, KeyError, AttributeError, shapely.errors.ShapelyError):  # GEOS, unknown type
            continue
        if geom.is_empty:
            continue
        out.append(geom if geom.is_valid else shapely.make_valid(geom))
    return out


def coverage(aoi_geojsons: Iterable[Optional[dict]], footprint_geojsons: Iterable[Optional[dict]]) -> Coverage:
    """The coverage of the AOI (one or several GeoJSON polygons, EPSG:4326) by the footprints."""
    aois = _geometries(aoi_geojsons)
    feet = _geometries(footprint_geojsons)
    aoi = shapely.union_all(aois) if aois else shapely.Polygon()
    clipped = [shapely.intersection(f, aoi) for f in feet]
    clipped = [c for c in clipped if not c.is_empty]
    covered = shapely.union_all(clipped) if clipped else shapely.Polygon()
    uncovered = shapely.difference(aoi, covered) if not aoi.is_empty else shapely.Polygon()
    overlap = shapely.Polygon()
    if len(clipped) > 1:
        parts = np.array(clipped, dtype=object)
        left, right = shapely.STRtree(parts).query(parts, predicate="intersects")
        keep = left < right  # each pair once, never an image with itself
        if keep.any():
            overlap = shapely.union_all(shapely.intersection(parts[left[keep]], parts[right[keep]]))
    return Coverage(
        aoi_m2=geodesic_area_m2(aoi),
        covered_m2=geodesic_area_m2(covered),
        overlap_m2=geodesic_area_m2(overlap),
        uncovered=uncovered,
        overlap=overlap,
        image_count=len(feet),
    )
