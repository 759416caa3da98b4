"""Start-up stays light (issue 15, target 7): loading the plugin and calling initGui(), as QGIS does when it
starts, imports neither the HTTP stack (requests, urllib3) nor pydantic, shapely or the client's models and
transport; they load on first use. The AOI board starts at initGui, so what it imports counts too. Checked in
a fresh interpreter (this test session has long imported everything); `make bench` times it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = r"""
import json, os, sys
sys.path.insert(0, os.path.join(sys.argv[1], "scripts"))
from qgis.core import QgsApplication
app = QgsApplication([], True)
app.initQgis()
from headless_iface import HeadlessIface
iface = HeadlessIface(show=False)
before = set(sys.modules)
import pixxel_qgis.plugin as plugin_module
plugin = plugin_module.PixxelPlugin(iface)
plugin.initGui()
new = sorted(set(sys.modules) - before)
sys.stdout.write("MODULES " + json.dumps(new) + "\n")
sys.stdout.flush()
os._exit(0)
"""

MUST_BE_LAZY = ("requests", "urllib3", "pydantic", "shapely", "pixxel_qgis.client.client",
                "pixxel_qgis.client.models", "pixxel_qgis.client.transport")


def test_start_up_imports_no_heavy_module():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", SCRIPT, REPO], capture_output=True, text=True, timeout=300, env=env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("MODULES ")]
    assert lines, f"the start-up script failed (rc={proc.returncode}):\n{proc.stderr[-3000:]}"
    new = json.loads(lines[-1][len("MODULES "):])
    assert any(m.startswith("pixxel_qgis") for m in new), "the plugin was already imported: nothing was measured"
    eager = [m for m in MUST_BE_LAZY if m in new]
    assert not eager, (f"loading the plugin and initGui() imported {', '.join(eager)}: these must load on first "
                       "use (a module-level import on the start-up path, e.g. of the AOI board, pulled them in)")
