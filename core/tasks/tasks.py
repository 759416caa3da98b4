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

import atexit
import sys
import threading
import time
from collections import deque
from contextlib import contextmanager
from typing import Any, Callable, Deque, Iterable, Optional

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsProject, QgsTask
from qgis.PyQt.QtCore import QCoreApplication, QThread, QTimer, pyqtSignal

from ...client import polling
from ...client.errors import CancelledError, PixxelError
from ...client.gc_pause import gc_paused
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


_reaper: Optional[QThread] = None


def stop_release_thread() -> None:
    """Free at once what ``release_off_main_thread`` still keeps and stop its helper thread (plugin unload,
    application exit): an unloaded plugin leaves no thread and no pending timer's layer behind."""
    global _reaper
    thread, _reaper = _reaper, None
    kept = list(_kept_for_release)
    _kept_for_release.clear()
    for obj in kept:
        # Deleted in the helper thread, which owns it: Qt runs pending deferred deletes as a thread finishes.
        try:
            obj.deleteLater()
        except RuntimeError:  # pragma: no cover - already deleted
            pass
    if thread is not None:
        try:
            thread.quit()
            thread.wait(5000)
        except RuntimeError:  # pragma: no cover - already deleted with the application
            pass


def release_thread_running() -> bool:
    return _reaper is not None and _reaper.isRunning()


#: How long a layer handed to ``release_off_main_thread`` is kept before it is deleted: a canvas render
#: started before it left the project keeps a copy of its features, and whoever drops the last copy frees
#: them; kept a while, that is the helper thread, not the end of the render on the main thread.
RELEASE_DELAY_MS = 10_000
_kept_for_release: set = set()


def release_off_main_thread(obj, delay_ms: int = RELEASE_DELAY_MS) -> None:
    """Delete a QObject (e.g. a memory layer of 10k features, ~30 ms to free) in a helper thread, so the
    main thread does not freeze while its memory is released. ``obj`` must belong to no project and no
    parent. Main thread only; without a Qt application it is simply dropped."""
    global _reaper
    app = QCoreApplication.instance()
    if app is None:  # pragma: no cover
        return
    if _reaper is None:
        _reaper = QThread()
        _reaper.setObjectName("pixxel-release")
        _reaper.start()
        atexit.register(stop_release_thread)
        app.aboutToQuit.connect(stop_release_thread)
    from qgis.PyQt import sip

    sip.transferto(obj, None)  # C++ owns it now: Python never deletes it on the main thread
    obj.moveToThread(_reaper)
    _kept_for_release.add(obj)

    def delete():
        if obj not in _kept_for_release:
            return  # already freed by stop_release_thread()
        _kept_for_release.discard(obj)
        try:
            obj.deleteLater()  # runs in the helper thread, which owns it now
        except RuntimeError:  # pragma: no cover - already deleted (application shutting down)
            pass

    QTimer.singleShot(max(0, int(delay_ms)), delete)


_switch_lock = threading.Lock()
_switch_users = 0
_switch_before = 0.005
#: GIL hand-off interval while assets load (Python's default is 5 ms).
LOAD_SWITCH_INTERVAL_S = 0.0005


@contextmanager
def quick_gil_handoff(interval: float = LOAD_SWITCH_INTERVAL_S):
    """Shorten Python's thread switch interval for a block (re-entrant and thread-safe).

    While a worker runs Python code, a thread that wants the GIL waits up to the switch interval (5 ms)
    for it, and the main thread wants it back after *every* QGIS call it makes (the bindings release it
    around C++ calls): a few calls in one slot (add features, repaint, add a layer) then cost 20-30 ms of
    waiting, not of work (``make bench``, Responsiveness: main-thread CPU ~1 ms in a 30 ms stall). With
    0.5 ms the main thread gets the GIL back almost at once; the worker loses a little throughput.
    """
    global _switch_users, _switch_before
    with _switch_lock:
        if _switch_users == 0:
            _switch_before = sys.getswitchinterval()
            sys.setswitchinterval(min(interval, _switch_before))
        _switch_users += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_before)


