"""Create-then-poll and poll-with-backoff as plain functions (no QGIS, no threads of their own).

One implementation for every caller: ``PixxelClient.wait_for_aoi``, the panel's QgsTasks
(``core/tasks/tasks.py``, thin shells that pass their ``isCanceled``/``setProgress`` and emit signals from
the callbacks) and the Processing algorithms (which pass their feedback's ``isCanceled``/``setProgress``).

Every callable is optional:
- ``cancelled() -> bool``: polled before each request and during the waits; true -> ``CancelledError``;
- ``progress(percent)``: the AOI's processing progress, 0-100, after each answer that has one;
- ``on_update(aoi)``: each AOI answer;
- ``on_retry(text)``: a temporary error is retried (at most ``max_transient`` in a row).
"""

from __future__ import annotations

import time
from typing import Any, Callable, Optional

from .errors import (
    CancelledError,
    ConflictError,
    PixxelConnectionError,
    PixxelTimeoutError,
    RateLimitError,
    ServerError,
)

Cancelled = Optional[Callable[[], bool]]

#: errors worth another poll: the AOI is still there, the server or the network hiccupped
TRANSIENT_ERRORS = (ServerError, RateLimitError, PixxelTimeoutError, PixxelConnectionError)


def wait_or_cancel(seconds: float, cancelled: Cancelled) -> None:
    """``transport.wait_or_cancel``, imported on first use: the AOI board imports this module when QGIS
    starts, and the transport (requests, urllib3: ~60 ms) is not needed before the first request."""
    from .transport import wait_or_cancel as wait

    wait(seconds, cancelled)


def status_text(status: Any) -> str:
    """An AOI status (enum or str or None) as its plain value, e.g. "partial_success"."""
    if status is None:
        return "unknown"
    return str(getattr(status, "value", status))


def is_final(status: Any) -> bool:
    """True when an AOI status (enum, str or None) is one the AOI keeps: success, failed, partial_success."""
    from .models import FINAL_AOI_STATUSES

    return status_text(status) in FINAL_AOI_STATUSES


def _check(cancelled: Cancelled) -> None:
    if cancelled is not None and cancelled():
        raise CancelledError("Cancelled")


def create_aoi(client, payload, *, check_name: bool = True, cancelled: Cancelled = None):
    """POST /v0/aois with an ``AOICreate``; the client never duplicates an AOI when it retries.

    With ``check_name`` an AOI of the same name is looked up first and the request is not sent when one
    exists (a ConflictError with the text the server's 409 would give).
    """
    if check_name and client.find_aoi_by_name(payload.name) is not None:
        raise ConflictError(f"An AOI named “{payload.name}” already exists", status=409)
    _check(cancelled)
    return client.create_aoi(payload)


def poll_aoi(
    client,
    aoi_id: str,
    *,
    cancelled: Cancelled = None,
    progress: Optional[Callable[[float], None]] = None,
    on_update: Optional[Callable[[Any], None]] = None,
    on_retry: Optional[Callable[[str], None]] = None,
    initial_delay: float = 1.0,
    factor: float = 1.5,
    max_delay: float = 10.0,
    max_transient: int = 5,
    timeout_s: Optional[float] = None,
    return_on_timeout: bool = False,
):
    """GET /v0/aoi/{id} until the status is final; returns that AOI.

    Waits ``initial_delay`` × ``factor``\\ :sup:`n` (at most ``max_delay``) seconds between polls. After
    ``timeout_s`` seconds: PixxelTimeoutError, or the last answer with ``return_on_timeout``.
    """
    delay = initial_delay
    transient = 0
    started = time.monotonic()
    last = None
    while True:
        _check(cancelled)
        try:
            aoi = client.get_aoi(aoi_id, cancelled=cancelled)
        except TRANSIENT_ERRORS as exc:
            transient += 1
            if transient > max_transient:
                raise
            if on_retry is not None:
                on_retry(f"Retrying ({transient}/{max_transient}) after a temporary error: {exc}")
        else:
            transient = 0
            last = aoi
            percent = getattr(aoi, "progress", None)
            if percent is not None and progress is not None:
                progress(max(0.0, min(100.0, float(percent))))
            if on_update is not None:
                on_update(aoi)
            if is_final(getattr(aoi, "status", None)):
                return aoi
        if timeout_s is not None and time.monotonic() - started > timeout_s:
            if return_on_timeout and last is not None:
                return last
            raise PixxelTimeoutError(
                f"The AOI was still being processed after {timeout_s:.0f} s",
                hint="Load it later from the Existing AOIs list.",
            )
        wait_or_cancel(delay, cancelled)
        delay = min(delay * factor, max_delay)


def create_then_poll(client, payload, *, check_name: bool = True, cancelled: Cancelled = None,
                     on_created: Optional[Callable[[Any], None]] = None, **poll_options):
    """:func:`create_aoi`, then :func:`poll_aoi` unless the new AOI is already final; returns the final AOI.
    ``on_created(aoi)`` gets the AOI the POST returned; ``poll_options`` are :func:`poll_aoi`'s keywords."""
    aoi = create_aoi(client, payload, check_name=check_name, cancelled=cancelled)
    if on_created is not None:
        on_created(aoi)
    if is_final(aoi.status):
        return aoi
    return poll_aoi(client, aoi.aoi_id, cancelled=cancelled, **poll_options)
