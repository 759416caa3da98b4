"""The pure-shapely half of the geometry step: polygons in EPSG:4326 -> AOI GeoJSON Polygons.

No QGIS import here: ``core/aoi/geometry.py`` turns the selected features of a layer into shapely geometries
in EPSG:4326 and calls :func:`prepare_aoi`, which

1. refuses empty input, empty geometries, non-polygon types, NaN/inf coordinates and coordinates outside
   lon [-180, 180] / lat [-90, 90];
2. drops Z/M values;
3. repairs invalid geometries with ``shapely.make_valid`` (keeping only the polygonal parts);
4. merges (union), takes the convex hull, or keeps one AOI per feature (``mode``);
5. refuses shapes wider than 180 degrees of longitude (they cross the antimeridian or are too big:
   a GeoJSON Polygon cannot cross 180 degrees, RFC 7946 section 3.1.9);
6. caps the vertex count at :data:`MAX_VERTICES` by topology-preserving simplification with an increasing
   tolerance (refused when that cannot get under the cap);
7. snaps coordinates to a 1e-7 degree grid (about 1 cm; :data:`COORD_DECIMALS`) keeping the polygon
   valid, orients the rings by the right-hand rule (exterior counter-clockwise, holes clockwise);
8. refuses zero-area shapes and slivers (:data:`MIN_AREA_M2`, :data:`MIN_MEAN_WIDTH_M`).

Area: computed here, without pyproj, on the WGS 84 ellipsoid: latitudes are mapped to authalic latitudes
and the spherical excess of each edge is summed on the authalic sphere (equal-area, so the result matches
the ellipsoidal area to well under 0.1 % for AOI-sized polygons; edges are treated as great-circle arcs).

Everything is vectorised (shapely 2 array functions and numpy); there is no per-vertex Python loop, so a
million input vertices take well under a few seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, List, Optional, Sequence

import numpy as np
import shapely
from shapely.errors import GEOSException
from shapely.geometry import Polygon
from shapely.geometry import shape as _shape_from_geojson

__all__ = [
    "MAX_VERTICES",
    "MIN_AREA_M2",
    "MIN_MEAN_WIDTH_M",
    "COORD_DECIMALS",
    "MODES",
    "AoiShape",
    "GeometryRefused",
    "NeedsChoice",
    "prepare_aoi",
    "geodesic_area_m2",
    "geojson_to_shapely",
    "count_vertices",
]

#: Most vertices (GeoJSON positions, the closing position of each ring included) sent for one AOI.
#: Above it the shape is simplified (topology preserving, increasing tolerance) until it fits.
MAX_VERTICES = 10_000
#: Smallest AOI area accepted (m^2): about four 5 m pixels; smaller is a selection mistake or a sliver.
MIN_AREA_M2 = 100.0
#: Smallest mean width (2 * area / perimeter, metres) accepted; thinner shapes are slivers.
MIN_MEAN_WIDTH_M = 1.0
#: Decimal places of the coordinates sent (1e-7 degree is about 1 cm).
COORD_DECIMALS = 7
#: The modes of :func:`prepare_aoi`.
MODES = ("merge", "hull", "per_feature")

_GRID = 10.0**-COORD_DECIMALS
_MAX_SIMPLIFY_STEPS = 60
_SIMPLIFY_GROWTH = 1.6

# WGS 84 ellipsoid and its authalic sphere.
_A = 6378137.0
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)
_E = math.sqrt(_E2)


def _q(sin_phi):
    return (1 - _E2) * (
        sin_phi / (1 - _E2 * sin_phi**2) - (1 / (2 * _E)) * np.log((1 - _E * sin_phi) / (1 + _E * sin_phi))
    )


_QP = float(_q(np.float64(1.0)))
_RQ = _A * math.sqrt(_QP / 2)  # authalic radius, 6371007.18 m
_R_MEAN = 6371008.8

_POLYGONAL = {shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON}
_TYPE_NAMES = {
    0: "point",
    1: "line",
    2: "line (ring)",
    3: "polygon",
    4: "multipoint",
    5: "multiline",
    6: "multipolygon",
    7: "geometry collection",
}


# --------------------------------------------------------------------------------------------- results


@dataclass
class AoiShape:
    """One AOI geometry, ready for ``POST /v0/aois`` (field ``geometry``)."""

    #: ``{"type": "Polygon", "coordinates": [[[lon, lat], ...], ...]}``: closed 2D rings, exterior
    #: counter-clockwise, holes clockwise (RFC 7946 right-hand rule), coordinates rounded to 7 decimals.
    geojson: dict
    #: Geodesic area on the WGS 84 ellipsoid, km^2.
    area_km2: float
    #: Positions in ``geojson`` (all rings, each ring's closing position included): what is sent.
    vertex_count: int
    #: What was done to the input, for the panel: "dropped Z values", "repaired ...", "simplified ...".
    notes: List[str] = field(default_factory=list)
    #: Ids of the features this AOI was made from.
    source_feature_ids: List[int] = field(default_factory=list)

    @property
    def polygon(self) -> Polygon:
        """The geometry as a shapely Polygon (EPSG:4326)."""
        return geojson_to_shapely(self.geojson)


class GeometryRefused(ValueError):
    """The selection cannot become an AOI. ``str()`` is the user-facing text: the problem and the fix.

    ``reason`` is a short machine-readable code (e.g. ``"empty_input"``, ``"not_polygon"``,
    ``"non_finite"``, ``"out_of_range"``, ``"antimeridian"``, ``"too_small"``, ``"sliver"``,
    ``"too_many_vertices"``, ``"multiple_parts"``, ``"invalid"``, ``"bad_mode"``; the QGIS half adds
    ``"no_layer"``, ``"not_polygon_layer"``, ``"no_selection"``, ``"no_crs"``, ``"transform_failed"``).
    """

    def __init__(self, reason: str, message: str, feature_ids: Optional[Sequence[int]] = None):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.feature_ids = list(feature_ids or [])

    def __str__(self) -> str:
        return self.message


class NeedsChoice(GeometryRefused):
    """Merging gave several separate polygons: the UI should offer 'One AOI per feature' or 'Convex hull'.

    ``parts`` is the number of separate polygons.
    """

    def __init__(self, parts: int, feature_ids: Optional[Sequence[int]] = None, message: Optional[str] = None):
        super().__init__(
            "multiple_parts",
            message
            or (
                f"The selected features form {parts} separate polygons, but an AOI is one polygon. "
                "Choose 'One AOI per feature' or 'Convex hull'."
            ),
            feature_ids,
        )
        self.parts = parts


# --------------------------------------------------------------------------------------------- helpers


def geojson_to_shapely(geojson: dict) -> Polygon:
    """A GeoJSON Polygon dict -> shapely Polygon."""
    return _shape_from_geojson(geojson)


def count_vertices(geom) -> int:
    """Positions of a (multi)polygon as sent in GeoJSON: every ring's closing position included."""
    return int(shapely.get_num_coordinates(geom))


