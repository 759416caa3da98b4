"""Client details the behaviour tests did not pin (issue 16: each test kills mutants of client/client.py that
survived the other tests): waits between create attempts and lookups, 429 on a create, polling until a
final status or the deadline, path IDs, listings that page and stop."""

from __future__ import annotations

import json
import threading
import time

import pytest
from pixxel_qgis.client import (
    AOICreate,
    PixxelClient,
    RateLimitError,
    RequestValidationError,
    ResponseFormatError,
    ServerError,
)
from pixxel_qgis.tests.loopback_server import Server
from pixxel_simulator import BENGALURU_AOI as BLR
from pixxel_simulator import FIRST_PROJECT_ID as PROJECT
from pixxel_simulator import TD2_ID as TD2

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)

KEY = "details-key"
FAST = dict(timeout=2.0, retry_budget_s=3.0, backoff_base_s=0.01, backoff_max_s=0.02)
JSON = {"Content-Type": "application/json"}


def body(name="n"):
    return AOICreate(name=name, description="d", satellite_id=TD2, project_id=PROJECT, geometry=BLR,
                     item_ids=["i"])


def empty_list():
    return 200, JSON, json.dumps({"aois": [], "pagination": {"total": 0, "offset": 0, "limit": 100}}).encode()


class Api:
    """A scripted API: `post(n)` answers the n-th POST /v0/aois; GETs of /v0/aois list nothing."""

    def __init__(self, post):
        self.post = post
        self.events = []  # ("POST", n) / ("GET", path) / ("sleep", seconds) in the order they happened
        self.lock = threading.Lock()
        self.server = Server(self.handle)
        self.posts = 0

    def handle(self, method, path, query, headers, raw):
        with self.lock:
            if method == "POST":
                self.posts += 1
                self.events.append(("POST", self.posts))
                n = self.posts
            else:
                self.events.append(("GET", path))
        if method == "POST":
            return self.post(n)
        return empty_list()

    def client(self, **kw):
        c = PixxelClient(KEY, base_url=self.server.url, **{**FAST, **kw})
        real = c.transport._sleep

        def sleep(s):
            with self.lock:
                if not self.events or self.events[-1][0] != "sleep":
                    self.events.append(("sleep", 0))
            real(s)

        c.transport._sleep = sleep
        return c

    def close(self):
        self.server.close()


@pytest.fixture
def api():
    made = []

    def make(post):
        a = Api(post)
        made.append(a)
        return a

    yield make
    for a in made:
        a.close()


def test_create_waits_between_attempts_and_not_after_the_last(api):
    a = api(lambda n: (503, JSON, b"{}"))
    with a.client(create_attempts=3, create_lookups=1) as c, pytest.raises(ServerError):
        c.create_aoi(body())
    kinds = [k for k, _ in a.events]
    assert kinds == ["POST", "GET", "sleep", "POST", "GET", "sleep", "POST", "GET"], (
        f"{kinds}: a failed create must look the name up, then back off before the next POST, and give up "
        "right after the last lookup")


def test_lookups_wait_between_tries_and_not_after_the_last(api):
    a = api(lambda n: (503, JSON, b"{}"))
    with a.client(create_attempts=1, create_lookups=3) as c, pytest.raises(ServerError):
        c.create_aoi(body())
    kinds = [k for k, _ in a.events]
    assert kinds == ["POST", "GET", "sleep", "GET", "sleep", "GET"], kinds


def test_backoff_grows_with_each_create_attempt_and_each_lookup(api):
    a = api(lambda n: (503, JSON, b"{}"))
    asked = []
    with a.client(create_attempts=3, create_lookups=3) as c, pytest.raises(ServerError):
        c.transport.backoff = lambda attempt: asked.append(attempt) or 0.001
        c.create_aoi(body())
    # per attempt: lookups wait backoff(1), backoff(2) between their 3 tries; then backoff(attempt) before a retry
    assert asked == [1, 2, 1, 1, 2, 2, 1, 2], asked


