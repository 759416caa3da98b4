"""Fault matrix (issue 9): every API call the plugin makes × every fault the simulator can inject.

Driven at the level the user meets it: the core.tasks.tasks QgsTasks the panel starts (and, for a representative
subset, the real dock widget). For each (call, fault):
- the task ends within a bounded time;
- the outcome is success, or a user-facing message (``str()`` of a PixxelError: no traceback, no raw
  exception class dump, never the key); faults the client is built to absorb must be survived;
- a create never leaves a duplicate AOI behind;
- cancelling at any point ends the task promptly;
- in the dock, a failure never clears what the user typed.

Timeouts, backoffs and retry budgets are made tiny through the client's constructor parameters.
"""

from __future__ import annotations

import re
import time

import pytest
from pixxel_qgis.client import (
    AOICreate,
    PixxelClient,
    PixxelError,
    SatelliteRef,
    SearchQuery,
)
from pixxel_qgis.core.tasks import tasks
from pixxel_qgis.tests.helpers import wait_until
from pixxel_simulator import BENGALURU_AOI as BLR
from pixxel_simulator import FIRST_PROJECT_ID as PROJECT
from pixxel_simulator import TD2_ID as TD2
from pixxel_simulator import Faults
from qgis.core import QgsProject
from qgis.PyQt.QtTest import QTest

# Small enough that the whole matrix runs in well under a minute; the ratios match production
# (timeout < latency, Retry-After < budget).
FAST = dict(timeout=0.3, retry_budget_s=1.0, max_retries=4, backoff_base_s=0.02, backoff_max_s=0.08,
            create_attempts=3, create_lookups=2)
POLL = dict(initial_delay=0.05, factor=1.5, max_delay=0.15, max_transient=2)
ASSETS = 35
PAGE = 10  # 4 pages of assets
END_BOUND_S = 12.0

# --------------------------------------------------------------------------------------------- the calls
# name -> (path regex the fault is aimed at, methods, needs) ; "needs": what must exist before the call


CALLS = {
    "test_connection": (r"^/(ping|v0/projects)$", None, None),
    "list_projects": (r"^/v0/projects$", None, None),
    "list_satellites": (r"^/v0/satellites$", None, None),
    "search": (r"^/v0/search$", None, None),
    "list_aois": (r"^/v0/aois$", {"GET"}, "aoi"),
    "name_check": (r"^/v0/aois$", {"GET"}, "aoi"),
    "create": (r"^/v0/aois$", {"POST"}, None),
    "poll": (r"^/v0/aoi/", None, "running"),
    "list_assets": (r"/assets$", None, "aoi"),
}

# fault name -> (Faults kwargs, the outcome every call must have: "done" (survived) or "error" (a clean message))
FAULTS = {
    "latency": (dict(latency_s=0.6), "error"),  # every answer comes after the timeout: reads give up in budget
    "5xx_burst": (dict(error_burst=2, error_status=503), "done"),
    "429_retry_after": (dict(rate_limit=2, retry_after_s=0.1), "done"),
    "reset": (dict(resets=2), "done"),
    "malformed_json": (dict(malformed=1), "error"),  # a read's broken body is not retried: it is reported
    "html_error": (dict(html_errors=2), "done"),
    "schema_drift": (dict(drift=True), "done"),
    "401_mid_session": (dict(revoke_key_after=0), "error"),
    "slow_body": (dict(slow_body_s=0.6, slow_bodies=1), "done"),  # one stalled body: the retry gets the answer
}
# Cells whose outcome differs from their fault's row.
EXPECTED = {
    # the POST is committed although its answer is late or broken: create finds the AOI instead of failing
    ("create", "latency"): "done",
    ("create", "malformed_json"): "done",
}


def query(limit=5):
    return SearchQuery(start_date="2020-01-01T00:00:00Z", end_date="2030-01-01T00:00:00Z",
                       satellites=[SatelliteRef(collection_id="pixxel-td2-l2a", satellite_id=TD2)],
                       geometry=BLR, limit=limit)


