"""QgsTask subclasses: every network call happens in ``run()`` (a worker thread), results are delivered
in ``finished()`` (the main thread).

Rules kept here:
- ``run()`` never touches a project layer or a widget, and never raises: exceptions become ``self.error``,
  a user-facing text (``str()`` of a ``PixxelError``), never a traceback.
- ``finished()`` calls the ``on_done`` / ``on_error`` / ``on_cancel`` callbacks on the main thread.
  ``detach()`` drops the callbacks (the dock calls it on shutdown, so a late task never touches a
  deleted widget).
- The caller keeps a reference to each running task until ``finished()`` (see ``TaskKeeper``).
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Optional

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsProject, QgsTask
from qgis.PyQt.QtCore import QCoreApplication, pyqtSignal

from ...client import polling
from ...client.errors import CancelledError, PixxelError
from ..settings import LOG_TAG
from .error_report import describe_unexpected

Callback = Optional[Callable[..., Any]]


def user_message(exc: BaseException) -> str:
    """The text to show for an exception caught in run(): never a traceback, never the key."""
    if isinstance(exc, PixxelError):
        if not isinstance(exc, CancelledError):
            from ..diagnostics import record_error

            record_error(exc)  # for the diagnostics report
        from ..network import explain

        return explain(str(exc))
    # Anything else is a bug or an environment problem: log the traceback, show a short text.
    text, details = describe_unexpected(exc)
    QgsMessageLog.logMessage(details, LOG_TAG, Qgis.MessageLevel.Critical)
    return text


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = True


@contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector for a block (re-entrant and thread-safe).

    Parsing asset pages creates hundreds of thousands of dicts and lists (no cycles; reference counting
    frees them). A full collection triggered by those allocations walks every object of the process with
    the GIL held: measured 50-110 ms for 10k assets, during which the main thread (canvas, panel) freezes
    (``make bench``, Responsiveness). Paused, the longest main-thread stall of the load drops to ~20 ms.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


class PixxelTask(QgsTask):
    """Base: subclasses implement ``work()``; its return value becomes ``self.result``."""

    def __init__(self, description: str, on_done: Callback = None, on_error: Callback = None,
                 on_cancel: Callback = None, flags=QgsTask.Flag.CanCancel):
        super().__init__(description, flags)
        self.on_done = on_done
        self.on_error = on_error
        self.on_cancel = on_cancel
        self.result: Any = None
        self.error: Optional[str] = None
        self.exception: Optional[BaseException] = None
        self.was_cancelled = False
        self.done = False  # set in finished(); tests wait on it
        self._release: Optional[Callable[[], None]] = None  # set by TaskKeeper

    # -- worker thread
    def work(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def run(self) -> bool:
        # imported on first use: the AOI board imports this module when QGIS starts
        from ...client.transport import cancel_scope

        try:
            with cancel_scope(self.isCanceled):  # client calls made in work() stop when the task is cancelled
                self.result = self.work()
            return not self.isCanceled()
        except CancelledError:
            self.was_cancelled = True
            return False
        except BaseException as exc:  # noqa: BLE001 - run() must never raise
            if self.isCanceled():
                self.was_cancelled = True
                return False
            self.exception = exc
            self.error = user_message(exc)
            return False

    # -- main thread
    def deliver(self) -> Any:
        """Main-thread hook run before on_done (subclasses add layers here). Returns what on_done gets."""
        return self.result

    def finished(self, result: bool) -> None:
        try:
            if result and not self.isCanceled():
                try:
                    value = self.deliver()
                except BaseException as exc:  # noqa: BLE001
                    self.exception = exc
                    self.error = user_message(exc)
                    self._call(self.on_error, self.error)
                else:
                    self._call(self.on_done, value)
            elif self.isCanceled() or self.was_cancelled:
                self.was_cancelled = True
                self._call(self.on_cancel)
            else:
                self._call(self.on_error, self.error or "The task failed for an unknown reason.")
        finally:
            self.done = True
            release, self._release = self._release, None
            if release is not None:
                release()

    def _call(self, fn: Callback, *args) -> None:
        if fn is None:
            return
        try:
            fn(*args)
        except RuntimeError as exc:  # the widget behind the callback was deleted
            if "deleted" not in str(exc):
                raise

    def detach(self) -> None:
        self.on_done = self.on_error = self.on_cancel = None


class ApiCallTask(PixxelTask):
    """One client call: ``fn()`` runs in the worker thread, ``on_done(result)`` on the main thread."""

    def __init__(self, description: str, fn: Callable[[], Any], on_done: Callback = None,
                 on_error: Callback = None, on_cancel: Callback = None):
        super().__init__(description, on_done, on_error, on_cancel)
        self.fn = fn

    def work(self):
        return self.fn()


class CreateAoiTask(PixxelTask):
    """:func:`client.polling.create_aoi` (name check, then a duplicate-safe POST /v0/aois) in a task."""

    def __init__(self, client, payload, on_done: Callback = None, on_error: Callback = None,
                 on_cancel: Callback = None, check_name: bool = True):
        super().__init__(f"Pixxel: create AOI “{payload.name}”", on_done, on_error, on_cancel)
        self.client = client
        self.payload = payload
        self.check_name = check_name

    def work(self):
        return polling.create_aoi(self.client, self.payload, check_name=self.check_name, cancelled=self.isCanceled)


class PollAoiTask(PixxelTask):
    """:func:`client.polling.poll_aoi` (until success, failed or partial_success, with backoff) in a task.

    Reports the AOI's progress (0-100) to the task manager, emits ``aoiUpdated(aoi)`` for each answer and
    ``statusMessage(text)`` when it retries after a temporary error. ``poll_options``: poll_aoi's keywords
    (initial_delay, factor, max_delay, max_transient, timeout_s); its defaults are the only ones.
    """

    aoiUpdated = pyqtSignal(object)
    statusMessage = pyqtSignal(str)

    def __init__(self, client, aoi_id: str, name: str = "", on_done: Callback = None,
                 on_error: Callback = None, on_cancel: Callback = None, **poll_options):
        super().__init__(f"Pixxel: waiting for AOI “{name or aoi_id}”", on_done, on_error, on_cancel)
        self.client = client
        self.aoi_id = aoi_id
        self.poll_options = poll_options
        self.polls = 0
        self.retries = 0
        self.last_aoi = None
        self.last_progress = 0.0

    def work(self):
        return polling.poll_aoi(self.client, self.aoi_id, cancelled=self.isCanceled, progress=self._progress,
                                on_update=self._update, on_retry=self._retry, **self.poll_options)

    def _progress(self, percent: float) -> None:
        self.last_progress = percent
        self.setProgress(percent)

    def _update(self, aoi) -> None:
        self.polls += 1
        self.last_aoi = aoi
        self.aoiUpdated.emit(aoi)

    def _retry(self, text: str) -> None:
        self.retries += 1
        self.statusMessage.emit(text)


class LoadAssetsTask(PixxelTask):
    """Fetches every page of an AOI's assets, builds the asset and boundary layers and writes the
    GeoPackage in ``run()``; adds them to the project (a group for the AOI) in ``finished()``.

    ``on_done`` gets a dict: ``{"aoi", "asset_layer", "boundary_layer", "group", "count", "gpkg",
    "message"}``. ``gpkg_path=None`` keeps memory layers.
    """

    def __init__(self, client, aoi, gpkg_path: Optional[str] = None, project: Optional[QgsProject] = None,
                 on_done: Callback = None, on_error: Callback = None, on_cancel: Callback = None,
                 page_size: int = 500, group_name: Optional[str] = None):
        name = getattr(aoi, "name", None) or getattr(aoi, "aoi_id", "AOI")
        super().__init__(f"Pixxel: load assets of “{name}”", on_done, on_error, on_cancel)
        self.client = client
        self.aoi = aoi
        self.name = name
        self.gpkg_path = gpkg_path
        self.project = project
        self.page_size = page_size
        self.group_name = group_name
        self.prepared = None
        self.pages = 0

    def _progress(self, done, total=None):
        if total:
            self.setProgress(max(0.0, min(95.0, 95.0 * float(done) / float(total))))

    def work(self):
        with gc_paused():  # a full GC over the parsed pages would freeze the main thread (see gc_paused)
            return self._work()

    def _work(self):
        from ..assets import layers

        # Pages stream into the layer builder: each page's JSON is dropped once its features exist, so
        # peak memory holds the features, not every page's parsed JSON as well.
        prepared = layers.prepare_aoi_layers(self._pages(), self.aoi, self.gpkg_path)
        main = QCoreApplication.instance().thread()
        for lyr in (prepared.asset_layer, prepared.boundary_layer):
            if lyr is not None and lyr.thread() is not main:
                lyr.moveToThread(main)
        self.prepared = prepared
        self.setProgress(100.0)
        return prepared.feature_count

    def _pages(self):
        for page in self.client.iter_asset_pages(
            self.aoi.aoi_id, page_size=self.page_size, raw=True, cancelled=self.isCanceled,
            progress=self._progress,
        ):
            if self.isCanceled():
                raise CancelledError("Cancelled")
            self.pages += 1
            yield page

    def deliver(self):
        from ..assets import layers

        prepared = self.prepared
        project = self.project or QgsProject.instance()
        group, added = layers.add_aoi_to_project(
            project, self.aoi, prepared.asset_layer, prepared.boundary_layer, self.group_name
        )
        return {
            "aoi": self.aoi,
            "asset_layer": added.get("assets", prepared.asset_layer),
            "boundary_layer": added.get("boundary", prepared.boundary_layer),
            "group": group,
            "count": prepared.feature_count,
            "gpkg": prepared.gpkg_path,
            "message": prepared.message,
        }


class TaskKeeper:
    """Holds references to running tasks (so Python does not collect them) and starts them."""

    def __init__(self):
        self.tasks: set = set()

    def start(self, task: PixxelTask) -> PixxelTask:
        self.tasks.add(task)
        task._release = lambda t=task: self.tasks.discard(t)
        QgsApplication.taskManager().addTask(task)
        return task

    def running(self) -> Iterable[PixxelTask]:
        return list(self.tasks)

    def cancel_all(self, detach: bool = True) -> None:
        for task in list(self.tasks):
            if detach:
                task.detach()
            try:
                task.cancel()
            except RuntimeError:  # already deleted by the task manager
                self.tasks.discard(task)
