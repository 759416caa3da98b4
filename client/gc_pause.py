"""One pause switch for Python's cyclic garbage collector, shared by the pager and the asset load.

Decoding and building asset pages makes hundreds of thousands of dicts and lists (no cycles: reference
counting frees them). Each full collection those allocations trigger walks every object of the process
with the GIL held (measured 50-110 ms for 10k assets), freezing the QGIS main thread and stalling the page
threads (``make bench``: Pagination, Responsiveness). One counter for every user, so nested or concurrent
pauses from different modules never turn the collector back on while another still needs it paused.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_pauses = 0  # blocks running with the collector paused
_was_enabled: bool  # the collector's state before the first of them (set by that pause)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a block (re-entrant, thread-safe); the last block to finish
    restores the state found by the first (a collector disabled by someone else stays disabled)."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()


def paused_here() -> bool:
    """True while a ``gc_paused`` block runs and the collector was enabled before the first of them (so a
    collection the caller would have had anyway may be run at a convenient moment, e.g. while idle)."""
    with _lock:
        return _pauses > 0 and _was_enabled
