"""HTTP transport: session, timeouts, retries with backoff, the API key kept to the API host, redaction.

Rules kept here:
- every request has a timeout, and the body is read against a deadline and a size limit;
- idempotent requests (GET, and the read-only search POST) are retried on 429/502/503/504, timeouts and
  connection errors with exponential backoff and full jitter, honouring Retry-After, within a total
  time budget; other requests are never retried here (create_aoi has its own duplicate-safe loop);
- the ``Authorization`` header is attached per request only when the URL's scheme, host and port equal
  the base URL's, and is removed on any redirect that leaves that origin;
- nothing logged or raised contains the key or the request headers.
- the environment (proxy and CA-bundle variables) is read once per Transport, not on every request:
  ``trust_env`` is on only when a proxy is configured there; explicit ``proxies=`` always apply.
"""

from __future__ import annotations

import email.utils
import functools
import ipaddress
import json
import logging
import os
import random
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterable, Iterator, Optional, Tuple
from urllib.parse import urlsplit
from urllib.request import getproxies

import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase

from .defaults import DEFAULT_BASE_URL
from .errors import (
    AuthError,
    CancelledError,
    ConfigurationError,
    ConflictError,
    NotFoundError,
    PixxelConnectionError,
    PixxelError,
    PixxelTimeoutError,
    RateLimitError,
    RequestValidationError,
    ResponseFormatError,
    ServerError,
    clean_text,
)

log = logging.getLogger("pixxel_qgis.client")

USER_AGENT = "pixxel-qgis-client/1.0"
RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_BODY_BYTES = 256 * 1024 * 1024


def _environment_proxies() -> bool:
    """True if the environment (or the OS proxy settings) configures a proxy."""
    try:
        return bool(getproxies())
    except Exception:  # noqa: BLE001 - unreadable OS proxy settings: let requests consult them per request
        return True


def _environment_verify(verify: Any) -> Any:
    """What requests would verify against: REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE replace ``True``."""
    if verify is True or verify is None:
        return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    return verify


