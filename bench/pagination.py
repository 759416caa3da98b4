"""Pagination: 10k assets in pages of 500 with 50 ms latency per request.

Timed: ``list(client.iter_asset_pages(aoi_id, page_size=500, raw=True))`` with the client's default
concurrency, and again with ``concurrency=1`` (pages one by one). Reference: the ideal
``ceil(pages / concurrency) * latency``. Best of 3 per setting, a fresh client each time (connection
set-up included).

Two servers, both on loopback in their own process:

* the simulator (``--latency 0.05``), as the issue asks. It *generates* every asset on request in
  pure Python (about 30 ms of CPU per page of 500 on this machine) and its threads share one GIL, so
  its pages cannot be served faster than about pages x 30 ms whatever the client does: that floor is
  measured too (the same fetch with no latency) and reported;
* a replay server: the very page bytes the simulator served, pre-rendered, answered after the same
  50 ms sleep with no other work. This is the "ideal" server the reference formula assumes, so its
  ratio is the client's own pagination overhead, and that is what the target is checked against.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import TEST_API_KEY, Row, SimProcess, client_for, create_ready_aoi, fmt_s, verdict

TARGET = 1.3
ASSETS = 10_000
PAGE_SIZE = 500
LATENCY = 0.05
REPEATS = 3


def _fetch(url: str, aoi_id: str, concurrency: int):
    best = None
    for _ in range(REPEATS):
        client = client_for(url, concurrency=concurrency)
        t0 = time.perf_counter()
        pages = list(client.iter_asset_pages(aoi_id, page_size=PAGE_SIZE, raw=True))
        dt = time.perf_counter() - t0
        client.close()
        n = sum(len(p) for p in pages)
        if n != ASSETS:
            raise RuntimeError(f"expected {ASSETS} assets, got {n}")
        best = dt if best is None else min(best, dt)
    return best, len(pages)


# ------------------------------------------------------------------------------------------- replay server


def serve(folder: str, latency: float) -> None:
    """Answer GET .../assets?offset=O&limit=L with the file O.json (or an empty page) after ``latency``."""
    pages = {}
    for name in os.listdir(folder):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), "rb") as fh:
                pages[int(name[:-5])] = fh.read()
    total = json.loads(pages[0])["pagination"]["total"]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            q = parse_qs(urlsplit(self.path).query)
            offset = int(q.get("offset", ["0"])[0])
            body = pages.get(offset) or json.dumps(
                {"assets": [], "pagination": {"total": total, "offset": offset, "limit": PAGE_SIZE}}).encode()
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


def _record_pages(url: str, aoi_id: str, folder: str) -> None:
    import requests

    with requests.Session() as s:
        for offset in range(0, ASSETS, PAGE_SIZE):
            r = s.get(f"{url}/v0/aois/{aoi_id}/assets", params={"offset": offset, "limit": PAGE_SIZE},
                      headers={"Authorization": TEST_API_KEY}, timeout=60)
            r.raise_for_status()
            with open(os.path.join(folder, f"{offset}.json"), "wb") as fh:
                fh.write(r.content)


# ------------------------------------------------------------------------------------------- driver


def run(ctx: dict) -> list:
    folder = tempfile.mkdtemp(prefix="pixxel-bench-pages-")
    with SimProcess(assets=ASSETS) as sim:
        setup = client_for(sim.url)
        aoi = create_ready_aoi(setup, "bench-pagination")
        concurrency = setup.concurrency
        setup.close()
        floor, pages = _fetch(sim.url, aoi.aoi_id, concurrency)  # no latency: the simulator's CPU floor
        _record_pages(sim.url, aoi.aoi_id, folder)
    with SimProcess(assets=ASSETS, latency=LATENCY) as sim:
        setup = client_for(sim.url)
        aoi = create_ready_aoi(setup, "bench-pagination")
        setup.close()
        sim_conc, _ = _fetch(sim.url, aoi.aoi_id, concurrency)
        sim_seq, _ = _fetch(sim.url, aoi.aoi_id, 1)
    with ReplayProcess(folder, LATENCY) as rep:
        rep_conc, _ = _fetch(rep.url, aoi.aoi_id, concurrency)
        rep_seq, _ = _fetch(rep.url, aoi.aoi_id, 1)
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))
    os.rmdir(folder)
    ideal = math.ceil(pages / concurrency) * LATENCY
    head = f"Pagination, {ASSETS:,} assets = {pages} pages x {PAGE_SIZE}, 50 ms/request"
    rows = [
        Row(
            benchmark=f"{head}, replay server (client only)",
            figure=f"{fmt_s(rep_conc)} (concurrency {concurrency})",
            reference=f"ideal {fmt_s(ideal)}; one by one {fmt_s(rep_seq)} ({rep_seq / rep_conc:.1f}x slower)",
            ratio=rep_conc / ideal,
            target=f"≤ {TARGET}",
            verdict=verdict(rep_conc / ideal, TARGET),
        ),
        Row(
            benchmark=f"{head}, simulator",
            figure=f"{fmt_s(sim_conc)} (concurrency {concurrency})",
            reference=f"ideal {fmt_s(ideal)}; one by one {fmt_s(sim_seq)} ({sim_seq / sim_conc:.1f}x slower)",
            ratio=sim_conc / ideal,
            target=f"≤ {TARGET}",
            verdict=verdict(sim_conc / ideal, TARGET) + ("" if sim_conc / ideal <= TARGET else " (server-bound)"),
        ),
    ]
    rows[1].notes.append(
        f"the simulator alone, with no latency, needs {fmt_s(floor)} for these {pages} pages "
        f"({fmt_s(floor / pages)} per page of Python asset generation + JSON, serialised by its GIL): "
        f"a floor {floor / ideal:.1f}x the ideal before any latency is added"
    )
    return rows


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(sys.argv[2], float(sys.argv[3]))
    else:
        for r in run({}):
            print(r)
