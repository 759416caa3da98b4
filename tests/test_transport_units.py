"""Transport details the behaviour tests do not reach (issue 16: each test kills mutants of
client/transport.py that survived): Retry-After parsing, backoff bounds, origins and loopback hosts, base-URL
and key validation, redaction, error-detail fields, retry accounting, body limits, downloads."""

from __future__ import annotations

import email.utils
import json
import re
import time

import pytest
from pixxel_qgis.client import (
    AuthError,
    CancelledError,
    ConfigurationError,
    NotFoundError,
    PixxelClient,
    PixxelConnectionError,
    PixxelError,
    PixxelTimeoutError,
    RateLimitError,
    RequestValidationError,
    ResponseFormatError,
    ServerError,
)
from pixxel_qgis.client import transport as tr

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)

KEY = "transport-units-key"
JSON = {"Content-Type": "application/json"}


def transport(url="https://api.example.test", **kw):
    return tr.Transport(KEY, url, **kw)


# ----------------------------------------------------------------------------------------- Retry-After


@pytest.mark.parametrize("value,expected", [("0", 0.0), ("1", 1.0), ("2.5", 2.5), (" 7 ", 7.0), ("-3", 0.0),
                                            ("3600", 3600.0), ("3601", 3600.0), ("1e9", 3600.0), (None, None),
                                            ("", None), ("soon", None), ("nan", None)])
def test_retry_after_seconds(value, expected):
    assert tr.parse_retry_after(value) == expected


def test_retry_after_http_date():
    future = email.utils.formatdate(time.time() + 120, usegmt=True)
    assert 100 <= tr.parse_retry_after(future) <= 121
    past = email.utils.formatdate(time.time() - 120, usegmt=True)
    assert tr.parse_retry_after(past) == 0.0


# ----------------------------------------------------------------------------------------- backoff


def test_backoff_is_exponential_with_jitter_and_capped():
    t = transport(backoff_base_s=0.5, backoff_max_s=3.0)
    for attempt, cap in ((1, 0.5), (2, 1.0), (3, 2.0), (4, 3.0), (9, 3.0), (0, 0.5)):
        values = [t.backoff(attempt) for _ in range(200)]
        assert all(cap / 2 <= v <= cap for v in values), (attempt, min(values), max(values))
        assert max(values) - min(values) > cap / 10, "no jitter"


def test_transport_settings_are_clamped():
    t = transport(retry_budget_s=-5, max_retries=-1, backoff_base_s=-1, backoff_max_s=-2, concurrency=0)
    assert (t.retry_budget_s, t.max_retries, t.backoff_base_s, t.backoff_max_s, t.concurrency) == (0, 0, 0, 0, 1)
    t = transport(backoff_base_s=2.0, backoff_max_s=1.0)
    assert t.backoff_max_s == 2.0
    assert transport(timeout=3).timeout == 3.0


@pytest.mark.parametrize("timeout", [0, -1, None])
def test_timeout_must_be_positive(timeout):
    with pytest.raises(ConfigurationError) as info:
        transport(timeout=timeout)
    assert info.value.field == "timeout"


@pytest.mark.parametrize("key", ["", "   ", None, 5, "a\nb", "a\rb", "a\x00b"])
def test_bad_keys_are_refused(key):
    with pytest.raises(ConfigurationError) as info:
        tr.Transport(key, "https://api.example.test")
    assert info.value.field == "api_key"
    if isinstance(key, str) and key.strip():
        assert key not in str(info.value)


def test_key_is_stripped_and_redacted():
    t = tr.Transport("  padded-key  ", "https://api.example.test")
    assert t.redact("x padded-key y padded-key") == "x <redacted> y <redacted>"
    assert t.redact("nothing here") == "nothing here"
    assert "padded-key" not in repr(t) and "padded-key" not in repr(t._auth)


# ----------------------------------------------------------------------------------------- origins


@pytest.mark.parametrize("url,origin", [
    ("https://A.example/x", ("https", "a.example", 443)),
    ("http://h/x", ("http", "h", 80)),
    ("https://h:8443/", ("https", "h", 8443)),
    ("HTTP://H:80", ("http", "h", 80)),
    ("ftp://h/x", ("ftp", "h", -1)),
    ("https://h:99999/", ("https", "h", 443)),
])
def test_origin(url, origin):
    assert tr._origin(url) == origin