def test_a_readable_created_aoi_is_returned_without_a_lookup(api):
    a = api(lambda n: (201, JSON, json.dumps({"aoi_id": "R", "name": "n", "status": "started"}).encode()))
    with a.client() as c:
        assert c.create_aoi(body()).aoi_id == "R"
    assert a.events == [("POST", 1)], "a 201 with the AOI needs no lookup"


def test_create_after_429_waits_retry_after_and_tries_again(api):
    a = api(lambda n: (429, {**JSON, "Retry-After": "0.2"}, b"{}") if n == 1 else
            (201, JSON, json.dumps({"aoi_id": "A1", "name": "n", "status": "started"}).encode()))
    with a.client(create_attempts=3) as c:
        started = time.monotonic()
        aoi = c.create_aoi(body())
        waited = time.monotonic() - started
    assert aoi.aoi_id == "A1"
    assert [k for k, _ in a.events] == ["POST", "sleep", "POST"], "a 429 is safe to retry, without a lookup"
    assert waited >= 0.2, "Retry-After was not honoured"


def test_create_429_on_every_attempt_ends_after_the_attempts(api):
    a = api(lambda n: (429, {**JSON, "Retry-After": "0.05"}, b"{}"))
    with a.client(create_attempts=3) as c, pytest.raises(RateLimitError):
        c.create_aoi(body())
    assert a.posts == 3
    assert [k for k, _ in a.events] == ["POST", "sleep", "POST", "sleep", "POST"], "no wait after the last attempt"


def test_create_429_with_a_wait_beyond_the_budget_is_reported_at_once(api):
    a = api(lambda n: (429, {**JSON, "Retry-After": "30"}, b"{}"))
    with a.client(create_attempts=3, retry_budget_s=1.0) as c, pytest.raises(RateLimitError) as info:
        c.create_aoi(body())
    assert a.posts == 1 and "sleep" not in [k for k, _ in a.events]
    assert info.value.retry_after == 30


def test_create_429_without_retry_after_backs_off(api):
    a = api(lambda n: (429, JSON, b"{}") if n < 3 else
            (201, JSON, json.dumps({"aoi_id": "A3", "name": "n", "status": "started"}).encode()))
    with a.client(create_attempts=3) as c:
        assert c.create_aoi(body()).aoi_id == "A3"
    assert [k for k, _ in a.events] == ["POST", "sleep", "POST", "sleep", "POST"]


def test_create_accepts_200_and_a_wrapped_aoi(api):
    a = api(lambda n: (200, JSON, json.dumps({"aoi": {"aoi_id": "W", "name": "n", "status": "started"}}).encode()))
    with a.client() as c:
        aoi = c.create_aoi(body())
    assert aoi.aoi_id == "W" and a.posts == 1


def test_create_timeout_then_lookups_fail_is_a_timeout_not_a_duplicate(api):
    a = api(lambda n: (504, JSON, b"{}"))
    with a.client(create_attempts=2, create_lookups=1) as c, pytest.raises(ServerError) as info:
        c.create_aoi(body())
    assert info.value.status == 504 and a.posts == 2


# ----------------------------------------------------------------------------------------------- polling


def aoi_server(statuses):
    """GET /v0/aoi/X answers the statuses in turn (the last one repeats)."""
    calls = []

    def handle(method, path, query, headers, raw):
        calls.append(path)
        status = statuses[min(len(calls), len(statuses)) - 1]
        return 200, JSON, json.dumps({"aoi_id": "X", "name": "n", "status": status}).encode()

    return Server(handle), calls


def test_wait_for_aoi_polls_until_a_final_status():
    server, calls = aoi_server(["started", "running", "running", "success"])
    seen = []
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c:
            aoi = c.wait_for_aoi("X", poll_s=0.01, max_wait_s=10, on_status=lambda a: seen.append(a.status.value))
    finally:
        server.close()
    assert aoi.status.value == "success"
    assert seen == ["started", "running", "running", "success"] and len(calls) == 4


def test_wait_for_aoi_returns_the_last_status_at_the_deadline():
    server, calls = aoi_server(["running"])
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c:
            aoi = c.wait_for_aoi("X", poll_s=0.05, max_wait_s=0.3)
    finally:
        server.close()
    assert aoi.status.value == "running"
    assert 2 <= len(calls) <= 8, "polling stopped before the deadline or went past it"


