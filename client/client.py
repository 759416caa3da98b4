"""PixxelClient: one method per endpoint, pagination, and a duplicate-safe AOI create."""

from __future__ import annotations

import logging
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple, Union
from urllib.parse import quote

from pydantic import ValidationError

from .defaults import DEFAULT_BASE_URL
from .errors import (
    ConflictError,
    PixxelConnectionError,
    PixxelError,
    PixxelTimeoutError,
    RateLimitError,
    RequestValidationError,
    ResponseFormatError,
    ServerError,
    clean_text,
)
from .models import (
    AOI,
    AOICreate,
    AOIPage,
    Asset,
    AssetPage,
    Download,
    DownloadRequest,
    Pagination,
    Project,
    ProjectPage,
    Satellite,
    SatelliteList,
    SearchItem,
    SearchPage,
    SearchQuery,
    format_error,
)
from .pagination import MAX_PAGES, PageResult, iter_offset_pages
from .transport import Transport

log = logging.getLogger("pixxel_qgis.client")

Cancelled = Optional[Callable[[], bool]]
Progress = Optional[Callable[[int, int], None]]


def _parse(model, data: Any, what: str, prefix: str = ""):
    try:
        return model.model_validate(data)
    except (ValidationError, RecursionError) as exc:
        raise format_error(exc, what, prefix) from None


