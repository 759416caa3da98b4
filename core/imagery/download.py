"""Download AOI assets to disk: request, wait until ready, fetch the signed URL, verify, unpack (no QGIS).

For each asset: ``POST /v0/aois/{aoi_id}/downloads`` with its id, ``GET .../downloads/{download_id}`` until
the status is ready, then stream the signed URL into ``<folder>/.partial/<asset id>.part``:

- the API key is never sent to the storage host (plain session request, no auth; redirects never get it);
- a dropped connection resumes with ``Range: bytes=<have>-`` (``If-Range`` on the ETag), a server that
  ignores the Range restarts the file;
- a 403 from storage (the signed URL expired) asks the API again (GET the download; if that URL is
  refused as well, one new download request) and carries on from the bytes already there;
- the size (Content-Length / Content-Range total) is checked, and a SHA-256 when the API gives one;
- only then is the ``.part`` renamed to its final name; a zip is unpacked into a folder and removed;
- ``pixxel_downloads.json`` in the AOI folder records what is on disk, so nothing is downloaded twice.

Assets are fetched in parallel (``concurrency`` at a time); ``cancelled()`` is polled between chunks: a
cancelled download leaves only its ``.part`` file (resumed next time), never a file posing as complete.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple
from urllib.parse import unquote, urlsplit

import requests
import urllib3

from ...client.errors import (
    AuthError,
    CancelledError,
    ConfigurationError,
    NotFoundError,
    PixxelConnectionError,
    PixxelError,
    PixxelTimeoutError,
    ResponseFormatError,
    ServerError,
    clean_text,
)
from ...client.transport import _is_loopback

log = logging.getLogger("pixxel_qgis.downloads")

MANIFEST = "pixxel_downloads.json"
PARTIAL_DIR = ".partial"
CHUNK = 1024 * 1024  # file copies
NET_CHUNK = 64 * 1024  # network reads: cancel and progress react within 64 KiB


def _body_chunks(response):
    """The body as it arrives. urllib3 2 fills read(amt) up to amt and loses those bytes when the connection
    drops meanwhile; read1 returns what one read got, so everything received before a drop is written and
    the resume starts right after it. urllib3 1.x (Debian 12) has no read1, and its read(amt) already returns
    a short read."""
    read1 = getattr(response.raw, "read1", None)
    if read1 is None:
        yield from response.iter_content(chunk_size=NET_CHUNK)
        return
    while True:
        chunk = read1(NET_CHUNK, decode_content=True)
        if not chunk:
            return
        yield chunk
READY = {"success", "succeeded", "completed", "complete", "ready", "done"}
FAILED = {"failed", "error", "cancelled", "canceled", "expired"}
RASTER_SUFFIXES = (".tif", ".tiff", ".gtiff", ".geotiff", ".img", ".jp2", ".vrt")

Cancelled = Optional[Callable[[], bool]]


class DownloadError(PixxelError):
    """A download failed; the text names the asset, the problem and what to do."""

    default_hint = "Try the download again; the bytes already fetched are kept and resumed."


@dataclass
class AssetResult:
    asset_id: str
    files: List[str] = field(default_factory=list)  # absolute paths of what is on disk for this asset
    bytes: int = 0  # bytes fetched now (0 when it was already there)
    already: bool = False
    resumed: int = 0  # times the transfer continued after a drop
    renewed: int = 0  # times the signed URL was renewed after a 403


@dataclass
class DownloadReport:
    folder: str
    results: Dict[str, AssetResult] = field(default_factory=dict)
    errors: Dict[str, str] = field(default_factory=dict)
    cancelled: bool = False

    @property
    def files(self) -> List[str]:
        return [f for r in self.results.values() for f in r.files]

    @property
    def rasters(self) -> List[str]:
        return [f for f in self.files if f.lower().endswith(RASTER_SUFFIXES)]

    @property
    def message(self) -> str:
        new = sum(1 for r in self.results.values() if not r.already)
        old = sum(1 for r in self.results.values() if r.already)
        parts = [f"{new} asset(s) downloaded to {self.folder}"]
        if old:
            parts.append(f"{old} already there")
        if self.errors:
            parts.append(f"{len(self.errors)} failed: " + "; ".join(list(self.errors.values())[:3]))
        if self.cancelled:
            parts.append("cancelled (partial files kept as .part and resumed next time)")
        return ", ".join(parts) + "."


def aoi_folder_for_gpkg(gpkg_path: str) -> str:
    """The AOI's download folder: beside its GeoPackage, named like it (``.../name_1234abcd/``)."""
    return os.path.splitext(os.path.abspath(gpkg_path))[0]


