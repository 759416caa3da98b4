"""Pages whose decoding is deferred to the iterating thread, and the young collections done while it waits
(issue 15: the page threads go straight back to the network; no pass over every decoded page at the end)."""

from __future__ import annotations

import gc
import sys
import threading
import time

import pytest
from pixxel_qgis.client.pagination import IDLE_COLLECT_AT, PageResult, iter_offset_pages

pytestmark = pytest.mark.pure


def _deferred_source(n, delay=0.0, objects=0):
    """fetch(offset, limit) -> a callable; records the thread that reads and the one that decodes."""
    read_in, decoded_in, kept = [], [], []

    def fetch(offset, limit):
        read_in.append(threading.get_ident())
        if offset and delay:
            time.sleep(delay)
        kept.append([{"i": [i]} for i in range(objects)])  # kept containers, as decoded pages are

        def decode():
            decoded_in.append(threading.get_ident())
            items = list(range(offset, min(n, offset + limit)))
            return PageResult(items, len(items), n, limit)

        return decode

    return fetch, read_in, decoded_in


def test_a_deferred_page_is_decoded_in_the_iterating_thread_and_yielded_in_order():
    fetch, read_in, decoded_in = _deferred_source(95)
    got = [x for page in iter_offset_pages(fetch, page_size=10, concurrency=3) for x in page]
    assert got == list(range(95))
    me = threading.get_ident()
    assert decoded_in and set(decoded_in) == {me}, "a page was decoded in a page thread"
    assert me not in read_in, "a page was read in the iterating thread"


def test_a_deferred_decoding_error_is_raised_at_its_page():
    def fetch(offset, limit):
        def decode():
            if offset == 20:
                raise ValueError("bad page")
            return PageResult([offset], 1 if offset < 30 else 0, 40, 10)

        return lambda: PageResult(list(range(offset, offset + 10)), 10, 40, 10) if offset != 20 else decode()

    it = iter_offset_pages(fetch, page_size=10, concurrency=2)
    assert next(it) == list(range(10))
    assert next(it) == list(range(10, 20))
    with pytest.raises(ValueError, match="bad page"):
        next(it)


def _collections_during(fetch, monkeypatch, caller_disabled):
    calls = []
    real = gc.collect
    monkeypatch.setattr(gc, "collect", lambda generation=2: calls.append(generation) or real(generation))
    if caller_disabled:
        gc.disable()
    try:
        got = [x for page in iter_offset_pages(fetch, page_size=10, concurrency=2) for x in page]
        state_after = gc.isenabled()
    finally:
        gc.enable()
    assert got == list(range(60))
    return calls, state_after


def test_young_generations_are_collected_while_waiting_for_the_network(monkeypatch):
    fetch, _, _ = _deferred_source(60, delay=0.05, objects=IDLE_COLLECT_AT + 1000)
    calls, enabled_after = _collections_during(fetch, monkeypatch, caller_disabled=False)
    assert calls and set(calls) <= {0, 1}, f"no young collection while waiting (or a full one): {calls}"
    assert enabled_after


def test_no_collection_when_the_caller_disabled_the_collector(monkeypatch):
    fetch, _, _ = _deferred_source(60, delay=0.05, objects=IDLE_COLLECT_AT + 1000)
    calls, enabled_after = _collections_during(fetch, monkeypatch, caller_disabled=True)
    assert calls == [], "the pager collected although its caller had disabled the collector"
    assert not enabled_after


def test_small_pages_pay_for_no_collection(monkeypatch):
    """The idle collection is for pages that pile up objects; a listing of small pages never triggers it."""
    fetch, _, _ = _deferred_source(60, delay=0.05, objects=0)
    calls, enabled_after = _collections_during(fetch, monkeypatch, caller_disabled=False)
    assert calls == [], f"collections for a few small pages: {calls}"
    assert enabled_after


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="Python 3.14's incremental collector counts generations "
                    "differently; the pager only asks it for young passes there (checked above)")
def test_the_middle_generation_is_collected_when_it_is_due(monkeypatch):
    """A young pass each time, and the middle generation too when its own threshold says it is due (as the
    collector itself would do): objects that survive do not stay in the youngest generation forever."""
    fetch, _, _ = _deferred_source(120, delay=0.03, objects=IDLE_COLLECT_AT + 1000)
    before = gc.get_threshold()
    gc.collect(1)  # generation 1's count starts at 0
    gc.set_threshold(before[0], 2, before[2])  # generation 1 is due after every second young pass
    calls = []
    real = gc.collect
    monkeypatch.setattr(gc, "collect", lambda generation=2: calls.append(generation) or real(generation))
    try:
        got = [x for page in iter_offset_pages(fetch, page_size=10, concurrency=2) for x in page]
    finally:
        gc.set_threshold(*before)
    assert got == list(range(120))
    assert len(calls) >= 3, f"too few idle collections to judge: {calls}"
    assert calls == ([0, 0, 1] * len(calls))[:len(calls)], f"young passes and due middle passes expected: {calls}"