def _fmt_ids(ids: Sequence[int], limit: int = 5) -> str:
    ids = list(ids)
    text = ", ".join(str(i) for i in ids[:limit])
    if len(ids) > limit:
        text += f" and {len(ids) - limit} more"
    return text


def _polygon_parts(geom) -> np.ndarray:
    """The Polygon parts of any geometry (collections flattened, non-polygonal parts dropped)."""
    if geom is None or shapely.is_empty(geom):
        return np.empty(0, dtype=object)
    parts = shapely.get_parts(geom)
    # GeometryCollections may nest (make_valid can return one holding a MultiPolygon).
    while True:
        types = shapely.get_type_id(parts)
        nested = (types == 6) | (types == 7)
        if not nested.any():
            break
        parts = np.concatenate([parts[~nested], shapely.get_parts(parts[nested])])
    parts = parts[shapely.get_type_id(parts) == 3]
    return parts[~shapely.is_empty(parts)]


def geodesic_area_m2(geom) -> float:
    """Area of a (multi)polygon in lon/lat degrees on the WGS 84 ellipsoid, m^2 (see module docstring)."""
    parts = _polygon_parts(geom)
    if parts.size == 0:
        return 0.0
    rings, part_idx = shapely.get_rings(parts, return_index=True)
    coords, ring_idx = shapely.get_coordinates(rings, return_index=True)
    if len(coords) < 2:
        return 0.0
    lam = np.radians(coords[:, 0])
    phi = np.radians(np.clip(coords[:, 1], -90.0, 90.0))
    beta = np.arcsin(np.clip(_q(np.sin(phi)) / _QP, -1.0, 1.0))  # authalic latitude
    t = np.tan(beta / 2)
    same = ring_idx[1:] == ring_idx[:-1]
    dlam = lam[1:] - lam[:-1]
    dlam = (dlam + np.pi) % (2 * np.pi) - np.pi
    t1, t2 = t[:-1], t[1:]
    excess = 2 * np.arctan2(np.tan(dlam / 2) * (t1 + t2), 1 + t1 * t2)
    per_ring = np.abs(np.bincount(ring_idx[:-1][same], weights=excess[same], minlength=len(rings)))
    is_exterior = np.r_[True, part_idx[1:] != part_idx[:-1]]
    return float((per_ring[is_exterior].sum() - per_ring[~is_exterior].sum()) * _RQ**2)


