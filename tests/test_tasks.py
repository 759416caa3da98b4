"""core.tasks.tasks: QgsTasks run the network in run(), deliver on the main thread, cancel promptly."""

import threading
import time
from types import SimpleNamespace

import pytest
from pixxel_qgis.client.errors import AuthError, ServerError
from pixxel_qgis.client.polling import status_text
from pixxel_qgis.core.tasks import tasks
from pixxel_qgis.tests.helpers import run_task, wait_until
from qgis.core import QgsApplication, QgsTask

MAIN = threading.main_thread()


def test_api_call_task_runs_in_worker_and_delivers_on_main(qgis_app):
    seen = {}

    def fn():
        seen["thread"] = threading.current_thread()
        return 42

    def done(value):
        seen["value"] = value
        seen["done_thread"] = threading.current_thread()

    keeper = tasks.TaskKeeper()
    task = run_task(tasks.ApiCallTask("t", fn, on_done=done), keeper)
    assert seen["value"] == 42
    assert seen["thread"] is not MAIN
    assert seen["done_thread"] is MAIN
    assert task not in keeper.tasks  # reference dropped once finished


def test_api_call_task_error_is_the_user_message(qgis_app):
    errors = []

    def fn():
        raise AuthError("The API key was refused")

    run_task(tasks.ApiCallTask("t", fn, on_done=pytest.fail, on_error=errors.append))
    assert errors == [str(AuthError("The API key was refused"))]
    assert "Traceback" not in errors[0]


def test_unexpected_exception_becomes_short_message(qgis_app):
    errors = []

    def fn():
        raise KeyError("boom")

    run_task(tasks.ApiCallTask("t", fn, on_error=errors.append))
    assert errors and errors[0].startswith("Unexpected error") and "Traceback" not in errors[0]


class FakeClient:
    """get_aoi answers from a script: each entry is an AOI-like object or an exception to raise."""

    def __init__(self, script, repeat_last=True):
        self.script = list(script)
        self.calls = []
        self.repeat_last = repeat_last

    def get_aoi(self, aoi_id, cancelled=None):
        self.calls.append(time.monotonic())
        item = self.script.pop(0) if len(self.script) > 1 or not self.repeat_last else self.script[0]
        if isinstance(item, Exception):
            raise item
        return item


def aoi(status, progress):
    return SimpleNamespace(aoi_id="a1", name="x", status=status, progress=progress)


def test_poll_backs_off_reports_progress_and_ends_on_success(qgis_app):
    client = FakeClient([aoi("started", 0), aoi("running", 40), aoi("running", 80), aoi("success", 100)])
    updates, done = [], []
    task = tasks.PollAoiTask(client, "a1", on_done=done.append, initial_delay=0.05, factor=2.0, max_delay=0.15)
    task.aoiUpdated.connect(lambda a: updates.append((a.progress, threading.current_thread() is MAIN)))
    run_task(task)
    assert done and status_text(done[0].status) == "success"
    assert [u[0] for u in updates] == [0, 40, 80, 100]
    assert all(u[1] for u in updates)  # signals arrive on the main thread
    gaps = [b - a for a, b in zip(client.calls, client.calls[1:])]
    assert gaps[0] >= 0.045 and gaps[1] >= 0.095 and gaps[2] >= 0.14  # 0.05 -> 0.1 -> 0.15 (capped)
    assert task.last_progress == 100


@pytest.mark.parametrize("final", ["failed", "partial_success"])
def test_poll_ends_on_failed_and_partial(qgis_app, final):
    done = []
    task = tasks.PollAoiTask(FakeClient([aoi("running", 10), aoi(final, 60)]), "a1", on_done=done.append,
                             initial_delay=0.01)
    run_task(task)
    assert status_text(done[0].status) == final


def test_poll_survives_transient_errors(qgis_app):
    err = ServerError("The server failed", status=500)
    client = FakeClient([aoi("running", 10), err, err, aoi("success", 100)])
    done, notes = [], []
    task = tasks.PollAoiTask(client, "a1", on_done=done.append, initial_delay=0.01, max_transient=3)
    task.statusMessage.connect(notes.append)
    run_task(task)
    assert done and task.retries == 2
    assert len(notes) == 2 and "Retrying (1/3)" in notes[0]


def test_poll_gives_up_after_too_many_transient_errors(qgis_app):
    err = ServerError("The server failed", status=503)
    errors = []
    task = tasks.PollAoiTask(FakeClient([err]), "a1", on_done=pytest.fail, on_error=errors.append,
                             initial_delay=0.01, max_transient=2)
    run_task(task)
    assert errors and "server failed" in errors[0]


def test_poll_auth_error_is_not_retried(qgis_app):
    client = FakeClient([AuthError("The API key was refused")])
    errors = []
    run_task(tasks.PollAoiTask(client, "a1", on_error=errors.append, initial_delay=0.01))
    assert len(client.calls) == 1 and "API key" in errors[0]


def test_poll_cancel_is_prompt(qgis_app):
    client = FakeClient([aoi("running", 5)])
    cancelled, errors = [], []
    task = tasks.PollAoiTask(client, "a1", on_error=errors.append, on_cancel=lambda: cancelled.append(1),
                             initial_delay=5.0)
    keeper = tasks.TaskKeeper()
    keeper.start(task)
    wait_until(lambda: len(client.calls) == 1)
    t0 = time.monotonic()
    task.cancel()
    wait_until(lambda: task.done, 5)
    assert time.monotonic() - t0 < 1.0
    assert cancelled == [1] and not errors
    assert not keeper.tasks


def test_detached_task_calls_nothing(qgis_app):
    hits = []
    gate = threading.Event()

    def fn():
        gate.wait(5)
        return 1

    task = tasks.ApiCallTask("t", fn, on_done=hits.append, on_error=hits.append, on_cancel=hits.append)
    keeper = tasks.TaskKeeper()
    keeper.start(task)
    keeper.cancel_all()
    gate.set()
    wait_until(lambda: task.done, 5)
    assert hits == []


def test_tasks_show_in_task_manager(qgis_app):
    gate = threading.Event()
    task = tasks.ApiCallTask("Pixxel: visible", lambda: gate.wait(5))
    keeper = tasks.TaskKeeper()
    keeper.start(task)
    try:
        wait_until(lambda: task.status() == QgsTask.Running, 5)
        assert task in QgsApplication.taskManager().activeTasks()
    finally:
        gate.set()
        wait_until(lambda: task.done, 5)
