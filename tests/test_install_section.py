"""The install panel and the plugin around it, with a stand-in for QGIS's interpreter whose "pip" is a
script (so progress, Cancel and failures can be driven): progress moves, Cancel stops pip and installs
nothing, a failure shows pip's log, and a success swaps in the real panel and the working algorithms
without a restart."""

import stat
import sys
import time
from pathlib import Path

import pytest
from pixxel_qgis import classFactory, deps
from pixxel_qgis.core.dependency_install import InstallDependenciesTask
from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtWidgets import QPushButton

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from headless_iface import HeadlessIface

PIP_SCRIPT = """#!/bin/sh
# a stand-in for "<QGIS python> -m pip ...": $PIXXEL_FAKE_PIP chooses what it does
if [ "$3" = "--version" ]; then echo "pip 99.0 from fake"; exit 0; fi
case "$PIXXEL_FAKE_PIP" in
  slow) i=0; while [ $i -lt 300 ]; do echo "Collecting thing$i"; i=$((i+1)); sleep 0.1; done; exit 0 ;;
  fail) echo "ERROR: Could not find a version that satisfies the requirement pydantic>=2"; exit 1 ;;
  ok) echo "Collecting pydantic>=2"; echo "Installing collected packages: pydantic";
      target=""; prev=""; for a in "$@"; do [ "$prev" = "--target" ] && target="$a"; prev="$a"; done
      mkdir -p "$target/fakepkg" && echo "x = 1" > "$target/fakepkg/__init__.py";
      echo "Successfully installed pydantic-2.99"; exit 0 ;;
esac
exit 3
"""


@pytest.fixture
def fake_python(tmp_path, monkeypatch):
    path = tmp_path / "python3"
    path.write_text(PIP_SCRIPT)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(deps, "python_executable", lambda *a, **k: str(path))
    monkeypatch.setattr(deps, "_settings_dir", str(tmp_path / "profile"))
    monkeypatch.setattr(sys, "path", list(sys.path))
    return path


def _wait(pred, timeout=30):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QgsApplication.processEvents()
        if pred():
            return True
        time.sleep(0.02)
    return False


MISSING = [deps.Missing(deps.REQUIREMENTS[0])]


def test_progress_and_cancel_install_nothing(qgis_app, fake_python, tmp_path, monkeypatch):
    monkeypatch.setenv("PIXXEL_FAKE_PIP", "slow")
    target = tmp_path / "deps"
    done = []
    task = InstallDependenciesTask(MISSING, target=str(target), on_finished=lambda ok, t: done.append(ok), pins=[])
    seen = []
    task.progressChanged.connect(seen.append)
    QgsApplication.taskManager().addTask(task)
    assert _wait(lambda: task.progress() > 40)
    task.cancel()
    assert _wait(lambda: done, 20)
    assert done == [False] and task.error == "Cancelled: nothing was installed."
    assert len(set(seen)) > 3 and max(seen) < 100
    assert not target.exists() and not Path(f"{target}.partial").exists()


def test_failure_shows_pip_log_in_the_panel(qgis_app, fake_python, monkeypatch):
    from pixxel_qgis.ui.install_section import InstallSection

    monkeypatch.setenv("PIXXEL_FAKE_PIP", "fail")
    section = InstallSection(MISSING)
    failed = []
    section.failed.connect(failed.append)
    section.install_button.click()
    assert not section.install_button.isEnabled() and section.cancel_button.isVisibleTo(section)
    assert _wait(lambda: failed, 30)
    assert "pip failed (exit code 1)" in failed[0] and section.status.text() == failed[0]
    assert section.log_view.isVisibleTo(section)
    assert "Could not find a version that satisfies the requirement pydantic>=2" in section.log_view.toPlainText()
    assert section.install_button.isEnabled() and not section.cancel_button.isVisibleTo(section)


def test_success_swaps_in_the_real_panel_without_restart(qgis_app, fake_python, monkeypatch):
    monkeypatch.setenv("PIXXEL_FAKE_PIP", "ok")
    monkeypatch.setitem(sys.modules, "pydantic", None)  # missing until "installed"
    iface = HeadlessIface()
    plugin = classFactory(iface)
    plugin.initGui()
    try:
        registry = QgsApplication.processingRegistry()
        assert registry.algorithmById("pixxel:createaoi") is not None
        button = iface.messageBar().findChild(QPushButton, "PixxelMessageBarInstall")

        # what the new folder on sys.path does for real: pydantic becomes importable
        monkeypatch.setattr(deps, "refresh_after_install",
                            lambda *a, _orig=deps.refresh_after_install: (sys.modules.pop("pydantic", None), _orig()))
        button.click()  # the message bar's button opens the panel and starts the install
        install_dock = plugin.dock
        assert install_dock is not None and install_dock.install_section.running
        assert _wait(lambda: plugin.dock is not install_dock, 30)
        from pixxel_qgis.ui.dock import PixxelDockWidget

        assert isinstance(plugin.dock, PixxelDockWidget) and plugin.dock.isUserVisible()
        assert plugin.missing == []
        assert (Path(deps.dependency_dir()) / "fakepkg" / "__init__.py").is_file()
        assert sys.path[0] == deps.dependency_dir()
        assert any(level == Qgis.MessageLevel.Success and "installed" in text
                   for _t, text, level, _d in iface.messageBar().messages)
        assert iface.messageBar().findChild(QPushButton, "PixxelMessageBarInstall") is None or \
            not iface.messageBar().findChild(QPushButton, "PixxelMessageBarInstall").isVisible()
    finally:
        plugin.unload()
        iface.close()
