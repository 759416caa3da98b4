"""Pagination: 10k assets at 50 ms latency per request, in two layouts.

* 20 pages of 500 at the client's default concurrency (4);
* 100 pages of 100 at concurrency 8.

Timed: ``list(client.iter_asset_pages(aoi_id, page_size=L, raw=True))`` with a fresh client each time
(connection set-up included), best of 3. Reference: the ideal ``ceil(pages / concurrency) x latency``
(every round of requests costs exactly one latency and nothing else). Ratio = ours / ideal.

Servers, each on loopback in its own process:

* a replay server: the very page bytes the simulator served, read into memory beforehand and answered
  after the same 50 ms sleep with no other work. This is the server the ideal formula assumes, so its
  ratio is the client's own overhead, and the target (<= 1.2) is checked against it;
* the simulator (``--latency 0.05``), for information. It serialises each asset once and keeps the JSON
  (``dev/pixxel_simulator/state.py``), so a first, untimed pass fills that cache and the timed passes
  measure the client, as on the replay server;
* the simulator's own floor: the same pages with no latency, fetched by a bare ``http.client`` reader at
  the same concurrency (no JSON decoding, one keep-alive connection per thread), best of 3 after the
  cache is filled. Target: at most 0.2x the ideal, so that the simulator is not what the simulator row
  measures. The cold first pass (every asset generated in Python) is reported in the notes.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import TEST_API_KEY, Row, SimProcess, client_for, create_ready_aoi, fmt_s, verdict

TARGET = 1.2  # ours / ideal, replay server
FLOOR_TARGET = 0.2  # simulator with no latency, bare reader / ideal
ASSETS = 10_000
LATENCY = 0.05
REPEATS = 3
#: (page size, concurrency); None = the client's default concurrency.
LAYOUTS = ((500, None), (100, 8))


def _fetch(url: str, aoi_id: str, page_size: int, concurrency: int, repeats: int = REPEATS) -> float:
    best = None
    for _ in range(repeats):
        client = client_for(url, concurrency=concurrency)
        t0 = time.perf_counter()
        pages = list(client.iter_asset_pages(aoi_id, page_size=page_size, raw=True))
        dt = time.perf_counter() - t0
        client.close()
        n, count = sum(len(p) for p in pages), len(pages)
        del pages  # freed here, not when the next repeat's result replaces it (that was inside its timing)
        if n != ASSETS or count != math.ceil(ASSETS / page_size):
            raise RuntimeError(f"expected {ASSETS} assets in pages of {page_size}, got {n} in {count}")
        best = dt if best is None else min(best, dt)
    return best


def _bare_fetch(url: str, aoi_id: str, page_size: int, concurrency: int) -> float:
    """Every page with ``concurrency`` threads, each one keep-alive http.client connection; bytes only."""
    u = urlsplit(url)
    offsets = list(range(0, ASSETS, page_size))
    lock = threading.Lock()
    errors = []

    def worker():
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        try:
            while True:
                with lock:
                    if not offsets:
                        return
                    offset = offsets.pop()
                conn.request("GET", f"/v0/aois/{aoi_id}/assets?offset={offset}&limit={page_size}",
                             headers={"Authorization": TEST_API_KEY})
                resp = conn.getresponse()
                body = resp.read()
                if resp.status != 200 or not body:
                    errors.append(resp.status)
                    return
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dt = time.perf_counter() - t0
    if errors:
        raise RuntimeError(f"bare reader got HTTP {errors[0]}")
    return dt


# ------------------------------------------------------------------------------------------- replay server


def serve(folder: str, latency: float) -> None:
    """Answer GET .../assets?offset=O&limit=L with the file L-O.json (or an empty page) after ``latency``."""
    pages = {}
    for name in os.listdir(folder):
        if name.endswith(".json"):
            limit, offset = name[:-5].split("-")
            with open(os.path.join(folder, name), "rb") as fh:
                pages[int(offset), int(limit)] = fh.read()
    total = json.loads(next(iter(pages.values())))["pagination"]["total"]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            q = parse_qs(urlsplit(self.path).query)
            offset, limit = int(q.get("offset", ["0"])[0]), int(q.get("limit", ["10"])[0])
            body = pages.get((offset, limit)) or json.dumps(
                {"assets": [], "pagination": {"total": total, "offset": offset, "limit": limit}}).encode()
            time.sleep(latency)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

    srv = Server(("127.0.0.1", 0), Handler)
    print(f"replay listening on http://127.0.0.1:{srv.server_address[1]}", flush=True)
    srv.serve_forever()


class ReplayProcess:
    def __init__(self, folder: str, latency: float):
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve", folder, str(latency)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        m = re.search(r"(http://\S+)", self.proc.stdout.readline())
        if not m:
            self.stop()
            raise RuntimeError("replay server did not start")
        self.url = m.group(1)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _record_pages(url: str, aoi_id: str, folder: str, page_size: int) -> None:
    import requests

    with requests.Session() as s:
        for offset in range(0, ASSETS, page_size):
            r = s.get(f"{url}/v0/aois/{aoi_id}/assets", params={"offset": offset, "limit": page_size},
                      headers={"Authorization": TEST_API_KEY}, timeout=60)
            r.raise_for_status()
            with open(os.path.join(folder, f"{page_size}-{offset}.json"), "wb") as fh:
                fh.write(r.content)


# ------------------------------------------------------------------------------------------- driver


def run(ctx: dict) -> list:
    folder = tempfile.mkdtemp(prefix="pixxel-bench-pages-")
    default_conc = None
    floors = {}
    try:
        with SimProcess(assets=ASSETS) as sim:  # no latency: the simulator's own floor, and the replay bytes
            setup = client_for(sim.url)
            default_conc = setup.concurrency
            aoi = create_ready_aoi(setup, "bench-pagination")
            setup.close()
            layouts = [(size, conc or default_conc) for size, conc in LAYOUTS]
            for size, conc in layouts:
                cold = _bare_fetch(sim.url, aoi.aoi_id, size, conc)  # generates and caches every asset's JSON
                warm = min(_bare_fetch(sim.url, aoi.aoi_id, size, conc) for _ in range(REPEATS))
                floors[size, conc] = (cold, warm)
                _record_pages(sim.url, aoi.aoi_id, folder, size)
        timings = {}
        with SimProcess(assets=ASSETS, latency=LATENCY) as sim:
            setup = client_for(sim.url)
            aoi = create_ready_aoi(setup, "bench-pagination")
            setup.close()
            for size, conc in layouts:
                _fetch(sim.url, aoi.aoi_id, size, conc, repeats=1)  # untimed: fills the simulator's JSON cache
                timings["sim", size, conc] = _fetch(sim.url, aoi.aoi_id, size, conc)
        with ReplayProcess(folder, 0.0) as rep:
            for size, conc in layouts:
                timings["replay-floor", size, conc] = min(_bare_fetch(rep.url, aoi.aoi_id, size, conc)
                                                          for _ in range(REPEATS))
        with ReplayProcess(folder, LATENCY) as rep:
            for size, conc in layouts:
                timings["replay", size, conc] = _fetch(rep.url, aoi.aoi_id, size, conc)
            size, conc = layouts[0]
            one_by_one = _fetch(rep.url, aoi.aoi_id, size, 1, repeats=1)
    finally:
        for name in os.listdir(folder):
            os.remove(os.path.join(folder, name))
        os.rmdir(folder)

    rows = []
    for k, (size, conc) in enumerate(layouts):
        pages = math.ceil(ASSETS / size)
        rounds = math.ceil(pages / conc)
        ideal = rounds * LATENCY
        ideal_text = f"ideal {fmt_s(ideal)} ({rounds} rounds x 50 ms)"
        head = f"Pagination, {ASSETS:,} assets = {pages} pages x {size}, concurrency {conc}, 50 ms/request"
        rep, sim = timings["replay", size, conc], timings["sim", size, conc]
        cold, floor = floors[size, conc]
        row = Row(benchmark=f"{head}: replay server (client only)", figure=fmt_s(rep), reference=ideal_text,
                  ratio=rep / ideal, target=f"≤ {TARGET}", verdict=verdict(rep / ideal, TARGET))
        if k == 0:
            row.notes.append(f"one page at a time (concurrency 1) takes {fmt_s(one_by_one)}, "
                             f"{one_by_one / rep:.1f}x the concurrent fetch")
        rows.append(row)
        rows.append(Row(benchmark=f"{head}: simulator", figure=fmt_s(sim), reference=ideal_text, ratio=sim / ideal,
                        target=f"info (≤ {TARGET} is checked on the replay server)", verdict="info"))
        row = Row(benchmark=f"{head}: simulator's own floor (no latency, bare HTTP reader)", figure=fmt_s(floor),
                  reference=ideal_text, ratio=floor / ideal, target=f"≤ {FLOOR_TARGET}",
                  verdict=verdict(floor / ideal, FLOOR_TARGET))
        row.notes.append(
            f"{fmt_s(floor / pages)} per page once the simulator has cached the assets' JSON (the replay "
            f"server: {fmt_s(timings['replay-floor', size, conc])} in all); the cold first pass, where the "
            f"simulator generates every asset in Python, took {fmt_s(cold)}"
        )
        rows.append(row)
    return rows


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(sys.argv[2], float(sys.argv[3]))
    else:
        for r in run({}):
            print(r)
