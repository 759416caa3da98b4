"""The board's one background poller: a QTimer on the main thread picks the next due AOI
(``schedule.Schedule``: backoff, only non-final AOIs, bounded requests per minute) and asks about it in a
QgsTask (``client.polling.poll_aoi``, one answer); the answer updates the layer in ``finished()``.

Silent while nothing changes: no layer edit, no message, no log line. When an AOI reaches a final status,
``reachedFinal(aoi)`` fires (the plugin shows a message-bar note with a "Load assets" button).
"""

from __future__ import annotations

import time
from typing import Any, Callable, Optional

from qgis.core import QgsVectorLayer
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QObject, QTimer, pyqtSignal

from ...client import polling
from ..tasks.tasks import PixxelTask, TaskKeeper
from . import layer as board_layer
from .model import BoardModel
from .schedule import Schedule


class BoardPollTask(PixxelTask):
    """One GET /v0/aoi/{id} through ``polling.poll_aoi`` (no transient retry here: the schedule retries
    later); on a final status, the asset count too (one small page)."""

    def __init__(self, client, aoi_id: str, on_done, on_error):
        super().__init__(f"Pixxel: AOI board ({aoi_id[:8]})", on_done, on_error)
        self.client = client
        self.aoi_id = aoi_id

    def work(self):
        aoi = polling.poll_aoi(self.client, self.aoi_id, cancelled=self.isCanceled, max_transient=0,
                               timeout_s=0.0, return_on_timeout=True)
        count = None
        if polling.is_final(aoi.status):
            page = self.client.list_assets(self.aoi_id, limit=1, cancelled=self.isCanceled)
            total = page.pagination.total if page.pagination is not None else None
            count = total if total is not None else (len(page.assets) if not page.assets else None)
        return aoi, count


class BoardPoller(QObject):
    """Keeps one board layer current. ``client_factory()`` (main thread) gives a client for the layer's
    connection, or None (no key yet: nothing is sent)."""

    aoiChanged = pyqtSignal(object)  # the AOI whose feature changed
    reachedFinal = pyqtSignal(object)  # the AOI, once, when it reaches a final status

    def __init__(self, layer: QgsVectorLayer, client_factory: Callable[[], Any], schedule: Optional[Schedule] = None,
                 tick_ms: int = 1000, clock: Callable[[], float] = time.monotonic,
                 client_key: Optional[Callable[[], Any]] = None, parent=None):
        super().__init__(parent)
        self.layer = layer
        self.model = BoardModel(layer, parent=self)  # the AOI records: the layer and the panel's list
        self.client_factory = client_factory
        self.schedule = schedule if schedule is not None else Schedule()
        self.clock = clock
        self.task: Optional[BoardPollTask] = None
        self.keeper = TaskKeeper()  # holds the task until its finished() ran, even after stop()
        self.requests = 0  # sent so far (for tests and the diagnostics)
        self._client = None
        #: what the client was made from (e.g. QGIS's network settings): a new value makes a new client
        self.client_key = client_key
        self._client_key = None
        self._stale: list = []  # replaced clients, closed once the request in flight on them ended
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self._tick)
        self.resume_from_layer()

    # ------------------------------------------------------------------ what is watched
    def resume_from_layer(self) -> None:
        """Watch every AOI of the layer whose status is not final (a reopened project)."""
        now = self.clock()
        for row in board_layer.rows(self.layer):
            if row["aoi_id"] and not polling.is_final(row["status"]):
                self.schedule.watch(row["aoi_id"], now, board_layer.signature(row))

    def watch(self, aoi: Any) -> None:
        """Put an AOI on the board (feature added or updated) and watch it while it is not final."""
        self.watch_many([aoi])

    def watch_many(self, aois) -> None:
        aois = list(aois)
        self.model.put(aois)
        now = self.clock()
        for aoi in aois:
            if not polling.is_final(aoi.status):
                self.schedule.watch(aoi.aoi_id, now, board_layer.signature(board_layer.aoi_attributes(aoi)),
                                    immediately=False)
        self.start()

    # ------------------------------------------------------------------ running
    @property
    def running(self) -> bool:
        return self.timer.isActive()

    def start(self) -> None:
        if not self.timer.isActive():
            self.timer.start()

    def stop(self) -> None:
        """Stop cleanly: no new request; a request in flight is cancelled and its answer dropped."""
        self.timer.stop()
        self.task = None
        self.keeper.cancel_all(detach=True)
        self.reset_client()
        self._close_stale()

    def reset_client(self) -> None:
        """The connection changed (key, base URL, network settings): the next request gets a new client from
        ``client_factory``; the old one is closed (after the request in flight on it, if any)."""
        old, self._client = self._client, None
        self._client_key = None
        if old is not None:
            self._stale.append(old)
        if self.task is None:
            self._close_stale()

    def _close_stale(self) -> None:
        while self._stale:
            try:
                self._stale.pop().close()
            except Exception:  # noqa: BLE001 - closing a session must not break the board
                pass

    def _layer_alive(self) -> bool:
        return self.layer is not None and not sip.isdeleted(self.layer) and self.layer.isValid()

    def _tick(self) -> None:
        if not self._layer_alive():
            self.stop()
            return
        if self.task is not None:
            return
        if not len(self.schedule):  # every AOI is final: idle until watch() starts it again
            self.timer.stop()
            return
        now = self.clock()
        aoi_id = self.schedule.next_due(now)
        if aoi_id is None:
            return
        key = self.client_key() if self.client_key is not None else None
        if self._client is not None and key != self._client_key:
            self.reset_client()
        if self._client is None:
            self._client = self.client_factory()
            self._client_key = key
            if self._client is None:
                self.schedule.failed(aoi_id, now)
                return
        task = BoardPollTask(self._client, aoi_id, lambda result, i=aoi_id: self._answered(i, result),
                             lambda message, i=aoi_id: self._failed(i, message))
        self.task = task
        self.requests += 1
        self.keeper.start(task)

    def _answered(self, aoi_id: str, result) -> None:
        self.task = None
        self._close_stale()
        if not self._layer_alive():
            return
        aoi, count = result
        final = polling.is_final(aoi.status)
        attributes = board_layer.aoi_attributes(aoi, count)
        if self.schedule.answered(aoi_id, self.clock(), board_layer.signature(attributes), final):
            self.model.put([aoi], {aoi_id: count} if count is not None else None)
            self.aoiChanged.emit(aoi)
        if final:
            self.reachedFinal.emit(aoi)

    def _failed(self, aoi_id: str, _message: str) -> None:
        self.task = None
        self._close_stale()
        self.schedule.failed(aoi_id, self.clock())
