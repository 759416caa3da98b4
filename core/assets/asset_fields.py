"""Schema of the asset and AOI-boundary layers, and raw API dict -> attribute list conversion.

Thread-safe: nothing here touches a project or a layer. Conversion is tolerant: unknown keys go to
the ``extra`` JSON text field, missing keys and values of the wrong type become NULL (None), and nothing
raises for malformed input.
"""

from __future__ import annotations

import json
import math
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from qgis.core import Qgis, QgsField, QgsFields
from qgis.PyQt.QtCore import QDate, QDateTime, QMetaType, Qt, QVariant

__all__ = [
    "ASSET_FIELDS",
    "AOI_FIELDS",
    "ASSET_STATUSES",
    "ASSET_TYPES",
    "asset_fields",
    "aoi_fields",
    "field_type",
    "make_field",
    "AssetRowConverter",
    "asset_attributes",
    "aoi_attributes",
    "parse_datetime",
    "parse_date",
]

ASSET_STATUSES = ("success", "failed", "started", "creating")
ASSET_TYPES = ("mosaic", "stac_item", "visualization")

# kinds: str, int, float, datetime, date, bands (list of strings -> "B01, B02"), json (any -> JSON text)
# kind -> (QMetaType.Type name, QVariant.Type name, QGIS type name)
_KIND_TYPES = {
    "str": ("QString", "String", "String"),
    "int": ("Int", "Int", "Integer"),
    "float": ("Double", "Double", "Real"),
    "datetime": ("QDateTime", "DateTime", "DateTime"),
    "date": ("QDate", "Date", "Date"),
    "bands": ("QString", "String", "String"),
    "json": ("QString", "String", "String"),
}
# QGIS 3.38 takes QMetaType types (the QVariant-typed QgsField constructor is deprecated there and gone
# with Qt6 / QGIS 4); older QGIS only QVariant types.
FIELDS_USE_QMETATYPE = Qgis.QGIS_VERSION_INT >= 33800


def field_type(kind: str):
    """The Qt type of a field kind, as this QGIS wants it in QgsField (QMetaType.Type or QVariant.Type)."""
    meta_name, variant_name, _ = _KIND_TYPES[kind]
    if FIELDS_USE_QMETATYPE:
        return getattr(QMetaType.Type, meta_name)
    return getattr(QVariant.Type, variant_name)  # qt6-lint: ok only QGIS < 3.38, always Qt5


def make_field(name: str, kind: str) -> QgsField:
    """One QgsField of a kind above, built the way this QGIS version wants (no deprecation warning)."""
    return QgsField(name, field_type(kind), _KIND_TYPES[kind][2])


# (field name, kind, source key in the raw dict). Order == attribute order.
ASSET_FIELDS: Tuple[Tuple[str, str, str], ...] = (
    ("id", "str", "id"),
    ("name", "str", "name"),
    ("aoi_id", "str", "aoi_id"),
    ("asset_type", "str", "asset_type"),
    ("status", "str", "status"),
    ("progress", "int", "progress"),
    ("date", "date", "date"),
    ("created_at", "datetime", "created_at"),
    ("updated_at", "datetime", "updated_at"),
    ("area_in_sq_m", "float", "area_in_sq_m"),
    ("resolution", "float", "resolution"),
    ("band_list", "bands", "band_list"),
    ("band_count", "int", "band_list"),  # derived: len(band_list)
    ("centroid_lon", "float", "centroid"),  # derived: centroid[0]
    ("centroid_lat", "float", "centroid"),  # derived: centroid[1]
    ("description", "str", "description"),
    ("path", "str", "path"),
    ("visualization_id", "str", "visualization_id"),
    ("extra", "json", ""),  # undocumented keys, as JSON text
)

AOI_FIELDS: Tuple[Tuple[str, str, str], ...] = (
    ("aoi_id", "str", "aoi_id"),
    ("name", "str", "name"),
    ("description", "str", "description"),
    ("status", "str", "status"),
    ("progress", "int", "progress"),
    ("satellite_id", "str", "satellite_id"),
    ("project_id", "str", "project_id"),
    ("eo_bands", "bands", "eo_bands"),
    ("area_in_sq_m", "float", "area_in_sq_m"),
    ("centroid_lon", "float", "centroid"),
    ("centroid_lat", "float", "centroid"),
    ("is_favourite", "int", "is_favourite"),  # 0/1: GeoPackage has no portable boolean in 3.22 writers
    ("user_id", "str", "user_id"),
    ("created_at", "datetime", "created_at"),
    ("updated_at", "datetime", "updated_at"),
)

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def _make_fields(spec) -> QgsFields:
    fields = QgsFields()
    for name, kind, _src in spec:
        fields.append(make_field(name, kind))
    return fields


