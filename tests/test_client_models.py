"""Unit tests of the client's pydantic models: the docs' example payloads parse, writes are strict."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from pixxel_qgis.client import (
    AOI,
    AOICreate,
    AOIPage,
    AOIStatus,
    Asset,
    AssetPage,
    AssetStatus,
    AssetType,
    AuthError,
    ConfigurationError,
    Download,
    DownloadRequest,
    ErrorResponse,
    Pagination,
    PixxelClient,
    Polygon,
    Project,
    ProjectPage,
    Provider,
    RequestValidationError,
    Satellite,
    SearchPage,
    SearchQuery,
    normalize_base_url,
)
from pixxel_qgis.client.models import SatelliteList

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)

FIX = Path(__file__).parent / "fixtures" / "api"
SQUARE = {"type": "Polygon", "coordinates": [[[77.5, 12.9], [77.6, 12.9], [77.6, 13.0], [77.5, 13.0], [77.5, 12.9]]]}
SAT = "0005c5bb-0bd2-4c80-9393-4a808341c54c"
PROJ = "ce5dcc14-8291-4b0c-a278-8c05ec426d22"


def load(name):
    return json.loads((FIX / name).read_text())


def good_create(**over):
    data = load("create_aoi_request.json")
    data["geometry"] = SQUARE
    data.update(over)
    return data


# ----------------------------------------------------------------------------- fixtures from the docs


def test_create_response_fixture_parses_with_null_geometry():
    aoi = AOI.model_validate(load("create_aoi_response.json"))
    assert aoi.aoi_id == "e9767554-550e-4464-a677-b8cf096073ab"
    assert aoi.geometry is None
    assert aoi.status is AOIStatus.SUCCESS and aoi.status.is_final
    assert aoi.satellite_id == SAT
    assert aoi.created_at == dt.datetime(2022, 11, 14, 12, 55, 49, 125928, tzinfo=dt.timezone.utc)
    assert aoi.created_at_raw == "2022-11-14T12:55:49.125928+00:00"
    assert aoi.centroid == [77.55, 12.95] and aoi.eo_bands == ["B01", "B02", "B03"]


def test_get_aoi_fixtures_new_and_legacy():
    new = AOI.model_validate(load("get_aoi_response.json"))
    assert new.geometry == {"type": "Polygon", "coordinates": [[[123]]]}
    legacy = AOI.model_validate(load("get_aoi_response_legacy.json"))
    assert legacy.satellite_id == "ce5dcc14-8291-4b0c-a278-8c05ec426d22"  # from lens_satellite_id
    assert legacy.created_at == new.created_at  # space separator parses the same
    assert legacy.created_at.tzinfo is not None


def test_list_aois_fixture():
    page = AOIPage.model_validate(load("list_aois_response.json"))
    assert len(page.aois) == 1 and page.aois[0].name == "AOI-Bangalore"
    assert page.pagination == Pagination(total=100, offset=0, limit=10)


def test_list_assets_fixture_with_placeholder_values():
    page = AssetPage.model_validate(load("list_assets_response.json"))
    asset = page.assets[0]
    assert asset.geometry == {"coordinates": [[[123]]], "type": "<string>"}  # loose dict, not rejected
    assert asset.asset_type is AssetType.MOSAIC and asset.status is AssetStatus.SUCCESS
    assert asset.created_at is None and asset.created_at_raw == "<string>"  # bad timestamp never fails
    assert asset.date is None and asset.date_raw == "<string>"
    assert page.pagination.total == 100


def test_error_fixture():
    err = ErrorResponse.model_validate(load("error_response.json"))
    assert err.error.code == "<string>" and err.error.details == "<any>"


def test_project_fixtures_docs_and_spec_shapes():
    docs = ProjectPage.model_validate(load("list_projects_response_docs.json"))
    assert docs.total == 1 and docs.projects[0].name == "Example Project"
    spec = ProjectPage.model_validate(
        {"count": 3, "projects": [{"id": "p1", "name": "slug", "title": "Nice", "org_id": "o", "members_count": 2,
                                   "metadata": {"a": 1}}]}
    )
    assert spec.total == 3 and spec.projects[0].display_name == "Nice"
    one = Project.model_validate(load("get_project_response_docs.json"))
    assert one.updated_at.year == 2025


def test_search_fixtures():
    page = SearchPage.model_validate(load("search_response.json"))
    assert page.items == [] and page.pagination.offset == 0 and page.next_token is None
    req = load("search_request.json")
    with pytest.raises(RequestValidationError) as info:
        SearchQuery.parse(req)  # the docs' example sends geometry: null
    assert info.value.field == "geometry"
    q = SearchQuery.parse({**req, "geometry": SQUARE})
    assert q.to_payload()["satellites"][0]["collection_id"] == "sentinel-2-l2a"


def test_download_fixtures():
    assert DownloadRequest.parse(load("download_request.json")).asset_ids[1].startswith("49a6")
    assert Download.model_validate(load("download_response.json")).status == "SUCCESS"


def test_create_request_fixture_refuses_null_geometry_and_accepts_polygon():
    with pytest.raises(RequestValidationError) as info:
        AOICreate.parse(load("create_aoi_request.json"))
    assert info.value.field == "geometry" and "geometry" in str(info.value)
    body = AOICreate.parse(good_create()).to_payload()
    assert body["provider"] == "pixxel" and body["geometry"]["type"] == "Polygon"
    assert set(body) == {"name", "description", "satellite_id", "provider", "project_id", "geometry", "item_ids"}


# ----------------------------------------------------------------------------- strict writes


@pytest.mark.parametrize(
    "over, field",
    [
        ({"project_id": "not-a-uuid"}, "project_id"),
        ({"satellite_id": "Pixxel-TD2"}, "satellite_id"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "a\nb"}, "name"),
        ({"provider": "sentinel"}, "provider"),
        ({"geometry": {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]}}, "geometry.type"),
        ({"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}}, "geometry.coordinates"),
        ({"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 2]]]}},
         "geometry.coordinates"),
        ({"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [1, 1], [0, 0]]]}},
         "geometry.coordinates"),
        ({"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [float("nan"), 0], [1, 1], [0, 0]]]}},
         "geometry.coordinates"),
        ({"geometry": "POLYGON((0 0, 1 0, 1 1, 0 0))"}, "geometry"),
        ({"item_ids": [""]}, "item_ids"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_create_refusals_name_the_field(over, field):
    with pytest.raises(RequestValidationError) as info:
        AOICreate(**good_create(**over))
    assert info.value.field == field
    assert f"'{field}'" in str(info.value) and "nothing was sent" in str(info.value)


def test_create_accepts_geo_interface_and_uuid_objects():
    import uuid

    class Shape:
        __geo_interface__ = {"type": "Polygon", "coordinates": (tuple(map(tuple, SQUARE["coordinates"][0])),)}

    aoi = AOICreate(name="x", satellite_id=uuid.UUID(SAT), project_id=PROJ.upper(), geometry=Shape(),
                    provider="planetary")
    assert aoi.satellite_id == SAT and aoi.project_id == PROJ and aoi.provider is Provider.PLANETARY
    assert Polygon.parse(SQUARE).coordinates[0][0] == [77.5, 12.9]


def test_search_query_checks():
    base = {"start_date": dt.datetime(2023, 4, 18), "end_date": "2023-05-03 11:56:49",
            "satellites": [{"collection_id": "c", "satellite_id": SAT}], "geometry": SQUARE}
    q = SearchQuery(**base)
    assert q.start_date == "2023-04-18T00:00:00Z"
    for over, field in [({"satellites": []}, "satellites"), ({"limit": 0}, "limit"),
                        ({"start_date": "yesterday"}, "start_date"),
                        ({"filters": [{"id": "eo:cloud_cover", "min": 50, "max": 10}]}, "filters[0]"),
                        ({"satellites": [{"collection_id": "c", "satellite_id": "x"}]}, "satellites[0].satellite_id")]:
        with pytest.raises(RequestValidationError) as info:
            SearchQuery(**{**base, **over})
        assert info.value.field == field, over


# ----------------------------------------------------------------------------- tolerant reads


def test_timestamps_variants():
    for raw in ("2022-11-14T12:55:49Z", "2022-11-14 12:55:49+00:00", "2022-11-14 12:55:49.1+00:00",
                "2022-11-14T12:55:49.123456789Z", "2022-11-14t12:55:49", "2022-11-14T14:55:49+02:00"):
        a = AOI.model_validate({"aoi_id": "a", "created_at": raw})
        assert a.created_at.astimezone(dt.timezone.utc).replace(microsecond=0) == dt.datetime(
            2022, 11, 14, 12, 55, 49, tzinfo=dt.timezone.utc), raw
    for bad in ("", "yesterday", "2022-13-45T00:00:00", None, {"x": 1}, "9" * 500):
        a = AOI.model_validate({"aoi_id": "a", "created_at": bad})
        assert a.created_at is None


def test_unknown_enum_values_and_nulls_are_tolerated():
    a = AOI.model_validate({"aoi_id": "a", "status": "queued", "eo_bands": None, "images": None, "centroid": None,
                            "extra_field": {"x": 1}})
    assert a.status is AOIStatus.UNKNOWN and a.status_raw == "queued" and a.eo_bands == []
    assert a.model_extra["extra_field"] == {"x": 1}
    assert AOI.model_validate({"aoi_id": "a", "status": "RUNNING"}).status is AOIStatus.RUNNING
    assert AOI.model_validate({"aoi_id": "a", "status": None}).status is AOIStatus.UNKNOWN
    asset = Asset.model_validate({"id": "x", "asset_type": "cog", "status": None, "band_list": None,
                                  "geometry": {"type": "MultiPolygon", "coordinates": []}})
    assert asset.asset_type is AssetType.UNKNOWN and asset.status is AssetStatus.UNKNOWN
    assert asset.geometry["type"] == "MultiPolygon"


def test_control_characters_in_names_are_kept_as_data():
    name = "evil\x1b[31m\nname\x00"
    assert AOI.model_validate({"aoi_id": "a", "name": name}).name == name
    assert Asset.model_validate({"id": "a", "name": name}).name == name


def test_satellites_spec_and_docs_shapes():
    spec = SatelliteList.model_validate({"satellites": [{
        "id": SAT, "name": "Pixxel-TD2",
        "bands": [{"name": "B01", "offset": 0, "scale": 1, "spatial_resolution": 5, "wavelength": 470}],
        "collections": [{"id": "l2a", "name": "L2A", "provider": "pixxel", "rescale": [0, 1], "queryables": ["a"]}],
        "rgb_composite": {"red": "B3", "green": "B2", "blue": "B1"}}]})
    sat = spec.satellites[0]
    assert sat.bands[0].wavelength == 470 and sat.collections[0].provider == "pixxel"
    docs = Satellite.model_validate({"id": "string", "name": "string", "collections": ["l2a", "l1c"],
                                     "bands": ["B01", "B02"]})
    assert [c.id for c in docs.collections] == ["l2a", "l1c"] and docs.bands[1].name == "B02"


def test_search_items_object_or_list_and_next_token():
    item = {"type": "Feature", "collection": "c", "bbox": ["172.9", "1.34", 172.95, 1.36],
            "properties": {"eo:cloud_cover": 23.5, "datetime": "2022-06-15T12:00:00Z", "view:off_nadir": 5,
                           "rd:product_level": "L2A"},
            "assets": {"B013": {"href": "x", "eo:bands": [{"name": "B013", "center_wavelength": 493}],
                                "raster:bands": [{"scale": 2e-05}]}},
            "links": [{"href": "https://example.com", "rel": "self"}]}
    as_obj = SearchPage.model_validate({"items": {"ITEM1": item}, "pagination": {"next_token": "t2"}})
    assert as_obj.items[0].id == "ITEM1" and as_obj.next_token == "t2"
    props = as_obj.items[0].properties
    assert props.cloud_cover == 23.5 and props.off_nadir == 5 and props.product_level == "L2A"
    assert as_obj.items[0].bbox[0] == pytest.approx(172.9)
    assert as_obj.items[0].assets["B013"].eo_bands[0].center_wavelength == 493
    as_list = SearchPage.model_validate({"items": [{**item, "id": "ITEM2"}], "next_token": ""})
    assert as_list.items[0].id == "ITEM2" and as_list.next_token is None


# ----------------------------------------------------------------------------- client config hygiene


@pytest.mark.parametrize("url", ["http://example.com", "http://api.pixxel.space", "ftp://127.0.0.1",
                                 "https://user:pw@api.pixxel.space", "", "api.pixxel.space"])
def test_base_url_refused(url):
    with pytest.raises(ConfigurationError) as info:
        PixxelClient("secret-key-123", base_url=url)
    assert info.value.field == "base_url" and "secret-key-123" not in str(info.value)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765", "http://127.9.9.9", "http://localhost:1/",
                                 "http://[::1]:8080", "https://api.pixxel.space/", "https://example.org/prefix"])
def test_base_url_accepted(url):
    assert normalize_base_url(url) == url.rstrip("/")


def test_repr_and_bad_keys():
    c = PixxelClient("secret-key-123")
    assert "secret-key-123" not in repr(c) and "secret-key-123" not in repr(vars(c))
    assert "api.pixxel.space" in repr(c)
    for bad in ("", "  ", "abc\r\nX-Evil: 1"):
        with pytest.raises(ConfigurationError) as info:
            PixxelClient(bad)
        assert info.value.field == "api_key" and "X-Evil" not in str(info.value)


def test_errors_pickle_and_text():
    err = AuthError("Could not list AOIs: refused (HTTP 403)", status=403, server_message="bad\x1bkey")
    text = str(err)
    assert "Connection settings" in text and "\x1b" not in text
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == text and again.status == 403


def test_client_imports_without_qgis():
    code = ("import sys, pixxel_qgis.client as c; c.PixxelClient('k', base_url='http://127.0.0.1:1'); "
            "assert 'qgis' not in sys.modules and 'PyQt5' not in sys.modules, sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
