"""Downloads: fetching assets' signed URLs from the simulator's storage host, against a raw HTTP GET.

A simulator process serves TD2 mosaics (30 bands, UInt16) of ``--raster-size`` 256 (~3.9 MB) and 512
(~15.7 MB) pixels. In a fresh process per size, the files are generated once (a warm-up GET), then, best
of 3 each, alternately:

* *raw GET*: ``requests.get(signed_url, stream=True)`` of the same files, one after the other, written to
  disk in 1 MiB chunks (the bytes a plain HTTP client moves, nothing else);
* *ours*: ``core.imagery.download.AssetDownloader(concurrency=1).download(assets)`` into an empty folder:
  the download request, its status, the streamed fetch into ``.part`` with progress and cancel checks,
  the size check, the rename and the manifest.

Ratio = raw time / our time (throughput relative to the raw GET; target >= 0.9, checked on the larger
files: per file, ours also sends the download request and reads its status, a fixed cost). Memory: the peak RSS
our download added (VmHWM - VmRSS before it, peak counter reset), for both sizes: flat means it does not
grow with the file size.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import (
    Row,
    SimProcess,
    client_for,
    create_ready_aoi,
    emit,
    proc_status_kb,
    reset_peak_rss,
    run_case,
)

SIZES = (256, 512)
FILES = 4
REPEATS = 5
TARGET = 0.9


def _raw_get(urls, folder):
    import requests

    total = 0
    with requests.Session() as s:
        for i, url in enumerate(urls):
            with s.get(url, stream=True, timeout=60) as r:
                r.raise_for_status()
                with open(os.path.join(folder, f"raw{i}.tif"), "wb") as fh:
                    for chunk in r.iter_content(1024 * 1024):
                        fh.write(chunk)
                        total += len(chunk)
    return total


def case(size: int) -> None:
    from pixxel_qgis.core.imagery.download import AssetDownloader

    with SimProcess(assets=12, extra=("--raster-size", str(size))) as sim:
        client = client_for(sim.url)
        aoi = create_ready_aoi(client, f"bench-download-{size}")
        assets = [a for a in client.all_assets_raw(aoi.aoi_id) if a["asset_type"] == "mosaic"][:FILES]
        urls = [client.create_download(aoi.aoi_id, [a["id"]]).signed_url for a in assets]
        work = tempfile.mkdtemp(prefix="pixxel-bench-dl-")
        try:
            nbytes = _raw_get(urls, work)  # warm-up: the storage host makes the cubes on first request
            raw_best = ours_best = None
            peak_kb = 0
            for _ in range(REPEATS):
                t0 = time.perf_counter()
                _raw_get(urls, work)
                dt = time.perf_counter() - t0
                raw_best = dt if raw_best is None else min(raw_best, dt)
                folder = tempfile.mkdtemp(dir=work)
                reset_peak_rss()
                base = proc_status_kb("VmRSS")
                t0 = time.perf_counter()
                report = AssetDownloader(client, aoi.aoi_id, folder, concurrency=1).download(assets)
                dt = time.perf_counter() - t0
                peak_kb = max(peak_kb, proc_status_kb("VmHWM") - base)
                if report.errors or len(report.results) != len(assets):
                    raise RuntimeError(f"download failed: {report.message}")
                got = sum(os.path.getsize(f) for f in report.files)
                if got != nbytes:
                    raise RuntimeError(f"downloaded {got} bytes, expected {nbytes}")
                ours_best = dt if ours_best is None else min(ours_best, dt)
                shutil.rmtree(folder)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            client.close()
    emit({"bytes": nbytes, "raw_s": raw_best, "ours_s": ours_best, "peak_kb": peak_kb})


def run(ctx) -> list:
    rows = []
    peaks = []
    for size in SIZES:
        r = run_case("download", str(size))
        mbytes = r["bytes"] / 1e6
        ratio = r["raw_s"] / r["ours_s"]
        peaks.append(r["peak_kb"])
        rows.append(Row(
            benchmark=f"download {FILES} files, {mbytes:.1f} MB ({size} px cubes)",
            figure=f"{mbytes / r['ours_s']:.0f} MB/s ({r['ours_s'] * 1000:.0f} ms)",
            reference=f"raw GET {mbytes / r['raw_s']:.0f} MB/s ({r['raw_s'] * 1000:.0f} ms)",
            ratio=ratio,
            target="≥ 0.9× raw throughput" if size == SIZES[-1] else "info",
            verdict=("met" if ratio >= TARGET else "MISSED") if size == SIZES[-1] else "info",
            peak_ours=f"+{r['peak_kb'] / 1024:.1f} MB",
            notes=[f"{size} px: {r['bytes']} bytes; ratio = raw time / our time (higher is better); our time "
                   "includes the download request (POST) and its status read (GET) for each file, a fixed "
                   "few ms per file that dominates on loopback for small files (hence the target is checked "
                   "on the larger files)"],
        ))
    flat = max(peaks) <= max(8 * 1024, 1.5 * min(peaks))  # not proportional to the 4x larger files
    rows.append(Row(benchmark="download memory",
                    figure=f"peak +{peaks[0] / 1024:.1f} MB / +{peaks[-1] / 1024:.1f} MB",
                    reference=f"files {SIZES[0]} vs {SIZES[-1]} px (4x the bytes)",
                    ratio=peaks[-1] / max(peaks[0], 1),
                    target="flat: large-file peak ≤ 8 MB or ≤ 1.5x the small files'",
                    verdict="met" if flat else "MISSED",
                    notes=["peak RSS our download added, small vs large files: streamed in 64 KiB chunks"]))
    return rows


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--case":
        from common import qgis_app  # noqa: F401  (the plugin package imports qgis)

        case(int(sys.argv[2]))
    else:
        for row in run({}):
            print(row)
