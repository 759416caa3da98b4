"""``make bench``: run every benchmark against the simulator on loopback and write bench/results.md.

    .venv/bin/python bench/run.py --out bench/results.md            # everything (about 2-4 minutes)
    .venv/bin/python bench/run.py --only layer_build,startup --quick  # a subset; --quick skips 100k

Each figure is measured in the same run as its reference. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import Row

MODULES = ("layer_build", "pagination", "responsiveness", "first_footprints", "end_to_end", "geometry", "startup",
           "download")

NOTES = """\
## What each benchmark measures

Columns: the figure, the reference measured in the same run on the same data, ratio = figure / reference
(downloads: reference time / ours, higher is better), the target, and the verdict ("met" / "MISSED" /
"info" for rows without a target of their own). Where the target has a memory part, the peak-memory
column gives ours / reference, their ratio and its limit, and the verdict is "met" only if both are.

- **Asset layer build** (`bench/layer_build.py`): N assets served by the simulator are fetched once and
  stored as the page JSON bytes and as one GeoJSON FeatureCollection (not timed). In a fresh process per
  case, *ours* = `core.assets.layers.build_asset_layer` fed one page at a time, each page `json.loads`-ed
  when the builder asks for it, as from the network (typed attributes, WKB, memory layer with all 19
  fields); *OGR* = `QgsVectorLayer(geojson, "ogr")` + a memory layer with the same fields filled by
  `addFeatures(list(getFeatures()))` (every attribute and geometry materialised). Ratio = ours / OGR.
  Peak = VmHWM - VmRSS at the start of the timed part (kernel peak counter reset), i.e. the extra
  resident memory the step needed on top of the inputs. Best time / highest peak of 5 (1k), 3 (10k),
  2 (100k) repeats, each side in a fresh process, the order alternating between repeats.
- **Pagination** (`bench/pagination.py`): `iter_asset_pages(page_size=L, raw=True)` for 10k assets with
  50 ms latency per request, as 20 pages of 500 at the client's default concurrency and as 100 pages of 100
  at concurrency 8, a fresh client each time, best of 3. Reference: the ideal `ceil(pages / concurrency) x
  latency`. Target checked against a replay server (the simulator's own page bytes, answered after the same
  50 ms with no other work); the simulator row (its asset JSON cached by a first, untimed pass) is for
  information; the simulator's own floor = the same pages with no latency read by a bare `http.client`
  reader at the same concurrency (no JSON decoding), best of 3 once its cache is filled.
- **Responsiveness** (`bench/responsiveness.py`): a real QgsApplication, an offscreen main window with a
  map canvas bound to the layer tree, the panel's task chain CreateAoiTask -> PollAoiTask (panel poll
  options) -> LoadAssetsTask (GeoPackage written page by page, the progressive preview layer filled on the
  main thread, then group, style) -> zoom, then 1.5 s of canvas rendering; a 5 ms QTimer heartbeat on the
  main thread; stall = longest gap - 5 ms, located by phase (the phases of `LoadAssetsTask.run` are marked
  from the worker thread), worst of 5 runs; the notes split the worst gaps with the main thread's
  schedstat (running / waiting for a CPU / blocked).
- **First footprints** (`bench/first_footprints.py`) and **End to end** (`bench/end_to_end.py`): the
  simulator with 50 ms latency per request, 10k assets, its page JSON generated before the clock starts;
  from starting `LoadAssetsTask` (what the panel does on `success`) with the panel's callbacks, on a shown
  offscreen canvas: to the end of the first canvas render containing asset features (median of 3), and to
  the end of the first render of the final GeoPackage layer (median of 3); the latter against fetching
  the same pages at the same concurrency, writing them as GeoJSON and `ogr2ogr -f GPKG` (median of 3,
  order alternated).
- **Geometry** (`bench/geometry.py`): 100 selected, overlapping, jagged polygons of 10,000 vertices each
  (1M vertices) in EPSG:32643 -> `core.aoi.geometry.selected_polygons_to_aoi(layer, "merge")`, against
  the bare steps on the same features in the same process: QGIS's transform of every geometry to
  EPSG:4326 + shapely `make_valid` of the inputs + `union_all` (handing the geometries to shapely as WKB
  is not counted in the reference; it is in the notes). Alternately, best of 3 each; ratio = ours /
  reference; peak memory of each (VmHWM - VmRSS at its start).