@pytest.mark.parametrize("host,loop", [("localhost", True), ("api.localhost", True), ("127.0.0.1", True),
                                       ("127.8.9.1", True), ("::1", True), ("10.0.0.1", False),
                                       ("localhost.example.com", False), ("example.com", False), ("", False)])
def test_is_loopback(host, loop):
    assert tr._is_loopback(host) is loop


@pytest.mark.parametrize("url", ["", "   ", None, "api.pixxel.space", "ftp://h", "https://", "https://u:p@h",
                                 "https://u@h", "https://h/?q=1", "https://h/#f", "https://h:99999",
                                 "http://example.com", "http://10.0.0.1:8080"])
def test_bad_base_urls_are_refused(url):
    with pytest.raises(ConfigurationError) as info:
        tr.normalize_base_url(url)
    assert info.value.field == "base_url"


@pytest.mark.parametrize("url,out", [(" https://h/api/ ", "https://h/api"), ("http://localhost:9/", "http://localhost:9"),
                                     ("HTTPS://H", "HTTPS://H"), ("http://[::1]:8/", "http://[::1]:8")])
def test_good_base_urls(url, out):
    assert tr.normalize_base_url(url) == out


def test_url_joins_paths():
    t = transport("https://h/base/")
    assert t.url("/v0/x") == "https://h/base/v0/x" and t.url("v0/x") == "https://h/base/v0/x"


def test_environment_ca_bundle_replaces_true(monkeypatch):
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/tmp/ca.pem")
    assert tr._environment_verify(True) == "/tmp/ca.pem" and tr._environment_verify(None) == "/tmp/ca.pem"
    assert tr._environment_verify(False) is False and tr._environment_verify("/x.pem") == "/x.pem"
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    monkeypatch.setenv("CURL_CA_BUNDLE", "/tmp/curl.pem")
    assert tr._environment_verify(True) == "/tmp/curl.pem"
    monkeypatch.delenv("CURL_CA_BUNDLE")
    assert tr._environment_verify(True) is True


def test_trust_env_only_with_a_proxy(monkeypatch):
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy",
                "NO_PROXY"):
        monkeypatch.delenv(var, raising=False)
    assert transport().session.trust_env is False
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert transport().session.trust_env is True
    t = transport(proxies={"https": "http://p:1"})
    assert t.session.proxies["https"] == "http://p:1"


# ----------------------------------------------------------------------------------------- error details


@pytest.mark.parametrize("details,field", [
    ({"field": "name"}, "name"), ({"loc": ["body", "geometry"]}, "body.geometry"), ({"param": "limit"}, "limit"),
    ({"name": "x"}, "x"), ([{"field": "a"}, {"field": "b"}], "a"), ([], None), ({"other": 1}, None), ("s", None),
    ({"loc": ["l" * 50, "m" * 50]}, "l" * 50 + "." + "m" * 29), ([1], None),
])
def test_field_from_details(details, field):
    assert tr._field_from_details(details) == field


def test_long_field_names_are_cut():
    field = tr._field_from_details({"field": "f" * 200})
    assert field == "f" * 80 + "…"


@pytest.mark.parametrize("text,reason", [("Connection refused by host", "connection refused"),
                                         ("read TIMED OUT", "timed out"), ("weird", "RuntimeError")])
def test_reason(text, reason):
    assert tr._reason(RuntimeError(text)) == reason


# ----------------------------------------------------------------------------------------- over HTTP



def scripted(answers):
    """Answers in turn (the last repeats); each is (status, headers, body)."""
    calls = []

    def handle(m, p, q, h, b):
        calls.append((m, p))
        return answers[min(len(calls), len(answers)) - 1]

    return handle, calls


@pytest.mark.parametrize("status,exc", [(400, RequestValidationError), (422, RequestValidationError),
                                        (401, AuthError), (403, AuthError), (404, NotFoundError),
                                        (429, RateLimitError), (500, ServerError), (501, ServerError),
                                        (418, ResponseFormatError), (302, ResponseFormatError),
                                        (499, ResponseFormatError), (600, ServerError)])
