"""The simulator's in-memory store: configuration, AOIs and their lifecycle, and the endpoint logic.

Nothing here knows about HTTP: methods take parsed values and return JSON-ready dicts, or raise
`ApiError(status, code, message, details)`. One lock guards the AOI table; asset pages are generated
outside it from immutable per-AOI context. Time comes from an injectable monotonic `clock` (lifecycle)
and `wallclock` (timestamps), so tests can drive the lifecycle without sleeping.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import shapely
from shapely.geometry import shape

from . import catalog
from .catalog import PROJECTS, PROJECTS_BY_ID, SATELLITES, SATELLITES_BY_ID, TEST_API_KEY
from .faults import Faults

OUTCOMES = ("success", "failed", "partial_success")
PROVIDERS = ("pixxel", "planetary")
REQUIRED_CREATE_FIELDS = ("name", "description", "satellite_id", "provider", "project_id", "geometry", "item_ids")
SEARCH_NUMERIC_FILTERS = ("eo:cloud_cover", "view:off_nadir", "gsd")
#: Assets are serialised lazily in chunks of this many and the JSON kept (per seed, AOI, chunk), so a page
#: asked again, or by several clients at once, costs a bytes join instead of ~80 us of Python per asset.
ASSET_CHUNK = 100
#: Bound on the cached asset JSON (oldest chunks dropped first): 100k assets are about 90 MB.
ASSET_CACHE_MAX_BYTES = 256 * 1024 * 1024


@dataclass
class SimConfig:
    seed: int = 7
    api_keys: Tuple[str, ...] = (TEST_API_KEY,)
    asset_count: int = 25  # assets of a finished AOI (up to 100 000 and more: generated lazily)
    aoi_duration_s: float = 3.0  # started -> running -> final; 0 means done at once
    outcome: str = "success"  # final status of new AOIs: success | failed | partial_success
    partial_fraction: float = 0.6  # share of asset_count that exists for partial_success
    faults: Faults = field(default_factory=Faults)
    auth_status: int = 401  # status for a missing or wrong key (the docs say 403)
    validation_status: int = 400  # status for invalid bodies and parameters (400 or 422)
    seed_aois: int = 0  # finished demo AOIs present at start
    catalog_per_region: int = 8  # catalogue scenes per region and satellite
    max_page_size: int = 1000  # larger limits are clamped (the pagination object says so)
    user_id: str = "user-sim-000001"
    start_time: Optional[str] = None  # ISO time: timestamps = start_time + elapsed (fully reproducible runs)
    raster_size: int = 96  # pixels per side of the GeoTIFF cubes the storage server makes (64-512)
    download_seconds: float = 0.0  # a download request is "in_progress" this long before its URL is given
    url_ttl_s: float = 900.0  # signed storage URLs expire after this many seconds
    # AOI names unique (a second create of a name answers 409)? Pixxel does not document that it enforces
    # this, so the client must not rely on it: tests run the duplicate-safety checks both ways.
    unique_names: bool = True

    def __post_init__(self):
        if isinstance(self.api_keys, str):
            self.api_keys = (self.api_keys,)
        self.api_keys = tuple(self.api_keys)
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}")
        if self.auth_status not in (401, 403):
            raise ValueError("auth_status must be 401 or 403")
        if self.validation_status not in (400, 422):
            raise ValueError("validation_status must be 400 or 422")
        if self.asset_count < 0 or self.aoi_duration_s < 0:
            raise ValueError("asset_count and aoi_duration_s must be >= 0")
        if self.faults is None:
            self.faults = Faults()
        if self.start_time is not None:
            catalog.parse_time(self.start_time)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details

    def body(self) -> Dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


def detail(field_name: str, message: str) -> Dict[str, str]:
    return {"field": field_name, "message": message}


# ------------------------------------------------------------------------------------------- validation


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def polygon_problems(geom: Any, name: str = "geometry", allow_multi: bool = False) -> List[Dict[str, str]]:
    """Why `geom` is not a valid GeoJSON (Multi)Polygon in lon/lat; empty when it is fine."""
    if not isinstance(geom, dict):
        return [detail(name, "must be a GeoJSON object")]
    allowed = ("Polygon", "MultiPolygon") if allow_multi else ("Polygon",)
    if geom.get("type") not in allowed:
        return [detail(f"{name}.type", f"must be {' or '.join(allowed)}, got {geom.get('type')!r}")]
    coords = geom.get("coordinates")
    polygons = coords if geom["type"] == "MultiPolygon" else [coords]
    if not isinstance(polygons, list) or not polygons:
        return [detail(f"{name}.coordinates", "must be a non-empty array")]
    for poly in polygons:
        if not isinstance(poly, list) or not poly:
            return [detail(f"{name}.coordinates", "must be an array of linear rings")]
        for ring in poly:
            if not isinstance(ring, list) or len(ring) < 4:
                return [detail(f"{name}.coordinates", "each ring needs at least 4 positions")]
            for pos in ring:
                if not (isinstance(pos, list) and len(pos) in (2, 3) and all(_is_number(v) for v in pos)):
                    return [detail(f"{name}.coordinates", "each position must be [longitude, latitude]")]
                if not (-180 <= pos[0] <= 180 and -90 <= pos[1] <= 90):
                    return [detail(f"{name}.coordinates", f"position {pos} is outside longitude/latitude range")]
            if list(ring[0][:2]) != list(ring[-1][:2]):
                return [detail(f"{name}.coordinates", "each ring must be closed (first position == last)")]
    try:
        shp = shape(geom)
    except Exception as exc:  # noqa: BLE001 - any shapely refusal is a field error
        return [detail(f"{name}.coordinates", f"not a polygon: {exc}")]
    if shp.is_empty or shp.area <= 0:
        return [detail(f"{name}.coordinates", "polygon has no area")]
    if not shp.is_valid:
        return [detail(f"{name}.coordinates", f"invalid polygon: {shapely.is_valid_reason(shp)}")]
    return []


def _int_param(params: Dict[str, str], name: str, default: int, minimum: int, status: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(status, "INVALID_PARAMETER", f"{name} must be an integer",
                       [detail(name, "not an integer")]) from None  # fmt: skip
    if value < minimum:
        raise ApiError(status, "INVALID_PARAMETER", f"{name} must be >= {minimum}", [detail(name, f"< {minimum}")])
    return value


# ----------------------------------------------------------------------------------------------- AOIs


@dataclass
class AoiRecord:
    seq: int
    aoi_id: str
    name: str
    description: str
    satellite_id: str
    provider: str
    project_id: str
    geometry: Dict[str, Any]
    item_ids: List[str]
    created_mono: float
    created_wall: datetime
    duration_s: float
    outcome: str
    asset_count: int
    area: float
    centroid: List[float]
    ctx: catalog.AssetContext


class State:
    def __init__(
        self,
        config: Optional[SimConfig] = None,
        clock: Callable[[], float] = time.monotonic,
        wallclock: Optional[Callable[[], datetime]] = None,
    ):
        self.config = config or SimConfig()
        self.clock = clock
        if wallclock is None and self.config.start_time:
            base, t0 = catalog.parse_time(self.config.start_time), clock()
            wallclock = lambda: base + timedelta(seconds=clock() - t0)  # noqa: E731
        self.wallclock = wallclock or (lambda: datetime.now(timezone.utc))
        self.lock = threading.RLock()
        self._aois: Dict[str, AoiRecord] = {}
        self._by_name: Dict[str, str] = {}
        self._seq = 0
        self.create_count = 0
        self._downloads: Dict[str, Dict[str, Any]] = {}
        self._asset_index: Dict[str, Dict[str, int]] = {}  # aoi_id -> {asset id: index} (built on demand)
        self.storage: Any = None  # a storage.StorageServer when the Simulator runs one (signed URLs point there)
        self._asset_json: Dict[Tuple[int, str, int], List[bytes]] = {}  # (seed, aoi_id, chunk) -> JSON
        self._asset_json_bytes = 0
        self._asset_lock = threading.Lock()  # one chunk generated at a time (the GIL serialises it anyway)
        self.catalog = catalog.build_catalog(self.config.seed, self.config.catalog_per_region)
        self._catalog_geoms = [c.geom for c in self.catalog]
        self._catalog_by_id = {c.item["id"]: c for c in self.catalog}
        for i in range(self.config.seed_aois):
            self._seed_aoi(i)

    # ------------------------------------------------------------------------------------ config

    def update_config(self, **changes: Any) -> None:
        """Change settings for AOIs created from now on (asset_count, aoi_duration_s, outcome, ...)."""
        with self.lock:
            values = dict(self.config.__dict__)
            values.update(changes)
            self.config = SimConfig(**values)

    @property
    def vstatus(self) -> int:
        return self.config.validation_status

    # ------------------------------------------------------------------------------------ create

    def _seed_aoi(self, i: int) -> None:
        region, (x0, y0, x1, y1) = catalog.REGIONS[i % len(catalog.REGIONS)]
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        ring = [[cx - 0.05, cy - 0.04], [cx + 0.05, cy - 0.04], [cx + 0.05, cy + 0.04], [cx - 0.05, cy + 0.04]]
        ring = [[round(x, 6), round(y, 6)] for x, y in ring]
        ring.append(list(ring[0]))
        geom = {"type": "Polygon", "coordinates": [ring]}
        sat = SATELLITES[i % 2]
        items = [c.item["id"] for c in self._search_matches(shape(geom), [(sat["id"], None)], None, None, [])][:3]
        body = {
            "name": f"Demo AOI {i + 1} - {region}",
            "description": f"Seeded demo AOI over {region}",
            "satellite_id": sat["id"],
            "provider": "pixxel",
            "project_id": PROJECTS[i % len(PROJECTS)]["id"],
            "geometry": geom,
            "item_ids": items or ["TD2_000650_20230404_L2A_20240405_01001067"],
        }
        rec = self._commit(body, past=True)
        rec.outcome = "success"

    def validate_create(self, body: Any) -> Dict[str, Any]:
        st = self.vstatus
        if not isinstance(body, dict):
            raise ApiError(st, "VALIDATION_ERROR", "Request body must be a JSON object", [detail("body", "not an object")])
        problems: List[Dict[str, str]] = []
        missing = [f for f in REQUIRED_CREATE_FIELDS if f not in body or body[f] is None]
        problems += [detail(f, "field required") for f in missing]
        for f in ("name", "description", "satellite_id", "provider", "project_id"):
            if f in body and body[f] is not None and not isinstance(body[f], str):
                problems.append(detail(f, "must be a string"))
        if isinstance(body.get("name"), str) and not body["name"].strip():
            problems.append(detail("name", "must not be empty"))
        if isinstance(body.get("name"), str) and len(body["name"]) > 255:
            problems.append(detail("name", "must be at most 255 characters"))
        if isinstance(body.get("provider"), str) and body["provider"] not in PROVIDERS:
            problems.append(detail("provider", f"must be one of {list(PROVIDERS)}"))
        if body.get("geometry") is not None:
            problems += polygon_problems(body["geometry"], "geometry")
        if "item_ids" in body and body["item_ids"] is not None:
            ids = body["item_ids"]
            if not isinstance(ids, list) or not all(isinstance(x, str) and x for x in ids):
                problems.append(detail("item_ids", "must be an array of non-empty strings"))
            elif not ids:
                problems.append(detail("item_ids", "must contain at least one item id"))
        if isinstance(body.get("satellite_id"), str) and body["satellite_id"] not in SATELLITES_BY_ID:
            problems.append(detail("satellite_id", f"unknown satellite {body['satellite_id']!r}"))
        if isinstance(body.get("project_id"), str) and body["project_id"] not in PROJECTS_BY_ID:
            problems.append(detail("project_id", f"unknown project {body['project_id']!r}"))
        if problems:
            fields = ", ".join(dict.fromkeys(p["field"] for p in problems))
            raise ApiError(st, "VALIDATION_ERROR", f"Invalid request body: {fields}", problems)
        return body

    def create_aoi(self, body: Any) -> Dict[str, Any]:
        body = self.validate_create(body)
        with self.lock:
            if self.config.unique_names and body["name"] in self._by_name:
                raise ApiError(409, "CONFLICT", f"An AOI named {body['name']!r} already exists",
                               [dict(detail("name", "already taken"), aoi_id=self._by_name[body["name"]])])  # fmt: skip
            rec = self._commit(body)
            self.create_count += 1
            return self._public(rec, self.clock(), just_created=True)

    def _commit(self, body: Dict[str, Any], past: bool = False) -> AoiRecord:
        with self.lock:
            cfg = self.config
            seq = self._seq
            self._seq += 1
            aoi_id = catalog.asset_uuid(random.Random(f"aoi|{cfg.seed}|{seq}"))
            geom = {"type": "Polygon", "coordinates": [[[float(v) for v in p[:2]] for p in r]
                                                        for r in body["geometry"]["coordinates"]]}  # fmt: skip
            poly = shape(geom)  # not prepared: GEOS prepared geometries are not safe to share across threads
            c = poly.centroid
            now_mono, now_wall = self.clock(), self.wallclock()
            duration = cfg.aoi_duration_s
            if past:
                now_mono -= duration + 3600
                now_wall -= timedelta(seconds=duration + 3600)
            sat = SATELLITES_BY_ID[body["satellite_id"]]
            rgb = sat["rgb_composite"]
            ctx = catalog.AssetContext(
                aoi_id=aoi_id,
                bounds=tuple(poly.bounds),
                polygon=poly,
                bands=catalog.band_names(sat["id"]),
                rgb=[rgb["red"], rgb["green"], rgb["blue"]],
                dates=catalog.item_dates(body["item_ids"]),
                finished_at=now_wall + timedelta(seconds=duration),
                outcome=cfg.outcome if not past else "success",
            )
            rec = AoiRecord(
                seq=seq, aoi_id=aoi_id, name=body["name"], description=body["description"],
                satellite_id=sat["id"], provider=body["provider"], project_id=body["project_id"],
                geometry=geom, item_ids=list(body["item_ids"]), created_mono=now_mono, created_wall=now_wall,
                duration_s=duration, outcome=ctx.outcome, asset_count=cfg.asset_count,
                area=round(catalog.polygon_area_m2(geom["coordinates"]), 2),
                centroid=[round(c.x, 6), round(c.y, 6)], ctx=ctx,
            )  # fmt: skip
            self._aois[aoi_id] = rec
            self._by_name[rec.name] = aoi_id
            return rec

    # ------------------------------------------------------------------------------------ lifecycle

    def _phase(self, rec: AoiRecord, now: float) -> Tuple[str, int, float, bool]:
        """(status, progress, seconds from creation to the last update, finished?)."""
        d = rec.duration_s
        e = max(0.0, now - rec.created_mono)
        if d <= 0 or e >= d:
            if rec.outcome == "failed":
                return "failed", 40 + rec.seq * 7 % 50, d, True
            return rec.outcome, 100, d, True
        if e < d * 0.2:
            return "started", 0, 0.0, False
        return "running", max(1, min(99, int(100 * e / d))), e, False

    def available_assets(self, rec: AoiRecord, now: Optional[float] = None) -> int:
        _status, _p, _u, done = self._phase(rec, self.clock() if now is None else now)
        if not done or rec.outcome == "failed":
            return 0
        if rec.outcome == "partial_success":
            return min(rec.asset_count, max(1, round(rec.asset_count * self.config.partial_fraction))) \
                if rec.asset_count else 0  # fmt: skip
        return rec.asset_count

    def _public(self, rec: AoiRecord, now: float, just_created: bool = False) -> Dict[str, Any]:
        if just_created:  # the create answer always shows the AOI as just started
            status, progress, updated = "started", 0, 0.0
        else:
            status, progress, updated, _done = self._phase(rec, now)
        return {
            "aoi_id": rec.aoi_id,
            "name": rec.name,
            "description": rec.description,
            "satellite_id": rec.satellite_id,
            "project_id": rec.project_id,
            "images": {},
            "eo_bands": list(rec.ctx.bands),
            "geometry": json.loads(json.dumps(rec.geometry)),
            "progress": progress,
            "status": status,
            "is_favourite": False,
            "created_at": catalog.iso_t(rec.created_wall),
            "updated_at": catalog.iso_t(rec.created_wall + timedelta(seconds=updated)),
            "user_id": self.config.user_id,
            "area_in_sq_m": rec.area,
            "centroid": list(rec.centroid),
        }

    def _record(self, aoi_id: str) -> AoiRecord:
        with self.lock:
            rec = self._aois.get(aoi_id)
        if rec is None:
            raise ApiError(404, "NOT_FOUND", f"AOI {aoi_id!r} not found", {"aoi_id": aoi_id})
        return rec

    def get_aoi(self, aoi_id: str) -> Dict[str, Any]:
        return self._public(self._record(aoi_id), self.clock())

    def aois(self) -> List[Dict[str, Any]]:
        now = self.clock()
        with self.lock:
            return [self._public(r, now) for r in self._aois.values()]

    def list_aois(self, params: Dict[str, str]) -> Tuple[List[Dict[str, Any]], Dict[str, int]]:
        offset = _int_param(params, "offset", 0, 0, self.vstatus)
        limit = min(_int_param(params, "limit", 10, 1, self.vstatus), self.config.max_page_size)
        now = self.clock()
        with self.lock:
            records = list(self._aois.values())
        if params.get("aoi_name"):
            records = [r for r in records if r.name == params["aoi_name"]]
        if params.get("aoi_id"):
            records = [r for r in records if r.aoi_id == params["aoi_id"]]
        pids = params.get("project_ids") or params.get("project_id")
        if pids:
            wanted = {p.strip() for p in pids.split(",") if p.strip()}
            records = [r for r in records if r.project_id in wanted]
        if params.get("satellite_name"):
            records = [r for r in records if SATELLITES_BY_ID[r.satellite_id]["name"] == params["satellite_name"]]
        rows = [self._public(r, now) for r in records]
        for key in ("created_at", "updated_at"):
            if params.get(key):
                prefix = params[key].strip()[:10]
                rows = [a for a in rows if a[key].startswith(prefix)]
        page = rows[offset : offset + limit]
        return page, {"total": len(rows), "offset": offset, "limit": limit}

    # --------------------------------------------------------------------------------------- assets

    def list_assets(self, aoi_id: str, params: Dict[str, str]) -> Tuple[List[Dict[str, Any]], Dict[str, int], int]:
        """(assets, pagination, first index) of one page; assets are generated for that page only."""
        rec = self._record(aoi_id)
        offset = _int_param(params, "offset", 0, 0, self.vstatus)
        limit = min(_int_param(params, "limit", 10, 1, self.vstatus), self.config.max_page_size)
        total = self.available_assets(rec)
        seed = self.config.seed
        assets = [catalog.generate_asset(seed, rec.ctx, i) for i in range(offset, min(total, offset + limit))]
        return assets, {"total": total, "offset": offset, "limit": limit}, offset

    def list_assets_json(self, aoi_id: str, params: Dict[str, str]) -> bytes:
        """The same page as :meth:`list_assets`, as the JSON body ``{"assets": [...], "pagination": {...}}``
        (byte for byte what ``json.dumps(..., separators=(",", ":"))`` of that page gives), built from the
        per-asset JSON cache."""
        rec = self._record(aoi_id)
        offset = _int_param(params, "offset", 0, 0, self.vstatus)
        limit = min(_int_param(params, "limit", 10, 1, self.vstatus), self.config.max_page_size)
        total = self.available_assets(rec)
        seed = self.config.seed
        end = min(total, offset + limit)
        items: List[bytes] = []
        i = offset
        while i < end:
            chunk_no = i // ASSET_CHUNK
            chunk = self._asset_chunk(seed, rec, chunk_no)
            base = chunk_no * ASSET_CHUNK
            items.extend(chunk[i - base : end - base])
            i = base + ASSET_CHUNK
        pagination = json.dumps({"total": total, "offset": offset, "limit": limit}, separators=(",", ":"))
        return b'{"assets":[' + b",".join(items) + b'],"pagination":' + pagination.encode() + b"}"

    def _asset_chunk(self, seed: int, rec: AoiRecord, chunk_no: int) -> List[bytes]:
        key = (seed, rec.aoi_id, chunk_no)
        chunk = self._asset_json.get(key)
        if chunk is not None:
            return chunk
        with self._asset_lock:  # a concurrent request for the same chunk waits for it instead of redoing it
            chunk = self._asset_json.get(key)
            if chunk is None:
                start = chunk_no * ASSET_CHUNK
                chunk = [json.dumps(catalog.generate_asset(seed, rec.ctx, i), separators=(",", ":")).encode()
                         for i in range(start, min(rec.asset_count, start + ASSET_CHUNK))]  # fmt: skip
                size = sum(len(b) for b in chunk)
                while self._asset_json and self._asset_json_bytes + size > ASSET_CACHE_MAX_BYTES:
                    old = self._asset_json.pop(next(iter(self._asset_json)))
                    self._asset_json_bytes -= sum(len(b) for b in old)
                self._asset_json[key] = chunk
                self._asset_json_bytes += size
        return chunk

    # ------------------------------------------------------------------------------------- downloads

    def _assets_by_id(self, rec: AoiRecord, ids: List[str]) -> List[Dict[str, Any]]:
        n = self.available_assets(rec)
        with self.lock:
            index = self._asset_index.get(rec.aoi_id)
        if index is None or len(index) != n:
            index = {catalog.generate_asset(self.config.seed, rec.ctx, i)["id"]: i for i in range(n)}
            with self.lock:
                self._asset_index[rec.aoi_id] = index
        missing = [i for i in ids if i not in index]
        if missing:
            raise ApiError(404, "NOT_FOUND", f"asset {missing[0]!r} not found in AOI {rec.aoi_id!r}",
                           {"asset_ids": missing[:10]})
        return [catalog.generate_asset(self.config.seed, rec.ctx, index[i]) for i in ids]

    def create_download(self, aoi_id: str, body: Any) -> Dict[str, Any]:
        rec = self._record(aoi_id)
        ids = body.get("asset_ids") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not ids or not all(isinstance(x, str) and x for x in ids):
            raise ApiError(self.vstatus, "VALIDATION_ERROR", "asset_ids must be a non-empty array of strings",
                           [detail("asset_ids", "field required" if ids is None else "invalid")])  # fmt: skip
        assets = self._assets_by_id(rec, ids) if self.storage is not None else []
        with self.lock:
            download_id = catalog.asset_uuid(random.Random(f"download|{self.config.seed}|{len(self._downloads)}"))
            stored = {
                "download_id": download_id,
                "signed_url": f"{catalog.STORAGE_URL}/downloads/{download_id}.zip?sig=sim",
                "status": "SUCCESS",
                "aoi_id": aoi_id,
                "ready_at": self.clock() + self.config.download_seconds,
            }
            self._downloads[download_id] = stored
        if self.storage is not None:
            sat = SATELLITES_BY_ID.get(rec.satellite_id)
            self.storage.register(download_id, [(a, sat) for a in assets])
        return self._download_view(stored)

    def _download_view(self, stored: Dict[str, Any]) -> Dict[str, Any]:
        out = {"download_id": stored["download_id"], "signed_url": stored["signed_url"], "status": stored["status"]}
        if self.clock() < stored["ready_at"]:
            out.update(signed_url="", status="in_progress")
        elif self.storage is not None:
            out["signed_url"] = self.storage.sign(stored["download_id"], self.config.url_ttl_s)
        return out

    def get_download(self, aoi_id: str, download_id: str) -> Dict[str, Any]:
        self._record(aoi_id)
        with self.lock:
            rec = self._downloads.get(download_id)
        if rec is None or rec["aoi_id"] != aoi_id:
            raise ApiError(404, "NOT_FOUND", f"download {download_id!r} not found", {"download_id": download_id})
        return self._download_view(rec)

    # ---------------------------------------------------------------------------------------- projects

    def list_projects(self, params: Dict[str, str]) -> Dict[str, Any]:
        page_num = _int_param(params, "page_num", 1, 1, self.vstatus)
        page_size = min(_int_param(params, "page_size", 10, 1, self.vstatus), self.config.max_page_size)
        start = (page_num - 1) * page_size
        page = [dict(p) for p in PROJECTS[start : start + page_size]]
        return {
            "projects": page,
            "count": len(PROJECTS),
            "pagination": {"limit": page_size, "offset": start, "total": len(PROJECTS)},
        }

    def get_project(self, project_id: str) -> Dict[str, Any]:
        p = PROJECTS_BY_ID.get(project_id)
        if p is None:
            raise ApiError(404, "NOT_FOUND", f"project {project_id!r} not found", {"id": project_id})
        return dict(p)

    # ------------------------------------------------------------------------------------------ search

    def _search_matches(self, geom, sats: Sequence[Tuple[str, Optional[str]]], start, end, filters):
        mask: Sequence[bool] = [True] * len(self.catalog)
        if geom is not None:
            shapely.prepare(geom)
            mask = shapely.intersects(geom, self._catalog_geoms).tolist()
        wanted = {}
        for sid, cid in sats:
            wanted.setdefault(sid, set()).add(cid)
        out = []
        for ok, c in zip(mask, self.catalog):
            if not ok:
                continue
            cols = wanted.get(c.satellite_id)
            if cols is None or (None not in cols and c.collection_id not in cols):
                continue
            if start is not None and c.when < start:
                continue
            if end is not None and c.when > end:
                continue
            props = c.item["properties"]
            if any(not (lo <= props.get(fid, -1) <= hi) for fid, lo, hi in filters):
                continue
            out.append(c)
        return out

    def search(self, body: Any) -> Dict[str, Any]:
        st = self.vstatus

        def bad(field_name: str, message: str):
            return ApiError(st, "VALIDATION_ERROR", f"{field_name}: {message}", [detail(field_name, message)])

        if not isinstance(body, dict):
            raise bad("body", "must be a JSON object")
        missing = [f for f in ("start_date", "end_date", "satellites", "geometry") if f not in body]
        if missing:
            raise ApiError(st, "VALIDATION_ERROR", f"Missing required fields: {', '.join(missing)}",
                           [detail(f, "field required") for f in missing])  # fmt: skip
        try:
            start = catalog.parse_time(body["start_date"])
        except (ValueError, TypeError):
            raise bad("start_date", "must be an ISO 8601 timestamp") from None
        try:
            end = catalog.parse_time(body["end_date"])
        except (ValueError, TypeError):
            raise bad("end_date", "must be an ISO 8601 timestamp") from None
        if end < start:
            raise bad("end_date", "must not be before start_date")
        sats = body["satellites"]
        if not isinstance(sats, list) or not sats:
            raise bad("satellites", "must be a non-empty array")
        wanted = []
        for i, s in enumerate(sats):
            if not isinstance(s, dict) or not isinstance(s.get("satellite_id"), str):
                raise bad(f"satellites[{i}].satellite_id", "field required")
            sat = SATELLITES_BY_ID.get(s["satellite_id"])
            if sat is None:
                raise bad(f"satellites[{i}].satellite_id", f"unknown satellite {s['satellite_id']!r}")
            cid = s.get("collection_id")
            if not isinstance(cid, str):
                raise bad(f"satellites[{i}].collection_id", "field required")
            if cid not in {c["id"] for c in sat["collections"]}:
                raise bad(f"satellites[{i}].collection_id", f"unknown collection {cid!r} for {sat['name']}")
            wanted.append((sat["id"], cid))
        geom = None
        if body["geometry"] is not None:
            problems = polygon_problems(body["geometry"], "geometry", allow_multi=True)
            if problems:
                raise ApiError(st, "VALIDATION_ERROR", problems[0]["message"], problems)
            geom = shape(body["geometry"])
        filters = []
        raw_filters = body.get("filters") or []
        if not isinstance(raw_filters, list):
            raise bad("filters", "must be an array")
        for i, f in enumerate(raw_filters):
            if not isinstance(f, dict) or f.get("id") not in SEARCH_NUMERIC_FILTERS:
                raise bad(f"filters[{i}].id", f"must be one of {list(SEARCH_NUMERIC_FILTERS)}")
            if not (_is_number(f.get("min")) and _is_number(f.get("max"))):
                raise bad(f"filters[{i}]", "min and max must be numbers")
            filters.append((f["id"], f["min"], f["max"]))
        limit = body.get("limit", 10)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 10000:
            raise bad("limit", "must be an integer between 1 and 10000")
        fingerprint = hashlib.sha1(
            json.dumps({k: v for k, v in body.items() if k not in ("next_token", "limit")}, sort_keys=True).encode()
        ).hexdigest()[:12]
        offset = 0
        token = body.get("next_token")
        if token not in (None, ""):
            try:
                raw = base64.urlsafe_b64decode(str(token) + "=" * (-len(str(token)) % 4)).decode()
                off_text, fp = raw.split(":", 1)
                offset = int(off_text)
                if fp != fingerprint or offset < 0:
                    raise ValueError
            except (ValueError, UnicodeDecodeError):
                raise bad("next_token", "invalid or does not belong to this query") from None
        matches = self._search_matches(geom, wanted, start, end, filters)
        page = matches[offset : offset + limit]
        out: Dict[str, Any] = {
            "items": {c.item["id"]: c.item for c in page},
            "pagination": {"limit": limit, "skip": offset, "total": len(matches)},
        }
        if offset + limit < len(matches):
            out["next_token"] = base64.urlsafe_b64encode(f"{offset + limit}:{fingerprint}".encode()).decode().rstrip("=")
        return out

    def catalog_item(self, item_id: str) -> Optional[Dict[str, Any]]:
        c = self._catalog_by_id.get(item_id)
        return c.item if c else None
