"""Raw GeoJSON Polygon / MultiPolygon dicts -> little-endian 2D MultiPolygon WKB, or None when unusable.

Pure Python (no QGIS, no shapely) so it runs anywhere, including in a QgsTask worker thread.
Every usable geometry is returned as a *MultiPolygon*, so Polygon and MultiPolygon assets share one layer.

A geometry is unusable (None) when: it is not a dict, its type is not Polygon/MultiPolygon, its
coordinates are nested wrongly (the docs' own example ``[[[123]]]``), a position has fewer than two
numbers or non-numeric / NaN / infinite values, or a ring has fewer than three distinct positions.
Rings that are not closed are closed. A third (Z) value in a position is ignored.
"""

from __future__ import annotations

import math
import struct
import sys
from array import array
from itertools import chain
from typing import Any, Optional

__all__ = ["geojson_to_wkb", "ring_is_usable"]

_BIG_ENDIAN = sys.byteorder == "big"
_MULTI_HEADER = struct.Struct("<BII")  # byte order, type 6, number of polygons
_POLY_HEADER = struct.Struct("<BII")  # byte order, type 3, number of rings
_UINT = struct.Struct("<I")
_fsum = math.fsum
_isfinite = math.isfinite
_chain = chain.from_iterable
_map = map
_set = set
_PAIR = {2}


def _ring_coords(ring: Any) -> Optional[array]:
    """Flat array('d') [x0, y0, x1, y1, ...] of a closed ring, or None if the ring is unusable."""
    if not isinstance(ring, (list, tuple)) or len(ring) < 3:
        return None
    try:
        # Fast path, C loops only: every position has two items that are numbers. map(len) raises
        # TypeError for a position without a length (the docs' 123), array('d') for items that are not
        # numbers (strings, lists, dicts' keys); those rings, and 3D ones, take the general path.
        if _set(_map(len, ring)) != _PAIR:
            raise TypeError
        flat = array("d", _chain(ring))
    except TypeError:
        try:
            # pt[0], pt[1] raises TypeError/IndexError/KeyError for non-sequences (e.g. the docs' 123),
            # array('d') raises TypeError for strings, None, dicts.
            flat = array("d", [c for pt in ring for c in (pt[0], pt[1])])
        except (TypeError, IndexError, KeyError, OverflowError):
            return None
    except OverflowError:
        return None
    if not _isfinite(_fsum(flat)):  # any NaN / inf (or absurdly large values)
        return None
    if flat[0] != flat[-2] or flat[1] != flat[-1]:
        flat.append(flat[0])
        flat.append(flat[1])
    n = len(flat)
    if n < 8:  # a closed ring needs four positions (three distinct)
        return None
    # at least three distinct positions (a ring [a, b, a, b, a] has no area at all); the first three
    # positions pairwise distinct (the usual case) settle it without building a set
    if (
        (flat[0] != flat[2] or flat[1] != flat[3])
        and (flat[2] != flat[4] or flat[3] != flat[5])
        and (flat[0] != flat[4] or flat[1] != flat[5])
    ):
        return flat
    if len({(flat[i], flat[i + 1]) for i in range(0, n, 2)}) < 3:
        return None
    return flat


def ring_is_usable(ring: Any) -> bool:
    return _ring_coords(ring) is not None


def _polygon_wkb(rings: Any, out: bytearray) -> bool:
    if not isinstance(rings, (list, tuple)) or not rings:
        return False
    parsed = []
    for ring in rings:
        flat = _ring_coords(ring)
        if flat is None:
            return False
        parsed.append(flat)
    out += _POLY_HEADER.pack(1, 3, len(parsed))
    for flat in parsed:
        out += _UINT.pack(len(flat) // 2)
        if _BIG_ENDIAN:  # pragma: no cover - WKB says little endian (byte order flag 1)
            flat.byteswap()
        out += flat.tobytes()
    return True


def geojson_to_wkb(geometry: Any) -> Optional[bytes]:
    """A GeoJSON Polygon or MultiPolygon dict -> 2D MultiPolygon WKB (little endian), or None if unusable."""
    if not isinstance(geometry, dict):
        return None
    gtype = geometry.get("type")
    coords = geometry.get("coordinates")
    if not isinstance(gtype, str) or not isinstance(coords, (list, tuple)) or not coords:
        return None
    gtype = gtype.lower()
    if gtype == "polygon":
        polygons = (coords,)
    elif gtype == "multipolygon":
        polygons = coords
    else:
        return None
    out = bytearray(_MULTI_HEADER.pack(1, 6, len(polygons)))
    for rings in polygons:
        if not _polygon_wkb(rings, out):
            return None
    return bytes(out)