def test_status_to_exception(server, status, exc):
    handle, calls = scripted([(status, {**JSON, "Location": "/elsewhere"}, b'{"error": {"message": "m"}}')])
    s = server(handle)
    t = tr.Transport(KEY, s.url, retry_budget_s=0)
    with pytest.raises(exc) as info:
        t.request("GET", "/x", op="do it", allow_redirects=False)
    assert info.value.status == status and f"HTTP {status}" in str(info.value) or exc is ResponseFormatError
    assert info.value.method == "GET" and info.value.path == "/x"


@pytest.mark.parametrize("payload,message", [
    ({"error": {"code": "C", "message": "from error"}}, "from error"), ({"error": "plain"}, "plain"),
    ({"message": "top"}, "top"), ({"detail": "det"}, "det"), ({"detail": [{"loc": ["q"]}]}, '[{"loc": ["q"]}]'),
    ({"nothing": 1}, None), ([1, 2], None),
])
def test_server_message_is_read_from_the_usual_places(server, payload, message):
    s = server(lambda *a: (400, JSON, json.dumps(payload).encode()))
    with pytest.raises(RequestValidationError) as info:
        tr.Transport(KEY, s.url).request("GET", "/x")
    assert info.value.server_message == message


def test_server_message_echoing_the_key_is_redacted(server):
    s = server(lambda m, p, q, h, b: (400, JSON, json.dumps(
        {"error": {"code": "K", "message": f"bad {h.get('Authorization')}", "details": {"k": h.get("Authorization")}}}
    ).encode()))
    with pytest.raises(RequestValidationError) as info:
        tr.Transport(KEY, s.url).request("GET", "/x")
    err = info.value
    assert KEY not in str(err.server_message) and KEY not in str(err.details) and "<redacted>" in err.server_message
    assert err.code == "K" and json.loads(err.details) == {"k": "<redacted>"}


def test_retry_after_on_a_503_is_honoured_and_kept(server):
    handle, calls = scripted([(503, {**JSON, "Retry-After": "0.3"}, b"{}"), (200, JSON, b'{"ok": 1}')])
    s = server(handle)
    t = tr.Transport(KEY, s.url, backoff_base_s=0.001, backoff_max_s=0.001, retry_budget_s=5)
    started = time.monotonic()
    assert t.request("GET", "/x") == {"ok": 1}
    assert time.monotonic() - started >= 0.3 and len(calls) == 2
    handle, calls = scripted([(503, {**JSON, "Retry-After": "9"}, b"{}")])
    s2 = server(handle)
    with pytest.raises(ServerError) as info:
        tr.Transport(KEY, s2.url, retry_budget_s=1).request("GET", "/x")
    assert info.value.retry_after == 9 and len(calls) == 1


@pytest.mark.parametrize("status,retried", [(500, False), (501, False), (502, True), (503, True), (504, True),
                                            (429, True), (400, False)])
def test_which_statuses_are_retried(server, status, retried):
    handle, calls = scripted([(status, JSON, b"{}"), (200, JSON, b'"ok"')])
    s = server(handle)
    t = tr.Transport(KEY, s.url, backoff_base_s=0.001, backoff_max_s=0.001, retry_budget_s=5)
    if retried:
        assert t.request("GET", "/x") == "ok" and len(calls) == 2
    else:
        with pytest.raises(PixxelError) as info:
            t.request("GET", "/x")
        assert info.value.status == status and len(calls) == 1


def test_retries_stop_at_max_retries_and_say_how_many_attempts(server):
    handle, calls = scripted([(503, JSON, b"{}")])
    s = server(handle)
    t = tr.Transport(KEY, s.url, max_retries=2, backoff_base_s=0.001, backoff_max_s=0.001, retry_budget_s=30)
    with pytest.raises(ServerError) as info:
        t.request("GET", "/x")
    assert len(calls) == 3
    assert "after 3 attempts" in str(info.value)
    handle, calls = scripted([(503, JSON, b"{}")])
    s = server(handle)
    with pytest.raises(ServerError) as info:
        tr.Transport(KEY, s.url, max_retries=0).request("GET", "/x")
    assert len(calls) == 1 and "attempts" not in str(info.value)