def _geodesic_perimeter_m(geom) -> float:
    """Length of all rings (haversine on the mean sphere), m."""
    parts = _polygon_parts(geom)
    if parts.size == 0:
        return 0.0
    coords, ring_idx = shapely.get_coordinates(shapely.get_rings(parts), return_index=True)
    lam, phi = np.radians(coords[:, 0]), np.radians(coords[:, 1])
    same = ring_idx[1:] == ring_idx[:-1]
    h = (
        np.sin((phi[1:] - phi[:-1]) / 2) ** 2
        + np.cos(phi[1:]) * np.cos(phi[:-1]) * np.sin((lam[1:] - lam[:-1]) / 2) ** 2
    )
    d = 2 * _R_MEAN * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return float(d[same].sum())


def _area_text(m2: float) -> str:
    if m2 >= 1e6:
        return f"{m2 / 1e6:,.3f} km²"
    return f"{m2:,.2f} m²"


def _length_text(m: float) -> str:
    if m >= 1000:
        return f"{m / 1000:,.2f} km"
    if m >= 1:
        return f"{m:,.2f} m"
    return f"{m * 100:,.2f} cm"


def _deg_to_m_text(deg: float) -> str:
    return "about " + _length_text(deg * 111_320.0)


# --------------------------------------------------------------------------------------------- checks


