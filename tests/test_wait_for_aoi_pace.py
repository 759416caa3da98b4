"""PixxelClient.wait_for_aoi keeps to its pace (issue 16, mutation target): it waits ``poll_s`` before every
poll after the first, never less, so a long wait does not hammer the API. The waits are observed where
client.polling makes them (no timing assertion)."""

from __future__ import annotations

import json

import pytest
from pixxel_qgis.client import PixxelClient, ServerError, polling

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)

KEY = "wait-pace-key"
JSON = {"Content-Type": "application/json"}


def _aoi_answers(statuses):
    calls = []

    def handle(method, path, query, headers, raw):
        calls.append(path)
        status = statuses[min(len(calls), len(statuses)) - 1]
        if isinstance(status, int):
            return status, JSON, b'{"detail": "temporarily down"}'
        return 200, JSON, json.dumps({"aoi_id": "X", "name": "n", "status": status}).encode()

    return handle, calls


@pytest.fixture
def waits(monkeypatch):
    made = []
    monkeypatch.setattr(polling, "wait_or_cancel", lambda seconds, cancelled: made.append(seconds))
    return made


def test_wait_for_aoi_waits_poll_s_between_every_two_polls(server, waits):
    handle, calls = _aoi_answers(["started", "running", "running", "running", "success"])
    api = server(handle)
    with PixxelClient(KEY, base_url=api.url, retry_budget_s=0.0, max_retries=0) as c:
        aoi = c.wait_for_aoi("X", poll_s=7.5, max_wait_s=3600)
    assert aoi.status.value == "success" and len(calls) == 5
    assert waits == [7.5] * 4, (
        f"waits between polls {waits}: wait_for_aoi must poll every poll_s (7.5 s), never faster")


def test_wait_for_aoi_does_not_retry_a_temporary_error(server, waits):
    handle, calls = _aoi_answers(["running", 503])
    api = server(handle)
    with PixxelClient(KEY, base_url=api.url, retry_budget_s=0.0, max_retries=0) as c:
        with pytest.raises(ServerError):
            c.wait_for_aoi("X", poll_s=1.0, max_wait_s=3600)
    assert len(calls) == 2, "wait_for_aoi reports a temporary error at once (its caller decides to retry)"