def test_posts_are_not_retried_unless_asked(server):
    handle, calls = scripted([(503, JSON, b"{}"), (200, JSON, b'"ok"')])
    s = server(handle)
    t = tr.Transport(KEY, s.url, backoff_base_s=0.001, backoff_max_s=0.001)
    with pytest.raises(ServerError):
        t.request("POST", "/x", json_body={"a": 1})
    assert calls == [("POST", "/x")]
    assert t.request("POST", "/x", json_body={"a": 1}, retry=True) == "ok"
    assert s.requests[-1].body == b'{"a": 1}'


def test_gets_follow_redirects_posts_do_not(server):
    handle, calls = scripted([(302, {"Location": "/y"}, b""), (200, JSON, b'"there"')])
    s = server(handle)
    t = tr.Transport(KEY, s.url)
    assert t.request("GET", "/x") == "there"
    handle2, calls2 = scripted([(302, {"Location": "/y"}, b"")])
    s2 = server(handle2)
    with pytest.raises(ResponseFormatError, match="redirect"):
        tr.Transport(KEY, s2.url).request("POST", "/x", json_body={})
    assert len(calls2) == 1


def test_redirect_loop_is_a_format_error(server):
    s = server(lambda *a: (302, {"Location": "/again"}, b""))
    with pytest.raises(ResponseFormatError, match="too many redirects"):
        tr.Transport(KEY, s.url).request("GET", "/x")
    assert len(s.requests) == 6  # the request and 5 redirects (max_redirects)


@pytest.mark.parametrize("body,what", [(b"", "was empty"), (b"   \n", "was empty"), (b"{", "not valid JSON at position 1"),
                                      (b"\xff\xfe\x00", "not valid JSON")])
def test_empty_or_broken_bodies_are_format_errors(server, body, what):
    s = server(lambda *a: (200, JSON, body))
    with pytest.raises(ResponseFormatError) as info:
        tr.Transport(KEY, s.url).request("GET", "/x", op="read it")
    assert "Could not read it" in str(info.value) and what in str(info.value)


def test_a_get_that_timed_out_once_is_retried(server):
    calls = []

    def handle(*a):
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.6)
        return 200, JSON, b'"second time"'

    s = server(handle)
    t = tr.Transport(KEY, s.url, timeout=0.3, backoff_base_s=0.001, backoff_max_s=0.001, retry_budget_s=5)
    assert t.request("GET", "/x") == "second time" and len(calls) == 2


def test_declared_and_streamed_body_limits(server):
    s = server(lambda *a: (200, JSON, b'"' + b"x" * 3000 + b'"'))
    t = tr.Transport(KEY, s.url, max_body_bytes=1000)
    with pytest.raises(ResponseFormatError, match="too large"):
        t.request("GET", "/x")
    assert tr.Transport(KEY, s.url, max_body_bytes=3002).request("GET", "/x") == "x" * 3000
    with pytest.raises(ResponseFormatError, match="too large"):
        tr.Transport(KEY, s.url, max_body_bytes=3001).request("GET", "/x")


def test_ok_statuses_are_configurable(server):
    s = server(lambda *a: (202, JSON, b'"accepted"'))
    assert tr.Transport(KEY, s.url).request("GET", "/x", ok=(202,)) == "accepted"
    with pytest.raises(ResponseFormatError, match="unexpected HTTP status 202"):
        tr.Transport(KEY, s.url).request("GET", "/x")


def test_cancel_stops_retries_and_waits(server):
    s = server(lambda *a: (503, JSON, b"{}"))
    t = tr.Transport(KEY, s.url, backoff_base_s=5, backoff_max_s=5, retry_budget_s=60)
    flag = {"n": 0}

    def cancelled():
        flag["n"] += 1
        return flag["n"] > 2

    started = time.monotonic()
    with pytest.raises(CancelledError):
        t.request("GET", "/x", cancelled=cancelled)
    assert time.monotonic() - started < 2 and len(s.requests) == 1
    with tr.cancel_scope(lambda: True), pytest.raises(CancelledError):
        t.request("GET", "/x")
    assert len(s.requests) == 1
    with tr.cancel_scope(lambda: False):
        assert tr.current_cancel()() is False
    assert tr.current_cancel() is None


