"""The HTTP side: a ThreadingHTTPServer on loopback speaking the documented Pixxel API (stdlib only)."""

from __future__ import annotations

import json
import re
import socket
import struct
import sys
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qsl, unquote, urlsplit

from . import faults as faultlib
from .catalog import SATELLITES
from .faults import Decision, FaultInjector, Faults
from .recording import RequestRecorder
from .state import ApiError, SimConfig, State
from .storage import StorageServer

MAX_BODY = 8 * 1024 * 1024
JSON = "application/json"


class RawJSON:
    """A handler result that is already a serialised JSON body (sent as is)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data
HTML_502 = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
    b"<hr><center>nginx</center></body></html>"
)


class _Reset(Exception):
    """Close the connection without a response."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, sim: Simulator):
        self.sim = sim
        self._open: set = set()
        self._to_reset: set = set()
        self._conn_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request, client_address):
        with self._conn_lock:
            self._open.add(request)
        self.sim.recorder.count_connection()
        super().process_request(request, client_address)

    def mark_reset(self, request) -> None:
        try:
            request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        with self._conn_lock:
            self._to_reset.add(request)

    def shutdown_request(self, request):
        with self._conn_lock:
            self._open.discard(request)
            reset = request in self._to_reset
            self._to_reset.discard(request)
        if reset:  # no FIN first: closing with SO_LINGER 0 sends a RST
            self.close_request(request)
        else:
            super().shutdown_request(request)

    def close_all(self) -> None:
        with self._conn_lock:
            conns = list(self._open)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        if self.sim.verbose:
            super().handle_error(request, client_address)


