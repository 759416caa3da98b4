"""Seeded reference data of the simulator: projects, satellites, the imagery catalogue, generated assets.

Everything here is a pure function of the seed (and of the AOI for assets), so two simulators started
with the same seed answer the same data. Assets are never stored: `generate_asset(seed, aoi, index)`
builds asset number `index` of an AOI on demand, so a page of 500 out of 100 000 costs only 500 assets.
"""

from __future__ import annotations

import math
import random
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Sequence, Tuple

import shapely
from shapely.geometry import shape

TEST_API_KEY = "pixxel-sim-test-key"
EARTH_RADIUS_M = 6378137.0
STORAGE_URL = "https://sim-storage.pixxel.example"

TD1_ID = "0004ab8d-0ad1-4d62-8a3f-fe18a7000e70"
TD2_ID = "0005c5bb-0bd2-4c80-9393-4a808341c54c"
S2_ID = "0002a3a3-00a2-4b55-842b-44d8202c6d60"


# --------------------------------------------------------------------------------------------- projects

PROJECTS: List[Dict[str, Any]] = [
    {
        "id": "ce5dcc14-8291-4b0c-a278-8c05ec426d22",
        "name": "agri-monitoring",
        "title": "Agriculture monitoring",
        "description": "Crop health over irrigated districts.",
        "org_id": "6b1f3c2e-1d0a-4f5e-9b8c-2a7d4e6f8a01",
        "members_count": 4,
        "created_at": "2024-03-01T09:12:44.532100+00:00",
        "updated_at": "2025-01-15T17:02:10.004512+00:00",
        "metadata": {"region": "south-asia"},
    },
    {
        "id": "3f8a9b61-7c2d-4e15-a0b4-9d6e2c1f7a58",
        "name": "urban-heat",
        "title": "Urban heat islands",
        "description": "Land surface and vegetation change in large cities.",
        "org_id": "6b1f3c2e-1d0a-4f5e-9b8c-2a7d4e6f8a01",
        "members_count": 2,
        "created_at": "2024-06-20T11:40:03.118000+00:00",
        "updated_at": "2024-11-02T08:21:55.900731+00:00",
        "metadata": {},
    },
    {
        "id": "a51e07d4-2b9c-4d3a-8f61-0c7e5b2d9e14",
        "name": "coastal-water",
        "title": "Coastal water quality",
        "description": "Turbidity and algal blooms along deltas.",
        "org_id": "6b1f3c2e-1d0a-4f5e-9b8c-2a7d4e6f8a01",
        "members_count": 7,
        "created_at": "2024-09-05T06:00:00.000000+00:00",
        "updated_at": "2025-02-28T13:45:31.250000+00:00",
        "metadata": {"priority": "high"},
    },
]
PROJECTS_BY_ID = {p["id"]: p for p in PROJECTS}
FIRST_PROJECT_ID = PROJECTS[0]["id"]


# ------------------------------------------------------------------------------------------- satellites


def _td_bands(count: int = 30) -> List[Dict[str, Any]]:
    bands = []
    for i in range(count):
        wavelength = round(470.0 + i * (430.0 / (count - 1)), 1)
        bands.append(
            {
                "name": f"B{i + 1:03d}",
                "wavelength": wavelength,
                "spatial_resolution": 5,
                "scale": 0.00002,
                "offset": 0.0,
            }
        )
    return bands


def _nearest(bands: Sequence[Dict[str, Any]], nm: float) -> str:
    return min(bands, key=lambda b: abs(b["wavelength"] - nm))["name"]


_S2_BANDS = [
    ("B01", 443, 60), ("B02", 490, 10), ("B03", 560, 10), ("B04", 665, 10), ("B05", 705, 20),
    ("B06", 740, 20), ("B07", 783, 20), ("B08", 842, 10), ("B8A", 865, 20), ("B09", 945, 60),
    ("B11", 1610, 20), ("B12", 2190, 20),
]  # fmt: skip


def _satellite(sat_id, name, collection_id, collection_name, provider, bands, queryables, rescale, rgb):
    return {
        "id": sat_id,
        "name": name,
        "collections": [
            {
                "id": collection_id,
                "name": collection_name,
                "provider": provider,
                "queryables": list(queryables),
                "rescale": list(rescale),
            }
        ],
        "bands": bands,
        "rgb_composite": rgb,
    }