def test_connection_refused_and_timeouts_are_retried_for_gets():
    t = tr.Transport(KEY, "http://127.0.0.1:9", timeout=0.5, max_retries=2, backoff_base_s=0.001,
                     backoff_max_s=0.001, retry_budget_s=5)
    with pytest.raises(PixxelConnectionError) as info:
        t.request("GET", "/x", op="reach it")
    assert "after 3 attempts" in str(info.value) and "connection refused" in str(info.value)


def test_slow_first_byte_is_a_timeout(server):
    s = server(lambda *a: (time.sleep(0.6), (200, JSON, b'"late"'))[1])
    with pytest.raises(PixxelTimeoutError, match="did not answer within 0.3 s"):
        tr.Transport(KEY, s.url, timeout=0.3, max_retries=0).request("GET", "/x")


# ----------------------------------------------------------------------------------------- downloads


def test_download_writes_the_file_reports_progress_and_checks_status(server, tmp_path):
    data = b"0123456789" * 300_000  # 3 MB: several chunks
    s = server(lambda m, p, q, h, b: (200, {"Content-Type": "application/octet-stream"}, data) if p == "/f"
               else (404, JSON, b'{"error": {"message": "gone"}}'))
    seen = []
    with PixxelClient(KEY, base_url="https://api.example.test") as c:
        assert c.download_file(s.url + "/f", str(tmp_path / "f"), progress=lambda d, t: seen.append((d, t))) == len(data)
        assert (tmp_path / "f").read_bytes() == data
        assert seen[-1] == (len(data), len(data)) and len(seen) >= 3
        assert all(t == len(data) for _, t in seen) and seen[0][0] < len(data), "progress must use Content-Length"
        with pytest.raises(NotFoundError):
            c.download_file(s.url + "/missing", str(tmp_path / "g"))
        assert not (tmp_path / "g").exists()
        with pytest.raises(CancelledError):
            c.download_file(s.url + "/f", str(tmp_path / "h"), cancelled=lambda: True)
    assert all("Authorization" not in dict(r.headers) for r in s.requests)


def test_download_of_an_unreachable_host_is_a_connection_error(tmp_path):
    with PixxelClient(KEY, base_url="https://api.example.test") as c:
        with pytest.raises(PixxelConnectionError) as info:
            c.download_file("http://127.0.0.1:9/x", str(tmp_path / "x"))
    assert "127.0.0.1" in str(info.value) and "?" not in str(info.value)


def test_download_shows_no_query_string_in_messages(tmp_path):
    with PixxelClient(KEY, base_url="https://api.example.test") as c:
        with pytest.raises(ConfigurationError) as info:
            c.download_file("http://example.com/f.zip?sig=SECRET", str(tmp_path / "x"))
    assert "SECRET" not in str(info.value) and "example.com/f.zip" in str(info.value)


# ----------------------------------------------------------------------------------------- timeouts in chains


def _chain(depth, last):
    exc = last
    for i in range(depth):
        outer = RuntimeError(f"wrapper {i}")
        outer.__cause__ = exc
        exc = outer
    return exc


def test_timeout_found_in_the_exception_chain():
    from urllib3.exceptions import ReadTimeoutError

    timeout = ReadTimeoutError(None, "/x", "read")
    assert tr._is_timeout(_chain(0, timeout)) and tr._is_timeout(_chain(3, timeout))
    assert tr._is_timeout(_chain(9, timeout)), "a timeout 9 links deep is found"
    assert not tr._is_timeout(_chain(10, timeout)), "the chain is followed 10 links at most"
    assert tr._is_timeout(RuntimeError("socket timed out"))
    assert not tr._is_timeout(_chain(3, ValueError("other")))
    wrapped = RuntimeError("x")
    wrapped.args = ("x", timeout)
    assert tr._is_timeout(wrapped)
    ctx = RuntimeError("outer")
    ctx.__context__ = TimeoutError("inner")
    assert tr._is_timeout(ctx)


