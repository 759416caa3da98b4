"""Pydantic v2 models of the Pixxel API requests and responses the plugin uses.

Reading is tolerant: unknown fields are kept (``extra="allow"``), documented fields are optional and may
be null, timestamps with a ``T`` or a space both parse (a bad one becomes ``None`` and never fails the
object; the raw string is kept in ``<field>_raw``), unknown enum values become ``unknown``.
Writing is strict: request models refuse wrong values before anything is sent, raising
:class:`~.errors.RequestValidationError` whose ``field`` names the field.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import uuid
from enum import Enum
from typing import Any, Dict, List, Optional, Union

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.functional_validators import BeforeValidator
from typing_extensions import Annotated

from .errors import RequestValidationError, ResponseFormatError, clean_text

# --------------------------------------------------------------------------------------------- helpers


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(body)"


def refusal(exc: ValidationError, model: str) -> RequestValidationError:
    """A pydantic ValidationError on a request model -> RequestValidationError naming the field."""
    err = exc.errors(include_url=False, include_input=False)[0]
    field = _loc(err.get("loc", ()))
    msg = err.get("msg", "invalid value")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    more = len(exc.errors()) - 1
    extra = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
    return RequestValidationError(
        f"{model}: the field '{field}' is not valid: {clean_text(msg)}{extra}; nothing was sent",
        field=field,
    )


def format_error(exc: Exception, what: str, prefix: str = "") -> ResponseFormatError:
    """A ValidationError (or RecursionError) while reading a response -> ResponseFormatError."""
    if isinstance(exc, ValidationError):
        err = exc.errors(include_url=False, include_input=False)[0]
        field = _loc(tuple(p for p in (prefix,) if p) + tuple(err.get("loc", ())))
        return ResponseFormatError(
            f"The response to {what} does not match the documented schema: field '{field}': "
            f"{clean_text(err.get('msg', 'invalid'))}",
            field=field,
        )
    return ResponseFormatError(f"The response to {what} is nested too deeply to read", field=prefix or None)


_nesting = threading.local()


class _StrictModel(BaseModel):
    """Request models: unknown fields refused, errors become RequestValidationError."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=True)

    def __init__(self, **data: Any) -> None:
        # Nested strict models are built through __init__ too: only the outermost converts the error.
        depth = getattr(_nesting, "depth", 0)
        _nesting.depth = depth + 1
        try:
            super().__init__(**data)
        except ValidationError as exc:
            if depth:
                raise
            raise refusal(exc, type(self).__name__) from None
        finally:
            _nesting.depth = depth

    @classmethod
    def parse(cls, data: Any):
        """Validate a dict (or an instance) into this model, raising RequestValidationError."""
        if isinstance(data, cls):
            return data
        if hasattr(data, "__geo_interface__"):
            data = data.__geo_interface__
        if not isinstance(data, dict):
            raise RequestValidationError(f"{cls.__name__}: expected an object, got {type(data).__name__}",
                                         field="(body)")
        return cls(**data)

    def to_payload(self) -> Dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class _ReadModel(BaseModel):
    """Response models: tolerant of extra fields and nulls."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


def _parse_timestamp(value: Any) -> Optional[dt.datetime]:
    """ISO 8601 with 'T' or ' ', 'Z' or an offset; naive -> UTC. Anything unparsable -> None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        try:
            return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 64:
        return None
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    if len(text) > 10 and text[10] in (" ", "t"):
        text = text[:10] + "T" + text[11:]
    # Python < 3.11 fromisoformat wants exactly 0, 3 or 6 fractional digits.
    if "." in text:
        head, _, rest = text.partition(".")
        digits = ""
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        text = f"{head}.{(digits + '000000')[:6]}{rest}" if digits else head + rest
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _parse_date(value: Any) -> Optional[dt.date]:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    stamp = _parse_timestamp(value)
    return stamp.date() if stamp else None


#: A timestamp field that never fails: bad values become None (raw string in ``<name>_raw``).
Timestamp = Annotated[Optional[dt.datetime], BeforeValidator(_parse_timestamp)]
LooseDate = Annotated[Optional[dt.date], BeforeValidator(_parse_date)]


def _keep_raw(data: Any, names: tuple) -> Any:
    if isinstance(data, dict):
        missing = [n for n in names if n in data and f"{n}_raw" not in data]
        if missing:
            data = dict(data)
            for name in missing:
                raw = data[name]
                data[f"{name}_raw"] = raw if isinstance(raw, str) or raw is None else str(raw)
    return data


def _none_to_empty_list(value: Any) -> Any:
    return [] if value is None else value


ListOrEmpty = BeforeValidator(_none_to_empty_list)


