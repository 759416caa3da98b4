"""Fault injection: what can go wrong on a request, and the thread-safe countdowns that decide it.

A `Faults` value is a plan; `FaultInjector` holds the plan and its remaining counts. Each request that
matches `path_filter`/`methods` asks `decide()` once; it consumes at most one counted fault, in this
order: resets, rate_limit, error_burst, html_errors, malformed. `latency_s` and `slow_body_s` are not
counted (every matching request), unless `slow_bodies` limits the slow bodies to the next N.
"""

from __future__ import annotations

import copy
import re
import threading
from dataclasses import dataclass, field, replace
from typing import Any, Dict, FrozenSet, Iterable, Optional


@dataclass(frozen=True)
class Faults:
    latency_s: float = 0.0  # sleep before answering, every matching request
    error_burst: int = 0  # next N requests answer `error_status` with the JSON error body
    error_status: int = 500
    html_errors: int = 0  # next N requests answer a 502 HTML page (a proxy error)
    rate_limit: int = 0  # next N requests answer 429 with Retry-After
    retry_after_s: float = 1.0
    resets: int = 0  # next N requests: the connection is closed without a response
    slow_body_s: float = 0.0  # send the headers and a first byte, then stall this long before the rest
    slow_bodies: Optional[int] = None  # None: every matching request is slow; N: only the next N
    malformed: int = 0  # next N requests answer their status with a broken (truncated) JSON body
    drift: bool = False  # extra unknown fields, missing optional fields, null geometry on some records
    lose_create_response: int = 0  # next N creates are committed, then the connection is dropped
    revoke_key_after: Optional[int] = None  # after N authorized requests every key is refused
    path_filter: Optional[str] = None  # regex (re.search on the path): faults apply only to these paths
    methods: Optional[FrozenSet[str]] = None  # e.g. {"POST"}: faults apply only to these methods

    def __post_init__(self):
        if self.methods is not None and not isinstance(self.methods, frozenset):
            object.__setattr__(self, "methods", frozenset(m.upper() for m in self.methods))
        if self.path_filter is not None:
            re.compile(self.path_filter)
        for name in ("error_burst", "html_errors", "rate_limit", "resets", "malformed", "lose_create_response"):
            if getattr(self, name) < 0:
                raise ValueError(f"Faults.{name} must be >= 0")
        if not (400 <= self.error_status <= 599):
            raise ValueError("Faults.error_status must be an HTTP error status")


@dataclass
class Decision:
    """What one request suffers. `action` is None (serve normally) or the fault that replaces the answer."""

    latency_s: float = 0.0
    action: Optional[str] = None  # "reset" | "rate_limit" | "error" | "html_error"
    malformed: bool = False
    slow_body_s: float = 0.0
    drift: bool = False
    error_status: int = 500
    retry_after_s: float = 1.0


_COUNTED = ("resets", "rate_limit", "error_burst", "html_errors", "malformed")


