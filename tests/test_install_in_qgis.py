"""A new user's first session in the real QGIS: the release zip in a fresh profile, QGIS's own Python
without pydantic 2 / shapely 2, "Install missing packages" clicked in the panel, and the panel then working
(connection test against the simulator) in the same session, numpy untouched, QGIS exiting cleanly.

QGIS runs under Xvfb (``xvfb-run``, installed by ``make venv``) with a clean environment: no venv, no
PYTHONPATH, a throw-away HOME. The wheels come from a folder the test fills with ``pip download`` run by
QGIS's own interpreter (/usr/bin/python3 on Debian), numpy pinned to the version QGIS has.
"""

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pixxel_qgis.tests.helpers import QGIS_HAS_PACKAGES_REASON, debian_release, qgis_python_packages

ROOT = Path(__file__).resolve().parent.parent
QGIS_PYTHON = "/usr/bin/python3"
CLEAN_PATH = "/usr/local/bin:/usr/bin:/bin"


def _qgis_python(code: str) -> str:
    proc = subprocess.run([QGIS_PYTHON, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"PATH": CLEAN_PATH, "HOME": "/nonexistent"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.fixture(scope="module")
def qgis_numpy():
    return _qgis_python("import numpy; print(numpy.__version__)")


@pytest.fixture(scope="module")
def wheel_folder(tmp_path_factory, qgis_numpy):
    folder = tmp_path_factory.mktemp("wheels")
    proc = subprocess.run(
        [QGIS_PYTHON, "-m", "pip", "download", "--only-binary=:all:", "--disable-pip-version-check",
         "-d", str(folder), "pydantic>=2", "shapely>=2", f"numpy=={qgis_numpy}"],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    for wheel in folder.glob("numpy-*.whl"):  # the install needs none: shapely goes against QGIS's numpy
        wheel.unlink()
    return folder


@pytest.fixture(scope="module")
def release_zip(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "package.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    [zip_path] = out.glob("pixxel_qgis-*.zip")
    return zip_path


def test_qgis_python_lacks_the_packages():
    """The premise: Debian 12's QGIS Python cannot import pydantic 2 or shapely 2 (shapely 1.x counts as
    missing). Debian 13 and later ship both, so there the first-session install has nothing to do."""
    found = qgis_python_packages(QGIS_PYTHON)
    if all(v == "new" for v in found.values()):
        assert debian_release() != "12", f"Debian 12's QGIS Python should lack them: {found}"
        pytest.skip(QGIS_HAS_PACKAGES_REASON)
    assert "new" not in found.values(), found


def test_install_from_the_panel_in_real_qgis(tmp_path, release_zip, wheel_folder, qgis_numpy, sim_factory):
    if all(v == "new" for v in qgis_python_packages(QGIS_PYTHON).values()):
        pytest.skip(QGIS_HAS_PACKAGES_REASON)
    xvfb_run, qgis_bin = shutil.which("xvfb-run"), shutil.which("qgis")
    assert xvfb_run, "xvfb-run is missing: `make venv` installs Debian's xvfb and xauth"
    assert qgis_bin, "qgis is missing: `make venv` installs Debian's qgis"
    sim = sim_factory(api_keys=("driver-key",), seed_aois=1, asset_count=6)
    profiles = tmp_path / "profiles"
    profile = profiles / "profiles" / "default"
    plugins = profile / "python" / "plugins"
    plugins.mkdir(parents=True)
    with zipfile.ZipFile(release_zip) as zf:
        zf.extractall(plugins)
    (profile / "QGIS").mkdir()
    (profile / "QGIS" / "QGIS3.ini").write_text(
        "[PythonPlugins]\npixxel_qgis=true\n\n"
        "[qgis]\nshowTips=false\nshowTips322=false\ncheckVersion=false\n"
        "[core]\nlocale\\overrideFlag=true\nlocale\\userLocale=en_US\n",
        encoding="utf-8",
    )
    home = tmp_path / "home"
    home.mkdir()
    out, shot = tmp_path / "driver.json", tmp_path / "qgis-after-install.png"
    env = {
        "PATH": CLEAN_PATH, "HOME": str(home), "LANG": "C.UTF-8", "XDG_RUNTIME_DIR": str(home),
        "PIXXEL_DRIVER_OUT": str(out), "PIXXEL_DRIVER_SHOT": str(shot),
        "PIXXEL_DRIVER_SHOT_BEFORE": str(tmp_path / "qgis-before-install.png"), "PIXXEL_WHEELS": str(wheel_folder),
        "PIXXEL_SIM_URL": sim.url, "PIXXEL_SIM_KEY": "driver-key", "PIXXEL_SIM_AOI": sim.aois()[0]["aoi_id"],
    }
    cmd = [xvfb_run, "-a", "-s", "-screen 0 1400x900x24", qgis_bin, "--profiles-path", str(profiles),
           "--profile", "default", "--noversioncheck", "--nologo",
           "--code", str(ROOT / "tests" / "qgis_scripts" / "install_driver.py")]
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired as exc:
        partial = out.read_text() if out.exists() else "no results"
        pytest.fail(f"QGIS did not finish within 900 s; results so far: {partial}; {exc}")
    assert out.exists(), f"the driver wrote nothing (exit {proc.returncode}): {proc.stderr[-3000:]}"
    r = json.loads(out.read_text())
    keep = ROOT / ".pytest_cache"
    for picture in (shot, tmp_path / "qgis-before-install.png"):
        if picture.exists():  # to look at after the run
            keep.mkdir(exist_ok=True)
            shutil.copy(picture, keep / picture.name)
    assert "error" not in r, r.get("error")
    # before: the packages are missing, the user is told, the algorithms are listed anyway
    assert r["missing_before"] and all(s.startswith(("pydantic", "shapely")) for s in r["missing_before"])
    assert r["message_bar_button"] is True
    assert r["algorithm_listed_before"] is True
    assert r["install_command_text"].startswith(QGIS_PYTHON) or "python3" in r["install_command_text"]
    # the install ran and the real panel replaced the install panel without a restart
    assert r["install_finished"], r
    assert "imports" in r["steps"], f"{r['install_status']}\n{r.get('install_log')}"
    dep_dir = str(profile / "python" / "dependencies" / "pixxel_qgis")
    assert r["pydantic_version"].startswith("2.") and r["pydantic_file"].startswith(dep_dir)
    assert r["shapely_version"].startswith("2.") and r["shapely_file"].startswith(dep_dir)
    # numpy untouched: QGIS's version and QGIS's file, and no numpy copy in the plugin's folder
    assert r["numpy_after"] == r["numpy_before"]
    assert r["numpy_before"]["version"] == qgis_numpy
    assert not (Path(dep_dir) / "numpy").exists()
    # the panel works in the same session
    assert r["connection_status"].startswith("Connected"), r["connection_status"]
    assert r["algorithm_listed_after"] is True
    # and so do the Processing algorithms, in the same session
    assert r["processing_count"] == 6 and r["processing_status"] == "success", r
    assert "screenshot" in r["steps"] and shot.exists()
    assert any(path == "/v0/projects" or path.startswith("/v0/projects") for _m, path, _s in sim.request_log)
    assert proc.returncode == 0, proc.stderr[-3000:]
