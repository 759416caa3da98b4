"""client.polling: the one create-then-poll / poll-with-backoff implementation (no QGIS needed)."""

import time
from types import SimpleNamespace

import pytest
from pixxel_qgis.client.errors import CancelledError, ConflictError, PixxelTimeoutError, ServerError
from pixxel_qgis.client.models import FINAL_AOI_STATUSES, AOIStatus
from pixxel_qgis.client.polling import create_then_poll, is_final, poll_aoi, status_text

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)

FAST = {"initial_delay": 0.01, "factor": 2.0, "max_delay": 0.04}


def aoi(status, progress=None, name="a"):
    return SimpleNamespace(aoi_id="a1", name=name, status=status, progress=progress)


class Scripted:
    """get_aoi answers from a script (AOIs, or exceptions to raise); the last entry repeats."""

    def __init__(self, *script, existing=None):
        self.script = list(script)
        self.times = []
        self.created = []
        self.existing = existing

    def get_aoi(self, aoi_id, cancelled=None):
        self.times.append(time.monotonic())
        answer = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def find_aoi_by_name(self, name):
        return self.existing

    def create_aoi(self, payload):
        self.created.append(payload)
        return aoi("started", 0, payload.name)


def test_final_statuses_are_one_set():
    assert FINAL_AOI_STATUSES == {AOIStatus.SUCCESS, AOIStatus.FAILED, AOIStatus.PARTIAL_SUCCESS}
    assert all(is_final(s) for s in ("success", "failed", "partial_success", AOIStatus.PARTIAL_SUCCESS))
    assert not any(is_final(s) for s in ("running", "started", "updating", "unknown", None, AOIStatus.RUNNING))
    assert AOIStatus.SUCCESS.is_final and not AOIStatus.UPDATING.is_final
    assert status_text(AOIStatus.PARTIAL_SUCCESS) == "partial_success" and status_text(None) == "unknown"


def test_polls_with_growing_delays_until_final_and_reports_each_answer(monkeypatch):
    from pixxel_qgis.client import polling

    waits = []
    monkeypatch.setattr(polling, "wait_or_cancel", lambda seconds, cancelled: waits.append(seconds))
    client = Scripted(aoi("started", 0), aoi("running", 30), aoi("running", 60), aoi("running", 90),
                      aoi("success", 100))
    updates, progress = [], []
    final = poll_aoi(client, "a1", on_update=updates.append, progress=progress.append, **FAST)
    assert final.status == "success"
    assert [u.progress for u in updates] == [0, 30, 60, 90, 100]
    assert progress == [0.0, 30.0, 60.0, 90.0, 100.0]
    assert waits == [0.01, 0.02, 0.04, 0.04]  # initial_delay x factor, capped at max_delay


def test_transient_errors_are_retried_then_raised_after_max_transient():
    retries = []
    client = Scripted(ServerError("down", status=503), ServerError("down", status=503), aoi("success", 100))
    assert poll_aoi(client, "a1", on_retry=retries.append, max_transient=2, **FAST).status == "success"
    assert len(retries) == 2 and "Retrying (1/2)" in retries[0]
    with pytest.raises(ServerError):
        poll_aoi(Scripted(ServerError("down", status=503)), "a1", max_transient=2, **FAST)


def test_timeout_raises_or_returns_the_last_answer():
    with pytest.raises(PixxelTimeoutError, match="still being processed"):
        poll_aoi(Scripted(aoi("running", 5)), "a1", timeout_s=0.05, **FAST)
    last = poll_aoi(Scripted(aoi("running", 5)), "a1", timeout_s=0.05, return_on_timeout=True, **FAST)
    assert last.status == "running"


def test_cancel_stops_during_the_wait():
    client = Scripted(aoi("running", 5))
    started = time.monotonic()
    with pytest.raises(CancelledError):  # a 5 s wait would end the test by the timeout, not by the cancel
        poll_aoi(client, "a1", cancelled=lambda: time.monotonic() - started > 0.1, initial_delay=5.0)
    assert len(client.times) == 1  # no second request after the cancel


def test_create_then_poll_checks_the_name_creates_once_and_polls():
    payload = SimpleNamespace(name="fields")
    client = Scripted(aoi("running", 50), aoi("success", 100))
    seen = []
    final = create_then_poll(client, payload, on_created=seen.append, **FAST)
    assert final.status == "success" and len(client.created) == 1 and seen[0].status == "started"
    taken = Scripted(aoi("success"), existing=aoi("success"))
    with pytest.raises(ConflictError, match="already exists"):
        create_then_poll(taken, payload, **FAST)
    assert taken.created == [] and taken.times == []


def test_client_wait_for_aoi_is_poll_aoi_with_a_fixed_delay():
    from pixxel_qgis.client import PixxelClient

    client = PixxelClient("key", base_url="http://127.0.0.1:9")
    answers = [aoi("running", 10), aoi("running", 20), aoi("failed", 20)]
    client.get_aoi = lambda aoi_id, cancelled=None: answers.pop(0)
    seen = []
    assert client.wait_for_aoi("a1", poll_s=0.01, on_status=seen.append).status == "failed"
    assert [a.progress for a in seen] == [10, 20, 20]
    client.get_aoi = lambda aoi_id, cancelled=None: aoi("running", 1)
    assert client.wait_for_aoi("a1", poll_s=0.01, max_wait_s=0.05).status == "running"  # the last answer
    client.close()