def _safe(name: Any, fallback: str = "asset", max_len: int = 80) -> str:
    text = re.sub(r"[^0-9A-Za-z._-]+", "_", str(name or "")).strip("._")
    return (text or fallback)[:max_len]


# ------------------------------------------------------------------------------------------- manifest


class Manifest:
    """``pixxel_downloads.json``: asset id -> {"files": [relative paths], "bytes", "download_id", "at"}."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.path = os.path.join(folder, MANIFEST)
        self._lock = threading.Lock()
        try:
            with open(self.path, encoding="utf-8") as fh:
                data = json.load(fh)
            self.entries: Dict[str, Dict[str, Any]] = data.get("assets", {}) if isinstance(data, dict) else {}
        except (OSError, ValueError):
            self.entries = {}

    def files(self, asset_id: str) -> Optional[List[str]]:
        """The asset's files if every one of them is still on disk, else None."""
        entry = self.entries.get(asset_id)
        if not isinstance(entry, dict) or not entry.get("files"):
            return None
        paths = [os.path.join(self.folder, rel) for rel in entry["files"]]
        if not all(os.path.isfile(p) for p in paths):
            return None
        if len(paths) == 1 and entry.get("bytes") and os.path.getsize(paths[0]) != entry["bytes"]:
            return None  # changed or truncated since: download it again
        return paths

    def add(self, asset_id: str, files: List[str], size: int, download_id: Optional[str]) -> None:
        with self._lock:
            self.entries[asset_id] = {
                "files": [os.path.relpath(f, self.folder) for f in files],
                "bytes": size,
                "download_id": download_id,
                "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            tmp = self.path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump({"assets": self.entries}, fh, indent=1, sort_keys=True)
            os.replace(tmp, self.path)


def downloaded_assets(folder: str) -> Dict[str, List[str]]:
    """asset id -> files, for every asset of the folder's manifest whose files are all on disk."""
    m = Manifest(folder)
    out = {}
    for asset_id in m.entries:
        files = m.files(asset_id)
        if files:
            out[asset_id] = files
    return out


# ------------------------------------------------------------------------------------------- helpers


def _check_url(url: Any) -> str:
    parts = urlsplit(url if isinstance(url, str) else "")
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if not host or scheme not in ("https", "http") or (scheme == "http" and not _is_loopback(host)):
        raise ConfigurationError(
            f"The signed download address {clean_text(f'{scheme}://{host}{parts.path}', 120)!r} is not https://",
            hint="Only https:// download links are fetched (http:// only from 127.0.0.1, localhost or ::1).",
            field="signed_url",
        )
    return url


def _shown(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme}://{p.hostname}{':' + str(p.port) if p.port else ''}{p.path}"  # never the query


def _sniff_ext(path: str, url: str, content_type: str) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK\x03\x04"):
        return ".zip"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return ".tif"
    ext = os.path.splitext(unquote(urlsplit(url).path))[1].lower()
    if re.fullmatch(r"\.[a-z0-9]{1,5}", ext or ""):
        return ext
    return {"image/tiff": ".tif", "application/zip": ".zip", "image/png": ".png"}.get(
        content_type.split(";")[0].strip().lower(), ".bin")


def _expected_sha256(download: Any) -> Optional[str]:
    extra = getattr(download, "model_extra", None) or {}
    for key in ("sha256", "checksum_sha256", "checksum"):
        value = extra.get(key)
        if isinstance(value, str):
            value = value.strip().lower()
            if value.startswith("sha256:"):
                value = value[7:]
            if re.fullmatch(r"[0-9a-f]{64}", value):
                return value
    return None


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def unpack_zip(path: str, dest: str) -> List[str]:
    """Unpack ``path`` into ``dest`` (members stay inside it); returns the files written."""
    out = []
    root = os.path.abspath(dest)
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            target = os.path.abspath(os.path.join(root, info.filename))
            if not target.startswith(root + os.sep):
                raise DownloadError(f"The archive {os.path.basename(path)} has an unsafe member "
                                    f"{clean_text(info.filename, 80)!r}; not unpacked", hint="")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            tmp = target + ".part"
            with zf.open(info) as src, open(tmp, "wb") as dst:
                for block in iter(lambda: src.read(CHUNK), b""):
                    dst.write(block)
            os.replace(tmp, target)
            out.append(target)
    return out


# ------------------------------------------------------------------------------------------- downloader


class AssetDownloader:
    """Downloads assets of one AOI into ``folder``. Thread-safe; ``download()`` blocks (run it in a task)."""

    def __init__(
        self,
        client: Any,
        aoi_id: str,
        folder: str,
        *,
        concurrency: int = 3,
        poll_s: float = 1.0,
        max_wait_s: float = 1800.0,
        max_resumes: int = 8,
        max_renewals: int = 3,
        timeout: float = 30.0,
        cancelled: Cancelled = None,
        progress: Optional[Callable[[float, int], None]] = None,
    ) -> None:
        self.client = client
        self.aoi_id = aoi_id
        self.folder = os.path.abspath(folder)
        self.concurrency = max(1, int(concurrency))
        self.poll_s = poll_s
        self.max_wait_s = max_wait_s
        self.max_resumes = max_resumes
        self.max_renewals = max_renewals
        self.timeout = timeout
        self._cancelled = cancelled or (lambda: False)
        self._progress = progress  # progress(percent 0-100, bytes fetched so far)
        self._lock = threading.Lock()
        self._state: Dict[str, Tuple[int, int]] = {}  # asset id -> (done bytes, total bytes or 0)
        self._fetched = 0
        self.manifest: Optional[Manifest] = None

    # ------------------------------------------------------------------ public
    def download(self, assets: Iterable[Any]) -> DownloadReport:
        """``assets``: asset dicts / Asset models / ids. Already downloaded ones are skipped."""
        os.makedirs(os.path.join(self.folder, PARTIAL_DIR), exist_ok=True)
        self.manifest = Manifest(self.folder)
        report = DownloadReport(self.folder)
        todo: List[Tuple[str, str]] = []
        seen = set()
        for a in assets:
            asset_id, name = _asset_id_name(a)
            if not asset_id or asset_id in seen:
                continue
            seen.add(asset_id)
            files = self.manifest.files(asset_id)
            if files:
                report.results[asset_id] = AssetResult(asset_id, files, already=True)
                self._state[asset_id] = (1, 1)
            else:
                todo.append((asset_id, name))
                self._state[asset_id] = (0, 0)
        self._report()
        if todo:
            with ThreadPoolExecutor(max_workers=min(self.concurrency, len(todo)),
                                    thread_name_prefix="pixxel-download") as pool:
                futures = {pool.submit(self._one, aid, name): aid for aid, name in todo}
                for fut, aid in futures.items():
                    try:
                        report.results[aid] = fut.result()
                    except CancelledError:
                        report.cancelled = True
                    except PixxelError as exc:
                        report.errors[aid] = str(exc)
                    except OSError as exc:
                        report.errors[aid] = (f"Could not write the download of asset {aid} in {self.folder} "
                                              f"({exc.strerror or exc}). Check the folder is writable and "
                                              "has free space.")
        if self._cancelled():
            report.cancelled = True
        return report

    # ------------------------------------------------------------------ one asset
    def _one(self, asset_id: str, name: str) -> AssetResult:
        self._check_cancel()
        result = AssetResult(asset_id)
        download = self._request(asset_id)
        part = os.path.join(self.folder, PARTIAL_DIR, _safe(asset_id) + ".part")
        meta_path = part + ".json"
        url = _check_url(download.signed_url)
        failures = 0
        content_type = ""
        total = 0
        while True:
            self._check_cancel()
            have = os.path.getsize(part) if os.path.exists(part) else 0
            etag = _read_meta(meta_path).get("etag") if have else None  # the ETag of the bytes we have
            try:
                status, total, content_type, etag = self._fetch(url, part, have, etag, asset_id, meta_path)
            except (PixxelConnectionError, PixxelTimeoutError, ServerError) as exc:
                now = os.path.getsize(part) if os.path.exists(part) else 0
                failures = 0 if now > have else failures + 1  # progress made: the count starts again
                if failures > self.max_resumes:
                    raise DownloadError(f"Could not download asset {name}: {exc.what}") from None
                result.resumed += 1
                log.info("download of %s interrupted (%s); resuming at %d bytes", asset_id, type(exc).__name__, now)
                self._sleep(min(0.2 * (2 ** failures), 5.0))
                continue
            except AuthError:
                if result.renewed >= self.max_renewals:
                    raise DownloadError(
                        f"Could not download asset {name}: the storage host keeps refusing the signed link "
                        "(HTTP 403) even after it was renewed",
                        hint="Check your computer's clock, then try again; the bytes fetched are kept.",
                    ) from None
                result.renewed += 1
                download = self._renew(asset_id, download, url)
                url = _check_url(download.signed_url)
                continue
            if status == "done":
                break
        self._check_cancel()
        final = self._finish(part, meta_path, url, content_type, total, download, asset_id, name)
        result.files = final
        result.bytes = total
        self.manifest.add(asset_id, final, total, getattr(download, "download_id", None))  # type: ignore[union-attr]
        with self._lock:
            self._state[asset_id] = (1, 1)
        self._report()
        return result

    def _request(self, asset_id: str) -> Any:
        """POST the download request (never retried blindly), then follow its status until it is ready."""
        download = self.client.create_download(self.aoi_id, [asset_id], cancelled=self._cancelled)
        return self._wait_ready(asset_id, download)

    def _wait_ready(self, asset_id: str, download: Any) -> Any:
        end = time.monotonic() + self.max_wait_s
        delay = min(0.25, self.poll_s)
        while True:
            status = (download.status or "").strip().lower()
            if status in FAILED:
                raise DownloadError(f"The Pixxel service could not prepare the download of asset {asset_id} "
                                    f"(status {clean_text(download.status, 40)!r})",
                                    hint="Try again later, or contact Pixxel support if it keeps failing.")
            if download.signed_url and (status in READY or not status):
                return download
            if not download.download_id:
                raise ResponseFormatError("The download request's answer has neither a signed URL nor a "
                                          "download_id to follow", field="download_id")
            if time.monotonic() > end:
                raise DownloadError(f"The download of asset {asset_id} was not ready after "
                                    f"{self.max_wait_s:.0f} s (status {clean_text(download.status, 40)!r})",
                                    hint="Try again later; Pixxel may still be preparing it.")
            self._sleep(delay)
            delay = min(delay * 1.5, self.poll_s)
            download = self.client.get_download(self.aoi_id, download.download_id, cancelled=self._cancelled)

    def _renew(self, asset_id: str, download: Any, old_url: str) -> Any:
        """A fresh signed URL: read the download again; if it gives the same URL, request a new download."""
        log.info("signed URL of %s refused by storage; renewing it", asset_id)
        if download.download_id:
            try:
                fresh = self._wait_ready(asset_id, self.client.get_download(self.aoi_id, download.download_id,
                                                                            cancelled=self._cancelled))
                if fresh.signed_url and fresh.signed_url != old_url:
                    return fresh
            except NotFoundError:
                pass
        return self._request(asset_id)

    def _fetch(self, url: str, part: str, have: int, etag: Optional[str], asset_id: str,
               meta_path: str) -> Tuple[str, int, str, Optional[str]]:
        headers = {"Accept": "*/*", "Accept-Encoding": "identity"}
        if have > 0:
            headers["Range"] = f"bytes={have}-"
            if etag:
                headers["If-Range"] = etag
        session = self.client.transport.session
        op = f"download {_shown(url)}"
        try:
            # auth=None and no Authorization in the session headers: the key never goes to storage
            response = session.get(url, headers=headers, stream=True, timeout=(min(self.timeout, 10.0), self.timeout),
                                   allow_redirects=True, auth=None)
        except requests.exceptions.Timeout:
            raise PixxelTimeoutError(f"Could not {op}: no answer within {self.timeout:g} s") from None
        except requests.exceptions.RequestException as exc:
            raise PixxelConnectionError(f"Could not {op}: no connection ({type(exc).__name__})") from None
        try:
            code = response.status_code
            if code in (401, 403):
                raise AuthError(f"Could not {op}: the storage host refused the signed link (HTTP {code})",
                                status=code)
            if code == 416 and have > 0:
                total = _total_from_range(response.headers.get("Content-Range"))
                if total == have:
                    return "done", total, response.headers.get("Content-Type", ""), etag
                os.remove(part)  # the partial file does not match the file on the server: start again
                return "again", 0, "", None
            if code >= 500:
                raise ServerError(f"Could not {op}: the storage host failed (HTTP {code})", status=code)
            if code not in (200, 206):
                raise DownloadError(f"Could not {op}: HTTP {code}", status=code,
                                    hint="The link may be wrong or withdrawn; try the download again later.")
            new_etag = response.headers.get("ETag")
            if code == 206:
                start, _end, total = _parse_content_range(response.headers.get("Content-Range"))
                if start != have:
                    os.remove(part)
                    return "again", 0, "", None
                mode = "ab"
            else:
                total = int(response.headers.get("Content-Length") or 0)
                have = 0
                mode = "wb"
            _write_meta(meta_path, {"etag": new_etag, "total": total, "url": _shown(url)})
            with self._lock:
                self._state[asset_id] = (have, total)
            written = have
            try:
                with open(part, mode) as fh:
                    for chunk in _body_chunks(response):
                        if self._cancelled():
                            raise CancelledError("The download was cancelled")
                        fh.write(chunk)
                        written += len(chunk)
                        self._advance(asset_id, written, total, len(chunk))
            except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as exc:
                raise PixxelConnectionError(f"Could not {op}: the connection broke after {written} bytes "
                                            f"({type(exc).__name__})") from None
            if total and written < total:
                raise PixxelConnectionError(f"Could not {op}: the connection closed after {written} of {total} "
                                            "bytes")
            return "done", total or written, response.headers.get("Content-Type", ""), new_etag
        finally:
            response.close()

    def _finish(self, part: str, meta_path: str, url: str, content_type: str, total: int, download: Any,
                asset_id: str, name: str) -> List[str]:
        size = os.path.getsize(part)
        if total and size != total:
            os.remove(part)
            raise DownloadError(f"The download of asset {name} has {size} bytes instead of {total}; it was "
                                "discarded")
        expected = _expected_sha256(download)
        if expected and _sha256(part) != expected:
            os.remove(part)
            raise DownloadError(f"The download of asset {name} does not match its SHA-256 checksum; it was "
                                "discarded")
        ext = _sniff_ext(part, url, content_type)
        stem = f"{_safe(name, 'asset', 60)}_{_safe(asset_id, '', 8)}"
        final = os.path.join(self.folder, stem + ext)
        os.replace(part, final)
        try:
            os.remove(meta_path)
        except OSError:
            pass
        if ext == ".zip":
            files = unpack_zip(final, os.path.join(self.folder, stem))
            os.remove(final)
            return files
        return [final]

    # ------------------------------------------------------------------ progress / cancel
    def _advance(self, asset_id: str, done: int, total: int, n: int) -> None:
        with self._lock:
            self._state[asset_id] = (done, total)
            self._fetched += n
        self._report()

    def _report(self) -> None:
        if self._progress is None:
            return
        with self._lock:
            states = list(self._state.values())
            fetched = self._fetched
        if not states:
            return
        frac = sum(min(1.0, d / t) if t else 0.0 for d, t in states) / len(states)
        self._progress(100.0 * frac, fetched)

    def _check_cancel(self) -> None:
        if self._cancelled():
            raise CancelledError("The download was cancelled")

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self._check_cancel()
            time.sleep(min(0.05, max(0.0, end - time.monotonic())))


def _asset_id_name(a: Any) -> Tuple[str, str]:
    if isinstance(a, str):
        return a, a
    if isinstance(a, dict):
        return str(a.get("id") or ""), str(a.get("name") or a.get("id") or "")
    aid = str(getattr(a, "id", "") or "")
    return aid, str(getattr(a, "name", None) or aid)


def _parse_content_range(value: Optional[str]) -> Tuple[int, int, int]:
    m = re.match(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", value or "")
    if not m:
        raise ResponseFormatError(f"The storage host answered a partial download without a valid Content-Range "
                                  f"({clean_text(value or '', 60)!r})", field="Content-Range")
    total = int(m.group(3)) if m.group(3) != "*" else 0
    return int(m.group(1)), int(m.group(2)), total


def _total_from_range(value: Optional[str]) -> int:
    m = re.match(r"^\s*bytes\s+\*/(\d+)\s*$", value or "")
    return int(m.group(1)) if m else -1


def _read_meta(path: str) -> Dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_meta(path: str, data: Dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
