"""create_aoi's lookup after a lost answer, in detail (issue 16, mutation target): it stops as soon as it has
found the AOI, and when no lookup could answer, the hint names the AOI to look for (a long name shortened to
80 characters, so the message stays readable)."""

from __future__ import annotations

import pytest
from pixxel_qgis.client import PixxelClient, ServerError
from pixxel_qgis.tests.test_create_recovery import FAST, POST_AOIS, body
from pixxel_simulator import Faults

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)


def lookups(sim):
    return [s for m, p, s in sim.request_log if m == "GET" and p == "/v0/aois"]


def test_the_lookup_stops_as_soon_as_it_has_found_the_aoi(sim_factory, api_key):
    sim = sim_factory(aoi_duration_s=0.0, asset_count=0, unique_names=False,
                      faults=Faults(lose_create_response=1, **POST_AOIS))
    with PixxelClient(api_key, base_url=sim.url, create_attempts=3, create_lookups=4, **FAST) as client:
        aoi = client.create_aoi(body("found-at-once"))
    assert aoi.name == "found-at-once"
    assert lookups(sim) == [200], (
        f"lookups made: {lookups(sim)}; the first one found the AOI, so no further lookup may be sent")


def test_the_hint_after_an_unknown_outcome_names_the_aoi_shortened_to_80_characters(sim_factory, api_key):
    name = "field-" + "x" * 114  # 120 characters
    sim = sim_factory(aoi_duration_s=0.0, asset_count=0, unique_names=False,
                      faults=Faults(error_burst=1000, error_status=503))
    with PixxelClient(api_key, base_url=sim.url, create_attempts=2, create_lookups=2, **FAST) as client:
        with pytest.raises(ServerError) as err:
            client.create_aoi(body(name))
    shown = repr(name[:80] + "…")
    assert f"look for {shown} before creating it again" in err.value.hint, err.value.hint