def release_in_background(items: Deque[Any]) -> None:
    """Drop many Python objects (pages of QgsFeature) in a short-lived thread, one page at a time: freeing
    5000 features at once held the GIL ~20 ms in the main thread (py-spy, ``make bench`` Responsiveness)."""
    if not items:
        return

    def drop():
        while items:
            items.popleft()
            time.sleep(0.001)  # let the main thread have the GIL between pages

    threading.Thread(target=drop, name="pixxel-release-pages", daemon=True).start()


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

    Progressive display (``progressive=True``, the default, when the AOI is not in the project yet): when
    the task starts, a *preview* memory layer, "<AOI> assets (loading…)", styled like the final layer, is
    put in the AOI's group and ``on_preview(layer)`` is called (the panel zooms to the AOI); each page's
    features, once built in ``run()``, are sent to the main thread (``featuresReady``) and added to it, so
    footprints appear while later pages are still being fetched. When the task ends the preview is removed: on
    success the final layer (the same layer a non-progressive load gives: GeoPackage, name, group, style)
    takes its place; on cancel or error nothing of the load stays in the project (no half layer).
    The preview is never written anywhere and is not tagged with the AOI id (it is not an AOI layer).
    """

    featuresReady = pyqtSignal(object)  # a list of QgsFeature (one page), emitted from run()

    PREVIEW_SUFFIX = " (loading…)"
    PREVIEW_STEP_FEATURES = 500  # features added to the preview per event-loop turn (more when catching up)
    PREVIEW_REPAINT_S = 0.4  # at most this often the canvas redraws the growing preview (each redraw is work)

    def __init__(self, client, aoi, gpkg_path: Optional[str] = None, project: Optional[QgsProject] = None,
                 on_done: Callback = None, on_error: Callback = None, on_cancel: Callback = None,
                 page_size: int = 500, group_name: Optional[str] = None, progressive: bool = True,
                 on_preview: Callback = None):
        name = getattr(aoi, "name", None) or getattr(aoi, "aoi_id", "AOI")
        super().__init__(f"Pixxel: load assets of “{name}”", on_done, on_error, on_cancel)
        self.client = client
        self.aoi = aoi
        self.name = name
        self.gpkg_path = gpkg_path
        self.project = project
        self.page_size = page_size
        self.group_name = group_name
        self.progressive = progressive
        self.on_preview = on_preview
        self.prepared = None
        self.pages = 0
        self.preview_layer = None  # the progressive layer while loading (main thread)
        self.preview_batches = 0  # batches added to it
        self._preview_group = None  # the AOI group, when the preview created it
        self._preview_closed = not progressive or self._already_loaded()
        self._preview_queue: Deque[Any] = deque()  # pages of features waiting for the main thread
        self._preview_step_due = False
        self._preview_shown = False  # the preview layer is in the project
        self._preview_painted = 0.0  # time.monotonic() of its last repaint
        self._preview_repaint_due = False
        if progressive:
            self.featuresReady.connect(self._show_batch)
            if not self._preview_closed:
                self.begun.connect(self._start_preview)  # while the first pages are on their way

    def _progress(self, done, total=None):
        if total:
            self.setProgress(max(0.0, min(95.0, 95.0 * float(done) / float(total))))

    def work(self):
        # a full GC over the parsed pages would freeze the main thread (see gc_paused); a short switch
        # interval gives the GIL back to the main thread quickly (see quick_gil_handoff)
        with gc_paused(), quick_gil_handoff():
            return self._work()

    def _work(self):
        from ..assets import layers

        # Pages stream into the layer (or the new GeoPackage): each page's JSON is dropped once its
        # features exist, so peak memory holds the features once, not every page's parsed JSON as well.
        on_batch = None if self._preview_closed else self._emit_batch
        prepared = layers.prepare_aoi_layers(self._pages(), self.aoi, self.gpkg_path, on_batch=on_batch)
        main = QCoreApplication.instance().thread()
        for lyr in (prepared.asset_layer, prepared.boundary_layer):
            if lyr is not None and lyr.thread() is not main:
                lyr.moveToThread(main)
        self.prepared = prepared
        self.setProgress(100.0)
        return prepared.feature_count

    def _emit_batch(self, features) -> None:
        if not self._preview_closed:  # e.g. the AOI was already in the project: no preview, nothing to send
            self.featuresReady.emit(features)

    def _pages(self):
        for page in self.client.iter_asset_pages(
            self.aoi.aoi_id, page_size=self.page_size, raw=True, cancelled=self.isCanceled,
            progress=self._progress,
        ):
            if self.isCanceled():
                raise CancelledError("Cancelled")
            self.pages += 1
            yield page

    def _already_loaded(self) -> bool:
        from ..assets import layers

        aoi_id = str(layers.aoi_dict(self.aoi).get("aoi_id") or "")
        return not aoi_id or bool(layers.find_aoi_layers(self.project or QgsProject.instance(), aoi_id))

    # -- main thread: progressive preview
    # The empty, styled preview goes into the project when the task starts (``begun``), while the first
    # requests are in flight and the main thread has the GIL to itself; then each page's features are
    # added in a short step of their own (QTimer 0), the first page redrawn at once, the next ones a few
    # times a second, so the canvas and the panel stay responsive.
    def _show_batch(self, features) -> None:
        if self._preview_closed or self.done or self.isCanceled():
            return
        self._preview_queue.append(features)
        self._schedule_preview_step()

    def _schedule_preview_step(self) -> None:
        if not self._preview_step_due:
            self._preview_step_due = True
            QTimer.singleShot(0, self._preview_step)

    def _start_preview(self) -> None:
        """The task has started: put the empty preview layer in the project (and let the panel zoom) now,
        while the worker waits for the first pages, so that its first page only has to be added."""
        if self._preview_closed or self.done or self.preview_layer is not None:
            return
        try:
            if self._open_preview():
                self._show_preview()
            else:
                self._preview_closed = True
        except RuntimeError:  # pragma: no cover - project or layer deleted meanwhile
            self._preview_closed = True

    def _preview_step(self) -> None:
        self._preview_step_due = False
        if self._preview_closed or self.done:
            self._preview_queue.clear()
            return
        try:
            if self.preview_layer is None:
                self._start_preview()
            elif self._preview_queue:
                features = self._preview_queue.popleft()
                self.preview_batches += 1
                while self._preview_queue and len(features) < self.PREVIEW_STEP_FEATURES:
                    features = features + self._preview_queue.popleft()  # catching up: pages in one step
                    self.preview_batches += 1
                self.preview_layer.dataProvider().addFeatures(features)
                self._repaint_preview_soon()
        except RuntimeError:  # the preview was deleted (e.g. the user removed it): stop previewing
            self.preview_layer = None
            self._preview_closed = True
        if self._preview_closed:
            self._preview_queue.clear()
        elif self._preview_queue:
            self._schedule_preview_step()

    def _repaint_preview_soon(self) -> None:
        now = time.monotonic()
        if self.preview_batches == 1 or now - self._preview_painted >= self.PREVIEW_REPAINT_S:
            self._preview_painted = now  # a few redraws a second, not one per page
            self.preview_layer.triggerRepaint()
        elif not self._preview_repaint_due:
            self._preview_repaint_due = True
            QTimer.singleShot(int(self.PREVIEW_REPAINT_S * 1000), self._repaint_preview)

    def _repaint_preview(self) -> None:
        self._preview_repaint_due = False
        if self.preview_layer is not None and not self._preview_closed and not self.done:
            self._preview_painted = time.monotonic()
            try:
                self.preview_layer.triggerRepaint()
            except RuntimeError:  # pragma: no cover - deleted meanwhile
                pass

    def _open_preview(self) -> bool:
        from ..assets import layers
        from ..assets.layer_style import apply_asset_style

        project = self.project or QgsProject.instance()
        d = layers.aoi_dict(self.aoi)
        aoi_id = str(d.get("aoi_id") or "")
        if not aoi_id or layers.find_aoi_layers(project, aoi_id):
            return False  # loaded again: the layers in place keep showing until the new data replaces them
        title = str(d.get("name") or aoi_id)
        layer = layers.new_asset_memory_layer(f"{title} assets{self.PREVIEW_SUFFIX}")
        layer.setCustomProperty(layers.ROLE_PROPERTY, "preview")
        apply_asset_style(layer)
        self.preview_layer = layer
        return True

    def _show_preview(self) -> None:
        from qgis.core import QgsLayerTreeLayer

        from ..assets import layers

        project = self.project or QgsProject.instance()
        d = layers.aoi_dict(self.aoi)
        aoi_id = str(d.get("aoi_id") or "")
        group = layers.find_aoi_group(project, aoi_id)
        if group is None:
            title = str(d.get("name") or aoi_id)
            group = project.layerTreeRoot().insertGroup(0, self.group_name or f"Pixxel: {title}")
            group.setCustomProperty(layers.AOI_PROPERTY, aoi_id)
            self._preview_group = group
        layer = self.preview_layer
        project.addMapLayer(layer, False)
        group.addChildNode(QgsLayerTreeLayer(layer))
        self._preview_shown = True
        if self.on_preview is not None:
            self._call(self.on_preview, layer)

    def _drop_preview(self, keep_group: bool) -> None:
        """Remove the preview layer (and, unless kept, the group it created if nothing else is in it)."""
        self._preview_closed = True
        release_in_background(self._preview_queue)  # pages not shown yet: thousands of features to free
        self._preview_queue = deque()
        layer, self.preview_layer = self.preview_layer, None
        group, self._preview_group = self._preview_group, None
        project = self.project or QgsProject.instance()
        if layer is not None:
            try:
                if self._preview_shown and project.mapLayer(layer.id()) is not None:
                    layer = project.takeMapLayer(layer)
                if layer is not None:
                    release_off_main_thread(layer)
            except RuntimeError:  # already deleted
                pass
        if group is not None and not keep_group:
            try:
                parent = group.parent()
                if parent is not None and not group.children():
                    parent.removeChildNode(group)
            except RuntimeError:
                pass

    def finished(self, result: bool) -> None:
        if not (result and not self.isCanceled()):
            self._drop_preview(keep_group=False)  # cancelled or failed: no half layer stays
        super().finished(result)

    def deliver(self):
        from ..assets import layers

        prepared = self.prepared
        project = self.project or QgsProject.instance()
        preview_group = self._preview_group
        self._drop_preview(keep_group=True)  # the final layers go into the same group
        try:
            group, added = layers.add_aoi_to_project(
                project, self.aoi, prepared.asset_layer, prepared.boundary_layer, self.group_name
            )
        except BaseException:
            if preview_group is not None and not preview_group.children() and preview_group.parent() is not None:
                preview_group.parent().removeChildNode(preview_group)  # no empty group left behind
            raise
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