def _uuid_str(value: Any) -> str:
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str):
        raise ValueError("must be a UUID string such as 'ce5dcc14-8291-4b0c-a278-8c05ec426d22'")
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        raise ValueError(
            f"{clean_text(value, 60)!s} is not a UUID (expected e.g. 'ce5dcc14-8291-4b0c-a278-8c05ec426d22')"
        ) from None


UUIDStr = Annotated[str, BeforeValidator(_uuid_str)]


class _LenientEnum(str, Enum):
    """String enum; an unknown value (or other case) maps to UNKNOWN instead of failing the object."""

    @classmethod
    def _missing_(cls, value: Any):
        if isinstance(value, str):
            low = value.strip().lower()
            for member in cls:
                if member.value == low:
                    return member
        return cls("unknown")


# --------------------------------------------------------------------------------------------- enums


class Provider(str, Enum):
    """Data provider of an AOI (request side, strict)."""

    PIXXEL = "pixxel"
    PLANETARY = "planetary"


class AOIStatus(_LenientEnum):
    SUCCESS = "success"
    STARTED = "started"
    RUNNING = "running"
    FAILED = "failed"
    UPDATING = "updating"
    PARTIAL_SUCCESS = "partial_success"
    UNKNOWN = "unknown"

    @property
    def is_final(self) -> bool:
        return self in FINAL_AOI_STATUSES


#: The statuses an AOI keeps once processing has ended (str-enum members: ``"success" in`` works too).
FINAL_AOI_STATUSES = frozenset({AOIStatus.SUCCESS, AOIStatus.FAILED, AOIStatus.PARTIAL_SUCCESS})


class AssetStatus(_LenientEnum):
    SUCCESS = "success"
    FAILED = "failed"
    STARTED = "started"
    CREATING = "creating"
    UNKNOWN = "unknown"


class AssetType(_LenientEnum):
    MOSAIC = "mosaic"
    STAC_ITEM = "stac_item"
    VISUALIZATION = "visualization"
    UNKNOWN = "unknown"


# --------------------------------------------------------------------------------------------- geometry


def _plain(value: Any) -> Any:
    """Tuples -> lists recursively (shapely's __geo_interface__ uses tuples)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class Polygon(_StrictModel):
    """A GeoJSON Polygon in EPSG:4326 (request side: strict).

    Rings are closed lists of [lon, lat] (optionally with a third value), at least 4 positions, finite,
    lon in [-180, 180], lat in [-90, 90].
    """

    type: str
    coordinates: List[List[List[float]]]

    @model_validator(mode="before")
    @classmethod
    def _geo_interface(cls, data: Any) -> Any:
        if hasattr(data, "__geo_interface__"):
            data = data.__geo_interface__
        if isinstance(data, dict) and "coordinates" in data:
            data = {**data, "coordinates": _plain(data["coordinates"])}
        if not isinstance(data, dict):
            raise ValueError("must be a GeoJSON object like {'type': 'Polygon', 'coordinates': [[[lon, lat], ...]]}")
        return data

    @field_validator("type")
    @classmethod
    def _is_polygon(cls, value: str) -> str:
        if value != "Polygon":
            raise ValueError(f"must be 'Polygon', not {clean_text(value, 40)!r}")
        return value

    @field_validator("coordinates")
    @classmethod
    def _rings(cls, rings: List[List[List[float]]]) -> List[List[List[float]]]:
        if not rings:
            raise ValueError("a Polygon needs at least one ring")
        for r, ring in enumerate(rings):
            if len(ring) < 4:
                raise ValueError(f"ring {r} has {len(ring)} positions; a closed ring needs at least 4")
            for p, pos in enumerate(ring):
                if len(pos) not in (2, 3):
                    raise ValueError(f"ring {r} position {p} must be [lon, lat], got {len(pos)} numbers")
                if not all(math.isfinite(v) for v in pos):
                    raise ValueError(f"ring {r} position {p} is not a finite number")
                lon, lat = pos[0], pos[1]
                if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
                    raise ValueError(
                        f"ring {r} position {p} ({lon}, {lat}) is outside EPSG:4326 lon/lat bounds"
                    )
            if ring[0][:2] != ring[-1][:2]:
                raise ValueError(f"ring {r} is not closed (first and last positions differ)")
        return rings


# --------------------------------------------------------------------------------------------- common


class Pagination(_ReadModel):
    """common.Pagination {total, offset, limit}; the search response's ``skip`` reads as offset."""

    total: Optional[int] = None
    offset: Optional[int] = Field(default=None, validation_alias=AliasChoices("offset", "skip"))
    limit: Optional[int] = None


