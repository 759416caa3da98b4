"""The transport's network promises, observed on loopback servers that record what reaches them (issue 16,
mutation target): per-URL proxy rules, the server's request id in errors,
connection reuse across rounds of concurrent requests, the whole-body deadline and the connect-timeout cap.
Per-server certificate exceptions: tests/test_transport_tls_exceptions.py.

The QGIS-level tests of the same settings (tests/test_network_settings.py) need the QGIS application; these
talk to client/transport.py directly and run under every supported Python.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pixxel_qgis.client import NotFoundError, PixxelConnectionError, PixxelError, PixxelTimeoutError
from pixxel_qgis.client import transport as tr

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)

KEY = "network-rules-key-7c2d"
JSON = {"Content-Type": "application/json"}
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
              "NO_PROXY")


@pytest.fixture(autouse=True)
def _no_environment_proxy(monkeypatch):
    """Only the proxies these tests configure count."""
    for var in PROXY_VARS:
        monkeypatch.delenv(var, raising=False)


def _answering(name):
    """A handler that answers every request with {"via": name}: a 'proxy' made with it answers the requests
    sent through it itself (it records the absolute URL it was asked for), so where a request went shows in
    the answer and in each server's recorder."""
    body = json.dumps({"via": name}).encode()
    return lambda method, path, query, headers, data: (200, JSON, body)


# ------------------------------------------------------------------------------------------- proxy rules
def test_a_proxy_rule_sends_the_urls_it_matches_through_its_own_proxy(server):
    api, rule_proxy, other_proxy = server(_answering("api")), server(_answering("rule")), server(_answering("x"))
    t = tr.Transport(KEY, api.url, max_retries=0, proxy_rules=[
        ("http://elsewhere.invalid", {"http": other_proxy.url, "https": other_proxy.url}),  # does not match
        (api.url, {"http": rule_proxy.url, "https": rule_proxy.url}),
    ])
    assert t.request("GET", "/ping", op="ping") == {"via": "rule"}, (
        "a proxy rule whose prefix starts the URL must send the request through that rule's proxy "
        "(a rule for another prefix must not apply)")
    assert [r.url for r in rule_proxy.requests] == [api.url + "/ping"]
    assert api.requests == [] and other_proxy.requests == []


def test_a_direct_rule_bypasses_the_configured_proxy(server, tmp_path):
    api, proxy = server(_answering("api")), server(_answering("proxy"))
    t = tr.Transport(KEY, api.url, max_retries=0, proxies={"http": proxy.url, "https": proxy.url},
                     proxy_rules=[(api.url, None)])
    assert t.request("GET", "/ping", op="ping") == {"via": "api"}, (
        "a URL matched by a rule without a proxy (QGIS's excluded URLs) must be fetched directly, not "
        "through the proxy configured for everything else")
    assert proxy.requests == []
    # and the proxy does apply to the URLs no rule matches (a download from another host)
    storage = server(_answering("storage"))
    t.download(storage.url + "/asset.tif", str(tmp_path / "asset.tif"))
    assert (tmp_path / "asset.tif").read_bytes() == b'{"via": "proxy"}'
    assert storage.requests == []


# ------------------------------------------------------------------------------------------ request ids
@pytest.mark.parametrize("header", ["X-Request-Id", "Request-Id"])
def test_the_servers_request_id_reaches_the_error_for_the_diagnostics_report(server, header):
    api = server(lambda *a: (404, {**JSON, header: "req-4f2a9"}, b'{"detail": "no such AOI"}'))
    t = tr.Transport(KEY, api.url, max_retries=0)
    with pytest.raises(NotFoundError) as info:
        t.request("GET", "/aois/x", op="read the AOI")
    assert getattr(info.value, "request_id", None) == "req-4f2a9", (
        f"the server's {header} header must be kept on the error: Pixxel support needs it to find the request")


def test_an_oversized_request_id_is_cut_before_it_reaches_the_report(server):
    long_id = "r" * 300
    api = server(lambda *a: (404, {**JSON, "X-Request-Id": long_id}, b"{}"))
    t = tr.Transport(KEY, api.url, max_retries=0)
    with pytest.raises(NotFoundError) as info:
        t.request("GET", "/aois/x", op="read the AOI")
    assert info.value.request_id == "r" * 80 + "…", (
        "a request id is server-supplied text: it must be bounded (80 characters) before it reaches the "
        "diagnostics report")


def test_an_error_without_a_request_id_carries_none(server):
    api = server(lambda *a: (404, JSON, b"{}"))
    with pytest.raises(NotFoundError) as info:
        tr.Transport(KEY, api.url, max_retries=0).request("GET", "/aois/x", op="read the AOI")
    assert not getattr(info.value, "request_id", "")


