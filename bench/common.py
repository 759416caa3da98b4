"""Shared helpers of the benchmarks: paths, a QGIS application, the simulator in its own process,
subprocess cases that report JSON, and peak-memory readings.

Every benchmark module exposes ``run(ctx) -> list[Row]``; ``bench/run.py`` collects the rows into
``bench/results.md``. Heavy or memory-sensitive cases run in a fresh interpreter (``run_case``) so one case
neither pollutes another's peak RSS nor warms its caches.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
DEV = os.path.join(REPO, "dev")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
for p in (DEV, REPO, BENCH_DIR):
    if p not in sys.path:
        sys.path.insert(0, p)

TEST_API_KEY = "bench-key"
from pixxel_simulator import BENGALURU_AOI as BLR  # noqa: E402
from pixxel_simulator import FIRST_PROJECT_ID as PROJECT  # noqa: E402
from pixxel_simulator import TD2_ID as TD2  # noqa: E402

RESULT_PREFIX = "BENCH-RESULT "


@dataclass
class Row:
    """One line of the results table: the figure, the reference measured in the same run, their ratio, the
    target and the verdict. Where the target has a memory part, set ``mem_ratio`` (ours / reference peak)
    and ``mem_target``: :meth:`overall` (what the table shows) is "met" only when time and memory both are.
    New fields go at the end with defaults, so existing ``Row(...)`` calls keep working."""

    benchmark: str
    figure: str  # e.g. "0.84 s"
    reference: str = ""  # e.g. "OGR 0.70 s"
    ratio: Optional[float] = None
    target: str = ""  # e.g. "≤ 1.5"
    verdict: str = ""  # of the time (or main) figure: "met" | "MISSED" | "info"
    peak_ours: str = ""
    peak_ref: str = ""
    notes: List[str] = field(default_factory=list)
    mem_ratio: Optional[float] = None  # peak memory, ours / reference
    mem_target: Optional[float] = None  # at most this (None: the target has no memory part)

    def memory_verdict(self) -> str:
        """"" when the target has no memory part, else "met" / "MISSED" (no figure counts as missed)."""
        if self.mem_target is None:
            return ""
        return verdict(self.mem_ratio, self.mem_target) if self.mem_ratio is not None else "MISSED"

    def overall(self) -> str:
        """The row's verdict with memory counted: "met" only if the time and the memory targets are met."""
        mem = self.memory_verdict()
        if not mem or self.verdict == "info":
            return self.verdict
        time_ok = self.verdict == "met"
        if time_ok and mem == "met":
            return "met"
        if time_ok:
            return "MISSED (memory)"
        if mem == "met":
            return self.verdict
        return "MISSED (time and memory)"


def verdict(value: Optional[float], limit: float) -> str:
    """"met" when ``value <= limit``; "n/a" without a value."""
    if value is None:
        return "n/a"
    return "met" if value <= limit else "MISSED"


# ------------------------------------------------------------------------------------------- memory


def proc_status_kb(key: str) -> int:
    """A /proc/self/status figure in kB (VmHWM = peak RSS, VmRSS = current RSS)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0: write 5 to clear_refs). True when it worked."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def mb(kb: float) -> str:
    return f"{kb / 1024:.0f} MB"


# ------------------------------------------------------------------------------------------- QGIS


_APP = None


def qgis_app():
    """One QgsApplication per process (GUI enabled: the plugin makes widgets)."""
    global _APP
    if _APP is None:
        from qgis.core import QgsApplication

        _APP = QgsApplication([], True)
        _APP.initQgis()
    return _APP


# ------------------------------------------------------------------------------------------- simulator


class SimProcess:
    """The simulator CLI in its own interpreter (so its JSON generation never competes for our GIL)."""

    def __init__(self, assets: int, latency: float = 0.0, aoi_seconds: float = 0.0, seed_aois: int = 0,
                 extra: tuple = ()):
        cmd = [
            sys.executable, "-m", "pixxel_simulator", "--port", "0", "--api-key", TEST_API_KEY,
            "--assets", str(assets), "--aoi-seconds", str(aoi_seconds), "--seed-aois", str(seed_aois),
            "--start-time", "2024-01-01T00:00:00Z",
        ]
        if latency:
            cmd += ["--latency", str(latency)]
        cmd += list(extra)
        env = dict(os.environ, PYTHONPATH=DEV + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        line = self.proc.stdout.readline()
        m = re.search(r"(http://\S+)", line)
        if not m:
            self.stop()
            raise RuntimeError(f"simulator did not start: {line!r}")
        self.url = m.group(1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def __enter__(self) -> SimProcess:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def client_for(url: str, **kw: Any):
    from pixxel_qgis.client import PixxelClient

    return PixxelClient(TEST_API_KEY, base_url=url, **kw)


def aoi_create(name: str):
    from pixxel_qgis.client import AOICreate

    return AOICreate(name=name, description="bench", satellite_id=TD2, project_id=PROJECT, geometry=BLR,
                     item_ids=["TD2_000650_20230404_L2A_20240405_01001067"])


def create_ready_aoi(client, name: str):
    """Create an AOI and wait until the simulator says it is finished (aoi_seconds=0: at once)."""
    aoi = client.create_aoi(aoi_create(name))
    return client.wait_for_aoi(aoi.aoi_id, poll_s=0.05, max_wait_s=60)


# ------------------------------------------------------------------------------------------- subprocess cases


def run_case(module: str, *args: str, timeout: float = 600.0) -> Dict[str, Any]:
    """Run ``bench/<module>.py --case ARGS`` in a fresh interpreter; it prints one RESULT line of JSON."""
    cmd = [sys.executable, os.path.join(BENCH_DIR, f"{module}.py"), "--case", *args]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            out = json.loads(line[len(RESULT_PREFIX):])
            out.setdefault("_wall_s", time.perf_counter() - t0)
            return out
    raise RuntimeError(f"case {module} {args} failed (rc={proc.returncode}):\n{proc.stderr[-3000:]}")


def emit(result: Dict[str, Any]) -> None:
    """Print a case's result for ``run_case`` (the last line of stdout) and end the process."""
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # skip QGIS/Qt teardown: it can crash at interpreter exit and adds nothing to measure


def fmt_s(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"