class ErrorDetail(_ReadModel):
    code: Optional[Union[str, int]] = None
    message: Optional[str] = None
    details: Any = None


class ErrorResponse(_ReadModel):
    """common.ErrorResponse {"error": {"code", "message", "details"}}."""

    error: Optional[ErrorDetail] = None


# --------------------------------------------------------------------------------------------- AOIs


class AOICreate(_StrictModel):
    """atlas.AOICreateModelV2, the body of POST /v0/aois. The name is the idempotency key."""

    name: str
    description: str = ""
    satellite_id: UUIDStr
    provider: Provider = Provider.PIXXEL
    project_id: UUIDStr
    geometry: Polygon
    item_ids: List[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        if len(value) > 255:
            raise ValueError("must be at most 255 characters")
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise ValueError("must not contain control characters")
        return value

    @field_validator("item_ids")
    @classmethod
    def _items(cls, value: List[str]) -> List[str]:
        for i, item in enumerate(value):
            if not item.strip():
                raise ValueError(f"item {i} is empty")
        return value


class AOI(_ReadModel):
    """atlas.AOI. Reads ``satellite_id`` and the older ``lens_satellite_id``."""

    aoi_id: str
    name: Optional[str] = None
    description: Optional[str] = None
    satellite_id: Optional[str] = Field(
        default=None, validation_alias=AliasChoices("satellite_id", "lens_satellite_id")
    )
    project_id: Optional[str] = None
    images: Optional[Dict[str, Any]] = None
    eo_bands: Annotated[List[str], ListOrEmpty] = Field(default_factory=list)
    geometry: Optional[Dict[str, Any]] = None
    progress: Optional[float] = None
    status: AOIStatus = AOIStatus.UNKNOWN
    status_raw: Optional[str] = None
    is_favourite: Optional[bool] = None
    created_at: Timestamp = None
    created_at_raw: Optional[str] = None
    updated_at: Timestamp = None
    updated_at_raw: Optional[str] = None
    user_id: Optional[str] = None
    area_in_sq_m: Optional[float] = None
    centroid: Optional[List[float]] = None

    @model_validator(mode="before")
    @classmethod
    def _raw(cls, data: Any) -> Any:
        data = _keep_raw(data, ("created_at", "updated_at", "status"))
        if isinstance(data, dict) and data.get("status") is None and "status" in data:
            data = {k: v for k, v in data.items() if k != "status"}
        return data


class AOIPage(_ReadModel):
    """atlas.AOIListResponse."""

    aois: Annotated[List[AOI], ListOrEmpty] = Field(default_factory=list)
    pagination: Optional[Pagination] = None


# --------------------------------------------------------------------------------------------- assets


class Asset(_ReadModel):
    """atlas.AssetReadModel. ``geometry`` is kept as a loose dict (Polygon or MultiPolygon, unchecked)."""

    id: Optional[str] = None
    aoi_id: Optional[str] = None
    area_in_sq_m: Optional[float] = None
    asset_type: AssetType = AssetType.UNKNOWN
    band_list: Annotated[List[str], ListOrEmpty] = Field(default_factory=list)
    centroid: Optional[List[float]] = None
    created_at: Timestamp = None
    created_at_raw: Optional[str] = None
    date: LooseDate = None
    date_raw: Optional[str] = None
    description: Optional[str] = None
    geometry: Optional[Dict[str, Any]] = None
    name: Optional[str] = None
    path: Optional[str] = None
    progress: Optional[float] = None
    resolution: Optional[float] = None
    status: AssetStatus = AssetStatus.UNKNOWN
    updated_at: Timestamp = None
    updated_at_raw: Optional[str] = None
    visualization_id: Optional[str] = None

    @model_validator(mode="before")
    @classmethod
    def _raw(cls, data: Any) -> Any:
        data = _keep_raw(data, ("created_at", "updated_at", "date"))
        if isinstance(data, dict):
            drop = [k for k in ("status", "asset_type") if k in data and data[k] is None]
            if drop:
                data = {k: v for k, v in data.items() if k not in drop}
        return data


class AssetPage(_ReadModel):
    """atlas.AssetListResponseModel."""

    assets: Annotated[List[Asset], ListOrEmpty] = Field(default_factory=list)
    pagination: Optional[Pagination] = None


class DownloadRequest(_StrictModel):
    """atlas.DownloadCreateModel."""

    asset_ids: List[str] = Field(min_length=1)


class Download(_ReadModel):
    """atlas.DownloadReadModel."""

    download_id: Optional[str] = None
    signed_url: Optional[str] = None
    status: Optional[str] = None


# --------------------------------------------------------------------------------------------- projects


class Project(_ReadModel):
    """A project (frontier.listProjects item / getProjectById.project / the docs' sample)."""

    id: str
    name: Optional[str] = None
    title: Optional[str] = None
    description: Optional[str] = None
    org_id: Optional[str] = None
    members_count: Optional[int] = None
    created_at: Timestamp = None
    created_at_raw: Optional[str] = None
    updated_at: Timestamp = None
    updated_at_raw: Optional[str] = None
    metadata: Optional[Dict[str, Any]] = None

    @model_validator(mode="before")
    @classmethod
    def _raw(cls, data: Any) -> Any:
        return _keep_raw(data, ("created_at", "updated_at"))

    @property
    def display_name(self) -> str:
        return self.title or self.name or self.id


class ProjectPage(_ReadModel):
    """frontier.listProjects ({projects, count}) or the docs' form ({projects, pagination})."""

    projects: Annotated[List[Project], ListOrEmpty] = Field(default_factory=list)
    count: Optional[int] = None
    pagination: Optional[Pagination] = None

    @property
    def total(self) -> Optional[int]:
        if self.count is not None:
            return self.count
        return self.pagination.total if self.pagination else None


# --------------------------------------------------------------------------------------------- satellites


class SatelliteBand(_ReadModel):
    name: Optional[str] = None
    offset: Optional[float] = None
    scale: Optional[float] = None
    spatial_resolution: Optional[float] = None
    wavelength: Optional[float] = None


class SatelliteCollection(_ReadModel):
    id: Optional[str] = None
    name: Optional[str] = None
    provider: Optional[str] = None
    rescale: Annotated[List[float], ListOrEmpty] = Field(default_factory=list)
    queryables: Annotated[List[str], ListOrEmpty] = Field(default_factory=list)


class RGBComposite(_ReadModel):
    red: Optional[str] = None
    green: Optional[str] = None
    blue: Optional[str] = None


def _named(value: Any) -> Any:
    """The docs list bands/collections as plain strings, the spec as objects: accept both."""
    if isinstance(value, list):
        return [{"id": v, "name": v} if isinstance(v, str) else v for v in value]
    return [] if value is None else value


class Satellite(_ReadModel):
    """lens.originalSuccessResponse."""

    id: str
    name: Optional[str] = None
    collections: Annotated[List[SatelliteCollection], BeforeValidator(_named)] = Field(default_factory=list)
    bands: Annotated[List[SatelliteBand], BeforeValidator(_named)] = Field(default_factory=list)
    rgb_composite: Optional[RGBComposite] = None


class SatelliteList(_ReadModel):
    """lens.modifiedSuccessResponse."""

    satellites: Annotated[List[Satellite], ListOrEmpty] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------- search


class SatelliteRef(_StrictModel):
    """lens.SatelliteInfo."""

    collection_id: str = Field(min_length=1)
    satellite_id: UUIDStr


class SearchFilter(_StrictModel):
    """lens.Filter, e.g. {"id": "eo:cloud_cover", "min": 0, "max": 30}."""

    id: str = Field(default="eo:cloud_cover", min_length=1)
    min: int
    max: int

    @model_validator(mode="after")
    def _order(self):
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00Z"
    if isinstance(value, str) and _parse_timestamp(value) is None:
        raise ValueError(f"{clean_text(value, 40)!r} is not an ISO 8601 date-time")
    return value


IsoDateTime = Annotated[str, BeforeValidator(_iso)]


class SearchQuery(_StrictModel):
    """lens.V2Query, the body of POST /v0/search (plus ``next_token`` for the following pages)."""

    start_date: IsoDateTime
    end_date: IsoDateTime
    satellites: List[SatelliteRef] = Field(min_length=1)
    filters: List[SearchFilter] = Field(default_factory=list)
    geometry: Polygon
    limit: Optional[int] = Field(default=None, ge=1, le=10000)
    next_token: Optional[str] = None

    @model_validator(mode="after")
    def _dates(self):
        start, end = _parse_timestamp(self.start_date), _parse_timestamp(self.end_date)
        if start and end and start > end:
            raise ValueError("start_date is after end_date")
        return self


class EoBand(_ReadModel):
    name: Optional[str] = None
    common_name: Optional[str] = None
    center_wavelength: Optional[float] = None
    fwhm: Optional[float] = None
    solar_irradiance: Optional[float] = None


class RasterBand(_ReadModel):
    nodata: Optional[float] = None
    offset: Optional[float] = None
    scale: Optional[float] = None
    spatial_resolution: Optional[float] = None


class StacAsset(_ReadModel):
    """cosmos.Asset."""

    href: Optional[str] = None
    type: Optional[str] = None
    title: Optional[str] = None
    roles: Annotated[List[str], ListOrEmpty] = Field(default_factory=list)
    eo_bands: Annotated[List[EoBand], ListOrEmpty] = Field(default_factory=list, alias="eo:bands")
    raster_bands: Annotated[List[RasterBand], ListOrEmpty] = Field(default_factory=list, alias="raster:bands")


class Link(_ReadModel):
    """cosmos.Link."""

    href: Optional[str] = None
    rel: Optional[str] = None
    title: Optional[str] = None
    type: Optional[str] = None


class ItemProperties(_ReadModel):
    """cosmos.Properties (STAC names with a colon are exposed with an underscore)."""

    datetime: Timestamp = None
    startdatetime: Timestamp = None
    created: Timestamp = None
    updated: Timestamp = None
    title: Optional[str] = None
    description: Optional[str] = None
    constellation: Optional[str] = None
    platform: Optional[str] = None
    instruments: Optional[List[str]] = None
    license: Optional[str] = None
    altitude: Optional[float] = None
    gsd: Optional[float] = None
    cloud_cover: Optional[float] = Field(default=None, alias="eo:cloud_cover")
    proj_code: Optional[str] = Field(default=None, alias="proj:code")
    proj_shape: Optional[List[int]] = Field(default=None, alias="proj:shape")
    proj_transform: Optional[List[float]] = Field(default=None, alias="proj:transform")
    anomalous_pixels: Optional[float] = Field(default=None, alias="rd:anomalous_pixels")
    earth_sun_distance: Optional[float] = Field(default=None, alias="rd:earth_sun_distance")
    product_level: Optional[str] = Field(default=None, alias="rd:product_level")
    sat_id: Optional[str] = Field(default=None, alias="rd:sat_id")
    rd_type: Optional[str] = Field(default=None, alias="rd:type")
    doi: Optional[str] = Field(default=None, alias="sci:doi")
    off_nadir: Optional[float] = Field(default=None, alias="view:off_nadir")
    scene_center_lat: Optional[float] = Field(default=None, alias="view:scene_center_lat")
    scene_center_lon: Optional[float] = Field(default=None, alias="view:scene_center_lon")
    sun_azimuth: Optional[float] = Field(default=None, alias="view:sun_azimuth")
    sun_elevation: Optional[float] = Field(default=None, alias="view:sun_elevation")


class SearchItem(_ReadModel):
    """cosmos.Item, one STAC item of a search result; ``id`` is what goes into AOICreate.item_ids."""

    id: str
    type: Optional[str] = None
    collection: Optional[str] = None
    stac_version: Optional[str] = None
    stac_extensions: Optional[List[str]] = None
    bbox: Optional[List[float]] = None
    geometry: Optional[Dict[str, Any]] = None
    properties: Optional[ItemProperties] = None
    assets: Optional[Dict[str, StacAsset]] = None
    links: Annotated[List[Link], ListOrEmpty] = Field(default_factory=list)


class SearchPage(_ReadModel):
    """lens.V2Response. ``items`` may be an object keyed by id (the spec) or a list; ``next_token`` is
    read from the top level or from ``pagination``."""

    items: List[SearchItem] = Field(default_factory=list)
    pagination: Optional[Pagination] = None
    next_token: Optional[str] = None

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        items = data.get("items")
        if items is None:
            data["items"] = []
        elif isinstance(items, dict):
            data["items"] = [
                ({"id": key, **value} if isinstance(value, dict) and value.get("id") is None else value)
                for key, value in items.items()
            ]
        page = data.get("pagination")
        if not data.get("next_token") and isinstance(page, dict) and page.get("next_token"):
            data["next_token"] = page["next_token"]
        if data.get("next_token") == "":
            data["next_token"] = None
        return data


__all__ = [
    "FINAL_AOI_STATUSES",
    "AOI",
    "AOICreate",
    "AOIPage",
    "AOIStatus",
    "Asset",
    "AssetPage",
    "AssetStatus",
    "AssetType",
    "Download",
    "DownloadRequest",
    "EoBand",
    "ErrorDetail",
    "ErrorResponse",
    "ItemProperties",
    "Link",
    "Pagination",
    "Polygon",
    "Project",
    "ProjectPage",
    "Provider",
    "RGBComposite",
    "RasterBand",
    "Satellite",
    "SatelliteBand",
    "SatelliteCollection",
    "SatelliteList",
    "SatelliteRef",
    "SearchFilter",
    "SearchItem",
    "SearchPage",
    "SearchQuery",
    "StacAsset",
    "Timestamp",
]
