"""When the board asks about which AOI: per-AOI backoff and a global bound on requests per minute.

QGIS-free and clock-free (every method takes ``now``, in seconds), so the bound is testable with a fake clock.

- Only AOIs that are not final are watched; a final answer drops the AOI.
- Each AOI waits ``initial_delay`` after it is watched or changed; while its answers do not change, the
  wait grows by ``factor`` up to ``max_delay`` (a long job is asked about less and less often).
- Requests are spaced evenly: never two within ``60 / max_per_minute`` seconds, so any 60 s window holds at
  most ``max_per_minute`` requests (+1 at the window's edge), however many AOIs are watched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional

#: the board's defaults: minutes-to-days jobs, a few requests a minute at most
DEFAULT_MAX_PER_MINUTE = 12
DEFAULT_INITIAL_DELAY = 10.0
DEFAULT_FACTOR = 1.5
DEFAULT_MAX_DELAY = 600.0


@dataclass
class _Watch:
    due: float
    delay: float
    signature: Optional[tuple] = None


class Schedule:
    def __init__(self, max_per_minute: float = DEFAULT_MAX_PER_MINUTE, initial_delay: float = DEFAULT_INITIAL_DELAY,
                 factor: float = DEFAULT_FACTOR, max_delay: float = DEFAULT_MAX_DELAY):
        if max_per_minute <= 0:
            raise ValueError("max_per_minute must be > 0")
        self.interval = 60.0 / float(max_per_minute)
        self.initial_delay = float(initial_delay)
        self.factor = float(factor)
        self.max_delay = float(max_delay)
        self._watched: Dict[str, _Watch] = {}
        self._last_request: Optional[float] = None

    # ------------------------------------------------------------------ what is watched
    def watch(self, aoi_id: str, now: float, signature: Optional[tuple] = None, immediately: bool = True) -> None:
        """Watch an AOI (again); ``immediately``: its first request is due now (e.g. a project just opened)."""
        if aoi_id in self._watched:
            return
        self._watched[aoi_id] = _Watch(now if immediately else now + self.initial_delay, self.initial_delay,
                                       signature)

    def forget(self, aoi_id: str) -> None:
        self._watched.pop(aoi_id, None)

    def clear(self) -> None:
        self._watched.clear()

    @property
    def watched(self) -> List[str]:
        return list(self._watched)

    def __len__(self) -> int:
        return len(self._watched)

    # ------------------------------------------------------------------ asking
    def next_due(self, now: float) -> Optional[str]:
        """The AOI to ask about now, or None (nothing due, or the rate bound says wait). Taking it counts as
        a request: the caller sends it."""
        if not self._watched:
            return None
        if self._last_request is not None and now - self._last_request < self.interval:
            return None
        aoi_id, watch = min(self._watched.items(), key=lambda kv: kv[1].due)
        if watch.due > now:
            return None
        self._last_request = now
        watch.due = float("inf")  # in flight until answered()/failed()
        return aoi_id

    def answered(self, aoi_id: str, now: float, signature: tuple, final: bool) -> bool:
        """Record an answer; True when it differs from the previous one (the board then updates the layer)."""
        watch = self._watched.get(aoi_id)
        if watch is None:
            return False
        changed = signature != watch.signature
        if final:
            self.forget(aoi_id)
            return changed
        watch.delay = self.initial_delay if changed else min(watch.delay * self.factor, self.max_delay)
        watch.signature = signature
        watch.due = now + watch.delay
        return changed

    def failed(self, aoi_id: str, now: float) -> None:
        """A failed request: ask again later, backing off as for an unchanged answer."""
        watch = self._watched.get(aoi_id)
        if watch is not None:
            watch.delay = min(watch.delay * self.factor, self.max_delay)
            watch.due = now + watch.delay
