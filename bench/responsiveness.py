"""Responsiveness: the longest main-thread stall during create -> poll -> load of 10k assets.

Runs in its own interpreter (``--case``): a real QgsApplication, the headless iface (a shown offscreen main
window with a map canvas bound to the project's layer tree, as in QGIS), the simulator in another
process, and the very task chain the panel runs (``ui/dock.py``): ``CreateAoiTask`` (checks the name,
then POSTs) -> ``PollAoiTask`` (the panel's poll options) -> ``LoadAssetsTask`` (pages, layers,
GeoPackage in ``run()``, streamed page by page; each page's features also go to the main thread, into the
progressive preview layer, and the panel's zoom to the AOI when it appears; group + style in
``finished()``), then ``zoom_to_layer`` on the canvas, and
1.5 s more so the canvas renders the 10k features. A ``QTimer(5 ms)`` heartbeat on the main thread
records every gap between ticks; the stall is the longest gap minus the 5 ms interval, and the phase it
fell in is reported. ``LoadAssetsTask.deliver`` and the zoom are timed separately.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import Row, SimProcess, aoi_create, client_for, emit, fmt_s, qgis_app, run_case, verdict

TARGET_MS = 16.0  # one frame at 60 Hz (issue 15)
ASSETS = 10_000
TICK_MS = 5


def case_main(argv) -> None:
    app = qgis_app()
    from headless_iface import HeadlessIface
    from pixxel_qgis.core.assets import layers
    from pixxel_qgis.core.tasks.tasks import CreateAoiTask, LoadAssetsTask, PollAoiTask, TaskKeeper
    from pixxel_qgis.ui.dock import PixxelDockWidget
    from qgis.core import QgsProject
    from qgis.gui import QgsLayerTreeMapCanvasBridge
    from qgis.PyQt.QtCore import QTimer

    iface = HeadlessIface(show=True)
    canvas = iface.mapCanvas()
    project = QgsProject.instance()
    bridge = QgsLayerTreeMapCanvasBridge(project.layerTreeRoot(), canvas)  # noqa: F841 - keep alive
    keeper = TaskKeeper()
    gpkg_dir = tempfile.mkdtemp(prefix="pixxel-bench-resp-")

    phases = []  # (t, name): the phase that starts at t
    state = {"done": False, "error": None}
    timing = {}

    def mark(name):
        phases.append((time.perf_counter(), name))

    orig_deliver = LoadAssetsTask.deliver

    def timed_deliver(self):
        t0 = time.perf_counter()
        mark("LoadAssetsTask.finished (add group, style)")
        try:
            return orig_deliver(self)
        finally:
            timing["deliver_s"] = time.perf_counter() - t0

    LoadAssetsTask.deliver = timed_deliver

    # sub-phases of LoadAssetsTask.run (marked from the worker thread) so a stall can be located
    def wrap(mod, name, label):
        fn = getattr(mod, name)

        def wrapped(*a, **kw):
            mark(f"LoadAssetsTask.run: {label}")
            try:
                return fn(*a, **kw)
            finally:
                mark("LoadAssetsTask.run: rest")

        setattr(mod, name, wrapped)

    wrap(layers, "_prepare_new_gpkg", "pages -> features -> GeoPackage (streamed)")
    wrap(layers, "write_layers_to_gpkg", "boundary table")
    wrap(layers, "_empty_to_null_geometries", "GeoPackage NULL geometries")

    orig_open = LoadAssetsTask._open_preview

    def timed_open(self):
        mark("main thread: progressive preview opens")
        try:
            return orig_open(self)
        finally:
            mark("LoadAssetsTask.run: pages -> features -> GeoPackage (streamed)")

    LoadAssetsTask._open_preview = timed_open

    def fail(msg):
        state["error"] = msg
        state["done"] = True

    with SimProcess(assets=ASSETS, aoi_seconds=2.0) as sim:
        client = client_for(sim.url)
        ticks = []
        timer = QTimer()
        timer.setInterval(TICK_MS)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        sched = []  # (perf_counter, main-thread CPU ns, ns runnable but waiting for a CPU) per tick
        sched_path = "/proc/thread-self/schedstat"
        if os.path.exists(sched_path):
            def read_sched():
                with open(sched_path) as fh:
                    cpu_ns, wait_ns, _ = fh.read().split()
                sched.append((time.perf_counter(), int(cpu_ns), int(wait_ns)))

            timer.timeout.connect(read_sched)

        def loaded(result):
            mark("zoom to layer")
            t0 = time.perf_counter()
            layers.zoom_to_layer(canvas, result["asset_layer"], project)
            timing["zoom_s"] = time.perf_counter() - t0
            timing["count"] = result["count"]
            mark("canvas rendering")
            QTimer.singleShot(1500, lambda: state.update(done=True))

        def polled(aoi):
            mark("LoadAssetsTask.run: fetch pages")
            gpkg = layers.default_gpkg_path(project, aoi, gpkg_dir)
            keeper.start(LoadAssetsTask(client, aoi, gpkg, project, loaded, fail, lambda: fail("cancelled"),
                                        on_preview=lambda _layer: layers.zoom_to_layer(
                                            canvas, layers.boundary_layer(aoi))))  # as ui/dock.py

        def created(aoi):
            mark("PollAoiTask")
            task = PollAoiTask(client, aoi.aoi_id, aoi.name, polled, fail, lambda: fail("cancelled"),
                               **PixxelDockWidget.poll_options)
            keeper.start(task)

        def start():
            mark("CreateAoiTask")
            keeper.start(CreateAoiTask(client, aoi_create("bench-responsiveness"), created, fail,
                                       lambda: fail("cancelled")))

        timer.start()
        t_start = time.perf_counter()
        mark("idle")
        QTimer.singleShot(100, start)
        while not state["done"] and time.perf_counter() - t_start < 120:
            app.processEvents()
            time.sleep(0.0005)
        timer.stop()
        client.close()

    if state["error"]:
        raise SystemExit(f"flow failed: {state['error']}")
    gaps = [(b - a, a) for a, b in zip(ticks, ticks[1:])]
    worst, at = max(gaps)

    def phase_at(t):
        name = phases[0][1]
        for pt, pn in phases:
            if pt <= t:
                name = pn
        return name

    # Where the worst gaps went (Linux schedstat of the main thread): running (our main-thread work),
    # runnable but without a CPU (the machine's load: other processes, or our own threads on both cores),
    # or blocked (waiting for the GIL, or idle in the event loop). "Net" takes the CPU waiting out.
    sched_gaps = []
    for (t0, c0, w0), (t1, c1, w1) in zip(sched, sched[1:]):
        sched_gaps.append((t1 - t0, (c1 - c0) / 1e6, (w1 - w0) / 1e6, t0))
    worst_sched = sorted(sched_gaps, reverse=True)[:3]
    net = max((g * 1000 - w for g, _c, w, _t in sched_gaps), default=None)
    per_phase = {}
    for g, a in gaps:
        p = phase_at(a)
        per_phase[p] = max(per_phase.get(p, 0.0), g)
    emit({
        "worst_gap_s": worst,
        "stall_ms": max(0.0, worst * 1000 - TICK_MS),
        "phase": phase_at(at),
        "per_phase_ms": {k: round(v * 1000 - TICK_MS, 1) for k, v in per_phase.items()},
        "flow_s": phases[-1][0] - phases[1][0],
        "ticks": len(ticks),
        "net_stall_ms": None if net is None else max(0.0, net - TICK_MS),
        "worst_gaps": [{"gap_ms": round(g * 1000, 1), "running_ms": round(c, 1), "cpu_wait_ms": round(w, 1),
                        "phase": phase_at(t)} for g, c, w, t in worst_sched],
        **timing,
    })


RUNS = 5


def run(ctx: dict) -> list:
    runs = sorted((run_case("responsiveness") for _ in range(RUNS)), key=lambda x: x["stall_ms"])
    r = runs[-1]  # the worst run: the target is on the longest stall
    stall = r["stall_ms"]
    all_runs = ", ".join(f"{x['stall_ms']:.0f}" for x in runs)
    row = Row(
        benchmark=f"Responsiveness: create -> poll -> load {ASSETS:,} assets (GeoPackage), longest main-thread stall",
        figure=f"{stall:.0f} ms, worst of {RUNS} runs (all: {all_runs} ms);"
               f" in: {r['phase']}",
        reference=f"{TICK_MS} ms QTimer heartbeat; flow {fmt_s(r['flow_s'])}",
        ratio=None,
        target=f"≤ {TARGET_MS:.0f} ms",
        verdict=verdict(stall, TARGET_MS),
    )
    if r.get("net_stall_ms") is not None:
        nets = ", ".join(f"{x['net_stall_ms']:.0f}" for x in runs)
        gaps = "; ".join(f"{g['gap_ms']:.0f} ms = {g['running_ms']:.0f} running + {g['cpu_wait_ms']:.0f} waiting for a"
                         f" CPU + {max(0.0, g['gap_ms'] - g['running_ms'] - g['cpu_wait_ms']):.0f} blocked (GIL, idle)"
                         f" in {g['phase']}" for g in r["worst_gaps"])
        row.notes.append(
            f"main-thread schedstat: longest stall without the time the main thread was runnable but had no CPU"
            f" (machine load) {r['net_stall_ms']:.0f} ms (all runs: {nets} ms); worst gaps of the worst run: {gaps}"
        )
    row.notes.append(
        "worst stall per phase: " + "; ".join(f"{k} {v:.0f} ms" for k, v in r["per_phase_ms"].items())
        + f"; LoadAssetsTask.deliver() took {fmt_s(r.get('deliver_s', 0))}, zoom {fmt_s(r.get('zoom_s', 0))}"
    )
    return [row]


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--case":
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts"))
        case_main(sys.argv[2:])
    else:
        for r in run({}):
            print(r)