def asset_fields() -> QgsFields:
    """A fresh QgsFields for the asset layer (QgsFields is not shared between threads)."""
    return _make_fields(ASSET_FIELDS)


def aoi_fields() -> QgsFields:
    """A fresh QgsFields for the AOI boundary layer."""
    return _make_fields(AOI_FIELDS)


# ---- value converters: never raise, return None for anything unusable ----


def _to_str(v: Any) -> Optional[str]:
    if isinstance(v, str):
        return v
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return str(v) if not (isinstance(v, float) and not math.isfinite(v)) else None
    return None


def _to_int(v: Any) -> Optional[int]:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v if _INT_MIN <= v <= _INT_MAX else None
    if isinstance(v, float):
        return int(v) if math.isfinite(v) and _INT_MIN <= v <= _INT_MAX else None
    if isinstance(v, str):
        try:
            return _to_int(float(v.strip()))
        except ValueError:
            return None
    return None


def _to_float(v: Any) -> Optional[float]:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        try:
            f = float(v)
        except OverflowError:
            return None
        return f if math.isfinite(f) else None
    if isinstance(v, str):
        try:
            return _to_float(float(v.strip()))
        except ValueError:
            return None
    return None


def _to_bool_int(v: Any) -> Optional[int]:
    if isinstance(v, bool):
        return int(v)
    return None


def _bands_text(v: Any) -> Optional[str]:
    if isinstance(v, (list, tuple)):
        try:
            return ", ".join(v)  # the usual case, all names: one C call (hyperspectral lists are long)
        except TypeError:
            return ", ".join(b if isinstance(b, str) else json.dumps(b, default=str) for b in v)
    if isinstance(v, str):
        return v
    return None


def _band_count(v: Any) -> Optional[int]:
    return len(v) if isinstance(v, (list, tuple)) else None


def _centroid(i: int) -> Callable[[Any], Optional[float]]:
    def get(v: Any) -> Optional[float]:
        if isinstance(v, (list, tuple)) and len(v) >= 2:
            return _to_float(v[i])
        return None

    return get


def parse_datetime(v: Any) -> Optional[QDateTime]:
    """ISO 8601 with 'T' or a space, 'Z' or an offset, any fraction -> QDateTime (UTC if no zone); else None."""
    if not isinstance(v, str) or len(v) < 10:
        return None
    dt = _datetime_from_string(v.strip(), _ISO_WITH_MS)
    if not dt.isValid():
        return None
    if dt.timeSpec() == _LOCAL_TIME:  # no zone given: the API speaks UTC
        dt.setTimeSpec(_UTC)
    return dt


# looked up once: every asset has two timestamps, and most are unique (no cache hit)
_datetime_from_string = QDateTime.fromString
_ISO_WITH_MS = Qt.DateFormat.ISODateWithMs
_LOCAL_TIME = Qt.TimeSpec.LocalTime
_UTC = Qt.TimeSpec.UTC


def parse_date(v: Any) -> Optional[QDate]:
    """'2022-11-14' (or a timestamp starting with a date) -> QDate; else None."""
    if not isinstance(v, str) or len(v) < 10:
        return None
    d = QDate.fromString(v[:10], Qt.DateFormat.ISODate)
    return d if d.isValid() else None


class _CachedParser:
    """Memoises a parser per build (timestamps repeat a lot); bounded, and local to one thread."""

    __slots__ = ("_fn", "_cache")

    def __init__(self, fn):
        self._fn = fn
        self._cache: Dict[Any, Any] = {}

    def __call__(self, v: Any):
        if not isinstance(v, str):
            return None
        cache = self._cache
        try:
            return cache[v]
        except KeyError:
            pass
        out = self._fn(v)
        if len(cache) > 8192:
            cache.clear()
        cache[v] = out
        return out


def _json_text(d: Dict[str, Any], known) -> Optional[str]:
    extra = {k: v for k, v in d.items() if k not in known}
    if not extra:
        return None
    try:
        return json.dumps(extra, ensure_ascii=False, default=str, sort_keys=True)
    except (TypeError, ValueError):
        return None