- **Start-up** (`bench/startup.py`): in a fresh process, QgsApplication + headless iface (baseline), then
  `import pixxel_qgis.plugin` + `PixxelPlugin(iface).initGui()` (added time); `sys.modules` diff lists the
  heavy modules start-up pulled in. Median of 5.

The machine has 2 cores shared with other work: expect +-20 % noise on the timings.
"""


def fmt_ratio(r: Row) -> str:
    return "" if r.ratio is None else f"{r.ratio:.2f}"


def fmt_memory(r: Row) -> str:
    """Peak memory cell: ours / reference, and the ratio against its target when the target has one."""
    peaks = " / ".join(p for p in (r.peak_ours, r.peak_ref) if p)
    if r.mem_target is None:
        return peaks
    ratio = "n/a" if r.mem_ratio is None else f"{r.mem_ratio:.2f}"
    return f"{peaks}: {ratio} (≤ {r.mem_target:g})"


def table(rows) -> str:
    """One line per row: figure, reference, ratio, target, verdict (memory counted: ``Row.overall``)."""
    head = "| benchmark | figure | reference | ratio | target | verdict | peak memory (ours / ref) |"
    lines = [head, "|---|---|---|---|---|---|---|"]
    for r in rows:
        overall = r.overall()
        cells = [r.benchmark, r.figure, r.reference, fmt_ratio(r), r.target,
                 f"**{overall}**" if overall.startswith("MISSED") else overall, fmt_memory(r)]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


def summary(rows) -> str:
    checked = [r for r in rows if r.overall() != "info"]
    missed = [r.benchmark for r in checked if r.overall() != "met"]
    text = f"{len(checked) - len(missed)} of {len(checked)} targets met"
    return text + (": missed " + "; ".join(missed) + "." if missed else ".")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results.md"))
    ap.add_argument("--only", default="", help="comma-separated subset of " + ",".join(MODULES))
    ap.add_argument("--quick", action="store_true", help="layer build: 1k and 10k only")
    ap.add_argument("--explain", default="", help="a markdown file whose text is appended (why targets are missed)")
    args = ap.parse_args(argv)
    wanted = [m for m in MODULES if not args.only or m in args.only.split(",")]
    ctx = {"layer_sizes": (1000, 10_000) if args.quick else (1000, 10_000, 100_000)}
    rows, failures, started = [], [], time.perf_counter()
    for name in wanted:
        t0 = time.perf_counter()
        print(f"[bench] {name} ...", flush=True)
        try:
            module = __import__(name)
            got = module.run(ctx)
        except Exception:  # noqa: BLE001 - one broken benchmark must not hide the others
            failures.append((name, traceback.format_exc()))
            print(failures[-1][1], file=sys.stderr)
            continue
        for r in got:
            print(f"  {r.benchmark}: {r.figure} | {r.reference} | ratio {fmt_ratio(r)} | {r.target} | {r.overall()}"
                  f"{' | memory ' + fmt_memory(r) if r.mem_target is not None else ''}", flush=True)
        rows.extend(got)
        print(f"[bench] {name} done in {time.perf_counter() - t0:.0f} s", flush=True)

    from qgis.core import Qgis

    out = [
        "# Pixxel for QGIS: benchmark results",
        "",
        f"Generated by `make bench` on {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; "
        f"QGIS {Qgis.QGIS_VERSION}, Python {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"whole run {time.perf_counter() - started:.0f} s.",
        "",
        summary(rows),
        "",
        table(rows),
        "",
        "## Notes per row",
        "",
    ]
    for r in rows:
        for n in r.notes:
            out.append(f"- {r.benchmark}: {n}")
    for name, tb in failures:
        out.append(f"- **{name} failed**: `{tb.strip().splitlines()[-1]}`")
    out += ["", NOTES]
    if args.explain and os.path.exists(args.explain):
        with open(args.explain) as fh:
            out += ["", fh.read().strip(), ""]
    elif os.path.exists(os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis.md")):
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis.md")) as fh:
            out += ["", fh.read().strip(), ""]
    with open(args.out, "w") as fh:
        fh.write("\n".join(out).rstrip() + "\n")
    print(f"[bench] wrote {args.out}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