def _build_satellites() -> List[Dict[str, Any]]:
    td1 = _td_bands()
    td2 = _td_bands()
    s2 = [
        {"name": n, "wavelength": float(w), "spatial_resolution": r, "scale": 0.0001, "offset": -0.1}
        for n, w, r in _S2_BANDS
    ]
    q = ("eo:cloud_cover", "view:off_nadir", "gsd")

    def rgb(bands):
        return {"red": _nearest(bands, 660), "green": _nearest(bands, 560), "blue": _nearest(bands, 490)}

    return [
        _satellite(TD1_ID, "Pixxel-TD1", "pixxel-td1-l2a", "Pixxel TD1 L2A", "pixxel", td1, q, (0, 10000), rgb(td1)),
        _satellite(TD2_ID, "Pixxel-TD2", "pixxel-td2-l2a", "Pixxel TD2 L2A", "pixxel", td2, q, (0, 10000), rgb(td2)),
        _satellite(S2_ID, "sentinel-2-l2a", "sentinel-2-l2a", "Sentinel-2 Level-2A", "planetary", s2, q[:1], (0, 3000),
                   {"red": "B04", "green": "B03", "blue": "B02"}),
    ]  # fmt: skip


SATELLITES: List[Dict[str, Any]] = _build_satellites()
SATELLITES_BY_ID = {s["id"]: s for s in SATELLITES}


def band_names(satellite_id: str) -> List[str]:
    sat = SATELLITES_BY_ID.get(satellite_id)
    return [b["name"] for b in sat["bands"]] if sat else []


# ---------------------------------------------------------------------------------------------- regions

# name, (min lon, min lat, max lon, max lat)
# An AOI polygon inside the Bengaluru region, where the catalogue has imagery (tests, benchmarks).
BENGALURU_AOI = {"type": "Polygon",
                 "coordinates": [[[77.4, 12.8], [77.8, 12.8], [77.8, 13.2], [77.4, 13.2], [77.4, 12.8]]]}

REGIONS: List[Tuple[str, Tuple[float, float, float, float]]] = [
    ("Bengaluru, India", (77.35, 12.75, 77.85, 13.20)),
    ("Delhi NCR, India", (76.90, 28.40, 77.50, 28.90)),
    ("Central Valley, USA", (-121.20, 36.30, -119.80, 37.30)),
    ("Rhine delta, Netherlands", (4.00, 51.70, 5.20, 52.40)),
    ("Nairobi, Kenya", (36.60, -1.45, 37.10, -1.10)),
    ("Sao Paulo, Brazil", (-46.90, -23.80, -46.30, -23.30)),
    ("Sydney, Australia", (150.80, -34.10, 151.40, -33.60)),
]


# ------------------------------------------------------------------------------------------- geometry


def ring_area_m2(ring: Sequence[Sequence[float]]) -> float:
    """Area of a lon/lat ring on a sphere (absolute value, m^2)."""
    total = 0.0
    n = len(ring)
    if n < 4:
        return 0.0
    for i in range(n - 1):
        lon1, lat1 = ring[i][0], ring[i][1]
        lon2, lat2 = ring[i + 1][0], ring[i + 1][1]
        total += math.radians(lon2 - lon1) * (2 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2)))
    return abs(total * EARTH_RADIUS_M * EARTH_RADIUS_M / 2.0)


def polygon_area_m2(coords: Sequence[Sequence[Sequence[float]]]) -> float:
    if not coords:
        return 0.0
    area = ring_area_m2(coords[0])
    for hole in coords[1:]:
        area -= ring_area_m2(hole)
    return max(area, 0.0)


def geometry_area_m2(geom: Dict[str, Any]) -> float:
    if geom["type"] == "Polygon":
        return polygon_area_m2(geom["coordinates"])
    return sum(polygon_area_m2(p) for p in geom["coordinates"])


def _box(cx: float, cy: float, half_w: float, half_h: float, tilt: float = 0.0) -> List[List[float]]:
    """A closed counter-clockwise rectangle ring around (cx, cy), rotated by `tilt` degrees."""
    ca, sa = math.cos(math.radians(tilt)), math.sin(math.radians(tilt))
    pts = []
    for dx, dy in ((-half_w, -half_h), (half_w, -half_h), (half_w, half_h), (-half_w, half_h)):
        pts.append([round(cx + dx * ca - dy * sa, 6), round(cy + dx * sa + dy * ca, 6)])
    pts.append(list(pts[0]))
    return pts