class AssetRowConverter:
    """Converts raw dicts to attribute lists for a field spec. One instance per thread/build."""

    def __init__(self, spec: Sequence[Tuple[str, str, str]] = ASSET_FIELDS):
        dt = _CachedParser(parse_datetime)
        date = _CachedParser(parse_date)
        known = frozenset(src for _, _, src in spec if src) | {"geometry"}
        plan: List[Tuple[str, Callable[[Any], Any]]] = []
        self._extra_index = None
        for i, (name, kind, src) in enumerate(spec):
            if kind == "json":
                self._extra_index = i
                plan.append((src, lambda v: None))
                continue
            if src == "centroid":
                conv = _centroid(0 if name.endswith("lon") else 1)
            elif name == "band_count":
                conv = _band_count
            elif name == "is_favourite":
                conv = _to_bool_int
            else:
                conv = {
                    "str": _to_str,
                    "int": _to_int,
                    "float": _to_float,
                    "datetime": dt,
                    "date": date,
                    "bands": _bands_text,
                }[kind]
            plan.append((src, conv))
        self._plan = tuple(plan)
        self._known = known
        self.width = len(spec)
        self._convert_dict = _compile_row(self._plan, self._extra_index, known)

    def __call__(self, raw: Any) -> List[Any]:
        if not isinstance(raw, dict):
            row: List[Any] = [None] * self.width
            if self._extra_index is not None:
                try:
                    row[self._extra_index] = json.dumps({"raw": raw}, default=str)
                except (TypeError, ValueError):
                    row[self._extra_index] = None
            return row
        return self._convert_dict(raw)

    def convert_by_plan(self, raw: Dict[str, Any]) -> List[Any]:
        """The reference conversion of a dict (one converter call per field); ``__call__`` compiles the
        same plan into one function (see ``_compile_row``) and must give exactly this."""
        get = raw.get
        row = [conv(get(src)) if src else None for src, conv in self._plan]
        if self._extra_index is not None and not self._known.issuperset(raw):
            row[self._extra_index] = _json_text(raw, self._known)
        return row


def _compile_row(plan, extra_index: Optional[int], known) -> Callable[[Dict[str, Any]], List[Any]]:
    """The plan as one generated function: the common case of each field (a str for a text field, an int
    in range, a finite float) is an inline type check instead of a converter call; anything else goes to
    the same converter as before. About half the time of the per-field calls for 10k+ assets (issue 15);
    ``AssetRowConverter.convert_by_plan`` is the reference the tests compare it with."""
    ns: Dict[str, Any] = {
        "to_str": _to_str, "to_int": _to_int, "to_float": _to_float, "isfinite": math.isfinite,
        "json_text": _json_text, "known": known, "superset": known.issuperset,
    }
    body = ["def convert(raw):", "    get = raw.get"]
    cells = []
    for i, (src, conv) in enumerate(plan):
        if not src:
            cells.append("None")
            continue
        v = f"v{i}"
        body.append(f"    {v} = get({src!r})")
        if conv is _to_str:
            cells.append(f"({v} if {v}.__class__ is str else to_str({v}))")
        elif conv is _to_int:
            cells.append(f"({v} if {v}.__class__ is int and {_INT_MIN} <= {v} <= {_INT_MAX} else to_int({v}))")
        elif conv is _to_float:
            cells.append(f"({v} if {v}.__class__ is float and isfinite({v}) else to_float({v}))")
        else:
            ns[f"c{i}"] = conv
            cells.append(f"c{i}({v})")
    body.append("    row = [" + ", ".join(cells) + "]")
    if extra_index is not None:
        body.append(f"    if not superset(raw):\n        row[{extra_index}] = json_text(raw, known)")
    body.append("    return row")
    exec(compile("\n".join(body), "<pixxel asset row>", "exec"), ns)  # our own text, no input in it
    return ns["convert"]


def asset_attributes(raw: Any) -> List[Any]:
    """One raw asset dict -> attribute list in ASSET_FIELDS order (convenience; builds use AssetRowConverter)."""
    return AssetRowConverter(ASSET_FIELDS)(raw)


def aoi_dict(aoi: Any) -> Dict[str, Any]:
    """An AOI as a plain dict: accepts a raw dict or a pydantic model (client.models.AOI)."""
    if isinstance(aoi, dict):
        d = dict(aoi)
    elif hasattr(aoi, "model_dump"):
        try:
            d = aoi.model_dump(mode="json")
        except Exception:  # noqa: BLE001 - a model that cannot serialise: fall back to python mode
            d = aoi.model_dump()
    else:
        d = {}
    if not d.get("satellite_id") and d.get("lens_satellite_id"):
        d["satellite_id"] = d["lens_satellite_id"]
    return d


def aoi_attributes(aoi: Any) -> List[Any]:
    """An AOI (dict or model) -> attribute list in AOI_FIELDS order."""
    return AssetRowConverter(AOI_FIELDS)(aoi_dict(aoi))
