"""iter_offset_pages against an in-memory page source (issue 16: the promises of client/pagination.py, each
pinned by a test that fails when the code breaks it: order, completeness, request counts and offsets,
the server's own page size, a changing total, the page and concurrency bounds, cancel and progress)."""

from __future__ import annotations

import threading
import time

import pytest
from pixxel_qgis.client import CancelledError
from pixxel_qgis.client.pagination import PageResult, iter_offset_pages
from pixxel_qgis.client.transport import cancel_scope, current_cancel

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)


class Source:
    """`n` items; the answer to (offset, limit) is a page of ids. Records every request and the peak number
    of requests in flight. `cap`: the server's maximum page size; `ignore_limit`: it sends everything;
    `total`: what pagination.total says (a function of the request number; None: no total);
    `report_limit`: whether pagination.limit is sent."""

    def __init__(self, n, cap=None, ignore_limit=False, total=lambda k, n: n, report_limit=True, delay=0.0,
                 block=None, total_at=None, first_short=0, limit_said=None):
        self.n, self.cap, self.ignore_limit, self.total, self.total_at = n, cap, ignore_limit, total, total_at
        self.first_short, self.limit_said = first_short, limit_said
        self.report_limit, self.delay, self.block = report_limit, delay, block
        self.calls = []
        self.lock = threading.Lock()
        self.inflight = self.peak = 0

    def __call__(self, offset, limit):
        with self.lock:
            k = len(self.calls)
            self.calls.append((offset, limit))
            self.inflight += 1
            self.peak = max(self.peak, self.inflight)
        try:
            if self.block is not None:
                self.block.wait(5)
            if self.delay:
                time.sleep(self.delay)
            size = self.n if self.ignore_limit else min(limit, self.cap or limit)
            start = 0 if self.ignore_limit else offset
            ids = list(range(start, min(self.n, start + size)))
            if offset == 0 and self.first_short:
                ids = ids[: len(ids) - self.first_short]  # e.g. items the server hides from the first page
            total = self.total_at(offset) if self.total_at else self.total(k, self.n)
            said = self.limit_said if self.limit_said is not None else (self.cap or limit)
            return PageResult(ids, len(ids), total, said if self.report_limit else None)
        finally:
            with self.lock:
                self.inflight -= 1


def pages(src, **kw):
    return list(iter_offset_pages(src, **kw))


def flat(ps):
    return [i for p in ps for i in p]


@pytest.mark.parametrize("n,size,conc", [(0, 10, 4), (1, 10, 4), (10, 10, 4), (11, 10, 4), (95, 10, 4),
                                         (100, 10, 1), (250, 7, 3), (40, 10, 8), (3, 1, 4), (6, 1, 2)])
