"""pytest plugin used by ``make test-matrix``: writes the run's counts as JSON to $PIXXEL_MATRIX_REPORT.

Loaded with ``PYTEST_ADDOPTS="-p pixxel_matrix_report"`` and this folder on PYTHONPATH, so the matrix runs
the suite exactly as ``make test`` does. "own_warnings" are the warnings whose file lies inside the
repository (the plugin, its tests, scripts), outside any virtual environment: QGIS's or a library's own
warnings are not counted.
"""

from __future__ import annotations

import json
import os
import platform
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _own(filename: str) -> bool:
    path = Path(filename) if Path(filename).is_absolute() else Path.cwd() / filename
    if not path.is_file():
        return False  # "<unknown>", "<string>": source parsed or compiled from memory, not one of our files
    try:
        rel = path.resolve().relative_to(ROOT)
    except (ValueError, OSError):
        return False
    return not any(part.startswith(".venv") for part in rel.parts)


def _qgis_version() -> str:
    try:
        from qgis.core import Qgis
    except ImportError:
        return ""
    return Qgis.QGIS_VERSION.split("-")[0]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    out = os.environ.get("PIXXEL_MATRIX_REPORT")
    if not out:
        return
    stats = terminalreporter.stats
    own = Counter()
    for report in stats.get("warnings", []):
        location = getattr(report, "fslocation", None)
        if location and _own(str(location[0])):
            lines = str(report.message or "").strip().splitlines() or [""]
            first_line = next((line.split(": ", 1)[-1] for line in lines if "Warning" in line), lines[0])
            where = Path(str(location[0]))
            rel = (where if where.is_absolute() else Path.cwd() / where).resolve().relative_to(ROOT)
            own[f"{rel}:{location[1]}: {first_line[:200]}"] += 1
    data = {
        "qgis": _qgis_version(),
        "python": platform.python_version(),
        "exitstatus": int(exitstatus),
        **{key: len(stats.get(key, [])) for key in ("passed", "failed", "error", "skipped", "xfailed", "xpassed")},
        "warnings": len(stats.get("warnings", [])),
        "own_warnings": sum(own.values()),
        "own_warning_sites": dict(own.most_common(20)),
        "not_passed": [r.nodeid for key in ("failed", "error") for r in stats.get(key, [])][:20],
    }
    Path(out).write_text(json.dumps(data, indent=1), encoding="utf-8")
