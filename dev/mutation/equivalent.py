"""Surviving mutants judged equivalent: no behaviour a caller or a test could observe changes.

Key: "module|operator|original line|mutated line" (stripped, as in the report); value: why. A survivor not
listed here is reported as "NOT EXPLAINED: needs a test". Keep each reason checkable by reading the code.
"""

_P = "client/pagination.py"
_C = "client/client.py"
_T = "client/transport.py"
_A = "core/aoi/aoi_shape.py"
_N = "core/connection.py"
_V = "core/aoi/coverage.py"

_MARKER = ("cosmic-ray turns the keyword-only marker `*` into the positional-only marker `/`: the parameters "
           "before it become positional-only, those after it positional-or-keyword. Every caller passes them "
           "in a way both signatures accept (where one does not, that mutant is killed).")

EQUIVALENT = {
    **{f"{m}|ReplaceBinaryOperator_Mul_Div|*,|/,": _MARKER for m in (_P, _C, _T, _A)},
    # ---------------------------------------------------------------- client/pagination.py
    # the idle young collection (issue 15): WHEN the pager collects is a timing choice; WHAT it yields, the
    # errors it raises, the generations it asks for and the collector's state afterwards are tested
    # (tests/test_pagination_deferred.py); its effect on time is measured by make bench (Pagination)
    **{f"{_P}|NumberReplacer|IDLE_COLLECT_AT = 5_000|IDLE_COLLECT_AT = {n}":
       "the object count above which an idle young collection pays off is a tuning value: one object more or "
       "less decides at most whether one collection runs, which changes timing only (make bench)"
       for n in (4999, 5001)},
    f"{_P}|ReplaceComparisonOperator_Gt_GtE|if not job.future.done() and gc.get_count()[0] > IDLE_COLLECT_AT and paused_here():|if not job.future.done() and gc.get_count()[0] >= IDLE_COLLECT_AT and paused_here():":
        "differs only at exactly IDLE_COLLECT_AT objects: one idle collection more or less, timing only.",
    f"{_P}|ReplaceUnaryOperator_Delete_Not|if not job.future.done() and gc.get_count()[0] > IDLE_COLLECT_AT and paused_here():|if  job.future.done() and gc.get_count()[0] > IDLE_COLLECT_AT and paused_here():":
        "collecting when the next page is already there instead of while waiting for it: the same young "
        "passes at other moments (they then cost time instead of overlapping the network); same pages, "
        "errors and collector state. Which moment a page thread finishes is not deterministic, so no test "
        "can pin it without timing.",
    f"{_P}|AddNot|if not job.future.done() and gc.get_count()[0] > IDLE_COLLECT_AT and paused_here():|if not not job.future.done() and gc.get_count()[0] > IDLE_COLLECT_AT and paused_here():":
        "as the mutant above (not not x is x): collections moved from waiting time to busy time; timing only.",
    f"{_P}|NumberReplacer|if first.limit and 0 < first.limit < page_size:|if first.limit and -1 < first.limit < page_size:":
        "first.limit is truthy here, so a non-zero int: -1 < limit and 0 < limit agree.",
    f"{_P}|ReplaceComparisonOperator_Lt_LtE|if first.limit and 0 < first.limit < page_size:|if first.limit and 0 <= first.limit < page_size:":
        "first.limit is truthy here, so a non-zero int: 0 <= limit and 0 < limit agree.",
    f"{_P}|ReplaceComparisonOperator_Lt_LtE|elif total is not None and first.count < page_size and first.count < total:|elif total is not None and first.count <= page_size and first.count < total:":
        "count == page_size makes step = count = page_size, the value step already has.",
    f"{_P}|ReplaceComparisonOperator_Lt_LtE|elif total is not None and first.count < page_size and first.count < total:|elif total is not None and first.count < page_size and first.count <= total:":
        "count == total: the first page holds everything and the iteration returns right after yielding "
        "it; the changed step only drops the speculative pages, which the finally block drops anyway.",
    f"{_P}|ReplaceComparisonOperator_Gt_GtE|elif first.count > page_size:|elif first.count >= page_size:":
        "count == page_size makes step = count = page_size, the value step already has.",
    f"{_P}|NumberReplacer|if first.count == 0 or step != page_size:|if first.count == -1 or step != page_size:":
        "a count is never negative; with count 0 the function returns a few lines later and the finally "
        "block drops the same pending pages.",
    f"{_P}|ReplaceComparisonOperator_GtE_Gt|if total is not None and done >= total:|if total is not None and done > total:":
        "done == total after the first page: every planned offset is >= total (step >= count = total), so "
        "the pages are dropped on the next lines and the main loop plans nothing: same pages, same requests.",
    # ---------------------------------------------------------------- core/connection.py
    f"{_N}|ReplaceAndWithOr|if not am.masterPasswordIsSet() and not am.setMasterPassword(True):|if not am.masterPasswordIsSet() or not am.setMasterPassword(True):":
        "when the master password is already set, QgsAuthManager.setMasterPassword(True) returns True at once "
        "(no prompt), so `or` raises exactly when `and` does.",
    f"{_N}|ReplaceTrueWithFalse|am.loadAuthenticationConfig(authcfg, cfg, True)|am.loadAuthenticationConfig(authcfg, cfg, False)":
        "the existing config is loaded only to be updated in place: name, method, URI, user name and password "
        "are all set right after, and the plugin's configs hold nothing else.",
    # ---------------------------------------------------------------- client/client.py
    f"{_C}|ReplaceAndWithOr|return value if isinstance(value, int) and not isinstance(value, bool) else None|return value if isinstance(value, int) or not isinstance(value, bool) else None":
        "only called on pagination values that _check_asset_envelope has already limited to non-negative "
        "ints or None (bools refused): for those both forms return the same.",
    f"{_C}|ExceptionReplacer|except ResponseFormatError:|except type(\"MutantOnlyException\", (Exception,), {{}}):":
        "the inner handler of create_aoi: without it the same ResponseFormatError reaches the outer handler, "
        "which does the same lookup (checked by hand: removing that inner path alone fails no test and "
        "changes no outcome).",
    f"{_C}|ReplaceComparisonOperator_Gt_GtE|if attempt >= self.create_attempts or wait > self._t.retry_budget_s:|if attempt >= self.create_attempts or wait >= self._t.retry_budget_s:":
        "differs only when a Retry-After (or a random backoff) equals the retry budget exactly.",
    f"{_C}|NumberReplacer|return poll_aoi(self, aoi_id, cancelled=cancelled, on_update=on_status, initial_delay=poll_s, factor=1.0,|return poll_aoi(self, aoi_id, cancelled=cancelled, on_update=on_status, initial_delay=poll_s, factor= 2.0,":
        "the delay is capped at max_delay = poll_s, so growing it by 2 leaves it at poll_s.",
    f"{_C}|NumberReplacer|max_delay=poll_s, max_transient=0, timeout_s=max_wait_s, return_on_timeout=True)|max_delay=poll_s, max_transient= -1, timeout_s=max_wait_s, return_on_timeout=True)":
        "poll_aoi re-raises when the count of temporary errors exceeds max_transient: 1 > 0 and 1 > -1 alike.",
    # ---------------------------------------------------------------- client/transport.py
    f"{_T}|ReplaceComparisonOperator_Lt_LtE|if 300 <= status < 400:|if 300 <= status <= 400:":
        "status 400 never gets here: it is turned into RequestValidationError a few lines above.",
    f"{_T}|ReplaceComparisonOperator_LtE_Lt|if left <= 0:|if left < 0:":
        "left == 0 exactly: one extra sleep(0) and the next pass returns; nothing observable.",
    f"{_T}|ReplaceComparisonOperator_LtE_Lt|if not timeout or timeout <= 0:|if not timeout or timeout < 0:":
        "timeout == 0 is already refused by `not timeout`.",
    f"{_T}|ReplaceComparisonOperator_Gt_GtE|if attempt > self.max_retries or elapsed + wait > self.retry_budget_s:|if attempt > self.max_retries or elapsed + wait >= self.retry_budget_s:":
        "differs only when a measured float time plus a random backoff equals the budget exactly.",
    f"{_T}|ReplaceComparisonOperator_Gt_GtE|if time.monotonic() > deadline:|if time.monotonic() >= deadline:":
        "differs only when the clock reads the deadline exactly (float equality).",
    f"{_T}|ExceptionReplacer|except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:|except (requests.exceptions.ConnectionError, type(\"MutantOnlyException\", (Exception,), {{}})) as exc:":
        "in _once the body is streamed (read later, in _read_body), and requests swallows chunked-encoding "
        "errors in the bodies of redirects it follows: session.request cannot raise ChunkedEncodingError "
        "there. (The same mutant in _read_body is killed by test_a_broken_chunked_body_is_a_connection_error.)",
    f"{_T}|ExceptionReplacer|except (ValueError, UnicodeDecodeError) as exc:|except (ValueError, type(\"MutantOnlyException\", (Exception,), {{}})) as exc:":
        "UnicodeDecodeError is a subclass of ValueError: still caught.",
    f"{_T}|ExceptionReplacer|except (ValueError, UnicodeDecodeError, RecursionError):|except (ValueError, type(\"MutantOnlyException\", (Exception,), {{}}), RecursionError):":
        "UnicodeDecodeError is a subclass of ValueError: still caught.",
    f"{_T}|ExceptionReplacer|except (TypeError, ValueError):|except (type(\"MutantOnlyException\", (Exception,), {{}}), ValueError):":
        "json.dumps of what json.loads returned cannot raise TypeError.",
    f"{_T}|ExceptionReplacer|except (TypeError, ValueError):|except (TypeError, type(\"MutantOnlyException\", (Exception,), {{}})):":
        "json.dumps of what json.loads returned cannot raise ValueError (no cycles; NaN is allowed).",
    f"{_T}|ExceptionReplacer|except (TypeError, ValueError, IndexError):|except (type(\"MutantOnlyException\", (Exception,), {{}}), ValueError, IndexError):":
        "on Python >= 3.10 email.utils.parsedate_to_datetime raises only ValueError for a bad str (TypeError "
        "and IndexError are kept for older Pythons).",
    f"{_T}|ExceptionReplacer|except (TypeError, ValueError, IndexError):|except (TypeError, ValueError, type(\"MutantOnlyException\", (Exception,), {{}})):":
        "as above: IndexError is not raised on Python >= 3.10.",
    **{f"{_T}|NumberReplacer|for chunk in response.iter_content(chunk_size=256 * 1024):|for chunk in response.iter_content(chunk_size={a}):":
       "the read size of a streamed body: the same bytes arrive, the size limit and the deadline are checked "
       "after every piece either way (their effect at a piece boundary is not a promise)"
       for a in (" 257 * 1024", " 255 * 1024", "256 * 1025", "256 * 1023")},
    **{f"{_T}|NumberReplacer|for chunk in response.iter_content(chunk_size=1024 * 1024):|for chunk in response.iter_content(chunk_size={a}):":
       "the write size of a download: the same bytes reach the file; only how often progress is reported changes"
       for a in (" 1025 * 1024", " 1023 * 1024", "1024 * 1025", "1024 * 1023")},
    f"{_T}|NumberReplacer|if 300 <= status < 400:|if 300 <= status < 401:":
        "status 400 never gets here: it is turned into RequestValidationError above.",
    f"{_T}|NumberReplacer|f\"Could not {{op}}: the response is not valid JSON{{where}} (starts with {{clean_text(snippet, 40)!r}})\",|f\"Could not {{op}}: the response is not valid JSON{{where}} (starts with {{clean_text(snippet, 41)!r}})\",":
        "the snippet is at most 40 bytes, so a 41-character limit cuts nothing more.",
    f"{_T}|NumberReplacer|details = self.redact(clean_text(json.dumps(details)[:2000], 2000))|details = self.redact(clean_text(json.dumps(details)[:2000], 2001))":
        "the text is already cut to 2000 characters, so a 2001-character limit cuts nothing more.",
    f"{_T}|ReplaceAndWithOr|if self.__key and self.__key in text:|if self.__key or self.__key in text:":
        "the key is never empty (the constructor refuses it), so both forms are true exactly when the key is in "
        "the text; replacing an absent key would change nothing anyway.",
    # ---------------------------------------------------------------- core/aoi/aoi_shape.py
    f"{_A}|ReplaceBinaryOperator_Add_Sub|dlam = (dlam + np.pi) % (2 * np.pi) - np.pi|dlam = (dlam - np.pi) % (2 * np.pi) - np.pi":
        "x + pi and x - pi differ by 2 pi, which the modulo removes: the same wrapped angle.",
    f"{_A}|ReplaceBinaryOperator_Sub_Add|dlam = (dlam + np.pi) % (2 * np.pi) - np.pi|dlam = (dlam + np.pi) % (2 * np.pi) + np.pi":
        "shifts every angle by 2 pi; dlam is only used as tan(dlam / 2), whose period is 2 pi.",
    f"{_A}|ReplaceComparisonOperator_Lt_LtE|if len(coords) < 2:|if len(coords) <= 2:":
        "a non-empty polygon has at least 4 positions (a closed ring): 2 coordinates cannot occur.",
    f"{_A}|ReplaceComparisonOperator_Lt_LtE|if area < MIN_AREA_M2:|if area <= MIN_AREA_M2:":
        "differs only for a computed geodesic area of exactly 100.0 m² (float equality).",
    f"{_A}|ReplaceComparisonOperator_Lt_LtE|if mean_width < MIN_MEAN_WIDTH_M:|if mean_width <= MIN_MEAN_WIDTH_M:":
        "differs only for a computed mean width of exactly 1.0 m (float equality).",
    f"{_A}|ReplaceComparisonOperator_Gt_GtE|mean_width = 2 * area / perimeter if perimeter > 0 else 0.0|mean_width = 2 * area / perimeter if perimeter >= 0 else 0.0":
        "perimeter is 0 only for an empty shape, whose area (0) was refused just before.",
    f"{_A}|ReplaceComparisonOperator_Gt_GtE|while tol > 1e-9:|while tol >= 1e-9:":
        "tol is exactly 1e-9 only for a shape smaller than 1e-9 degrees, refused as too small before.",
    f"{_A}|ReplaceComparisonOperator_Gt_GtE|change = abs(float(shapely.area(cand)) - area0) / area0 * 100 if area0 > 0 else 0.0|change = abs(float(shapely.area(cand)) - area0) / area0 * 100 if area0 >= 0 else 0.0":
        "area0 is the planar area of a polygon that passed the minimum-area check: never 0.",
    f"{_A}|ReplaceComparisonOperator_Gt_GtE|merged = shapely.union_all(parts) if len(parts) > 1 else parts[0]|merged = shapely.union_all(parts) if len(parts) >= 1 else parts[0]":
        "the union of one valid polygon is that polygon (its parts are taken right after).",
    f"{_A}|ReplaceComparisonOperator_Gt_GtE|merged = shapely.union_all(all_parts) if len(all_parts) > 1 else all_parts[0]|merged = shapely.union_all(all_parts) if len(all_parts) >= 1 else all_parts[0]":
        "the union of one valid polygon is that polygon (its parts are taken right after).",
    f"{_A}|ReplaceComparisonOperator_GtE_Gt|big = areas >= areas.max() * 1e-6|big = areas > areas.max() * 1e-6":
        "differs only for a part whose area is exactly 1e-6 of the largest (float equality).",
    f"{_A}|ReplaceUnaryOperator_Delete_Not|if not poly.is_valid:|if  poly.is_valid:":
        "make_valid of a valid polygon returns it unchanged (one part, taken back by _to_single_polygon), and "
        "the topology-preserving simplification before it never makes a polygon invalid.",
    f"{_A}|ReplaceContinueWithBreak|continue|break":
        "set_precision drops rings that collapse, so no ring here has fewer than 4 positions: the branch is "
        "never taken.",
    **{f"{_A}|{op}|if shapely.geos_version >= (3, 10, 0):|{after}":
       "which of the two repairs runs: the GEOS structure method or its reimplementation for GEOS < 3.10 / "
       "shapely < 2.1, which gives the same shapes (test_the_repair_without_geos_structure_method_gives_the_"
       "same_shape); on GEOS 3.10.0 exactly, '>' also picks the reimplementation"
       for op, after in (("ReplaceComparisonOperator_GtE_Lt", "if shapely.geos_version < (3, 10, 0):"),
                         ("ReplaceComparisonOperator_GtE_Gt", "if shapely.geos_version > (3, 10, 0):"),
                         ("AddNot", "if not shapely.geos_version >= (3, 10, 0):"))},
    f"{_A}|ReplaceFalseWithTrue|return shapely.make_valid(geom, method=\"structure\", keep_collapsed=False)|return shapely.make_valid(geom, method=\"structure\", keep_collapsed=True)":
        "collapsed parts kept by make_valid are lines or points, which _polygon_parts drops right after.",
    # ---------------------------------------------------------------- judged after the tests of issue 16b
    f"{_N}|ReplaceTrueWithFalse|if not am.masterPasswordIsSet() and not am.setMasterPassword(True):|if not am.masterPasswordIsSet() and not am.setMasterPassword(False):":
        "QgsAuthManager::setMasterPassword(bool verify) reads `verify` only when a master password is already "
        "set (it then returns true without verifying); this call is made only when none is set, and then QGIS "
        "prompts and always verifies what was typed. Run by hand, every guarding test passes with the mutant "
        "(a wrong password typed at QGIS's real prompt is still refused, the right one accepted: "
        "tests/test_connection_auth_failures.py); in the mutation runner's forked test process it passes "
        "them too, then QGIS crashes while Python collects garbage (SIGSEGV, every run): 'crashed', not killed.",
    **{f"{_V}|{op}|if len(clipped) > 1:|{after}":
       "with one clipped footprint the overlap search pairs it only with itself, which `left < right` drops: "
       "the overlap stays empty, as when the search is skipped"
       for op, after in (("ReplaceComparisonOperator_Gt_GtE", "if len(clipped) >= 1:"),
                         ("NumberReplacer", "if len(clipped) > 0:"))},
    f"{_C}|ExceptionReplacer|except (ValidationError, RecursionError) as exc:|except (ValidationError, type(\"MutantOnlyException\", (Exception,), {{}})) as exc:":
        "defensive: no server answer reaches pydantic deep enough to recurse. Measured against a loopback server "
        "with an AOI field nested 1 to 3000 levels deep: the transport's JSON decoder refuses 990 levels and "
        "more ('nested too deeply'), and below that validation finishes; the models recurse only in "
        "request-side geometry (_plain), which is not parsed through this function's response path.",
    f"{_T}|NumberReplacer|adapter = HTTPAdapter(pool_connections=2, pool_maxsize=self.concurrency + 1, max_retries=0)|adapter = HTTPAdapter(pool_connections= 3, pool_maxsize=self.concurrency + 1, max_retries=0)":
        "how many hosts' connection pools are kept (urllib3's PoolManager drops the least recently used): "
        "the client talks to the API host and the storage host of the downloads, two pools; a third is kept "
        "only for a third host, which it never uses.",
    f"{_T}|NumberReplacer|adapter = HTTPAdapter(pool_connections=2, pool_maxsize=self.concurrency + 1, max_retries=0)|adapter = HTTPAdapter(pool_connections=2, pool_maxsize=self.concurrency + 2, max_retries=0)":
        "one more idle connection kept than the client ever has in flight at once on a transport (concurrency "
        "page requests + 1, test_a_second_round_of_concurrent_requests_reuses_the_first_rounds_connections): "
        "that extra connection is never opened, so never kept.",
    **{f"{_A}|ReplaceBinaryOperator_Sub_Add|tol = max(math.hypot(maxx - minx, maxy - miny), 1e-9)|{m}":
       "the starting point of the tolerance search: any start leads to a result under the cap (halving from "
       "above, or growing by 1.6 from below when the start is too small, for a shape across the equator or "
       "the prime meridian); only the grid of tolerances tried moves, so the tolerance found differs by less "
       "than the factor 2 the search promises, and the same checks hold (under the cap, holes kept, the note "
       "names the tolerance used)"
       for m in ("tol = max(math.hypot(maxx + minx, maxy - miny), 1e-9)",
                 "tol = max(math.hypot(maxx - minx, maxy + miny), 1e-9)")},
}


# Survivors that are NOT equivalent but that no test here can observe (yet): reported with the reason, and
# counted as survivors (they do not meet the target by being listed here).
UNOBSERVED = {
    f"{_A}|ExceptionReplacer|except (GEOSException, ValueError, FloatingPointError) as exc:  # last resort: never crash|except (type(\"MutantOnlyException\", (Exception,), {{}}), ValueError, FloatingPointError) as exc:  # last resort: never crash":
        "the last-resort handler for a GEOS error: no input is known that still makes GEOS raise after the "
        "checks and repairs before it.",
}
