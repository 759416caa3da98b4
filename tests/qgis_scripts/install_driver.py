"""Run INSIDE the real QGIS (``qgis --code``) by tests/test_install_in_qgis.py: a user's first session.

The plugin was installed from the release zip into a fresh profile and QGIS's own Python has no pydantic 2 /
shapely 2. This script records what the user sees, clicks "Install missing packages" (from the wheel folder
the test prepared), waits for the real panel, tests the connection against the simulator, takes a
screenshot and quits QGIS. Results go to the JSON file named by PIXXEL_DRIVER_OUT, step by step.
"""

import json
import os
import sys
import time
import traceback

import qgis.utils
from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QLineEdit, QPushButton

OUT = os.environ["PIXXEL_DRIVER_OUT"]
results = {"steps": []}


def save():
    with open(OUT + ".part", "w", encoding="utf-8") as fh:
        json.dump(results, fh, indent=1)
    os.replace(OUT + ".part", OUT)


def step(name, **data):
    results["steps"].append(name)
    results.update(data)
    save()


def wait(pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QgsApplication.processEvents()
        if pred():
            return True
        time.sleep(0.05)
    return False


def numpy_state():
    import numpy

    return {"version": numpy.__version__, "file": numpy.__file__}


def main():
    iface = qgis.utils.iface
    wait(lambda: "pixxel_qgis" in qgis.utils.plugins, 30)
    plugin = qgis.utils.plugins["pixxel_qgis"]
    registry = QgsApplication.processingRegistry()
    step("loaded", numpy_before=numpy_state(), missing_before=[m.describe() for m in plugin.missing],
         pydantic_before=sys.modules.get("pydantic") is not None,
         algorithm_listed_before=registry.algorithmById("pixxel:createaoi") is not None,
         message_bar_button=iface.messageBar().findChild(QPushButton, "PixxelMessageBarInstall") is not None,
         sys_path_head=sys.path[:3])
    plugin.action.trigger()
    dock = plugin.dock
    section = dock.install_section
    dock.findChild(QLineEdit, "PixxelWheelFolder").setText(os.environ["PIXXEL_WHEELS"])
    command = dock.findChild(QPushButton, "PixxelInstallButton")
    step("panel", install_command_text=section.command_view.toPlainText())
    wait(lambda: False, 0.5)
    QgsApplication.primaryScreen().grabWindow(iface.mainWindow().winId()).save(os.environ["PIXXEL_DRIVER_SHOT_BEFORE"])
    command.click()
    done = wait(lambda: plugin.dock is not dock or (section.task is None and section.log_view.isVisible()), 600)
    step("installed", install_finished=done, install_status=section.status.text(),
         install_log=section.log_view.toPlainText()[-4000:] if plugin.dock is dock else "")
    if plugin.dock is dock:
        return
    panel = plugin.dock
    import numpy
    import pydantic
    import shapely

    step("imports", numpy_after=numpy_state(), pydantic_version=pydantic.VERSION, pydantic_file=pydantic.__file__,
         shapely_version=shapely.__version__, shapely_file=shapely.__file__,
         numpy_in_sys_modules_is_original=numpy.__file__ == results["numpy_before"]["file"])
    am = QgsApplication.authManager()
    am.masterPasswordIsSet() or am.setMasterPassword("pixxel-driver-master", True)
    panel.connection.base_url_edit.setText(os.environ["PIXXEL_SIM_URL"])
    panel.connection.api_key_edit.setText(os.environ["PIXXEL_SIM_KEY"])
    panel.connection.save_button.click()
    panel.connection.test_button.click()
    wait(lambda: panel.connection.connection_status.text().startswith(("Connected", "Connection failed")), 60)
    alg = registry.algorithmById("pixxel:createaoi")
    step("connection", connection_status=panel.connection.connection_status.text(),
         algorithm_listed_after=alg is not None)
    import processing

    loaded = processing.run("pixxel:loadassets", {"AOI_ID": os.environ["PIXXEL_SIM_AOI"],
                                                  "OUTPUT": "TEMPORARY_OUTPUT"})
    step("processing", processing_count=loaded.get("COUNT"), processing_status=loaded.get("STATUS"))
    wait(lambda: False, 1.0)
    screen = QgsApplication.primaryScreen()
    shot = screen.grabWindow(iface.mainWindow().winId())
    shot.save(os.environ["PIXXEL_DRIVER_SHOT"])
    step("screenshot")


try:
    main()
except Exception:  # noqa: BLE001 - everything goes to the results file the test reads
    results["error"] = traceback.format_exc()
    save()
finally:
    # The AOIs tab put the AOI board's GeoPackage layer in the project; under /tmp QGIS would ask about
    # "temporary layers" at exit and wait for an answer.
    QgsProject.instance().clear()
    QgsProject.instance().setDirty(False)
    QTimer.singleShot(500, qgis.utils.iface.actionExit().trigger)