def test_every_item_once_in_order(n, size, conc):
    src = Source(n)
    got = pages(src, page_size=size, concurrency=conc)
    assert flat(got) == list(range(n)), "items lost, repeated or out of order"
    assert all(len(p) == size for p in got[:-1])
    wanted = max(1, -(-n // size))
    offsets = sorted(o for o, _ in src.calls)
    assert offsets[:wanted] == [i * size for i in range(wanted)]
    # the speculative first round may ask for up to `concurrency` pages; nothing past that is wasted
    assert len(src.calls) <= max(wanted, min(conc, wanted + conc)), src.calls
    assert all(limit == size for _, limit in src.calls)


def test_first_round_of_one_costs_one_request_when_everything_fits():
    src = Source(30)
    assert flat(pages(src, page_size=50, concurrency=4, first_round=1)) == list(range(30))
    assert src.calls == [(0, 50)]


def test_speculative_first_round_asks_concurrency_pages_at_once():
    src = Source(1000)
    it = iter_offset_pages(src, page_size=10, concurrency=3)
    next(it)
    time.sleep(0.05)
    assert sorted(o for o, _ in src.calls[:3]) == [0, 10, 20]
    it.close()


def test_requests_in_flight_never_exceed_concurrency():
    src = Source(400, delay=0.005)
    assert flat(pages(src, page_size=10, concurrency=3)) == list(range(400))
    assert src.peak <= 3
    assert src.peak >= 2, "pages were not fetched concurrently"
    assert len(src.calls) == 40


def test_server_capping_the_page_size_is_followed():
    src = Source(95, cap=20)
    got = pages(src, page_size=50, concurrency=2)
    assert flat(got) == list(range(95))
    assert [len(p) for p in got] == [20, 20, 20, 20, 15]
    assert {o for o, _ in src.calls} >= {0, 20, 40, 60, 80}
    assert all(o % 20 == 0 for o, lim in src.calls if lim == 20)


def test_short_first_page_without_limit_sets_the_step():
    src = Source(45, cap=15, report_limit=False)
    assert flat(pages(src, page_size=50, concurrency=2)) == list(range(45))
    assert all(lim == 15 for _, lim in src.calls[2:])


def test_server_ignoring_the_limit_is_read_once():
    src = Source(120, ignore_limit=True)
    got = pages(src, page_size=10, concurrency=1)
    assert flat(got) == list(range(120)) and len(got) == 1
    assert src.calls == [(0, 10)]


def test_empty_first_page_reports_zero_progress_and_stops():
    seen = []
    src = Source(0, total=lambda k, n: None)
    assert pages(src, page_size=10, concurrency=2, progress=lambda d, t: seen.append((d, t))) == []
    assert seen == [(0, 0)]
    seen.clear()
    assert pages(Source(0, total=lambda k, n: 7), page_size=10, progress=lambda d, t: seen.append((d, t))) == []
    assert seen == [(0, 7)]


def test_progress_counts_items_against_the_total():
    seen = []
    pages(Source(25), page_size=10, concurrency=2, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(10, 25), (20, 25), (25, 25)]


def test_without_a_total_pages_are_read_until_a_short_page():
    seen = []
    src = Source(35, total=lambda k, n: None)
    got = pages(src, page_size=10, concurrency=2, progress=lambda d, t: seen.append((d, t)))
    assert flat(got) == list(range(35))
    assert seen == [(10, 10), (20, 20), (30, 30), (35, 35)]
    assert sorted(o for o, _ in src.calls)[:4] == [0, 10, 20, 30]


def test_without_a_total_an_exact_multiple_ends_on_the_empty_page():
    src = Source(30, total=lambda k, n: None)
    got = pages(src, page_size=10, concurrency=1)
    assert flat(got) == list(range(30)) and len(got) == 3, "the empty last page must not be yielded"
    assert [o for o, _ in src.calls] == [0, 10, 20, 30]


def test_without_a_total_max_pages_bounds_the_requests():
    src = Source(10_000, total=lambda k, n: None)
    got = pages(src, page_size=10, concurrency=1, max_pages=5)
    assert len(got) == 5 and len(src.calls) == 5


def test_with_a_total_max_pages_bounds_the_requests():
    src = Source(10_000)
    got = pages(src, page_size=10, concurrency=2, max_pages=6)
    assert len(got) == 6 and len(src.calls) == 6
    assert flat(got) == list(range(60))


def test_a_hostile_total_does_not_make_endless_requests():
    src = Source(30, total=lambda k, n: 10**12)
    got = pages(src, page_size=10, concurrency=2)
    assert flat(got) == list(range(30))  # ends at the first empty page
    assert len(src.calls) <= 3 + 2 * 2


def test_total_growing_while_paging_is_followed():
    src = Source(50, total=lambda k, n: 30 if k == 0 else 50)
    assert flat(pages(src, page_size=10, concurrency=1)) == list(range(50))


def test_total_shrinking_while_paging_ends_early():
    src = Source(100, total=lambda k, n: 100 if k == 0 else 40)
    got = flat(pages(src, page_size=10, concurrency=1))
    assert got == list(range(40)), "pages past the new total were yielded"


def test_page_size_below_one_is_refused():
    with pytest.raises(ValueError, match="page_size"):
        pages(Source(3), page_size=0)


def test_cancel_before_start_sends_nothing():
    src = Source(30)
    with pytest.raises(CancelledError):
        pages(src, page_size=10, cancelled=lambda: True)
    assert src.calls == []


def test_cancel_between_pages_stops_the_iteration():
    src = Source(100)
    flag = {"stop": False}
    it = iter_offset_pages(src, page_size=10, concurrency=1, cancelled=lambda: flag["stop"])
    assert next(it) == list(range(10))
    flag["stop"] = True
    with pytest.raises(CancelledError):
        next(it)
    assert len(src.calls) < 10


def test_ambient_cancel_scope_is_used_and_reaches_the_page_threads():
    inner = []

    def fetch(offset, limit):
        stop = current_cancel()
        inner.append(stop is not None and not stop())
        return PageResult([offset], 1, 3, 1)

    with cancel_scope(lambda: False):
        assert flat(pages(fetch, page_size=1, concurrency=2)) == [0, 1, 2]
    assert inner and all(inner), "the page threads did not get a cancel check"
    with cancel_scope(lambda: True), pytest.raises(CancelledError):
        pages(fetch, page_size=1)


def test_unwanted_speculative_pages_are_told_to_stop():
    seen = []
    release = threading.Event()

    def fetch(offset, limit):
        if offset:
            release.wait(2)
            seen.append(current_cancel()())  # dropped: its cancel check is now true
            return PageResult([], 0, 1, limit)
        return PageResult([0], 1, 1, limit)

    assert flat(pages(fetch, page_size=1, concurrency=3)) == [0]
    release.set()
    time.sleep(0.05)
    assert all(seen), "a page no longer wanted was not told to stop"  # (or it was cancelled before it ran)


def test_total_shrinking_drops_the_planned_pages_at_and_past_it():
    # offsets 0..30 (speculative) and 40..70 (the window) are planned from total=100; page 10 says 40
    src = Source(100, total_at=lambda offset: 100 if offset == 0 else 40, delay=0.01)
    got = flat(pages(src, page_size=10, concurrency=4))
    assert got == list(range(40)), "items at or past the new total were yielded"


def test_speculative_pages_at_or_past_the_total_are_told_to_stop():
    release = threading.Event()
    told = {}
    started = {20: threading.Event(), 30: threading.Event()}

    def fetch(offset, limit):
        if offset == 0:  # answer once the speculative pages 20 and 30 are running (none cancelled unstarted)
            started[20].wait(2.0) and started[30].wait(2.0)
        if offset >= 20:
            started[offset].set()
            release.wait(1.0)
            told[offset] = current_cancel()()
            return PageResult([], 0, 20, limit)
        return PageResult(list(range(offset, offset + 10)), 10, 20, limit)

    assert flat(pages(fetch, page_size=10, concurrency=4)) == list(range(20))
    assert told == {20: True, 30: True}, (f"{told}: pages at or past the total were not told to stop, or the "
                                          "iteration returned while their requests were still running")
    release.set()


def test_pages_after_the_first_round_are_fetched_concurrently():
    src = Source(600, delay=0.01)
    late = {"inflight": 0, "peak": 0}
    lock = threading.Lock()

    def fetch(offset, limit):
        if offset < 100:
            return src(offset, limit)
        with lock:
            late["inflight"] += 1
            late["peak"] = max(late["peak"], late["inflight"])
        try:
            return src(offset, limit)
        finally:
            with lock:
                late["inflight"] -= 1

    assert flat(pages(fetch, page_size=10, concurrency=3)) == list(range(600))
    assert 2 <= late["peak"] <= 3, f"{late['peak']} requests in flight after the first round (concurrency 3)"


def test_at_most_twice_concurrency_pages_are_fetched_ahead_of_the_consumer():
    src = Source(500)
    it = iter_offset_pages(src, page_size=10, concurrency=2)
    ahead = 0
    for consumed, _page in enumerate(it, start=1):
        time.sleep(0.003)
        ahead = max(ahead, len(src.calls) - consumed)
    # with the page being consumed, 2 x concurrency pages are held: 3 requested beyond it
    assert ahead == 2 * 2 - 1, f"{ahead} pages fetched ahead of a slow consumer (expected 2 x concurrency - 1)"


def test_later_pages_without_a_total_keep_the_first_total():
    src = Source(45, total_at=lambda offset: 45 if offset == 0 else None)
    assert flat(pages(src, page_size=10, concurrency=2)) == list(range(45))


def test_server_page_size_is_followed_even_when_its_first_page_is_short():
    src = Source(60, cap=20, first_short=2)  # limit 20, but the first page holds 18 items
    got = pages(src, page_size=50, concurrency=1)
    assert flat(got) == [i for i in range(60) if i not in (18, 19)]
    assert [o for o, _ in src.calls] == [0, 20, 40], "the next pages must start at the server's page size"


def test_a_limit_larger_than_asked_does_not_skip_items():
    src = Source(35, limit_said=100)
    assert flat(pages(src, page_size=10, concurrency=1)) == list(range(35))


def test_without_a_total_a_short_first_page_is_the_only_request():
    src = Source(5, total=lambda k, n: None)
    assert flat(pages(src, page_size=10, concurrency=1)) == list(range(5))
    assert src.calls == [(0, 10)]


def test_default_concurrency_is_four_and_below_one_means_one():
    src = Source(400, delay=0.01)
    assert flat(pages(src, page_size=10)) == list(range(400))
    assert src.peak == 4
    for conc in (0, 1):
        src = Source(100, delay=0.005)
        assert flat(pages(src, page_size=10, concurrency=conc)) == list(range(100))
        assert src.peak == 1


def test_max_pages_below_one_still_reads_the_first_page():
    src = Source(30)
    assert flat(pages(src, page_size=10, max_pages=0)) == list(range(10))
    assert len(src.calls) == 1


def test_default_page_bound_is_100000_pages():
    src = Source(10**9, total=lambda k, n: None)
    got = sum(1 for _ in iter_offset_pages(src, page_size=1, concurrency=1))
    assert got == 100_000 and len(src.calls) == 100_000


def test_pages_yielded_never_exceed_max_pages_when_the_total_changes():
    # total 100, then 40 (planned pages dropped), then 100 again: dropped pages do not count against the bound
    src = Source(200, total_at=lambda offset: 40 if offset == 10 else 100, delay=0.005)
    got = pages(src, page_size=10, concurrency=4, max_pages=8)
    assert flat(got) == list(range(80)), "exactly max_pages pages must be yielded when more exist"


def test_short_first_page_with_the_asked_limit_steps_by_its_count():
    # the server says limit=20 (as asked) but its first page holds 18 items of 60: go on from item 18
    src = Source(60, first_short=2)
    assert flat(pages(src, page_size=20, concurrency=1)) == list(range(60))


# --- the cyclic GC is paused while pages are fetched (issue 15: full collections over the decoded pages
# stalled the fetch); the pause must end with the fetches and never re-enable a collector someone else paused


def test_the_collector_is_paused_while_pages_are_fetched_and_resumed_after():
    import gc

    seen = []

    def fetch(offset, limit):
        seen.append(gc.isenabled())
        return Source(30)(offset, limit)

    gc.enable()
    try:
        assert flat(pages(fetch, page_size=10, concurrency=2)) == list(range(30))
        assert seen and not any(seen), "a page was fetched with the cyclic GC running"
        assert gc.isenabled(), "the cyclic GC stayed paused after the pages were fetched"
    finally:
        gc.enable()


def test_a_collector_paused_by_the_caller_stays_paused():
    import gc

    gc.disable()
    try:
        assert flat(pages(Source(30), page_size=10, concurrency=2)) == list(range(30))
        assert not gc.isenabled(), "the pager re-enabled a GC its caller had paused"
    finally:
        gc.enable()


def test_the_collector_stays_paused_until_the_last_concurrent_fetch_ends():
    import gc

    during = []

    def outer(offset, limit):
        if offset == 0:  # a nested listing ends while this fetch is still running
            assert flat(pages(Source(20), page_size=10, concurrency=2)) == list(range(20))
            during.append(gc.isenabled())
        return Source(20)(offset, limit)

    gc.enable()
    try:
        assert flat(pages(outer, page_size=10, concurrency=1)) == list(range(20))
        assert during == [False], "the GC resumed while another fetch was still running"
        assert gc.isenabled()
    finally:
        gc.enable()


def test_a_server_capping_pages_at_one_item_without_a_total_is_read_item_by_item():
    src = Source(5, cap=1, total=lambda k, n: None)
    assert flat(pages(src, page_size=10, concurrency=2)) == [0, 1, 2, 3, 4]
