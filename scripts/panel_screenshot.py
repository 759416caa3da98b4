"""Screenshot of the Pixxel panel in the real QGIS window, for the README (needs Xvfb).

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/panel_screenshot.py --out docs/panel-in-qgis.png

Starts the real QGIS application (``qgis``) with a throw-away profile in which the plugin is installed
and enabled, and with ``--code`` running this file inside QGIS: it starts the simulator, drives the
panel through the whole flow (connect, select polygons, search, create, poll, load assets), saves a
grab of the QGIS main window, and quits QGIS.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLUGIN = "pixxel_qgis"
ENV_OUT = "PIXXEL_SCREENSHOT_OUT"
ENV_ROOT = "PIXXEL_SCREENSHOT_ROOT"
try:
    ROOT = Path(__file__).resolve().parent.parent
except NameError:  # exec()'d by QGIS's --code
    ROOT = Path(os.environ[ENV_ROOT])


# ----------------------------------------------------------------------------- outside QGIS
def launch(out: Path, timeout: float) -> int:
    with tempfile.TemporaryDirectory(prefix="pixxel-shot-") as tmp:
        profiles = Path(tmp)  # QGIS adds "profiles/<name>"
        profile = profiles / "profiles" / "default"
        plugins = profile / "python" / "plugins"
        plugins.mkdir(parents=True)
        (plugins / PLUGIN).symlink_to(ROOT, target_is_directory=True)
        ini = profile / "QGIS" / "QGIS3.ini"
        ini.parent.mkdir(parents=True)
        ini.write_text(
            "[PythonPlugins]\npixxel_qgis=true\n\n"
            "[qgis]\nshowTips=false\nshowTips322=false\ncheckVersion=false\n"
            "[core]\nlocale\\overrideFlag=true\nlocale\\userLocale=en_US\n",
            encoding="utf-8",
        )
        env = dict(os.environ, **{ENV_OUT: str(out), ENV_ROOT: str(ROOT)})
        env.pop("QT_QPA_PLATFORM", None)  # a real X display (Xvfb), not offscreen
        # QGIS embeds the system Python: let it see the venv's pydantic 2 and shapely 2 (but not the venv's
        # numpy, which would clash with the one QGIS's own modules were built against).
        env["PYTHONPATH"] = os.pathsep.join([str(_venv_deps(Path(tmp) / "deps")), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep)
        cmd = ["qgis", "--profiles-path", str(profiles), "--profile", "default", "--noversioncheck",
               "--nologo", "--code", str(ROOT / "scripts" / "panel_screenshot.py")]
        try:
            proc = subprocess.run(cmd, env=env, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:  # QGIS sometimes lingers on exit under Xvfb; the picture counts
            if out.exists():
                print(out)
                return 0
            print("QGIS did not finish in time", file=sys.stderr)
            return 1
        if not out.exists():
            print(f"no screenshot written (QGIS exit code {proc.returncode})", file=sys.stderr)
            return 1
        print(out)
        return 0


def _venv_deps(folder: Path) -> Path:
    sys.path.insert(0, str(ROOT / "dev"))
    from venv_packages import link_venv_packages

    return link_venv_packages(folder)


# ----------------------------------------------------------------------------- inside QGIS
def _wait(pred, timeout: float) -> bool:
    from qgis.core import QgsApplication

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QgsApplication.processEvents()
        if pred():
            return True
        time.sleep(0.02)
    return False


def inside_qgis() -> None:
    import qgis.utils
    from qgis.core import (
        QgsApplication,
        QgsProject,
    )
    from qgis.PyQt.QtCore import QTimer

    out = Path(os.environ[ENV_OUT])
    iface = qgis.utils.iface
    sys.path.insert(0, str(ROOT / "dev"))
    sim = None
    try:
        from pixxel_simulator import SimConfig, Simulator

        sim = Simulator(SimConfig(seed=7, api_keys=("demo-key",), asset_count=240, aoi_duration_s=2.0,
                                  seed_aois=2), host="127.0.0.1", port=0)
        sim.start()
        am = QgsApplication.authManager()
        am.masterPasswordIsSet() or am.setMasterPassword("pixxel-screenshot-master", True)
        screen_geom = QgsApplication.primaryScreen().geometry()
        iface.mainWindow().setGeometry(screen_geom)
        plugin = qgis.utils.plugins[PLUGIN]
        if plugin.dock is None:
            plugin.action.trigger()
        dock = plugin.dock
        from qgis.PyQt.QtCore import Qt

        iface.mainWindow().resizeDocks([dock], [300], Qt.Horizontal)  # the width the panel is made for
        idle = lambda: not dock.tasks.tasks  # noqa: E731
        dock.connection.base_url_edit.setText(sim.url)
        dock.connection.api_key_edit.setText("demo-key")
        dock.connection.save_button.click()
        _wait(idle, 30)

        sys.path.insert(0, str(ROOT / "scripts"))
        from demo_fields import fields_layer

        layer = fields_layer(("north", "south"))
        QgsProject.instance().addMapLayer(layer)
        iface.setActiveLayer(layer)
        layer.selectAll()
        dock.aoi_geometry.use_selection_button.click()
        dock.aoi_form.name_edit.setText("Fields north of Bengaluru")
        dock.aoi_form.description_edit.setText("Made for the README screenshot")
        for i in range(dock.aoi_form.satellite_combo.count()):
            if "TD1" in dock.aoi_form.satellite_combo.itemText(i):
                dock.aoi_form.satellite_combo.setCurrentIndex(i)
        dock.images.search_button.click()
        _wait(idle, 30)
        sel = dock.images.item_table.selectionModel()
        for row in range(min(2, dock.images.item_table.rowCount())):
            sel.select(dock.images.item_table.model().index(row, 0), sel.Select | sel.Rows)
        dock.flow.output.gpkg_folder = tempfile.mkdtemp(prefix="pixxel-shot-gpkg-")
        dock.flow.create_button.click()
        _wait(lambda: dock.flow.create_button.isEnabled() and idle(), 60)
        dock.show_section(dock.flow)  # the Create tab: the flow's outcome
        _wait(lambda: False, 1.5)  # let the canvas render
        out.parent.mkdir(parents=True, exist_ok=True)
        screen = QgsApplication.primaryScreen()
        shot = screen.grabWindow(iface.mainWindow().winId()) if screen else iface.mainWindow().grab()
        shot.save(str(out))
    finally:
        if sim is not None:
            sim.stop()
        QgsProject.instance().setDirty(False)  # no "save the project?" question on exit
        QTimer.singleShot(200, iface.actionExit().trigger)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "panel-in-qgis.png")
    parser.add_argument("--timeout", type=float, default=90.0)
    args = parser.parse_args(argv)
    return launch(args.out.resolve(), args.timeout)


if ENV_OUT in os.environ:
    inside_qgis()  # run by QGIS through --code
elif __name__ == "__main__":
    sys.exit(main())