def _path_id(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RequestValidationError(f"The {field} is empty", field=field)
    if len(value) > 200 or any(ord(c) < 32 for c in value):
        raise RequestValidationError(f"The {field} {clean_text(value, 60)!r} is not a valid ID", field=field)
    return quote(value.strip(), safe="")


def _int_or_none(value: Any) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class PixxelClient:
    """The Pixxel API client. Thread-safe for concurrent reads; no QGIS needed.

    >>> c = PixxelClient("my-key")          # base_url defaults to https://api.pixxel.space
    >>> aoi = c.create_aoi(AOICreate(...))
    >>> for page in c.iter_asset_pages(aoi.aoi_id, raw=True): ...
    """

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 30.0,
        retry_budget_s: float = 60.0,
        concurrency: int = 4,
        *,
        max_retries: int = 6,
        backoff_base_s: float = 0.5,
        backoff_max_s: float = 20.0,
        create_attempts: int = 3,
        create_lookups: int = 4,
        max_body_bytes: Optional[int] = None,
        verify: Any = True,
        proxies: Optional[Dict[str, Optional[str]]] = None,
        proxy_rules: Iterable[Tuple[str, Optional[Dict[str, Optional[str]]]]] = (),
        insecure_hosts: Iterable[str] = (),
    ) -> None:
        kw: Dict[str, Any] = {}
        if max_body_bytes is not None:
            kw["max_body_bytes"] = max_body_bytes
        self._t = Transport(
            api_key,
            base_url,
            timeout=timeout,
            retry_budget_s=retry_budget_s,
            max_retries=max_retries,
            backoff_base_s=backoff_base_s,
            backoff_max_s=backoff_max_s,
            concurrency=concurrency,
            verify=verify,
            proxies=proxies,
            proxy_rules=proxy_rules,
            insecure_hosts=insecure_hosts,
            **kw,
        )
        self.create_attempts = max(1, int(create_attempts))
        self.create_lookups = max(1, int(create_lookups))

    # ------------------------------------------------------------------ basics

    @property
    def base_url(self) -> str:
        return self._t.base_url

    @property
    def concurrency(self) -> int:
        return self._t.concurrency

    @property
    def transport(self) -> Transport:
        return self._t

    def __repr__(self) -> str:
        return f"PixxelClient(base_url={self.base_url!r})"

    def close(self) -> None:
        self._t.close()

    def __enter__(self) -> PixxelClient:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _get(self, path: str, op: str, params: Optional[Dict[str, Any]] = None, cancelled: Cancelled = None) -> Any:
        return self._t.request("GET", path, params=params, op=op, cancelled=cancelled)

    # ------------------------------------------------------------------ ping / projects / satellites

    def ping(self) -> str:
        """GET /ping -> the server's pong text."""
        data = self._get("/ping", "ping the Pixxel service")
        if isinstance(data, str):
            return data
        if isinstance(data, dict):
            for key in ("message", "msg", "status", "ping"):
                if isinstance(data.get(key), str):
                    return data[key]
        raise ResponseFormatError("The response to ping is not a text", field="(body)")

    def list_projects(self, page_num: int = 1, page_size: int = 50) -> ProjectPage:
        """GET /v0/projects?page_num&page_size."""
        if page_num < 1 or page_size < 1:
            raise RequestValidationError("page_num and page_size must be at least 1", field="page_num")
        data = self._get("/v0/projects", "list projects", {"page_num": page_num, "page_size": page_size})
        if isinstance(data, list):
            data = {"projects": data}
        return _parse(ProjectPage, data, "list projects")

    def all_projects(self, page_size: int = 100) -> List[Project]:
        projects: List[Project] = []
        seen = set()
        for page_num in range(1, MAX_PAGES):
            page = self.list_projects(page_num=page_num, page_size=page_size)
            new = [p for p in page.projects if p.id not in seen]
            seen.update(p.id for p in new)
            projects.extend(new)
            total = page.total
            if not page.projects or not new or len(page.projects) < page_size:
                break
            if total is not None and len(projects) >= total:
                break
        return projects

    def get_project(self, project_id: str) -> Project:
        """GET /v0/projects/{id}; reads {"project": {...}} (the spec) or the bare object (the docs)."""
        data = self._get(f"/v0/projects/{_path_id(project_id, 'project_id')}", "get the project")
        if isinstance(data, dict) and isinstance(data.get("project"), dict):
            return _parse(Project, data["project"], "get the project", "project")
        return _parse(Project, data, "get the project")

    def list_satellites(self) -> List[Satellite]:
        """GET /v0/satellites."""
        data = self._get("/v0/satellites", "list satellites")
        if isinstance(data, list):
            data = {"satellites": data}
        return _parse(SatelliteList, data, "list satellites").satellites

    # ------------------------------------------------------------------ search

    def search_images(
        self, query: Union[SearchQuery, Dict[str, Any]], next_token: Optional[str] = None, cancelled: Cancelled = None
    ) -> SearchPage:
        """POST /v0/search; pass the previous page's ``next_token`` for the next page."""
        q = SearchQuery.parse(query)
        body = q.to_payload()
        if next_token:
            body["next_token"] = next_token
        data = self._t.request("POST", "/v0/search", json_body=body, op="search satellite images", retry=True,
                               ok=(200,), cancelled=cancelled)
        return _parse(SearchPage, data, "search satellite images")

    def iter_search(
        self, query: Union[SearchQuery, Dict[str, Any]], max_items: Optional[int] = None, cancelled: Cancelled = None
    ) -> Iterator[SearchItem]:
        """Every search result across pages (follows ``next_token``; stops on a repeated token)."""
        q = SearchQuery.parse(query)
        token: Optional[str] = q.next_token
        seen_tokens = set()
        seen_ids = set()
        count = 0
        for _ in range(MAX_PAGES):
            page = self.search_images(q, next_token=token, cancelled=cancelled)
            for item in page.items:
                if item.id in seen_ids:
                    continue
                seen_ids.add(item.id)
                yield item
                count += 1
                if max_items is not None and count >= max_items:
                    return
            token = page.next_token
            if not token or not page.items or token in seen_tokens:
                return
            seen_tokens.add(token)

    # ------------------------------------------------------------------ AOIs

    def list_aois(
        self,
        offset: int = 0,
        limit: int = 50,
        aoi_name: Optional[str] = None,
        project_ids: Optional[Union[str, Iterable[str]]] = None,
        *,
        aoi_id: Optional[str] = None,
        created_at: Optional[str] = None,
        updated_at: Optional[str] = None,
        cancelled: Cancelled = None,
    ) -> AOIPage:
        """GET /v0/aois with offset/limit and the documented filters."""
        if offset < 0 or limit < 1:
            raise RequestValidationError("offset must be >= 0 and limit >= 1", field="limit")
        params: Dict[str, Any] = {"offset": offset, "limit": limit}
        if aoi_name is not None:
            params["aoi_name"] = aoi_name
        if project_ids:
            params["project_ids"] = project_ids if isinstance(project_ids, str) else ",".join(project_ids)
        for key, value in (("aoi_id", aoi_id), ("created_at", created_at), ("updated_at", updated_at)):
            if value is not None:
                params[key] = value
        data = self._get("/v0/aois", "list AOIs", params, cancelled)
        return _parse(AOIPage, data, "list AOIs")

    def iter_aois(self, page_size: int = 100, cancelled: Cancelled = None, **filters: Any) -> Iterator[AOI]:
        def fetch(offset: int, limit: int) -> PageResult:
            page = self.list_aois(offset=offset, limit=limit, cancelled=cancelled, **filters)
            pg = page.pagination or Pagination()
            return PageResult(page.aois, len(page.aois), pg.total, pg.limit)

        # A user's AOIs usually fit on one page: no speculative first round (see iter_offset_pages).
        for aois in iter_offset_pages(fetch, page_size=page_size, concurrency=self.concurrency, cancelled=cancelled,
                                      first_round=1):
            yield from aois

    def all_aois(self, page_size: int = 100, **filters: Any) -> List[AOI]:
        return list(self.iter_aois(page_size=page_size, **filters))

    def find_aoi_by_name(self, name: str, cancelled: Cancelled = None) -> Optional[AOI]:
        """The AOI whose name equals ``name`` exactly (the server filter may be looser), or None."""
        for aoi in self.iter_aois(page_size=100, aoi_name=name, cancelled=cancelled):
            if aoi.name == name:
                return aoi
        return None

    def get_aoi(self, aoi_id: str, cancelled: Cancelled = None) -> AOI:
        """GET /v0/aoi/{aoi_id} (singular path), e.g. to poll the status."""
        data = self._get(f"/v0/aoi/{_path_id(aoi_id, 'aoi_id')}", "get the AOI", cancelled=cancelled)
        if isinstance(data, dict) and isinstance(data.get("aoi"), dict) and "aoi_id" not in data:
            return _parse(AOI, data["aoi"], "get the AOI", "aoi")
        return _parse(AOI, data, "get the AOI")

    def create_aoi(self, aoi: Union[AOICreate, Dict[str, Any]], cancelled: Cancelled = None) -> AOI:
        """POST /v0/aois (201). Never creates a duplicate and never loses one.

        The name is the idempotency key: after a timeout, a broken connection or a 5xx, the AOI is
        looked up by name before the POST is tried again; a 409 after such a lost response means the
        first POST worked, and the existing AOI is returned. A 409 on the first attempt is a ConflictError.
        """
        request = AOICreate.parse(aoi)
        body = request.to_payload()
        name = request.name
        op = f"create the AOI {clean_text(name, 80)!r}"
        outcome_unknown = False
        last: Optional[PixxelError] = None
        for attempt in range(1, self.create_attempts + 1):
            try:
                data = self._t.request("POST", "/v0/aois", json_body=body, op=op, retry=False, ok=(200, 201),
                                       cancelled=cancelled, allow_redirects=False)
                try:
                    created = self._created_aoi(data, name, op)
                except ResponseFormatError:
                    created = None  # a 2xx with an unreadable AOI: it exists all the same
                if created is not None:
                    return created
                # 2xx without an AOI in the body: the AOI exists; fetch it by name.
                found, _ = self._lookup_created(name, cancelled)
                if found is not None:
                    return found
                raise ResponseFormatError(f"The response to {op} did not contain the new AOI", field="aoi_id")
            except ResponseFormatError:
                # Unreadable 2xx body (e.g. malformed JSON): the server accepted the POST, so the AOI exists.
                found, _ = self._lookup_created(name, cancelled)
                if found is not None:
                    log.warning("%s: the response was unreadable; the AOI was created and is recovered", op)
                    return found
                raise
            except ConflictError as exc:
                if outcome_unknown:
                    found, _ = self._lookup_created(name, cancelled)
                    if found is not None:
                        log.warning("%s: the first response was lost; the AOI was created and is recovered", op)
                        return found
                raise ConflictError(
                    f"An AOI named {clean_text(name, 80)!r} already exists",
                    hint="Choose another name for the AOI.",
                    status=exc.status,
                    code=exc.code,
                    server_message=exc.server_message,
                    field="name",
                    method="POST",
                    path="/v0/aois",
                ) from None
            except RateLimitError as exc:  # refused, not processed: safe to try again later
                last = exc
                wait = exc.retry_after if exc.retry_after is not None else self._t.backoff(attempt)
                if attempt >= self.create_attempts or wait > self._t.retry_budget_s:
                    raise
                self._t._wait(wait, cancelled)
                continue
            except (PixxelTimeoutError, PixxelConnectionError, ServerError) as exc:
                last = exc
                outcome_unknown = True
                log.warning("%s: %s; checking whether the AOI was created before trying again", op,
                            type(exc).__name__)
                if isinstance(exc, PixxelTimeoutError):
                    # The timed-out POST may still be on its way through the server: give it one request
                    # timeout before looking, or the lookup can run ahead of the create it looks for.
                    self._t._wait(self._t.timeout, cancelled)
                found, answered = self._lookup_created(name, cancelled)
                if found is not None:
                    log.warning("%s: the response was lost but the AOI was created; recovered it", op)
                    return found
                if not answered:
                    # No lookup got an answer, so the AOI may exist: another POST could make a second one.
                    exc.hint = ("The AOI may have been created all the same: refresh Existing AOIs and look for "
                                f"{clean_text(name, 80)!r} before creating it again.")
                    exc.args = (str(exc),)
                    raise exc
                if attempt < self.create_attempts:
                    self._t._wait(self._t.backoff(attempt), cancelled)
        assert last is not None
        raise last

    def _created_aoi(self, data: Any, name: str, op: str) -> Optional[AOI]:
        if isinstance(data, dict) and isinstance(data.get("aoi"), dict) and "aoi_id" not in data:
            data = data["aoi"]
        if isinstance(data, dict) and not data.get("aoi_id"):
            return None
        return _parse(AOI, data, op)

    def _lookup_created(self, name: str, cancelled: Cancelled) -> Tuple[Optional[AOI], bool]:
        """Look the AOI up by name a few times with backoff (the server may still be committing it).

        Returns ``(the AOI or None, whether any lookup got an answer)``: a lookup that failed says nothing
        about whether the AOI exists."""
        got_answer = False
        found = None
        for i in range(self.create_lookups):
            try:
                found = self.find_aoi_by_name(name, cancelled=cancelled)
                got_answer = True
            except (PixxelTimeoutError, PixxelConnectionError, ServerError, RateLimitError) as exc:
                log.info("looking up AOI %r failed (%s)", clean_text(name, 80), type(exc).__name__)
                found = None
            if found is not None:
                break
            if i + 1 < self.create_lookups:
                self._t._wait(self._t.backoff(i + 1), cancelled)
        return found, got_answer

    def wait_for_aoi(
        self,
        aoi_id: str,
        *,
        poll_s: float = 5.0,
        max_wait_s: float = 3600.0,
        cancelled: Cancelled = None,
        on_status: Optional[Callable[[AOI], None]] = None,
    ) -> AOI:
        """Poll get_aoi every ``poll_s`` until the status is final (success, failed, partial_success) or
        ``max_wait_s`` passes (then the last answer); :func:`client.polling.poll_aoi` with a fixed delay and
        no retry of temporary errors."""
        from .polling import poll_aoi

        return poll_aoi(self, aoi_id, cancelled=cancelled, on_update=on_status, initial_delay=poll_s, factor=1.0,
                        max_delay=poll_s, max_transient=0, timeout_s=max_wait_s, return_on_timeout=True)

    # ------------------------------------------------------------------ assets

    def _asset_page_raw(self, aoi_id: str, offset: int, limit: int, cancelled: Cancelled) -> Dict[str, Any]:
        return _check_asset_envelope(self._asset_page_body(aoi_id, offset, limit, cancelled)())

    def _asset_page_body(self, aoi_id: str, offset: int, limit: int, cancelled: Cancelled) -> Callable[[], Any]:
        """GET one page of assets; returns its body undecoded: a callable that decodes it (a page thread can
        then go back to the network while the iterating thread decodes)."""
        if offset < 0 or limit < 1:
            raise RequestValidationError("offset must be >= 0 and limit >= 1", field="limit")
        return self._t.request("GET", f"/v0/aois/{_path_id(aoi_id, 'aoi_id')}/assets", params={"offset": offset,
                               "limit": limit}, op="list the AOI's assets", cancelled=cancelled, defer_decode=True)

    def list_assets(self, aoi_id: str, offset: int = 0, limit: int = 100, cancelled: Cancelled = None) -> AssetPage:
        """GET /v0/aois/{aoi_id}/assets?offset&limit -> one parsed page."""
        data = self._asset_page_raw(aoi_id, offset, limit, cancelled)
        return _parse(AssetPage, data, "list the AOI's assets")

    def iter_asset_pages(
        self,
        aoi_id: str,
        page_size: int = 500,
        raw: bool = False,
        cancelled: Cancelled = None,
        progress: Progress = None,
    ) -> Iterator[Union[AssetPage, List[Dict[str, Any]]]]:
        """Every page of the AOI's assets, in order; pages after the first are fetched concurrently.

        ``raw=True`` yields each page's list of asset dicts untouched (only the envelope is checked);
        otherwise parsed :class:`AssetPage` objects. ``cancelled()`` is polled between requests,
        ``progress(done, total)`` is called after each page.
        """
        _path_id(aoi_id, "aoi_id")

        def fetch(offset: int, limit: int) -> Callable[[], PageResult]:
            # The page thread only reads the body; the pager decodes it in the iterating thread, so the page
            # threads go straight back to the network instead of queueing for the GIL behind each other's
            # JSON decoding (make bench: Pagination).
            decode = self._asset_page_body(aoi_id, offset, limit, cancelled)

            def result() -> PageResult:
                data = _check_asset_envelope(decode())
                pg = data.get("pagination") or {}
                assets = data["assets"]
                payload = assets if raw else _parse(AssetPage, data, "list the AOI's assets")
                return PageResult(payload, len(assets), _int_or_none(pg.get("total")),
                                  _int_or_none(pg.get("limit")))

            return result

        return iter_offset_pages(fetch, page_size=page_size, concurrency=self.concurrency, cancelled=cancelled,
                                 progress=progress)

    def iter_assets(
        self, aoi_id: str, page_size: int = 500, cancelled: Cancelled = None, progress: Progress = None
    ) -> Iterator[Asset]:
        for page in self.iter_asset_pages(aoi_id, page_size=page_size, cancelled=cancelled, progress=progress):
            yield from page.assets  # type: ignore[union-attr]

    def all_assets(
        self, aoi_id: str, page_size: int = 500, cancelled: Cancelled = None, progress: Progress = None
    ) -> List[Asset]:
        return list(self.iter_assets(aoi_id, page_size=page_size, cancelled=cancelled, progress=progress))

    def all_assets_raw(
        self, aoi_id: str, page_size: int = 500, cancelled: Cancelled = None, progress: Progress = None
    ) -> List[Dict[str, Any]]:
        out: List[Dict[str, Any]] = []
        for page in self.iter_asset_pages(aoi_id, page_size=page_size, raw=True, cancelled=cancelled,
                                          progress=progress):
            out.extend(page)  # type: ignore[arg-type]
        return out

    # ------------------------------------------------------------------ downloads

    def create_download(self, aoi_id: str, asset_ids: List[str], cancelled: Cancelled = None) -> Download:
        """POST /v0/aois/{aoi_id}/downloads -> a signed URL (fetch it without the API key)."""
        body = DownloadRequest.parse({"asset_ids": asset_ids}).to_payload()
        data = self._t.request("POST", f"/v0/aois/{_path_id(aoi_id, 'aoi_id')}/downloads", json_body=body,
                               op="create a download", retry=False, ok=(200, 201), allow_redirects=False,
                               cancelled=cancelled)
        return _parse(Download, data, "create a download")

    def download_file(
        self, url: str, dest: str, cancelled: Cancelled = None, progress: Progress = None
    ) -> int:
        """Save a signed URL (from create_download / get_download) to ``dest``; the key is never sent to it."""
        return self._t.download(url, dest, cancelled=cancelled, progress=progress)

    def get_download(self, aoi_id: str, download_id: str, cancelled: Cancelled = None) -> Download:
        """GET /v0/aois/{aoi_id}/downloads/{download_id}."""
        data = self._get(
            f"/v0/aois/{_path_id(aoi_id, 'aoi_id')}/downloads/{_path_id(download_id, 'download_id')}",
            "get the download status",
            cancelled=cancelled,
        )
        return _parse(Download, data, "get the download status")


def _check_asset_envelope(data: Any) -> Dict[str, Any]:
    """Cheap schema check of an asset page (no per-asset pydantic): names the offending field."""
    what = "The response to list the AOI's assets"
    if not isinstance(data, dict):
        raise ResponseFormatError(f"{what} is not a JSON object", field="(body)")
    assets = data.get("assets")
    if assets is None:
        if "assets" in data:
            data = {**data, "assets": []}
            assets = data["assets"]
        else:
            raise ResponseFormatError(f"{what} has no 'assets' list", field="assets")
    if not isinstance(assets, list):
        raise ResponseFormatError(f"{what}: field 'assets' is not a list", field="assets")
    for i, item in enumerate(assets):
        if not isinstance(item, dict):
            raise ResponseFormatError(f"{what}: field 'assets[{i}]' is not an object", field=f"assets[{i}]")
    pg = data.get("pagination")
    if pg is not None:
        if not isinstance(pg, dict):
            raise ResponseFormatError(f"{what}: field 'pagination' is not an object", field="pagination")
        for key in ("total", "offset", "limit"):
            value = pg.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                raise ResponseFormatError(
                    f"{what}: field 'pagination.{key}' is not a non-negative integer", field=f"pagination.{key}"
                )
    return data