def _origin(url: str) -> Tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = (parts.scheme or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        port = 443 if scheme == "https" else 80 if scheme == "http" else -1
    return scheme, (parts.hostname or "").lower(), port


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_base_url(base_url: str) -> str:
    """Validate the base URL: https, or http only for loopback hosts. Returns it without a trailing '/'."""
    if not isinstance(base_url, str) or not base_url.strip():
        raise ConfigurationError("The Pixxel base URL is empty", field="base_url")
    url = base_url.strip().rstrip("/")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        raise ConfigurationError(
            f"The Pixxel base URL {clean_text(url, 100)!r} is not a web address",
            hint=f"Use {DEFAULT_BASE_URL} (the default) or another https:// address.",
            field="base_url",
        )
    if parts.username or parts.password:
        raise ConfigurationError(
            "The Pixxel base URL must not contain a user name or password",
            hint="Remove the 'user:password@' part; the API key goes in its own setting.",
            field="base_url",
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(
            "The Pixxel base URL must not contain '?' or '#' parts", field="base_url"
        )
    try:
        parts.port  # noqa: B018 (validates the port)
    except ValueError:
        raise ConfigurationError("The Pixxel base URL has an invalid port", field="base_url") from None
    if scheme == "http" and not _is_loopback(host):
        raise ConfigurationError(
            f"The Pixxel base URL {clean_text(url, 100)!r} uses plain http://, which would send your API key "
            "unencrypted",
            hint=f"Use https:// (the default is {DEFAULT_BASE_URL}); http:// is only allowed for local test "
            "servers (127.0.0.1, localhost, ::1).",
            field="base_url",
        )
    return url


class _ApiKeyAuth(AuthBase):
    """Adds ``Authorization: <key>`` only for URLs on the API origin."""

    def __init__(self, key: str, origin: Tuple[str, str, int]) -> None:
        self._key = key
        self._origin = origin

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers.pop("Authorization", None)
        if _origin(request.url or "") == self._origin:
            request.headers["Authorization"] = self._key
        return request

    def __repr__(self) -> str:
        return "<API key auth (redacted)>"


class _KeyGuardSession(requests.Session):
    """A Session whose redirects never carry the key to another origin and never consult .netrc."""

    key_auth: Optional[_ApiKeyAuth] = None

    def rebuild_auth(self, prepared_request, response):
        prepared_request.headers.pop("Authorization", None)
        if self.key_auth is not None:
            self.key_auth(prepared_request)

    def __repr__(self) -> str:
        return "<Pixxel session>"


class Transport:
    """One configured HTTP connection pool to the Pixxel API."""

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 30.0,
        retry_budget_s: float = 60.0,
        max_retries: int = 6,
        backoff_base_s: float = 0.5,
        backoff_max_s: float = 20.0,
        concurrency: int = 4,
        max_body_bytes: int = MAX_BODY_BYTES,
        verify: Any = True,
        proxies: Optional[Dict[str, Optional[str]]] = None,
        user_agent: str = USER_AGENT,
        sleep: Callable[[float], None] = time.sleep,
        proxy_rules: Iterable[Tuple[str, Optional[Dict[str, Optional[str]]]]] = (),
        insecure_hosts: Iterable[str] = (),
    ) -> None:
        """``proxies`` maps a scheme to a proxy URL (a value None: no proxy for that scheme; given explicitly,
        it wins over the environment's proxy variables); ``proxy_rules`` are ``(url_prefix, proxies)`` pairs,
        the first whose prefix starts the URL choosing that URL's proxies instead (``{"https": None}``:
        direct); ``verify`` is requests' (True, False or a CA bundle path); ``insecure_hosts`` lists
        ``host:port`` origins whose certificate is not verified (a server exception the user made)."""
        if not isinstance(api_key, str) or not api_key.strip():
            raise ConfigurationError("No Pixxel API key is set", hint="Enter your API key in the Pixxel panel's "
                                     "Connection settings.", field="api_key")
        if any(c in api_key for c in "\r\n\x00"):
            raise ConfigurationError("The API key contains a line break or control character", hint="Paste the "
                                     "key again in the Pixxel panel's Connection settings.", field="api_key")
        if not timeout or timeout <= 0:
            raise ConfigurationError("The timeout must be a positive number of seconds", field="timeout")
        self.base_url = normalize_base_url(base_url)
        self._origin = _origin(self.base_url)
        self.__key = api_key.strip()
        self.timeout = float(timeout)
        self.retry_budget_s = max(0.0, float(retry_budget_s))
        self.max_retries = max(0, int(max_retries))
        self.backoff_base_s = max(0.0, float(backoff_base_s))
        self.backoff_max_s = max(self.backoff_base_s, float(backoff_max_s))
        self.concurrency = max(1, int(concurrency))
        self.max_body_bytes = int(max_body_bytes)
        self._sleep = sleep
        self._auth = _ApiKeyAuth(self.__key, self._origin)
        self._local = threading.local()

        session = _KeyGuardSession()
        session.key_auth = self._auth
        session.max_redirects = 5
        # requests' trust_env re-reads the proxy variables (a scan of os.environ) and the CA-bundle variables
        # on every request: ~0.35 ms of GIL-bound CPU per call, measurable when pages are fetched
        # concurrently. The environment is read once here instead: the CA bundle it names (as requests
        # would use it) becomes the session's ``verify``; trust_env stays on only when the environment or
        # the OS configures a proxy (so environment proxies and no_proxy keep working exactly as in
        # requests). Proxies passed explicitly (``proxies=``) apply either way. (.netrc is never used:
        # the key goes in per request.)
        session.verify = _environment_verify(verify)
        self._proxies = dict(proxies) if proxies is not None else None
        self._proxy_rules = [(str(prefix), dict(p) if p is not None else None) for prefix, p in proxy_rules]
        self._insecure = frozenset(h.lower() for h in insecure_hosts)
        if proxies:
            session.proxies.update({k: v for k, v in proxies.items() if v})
        session.trust_env = _environment_proxies()
        session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=self.concurrency + 1, max_retries=0)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        self.session = session

    # ------------------------------------------------------------------ hygiene

    def __repr__(self) -> str:
        return f"Transport(base_url={self.base_url!r})"

    def redact(self, text: str) -> str:
        """Remove the key from any text (e.g. a server that echoes it back)."""
        if self.__key and self.__key in text:
            text = text.replace(self.__key, "<redacted>")
        return text

    def close(self) -> None:
        self.session.close()

    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def proxies_for(self, url: str) -> Optional[Dict[str, Optional[str]]]:
        """The per-request ``proxies`` for ``url`` (None: the session's / the environment's)."""
        for prefix, proxies in self._proxy_rules:
            if prefix and url.startswith(prefix):
                return proxies if proxies is not None else {"http": None, "https": None, "all": None}
        return self._proxies

    def verify_for(self, url: str) -> Any:
        """The per-request ``verify`` for ``url``: off only for a host:port the user made an exception for."""
        if self._insecure:
            scheme, host, port = _origin(url)
            if f"{host}:{port}" in self._insecure:
                return False
        return self.session.verify

    # ------------------------------------------------------------------ requests

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Dict[str, Any]] = None,
        json_body: Any = None,
        op: str = "",
        retry: Optional[bool] = None,
        cancelled: Optional[Callable[[], bool]] = None,
        ok: Iterable[int] = (200, 201),
        allow_redirects: Optional[bool] = None,
        defer_decode: bool = False,
    ) -> Any:
        """Send one request (retried if idempotent) and return the decoded JSON body.

        Raises a :class:`PixxelError` subclass for every failure. With ``defer_decode=True`` a successful
        response is returned undecoded, as a zero-argument callable that decodes it (raising the same
        errors as the decoding done here would), so that a page thread can go back to the network while
        another thread decodes (``client.pagination``).
        """
        method = method.upper()
        retry = (method == "GET") if retry is None else retry
        follow = (method == "GET") if allow_redirects is None else allow_redirects
        op = op or f"{method} {path}"
        ok = tuple(ok)
        start = time.monotonic()
        attempt = 0
        while True:
            _check_cancel(cancelled)
            delay: Optional[float] = None
            try:
                return self._once(method, path, params, json_body, op, ok, follow, defer_decode)
            except (PixxelConnectionError, PixxelTimeoutError) as exc:
                if not retry:
                    raise
                error: PixxelError = exc
            except (RateLimitError, ServerError) as exc:
                if not retry or exc.status not in RETRY_STATUSES:
                    raise
                error = exc
                delay = getattr(exc, "retry_after", None)
            attempt += 1
            backoff = self.backoff(attempt)
            wait = max(backoff, delay) if delay is not None else backoff
            elapsed = time.monotonic() - start
            if attempt > self.max_retries or elapsed + wait > self.retry_budget_s:
                if attempt > 1:
                    error.what = f"{error.what.rstrip('.')} (after {attempt} attempts in {elapsed:.0f} s)"
                raise error
            log.info("%s: %s; retry %d in %.2f s", op, type(error).__name__, attempt, wait)
            self._wait(wait, cancelled)

    def download(
        self,
        url: str,
        dest: str,
        *,
        cancelled: Optional[Callable[[], bool]] = None,
        progress: Optional[Callable[[int, int], None]] = None,
    ) -> int:
        """Stream ``url`` (e.g. a signed download URL) to the file ``dest``; returns the byte count.

        The API key is attached only if ``url`` is on the API origin (a signed URL on a storage host never
        gets it, not even through a redirect). Only https, or http on loopback, is fetched.
        """
        parts = urlsplit(url if isinstance(url, str) else "")
        shown = f"{parts.scheme}://{parts.hostname}{parts.path}"  # no query: signed URLs carry secrets
        host = (parts.hostname or "").lower()
        if not host or parts.scheme.lower() not in ("https", "http") or (
            parts.scheme.lower() == "http" and not _is_loopback(host)
        ):
            raise ConfigurationError(
                f"Refusing to download {clean_text(shown, 120)!r}: only https:// addresses are fetched "
                "(http:// only from 127.0.0.1, localhost or ::1)",
                hint="",
                field="url",
            )
        op = f"download {clean_text(shown, 120)}"
        try:
            response = self.session.get(url, auth=self._auth, timeout=(min(self.timeout, 10.0), self.timeout),
                                        stream=True, allow_redirects=True, proxies=self.proxies_for(url),
                                        verify=self.verify_for(url))
        except requests.exceptions.Timeout:
            raise PixxelTimeoutError(f"Could not {op}: no answer within {self.timeout:g} s") from None
        except requests.exceptions.RequestException as exc:
            raise PixxelConnectionError(f"Could not {op}: no connection ({_reason(exc)})") from None
        written = 0
        try:
            if response.status_code != 200:
                body = response.raw.read(4096, decode_content=True) or b""
                raise self._http_error(response.status_code, body, {}, op, "GET", parts.path)
            total = int(response.headers.get("Content-Length") or 0)
            with open(dest, "wb") as fh:
                for chunk in response.iter_content(chunk_size=1024 * 1024):
                    _check_cancel(cancelled)
                    fh.write(chunk)
                    written += len(chunk)
                    if progress:
                        progress(written, total or written)
        except requests.exceptions.RequestException as exc:
            if _is_timeout(exc):
                raise PixxelTimeoutError(f"Could not {op}: the download stalled") from None
            raise PixxelConnectionError(f"Could not {op}: the connection broke ({_reason(exc)})") from None
        finally:
            response.close()
        return written

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: uniform in [cap/2, cap], cap = base * 2**(attempt-1)."""
        cap = min(self.backoff_max_s, self.backoff_base_s * (2 ** max(0, attempt - 1)))
        return random.uniform(cap / 2, cap)

    def _wait(self, seconds: float, cancelled: Optional[Callable[[], bool]]) -> None:
        wait_or_cancel(seconds, cancelled, self._sleep)

    def _once(self, method, path, params, json_body, op, ok, follow, defer_decode) -> Any:
        url = self.url(path)
        started = time.monotonic()
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                json=json_body,
                auth=self._auth,
                timeout=(min(self.timeout, 10.0), self.timeout),
                allow_redirects=follow,
                stream=True,
                proxies=self.proxies_for(url),
                verify=self.verify_for(url),
            )
        except requests.exceptions.Timeout:
            raise PixxelTimeoutError(
                f"Could not {op}: the Pixxel service did not answer within {self.timeout:g} s",
                method=method,
                path=path,
            ) from None
        except requests.exceptions.TooManyRedirects:
            raise ResponseFormatError(f"Could not {op}: too many redirects", method=method, path=path) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            raise PixxelConnectionError(
                f"Could not {op}: no connection to {self.base_url} ({_reason(exc)})", method=method, path=path
            ) from None
        except requests.exceptions.RequestException as exc:
            raise PixxelConnectionError(
                f"Could not {op}: the request failed ({type(exc).__name__})", method=method, path=path
            ) from None
        try:
            status = response.status_code
            body = self._read_body(response, started, op, method, path)
            headers = {k.lower(): v for k, v in response.headers.items()
                       if k.lower() in ("retry-after", "content-type", "x-request-id", "request-id")}
        finally:
            response.close()
        log.debug("%s %s -> %s (%d bytes, %.3f s)", method, path, status, len(body), time.monotonic() - started)
        if status in ok:
            if defer_decode:
                return functools.partial(self._decode, body, op, method, path)
            return self._decode(body, op, method, path)
        error = self._http_error(status, body, headers, op, method, path)
        request_id = headers.get("x-request-id") or headers.get("request-id")
        if request_id:  # for the diagnostics report
            error.request_id = clean_text(request_id, 80)  # type: ignore[attr-defined]
        raise error

    def _read_body(self, response, started, op, method, path) -> bytes:
        deadline = started + 2 * self.timeout
        chunks = []
        size = 0
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise ResponseFormatError(
                f"Could not {op}: the response is too large ({int(declared)} bytes)", method=method, path=path
            )
        try:
            for chunk in response.iter_content(chunk_size=256 * 1024):
                size += len(chunk)
                if size > self.max_body_bytes:
                    raise ResponseFormatError(
                        f"Could not {op}: the response is larger than {self.max_body_bytes} bytes",
                        hint="Request smaller pages (a lower page size).",
                        method=method,
                        path=path,
                    )
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise PixxelTimeoutError(
                        f"Could not {op}: the response took longer than {2 * self.timeout:g} s to arrive",
                        method=method,
                        path=path,
                    )
        except requests.exceptions.Timeout:
            raise PixxelTimeoutError(
                f"Could not {op}: the response stalled for more than {self.timeout:g} s", method=method, path=path
            ) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            if _is_timeout(exc):
                raise PixxelTimeoutError(
                    f"Could not {op}: the response stalled for more than {self.timeout:g} s",
                    method=method,
                    path=path,
                ) from None
            raise PixxelConnectionError(
                f"Could not {op}: the connection broke while reading the response ({_reason(exc)})",
                method=method,
                path=path,
            ) from None
        except requests.exceptions.RequestException as exc:
            raise PixxelConnectionError(
                f"Could not {op}: reading the response failed ({type(exc).__name__})", method=method, path=path
            ) from None
        return b"".join(chunks)

    def _decode(self, body: bytes, op: str, method: str, path: str) -> Any:
        if not body or body.isspace():  # (not body.strip(): that copies the whole body)
            raise ResponseFormatError(f"Could not {op}: the response was empty", method=method, path=path)
        try:
            return json.loads(body)  # bytes straight to the decoder (it detects UTF-8/16/32)
        except RecursionError:
            raise ResponseFormatError(
                f"Could not {op}: the response is nested too deeply to read", method=method, path=path
            ) from None
        except (ValueError, UnicodeDecodeError) as exc:
            where = f" at position {exc.pos}" if isinstance(exc, json.JSONDecodeError) else ""
            snippet = body[:40].decode("utf-8", "replace")
            raise ResponseFormatError(
                f"Could not {op}: the response is not valid JSON{where} (starts with {clean_text(snippet, 40)!r})",
                method=method,
                path=path,
            ) from None

    def _http_error(self, status, body, headers, op, method, path) -> PixxelError:
        code = message = details = raw_details = None
        try:
            data = json.loads(body) if body.strip() else None
        except (ValueError, UnicodeDecodeError, RecursionError):
            data = None
        if isinstance(data, dict):
            err = data.get("error")
            if isinstance(err, dict):
                code, message, details = err.get("code"), err.get("message"), err.get("details")
                raw_details = details
            elif isinstance(err, str):
                message = err
            elif isinstance(data.get("message"), str):
                message = data["message"]
            elif isinstance(data.get("detail"), (str, list)):
                message = data["detail"] if isinstance(data["detail"], str) else json.dumps(data["detail"])[:300]
        message = self.redact(clean_text(message)) if message else None
        code = clean_text(code, 80) if code is not None else None
        if details is not None:
            try:
                details = self.redact(clean_text(json.dumps(details)[:2000], 2000))
            except (TypeError, ValueError):
                details = None
        kw = dict(status=status, code=code, server_message=message, details=details, method=method, path=path)
        if status in (401, 403):
            return AuthError(
                f"Could not {op}: the Pixxel service refused the API key (HTTP {status})", **kw
            )
        if status == 404:
            return NotFoundError(f"Could not {op}: not found (HTTP 404)", **kw)
        if status == 407:  # from a proxy on the way, not from Pixxel
            return PixxelConnectionError(
                f"Could not {op}: the proxy asks for a user name and password (HTTP 407)",
                hint="Enter the proxy's user and password in QGIS under Settings > Options > Network, then try "
                     "again.", **kw)
        if status in (400, 422):
            field = _field_from_details(raw_details)
            return RequestValidationError(f"Could not {op}: the request was refused as invalid (HTTP {status})",
                                          field=field, **kw)
        if status == 409:
            return ConflictError(f"Could not {op}: conflict (HTTP 409)", **kw)
        if status == 429:
            retry_after = parse_retry_after(headers.get("retry-after"))
            hint = None
            if retry_after:
                hint = f"Too many requests: wait about {retry_after:.0f} s and try again."
            return RateLimitError(f"Could not {op}: rate limited (HTTP 429)", retry_after=retry_after, hint=hint, **kw)
        if status >= 500:
            err = ServerError(f"Could not {op}: the Pixxel service failed (HTTP {status})", **kw)
            err.retry_after = parse_retry_after(headers.get("retry-after"))  # type: ignore[attr-defined]
            return err
        if 300 <= status < 400:
            return ResponseFormatError(f"Could not {op}: unexpected redirect (HTTP {status})", **kw)
        return ResponseFormatError(f"Could not {op}: unexpected HTTP status {status}", **kw)


def _field_from_details(details: Any) -> Optional[str]:
    if isinstance(details, dict):
        for key in ("field", "loc", "param", "name"):
            value = details.get(key)
            if isinstance(value, str):
                return clean_text(value, 80)
            if isinstance(value, list):
                return ".".join(str(v) for v in value)[:80]
    if isinstance(details, list) and details and isinstance(details[0], dict):
        return _field_from_details(details[0])
    return None


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Retry-After as seconds (delta-seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - time.time()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, min(seconds, 3600.0))


def _is_timeout(exc: BaseException) -> bool:
    """requests reports a read timeout inside the body as a ConnectionError wrapping urllib3's timeout."""
    from urllib3.exceptions import ReadTimeoutError
    from urllib3.exceptions import TimeoutError as Urllib3Timeout

    seen = 0
    current: Optional[BaseException] = exc
    while current is not None and seen < 10:
        if isinstance(current, (ReadTimeoutError, Urllib3Timeout, TimeoutError)):
            return True
        if any(isinstance(a, (ReadTimeoutError, Urllib3Timeout)) for a in getattr(current, "args", ())):
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return "timed out" in str(exc).lower()


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Connection reset", "Name or service not known", "Remote end closed",
                   "timed out", "Connection aborted", "Temporary failure in name resolution",
                   "No route to host", "certificate verify failed", "Network is unreachable"):
        if marker.lower() in text.lower():
            return marker.lower()
    return type(exc).__name__


