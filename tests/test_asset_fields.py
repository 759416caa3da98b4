"""core/asset_fields: the asset/AOI schema and tolerant raw dict -> attribute conversion."""

import json
import math

import pytest
from pixxel_qgis.core.assets.asset_fields import (
    AOI_FIELDS,
    ASSET_FIELDS,
    AssetRowConverter,
    aoi_attributes,
    aoi_fields,
    asset_attributes,
    asset_fields,
    parse_date,
    parse_datetime,
)
from pixxel_qgis.tests.asset_samples import DOCS_EXAMPLE_ASSET, make_aoi, make_asset
from qgis.PyQt.QtCore import QDate, QDateTime, Qt, QTime, QVariant

DOCUMENTED = [
    "aoi_id", "area_in_sq_m", "asset_type", "band_list", "created_at", "date", "description",
    "id", "name", "path", "progress", "resolution", "status", "updated_at", "visualization_id",
]  # fmt: skip


def _row(raw):
    names = [name for name, _, _ in ASSET_FIELDS]
    return dict(zip(names, asset_attributes(raw)))


def test_every_documented_field_has_a_typed_qgis_field():
    fields = asset_fields()
    for name in DOCUMENTED + ["centroid_lon", "centroid_lat", "band_count", "extra"]:
        assert fields.indexOf(name) >= 0, name
    types = {f.name(): f.type() for f in fields}
    assert types["created_at"] == QVariant.DateTime
    assert types["updated_at"] == QVariant.DateTime
    assert types["date"] == QVariant.Date
    assert types["progress"] == QVariant.Int
    assert types["area_in_sq_m"] == QVariant.Double
    assert types["resolution"] == QVariant.Double
    assert types["centroid_lon"] == QVariant.Double
    assert types["band_list"] == QVariant.String
    assert types["path"] == QVariant.String
    assert fields.count() == len(ASSET_FIELDS)


@pytest.mark.parametrize(
    "text",
    [
        "2022-11-14T12:55:49.125928+00:00",
        "2022-11-14 12:55:49.125928+00:00",
        "2022-11-14T12:55:49.125Z",
        "2022-11-14T14:55:49.125+02:00",
        " 2022-11-14T12:55:49.125 ",  # no zone: taken as UTC
    ],
)
def test_timestamps_in_every_form(text):
    dt = parse_datetime(text)
    assert dt is not None and dt.isValid()
    assert dt.toUTC() == QDateTime(
        QDate(2022, 11, 14), QTime(12, 55, 49, 125), Qt.UTC
    ) or dt.toUTC() == QDateTime(QDate(2022, 11, 14), QTime(12, 55, 49, 126), Qt.UTC)


@pytest.mark.parametrize("bad", ["<string>", "", "2022-13-45T00:00:00Z", "yesterday", None, 5, 1.5, [], {}])
def test_bad_timestamps_are_null(bad):
    assert parse_datetime(bad) is None


def test_date_field():
    assert parse_date("2022-11-14") == QDate(2022, 11, 14)
    assert parse_date("2022-11-14T10:00:00Z") == QDate(2022, 11, 14)
    assert parse_date("<string>") is None
    assert parse_date(20221114) is None


def test_full_asset_converts_to_typed_values():
    raw = make_asset(1)
    row = _row(raw)
    assert row["id"] == raw["id"] and row["name"] == "Asset-1"
    assert row["progress"] == 7 and isinstance(row["progress"], int)
    assert row["area_in_sq_m"] == pytest.approx(1001.5)
    assert isinstance(row["created_at"], QDateTime) and row["created_at"].isValid()
    assert row["date"] == QDate(2022, 11, 14)
    assert row["band_list"] == "B01, B02, B03"
    assert row["band_count"] == 3
    assert row["centroid_lon"] == pytest.approx(raw["centroid"][0])
    assert row["centroid_lat"] == pytest.approx(raw["centroid"][1])
    assert row["path"] == raw["path"]
    assert row["extra"] is None


