"""Synthetic raw asset / AOI dicts shaped like the documented API responses (atlas.AssetReadModel, atlas.AOI)."""

from __future__ import annotations

import uuid
from typing import Any, Dict, Iterator, List

STATUSES = ("success", "failed", "started", "creating")
TYPES = ("mosaic", "stac_item", "visualization")
AOI_ID = "e9767554-550e-4464-a677-b8cf096073ab"

# The documentation's own example asset: its geometry is unusable on purpose.
DOCS_EXAMPLE_ASSET: Dict[str, Any] = {
    "aoi_id": "<string>",
    "area_in_sq_m": 0,
    "asset_type": "mosaic",
    "band_list": ["<string>", "<string>"],
    "centroid": [77.55, 12.95],
    "created_at": "<string>",
    "date": "<string>",
    "description": "<string>",
    "geometry": {"coordinates": [[[123]]], "type": "<string>"},
    "id": "<string>",
    "name": "<string>",
    "path": "https://storage.account",
    "progress": 0,
    "status": "success",
    "updated_at": "<string>",
    "visualization_id": "<string>",
}


def square(x: float, y: float, d: float = 0.01) -> List[List[float]]:
    return [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]


def make_asset(i: int, aoi_id: str = AOI_ID) -> Dict[str, Any]:
    """Asset number i: Polygon for even i, MultiPolygon (two parts) for odd i; 'T' and space timestamps."""
    x = 77.0 + (i % 100) * 0.02
    y = 12.0 + (i // 100 % 100) * 0.02
    if i % 2 == 0:
        geometry = {"type": "Polygon", "coordinates": [square(x, y)]}
    else:
        geometry = {
            "type": "MultiPolygon",
            "coordinates": [[square(x, y, 0.005)], [square(x + 0.01, y + 0.01, 0.005)]],
        }
    sep = "T" if i % 2 == 0 else " "
    return {
        "aoi_id": aoi_id,
        "area_in_sq_m": 1000.5 + i,
        "asset_type": TYPES[i % 3],
        "band_list": ["B01", "B02", "B03"],
        "centroid": [x + 0.005, y + 0.005],
        "created_at": f"2022-11-14{sep}12:55:{i % 60:02d}.125928+00:00",
        "date": "2022-11-14",
        "description": f"Asset {i}",
        "geometry": geometry,
        "id": str(uuid.UUID(int=i + 1)),
        "name": f"Asset-{i}",
        "path": f"https://storage.example.com/assets/{i}.tif",
        "progress": (i * 7) % 101,
        "resolution": 5.0,
        "status": STATUSES[i % 4],
        "updated_at": f"2022-11-15{sep}08:00:00Z" if i % 3 else "2022-11-15T08:00:00.5+05:30",
        "visualization_id": str(uuid.UUID(int=10**6 + i)),
    }


def make_assets(n: int, aoi_id: str = AOI_ID) -> List[Dict[str, Any]]:
    return [make_asset(i, aoi_id) for i in range(n)]


def pages(assets: List[Any], size: int) -> Iterator[List[Any]]:
    for start in range(0, len(assets), size):
        yield assets[start : start + size]


def make_aoi(aoi_id: str = AOI_ID, name: str = "AOI-Bangalore", old_form: bool = False) -> Dict[str, Any]:
    """A Get-AOI response; old_form uses lens_satellite_id and space-separated timestamps."""
    aoi = {
        "aoi_id": aoi_id,
        "name": name,
        "description": "This AOI contains images related to Bangalore",
        "project_id": "ce5dcc14-8291-4b0c-a278-8c05ec426d22",
        "images": {},
        "eo_bands": ["B01", "B02", "B03"],
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[77.0, 12.0], [79.0, 12.0], [79.0, 14.0], [77.0, 14.0], [77.0, 12.0]]],
        },
        "progress": 100,
        "status": "success",
        "is_favourite": False,
        "created_at": "2022-11-14T12:55:49.125928+00:00",
        "updated_at": "2022-11-14T12:55:49.125928+00:00",
        "user_id": "user-123456",
        "area_in_sq_m": 123456.78,
        "centroid": [78.0, 13.0],
    }
    if old_form:
        aoi["lens_satellite_id"] = "0005c5bb-0bd2-4c80-9393-4a808341c54c"
        aoi["created_at"] = aoi["updated_at"] = "2022-11-14 12:55:49.125928+00:00"
    else:
        aoi["satellite_id"] = "0005c5bb-0bd2-4c80-9393-4a808341c54c"
    return aoi