# ------------------------------------------------------------------------------------- connection reuse
def test_a_second_round_of_concurrent_requests_reuses_the_first_rounds_connections(server):
    """The client runs up to concurrency + 1 requests at once (the page fetches and one more): all of those
    connections are kept for the next round instead of being opened again."""
    concurrency = 3
    parallel = concurrency + 1
    barrier = threading.Barrier(parallel, timeout=20)

    def handler(*a):
        barrier.wait()  # every request of the round is in flight at once, each on its own connection
        return 200, JSON, b"{}"

    api = server(handler)
    t = tr.Transport(KEY, api.url, max_retries=0, concurrency=concurrency)
    errors = []

    def one():
        try:
            t.request("GET", "/page", op="read a page")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    for _round in range(2):
        threads = [threading.Thread(target=one) for _ in range(parallel)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(30)
        barrier.reset()
    assert not errors, errors
    assert len(api.requests) == 2 * parallel
    assert api.recorder.connections == parallel, (
        f"{api.recorder.connections} TCP connections for two rounds of {parallel} concurrent requests: the "
        f"connection pool must keep all {parallel} for the second round (concurrency {concurrency} + 1)")


# --------------------------------------------------------------------------------- whole-body deadline
def _trickling_server(seconds: float, pieces: int):
    """A loopback server whose 200 JSON body arrives in `pieces` parts spread over `seconds` (each part well
    within the read timeout); returns (url, close)."""
    body = b'"' + b"x" * (pieces - 2) + b'"'

    class Drip(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for i in range(len(body)):
                time.sleep(seconds / pieces)
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Drip)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close():
        httpd.shutdown()
        httpd.server_close()

    return f"http://127.0.0.1:{httpd.server_address[1]}", close


def test_a_slow_but_steady_body_arriving_within_twice_the_timeout_is_read_whole():
    # 4 s for the whole body, a part every 0.5 s; timeout 3 s: longer than the timeout, within twice it (6 s)
    url, close = _trickling_server(4.0, 8)
    try:
        t = tr.Transport(KEY, url, timeout=3.0, max_retries=0)
        assert t.request("GET", "/x", op="read slowly") == "x" * 6, (
            "a body that keeps arriving must be given twice the timeout in all, not cut off at the timeout")
    finally:
        close()


def test_a_body_still_arriving_after_twice_the_timeout_is_cut_off_there():
    # timeout 1.5 s: cut off at 3 s, though the body would be complete at 3.6 s (before 3 x the timeout)
    url, close = _trickling_server(3.6, 18)
    try:
        t = tr.Transport(KEY, url, timeout=1.5, max_retries=0)
        with pytest.raises(PixxelTimeoutError, match="took longer than 3 s"):
            t.request("GET", "/x", op="read slowly")
    finally:
        close()


# ------------------------------------------------------------------------------------- connect timeout
class _RecordingAdapter(tr.HTTPAdapter):
    """A real HTTPAdapter (real sockets) that also records the timeout each request was sent with."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.timeouts = []

    def send(self, request, *a, timeout=None, **kw):
        self.timeouts.append(timeout)
        return super().send(request, *a, timeout=timeout, **kw)


@pytest.mark.parametrize("timeout, connect", [(30.0, 10.0), (4.0, 4.0)])
def test_connecting_is_given_up_after_at_most_ten_seconds(server, tmp_path, timeout, connect):
    """An address that never answers must not block a download or request for the whole (possibly long) read
    timeout: connecting gets min(timeout, 10 s); reading keeps the full timeout."""
    def handler(method, path, *a):
        if path == "/ping":
            return 200, JSON, b'{"ok": true}'
        return 200, {"Content-Type": "application/octet-stream"}, b"data"

    api = server(handler)
    t = tr.Transport(KEY, api.url, timeout=timeout, max_retries=0)
    adapter = _RecordingAdapter(max_retries=0)
    t.session.mount("http://", adapter)
    assert t.request("GET", "/ping", op="ping") == {"ok": True}
    t.download(api.url + "/asset.tif", str(tmp_path / "asset.tif"))
    assert (tmp_path / "asset.tif").read_bytes() == b"data"
    assert adapter.timeouts == [(connect, timeout)] * 2, (
        f"timeouts sent (API request, download): {adapter.timeouts}: the connect timeout must be capped at "
        f"10 s (a dead address fails fast) and the read timeout stay {timeout:g} s")


def test_a_proxy_asking_for_credentials_says_where_to_enter_them(server):
    api = server(_answering("api"))
    proxy = server(lambda *a: (407, {**JSON, "Proxy-Authenticate": 'Basic realm="corp"'}, b"{}"))
    t = tr.Transport(KEY, api.url, max_retries=0, proxies={"http": proxy.url, "https": proxy.url})
    with pytest.raises(PixxelConnectionError) as info:
        t.request("GET", "/ping", op="ping")
    text = f"{info.value} {info.value.hint}"
    assert "proxy asks for a user name and password (HTTP 407)" in text and "Settings > Options > Network" in text
    assert api.requests == []


@pytest.mark.parametrize("status", [406, 408])
def test_other_client_errors_are_not_blamed_on_the_proxy(server, status):
    api = server(lambda *a: (status, JSON, b'{"detail": "no"}'))
    with pytest.raises(PixxelError) as info:
        tr.Transport(KEY, api.url, max_retries=0).request("GET", "/ping", op="ping")
    assert "proxy" not in f"{info.value} {info.value.hint}".lower(), (
        f"HTTP {status} came from the API, not from a proxy: the message must not send the user to the proxy "
        "settings")
    assert f"HTTP status {status}" in str(info.value)
