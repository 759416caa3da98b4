"""qgis_process without pydantic 2 / shapely 2: the Pixxel algorithms are listed, and running one exits
non-zero with the same install message as the panel (not a traceback, not "algorithm not found").

QGIS's own Python (no venv on PYTHONPATH, a clean environment) is what a user has on Debian 12.
"""

import subprocess
from pathlib import Path

import pytest
from pixxel_qgis.tests.helpers import QGIS_HAS_PACKAGES_REASON, plugin_profile, qgis_python_packages
from pixxel_qgis.tests.test_qgis_process import QGIS_PROCESS
from pixxel_simulator import FIRST_PROJECT_ID, TD2_ID
from venv_packages import link_venv_packages


@pytest.fixture
def bare_profile(tmp_path):
    assert QGIS_PROCESS, "qgis_process.bin is missing: `make venv` installs Debian's qgis"
    return plugin_profile(tmp_path / "qgis-config")


def _run(profile, *args):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(profile), "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen",
           "QGIS_CUSTOM_CONFIG_PATH": str(profile), "PIXXEL_API_KEY": "never-used-key"}
    return subprocess.run([QGIS_PROCESS, *args], env=env, cwd=str(profile), capture_output=True, text=True,
                          timeout=180)


def test_algorithms_listed_and_fail_with_the_install_message(bare_profile, tmp_path):
    if all(v == "new" for v in qgis_python_packages().values()):
        pytest.skip(QGIS_HAS_PACKAGES_REASON)
    listed = _run(bare_profile, "list")
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert "pixxel:createaoi" in listed.stdout and "pixxel:loadassets" in listed.stdout

    src = tmp_path / "field.geojson"
    src.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":'
                   '{"type":"Polygon","coordinates":[[[75,12.6],[75.02,12.6],[75.02,12.62],[75,12.62],[75,12.6]]]}}]}')
    proc = _run(bare_profile, "run", "pixxel:createaoi", f"--INPUT={src}", "--NAME=x",
                f"--PROJECT_ID={FIRST_PROJECT_ID}", f"--SATELLITE_ID={TD2_ID}", "--ITEM_IDS=some-item",
                f"--BOUNDARY={tmp_path / 'b.gpkg'}")
    text = proc.stdout + proc.stderr
    assert proc.returncode != 0, text[-3000:]
    assert "needs Python packages that QGIS's Python cannot import: pydantic>=2, shapely>=2" in text, text[-3000:]
    assert "Install missing packages" in text and "-m pip install --target" in text
    assert "Traceback" not in text
    assert "never-used-key" not in text


def _fill_dependency_folder(profile: Path) -> Path:
    """<profile>/python/dependencies/pixxel_qgis holding (links to) the venv's pydantic 2 and shapely 2, as
    "Install missing packages" leaves it; QGIS's own numpy is not there."""
    return link_venv_packages(profile / "profiles" / "default" / "python" / "dependencies" / "pixxel_qgis")


def test_qgis_process_uses_the_dependency_folder(bare_profile, tmp_path, sim_factory):
    """classFactory puts the profile's dependency folder on sys.path for qgis_process too, and shapely from
    there is preloaded with RTLD_DEEPBIND (the create algorithm runs shapely inside qgis_process)."""
    _fill_dependency_folder(bare_profile)
    sim = sim_factory(api_keys=("never-used-key",), aoi_duration_s=0.5, asset_count=3)
    src = tmp_path / "field.geojson"
    src.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":'
                   '{"type":"Polygon","coordinates":[[[75,12.6],[75.02,12.6],[75.02,12.62],[75,12.62],[75,12.6]]]}}]}')
    proc = _run(bare_profile, "run", "pixxel:createaoi", f"--INPUT={src}", "--NAME=from-the-folder",
                f"--PROJECT_ID={FIRST_PROJECT_ID}", f"--SATELLITE_ID={TD2_ID}",
                "--ITEM_IDS=TD2_000650_20230404_L2A_20240405_01001067", f"--BASE_URL={sim.url}",
                f"--BOUNDARY={tmp_path / 'b.gpkg'}")
    text = proc.stdout + proc.stderr
    assert proc.returncode == 0, text[-3000:]
    assert [a["name"] for a in sim.aois()] == ["from-the-folder"]