def _check_inputs(geoms: np.ndarray, ids: List[int], notes: List[str]) -> np.ndarray:
    """Refuse what cannot become a polygon; drop Z/M. Returns the geometries (2D)."""
    missing = [ids[i] for i, g in enumerate(geoms) if g is None]
    if missing:
        raise GeometryRefused(
            "empty_geometry",
            f"Feature(s) {_fmt_ids(missing)} have no geometry. Deselect them or draw their polygons.",
            missing,
        )
    empty = shapely.is_empty(geoms)
    if empty.any():
        bad = [ids[i] for i in np.flatnonzero(empty)]
        raise GeometryRefused(
            "empty_geometry",
            f"Feature(s) {_fmt_ids(bad)} have an empty geometry. Deselect them or fix their geometry.",
            bad,
        )
    types = shapely.get_type_id(geoms)
    not_poly = (types != 3) & (types != 6)
    if not_poly.any():
        # A collection is accepted when it holds polygons (its other parts are dropped).
        for i in np.flatnonzero(not_poly):
            if types[i] == 7 and _polygon_parts(geoms[i]).size:
                geoms[i] = shapely.multipolygons(_polygon_parts(geoms[i]))
                notes.append(f"dropped the non-polygon parts of feature {ids[i]}")
                not_poly[i] = False
        if not_poly.any():
            bad = [ids[i] for i in np.flatnonzero(not_poly)]
            kind = _TYPE_NAMES.get(int(types[np.flatnonzero(not_poly)[0]]), "non-polygon")
            raise GeometryRefused(
                "not_polygon",
                f"Feature(s) {_fmt_ids(bad)} are not polygons (found a {kind}). "
                "An AOI needs polygons: select features of a polygon layer.",
                bad,
            )
    has_z = shapely.has_z(geoms).any()
    has_m = bool(getattr(shapely, "has_m", lambda g: np.zeros(len(g), bool))(geoms).any())
    if has_z or has_m:
        geoms = shapely.force_2d(geoms)
        notes.append("dropped " + " and ".join(n for n, f in (("Z", has_z), ("M", has_m)) if f) + " values")

    coords, idx = shapely.get_coordinates(geoms, return_index=True)
    finite = np.isfinite(coords).all(axis=1)
    if not finite.all():
        bad = sorted({ids[i] for i in np.unique(idx[~finite])})
        raise GeometryRefused(
            "non_finite",
            f"Feature(s) {_fmt_ids(bad)} have coordinates that are not numbers (NaN or infinite), "
            "perhaps from a failed reprojection. Fix the geometry or check the layer's CRS.",
            bad,
        )
    lon, lat = coords[:, 0], coords[:, 1]
    outside = (np.abs(lon) > 180.0) | (np.abs(lat) > 90.0)
    if outside.any():
        bad = sorted({ids[i] for i in np.unique(idx[outside])})
        if (np.abs(lat) <= 90.0).all() and (np.abs(lon) <= 360.0).all():
            raise GeometryRefused(
                "antimeridian",
                f"Feature(s) {_fmt_ids(bad)} reach longitude {lon[np.argmax(np.abs(lon))]:.4f}°, beyond ±180°: "
                "the shape crosses the antimeridian (180°). Split it at 180° into an eastern and a western "
                "part and create one AOI for each.",
                bad,
            )
        raise GeometryRefused(
            "out_of_range",
            f"Feature(s) {_fmt_ids(bad)} have coordinates outside longitude -180..180 / latitude -90..90 "
            f"after conversion to WGS 84 (e.g. {lon[outside][0]:.6g}, {lat[outside][0]:.6g}). "
            "The layer's CRS is probably wrong: set the correct CRS in Layer Properties > Source.",
            bad,
        )
    return geoms


def _make_valid_structure(geom):
    """``make_valid(method="structure", keep_collapsed=False)``: the repaired exteriors minus the repaired
    holes, so a hole that sticks out only cuts the shell and a hole that repeats its exterior leaves nothing.

    shapely < 2.1 (the newest wheels for Python 3.9) or GEOS < 3.10 lack the method; the "linework" repair
    they have instead keeps such holes as polygons of their own, so the same input gave another AOI (or
    none) depending on the installed versions. There the structure method is computed the same way here.
    """
    if shapely.geos_version >= (3, 10, 0):
        try:
            return shapely.make_valid(geom, method="structure", keep_collapsed=False)
        except TypeError:  # shapely < 2.1: no method argument
            pass
    if shapely.get_type_id(geom) not in (3, 6):  # not a (Multi)Polygon: nothing to separate
        return shapely.make_valid(geom)
    shells, holes = [], []
    for poly in shapely.get_parts(geom):
        shells.append(shapely.make_valid(shapely.polygons(poly.exterior)))
        holes.extend(shapely.make_valid(shapely.polygons(ring)) for ring in poly.interiors)
    area = shapely.union_all([p for g in shells for p in _polygon_parts(g)])
    cut = [p for g in holes for p in _polygon_parts(g)]
    return shapely.difference(area, shapely.union_all(cut)) if cut else area


