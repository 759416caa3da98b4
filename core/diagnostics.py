"""The diagnostics report (panel: Diagnostics) and the last API errors it lists.

The report is plain text to paste into a support ticket: plugin, QGIS, Qt, Python and package versions,
platform, the plugin's dependency folder, QGIS's proxy mode (never a password), the base URL and the last
API errors (status, endpoint, request id when the server sent one). It never holds the API key: the key is
not read here, and every line is passed through ``redact`` with the stored key as a last guard.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import platform
import sys
import threading
from typing import Deque, Dict, List, Optional

from .. import deps

MAX_ERRORS = 10
_errors: Deque[Dict[str, str]] = collections.deque(maxlen=MAX_ERRORS)
_lock = threading.Lock()


def record_error(exc: BaseException) -> None:
    """Remember an API failure for the report (status, endpoint, request id; no message text from the
    server beyond its error code, no key). Safe from any thread."""
    entry = {
        "time": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "error": type(exc).__name__,
        "status": str(getattr(exc, "status", "") or ""),
        "endpoint": " ".join(x for x in (getattr(exc, "method", None), getattr(exc, "path", None)) if x),
        "code": str(getattr(exc, "code", "") or ""),
        "request_id": str(getattr(exc, "request_id", "") or ""),
    }
    with _lock:
        _errors.append(entry)


def last_errors() -> List[Dict[str, str]]:
    with _lock:
        return list(_errors)


def clear_errors() -> None:
    with _lock:
        _errors.clear()


def _plugin_version() -> str:
    import configparser

    parser = configparser.ConfigParser()
    parser.read(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "metadata.txt"),
                encoding="utf-8")
    return parser.get("general", "version", fallback="?")


def _package_versions() -> List[str]:
    lines = []
    for name in ("pydantic", "pydantic_core", "shapely", "numpy", "requests", "urllib3", "certifi", "socks"):
        found, version = deps._probe(name, True)
        if not found:
            lines.append(f"  {name}: not installed")
            continue
        where = ""
        module = sys.modules.get(name)
        origin = getattr(module, "__file__", None) if module is not None else None
        if origin is None:
            try:
                import importlib.util

                spec = importlib.util.find_spec(name)
                origin = spec.origin if spec else None
            except Exception:  # noqa: BLE001
                origin = None
        if origin:
            where = f" ({os.path.dirname(origin)})"
        lines.append(f"  {name}: {version or 'version unknown'}{where}")
    return lines


def report(key: Optional[str] = None) -> str:
    """The report text. ``key`` (the stored API key, if the caller has it) is redacted should it ever
    appear; it is never added."""
    from qgis.core import Qgis
    from qgis.PyQt.QtCore import QT_VERSION_STR

    from . import connection, network

    try:
        base_url = connection.stored_base_url()
        has_key = connection.has_stored_key()
    except Exception as exc:  # noqa: BLE001
        base_url, has_key = f"unreadable ({type(exc).__name__})", False
    missing = deps.missing_dependencies()
    lines = [
        "Pixxel for QGIS diagnostics",
        f"Plugin: {_plugin_version()}",
        f"QGIS: {Qgis.QGIS_VERSION} ({Qgis.QGIS_VERSION_INT})",
        f"Qt: {QT_VERSION_STR}",
        f"Python: {sys.version.split()[0]} ({sys.executable}); QGIS's interpreter: {deps.python_executable()}",
        f"Platform: {platform.platform()} ({sys.platform})",
        f"Dependency folder: {deps.dependency_dir()} "
        f"({'on sys.path' if deps.dependency_dir() in sys.path else 'not on sys.path'})",
        "Missing packages: " + (", ".join(m.describe() for m in missing) or "none"),
        "Packages:",
        *_package_versions(),
        f"Proxy: {network.describe()}",
        f"Network timeout: {network.read_settings().timeout_s:g} s",
        f"Base URL: {base_url}",
        f"API key stored: {'yes' if has_key else 'no'}",
        "Last API errors:" if last_errors() else "Last API errors: none",
    ]
    for e in reversed(last_errors()):
        parts = [e["time"], e["error"]]
        if e["status"]:
            parts.append(f"HTTP {e['status']}")
        if e["endpoint"]:
            parts.append(e["endpoint"])
        if e["code"]:
            parts.append(f"code {e['code']}")
        if e["request_id"]:
            parts.append(f"request id {e['request_id']}")
        lines.append("  " + ", ".join(parts))
    text = "\n".join(lines)
    if key and key in text:
        text = text.replace(key, "<redacted>")
    return text