# ----------------------------------------------------------------------------------------------- IDs


@pytest.mark.parametrize("value,path", [("my aoi", "/v0/aoi/my%20aoi"), (" x ", "/v0/aoi/x"),
                                        ("~!*", "/v0/aoi/~%21%2A"), ("a" * 200, "/v0/aoi/" + "a" * 200)])
def test_path_ids_are_quoted_not_refused(value, path):
    seen = []
    server = Server(lambda m, p, q, h, b: (seen.append(p), (200, JSON, b'{"aoi_id": "X", "name": "n"}'))[1])
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c:
            c.get_aoi(value)
    finally:
        server.close()
    assert [s.replace("%7E", "~") for s in seen] == [path]


@pytest.mark.parametrize("value", ["", "   ", "a" * 201, "a\x1fb", "a\nb", None, 5])
def test_bad_path_ids_are_refused_before_sending(value):
    with PixxelClient(KEY, base_url="http://127.0.0.1:9", **FAST) as c:
        with pytest.raises(RequestValidationError) as info:
            c.get_aoi(value)
    assert info.value.field == "aoi_id"


def test_ping_reads_text_or_a_message_field():
    answers = iter([b'"pong"', b'{"message": "ok"}', b'{"status": "up"}', b'{"x": 1}', b"[1]"])
    server = Server(lambda m, p, q, h, b: (200, JSON, next(answers)))
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c:
            assert [c.ping(), c.ping(), c.ping()] == ["pong", "ok", "up"]
            for _ in range(2):
                with pytest.raises(ResponseFormatError):
                    c.ping()
    finally:
        server.close()


# ----------------------------------------------------------------------------------------------- listings


def pager(items, key, total=True, wrap=None):
    """Serves `items` by page_num/page_size (projects) or offset/limit (AOIs); records the queries."""
    queries = []

    def handle(method, path, q, headers, raw):
        queries.append(dict(q))
        if "page_num" in q:
            size = int(q["page_size"])
            start = (int(q["page_num"]) - 1) * size
        else:
            size, start = int(q.get("limit", 50)), int(q.get("offset", 0))
        page = items[start:start + size]
        out = {key: page}
        if total:
            out["count" if key == "projects" else "pagination"] = (
                len(items) if key == "projects" else {"total": len(items), "offset": start, "limit": size})
        return 200, JSON, json.dumps(out).encode()

    return Server(handle), queries


@pytest.mark.parametrize("n,total,requests", [(4, True, 2), (5, True, 3), (3, False, 2), (4, False, 3), (0, True, 1)])
def test_all_projects_stops_at_the_total_or_a_short_page(n, total, requests):
    items = [{"id": f"p{i}", "name": f"P{i}"} for i in range(n)]
    server, queries = pager(items, "projects", total=total)
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c:
            got = c.all_projects(page_size=2)
    finally:
        server.close()
    assert [p.id for p in got] == [f"p{i}" for i in range(n)]
    assert len(queries) == requests, queries


def test_projects_page_size_one_is_allowed_and_zero_refused():
    server, queries = pager([{"id": "p0", "name": "P"}], "projects")
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c:
            assert [p.id for p in c.list_projects(page_num=1, page_size=1).projects] == ["p0"]
            for kw in ({"page_num": 0}, {"page_size": 0}):
                with pytest.raises(RequestValidationError):
                    c.list_projects(**kw)
    finally:
        server.close()
    assert len(queries) == 1


def test_list_aois_sends_the_filters_and_accepts_limit_one():
    server, queries = pager([{"aoi_id": "a", "name": "A"}], "aois")
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c:
            c.list_aois(limit=1, aoi_id="x1", created_at="2024-01-01", updated_at="2024-02-01", aoi_name="n",
                        project_ids=["p1", "p2"])
            c.list_aois(project_ids="p3")
            c.list_aois()
            for kw in ({"offset": -1}, {"limit": 0}):
                with pytest.raises(RequestValidationError):
                    c.list_aois(**kw)
    finally:
        server.close()
    assert queries[0] == {"offset": "0", "limit": "1", "aoi_id": "x1", "created_at": "2024-01-01",
                          "updated_at": "2024-02-01", "aoi_name": "n", "project_ids": "p1,p2"}
    assert queries[1]["project_ids"] == "p3"
    assert set(queries[2]) == {"offset", "limit"}, "filters that were not given must not be sent"


