"""core.board.schedule: the board poller's backoff and its bound on requests per minute (fake clock)."""

import pytest
from pixxel_qgis.core.board.schedule import Schedule

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)


def run(schedule, seconds, step=0.25, answer=lambda aoi_id, now: (("running", 10.0), False)):
    """Drive the schedule like the poller does (one request in flight, answered at once); the request times."""
    sent = []
    now = 0.0
    while now < seconds:
        aoi_id = schedule.next_due(now)
        if aoi_id is not None:
            sent.append((now, aoi_id))
            signature, final = answer(aoi_id, now)
            schedule.answered(aoi_id, now, signature, final)
        now += step
    return sent


def test_fifty_watched_aois_stay_within_the_bound_in_every_minute():
    schedule = Schedule(max_per_minute=12, initial_delay=1.0, factor=1.5, max_delay=60.0)
    for i in range(50):
        schedule.watch(f"aoi-{i}", 0.0)
    sent = run(schedule, 600)
    times = [t for t, _ in sent]
    assert len(times) >= 100  # it does ask: the bound, not the backoff, limits 50 busy AOIs
    for start in range(0, 600 - 60):
        in_window = [t for t in times if start <= t < start + 60]
        assert len(in_window) <= 12, (start, len(in_window))
    assert min(b - a for a, b in zip(times, times[1:])) >= 5.0  # evenly spaced: 60 / 12 s
    assert {aoi_id for _, aoi_id in sent} == {f"aoi-{i}" for i in range(50)}  # none starved


def test_an_unchanged_aoi_is_asked_less_and_less_often_and_a_change_resets_it():
    schedule = Schedule(max_per_minute=600, initial_delay=1.0, factor=2.0, max_delay=8.0)
    schedule.watch("a", 0.0)
    times = [t for t, _ in run(schedule, 40)]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert gaps[:4] == [1.0, 2.0, 4.0, 8.0] and set(gaps[4:]) == {8.0}

    progress = iter(range(1000))
    schedule = Schedule(max_per_minute=600, initial_delay=1.0, factor=2.0, max_delay=8.0)
    schedule.watch("b", 0.0)
    changing = run(schedule, 10, answer=lambda aoi_id, now: (("running", next(progress)), False))
    assert [b - a for a, b in zip([t for t, _ in changing], [t for t, _ in changing][1:])] == [1.0] * 9


def test_a_final_answer_stops_watching_and_failures_back_off():
    schedule = Schedule(max_per_minute=600, initial_delay=1.0, factor=2.0, max_delay=100.0)
    schedule.watch("done", 0.0)
    sent = run(schedule, 30, answer=lambda aoi_id, now: (("success", 100.0), True))
    assert sent == [(0.0, "done")] and len(schedule) == 0

    schedule.watch("flaky", 50.0)
    assert schedule.next_due(50.0) == "flaky"
    schedule.failed("flaky", 50.0)
    assert schedule.next_due(51.5) is None and schedule.next_due(52.0) == "flaky"
    assert schedule.next_due(150.0) is None  # in flight until answered or failed


def test_nothing_is_due_when_nothing_is_watched_and_the_bound_must_be_positive():
    assert Schedule().next_due(0.0) is None
    with pytest.raises(ValueError, match="max_per_minute"):
        Schedule(max_per_minute=0)