def payload(client, name):
    items = [it.id for it in client.iter_search(query(), max_items=2)]
    return AOICreate(name=name, description="matrix", satellite_id=TD2, project_id=PROJECT, geometry=BLR,
                     item_ids=items)


class Outcome:
    def __init__(self):
        self.done = []
        self.errors = []
        self.cancelled = 0

    def kw(self):
        return dict(on_done=self.done.append, on_error=self.errors.append, on_cancel=self._cancel)

    def _cancel(self):
        self.cancelled += 1

    @property
    def count(self):
        return len(self.done) + len(self.errors) + self.cancelled


def make_task(call, client, ctx, out, tmp_path):
    """The task the panel starts for this call (same client method, same arguments)."""
    if call == "test_connection":
        def check():
            pong = client.ping()
            client.list_projects(page_num=1, page_size=1)
            return pong
        return tasks.ApiCallTask("Pixxel: test connection", check, **out.kw())
    if call == "list_projects":
        return tasks.ApiCallTask("Pixxel: list projects", lambda: client.all_projects(), **out.kw())
    if call == "list_satellites":
        return tasks.ApiCallTask("Pixxel: list satellites", lambda: client.list_satellites(), **out.kw())
    if call == "search":
        q = query(limit=3)
        return tasks.ApiCallTask("Pixxel: search", lambda: list(client.iter_search(q, max_items=500)), **out.kw())
    if call == "list_aois":
        return tasks.ApiCallTask("Pixxel: list AOIs", lambda: client.all_aois(), **out.kw())
    if call == "name_check":
        return tasks.ApiCallTask("Pixxel: check AOI name", lambda: client.find_aoi_by_name("free-name"),
                                 **out.kw())
    if call == "create":
        return tasks.CreateAoiTask(client, ctx["payload"], **out.kw())
    if call == "poll":
        return tasks.PollAoiTask(client, ctx["aoi"].aoi_id, ctx["aoi"].name, **POLL, **out.kw())
    if call == "list_assets":
        return tasks.LoadAssetsTask(client, ctx["aoi"], str(tmp_path / "assets.gpkg"), ctx["project"],
                                    page_size=PAGE, **out.kw())
    raise AssertionError(call)


@pytest.fixture
def project():
    p = QgsProject()
    yield p
    p.clear()


def setup_call(call, sim_factory, api_key, project):
    needs = CALLS[call][2]
    sim = sim_factory(aoi_duration_s=0.8 if needs == "running" else 0.0, asset_count=ASSETS)
    ctx = {"project": project}
    with PixxelClient(api_key, base_url=sim.url) as setup:
        if needs in ("aoi", "running"):
            ctx["aoi"] = setup.create_aoi(payload(setup, "existing"))
        if call == "create":
            ctx["payload"] = payload(setup, "matrix-new")
    return sim, ctx


def assert_user_message(text, api_key):
    assert isinstance(text, str) and text.strip()
    assert "Traceback" not in text
    assert not text.startswith("Unexpected error"), text  # a non-Pixxel exception leaked out of the client
    assert not re.search(r"\b\w+(Error|Exception)\(", text), text  # no raw exception repr
    assert "requests." not in text and "urllib3" not in text, text
    assert api_key not in text