def test_docs_example_asset_converts_without_crash():
    row = _row(DOCS_EXAMPLE_ASSET)
    assert row["created_at"] is None and row["updated_at"] is None and row["date"] is None
    assert row["progress"] == 0 and row["area_in_sq_m"] == 0.0
    assert row["status"] == "success"


def test_missing_and_wrong_types_are_null_and_extras_kept_as_json():
    raw = {
        "id": 42,
        "name": {"x": 1},
        "progress": "lots",
        "area_in_sq_m": "n/a",
        "resolution": math.nan,
        "band_list": 7,
        "centroid": [1],
        "created_at": 123,
        "status": True,
        "new_field": {"a": [1, 2]},
        "other": "x",
    }
    row = _row(raw)
    assert row["id"] == "42"
    assert row["name"] is None
    assert row["progress"] is None
    assert row["area_in_sq_m"] is None
    assert row["resolution"] is None
    assert row["band_list"] is None and row["band_count"] is None
    assert row["centroid_lon"] is None and row["centroid_lat"] is None
    assert row["created_at"] is None
    assert row["status"] is None
    assert row["path"] is None and row["aoi_id"] is None
    assert json.loads(row["extra"]) == {"new_field": {"a": [1, 2]}, "other": "x"}


def test_int_range_and_numeric_strings():
    assert _row({"progress": 2**40})["progress"] is None
    assert _row({"progress": 55.0})["progress"] == 55
    assert _row({"progress": "80"})["progress"] == 80
    assert _row({"progress": False})["progress"] is None


def test_non_dict_entry_becomes_an_empty_row_with_the_raw_value():
    conv = AssetRowConverter()
    row = conv("garbage")
    assert len(row) == len(ASSET_FIELDS)
    assert json.loads(row[-1]) == {"raw": "garbage"}
    assert conv(None)[0] is None


def test_aoi_fields_and_both_doc_forms():
    names = [f.name() for f in aoi_fields()]
    for n in ("aoi_id", "name", "description", "status", "progress", "satellite_id", "project_id",
              "area_in_sq_m", "created_at", "updated_at"):  # fmt: skip
        assert n in names
    assert len(names) == len(AOI_FIELDS)
    for old in (False, True):
        row = dict(zip(names, aoi_attributes(make_aoi(old_form=old))))
        assert row["satellite_id"] == "0005c5bb-0bd2-4c80-9393-4a808341c54c"
        assert row["created_at"].isValid()
        assert row["is_favourite"] == 0
        assert row["eo_bands"] == "B01, B02, B03"


def test_aoi_model_is_accepted():
    import pydantic  # a plugin requirement: missing, this fails instead of skipping

    class Model(pydantic.BaseModel):
        model_config = pydantic.ConfigDict(extra="allow")
        aoi_id: str
        name: str

    row = dict(zip([n for n, _, _ in AOI_FIELDS], aoi_attributes(Model(aoi_id="a", name="b", progress=5))))
    assert row["aoi_id"] == "a" and row["name"] == "b" and row["progress"] == 5


def test_fields_are_built_without_deprecation_warnings_on_this_qgis():
    # QGIS 3.38+ deprecates QgsField(name, QVariant.Type, ...) (gone with Qt6): 2,000 warnings per suite run.
    import warnings

    from pixxel_qgis.core.assets import asset_fields as af
    from qgis.core import Qgis

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fields = [asset_fields(), aoi_fields(), af.make_field("when", "datetime")]
    assert af.FIELDS_USE_QMETATYPE == (Qgis.QGIS_VERSION_INT >= 33800)
    assert fields[2].typeName() == "DateTime" and fields[2].name() == "when"
    assert int(fields[0].field("progress").type()) == int(QVariant.Type.Int)
    assert int(fields[0].field("path").type()) == int(QVariant.Type.String)
    assert int(fields[1].field("created_at").type()) == int(QVariant.Type.DateTime)
