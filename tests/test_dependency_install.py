"""InstallDependenciesTask with QGIS's interpreter (/usr/bin/python3 on Debian) and a real pip, offline from
a folder of wheels: where the interpreter has no pip, pip runs from its own wheel; a failure leaves the
folder untouched and keeps pip's log; numpy (which QGIS has) is pinned and never copied into the folder."""

import subprocess
from pathlib import Path

import pytest
from pixxel_qgis import deps
from pixxel_qgis.core.dependency_install import InstallDependenciesTask

QGIS_PYTHON = "/usr/bin/python3"
ROOT = Path(__file__).resolve().parent.parent
PYDANTIC = deps.Missing(deps.REQUIREMENTS[0])
SHAPELY = deps.Missing(deps.REQUIREMENTS[1])


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    numpy = subprocess.run([QGIS_PYTHON, "-c", "import numpy; print(numpy.__version__)"], capture_output=True,
                           text=True, check=True).stdout.strip()
    folder = tmp_path_factory.mktemp("wheels")
    proc = subprocess.run([QGIS_PYTHON, "-m", "pip", "download", "--only-binary=:all:", "-q", "-d", str(folder),
                           "pydantic>=2", "shapely>=2", f"numpy=={numpy}"], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for wheel in folder.glob("numpy-*.whl"):  # not needed: shapely is installed against QGIS's numpy
        wheel.unlink()
    return folder


@pytest.fixture(scope="module")
def qgis_pins():
    """The pins the plugin computes inside QGIS (QGIS's Python, not this test's venv)."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from pixxel_qgis import deps; "
            "print(' '.join(deps.constraints_text(deps.qgis_distributions(), ('pydantic', 'shapely'))))")
    out = subprocess.run([QGIS_PYTHON, "-c", code, str(ROOT / ".venv" / "pkgroot")], capture_output=True,
                         text=True, check=True, env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}).stdout
    pins = out.split()
    assert any(p.startswith("numpy==") for p in pins), pins
    return pins


def test_installs_offline_with_pip_run_from_its_wheel(qgis_app, tmp_path, wheels, qgis_pins, monkeypatch):
    monkeypatch.setattr(deps, "pip_available", lambda python, run=None: False)  # as on a QGIS without pip
    target = tmp_path / "dependencies" / "pixxel_qgis"
    task = InstallDependenciesTask([PYDANTIC, SHAPELY], target=str(target), wheel_dir=str(wheels),
                                   python=QGIS_PYTHON, pins=qgis_pins)
    assert task.run(), task.log_text
    assert "has no pip: running pip from" in task.log_text
    assert "pip-" in task.log_text and ".whl" in task.log_text
    assert (target / "pydantic").is_dir() and (target / "shapely").is_dir()
    # numpy was pinned to QGIS's version and then left out: QGIS's own stays the one imported
    assert "numpy==" in task.log_text and "shapely>=2: without dependencies" in task.log_text
    assert not (target / "numpy").exists()
    assert not list(target.glob("numpy-*.dist-info"))
    assert not Path(f"{target}.partial").exists()
    check = subprocess.run([QGIS_PYTHON, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import numpy, pydantic, "
                            "shapely.geometry; print(pydantic.VERSION, shapely.__version__, numpy.__file__)",
                            str(target)], capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr
    pyd, shp, numpy_file = check.stdout.split()
    assert pyd.startswith("2.") and shp.startswith("2.") and not numpy_file.startswith(str(target))


def test_failed_install_changes_nothing_and_keeps_the_log(qgis_app, tmp_path):
    target = tmp_path / "dependencies" / "pixxel_qgis"
    (target / "keep_me").mkdir(parents=True)
    empty = tmp_path / "no-wheels"
    empty.mkdir()
    task = InstallDependenciesTask([PYDANTIC], target=str(target), wheel_dir=str(empty), python=QGIS_PYTHON)
    assert task.run() is False
    assert "pip failed" in task.error and "nothing was installed" in task.error
    assert "pydantic" in task.log_text and ("No matching distribution" in task.log_text
                                            or "Could not find a version" in task.log_text)
    assert sorted(p.name for p in target.iterdir()) == ["keep_me"]


def test_prune_never_removes_outside_the_folder(tmp_path):
    """A RECORD line pointing outside the folder (pip writes ../../bin/x for scripts) is never followed."""
    target = tmp_path / "deps"
    info = target / "numpy-1.0.dist-info"
    info.mkdir(parents=True)
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    (info / "METADATA").write_text("Name: numpy\nVersion: 1.0\n")
    (info / "RECORD").write_text("numpy-1.0.dist-info/METADATA,,\nnumpy-1.0.dist-info/RECORD,,\n../outside.txt,,\n")
    removed = deps.prune_duplicates(str(target), {"numpy": ("numpy", "1.0", True)})
    assert removed == ["numpy==1.0"]
    assert outside.read_text() == "precious" and not info.exists()
    # another version than QGIS's is kept
    info.mkdir()
    (info / "METADATA").write_text("Name: numpy\nVersion: 1.0\n")
    assert deps.prune_duplicates(str(target), {"numpy": ("numpy", "2.0", True)}) == [] and info.exists()