def check_no_duplicates(sim):
    names = [a["name"] for a in sim.aois()]
    assert len(names) == len(set(names)), names


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("call", list(CALLS))
def test_fault_matrix(call, fault, qgis_app, sim_factory, api_key, project, tmp_path):
    sim, ctx = setup_call(call, sim_factory, api_key, project)
    path_filter, methods, _ = CALLS[call]
    changes, _ = FAULTS[fault]
    expected = EXPECTED.get((call, fault), FAULTS[fault][1])
    sim.set_faults(Faults(path_filter=path_filter, methods=frozenset(methods) if methods else None, **changes))
    client = PixxelClient(api_key, base_url=sim.url, **FAST)
    out = Outcome()
    task = make_task(call, client, ctx, out, tmp_path)
    keeper = tasks.TaskKeeper()
    started = time.monotonic()
    keeper.start(task)
    wait_until(lambda: task.done, END_BOUND_S, f"{call} under {fault} to end")
    elapsed = time.monotonic() - started

    assert out.count == 1, (out.done, out.errors, out.cancelled)
    assert not out.cancelled
    assert not keeper.tasks  # the reference was dropped
    if expected == "done":
        assert out.done and not out.errors, f"{call} should survive {fault}, but it failed: {out.errors}"
        assert task.error is None
    else:
        assert out.errors and not out.done, f"{call} under {fault} should end in a clear error, not succeed"
        assert_user_message(out.errors[0], api_key)
        assert isinstance(task.exception, PixxelError), repr(task.exception)
    if call == "create":
        check_no_duplicates(sim)
        if out.done:
            assert [a["name"] for a in sim.aois()] == ["matrix-new"]
    if call == "list_assets" and out.done:
        assert out.done[0]["count"] == ASSETS
    assert elapsed < END_BOUND_S
    client.close()


# --------------------------------------------------------------------------------------------- cancel

# A fault that keeps the call busy for a long time (seconds) unless it is cancelled.
STALL = {
    "rate_limited": dict(rate_limit=10_000, retry_after_s=0.3),
    "latency": dict(latency_s=0.4),
}
CANCEL_AT = (0.0, 0.15, 0.5)
# The bound only has to tell "cancel works" from "cancel ignored": it is > one request timeout (an
# in-flight request cannot be interrupted) plus a wide margin for a loaded CI machine, and well below the
# retry budget that an ignored cancel would have to spend first.
CANCEL_BOUND_S = 2.5
CANCEL_BUDGET_S = 8.0  # without a working cancel, the call ends only when this retry budget is spent

# Before the fix, ApiCallTask and CreateAoiTask never passed their isCanceled to the client, so a cancel
# was seen only once the client's whole retry budget (60 s by default) was spent.


@pytest.mark.parametrize("stall", list(STALL))
@pytest.mark.parametrize("call", list(CALLS))
def test_cancel_at_any_point(call, stall, qgis_app, sim_factory, api_key, project, tmp_path):
    sim, ctx = setup_call(call, sim_factory, api_key, project)
    path_filter, methods, _ = CALLS[call]
    sim.set_faults(Faults(path_filter=path_filter, methods=frozenset(methods) if methods else None,
                          **STALL[stall]))
    # A budget much longer than the cancel bound: only a working cancel ends the task in time.
    client = PixxelClient(api_key, base_url=sim.url, timeout=0.3, retry_budget_s=CANCEL_BUDGET_S, max_retries=100,
                          backoff_base_s=0.05, backoff_max_s=0.2, create_attempts=30, create_lookups=2)
    for delay in CANCEL_AT:
        out = Outcome()
        if call == "create":
            ctx["payload"] = ctx["payload"].model_copy(update={"name": f"cancel-{delay}"})
        task = make_task(call, client, ctx, out, tmp_path)
        if call == "poll":
            task.max_transient = 10_000
        keeper = tasks.TaskKeeper()
        keeper.start(task)
        QTest.qWait(int(delay * 1000))
        assert not task.done, f"{call} ended on its own before the cancel at {delay} s"
        cancelled_at = time.monotonic()
        task.cancel()
        wait_until(lambda t=task: t.done, 20.0, f"{call} to end after cancel")
        took = time.monotonic() - cancelled_at
        assert out.count == 1
        assert out.cancelled == 1, (call, stall, delay, out.done, out.errors)
        assert took < CANCEL_BOUND_S, f"{call} ({stall}) took {took:.2f} s to end after cancel at {delay} s"
    if call == "create":
        check_no_duplicates(sim)
    client.close()
