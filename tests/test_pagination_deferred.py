"""Pages whose decoding is deferred to the iterating thread, and the young collections done while it waits
(issue 15: the page threads go straight back to the network; no pass over every decoded page at the end)."""

from __future__ import annotations

import gc
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
