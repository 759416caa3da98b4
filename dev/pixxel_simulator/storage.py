"""The simulator's "storage" host: a second loopback HTTP server serving download files behind signed URLs.

Like a cloud bucket: ``GET``/``HEAD /d/<download_id>/<file>?expires=<unix>&sig=<hmac>``; an expired or
wrongly signed URL answers 403 (an S3-like XML body), a missing file 404. Files are made on first request
(one asset: its GeoTIFF cube, see imagery.py; several: a zip of cubes) and cached in a temporary folder.
``Range: bytes=a-b`` / ``bytes=a-`` answers 206 with ``Content-Range``; bodies carry ``ETag`` and
``Content-Length``. Faults (``StorageFaults``): drop the connection after N body bytes, answer 403 as if
expired, stall the body, ignore Range. Every request is recorded with its full URL, headers and body in
``request_log`` (a list of dicts) so tests can check that the API key never reached storage.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import shutil
import socket
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from . import imagery
from .recording import RequestRecorder

CHUNK = 256 * 1024
EXPIRED_BODY = (b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
                b"<Message>Request has expired</Message></Error>")
DENIED_BODY = (b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SignatureDoesNotMatch</Code>"
               b"<Message>The request signature does not match</Message></Error>")


@dataclass(frozen=True)
class StorageFaults:
    drops: int = 0  # the next N bodies are cut after drop_after_bytes (connection closed)
    drop_after_bytes: int = 64 * 1024
    expire: int = 0  # the next N file requests answer 403 "Request has expired"
    slow_body_s: float = 0.0  # pause this long after each chunk of the next slow_bodies bodies
    slow_bodies: int = 0
    ignore_range: bool = False  # answer 200 with the whole file even when a Range is asked


@dataclass
class _Download:
    download_id: str
    files: List[Tuple[Dict[str, Any], Optional[Dict[str, Any]]]]  # (asset, satellite)
    name: str
    path: Optional[str] = None
    etag: str = ""


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:100] or "file"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, storage: StorageServer):
        self.storage = storage
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address):  # quiet: dropped connections are expected
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PixxelSimStorage/1.0"
    timeout = 30
    server: _Server

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format, *args):  # noqa: A002
        pass

    def setup(self):
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def do_GET(self):
        self._handle(head=False)

    def do_HEAD(self):
        self._handle(head=True)

    def do_POST(self):
        self._handle(head=False)

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > 0:
            return self.rfile.read(min(int(length), 1 << 20))
        return b""

    def send_response(self, code, message=None):
        entry = getattr(self, "_entry", None)
        if entry is not None:  # logged before the body leaves: a client that has the body sees the status
            entry["status"] = code
        super().send_response(code, message)

    def _simple(self, status: int, body: bytes, ctype: str = "application/xml") -> int:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return status

    def _handle(self, head: bool) -> None:
        st = self.server.storage
        entry = {"method": self.command, "url": self.path, "headers": dict(self.headers.items()),
                 "body": self._read_body(), "status": 0}
        self._entry = entry
        st._record(entry)
        st.recorder.record(self, entry["body"])
        try:
            entry["status"] = self._serve(st, head)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True

    def _serve(self, st: StorageServer, head: bool) -> int:
        split = urlsplit(self.path)
        m = re.match(r"^/d/([^/]+)/([^/]+)$", unquote(split.path))
        if self.command not in ("GET", "HEAD") or not m:
            return self._simple(404, b"<Error><Code>NoSuchKey</Code></Error>")
        download_id, _name = m.group(1), m.group(2)
        params = dict(parse_qsl(split.query))
        if st._take_fault("expire"):
            return self._simple(403, EXPIRED_BODY)
        ok = st._check(download_id, params.get("expires", ""), params.get("sig", ""))
        if ok == "expired":
            return self._simple(403, EXPIRED_BODY)
        if ok != "ok":
            return self._simple(403, DENIED_BODY)
        try:
            path, etag = st._materialize(download_id)
        except KeyError:
            return self._simple(404, b"<Error><Code>NoSuchKey</Code></Error>")
        size = os.path.getsize(path)
        start, end = 0, size - 1
        status = 200
        rng = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        if rng and not st.faults.ignore_range and (not if_range or if_range == etag):
            mr = re.match(r"^bytes=(\d*)-(\d*)$", rng.strip())
            if not mr or (not mr.group(1) and not mr.group(2)):
                return self._simple(416, b"")
            if mr.group(1):
                start = int(mr.group(1))
                end = min(int(mr.group(2)), size - 1) if mr.group(2) else size - 1
            else:  # suffix range: the last N bytes
                start, end = max(0, size - int(mr.group(2))), size - 1
            if start >= size or start > end:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return 416
            status = 206
        length = end - start + 1
        self.send_response(status)
        self.send_header("Content-Type", "application/zip" if path.endswith(".zip") else "image/tiff")
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", etag)
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.end_headers()
        if head:
            return status
        drop = st._take_fault("drops")
        slow = st._take_fault("slow_bodies")
        f = st.faults
        with open(path, "rb") as fh:
            if not drop and not slow:
                self.wfile.flush()
                self.connection.sendfile(fh, start, length)
                return status
            fh.seek(start)
            sent = 0
            limit = min(length, f.drop_after_bytes) if drop else length
            while sent < limit:
                chunk = fh.read(min(CHUNK if not slow else 16 * 1024, limit - sent))
                if not chunk:
                    break
                self.wfile.write(chunk)
                sent += len(chunk)
                if slow:
                    time.sleep(f.slow_body_s)
        if drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        return status


class StorageServer:
    """The storage host. ``register(download_id, [(asset, satellite), ...])`` then ``sign(download_id)``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, seed: int = 7, raster_size: int = 96,
                 ttl_s: float = 900.0, faults: Optional[StorageFaults] = None):
        self.host, self.port = host, port
        self.seed = seed
        self.raster_size = raster_size
        self.ttl_s = ttl_s
        self._secret = hashlib.sha256(f"storage|{seed}|{os.getpid()}|{id(self)}".encode()).digest()
        self._faults = faults or StorageFaults()
        self._left: Dict[str, int] = {}
        self._lock = threading.Lock()
        self._gen_lock = threading.Lock()
        self._downloads: Dict[str, _Download] = {}
        self._cubes: Dict[str, str] = {}  # asset id -> its cube (made once, shared by every download of it)
        self._log: List[Dict[str, Any]] = []
        #: the same requests as recording.RecordedRequest (for recording.key_appearances(..., others=[...]))
        self.recorder = RequestRecorder()
        self._dir: Optional[str] = None
        self._server: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None
        self.set_faults(self._faults)

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> StorageServer:
        if self._server is None:
            self._dir = tempfile.mkdtemp(prefix="pixxel-sim-storage-")
            self._server = _Server((self.host, self.port), self)
            self.port = self._server.server_address[1]
            self.recorder.server_url = self.url
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                            name=f"pixxel-sim-storage-{self.port}", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # ------------------------------------------------------------------ faults and log
    @property
    def faults(self) -> StorageFaults:
        return self._faults

    def set_faults(self, faults: Optional[StorageFaults] = None, **changes: Any) -> None:
        """Replace the storage fault plan (counts restart); keyword form: set_faults(drops=1)."""
        with self._lock:
            self._faults = faults if faults is not None else replace(StorageFaults(), **changes)
            self._left = {"drops": self._faults.drops, "expire": self._faults.expire,
                          "slow_bodies": self._faults.slow_bodies if self._faults.slow_body_s > 0 else 0}

    def _take_fault(self, name: str) -> bool:
        with self._lock:
            if self._left.get(name, 0) > 0:
                self._left[name] -= 1
                return True
            return False

    def _record(self, entry: Dict[str, Any]) -> None:
        with self._lock:
            self._log.append(entry)

    @property
    def request_log(self) -> List[Dict[str, Any]]:
        """Every request: {"method", "url" (path and query), "headers" (dict), "body" (bytes), "status"}."""
        with self._lock:
            return [dict(e) for e in self._log]

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    # ------------------------------------------------------------------ downloads
    def register(self, download_id: str, files: List[Tuple[Dict[str, Any], Optional[Dict[str, Any]]]]) -> None:
        if len(files) == 1:
            name = _safe(str(files[0][0].get("name") or files[0][0].get("id"))) + ".tif"
        else:
            name = f"pixxel-download-{_safe(download_id[:8])}.zip"
        with self._lock:
            self._downloads[download_id] = _Download(download_id, list(files), name)

    def sign(self, download_id: str, ttl_s: Optional[float] = None) -> str:
        """A fresh signed URL for the download, valid ``ttl_s`` seconds (default: the server's)."""
        with self._lock:
            d = self._downloads[download_id]
        expires = str(int(time.time() + (self.ttl_s if ttl_s is None else ttl_s)))
        sig = hmac.new(self._secret, f"{download_id}|{expires}".encode(), hashlib.sha256).hexdigest()[:32]
        return f"{self.url}/d/{quote(download_id)}/{quote(d.name)}?expires={expires}&sig={sig}"

    def _check(self, download_id: str, expires: str, sig: str) -> str:
        good = hmac.new(self._secret, f"{download_id}|{expires}".encode(), hashlib.sha256).hexdigest()[:32]
        if not expires.isdigit() or not hmac.compare_digest(good, sig):
            return "denied"
        if int(expires) < time.time():
            return "expired"
        return "ok"

    def file_path(self, download_id: str) -> str:
        """The file behind a download (made now if needed): for benchmarks comparing raw reads."""
        return self._materialize(download_id)[0]

    def _cube(self, asset: Dict[str, Any], sat: Optional[Dict[str, Any]]) -> str:
        """The asset's GeoTIFF (caller holds _gen_lock)."""
        key = str(asset.get("id"))
        if key not in self._cubes:
            assert self._dir is not None
            folder = os.path.join(self._dir, "cubes", _safe(key))
            os.makedirs(folder, exist_ok=True)
            tif = os.path.join(folder, _safe(str(asset.get("name") or key)) + ".tif")
            imagery.write_cube(tif, asset, sat, self.seed, self.raster_size)
            self._cubes[key] = tif
        return self._cubes[key]

    def _materialize(self, download_id: str) -> Tuple[str, str]:
        with self._lock:
            d = self._downloads[download_id]
        if d.path is not None:
            return d.path, d.etag
        with self._gen_lock:
            if d.path is None:
                assert self._dir is not None
                folder = os.path.join(self._dir, _safe(download_id))
                os.makedirs(folder, exist_ok=True)
                tifs = [self._cube(asset, sat) for asset, sat in d.files]
                if len(tifs) == 1:
                    path = tifs[0]
                else:
                    path = os.path.join(folder, d.name)
                    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
                        for tif in tifs:
                            zf.write(tif, os.path.basename(tif))
                st = os.stat(path)  # like nginx: the ETag changes whenever the file does
                d.etag = f'"{st.st_mtime_ns:x}-{st.st_size:x}"'
                d.path = path
        return d.path, d.etag