def _repair(geoms: np.ndarray, ids: List[int], notes: List[str]) -> List[np.ndarray]:
    """make_valid the invalid geometries; returns, per input, its Polygon parts."""
    valid = shapely.is_valid(geoms)
    if not valid.all():
        for i in np.flatnonzero(~valid):
            why = shapely.is_valid_reason(geoms[i])
            geoms[i] = _make_valid_structure(geoms[i])
            what = why.split("[")[0].strip().lower() or "invalid geometry"
            notes.append(f"repaired feature {ids[i]} ({what})")
    per_input = []
    for i, g in enumerate(geoms):
        parts = _polygon_parts(g)
        if parts.size == 0:
            raise GeometryRefused(
                "too_small",
                f"Feature {ids[i]} has no area (0 m²): it collapses to a line or a point once repaired. "
                "Fix or deselect it.",
                [ids[i]],
            )
        per_input.append(parts)
    return per_input


def _check_width(poly, fids: List[int]) -> None:
    minx, _, maxx, _ = shapely.bounds(poly)
    if maxx - minx > 180.0:
        raise GeometryRefused(
            "antimeridian",
            f"The AOI spans {maxx - minx:.1f}° of longitude (from {minx:.4f}° to {maxx:.4f}°): it probably "
            "crosses the antimeridian (180°), which a GeoJSON Polygon cannot do. Split it at 180° into an "
            "eastern and a western part and create one AOI for each.",
            fids,
        )


def _check_area(poly, fids: List[int]) -> float:
    area = geodesic_area_m2(poly)
    if area < MIN_AREA_M2:
        raise GeometryRefused(
            "too_small",
            f"The AOI's area is {_area_text(area)}, below the minimum of {_area_text(MIN_AREA_M2)}. "
            "Select a larger polygon (a zero-area or sliver shape cannot be an AOI).",
            fids,
        )
    perimeter = _geodesic_perimeter_m(poly)
    mean_width = 2 * area / perimeter if perimeter > 0 else 0.0
    if mean_width < MIN_MEAN_WIDTH_M:
        raise GeometryRefused(
            "sliver",
            f"The AOI is a sliver: {_area_text(area)} spread along {_length_text(perimeter)} of outline "
            f"(about {_length_text(mean_width)} wide). Select a proper polygon, or fix the geometry.",
            fids,
        )
    return area


# --------------------------------------------------------------------------------------------- finishing


def _cap_vertices(poly, max_vertices: int, notes: List[str], fids: List[int]):
    n0 = count_vertices(poly)
    if n0 <= max_vertices:
        return poly
    n_rings = int(shapely.get_num_interior_rings(poly)) + 1
    if 4 * n_rings > max_vertices:
        raise GeometryRefused(
            "too_many_vertices",
            f"The AOI has {n_rings - 1:,} holes; even simplified it needs more than the "
            f"{max_vertices:,} vertices the plugin sends. Fill small holes (Delete Holes) or use 'Convex hull'.",
            fids,
        )
    # Find the tolerance with plain Douglas-Peucker (fast, no topology checks): halve it from the size of
    # the shape while the result still fits in 90 % of the cap. Then simplify topology-preserving once
    # with it (growing it if the preserved topology needs more vertices).
    minx, miny, maxx, maxy = shapely.bounds(poly)
    tol = max(math.hypot(maxx - minx, maxy - miny), 1e-9)
    best = tol
    while tol > 1e-9:
        if count_vertices(shapely.simplify(poly, tol, preserve_topology=False)) > 0.9 * max_vertices:
            break
        best = tol
        tol /= 2
    area0 = float(shapely.area(poly))
    for _ in range(_MAX_SIMPLIFY_STEPS):
        cand = shapely.simplify(poly, best, preserve_topology=True)
        if not cand.is_empty and count_vertices(cand) <= max_vertices:
            change = abs(float(shapely.area(cand)) - area0) / area0 * 100 if area0 > 0 else 0.0
            notes.append(
                f"simplified from {n0:,} to {count_vertices(cand):,} vertices (limit {max_vertices:,}; "
                f"tolerance {_deg_to_m_text(best)}, area changed by {change:.2f} %)"
            )
            return cand
        best *= _SIMPLIFY_GROWTH
    raise GeometryRefused(
        "too_many_vertices",
        f"The AOI has {n0:,} vertices and could not be simplified below the {max_vertices:,} the plugin "
        "sends. Simplify it (Vector > Geometry Tools > Simplify) or use 'Convex hull'.",
        fids,
    )