def test_unexpected_3xx_is_named_a_redirect(server):
    s = server(lambda *a: (300, JSON, b"{}"))
    with pytest.raises(ResponseFormatError, match="unexpected redirect \\(HTTP 300\\)"):
        tr.Transport(KEY, s.url).request("GET", "/x", allow_redirects=False)


# ----------------------------------------------------------------------------------------- connection reuse


def test_concurrent_pages_reuse_a_bounded_set_of_connections(server):
    def handle(m, p, q, h, b):
        off, lim = int(q["offset"]), int(q["limit"])
        time.sleep(0.005)
        return 200, JSON, json.dumps({"assets": [{"id": str(i)} for i in range(off, min(200, off + lim))],
                                      "pagination": {"total": 200, "offset": off, "limit": lim}}).encode()

    s = server(handle)
    with PixxelClient(KEY, base_url=s.url, concurrency=4) as c:
        assert len(c.all_assets_raw("A", page_size=5)) == 200
    assert len(s.requests) >= 40
    assert s.recorder.connections <= 4 + 1, f"{s.recorder.connections} connections for 4 concurrent requests"


def test_a_download_does_not_evict_the_api_connection(server, tmp_path):
    api = server(lambda *a: (200, JSON, b'"pong"'))
    storage = server(lambda *a: (200, {"Content-Type": "application/octet-stream"}, b"bytes"))
    with PixxelClient(KEY, base_url=api.url) as c:
        c.ping()
        c.download_file(storage.url + "/f", str(tmp_path / "f"))
        c.ping()
    assert len(api.requests) == 2 and api.recorder.connections == 1


def test_debug_log_has_status_size_and_duration_never_the_key(server, caplog):
    import logging
    import re

    s = server(lambda *a: (200, JSON, b'"pong"'))
    with caplog.at_level(logging.DEBUG, logger="pixxel_qgis.client"):
        tr.Transport(KEY, s.url).request("GET", "/ping")
    lines = [r.getMessage() for r in caplog.records if "/ping" in r.getMessage()]
    m = re.search(r"GET /ping -> 200 \((\d+) bytes, ([\d.]+) s\)", lines[0])
    assert m and int(m.group(1)) == 6 and 0 <= float(m.group(2)) < 10, lines
    assert all(KEY not in r.getMessage() for r in caplog.records)


def test_a_body_that_trickles_in_past_twice_the_timeout_is_a_timeout():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Drip(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            body = b'"' + b"x" * 20 + b'"'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for i in range(len(body)):  # every byte well within the read timeout, the whole far beyond it
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
                time.sleep(0.05)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Drip)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    try:
        t = tr.Transport(KEY, f"http://127.0.0.1:{httpd.server_address[1]}", timeout=0.25, max_retries=0)
        with pytest.raises(PixxelTimeoutError, match="took longer than 0.5 s"):
            t.request("GET", "/x", op="read slowly")
    finally:
        httpd.shutdown()
        httpd.server_close()


def _raw_server(handler_fn):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            handler_fn(self)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def test_a_stalled_download_is_a_timeout(tmp_path):
    def stall(h):
        h.send_response(200)
        h.send_header("Content-Length", "100")
        h.end_headers()
        h.wfile.write(b"x" * 10)
        h.wfile.flush()
        time.sleep(1.0)

    httpd, url = _raw_server(stall)
    try:
        with PixxelClient(KEY, base_url="https://api.example.test", timeout=0.2) as c:
            with pytest.raises(PixxelTimeoutError, match="the download stalled"):
                c.download_file(url + "/f", str(tmp_path / "f"))
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_download_follows_storage_redirects_without_the_key(server, tmp_path):
    final = server(lambda *a: (200, {"Content-Type": "application/octet-stream"}, b"final-bytes"))
    first = server(lambda *a: (302, {"Location": final.url + "/real"}, b""))
    with PixxelClient(KEY, base_url="https://api.example.test") as c:
        assert c.download_file(first.url + "/signed", str(tmp_path / "f")) == len(b"final-bytes")
    assert (tmp_path / "f").read_bytes() == b"final-bytes"
    assert all(KEY not in str(r.headers) for r in first.requests + final.requests)


