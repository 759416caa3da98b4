"""Offset/limit pagination, fetched concurrently and yielded in order.

The first round is speculative: offsets 0, L, 2L, ... (``concurrency`` pages) are requested together
instead of fetching page 1 alone to learn ``total``; the rest follow once the total is known, and the
speculative pages past it (or not matching the server's page size) are discarded. If the first page already
holds the total (e.g. a server that ignores ``limit``), it is yielded once and nothing more is requested.

Stops on the last page, on an empty page, and follows a ``total`` that changes between pages (more pages
are planned if it grows; it ends early if it shrinks). The number of requests in flight never exceeds
``concurrency``, and at most ``2 * concurrency`` finished pages wait in memory.

A fetch may return, instead of the page, a zero-argument callable that returns it: the pager calls it in
the iterating thread. ``PixxelClient.iter_asset_pages`` returns the undecoded body that way, so a page
thread goes back to the network as soon as it has read its page instead of decoding it first (JSON
decoding holds the GIL: four page threads decoding at once queued behind each other, and each issued its
next request only after its own decode).

From the first request to the end of the iteration, Python's cyclic garbage collector is paused: decoding
a page of JSON makes tens of thousands of dicts and lists (no cycles; reference counting frees them), and
each full collection those allocations trigger walks every object of the process with the GIL held
(measured 60-85 ms for 10k assets, twice per 20-page listing: ``make bench``, Pagination). The caller's
code between two pages therefore runs with the collector paused too (cyclic garbage it makes is
collected after the iteration; an abandoned iterator releases the pause when it is closed or freed). So
that the decoded pages do not pile up in the youngest generation for one long pass at the end (20-70 ms),
the iterating thread collects the young generations itself while it would only wait for the network
(never the oldest one, and never when the collector was disabled before the iteration).
"""

from __future__ import annotations

import gc
import logging
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Deque, Iterator, NamedTuple, Optional, Union

from .errors import CancelledError
from .gc_pause import gc_paused, paused_here
from .transport import cancel_scope, current_cancel

log = logging.getLogger("pixxel_qgis.client")

#: A hard bound on the number of pages one iteration may fetch (protects against hostile totals).
MAX_PAGES = 100_000


class PageResult(NamedTuple):
    payload: Any  # what the iterator yields for this page
    count: int  # items on this page
    total: Optional[int]  # pagination.total, if given
    limit: Optional[int]  # pagination.limit, if given


#: ``fetch(offset, limit)`` returns the page, or a zero-argument callable that returns it: the pager then
#: calls it in the iterating thread (e.g. to decode the body there, so the page thread is free at once).
Fetch = Callable[[int, int], Union[PageResult, Callable[[], PageResult]]]


def _check(cancelled: Optional[Callable[[], bool]]) -> None:
    if cancelled is not None and cancelled():
        raise CancelledError("Cancelled while fetching pages")


def _fetch_in_scope(cancelled, fetch: Fetch, offset: int, limit: int) -> PageResult:
    with cancel_scope(cancelled), gc_paused():
        return fetch(offset, limit)


#: Objects allocated since the last collection above which the iterating thread, when it would otherwise
#: only wait for the network, collects the young generations itself (about one page of assets).
IDLE_COLLECT_AT = 5_000


def _result(job: _Job) -> PageResult:
    if not job.future.done() and gc.get_count()[0] > IDLE_COLLECT_AT and paused_here():
        # The collector is paused while pages are fetched, so the decoded pages pile up in its youngest
        # generation, and its first pass after the pause walks all of them at once (~20-70 ms for 10k
        # assets, in the timed window). Doing that work while this thread would only wait for the next
        # page overlaps it with the network; it moves the survivors to the oldest generation, as the
        # collector's own young passes would have.
        gc.collect(1 if gc.get_count()[1] >= gc.get_threshold()[1] else 0)
    page = job.future.result()
    if callable(page):  # decoded here, in the iterating thread (the collector is paused: see iter_offset_pages)
        page = page()
    return page