def test_assets_limit_one_and_null_assets():
    answers = iter([{"assets": [{"id": "x"}], "pagination": {"total": 1, "offset": 0, "limit": 1}},
                    {"assets": None, "pagination": {"total": 0, "offset": 0, "limit": 10}}])
    server = Server(lambda m, p, q, h, b: (200, JSON, json.dumps(next(answers)).encode()))
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c:
            assert [a.id for a in c.list_assets("A", limit=1).assets] == ["x"]
            assert c.list_assets("A").assets == []
            for kw in ({"offset": -1}, {"limit": 0}):
                with pytest.raises(RequestValidationError):
                    c.list_assets("A", **kw)
    finally:
        server.close()


def test_get_aoi_reads_the_wrapped_form():
    server = Server(lambda m, p, q, h, b: (200, JSON, json.dumps(
        {"aoi": {"aoi_id": "W", "name": "wrapped", "status": "running"}}).encode()))
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c:
            aoi = c.get_aoi("W")
    finally:
        server.close()
    assert (aoi.aoi_id, aoi.name) == ("W", "wrapped")


def test_iter_search_stops_at_max_items(sim_factory, api_key):
    from pixxel_qgis.client import SatelliteRef, SearchQuery

    sim = sim_factory()
    q = SearchQuery(start_date="2020-01-01T00:00:00Z", end_date="2030-01-01T00:00:00Z",
                    satellites=[SatelliteRef(collection_id="pixxel-td2-l2a", satellite_id=TD2)], geometry=BLR,
                    limit=2)
    with PixxelClient(api_key, base_url=sim.url, **FAST) as c:
        everything = list(c.iter_search(q))
        assert len(everything) > 3
        assert [i.id for i in c.iter_search(q, max_items=3)] == [i.id for i in everything[:3]]


# ----------------------------------------------------------------------------------------------- retries by kind


def scripted_api(answers):
    calls = []

    def handle(method, path, q, headers, raw):
        calls.append((method, path))
        return answers[min(len(calls), len(answers)) - 1]

    return Server(handle), calls


def test_search_is_a_read_and_is_retried_after_a_503():
    from pixxel_qgis.client import SatelliteRef, SearchQuery

    server, calls = scripted_api([(503, JSON, b"{}"), (200, JSON, b'{"items": {}, "next_token": null}')])
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c:
            page = c.search_images(SearchQuery(
                start_date="2020-01-01T00:00:00Z", end_date="2021-01-01T00:00:00Z", geometry=BLR,
                satellites=[SatelliteRef(collection_id="pixxel-td2-l2a", satellite_id=TD2)]))
    finally:
        server.close()
    assert page.items == [] and calls == [("POST", "/v0/search")] * 2


@pytest.mark.parametrize("answer,exc", [((503, JSON, b"{}"), ServerError),
                                        ((302, {"Location": "/v0/elsewhere"}, b""), ResponseFormatError)])
def test_create_download_is_never_retried_nor_redirected(answer, exc):
    server, calls = scripted_api([answer, (201, JSON, b'{"download_id": "d", "status": "SUCCESS"}')])
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c, pytest.raises(exc):
            c.create_download("A", ["x"])
    finally:
        server.close()
    assert calls == [("POST", "/v0/aois/A/downloads")], "a POST must not be sent again (nor redirected) blindly"