def test_a_compressed_download_error_body_is_read(server, tmp_path):
    import gzip

    body = gzip.compress(json.dumps({"error": {"message": "link expired"}}).encode())
    s = server(lambda *a: (403, {"Content-Type": "application/json", "Content-Encoding": "gzip"}, body))
    with PixxelClient(KEY, base_url="https://api.example.test") as c:
        with pytest.raises(AuthError) as info:
            c.download_file(s.url + "/f", str(tmp_path / "f"))
    assert info.value.server_message == "link expired"


def test_unreadable_os_proxy_settings_leave_proxies_to_requests(monkeypatch):
    def broken():
        raise OSError("registry unreadable")

    monkeypatch.setattr(tr, "getproxies", broken)
    assert tr._environment_proxies() is True
    monkeypatch.setattr(tr, "getproxies", lambda: {})
    assert tr._environment_proxies() is False


def test_transport_verifies_tls_by_default(monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    assert tr.Transport(KEY, "https://api.example.test").session.verify is True


def _broken_chunked(h, status=200, extra=()):
    h.send_response(status)
    for k, v in extra:
        h.send_header(k, v)
    h.send_header("Content-Type", "application/json")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    h.wfile.write(b"5\r\n[1,2]\r\nZZZ\r\n")  # a chunk size that is not hex
    h.wfile.flush()
    h.close_connection = True


def test_a_broken_chunked_body_is_a_connection_error():
    httpd, url = _raw_server(_broken_chunked)
    try:
        with pytest.raises(PixxelConnectionError, match="the connection broke while reading the response"):
            tr.Transport(KEY, url, max_retries=0).request("GET", "/x")
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_deeply_nested_error_body_is_still_a_clear_error(server):
    s = server(lambda *a: (400, JSON, b"[" * 100_000 + b"]" * 100_000))
    with pytest.raises(RequestValidationError) as info:
        tr.Transport(KEY, s.url).request("GET", "/x")
    assert info.value.status == 400 and info.value.server_message is None


@pytest.mark.parametrize("url", ["ftp://" + "h" * 300, "http://example.com/" + "p" * 300])
def test_bad_base_url_is_shown_cut_to_100_characters(url):
    with pytest.raises(ConfigurationError) as info:
        tr.normalize_base_url(url)
    assert repr(url[:100] + "…") in str(info.value)


def test_a_negative_timeout_is_refused():
    with pytest.raises(ConfigurationError):
        transport(timeout=-0.5)


# ----------------------------------------------------------------------------------------- message and size details


@pytest.mark.parametrize("status,text", [(299, "unexpected HTTP status 299"), (300, "unexpected redirect (HTTP 300)"),
                                         (399, "unexpected redirect (HTTP 399)")])
def test_unexpected_statuses_are_named(server, status, text):
    s = server(lambda *a: (status, JSON, b"{}"))
    with pytest.raises(ResponseFormatError, match=re.escape(text)):
        tr.Transport(KEY, s.url).request("GET", "/x", allow_redirects=False)


def test_201_is_accepted_by_default(server):
    s = server(lambda *a: (201, JSON, b'"made"'))
    assert tr.Transport(KEY, s.url).request("GET", "/x") == "made"


def test_two_attempts_are_counted_in_the_message(server):
    s = server(lambda *a: (503, JSON, b"{}"))
    t = tr.Transport(KEY, s.url, max_retries=1, backoff_base_s=0.001, backoff_max_s=0.001)
    with pytest.raises(ServerError, match="after 2 attempts"):
        t.request("GET", "/x")


def test_a_detail_list_whose_first_item_names_the_field():
    assert tr._field_from_details([{"field": "a"}, "x"]) == "a"


def test_long_urls_are_cut_to_120_characters_in_download_messages(tmp_path):
    long_path = "/" + "d" * 300
    with PixxelClient(KEY, base_url="https://api.example.test", timeout=0.5) as c:
        with pytest.raises(ConfigurationError) as refused:
            c.download_file("http://example.com" + long_path, str(tmp_path / "x"))
        with pytest.raises(PixxelConnectionError) as failed:
            c.download_file("http://127.0.0.1:9" + long_path, str(tmp_path / "x"))
    assert repr(("http://example.com" + long_path)[:120] + "…") in str(refused.value)
    assert ("http://127.0.0.1" + long_path)[:120] + "…" in str(failed.value)


@pytest.mark.parametrize("size,parsed", [(4096, True), (4097, False)])
def test_download_error_bodies_are_read_up_to_4096_bytes(server, tmp_path, size, parsed):
    body = json.dumps({"error": {"message": "m"}, "pad": ""}).encode()
    body = body[:-2] + b"x" * (size - len(body)) + body[-2:]
    assert len(body) == size
    s = server(lambda *a: (404, JSON, body))
    with PixxelClient(KEY, base_url="https://api.example.test") as c, pytest.raises(NotFoundError) as info:
        c.download_file(s.url + "/f", str(tmp_path / "f"))
    assert (info.value.server_message == "m") is parsed


def _chunked(h, payload, status=200, ctype="application/octet-stream"):
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    for i in range(0, len(payload), 1000):
        part = payload[i:i + 1000]
        h.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
    h.wfile.write(b"0\r\n\r\n")
    h.wfile.flush()


def test_a_download_without_content_length_reports_what_it_has(tmp_path):
    httpd, url = _raw_server(lambda h: _chunked(h, b"z" * 5000))
    seen = []
    try:
        with PixxelClient(KEY, base_url="https://api.example.test") as c:
            assert c.download_file(url + "/f", str(tmp_path / "f"), progress=lambda d, t: seen.append((d, t))) == 5000
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert seen and all(d == t for d, t in seen) and seen[-1] == (5000, 5000)


@pytest.mark.parametrize("limit,ok", [(3002, True), (3001, False)])
def test_the_body_limit_holds_without_content_length(limit, ok):
    payload = b'"' + b"q" * 3000 + b'"'
    httpd, url = _raw_server(lambda h: _chunked(h, payload, ctype="application/json"))
    try:
        t = tr.Transport(KEY, url, max_body_bytes=limit)
        if ok:
            assert t.request("GET", "/x") == "q" * 3000
        else:
            with pytest.raises(ResponseFormatError, match="larger than 3001 bytes"):
                t.request("GET", "/x")
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_invalid_json_message_quotes_its_first_40_characters(server):
    body = b"<html>" + b"h" * 100
    s = server(lambda *a: (200, JSON, body))
    with pytest.raises(ResponseFormatError) as info:
        tr.Transport(KEY, s.url).request("GET", "/x")
    assert f"(starts with {body[:40].decode()!r})" in str(info.value)


def test_server_error_fields_are_bounded(server):
    payload = {"error": {"code": "C" * 200, "message": "m", "details": {"k": "v" * 5000}}}
    s = server(lambda *a: (400, JSON, json.dumps(payload).encode()))
    with pytest.raises(RequestValidationError) as info:
        tr.Transport(KEY, s.url).request("GET", "/x")
    err = info.value
    assert err.code == "C" * 80 + "…"
    assert len(err.details) == 2000 and not err.details.endswith("…")
    s2 = server(lambda *a: (400, JSON, json.dumps({"detail": [{"loc": ["x" * 500]}]}).encode()))
    with pytest.raises(RequestValidationError) as info:
        tr.Transport(KEY, s2.url).request("GET", "/x")
    assert info.value.server_message == json.dumps([{"loc": ["x" * 500]}])[:300]


def test_waits_sleep_in_slices_of_at_most_100_ms():
    slept = []
    t = tr.Transport(KEY, "https://api.example.test", sleep=lambda s: (slept.append(s), time.sleep(s)))
    t._wait(0.35, None)
    assert slept and max(slept) <= 0.1 + 1e-9, "a cancel would wait for a long sleep to end"
    assert sum(slept) == pytest.approx(0.35, abs=0.05)
