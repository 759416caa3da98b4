"""Every request a loopback server receives, recorded whole (headers, full URL, body), and a key search.

Reusable by any test server built on http.server (the simulator, storage/download servers, scripted test
servers): keep one `RequestRecorder` per server and call `recorder.record(handler, body)` from the handler
once the body has been read (or use `RecordingHandler` as a mixin and call `self.record_request(body)`).
Key safety is then checked on the wire, whatever the header name:

    found = key_appearances(KEY, api=[sim.recorder], others=[storage.recorder])
    assert not found, "\\n".join(found)

`api` servers may receive the key only as the whole value of the `Authorization` header; `others` (storage,
download, redirect targets) must not receive it anywhere. The search also looks for the key hex-encoded,
reversed, base64- and percent-encoded.
"""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass
from typing import Iterable, List, Optional, Tuple
from urllib.parse import quote, quote_plus


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    url: str  # absolute: http://<Host header><request target>
    headers: Tuple[Tuple[str, str], ...]  # every header as received, in order, duplicates kept
    body: bytes
    server: str  # the server's own address, http://127.0.0.1:PORT

    @property
    def path(self) -> str:
        rest = self.url.split("://", 1)[-1]
        return "/" + rest.split("/", 1)[1].split("?", 1)[0] if "/" in rest else "/"

    def header(self, name: str) -> Optional[str]:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


class RequestRecorder:
    """A thread-safe list of the requests one server received."""

    def __init__(self, server_url: str = "") -> None:
        self.server_url = server_url
        self._lock = threading.Lock()
        self._requests: List[RecordedRequest] = []
        self.connections = 0  # TCP connections accepted (see count_connection), requests or not

    def record(self, handler, body: bytes = b"") -> RecordedRequest:
        """Record the request `handler` (a BaseHTTPRequestHandler) is serving, with its body."""
        host = handler.headers.get("Host") or self.server_url.split("://", 1)[-1]
        target = handler.path if handler.path.startswith("/") else "/" + handler.path
        if handler.path.startswith(("http://", "https://")):  # absolute form (a proxy request)
            url = handler.path
        else:
            url = f"http://{host}{target}"
        rec = RecordedRequest(handler.command, url, tuple(handler.headers.items()), bytes(body or b""),
                              self.server_url)
        with self._lock:
            self._requests.append(rec)
        return rec

    def count_connection(self) -> None:
        with self._lock:
            self.connections += 1

    @property
    def requests(self) -> List[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()
            self.connections = 0


class RecordingHandler:
    """Mixin for a BaseHTTPRequestHandler whose server has a `recorder` attribute."""

    def record_request(self, body: bytes = b"") -> RecordedRequest:
        return self.server.recorder.record(self, body)  # type: ignore[attr-defined]


def key_forms(key: str) -> List[str]:
    """The key as is and in the encodings a careless client might use to 'hide' it."""
    forms = [key, key.encode().hex(), key[::-1], base64.b64encode(key.encode()).decode().rstrip("="),
             quote(key, safe=""), quote_plus(key)]
    return list(dict.fromkeys(f for f in forms if f))


def key_appearances(key: str, api: Iterable[RequestRecorder] = (), others: Iterable[RequestRecorder] = ()
                    ) -> List[str]:  # fmt: skip
    """Where the key was sent other than as the `Authorization` value of a request to an API server.

    `api`: recorders of the configured API host(s); `others`: recorders of every other server. Returns
    one line per finding (empty: the key went only where it should).
    """
    found: List[str] = []
    forms = key_forms(key)

    def scan(req: RecordedRequest, allow_auth: bool) -> None:
        where = f"{req.method} {req.url} (server {req.server})"
        for form in forms:
            if form in req.url:
                found.append(f"{where}: the key is in the URL")
            if form.encode() in req.body:
                found.append(f"{where}: the key is in the request body")
            for name, value in req.headers:
                if form in name:
                    found.append(f"{where}: the key is in a header name")
                if form not in value:
                    continue
                if allow_auth and name.lower() == "authorization" and value.strip() == key:
                    continue
                if name.lower() == "authorization":
                    what = "a non-API host" if not allow_auth else "a malformed Authorization value"
                    found.append(f"{where}: the key was sent in the Authorization header to {what}")
                else:
                    found.append(f"{where}: the key is in the {name!r} header")

    for rec in api:
        for req in rec.requests:
            scan(req, True)
    for rec in others:
        for req in rec.requests:
            scan(req, False)
    return found