Route = Tuple[str, "re.Pattern[str]", str]
ROUTES: List[Route] = [
    ("GET", re.compile(r"^/ping$"), "ping"),
    ("GET", re.compile(r"^/v0/projects$"), "list_projects"),
    ("GET", re.compile(r"^/v0/projects/([^/]+)$"), "get_project"),
    ("GET", re.compile(r"^/v0/aois$"), "list_aois"),
    ("POST", re.compile(r"^/v0/aois$"), "create_aoi"),
    ("GET", re.compile(r"^/v0/aoi/([^/]+)$"), "get_aoi"),
    ("GET", re.compile(r"^/v0/satellites$"), "satellites"),
    ("POST", re.compile(r"^/v0/search$"), "search"),
    ("GET", re.compile(r"^/v0/aois/([^/]+)/assets$"), "list_assets"),
    ("POST", re.compile(r"^/v0/aois/([^/]+)/downloads$"), "create_download"),
    ("GET", re.compile(r"^/v0/aois/([^/]+)/downloads/([^/]+)$"), "get_download"),
    ("GET", re.compile(r"^/v0/aois/([^/]+)/visualizations$"), "visualizations"),
]
NO_AUTH = {"ping"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PixxelSimulator/1.0"

    def version_string(self) -> str:
        return self.server_version
    timeout = 30  # idle keep-alive connections are dropped after this

    server: _Server

    def setup(self):
        super().setup()
        try:  # headers and body leave in separate writes: without this, Nagle + delayed ACK add ~40 ms
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        if self.server.sim.verbose:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_PATCH(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    # ------------------------------------------------------------------------------------ plumbing

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            size_total = 0
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                size_total += size
                if size_total > MAX_BODY:
                    raise ApiError(413, "PAYLOAD_TOO_LARGE", "Request body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(3)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            raise ApiError(413, "PAYLOAD_TOO_LARGE", "Request body too large")
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status: int, body: bytes, content_type: str = JSON, headers: Optional[Dict[str, str]] = None,
              slow_s: float = 0.0) -> None:  # fmt: skip
        if not self._logged:  # logged before the answer leaves, so a client never sees an unlogged response
            self._logged = True
            self.server.sim._log(self.command.upper(), self._log_path, status)
        self.send_response(status)
        self.send_header("Content-Type", content_type if content_type != JSON else "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if slow_s > 0 and body:
            self.wfile.write(body[:1])
            self.wfile.flush()
            self.server.sim._stop_event.wait(slow_s)
            body = body[1:]
        self.wfile.write(body)
        self.wfile.flush()

    def _reset(self) -> None:
        self.close_connection = True
        self.server.mark_reset(self.connection)
        raise _Reset()

    def _dispatch(self) -> None:
        sim = self.server.sim
        method = self.command.upper()
        split = urlsplit(self.path)
        path = unquote(split.path.rstrip("/") or "/")
        params = dict(parse_qsl(split.query, keep_blank_values=True))
        status = 0
        self._logged, self._log_path = False, path
        try:
            try:
                raw = self._read_body()
            except ApiError as exc:
                sim.recorder.record(self, b"")
                status = exc.status
                self._send(exc.status, json.dumps(exc.body()).encode())
                return
            sim.recorder.record(self, raw)
            decision = sim._faults.decide(method, path)
            if decision.latency_s > 0:
                sim._stop_event.wait(decision.latency_s)
            if decision.action == "reset":
                self._reset()
            if decision.action == "rate_limit":
                status = 429
                ra = decision.retry_after_s
                err = ApiError(429, "RATE_LIMITED", "Too many requests; retry later", {"retry_after_s": ra})
                self._send(429, json.dumps(err.body()).encode(),
                           headers={"Retry-After": str(int(ra)) if float(ra).is_integer() else str(ra)})  # fmt: skip
                return
            if decision.action == "error":
                status = decision.error_status
                err = ApiError(status, "INTERNAL_ERROR" if status >= 500 else "ERROR",
                               "Simulated server error", {"simulated": True})  # fmt: skip
                self._send(status, json.dumps(err.body()).encode())
                return
            if decision.action == "html_error":
                status = 502
                self._send(502, HTML_502, content_type="text/html")
                return
            status, payload, headers = self._route(method, path, params, raw, decision)
            if isinstance(payload, RawJSON):
                body = payload.data
            else:
                body = json.dumps(payload, separators=(",", ":")).encode()
            if decision.malformed:
                body = faultlib.malform(body)
            self._send(status, body, headers=headers, slow_s=decision.slow_body_s)
        except _Reset:
            status = 0
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True
        finally:
            if not self._logged:
                self._logged = True
                sim._log(method, path, status)

    def _route(self, method: str, path: str, params: Dict[str, str], raw: bytes, decision: Decision):
        sim = self.server.sim
        matched_path = False
        for route_method, pattern, name in ROUTES:
            m = pattern.match(path)
            if not m:
                continue
            matched_path = True
            if route_method != method:
                continue
            try:
                if name not in NO_AUTH:
                    self._authorize(method, path)
                body: Any = None
                if method in ("POST", "PUT", "PATCH"):
                    body = self._parse_json(raw)
                result = getattr(self, "h_" + name)(*m.groups(), params=params, body=body, decision=decision)
                if isinstance(result, tuple):
                    return result[0], result[1], {}
                return 200, result, {}
            except ApiError as exc:
                return exc.status, exc.body(), {}
            except _Reset:
                raise
            except Exception as exc:  # noqa: BLE001 - a simulator bug must still answer like a server
                if sim.verbose:
                    import traceback

                    traceback.print_exc()
                err = ApiError(500, "INTERNAL_ERROR", f"Unexpected simulator error: {type(exc).__name__}")
                return 500, err.body(), {}
        if matched_path:
            allowed = sorted({r[0] for r in ROUTES if r[1].match(path)})
            err = ApiError(405, "METHOD_NOT_ALLOWED", f"{method} is not allowed on {path}", {"allowed": allowed})
            return 405, err.body(), {"Allow": ", ".join(allowed)}
        err = ApiError(404, "NOT_FOUND", f"No route for {method} {path}", {"path": path})
        return 404, err.body(), {}

    def _authorize(self, method: str, path: str) -> None:
        sim = self.server.sim
        status = sim.state.config.auth_status
        code = "UNAUTHORIZED" if status == 401 else "FORBIDDEN"
        value = (self.headers.get("Authorization") or "").strip()
        if value.lower().startswith("bearer "):
            value = value[7:].strip()
        if not value:
            raise ApiError(status, code, "Missing API key: send it in the Authorization header",
                           {"header": "Authorization"})  # fmt: skip
        if value not in sim.state.config.api_keys:
            raise ApiError(status, code, "Invalid API key", {"header": "Authorization"})
        if sim._faults.key_revoked(method, path):
            raise ApiError(status, code, "API key has been revoked or has expired", {"header": "Authorization"})

    def _parse_json(self, raw: bytes) -> Any:
        st = self.server.sim.state.config.validation_status
        try:
            return json.loads(raw.decode("utf-8")) if raw else None
        except (UnicodeDecodeError, ValueError) as exc:
            raise ApiError(st, "INVALID_JSON", f"Request body is not valid JSON: {exc}",
                           [{"field": "body", "message": "invalid JSON"}]) from None  # fmt: skip

    # ------------------------------------------------------------------------------------ handlers

    def h_ping(self, params, body, decision):
        return "pong"

    def h_list_projects(self, params, body, decision):
        out = self.server.sim.state.list_projects(params)
        if decision.drift:
            out["projects"] = faultlib.drift_list(out["projects"])
        return out

    def h_get_project(self, project_id, params, body, decision):
        project = self.server.sim.state.get_project(project_id)
        if decision.drift:  # the flat form shown on the docs page
            return faultlib.drift_record(project)
        return {"project": project}

    def h_satellites(self, params, body, decision):
        sats = json.loads(json.dumps(SATELLITES))
        if decision.drift:
            sats = faultlib.drift_list(sats)
        return {"satellites": sats}

    def h_list_aois(self, params, body, decision):
        aois, pagination = self.server.sim.state.list_aois(params)
        if decision.drift:
            aois = [faultlib.drift_aoi(a, pagination["offset"] + i) for i, a in enumerate(aois)]
        return {"aois": aois, "pagination": pagination}

    def h_get_aoi(self, aoi_id, params, body, decision):
        aoi = self.server.sim.state.get_aoi(aoi_id)
        return faultlib.drift_aoi(aoi, 1) if decision.drift else aoi

    def h_create_aoi(self, params, body, decision):
        sim = self.server.sim
        aoi = sim.state.create_aoi(body)
        if sim._faults.matches("POST", "/v0/aois") and sim._faults.take_lost_create():
            self._reset()
        return 201, faultlib.drift_aoi(aoi, 0) if decision.drift else aoi

    def h_list_assets(self, aoi_id, params, body, decision):
        state = self.server.sim.state
        if not decision.drift:  # the common case: the page from the state's per-asset JSON cache
            return RawJSON(state.list_assets_json(aoi_id, params))
        assets, pagination, first = state.list_assets(aoi_id, params)
        assets = [faultlib.drift_asset(a, first + i) for i, a in enumerate(assets)]
        return {"assets": assets, "pagination": pagination}

    def h_search(self, params, body, decision):
        out = self.server.sim.state.search(body)
        if decision.drift:
            out["items"] = {k: faultlib.drift_item(v, i) for i, (k, v) in enumerate(out["items"].items())}
        return out

    def h_create_download(self, aoi_id, params, body, decision):
        return 201, self.server.sim.state.create_download(aoi_id, body)

    def h_get_download(self, aoi_id, download_id, params, body, decision):
        return self.server.sim.state.get_download(aoi_id, download_id)

    def h_visualizations(self, aoi_id, params, body, decision):
        self.server.sim.state.get_aoi(aoi_id)
        return {"visualization": [], "pagination": {"total": 0, "offset": 0, "limit": 10}}


class Simulator:
    """The simulator: `start()` binds and serves in a background thread, `stop()` shuts it down."""

    def __init__(
        self,
        config: Optional[SimConfig] = None,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Optional[Callable[[], float]] = None,
        wallclock: Optional[Callable[[], datetime]] = None,
        verbose: bool = False,
        ssl_context=None,
    ):
        """``ssl_context`` (an ``ssl.SSLContext`` with the server's certificate loaded) serves HTTPS."""
        self.config = config or SimConfig()
        self.ssl_context = ssl_context
        kwargs = {}
        if clock is not None:
            kwargs["clock"] = clock
        self.state = State(self.config, wallclock=wallclock, **kwargs)
        self.host, self.port = host, port
        self.verbose = verbose
        self._faults = FaultInjector(self.config.faults)
        self._log_lock = threading.Lock()
        self._log_entries: List[Tuple[str, str, int]] = []
        #: every request received, whole (headers, URL, body): see recording.key_appearances
        self.recorder = RequestRecorder()
        self._stop_event = threading.Event()
        self._server: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None
        # the storage host of signed download URLs: a second loopback server (see storage.py)
        self.storage = StorageServer(host=host, seed=self.config.seed, raster_size=self.config.raster_size,
                                     ttl_s=self.config.url_ttl_s)
        self.state.storage = self.storage

    # ------------------------------------------------------------------------------------ lifecycle

    def start(self) -> Simulator:
        if self._server is not None:
            return self
        self._stop_event.clear()
        self.storage.start()
        self._server = _Server((self.host, self.port), self)
        if self.ssl_context is not None:  # the handshake happens in the request's thread, on first read
            self._server.socket = self.ssl_context.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False)
        self.port = self._server.server_address[1]
        self.recorder.server_url = self.url
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"pixxel-sim-{self.port}",
            daemon=True,
        )  # fmt: skip
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stop_event.set()
        server.shutdown()
        server.close_all()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.storage.stop()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"{'https' if self.ssl_context is not None else 'http'}://{self.host}:{self.port}"

    # ---------------------------------------------------------------------------------- test hooks

    def set_faults(self, faults: Optional[Faults] = None, **changes: Any) -> None:
        """Replace the fault plan (thread-safe; counts restart); keyword form: set_faults(error_burst=2)."""
        self._faults.set(faults if faults is not None else Faults(**changes))

    @property
    def faults(self) -> Faults:
        return self._faults.faults

    def faults_remaining(self) -> Dict[str, Any]:
        return self._faults.remaining()

    def update_config(self, **changes: Any) -> None:
        """Change settings for AOIs created from now on (asset_count, aoi_duration_s, outcome, api_keys...)."""
        self.state.update_config(**changes)
        self.config = self.state.config
        if "faults" in changes:
            self.set_faults(self.config.faults)

    def aois(self) -> List[Dict[str, Any]]:
        return self.state.aois()

    @property
    def create_count(self) -> int:
        """AOIs committed through POST /v0/aois (including those whose response was lost)."""
        return self.state.create_count

    @property
    def request_log(self) -> List[Tuple[str, str, int]]:
        """(method, path without query, status) per request; status 0 means no response was sent."""
        with self._log_lock:
            return list(self._log_entries)

    @property
    def requests(self):
        """Every request received so far, whole: a list of recording.RecordedRequest."""
        return self.recorder.requests

    def clear_log(self) -> None:
        with self._log_lock:
            self._log_entries.clear()

    def _log(self, method: str, path: str, status: int) -> None:
        with self._log_lock:
            self._log_entries.append((method, path, status))