def test_tls_is_verified_by_default(monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with PixxelClient(KEY) as c:
        assert c.transport.session.verify is True
        assert c.base_url == "https://api.pixxel.space" and c.concurrency == 4
    with PixxelClient(KEY, verify="/tmp/ca.pem") as c:
        assert c.transport.session.verify == "/tmp/ca.pem"


@pytest.mark.parametrize("page,field", [
    ([1], "(body)"), ({"pagination": {}}, "assets"), ({"assets": {}}, "assets"), ({"assets": [1]}, "assets[0]"),
    ({"assets": [], "pagination": []}, "pagination"), ({"assets": [], "pagination": {"total": -1}}, "pagination.total"),
    ({"assets": [], "pagination": {"offset": True}}, "pagination.offset"),
    ({"assets": [], "pagination": {"limit": "5"}}, "pagination.limit"),
])
def test_broken_asset_pages_name_the_field(page, field):
    server = Server(lambda m, p, q, h, b: (200, JSON, json.dumps(page).encode()))
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c, pytest.raises(ResponseFormatError) as info:
            list(c.iter_asset_pages("A", raw=True))
    finally:
        server.close()
    assert info.value.field == field


def test_asset_pages_raw_and_parsed_and_progress():
    assets = [{"id": f"a{i}", "name": f"n{i}"} for i in range(7)]

    def handle(m, p, q, h, b):
        off, lim = int(q["offset"]), int(q["limit"])
        return 200, JSON, json.dumps({"assets": assets[off:off + lim],
                                      "pagination": {"total": 7, "offset": off, "limit": lim}}).encode()

    server = Server(handle)
    seen = []
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c:
            raw = c.all_assets_raw("A", page_size=3, progress=lambda d, t: seen.append((d, t)))
            parsed = c.all_assets("A", page_size=3)
            with pytest.raises(RequestValidationError):
                c.all_assets_raw("", page_size=3)
    finally:
        server.close()
    assert raw == assets and [a.id for a in parsed] == [a["id"] for a in assets]
    assert seen == [(3, 7), (6, 7), (7, 7)]


def test_a_redirected_create_is_not_followed():
    def handle(method, path, q, headers, raw):
        if method == "POST":
            return 302, {"Location": "/v0/moved"}, b""
        if path == "/v0/moved":
            return 200, JSON, json.dumps({"aoi_id": "elsewhere", "name": "n", "status": "started"}).encode()
        return empty_list()

    server = Server(handle)
    try:
        with PixxelClient(KEY, base_url=server.url, create_lookups=1, **FAST) as c:
            with pytest.raises(ResponseFormatError, match="redirect"):
                c.create_aoi(body())
    finally:
        server.close()
    assert "/v0/moved" not in [r.path for r in server.requests], "a create must not follow a redirect"


# ----------------------------------------------------------------------------------------------- documented defaults


def test_documented_defaults():
    with PixxelClient(KEY) as c:
        t = c.transport
        assert (t.timeout, t.retry_budget_s, t.concurrency) == (30.0, 60.0, 4)
        assert (t.max_retries, t.backoff_base_s, t.backoff_max_s) == (6, 0.5, 20.0)
        assert (c.create_attempts, c.create_lookups) == (3, 4)
    t = __import__("pixxel_qgis.client.transport", fromlist=["Transport"]).Transport(KEY)
    assert (t.timeout, t.retry_budget_s, t.concurrency, t.max_retries) == (30.0, 60.0, 4, 6)
    assert (t.backoff_base_s, t.backoff_max_s, t.max_body_bytes) == (0.5, 20.0, 256 * 1024 * 1024)


@pytest.mark.parametrize("attempts", [0, 1])
def test_one_create_attempt_means_one_post(api, attempts):
    a = api(lambda n: (503, JSON, b"{}"))
    with a.client(create_attempts=attempts, create_lookups=attempts) as c, pytest.raises(ServerError):
        c.create_aoi(body())
    assert a.posts == 1 and [k for k, _ in a.events].count("GET") == 1


def test_an_invalid_id_is_shown_cut_to_60_characters():
    with PixxelClient(KEY, base_url="http://127.0.0.1:9", **FAST) as c:
        with pytest.raises(RequestValidationError) as info:
            c.get_aoi("b" * 100 + "\n")
    assert repr("b" * 60 + "…") in str(info.value)


def test_lookup_errors_are_tried_again(api_key):
    """While recovering a lost create, a lookup that fails (5xx, 429, timeout, dropped connection) is tried
    again, not fatal."""
    state = {"gets": 0}

    def handle(method, path, q, headers, raw):
        if method == "POST":
            return 503, JSON, b"{}"
        state["gets"] += 1
        if state["gets"] == 1:
            return 500, JSON, b"{}"
        if state["gets"] == 2:
            return 429, {**JSON, "Retry-After": "100"}, b"{}"
        if state["gets"] == 3:
            time.sleep(0.6)
            return empty_list()
        if state["gets"] == 4:
            raise ConnectionAbortedError("the server drops the connection without an answer")
        return 200, JSON, json.dumps({"aois": [{"aoi_id": "L", "name": "n", "status": "started"}],
                                      "pagination": {"total": 1, "offset": 0, "limit": 100}}).encode()

    server = Server(handle)
    try:
        with PixxelClient(api_key, base_url=server.url, timeout=0.3, retry_budget_s=1.0, max_retries=0,
                          backoff_base_s=0.001, backoff_max_s=0.002, create_attempts=1, create_lookups=5) as c:
            assert c.create_aoi(body()).aoi_id == "L"
    finally:
        server.close()
    assert state["gets"] == 5


# ----------------------------------------------------------------------------------------------- search and listings


def search_server(pages):
    """POST /v0/search answers pages[i] for the i-th request (the last repeats)."""
    calls = []

    def handle(method, path, q, headers, raw):
        calls.append(json.loads(raw).get("next_token"))
        items, token = pages[min(len(calls), len(pages)) - 1]
        return 200, JSON, json.dumps({"items": {i: {"id": i} for i in items}, "next_token": token}).encode()

    return Server(handle), calls


def search_query():
    from pixxel_qgis.client import SatelliteRef, SearchQuery

    return SearchQuery(start_date="2020-01-01T00:00:00Z", end_date="2021-01-01T00:00:00Z", geometry=BLR,
                       satellites=[SatelliteRef(collection_id="pixxel-td2-l2a", satellite_id=TD2)])


@pytest.mark.parametrize("pages,ids,requests", [
    ([(["a", "b"], None)], ["a", "b"], 1),  # no next token: done
    ([(["a"], "t1"), ([], "t2")], ["a"], 2),  # an empty page ends it even with a token
    ([(["a"], "t1"), (["b"], "t1")], ["a", "b"], 2),  # a repeated token ends it
    ([(["a", "b"], "t1"), (["b", "c", "d"], None)], ["a", "b", "c", "d"], 2),  # duplicates skipped, not the rest
])
def test_iter_search_follows_tokens_and_stops(pages, ids, requests):
    server, calls = search_server(pages)
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c:
            got = [i.id for i in c.iter_search(search_query())]
    finally:
        server.close()
    assert got == ids and len(calls) == requests, (got, calls)
    assert calls[0] is None and all(t is not None for t in calls[1:])


@pytest.mark.parametrize("with_pagination,requests", [(True, 2), (False, 3)])
def test_all_aois_uses_the_total_when_there_is_one(with_pagination, requests):
    server, queries = pager([{"aoi_id": f"a{i}", "name": f"A{i}"} for i in range(4)], "aois", total=with_pagination)
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c:
            got = c.all_aois(page_size=2)
    finally:
        server.close()
    assert [a.aoi_id for a in got] == ["a0", "a1", "a2", "a3"] and len(queries) == requests


def test_a_schema_break_in_an_aoi_is_a_format_error_naming_the_field():
    server = Server(lambda m, p, q, h, b: (200, JSON, b'{"aoi_id": ["not", "a", "string"], "name": "n"}'))
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c, pytest.raises(ResponseFormatError) as info:
            c.get_aoi("X")
    finally:
        server.close()
    assert info.value.field == "aoi_id"



# ----------------------------------------------------------------------------------------------- documented defaults


def test_listing_defaults_sent_on_the_wire():
    queries = []

    def handle(method, path, q, headers, raw):
        queries.append((path, dict(q)))
        if path == "/v0/projects":
            return 200, JSON, b'{"projects": [], "count": 0}'
        key = "assets" if path.endswith("/assets") else "aois"
        return 200, JSON, json.dumps({key: [], "pagination": {"total": 0, "offset": 0, "limit": 1}}).encode()

    server = Server(handle)
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c:
            c.list_projects()
            c.all_projects()
            c.list_aois()
            c.all_aois()
            list(c.iter_aois())
            c.find_aoi_by_name("n")
            c.list_assets("A")
            c.all_assets("A")
            c.all_assets_raw("A")
            list(c.iter_assets("A"))
            list(c.iter_asset_pages("A"))
    finally:
        server.close()
    sizes = [(p.rsplit("/", 1)[-1], q.get("page_num"), q.get("page_size") or q.get("limit"), q.get("offset"))
             for p, q in queries if q.get("offset") in (None, "0")]  # (asset pages: the speculative ones too)
    assert sizes == [("projects", "1", "50", None), ("projects", "1", "100", None), ("aois", None, "50", "0"),
                     ("aois", None, "100", "0"), ("aois", None, "100", "0"), ("aois", None, "100", "0"),
                     ("assets", None, "100", "0")] + \
                    [("assets", None, "500", "0")] * 4, sizes


def test_wait_for_aoi_defaults():
    import inspect

    params = inspect.signature(PixxelClient.wait_for_aoi).parameters
    assert (params["poll_s"].default, params["max_wait_s"].default) == (5.0, 3600.0)


def test_a_server_repeating_the_same_project_page_is_read_twice_only():
    calls = []

    def handle(method, path, q, headers, raw):
        calls.append(q)
        return 200, JSON, json.dumps({"projects": [{"id": "p0", "name": "P"}, {"id": "p1", "name": "Q"}]}).encode()

    server = Server(handle)
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c:
            assert [p.id for p in c.all_projects(page_size=2)] == ["p0", "p1"]
    finally:
        server.close()
    assert len(calls) == 2, "a page with nothing new must end the listing"


def test_long_names_are_cut_to_80_characters_in_messages(api, caplog):
    import logging

    from pixxel_qgis.client import ConflictError

    name = "n" * 200
    cut = repr(name[:80] + "…")
    a = api(lambda n: (409, JSON, b'{"error": {"code": "CONFLICT"}}'))
    with a.client() as c, pytest.raises(ConflictError) as info:
        c.create_aoi(body(name))
    assert cut in str(info.value)
    server = Server(lambda m, p, q, h, b: (500, JSON, b"{}"))  # the create and the lookup both fail
    try:
        with caplog.at_level(logging.INFO, logger="pixxel_qgis.client"):
            with PixxelClient(KEY, base_url=server.url, create_attempts=1, create_lookups=1, **FAST) as c:
                with pytest.raises(ServerError) as info:
                    c.create_aoi(body(name))
    finally:
        server.close()
    assert cut in str(info.value)
    assert any(cut in r.getMessage() for r in caplog.records if "looking up" in r.getMessage())


def test_wait_for_aoi_does_not_retry_a_temporary_error():
    """wait_for_aoi is the plain loop: a failed poll ends it (PollAoiTask is the one that rides out errors)."""
    server, calls = aoi_server(["running"])
    answers = iter([(503, JSON, b"{}")])
    plain = server.handler
    server.handler = lambda *a: next(answers, None) or plain(*a)
    try:
        with PixxelClient(KEY, base_url=server.url, max_retries=0, **FAST) as c, pytest.raises(ServerError):
            c.wait_for_aoi("X", poll_s=0.01, max_wait_s=5)
    finally:
        server.close()
    assert calls == []


@pytest.mark.parametrize("status", [200, 201])
def test_create_download_accepts_200_and_201(status):
    server, calls = scripted_api([(status, JSON, b'{"download_id": "d", "status": "SUCCESS"}')])
    try:
        with PixxelClient(KEY, base_url=server.url, **FAST) as c:
            assert c.create_download("A", ["x"]).download_id == "d"
    finally:
        server.close()