_scope = threading.local()


@contextmanager
def cancel_scope(cancelled: Optional[Callable[[], bool]]) -> Iterator[None]:
    """Every request made by this thread inside the block also stops when ``cancelled()`` is true (a
    QgsTask wraps its work in it, so client calls made without a ``cancelled`` argument stay cancellable)."""
    previous = getattr(_scope, "cancelled", None)
    _scope.cancelled = cancelled
    try:
        yield
    finally:
        _scope.cancelled = previous


def current_cancel() -> Optional[Callable[[], bool]]:
    """The ``cancelled`` callback of the innermost :func:`cancel_scope` of this thread, if any."""
    return getattr(_scope, "cancelled", None)


def wait_or_cancel(seconds: float, cancelled: Optional[Callable[[], bool]],
                   sleep: Callable[[float], None] = time.sleep) -> None:
    """Sleep ``seconds`` in slices of at most 0.1 s; raises CancelledError as soon as ``cancelled()`` (or the
    thread's :func:`cancel_scope`) says so."""
    end = time.monotonic() + seconds
    while True:
        _check_cancel(cancelled)
        left = end - time.monotonic()
        if left <= 0:
            return
        sleep(min(left, 0.1))


def _check_cancel(cancelled: Optional[Callable[[], bool]]) -> None:
    if cancelled is not None and cancelled():
        raise CancelledError("Cancelled")
    ambient = current_cancel()
    if ambient is not None and ambient is not cancelled and ambient():
        raise CancelledError("Cancelled")