def _to_single_polygon(geom, fids: List[int], notes: List[str], what: str):
    """geom must be one polygon; tiny extra parts (< 1e-6 of the area) created by snapping are dropped."""
    parts = _polygon_parts(geom)
    if parts.size == 0:
        raise GeometryRefused(
            "too_small",
            f"The AOI has no area (0 m²) after {what}. Select a larger polygon.",
            fids,
        )
    if parts.size == 1:
        return parts[0]
    areas = shapely.area(parts)
    big = areas >= areas.max() * 1e-6
    if big.sum() == 1:
        notes.append(f"dropped {int((~big).sum())} tiny part(s) left by {what}")
        return parts[int(np.argmax(areas))]
    raise NeedsChoice(int(big.sum()), fids)


def _finish(poly, fids: List[int], notes: List[str], max_vertices: int, split_ok: bool = False) -> List[AoiShape]:
    """One Polygon -> AoiShape(s): width check, vertex cap, 1 cm grid, orientation, area checks.

    Snapping to the grid can split a polygon at a very narrow neck: with ``split_ok`` each part becomes
    an AOI, otherwise :class:`NeedsChoice` is raised.
    """
    notes = list(notes)
    _check_width(poly, fids)
    poly = _cap_vertices(poly, max_vertices, notes, fids)
    if not poly.is_valid:
        poly = _to_single_polygon(shapely.make_valid(poly), fids, notes, "simplification")
    # Snap to the grid of the coordinates sent; GEOS keeps the result valid (may collapse slivers).
    with np.errstate(all="ignore"):  # GEOS may raise harmless floating-point flags
        snapped = shapely.set_precision(poly, _GRID)
    try:
        pieces = [_to_single_polygon(snapped, fids, notes, "rounding coordinates to 7 decimals")]
    except NeedsChoice:
        if not split_ok:
            raise
        parts = _polygon_parts(snapped)
        notes.append(f"rounding coordinates to 7 decimals split the polygon into {len(parts)} parts")
        pieces = list(parts)
    return [_shape_of(piece, fids, notes) for piece in pieces]


def _shape_of(poly, fids: List[int], notes: List[str]) -> AoiShape:
    if hasattr(shapely, "orient_polygons"):
        poly = shapely.orient_polygons(poly, exterior_cw=False)
    else:  # shapely < 2.1
        from shapely.geometry.polygon import orient

        poly = orient(poly, sign=1.0)
    area = _check_area(poly, fids)
    coordinates = []
    for ring in shapely.get_rings(poly):  # exterior first, then the holes
        xy = np.round(shapely.get_coordinates(ring), COORD_DECIMALS)
        if len(xy) < 4:  # an empty hole: nothing to send
            continue
        xy[-1] = xy[0]
        coordinates.append(xy.tolist())
    return AoiShape(
        geojson={"type": "Polygon", "coordinates": coordinates},
        area_km2=area / 1e6,
        vertex_count=sum(len(r) for r in coordinates),
        notes=list(notes),
        source_feature_ids=list(fids),
    )


# --------------------------------------------------------------------------------------------- entry point