@dataclass
class FaultInjector:
    faults: Faults = field(default_factory=Faults)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._set(self.faults)

    def _set(self, faults: Faults) -> None:
        self.faults = faults
        self._left: Dict[str, Any] = {name: getattr(faults, name) for name in _COUNTED}
        self._left["lose_create_response"] = faults.lose_create_response
        self._left["slow_bodies"] = faults.slow_bodies
        self._authorized = 0
        self._regex = re.compile(faults.path_filter) if faults.path_filter else None

    def set(self, faults: Faults) -> None:
        """Replace the plan; counts start again from the new values."""
        with self._lock:
            self._set(faults)

    def remaining(self) -> Dict[str, Any]:
        with self._lock:
            return dict(self._left, authorized=self._authorized)

    def matches(self, method: str, path: str) -> bool:
        f = self.faults
        if f.methods is not None and method.upper() not in f.methods:
            return False
        return self._regex is None or bool(self._regex.search(path))

    def decide(self, method: str, path: str) -> Decision:
        with self._lock:
            f = self.faults
            if not self.matches(method, path):
                return Decision(error_status=f.error_status, retry_after_s=f.retry_after_s)
            d = Decision(latency_s=f.latency_s, drift=f.drift, error_status=f.error_status,
                         retry_after_s=f.retry_after_s)  # fmt: skip
            for name, action in (("resets", "reset"), ("rate_limit", "rate_limit"),
                                 ("error_burst", "error"), ("html_errors", "html_error")):  # fmt: skip
                if self._left[name] > 0:
                    self._left[name] -= 1
                    d.action = action
                    return d
            if self._left["malformed"] > 0:
                self._left["malformed"] -= 1
                d.malformed = True
            if f.slow_body_s > 0:
                left = self._left["slow_bodies"]
                if left is None:
                    d.slow_body_s = f.slow_body_s
                elif left > 0:
                    self._left["slow_bodies"] = left - 1
                    d.slow_body_s = f.slow_body_s
            return d

    def key_revoked(self, method: str, path: str) -> bool:
        """Count one authorized request; True once more than `revoke_key_after` were served."""
        with self._lock:
            limit = self.faults.revoke_key_after
            if limit is None or not self.matches(method, path):
                return False
            if self._authorized >= limit:
                return True
            self._authorized += 1
            return False

    def take_lost_create(self) -> bool:
        with self._lock:
            if self._left["lose_create_response"] > 0:
                self._left["lose_create_response"] -= 1
                return True
            return False


def faults_from(base: Faults, **changes: Any) -> Faults:
    return replace(base, **changes)


# ------------------------------------------------------------------------------------------- payloads


def malform(body: bytes) -> bytes:
    """A body that no JSON parser accepts: cut in the middle, with a stray byte sequence."""
    cut = max(1, len(body) // 2)
    return body[:cut] + b'\x00,"<<truncated'


def drift_aoi(aoi: Dict[str, Any], index: int) -> Dict[str, Any]:
    out = copy.deepcopy(aoi)
    out["x_internal_region"] = "ap-south-1"
    out["tags"] = ["sim", "drift"]
    out.pop("is_favourite", None)
    out.pop("images", None)
    if index % 2 == 1:  # the older field name and timestamp form documented on the older page
        out["lens_satellite_id"] = out.pop("satellite_id", None)
        for key in ("created_at", "updated_at"):
            if isinstance(out.get(key), str):
                out[key] = out[key].replace("T", " ", 1)
    if index % 3 == 2:
        out["geometry"] = None
        out.pop("centroid", None)
    return out


def drift_asset(asset: Dict[str, Any], index: int) -> Dict[str, Any]:
    out = dict(asset)
    out["x_processing_node"] = f"node-{index % 4}"
    out["quality"] = {"score": round((index * 37 % 100) / 100, 2), "flags": []}
    if index % 5 == 1:
        for key in ("description", "visualization_id", "resolution", "path"):
            out.pop(key, None)
    if index % 7 == 3:
        out["geometry"] = None
    if index % 11 == 6:
        out["band_list"] = None
        out["centroid"] = None
    return out


def drift_item(item: Dict[str, Any], index: int) -> Dict[str, Any]:
    out = copy.deepcopy(item)
    out["x_provider_score"] = index % 10
    out["bbox"] = [str(v) for v in out.get("bbox") or []]  # the spec's form: an array of strings
    out["properties"]["x_processing_baseline"] = "05.10"
    if index % 2 == 0:
        out.pop("links", None)
        out.pop("stac_extensions", None)
        out["properties"].pop("view:sun_azimuth", None)
    return out


def drift_record(record: Dict[str, Any]) -> Dict[str, Any]:
    out = dict(record)
    out["x_sim_extra"] = {"note": "field added by a newer API version"}
    return out


def drift_list(records: Iterable[Dict[str, Any]]):
    return [drift_record(r) for r in records]
