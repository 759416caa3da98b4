"""The release zip holds only the plugin, and that zip itself installs, loads, starts and unloads in QGIS.

The install-and-load half runs in a fresh Python process (a new QgsApplication) so that its second copy
of `pixxel_qgis`, the one unzipped into a temporary profile, never mixes with the clone the other tests
import.
"""

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_SCRIPT = ROOT / "scripts" / "package.py"


def load_package_module():
    spec = importlib.util.spec_from_file_location("pixxel_package_script", PACKAGE_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built_zip(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, str(PACKAGE_SCRIPT), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    [zip_path] = out.glob("pixxel_qgis-*.zip")
    return zip_path


def test_zip_name_and_layout(built_zip):
    version = load_package_module().plugin_version()
    assert built_zip.name == f"pixxel_qgis-{version}.zip"
    with zipfile.ZipFile(built_zip) as zf:
        names = zf.namelist()
        assert zf.testzip() is None
    assert all(n.startswith("pixxel_qgis/") for n in names)
    for required in ("__init__.py", "plugin.py", "deps.py", "metadata.txt", "LICENSE", "icon.png", "icon.svg"):
        assert f"pixxel_qgis/{required}" in names
    assert [n for n in names if n.endswith("metadata.txt")] == ["pixxel_qgis/metadata.txt"]
    assert "pixxel_qgis/ui/dock.py" in names
    assert "pixxel_qgis/processing_provider/models/pixxel_search_create_wait_load.model3" in names  # the example


def test_zip_holds_nothing_but_the_plugin(built_zip):
    with zipfile.ZipFile(built_zip) as zf:
        names = zf.namelist()
    parts = {part for n in names for part in n.split("/")[1:-1]}
    for banned in ("tests", "dev", "bench", "scripts", "docs", "__pycache__", "dist", ".venv", "pixxel_simulator"):
        assert banned not in parts, banned
    assert not [n for n in names if n.endswith((".pyc", ".pyo", ".orig", ".rej", ".zip"))]
    top = {n.split("/")[1] for n in names if n.count("/") == 1}
    assert top <= {"__init__.py", "plugin.py", "deps.py", "i18n.py", "metadata.txt", "LICENSE", "icon.png", "icon.svg"}


def test_allow_list_skips_junk(tmp_path):
    """Caches, tests and stray files inside plugin folders never reach the zip."""
    pkg = load_package_module()
    for rel in (
        "__init__.py",
        "metadata.txt",
        "LICENSE",
        "README.md",
        "client/__init__.py",
        "client/__pycache__/client.cpython-311.pyc",
        "client/notes.txt",
        "core/tests/test_x.py",
        "ui/panel.ui",
        "ui/.hidden.py",
        "dev/pixxel_simulator/__init__.py",
        "tests/test_plugin.py",
        "scripts/demo.py",
    ):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("[general]\nversion=9.9.9\n" if rel == "metadata.txt" else "x\n")
    files = sorted(p.as_posix() for p in pkg.plugin_files(tmp_path))
    assert files == ["LICENSE", "__init__.py", "client/__init__.py", "metadata.txt", "ui/panel.ui"]
    zip_path = pkg.build(tmp_path / "dist", root=tmp_path)
    assert zip_path.name == "pixxel_qgis-9.9.9.zip"


CHILD = textwrap.dedent(
    """
    import json, os, sys, traceback

    profile_plugins, zip_path, scripts_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    for name in filter(None, sys.argv[4].split(",")):
        sys.modules[name] = None  # as if QGIS's Python lacked the package
    sys.path.append(scripts_dir)

    from qgis.core import Qgis, QgsApplication
    from qgis.PyQt.QtCore import QCoreApplication, QEvent
    from qgis.PyQt.QtWidgets import QDockWidget, QToolBar

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append(os.path.join(QgsApplication.pkgDataPath(), "python"))   # pyplugin_installer

    import qgis.utils
    from pyplugin_installer.unzip import unzip   # what Plugins > Install from ZIP uses
    from headless_iface import HeadlessIface

    errors = []
    def show_exception(type_, value, tb, msg, messagebar=False, level=Qgis.Warning):
        errors.append(msg + "\\n" + "".join(traceback.format_exception(type_, value, tb)))
    qgis.utils.showException = show_exception

    unzip(zip_path, profile_plugins)
    # Only the unzipped copy may be importable as pixxel_qgis (the venv's .pth also offers the clone).
    sys.path[:] = [p for p in sys.path if not os.path.isdir(os.path.join(p or ".", "pixxel_qgis"))]
    sys.path.insert(0, profile_plugins)
    sys.path_importer_cache.clear()
    iface = HeadlessIface()
    qgis.utils.iface = iface
    qgis.utils.plugin_paths[:] = [profile_plugins]
    qgis.utils.home_plugin_path = profile_plugins
    qgis.utils.updateAvailablePlugins()

    result = {"available": "pixxel_qgis" in qgis.utils.available_plugins}
    result["name"] = qgis.utils.pluginMetadata("pixxel_qgis", "name")
    result["min"] = qgis.utils.pluginMetadata("pixxel_qgis", "qgisMinimumVersion")
    result["loaded"] = qgis.utils.loadPlugin("pixxel_qgis")
    result["file"] = sys.modules["pixxel_qgis"].__file__ if "pixxel_qgis" in sys.modules else None
    result["started"] = qgis.utils.startPlugin("pixxel_qgis")
    result["active"] = "pixxel_qgis" in qgis.utils.active_plugins
    plugin = qgis.utils.plugins.get("pixxel_qgis")
    if plugin is not None:
        plugin.action.trigger()
        result["dock_opened"] = plugin.dock is not None and plugin.dock.isUserVisible()
        from qgis.PyQt.QtWidgets import QLabel, QPlainTextEdit, QPushButton
        label = plugin.dock.findChild(QLabel, "PixxelMissingDependencies") if plugin.dock is not None else None
        result["dock_text"] = label.text() if label is not None else None
        command = plugin.dock.findChild(QPlainTextEdit, "PixxelInstallCommand") if plugin.dock else None
        result["dock_command"] = command.toPlainText() if command is not None else None
        result["bar_button"] = iface.messageBar().findChild(QPushButton, "PixxelMessageBarInstall") is not None
    result["warnings"] = iface.messageBar().texts(Qgis.Warning, Qgis.Critical)
    result["unloaded"] = qgis.utils.unloadPlugin("pixxel_qgis")
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    result["still_active"] = "pixxel_qgis" in qgis.utils.active_plugins
    result["modules_left"] = sorted(m for m in sys.modules if m.split(".")[0] == "pixxel_qgis")
    result["menubar"] = [a.text() for a in iface.mainWindow().menuBar().actions()]
    result["docks"] = len(iface.mainWindow().findChildren(QDockWidget))
    result["toolbars"] = len(iface.mainWindow().findChildren(QToolBar))
    result["errors"] = errors
    print("RESULT " + json.dumps(result))
    app.exitQgis()
    """
)


@pytest.mark.parametrize("blocked", ["", "pydantic,shapely"], ids=["deps-present", "deps-missing"])
def test_zip_installs_loads_starts_and_unloads_in_qgis(built_zip, tmp_path, blocked):
    profile_plugins = tmp_path / "profile" / "python" / "plugins"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QGIS_CUSTOM_CONFIG_PATH=str(tmp_path / "profile"))
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(profile_plugins), str(built_zip), str(ROOT / "scripts"), blocked],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=tmp_path,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    result = json.loads(lines[-1][len("RESULT ") :])

    assert result["errors"] == []
    assert (profile_plugins / "pixxel_qgis" / "metadata.txt").is_file()
    assert result["available"] and result["name"] == "Pixxel for QGIS" and result["min"] == "3.22"
    assert result["loaded"] and result["file"].startswith(str(profile_plugins)), result["file"]
    assert result["started"] and result["active"] and result["dock_opened"]
    assert result["warnings"] == []
    if not blocked:
        assert not result["bar_button"] and result["dock_text"] is None
    else:  # still loads; the message bar and the panel offer the install and show the manual command
        assert result["bar_button"]
        assert "pydantic>=2, shapely>=2" in result["dock_text"]
        assert "-m pip install --target" in result["dock_command"]
        assert "'pydantic>=2'" in result["dock_command"] and "--no-deps 'shapely>=2'" in result["dock_command"]
    assert result["unloaded"] and not result["still_active"]
    assert result["modules_left"] == []
    assert result["menubar"] == [] and result["docks"] == 0 and result["toolbars"] == 0