@np.errstate(all="ignore")  # GEOS can raise harmless floating-point flags on odd input
def prepare_aoi(
    geoms: Iterable,
    mode: str = "merge",
    *,
    feature_ids: Optional[Sequence[int]] = None,
    notes: Optional[Sequence[str]] = None,
    max_vertices: int = MAX_VERTICES,
) -> List[AoiShape]:
    """Shapely geometries in EPSG:4326 (one per selected feature) -> AOI shapes.

    ``mode``: ``"merge"`` unions everything into one AOI (raises :class:`NeedsChoice` when the union is
    several separate polygons); ``"hull"`` makes one AOI of the convex hull of all (holes and concavities
    are lost); ``"per_feature"`` makes one AOI per feature (a feature with several separate parts gives one
    AOI per part). ``feature_ids`` (default 0..n-1) name the features in messages and in
    ``source_feature_ids``; ``notes`` are prepended to each result's notes (e.g. from the QGIS half).

    Raises :class:`GeometryRefused` (or :class:`NeedsChoice`) with a user-facing message; never anything
    else for bad geometry.
    """
    if mode not in MODES:
        raise GeometryRefused("bad_mode", f"Unknown AOI mode {mode!r}; use one of {', '.join(MODES)}.")
    arr = np.empty(0, dtype=object)
    geoms = list(geoms)
    if geoms:
        arr = np.empty(len(geoms), dtype=object)
        arr[:] = geoms
    ids = list(feature_ids) if feature_ids is not None else list(range(len(arr)))
    if len(ids) != len(arr):
        raise ValueError("feature_ids must have one id per geometry")
    if len(arr) == 0:
        raise GeometryRefused(
            "empty_input",
            "Nothing to make an AOI from: no polygon was given. Select one or more polygons.",
        )
    base_notes = list(notes or [])
    try:
        arr = _check_inputs(arr, ids, base_notes)
        parts_per_input = _repair(arr, ids, base_notes)
        if mode == "per_feature":
            out = []
            for fid, parts in zip(ids, parts_per_input):
                merged = shapely.union_all(parts) if len(parts) > 1 else parts[0]
                pieces = _polygon_parts(merged)
                extra = [f"feature {fid} has {len(pieces)} separate parts: one AOI per part"] if len(pieces) > 1 else []
                if len(pieces) == 0:  # every part collapsed once merged: a refusal, never an empty answer
                    raise GeometryRefused(
                        "too_small",
                        f"Feature {fid} has no area (0 m²) once repaired: its holes cover its whole outline. "
                        "Fix or deselect it.",
                        [fid],
                    )
                for piece in pieces:
                    out.extend(_finish(piece, [fid], base_notes + extra, max_vertices, split_ok=True))
            return out
        all_parts = np.concatenate(parts_per_input)
        if mode == "hull":
            # The hull of the coordinates already on the grid: GEOS's hull of points 1e-88 apart can come out
            # non-convex and invalid, and then split apart when snapped.
            coords = np.round(shapely.get_coordinates(shapely.multipolygons(all_parts)) / _GRID) * _GRID
            hull = shapely.convex_hull(shapely.multipoints(coords))
            note = f"convex hull of {len(ids)} feature(s): holes and concavities are not kept"
            poly = _to_single_polygon(hull, ids, base_notes, "taking the convex hull")
            return _finish(poly, ids, base_notes + [note], max_vertices)
        merged = shapely.union_all(all_parts) if len(all_parts) > 1 else all_parts[0]
        pieces = _polygon_parts(merged)
        if len(pieces) > 1:
            raise NeedsChoice(len(pieces), ids)
        if len(pieces) == 0:
            raise GeometryRefused("too_small", "The merged selection has no area (0 m²).", ids)
        extra = [f"merged {len(ids)} features into one polygon"] if len(ids) > 1 else []
        return _finish(pieces[0], ids, base_notes + extra, max_vertices)
    except GeometryRefused:
        raise
    except (GEOSException, ValueError, FloatingPointError) as exc:  # last resort: never crash
        raise GeometryRefused(
            "invalid",
            f"The geometry could not be processed ({exc}). Run Vector > Geometry Tools > Fix Geometries "
            "on the layer and try again.",
            ids,
        ) from exc