class _Job(NamedTuple):
    offset: int
    future: Future
    dropped: threading.Event  # set when the page is no longer wanted: its retries/waits stop early


def iter_offset_pages(
    fetch: Fetch,
    *,
    page_size: int,
    concurrency: int = 4,
    cancelled: Optional[Callable[[], bool]] = None,
    progress: Optional[Callable[[int, int], None]] = None,
    max_pages: int = MAX_PAGES,
    first_round: Optional[int] = None,
) -> Iterator[Any]:
    """Yield every page's payload in offset order. ``fetch(offset, limit)`` runs in worker threads.

    ``first_round`` pages (default: one per worker) are requested before ``total`` is known; pass 1 for
    listings that usually fit on one page, so they cost one request.
    """
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    if cancelled is None:
        cancelled = current_cancel()  # e.g. the QgsTask running this; the page threads inherit it
    _check(cancelled)

    workers = max(1, int(concurrency))
    window = 2 * workers
    pending: Deque[_Job] = deque()
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pixxel-pages")
    pause = gc_paused()  # until the iteration ends: see the module's docstring
    pause.__enter__()

    def submit(offset: int, limit: int) -> None:
        dropped = threading.Event()

        def stop() -> bool:
            return dropped.is_set() or (cancelled is not None and cancelled())

        pending.append(_Job(offset, executor.submit(_fetch_in_scope, stop, fetch, offset, limit), dropped))

    def drop(job: _Job) -> None:
        job.dropped.set()
        job.future.cancel()

    try:
        # First round, speculative: offsets 0, L, 2L, ... (one per worker) together, so that learning
        # ``total`` from page 1 costs no extra round trip. The pages past the total are discarded.
        for i in range(max(1, min(first_round or workers, workers, max_pages))):
            submit(i * page_size, page_size)
        first = _result(pending.popleft())
        total = first.total
        step = page_size
        if first.limit and 0 < first.limit < page_size:
            step = first.limit  # the server capped the page size
        elif total is not None and first.count < page_size and first.count < total:
            step = first.count
        elif first.count > page_size:
            step = first.count  # the server ignored the limit: go on from where its page ended
        if first.count == 0 or step != page_size:
            while pending:  # the speculative offsets do not match the server's pages: replan
                drop(pending.pop())
        if first.count == 0:
            if progress:
                progress(0, 0 if total is None else total)
            return
        done = first.count
        _check(cancelled)
        yield first.payload
        if progress:
            progress(done, total if total is not None else done)
        if total is not None and done >= total:
            return  # the first page held everything (e.g. a server that ignores the limit)
        if total is not None:
            while pending and pending[-1].offset >= total:
                drop(pending.pop())

        if total is None:  # no pagination metadata: read in order until a short page
            offset, last_count, pages = step, first.count, 1
            while last_count >= step and pages < max_pages:
                _check(cancelled)
                if not pending:  # the speculative pages (contiguous from ``step``) are used first
                    submit(offset, step)
                job = pending.popleft()
                page = _result(job)
                pages += 1
                if page.count == 0:
                    return
                done += page.count
                yield page.payload
                if progress:
                    progress(done, done)
                offset += step
                last_count = page.count
            return

        submitted = 1 + len(pending)
        next_offset = step * submitted
        while True:
            while len(pending) < window and next_offset < total and submitted < max_pages:
                _check(cancelled)
                submit(next_offset, step)
                next_offset += step
                submitted += 1
            if not pending:
                break
            job = pending.popleft()
            page = _result(job)
            _check(cancelled)
            if page.count == 0:
                log.debug("empty page at offset %d: end of the list", job.offset)
                break
            if page.total is not None and page.total != total:
                log.info("the total changed from %d to %d while paging", total, page.total)
                total = page.total
                while pending and pending[-1].offset >= total:
                    drop(pending.pop())
                    next_offset -= step
                    submitted -= 1
            done += page.count
            yield page.payload
            if progress:
                progress(done, max(total, done))
    finally:
        for job in pending:
            drop(job)
        executor.shutdown(wait=True)
        pause.__exit__(None, None, None)
