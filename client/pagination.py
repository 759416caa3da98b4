"""Offset/limit pagination: the first page sequentially, then the rest concurrently, yielded in order.

Stops on the last page, on an empty page, and follows a ``total`` that changes between pages (more pages
are planned if it grows; it ends early if it shrinks). The number of requests in flight never exceeds
``concurrency``, and at most ``2 * concurrency`` finished pages wait in memory.
"""

from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Deque, Iterator, NamedTuple, Optional, Tuple

from .errors import CancelledError
from .transport import cancel_scope, current_cancel

log = logging.getLogger("pixxel_qgis.client")

#: A hard bound on the number of pages one iteration may fetch (protects against hostile totals).
MAX_PAGES = 100_000


class PageResult(NamedTuple):
    payload: Any  # what the iterator yields for this page
    count: int  # items on this page
    total: Optional[int]  # pagination.total, if given
    limit: Optional[int]  # pagination.limit, if given


Fetch = Callable[[int, int], PageResult]


def _check(cancelled: Optional[Callable[[], bool]]) -> None:
    if cancelled is not None and cancelled():
        raise CancelledError("Cancelled while fetching pages")


def _fetch_in_scope(cancelled, fetch: Fetch, offset: int, limit: int) -> PageResult:
    with cancel_scope(cancelled):
        return fetch(offset, limit)


def iter_offset_pages(
    fetch: Fetch,
    *,
    page_size: int,
    concurrency: int = 4,
    cancelled: Optional[Callable[[], bool]] = None,
    progress: Optional[Callable[[int, int], None]] = None,
    max_pages: int = MAX_PAGES,
) -> Iterator[Any]:
    """Yield every page's payload in offset order. ``fetch(offset, limit)`` may run in worker threads."""
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    if cancelled is None:
        cancelled = current_cancel()  # e.g. the QgsTask running this; the page threads inherit it
    _check(cancelled)
    first = fetch(0, page_size)
    total = first.total
    if first.count == 0:
        if progress:
            progress(0, 0 if total is None else total)
        return
    step = page_size
    if first.limit and 0 < first.limit < page_size:
        step = first.limit  # the server capped the page size
    elif total is not None and first.count < page_size and first.count < total:
        step = first.count
    elif first.count > page_size:
        step = first.count  # the server ignored the limit: go on from where its page ended
    done = first.count
    _check(cancelled)
    yield first.payload
    if progress:
        progress(done, total if total is not None else done)
    if total is not None and done >= total:
        return  # the first page held everything (e.g. a server that ignores the limit)

    if total is None:  # no pagination metadata: read sequentially until a short page
        offset, last_count, pages = step, first.count, 1
        while last_count >= step and pages < max_pages:
            _check(cancelled)
            page = fetch(offset, step)
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

    workers = max(1, int(concurrency))
    window = 2 * workers
    pending: Deque[Tuple[int, Future]] = deque()
    next_offset = step
    submitted = 1
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pixxel-pages")
    try:
        while True:
            while len(pending) < window and next_offset < total and submitted < max_pages:
                _check(cancelled)
                pending.append((next_offset, executor.submit(_fetch_in_scope, cancelled, fetch, next_offset,
                                                             step)))
                next_offset += step
                submitted += 1
            if not pending:
                break
            offset, future = pending.popleft()
            page = future.result()
            _check(cancelled)
            if page.count == 0:
                log.debug("empty page at offset %d: end of the list", offset)
                break
            if page.total is not None and page.total != total:
                log.info("the total changed from %d to %d while paging", total, page.total)
                total = page.total
                while pending and pending[-1][0] >= total:
                    pending.pop()[1].cancel()
            done += page.count
            yield page.payload
            if progress:
                progress(done, max(total, done))
    finally:
        for _, future in pending:
            future.cancel()
        executor.shutdown(wait=True)