def _bbox_of(rings: Sequence[Sequence[Sequence[float]]]) -> List[float]:
    xs = [p[0] for r in rings for p in r]
    ys = [p[1] for r in rings for p in r]
    return [min(xs), min(ys), max(xs), max(ys)]


def iso_t(dt: datetime) -> str:
    """'2022-11-14T12:55:49.125928+00:00' (the AOI form)."""
    return dt.astimezone(timezone.utc).isoformat(timespec="microseconds")


def iso_space(dt: datetime) -> str:
    """'2022-11-14 12:55:49.125928+00:00' (the asset form)."""
    return dt.astimezone(timezone.utc).isoformat(sep=" ", timespec="microseconds")


def stac_time(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str) -> datetime:
    """ISO 8601 with 'Z', an offset, a space or a bare date; naive values are UTC. Raises ValueError."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("not a timestamp")
    text = value.strip().replace(" ", "T", 1)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Python 3.9/3.10 fromisoformat wants 0, 3 or 6 fractional digits.
    m = re.match(r"^(.*T\d{2}:\d{2}:\d{2})\.(\d+)(.*)$", text)
    if m:
        text = f"{m.group(1)}.{(m.group(2) + '000000')[:6]}{m.group(3)}"
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


# -------------------------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class CatalogItem:
    item: Dict[str, Any]  # the cosmos.Item as served
    satellite_id: str
    collection_id: str
    when: datetime
    geom: Any  # shapely geometry


CATALOG_START = datetime(2023, 1, 1, tzinfo=timezone.utc)
CATALOG_DAYS = 900


def _item_assets(sat: Dict[str, Any], item_id: str, gsd: float) -> Dict[str, Any]:
    base = f"{STORAGE_URL}/catalog/{sat['collections'][0]['id']}/{item_id}"
    assets: Dict[str, Any] = {}
    by_name = {b["name"]: b for b in sat["bands"]}
    for colour in ("red", "green", "blue"):
        name = sat["rgb_composite"][colour]
        band = by_name[name]
        assets[name] = {
            "href": f"{base}/{name}.tif",
            "type": "image/tiff; application=geotiff; profile=cloud-optimized",
            "roles": ["data"],
            "title": name,
            "eo:bands": [
                {
                    "name": name,
                    "common_name": colour,
                    "center_wavelength": band["wavelength"],
                    "fwhm": 10.0,
                    "solar_irradiance": round(1900 + band["wavelength"] / 10.0, 2),
                }
            ],
            "raster:bands": [{"scale": band["scale"], "offset": band["offset"], "nodata": 0, "spatial_resolution": gsd}],
        }
    assets["thumbnail"] = {"href": f"{base}/thumbnail.png", "type": "image/png", "roles": ["thumbnail"],
                           "title": "Thumbnail"}  # fmt: skip
    return assets


def build_catalog(seed: int, per_region: int = 8) -> List[CatalogItem]:
    """`per_region` scenes per region and satellite, with footprints inside or over each region."""
    rng = random.Random(f"catalog|{seed}")
    items: List[CatalogItem] = []
    for region, (x0, y0, x1, y1) in REGIONS:
        for sat in SATELLITES:
            collection = sat["collections"][0]["id"]
            is_s2 = sat["id"] == S2_ID
            for k in range(per_region):
                acq = CATALOG_START + timedelta(
                    days=rng.randrange(CATALOG_DAYS), seconds=rng.randrange(4 * 3600, 7 * 3600)
                )
                cx, cy = rng.uniform(x0, x1), rng.uniform(y0, y1)
                if is_s2:
                    ring = _box(round(cx, 1), round(cy, 1), 0.5, 0.5)
                    gsd = 10.0
                    orbit = rng.randrange(1, 143)
                    tile = f"{rng.randrange(10, 60)}{'CDEFGHJKLMNPQRSTUVWX'[rng.randrange(20)]}" + "".join(
                        rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(2)
                    )
                    proc = acq + timedelta(hours=rng.randrange(3, 30))
                    item_id = (
                        f"S2{'AB'[k % 2]}_MSIL2A_{acq:%Y%m%dT%H%M%S}_R{orbit:03d}_T{tile}_{proc:%Y%m%dT%H%M%S}"
                    )
                    platform, constellation, instruments = f"sentinel-2{'ab'[k % 2]}", "sentinel-2", ["msi"]
                else:
                    half_w = rng.uniform(0.06, 0.2)
                    ring = _box(cx, cy, half_w, half_w * rng.uniform(1.2, 2.5), tilt=rng.uniform(-14, -6))
                    gsd = 5.0
                    orbit = rng.randrange(1, 20000)
                    proc = acq + timedelta(days=rng.randrange(1, 400))
                    td = "TD1" if sat["id"] == TD1_ID else "TD2"
                    scene = rng.randrange(1, 10**8)
                    item_id = f"{td}_{orbit:06d}_{acq:%Y%m%d}_L2A_{proc:%Y%m%d}_{scene:08d}"
                    platform, constellation, instruments = td, "pixxel", ["VNIR"]
                geometry = {"type": "Polygon", "coordinates": [ring]}
                bbox = _bbox_of([ring])
                cover = round(rng.uniform(0, 100) ** 1.3 / 100 ** 0.3, 2)
                properties = {
                    "datetime": stac_time(acq),
                    "startdatetime": stac_time(acq - timedelta(seconds=12)),
                    "created": stac_time(proc),
                    "updated": stac_time(proc),
                    "title": item_id,
                    "description": f"{sat['name']} L2A scene over {region}",
                    "platform": platform,
                    "constellation": constellation,
                    "instruments": instruments,
                    "gsd": gsd,
                    "eo:cloud_cover": cover,
                    "view:off_nadir": round(rng.uniform(0, 25), 2),
                    "view:sun_azimuth": round(rng.uniform(90, 180), 2),
                    "view:sun_elevation": round(rng.uniform(25, 75), 2),
                    "view:scene_center_lon": round((bbox[0] + bbox[2]) / 2, 6),
                    "view:scene_center_lat": round((bbox[1] + bbox[3]) / 2, 6),
                    "altitude": 786000 if is_s2 else 550000,
                    "proj:code": "EPSG:4326",
                    "proj:shape": [10980, 10980] if is_s2 else [4000, 4000],
                    "rd:product_level": "L2A",
                    "rd:sat_id": platform,
                    "rd:type": "Reflectance",
                    "license": "CC-BY-SA-3.0-IGO" if is_s2 else "proprietary",
                    "region": region,
                }
                item = {
                    "id": item_id,
                    "type": "Feature",
                    "stac_version": "1.0.0",
                    "stac_extensions": [
                        "https://stac-extensions.github.io/eo/v1.0.0/schema.json",
                        "https://stac-extensions.github.io/view/v1.0.0/schema.json",
                    ],
                    "collection": collection,
                    "bbox": bbox,
                    "geometry": geometry,
                    "properties": properties,
                    "assets": _item_assets(sat, item_id, gsd),
                    "links": [
                        {"rel": "self", "href": f"{STORAGE_URL}/catalog/{collection}/{item_id}.json",
                         "type": "application/json", "title": item_id},
                        {"rel": "collection", "href": f"{STORAGE_URL}/catalog/{collection}.json",
                         "type": "application/json"},
                    ],
                }  # fmt: skip
                items.append(CatalogItem(item, sat["id"], collection, acq, shape(geometry)))
    items.sort(key=lambda c: (-c.when.timestamp(), c.item["id"]))
    return items


# ----------------------------------------------------------------------------------------------- assets

ASSET_TYPES = ("mosaic", "stac_item", "visualization")
_ITEM_DATE = re.compile(r"_(\d{8})(?:T\d{6})?_")


def item_dates(item_ids: Sequence[str]) -> List[date]:
    """Acquisition dates parsed from item ids such as TD2_000650_20230404_L2A_20240405_01001067."""
    out = []
    for item_id in item_ids:
        m = _ITEM_DATE.search(item_id) if isinstance(item_id, str) else None
        if m:
            try:
                out.append(datetime.strptime(m.group(1), "%Y%m%d").date())
            except ValueError:
                pass
    return out


@dataclass
class AssetContext:
    """What asset generation needs to know about an AOI (kept by the state, built once per AOI)."""

    aoi_id: str
    bounds: Tuple[float, float, float, float]
    polygon: Any  # the AOI polygon (shapely; shared read-only between request threads)
    bands: List[str]
    rgb: List[str]
    dates: List[date]
    finished_at: datetime
    outcome: str


def asset_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _asset_shape(rng: random.Random, ctx: AssetContext, multi: bool) -> Tuple[Dict[str, Any], float, List[float]]:
    x0, y0, x1, y1 = ctx.bounds
    w, h = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
    parts = 2 if multi else 1
    rings = []
    for _ in range(parts):
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        for _try in range(8):
            px, py = rng.uniform(x0, x1), rng.uniform(y0, y1)
            if shapely.contains_xy(ctx.polygon, px, py):
                cx, cy = px, py
                break
        scale = rng.uniform(0.04, 0.2) / (1.5 if multi else 1.0)
        rings.append(_box(cx, cy, w * scale / 2, h * scale / 2, tilt=rng.uniform(-10, 10)))
    if multi:
        geometry = {"type": "MultiPolygon", "coordinates": [[r] for r in rings]}
    else:
        geometry = {"type": "Polygon", "coordinates": [rings[0]]}
    areas = [ring_area_m2(r) for r in rings]
    total = sum(areas) or 1.0
    cx = sum(a * sum(p[0] for p in r[:-1]) / 4 for a, r in zip(areas, rings)) / total
    cy = sum(a * sum(p[1] for p in r[:-1]) / 4 for a, r in zip(areas, rings)) / total
    return geometry, sum(areas), [round(cx, 6), round(cy, 6)]


def generate_asset(seed: int, ctx: AssetContext, index: int) -> Dict[str, Any]:
    """Asset number `index` of an AOI: a pure function of (seed, aoi_id, index)."""
    rng = random.Random(f"asset|{seed}|{ctx.aoi_id}|{index}")
    asset_id = asset_uuid(rng)
    asset_type = ASSET_TYPES[index % 3]
    geometry, area, centroid = _asset_shape(rng, ctx, multi=(index % 5 == 4))
    if ctx.dates:
        acquired = ctx.dates[index % len(ctx.dates)]
    else:
        acquired = (CATALOG_START + timedelta(days=rng.randrange(CATALOG_DAYS))).date()
    created = ctx.finished_at - timedelta(seconds=1) + timedelta(microseconds=index * 37)
    status, progress = "success", 100
    if ctx.outcome == "partial_success":
        roll = rng.random()
        if roll < 0.2:
            status, progress = "failed", rng.randrange(5, 95)
        elif roll < 0.3:
            status, progress = "creating", rng.randrange(10, 99)
    elif ctx.outcome == "failed":
        status, progress = "failed", rng.randrange(5, 95)
    visualization_id = asset_uuid(rng)
    if asset_type == "mosaic":
        band_list = list(ctx.bands)
        resolution = 5.0
        path = f"{STORAGE_URL}/aois/{ctx.aoi_id}/mosaics/{asset_id}.tif"
        description = f"Mosaic of {len(band_list)} bands for {acquired.isoformat()}"
    elif asset_type == "stac_item":
        start = rng.randrange(max(len(ctx.bands) - 4, 1))
        band_list = ctx.bands[start : start + rng.randrange(2, 7)] or list(ctx.bands)
        resolution = rng.choice((5.0, 10.0, 30.0))
        path = f"{STORAGE_URL}/aois/{ctx.aoi_id}/items/{asset_id}.tif"
        description = "STAC item clipped to the AOI"
    else:
        band_list = list(ctx.rgb)
        resolution = 10.0
        path = f"{STORAGE_URL}/aois/{ctx.aoi_id}/visualizations/{visualization_id}/preview.png"
        description = "True-colour visualization"
    return {
        "aoi_id": ctx.aoi_id,
        "area_in_sq_m": round(area, 2),
        "asset_type": asset_type,
        "band_list": band_list,
        "centroid": centroid,
        "created_at": iso_space(created),
        "date": acquired.isoformat(),
        "description": description,
        "geometry": geometry,
        "id": asset_id,
        "name": f"{asset_type}-{acquired:%Y%m%d}-{index:06d}",
        "path": path,
        "progress": progress,
        "resolution": resolution,
        "status": status,
        "updated_at": iso_space(created + timedelta(seconds=2)),
        "visualization_id": visualization_id,
    }


def find_satellite(satellite_id: str) -> Optional[Dict[str, Any]]:
    return SATELLITES_BY_ID.get(satellite_id)
