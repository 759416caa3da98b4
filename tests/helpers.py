"""Helpers shared by the test modules (plain functions and classes; the fixtures are in conftest.py).

Imports QGIS: import it from test modules, never from conftest.py at module level (conftest stays importable
without QGIS for the pure-Python tests).
"""

import importlib.util
import re
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from qgis.core import (
    QgsProject,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtTest import QTest

ROOT = Path(__file__).resolve().parent.parent

#: PixxelClient keywords for tests: short timeouts and retry budgets
FAST_CLIENT = {"timeout": 5.0, "retry_budget_s": 4.0, "backoff_base_s": 0.05, "backoff_max_s": 0.2}
#: client.polling.poll_aoi keywords for tests: short delays
FAST_POLL = {"initial_delay": 0.1, "factor": 1.5, "max_delay": 0.3, "max_transient": 3}


# ------------------------------------------------------------------------------------------------ waiting


def wait_until(pred, timeout=20.0, what="condition", step_ms=10):
    """Process Qt events until ``pred()`` is true; AssertionError naming ``what`` after ``timeout`` s."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        QTest.qWait(step_ms)
    raise AssertionError(f"timed out waiting for {what}")


def run_task(task, keeper=None, timeout=20.0):
    """Start a core.tasks task in the task manager and wait until its finished() ran; returns the task."""
    from pixxel_qgis.core.tasks import tasks

    (keeper or tasks.TaskKeeper()).start(task)
    wait_until(lambda: task.done, timeout, "the task to end")
    return task


# ------------------------------------------------------------------------------------------------ the panel


def wait_idle(dock, timeout=20.0):
    wait_until(lambda: not dock.tasks.tasks, timeout, "the panel's tasks to finish")


def messages(iface, level):
    return iface.messageBar().get_messages(level)


def click(button):
    assert button.isEnabled(), f"{button.text()} is disabled"
    QTest.mouseClick(button, Qt.LeftButton)


def connect(dock, sim, key):
    dock.connection.base_url_edit.setText(sim.url)
    dock.connection.api_key_edit.setText(key)
    click(dock.connection.save_button)
    wait_idle(dock)


def fill_form(dock, layer, name="Farms north", description="two fields", items=2):
    layer.selectAll()
    click(dock.aoi_geometry.use_selection_button)
    assert dock.aoi_geometry.shapes, dock.aoi_geometry.geometry_info.text()
    dock.aoi_form.name_edit.setText(name)
    dock.aoi_form.description_edit.setText(description)
    dock.aoi_form.project_combo.setCurrentIndex(1)
    sats = dock.aoi_form.satellite_combo
    sats.setCurrentIndex(next(i for i in range(sats.count()) if "TD1" in sats.itemText(i)))
    click(dock.images.search_button)
    wait_idle(dock)
    table = dock.images.item_table
    assert table.rowCount() >= items, dock.images.search_status.text()
    for row in range(items):
        sel = table.selectionModel()
        sel.select(table.model().index(row, 0), sel.Select | sel.Rows)
    return form_state(dock)


def form_state(dock):
    return {
        "name": dock.aoi_form.name_edit.text(),
        "description": dock.aoi_form.description_edit.text(),
        "project": dock.aoi_form.project_combo.currentData(),
        "satellite": dock.aoi_form.satellite_combo.currentData(),
        "provider": dock.aoi_form.provider_combo.currentData(),
        "items": dock.images.item_table.selected_ids(),
        "shapes": [s.geojson for s in dock.aoi_geometry.shapes],
        "base_url": dock.connection.base_url_edit.text(),
    }


def run_create(dock, timeout=30.0):
    click(dock.flow.create_button)
    wait_until(lambda: dock.flow.create_button.isEnabled() and not dock.flow._flow_tasks, timeout,
               "the create flow")
    wait_idle(dock)


# ------------------------------------------------------------------------------------------------ layers


def box_4326(cx, cy, half):
    return [(cx - half, cy - half), (cx + half, cy - half), (cx + half, cy + half), (cx - half, cy + half)]


def utm_polygon_layer(boxes, name="fields"):
    """A polygon layer in UTM 43N (Bengaluru), one feature per box given in lon/lat, added to the project
    (scripts/demo_fields.py builds it, as for the demo)."""
    spec = importlib.util.spec_from_file_location("pixxel_demo_fields", ROOT / "scripts" / "demo_fields.py")
    demo_fields = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo_fields)
    layer = demo_fields.utm_polygon_layer(boxes, name)
    QgsProject.instance().addMapLayer(layer)
    return layer


def find_group(name_part):
    for node in QgsProject.instance().layerTreeRoot().findGroups(True):
        if name_part in node.name():
            return node
    return None


# ------------------------------------------------------------------------------------------------ servers


class RangeHandler(BaseHTTPRequestHandler):
    """Serves one file with HTTP Range support (what /vsicurl/ needs); records every request's headers, and
    in ``recorder`` every request whole (pixxel_simulator.recording: URL, all headers)."""

    files: dict = {}
    seen: list = []
    recorder = None  # a pixxel_simulator.recording.RequestRecorder, set by the tiff_server fixture

    def log_message(self, *args):  # quiet
        pass

    def _send(self, head_only):
        type(self).seen.append((self.command, self.path, dict(self.headers)))
        if type(self).recorder is not None:
            type(self).recorder.record(self, b"")
        data = self.files.get(self.path.split("?")[0])
        if data is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        rng = re.match(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if rng:
            start = int(rng.group(1))
            end = min(int(rng.group(2)) if rng.group(2) else len(data) - 1, len(data) - 1)
            body = data[start : end + 1]
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        else:
            body = data
            self.send_response(200)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Type", "image/tiff")
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def do_GET(self):
        self._send(False)

    def do_HEAD(self):
        self._send(True)


# ------------------------------------------------------------------ QGIS's own Python (no venv)
QGIS_HAS_PACKAGES_REASON = (
    "QGIS's own Python already imports pydantic 2 and shapely 2 here (Debian 13 and later ship them as "
    "python3-pydantic and python3-shapely): there is nothing to install; the Debian 12 row runs this test")


def qgis_python_packages(python: str = "/usr/bin/python3") -> dict:
    """pydantic and shapely as QGIS's own interpreter sees them, in a clean environment:
    ``{"pydantic": "absent" | "old" | "new", "shapely": ...}`` (shapely 1.x is "old", i.e. missing)."""
    import subprocess

    code = ("import importlib.util as u\n"
            "for m in ('pydantic', 'shapely'):\n"
            "    if u.find_spec(m) is None: print(m, 'absent'); continue\n"
            "    mod = __import__(m); v = str(getattr(mod, 'VERSION', None) or mod.__version__)\n"
            "    print(m, 'old' if v.split('.')[0] < '2' and not v.startswith('0+') else 'new')\n")
    proc = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/nonexistent"})
    assert proc.returncode == 0, proc.stderr
    return dict(line.split() for line in proc.stdout.split("\n") if line.strip())


def debian_release() -> str:
    """VERSION_ID of /etc/os-release ("12", "13"), "" where there is none (Debian testing)."""
    try:
        fields = dict(line.rstrip("\n").split("=", 1) for line in open("/etc/os-release", encoding="utf-8") if "=" in line)
    except OSError:
        return ""
    return fields.get("VERSION_ID", "").strip('"')


def plugin_profile(root: Path) -> Path:
    """A QGIS config dir ``root`` whose default profile has this checkout installed as the plugin (a symlink)
    and enabled: what the real ``qgis`` / ``qgis_process`` are started with."""
    default = root / "profiles" / "default"
    plugins = default / "python" / "plugins"
    plugins.mkdir(parents=True)
    (plugins / "pixxel_qgis").symlink_to(ROOT, target_is_directory=True)
    (default / "QGIS").mkdir()
    (default / "QGIS" / "QGIS3.ini").write_text("[PythonPlugins]\npixxel_qgis=true\n")
    return root
