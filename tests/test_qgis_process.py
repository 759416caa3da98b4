"""Both Pixxel algorithms from the command line: qgis_process against the simulator.

Debian's /usr/bin/qgis_process wrapper passes QGIS_OPTS from /etc/default/qgis (``--noversioncheck``),
which qgis_process 3.22 refuses, so the real binary ``qgis_process.bin`` is called with QGIS_OPTS cleared.
QGIS runs in a throw-away profile (QGIS_CUSTOM_CONFIG_PATH) where the plugin folder is a symlink to
this clone and is enabled in QGIS3.ini; QGIS's own Python gets the venv's packages (pydantic, shapely)
through PYTHONPATH. The API key comes from PIXXEL_API_KEY, never from the command line.

GEOS clash: the qgis_process (and qgis) executable links the system libgeos_c (3.11 on Debian 12) with
global symbols, so a shapely wheel (bundling a newer GEOS) imported plainly resolves some GEOS calls to the
system library and aborts ("free(): invalid size"). The plugin imports shapely with RTLD_DEEPBIND first
(deps.preload_shapely, called by classFactory); the create test below runs shapely inside qgis_process.
"""

import json
import os
import shutil
import site
import subprocess
from pathlib import Path

import pytest
from pixxel_qgis.tests.helpers import plugin_profile
from pixxel_simulator import FIRST_PROJECT_ID as PROJECT_ID
from pixxel_simulator import TD2_ID

ITEM_ID = "TD2_000650_20230404_L2A_20240405_01001067"


def _qgis_process_bin():
    for path in ("/usr/bin/qgis_process.bin", "/usr/lib/qgis/qgis_process.bin", shutil.which("qgis_process.bin")):
        if path and os.access(path, os.X_OK):
            return path
    return None


QGIS_PROCESS = _qgis_process_bin()
pytestmark = pytest.mark.skipif(
    QGIS_PROCESS is None,
    reason="qgis_process.bin is not installed (Debian package 'qgis': apt-get install --no-install-recommends qgis)",
)


@pytest.fixture
def profile(tmp_path):
    """A QGIS config dir whose default profile has the plugin installed (symlink) and enabled."""
    return plugin_profile(tmp_path / "qgis-config")


def _env(profile, api_key, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIXXEL_", "QGIS_OPTS", "QGIS_AUTH"))}
    paths = [site.getsitepackages()[0]] + [p for p in [env.get("PYTHONPATH")] if p]
    env.update(
        QT_QPA_PLATFORM="offscreen",
        QGIS_CUSTOM_CONFIG_PATH=str(profile),
        PYTHONPATH=os.pathsep.join(paths),
        **extra,
    )
    if api_key:
        env["PIXXEL_API_KEY"] = api_key
    return env


def qgis_process(profile, api_key, *args, timeout=120, secret=None, **env):
    proc = subprocess.run(
        [QGIS_PROCESS, "--json", "run", *args], env=_env(profile, api_key, **env),
        cwd=str(profile), capture_output=True, text=True, timeout=timeout,
    )
    out = proc.stdout
    secret = secret or api_key
    assert secret not in out and secret not in proc.stderr  # the key never reaches the output
    assert proc.returncode == 0, f"qgis_process failed ({proc.returncode}):\n{out[-3000:]}\n{proc.stderr[-3000:]}"
    return json.loads(out[out.index("{"):])


def _square_geojson(path: Path):
    lon, lat, d = 75.0, 12.6, 0.02  # about 2 km
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    path.write_text(json.dumps({
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"name": "field"},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}}],
    }))
    return path


def _create_args(src, sim, name, boundary):
    return (
        "pixxel:createaoi",
        f"--INPUT={src}", f"--NAME={name}", "--DESCRIPTION=command line",
        f"--PROJECT_ID={PROJECT_ID}", f"--SATELLITE_ID={TD2_ID}", "--PROVIDER=0", f"--ITEM_IDS={ITEM_ID}",
        f"--BASE_URL={sim.url}", f"--BOUNDARY={boundary}",
    )


def test_create_aoi_then_load_assets_with_qgis_process(profile, sim_factory, api_key, tmp_path):
    sim = sim_factory(aoi_duration_s=1.0, asset_count=20)
    src = _square_geojson(tmp_path / "field.geojson")
    boundary = tmp_path / "boundary.gpkg"

    created = qgis_process(profile, api_key, *_create_args(src, sim, "from-qgis-process", boundary))
    results = created["results"]
    aoi_id = results["AOI_ID"]
    assert results["STATUS"] == "success"
    assert [(a["aoi_id"], a["name"], a["status"]) for a in sim.aois()] == [(aoi_id, "from-qgis-process", "success")]
    assert boundary.exists()

    # Load with the base URL from the profile's stored plugin settings (key still from the environment).
    ini = profile / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    ini.write_text(ini.read_text() + f"\n[pixxel]\nbase_url={sim.url}\n")
    assets = tmp_path / "assets.gpkg"
    loaded = qgis_process(profile, api_key, "pixxel:loadassets", f"--AOI_ID={aoi_id}", f"--OUTPUT={assets}")
    assert loaded["results"]["COUNT"] == 20
    assert loaded["results"]["STATUS"] == "success"

    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(str(assets), "assets", "ogr")
    assert layer.isValid() and layer.featureCount() == 20
    assert {f["aoi_id"] for f in layer.getFeatures()} == {aoi_id}


_SAVE_CONNECTION = """\
import sys
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication
QCoreApplication.setOrganizationName("QGIS")  # QgsSettings -> <profile>/QGIS/QGIS3.ini, as in QGIS
QCoreApplication.setApplicationName("QGIS3")
app = QgsApplication([], False)
app.initQgis()
from pixxel_qgis.core import connection
assert connection.unlock_auth_db_for_headless(sys.argv[1])
connection.save_connection(sys.argv[2], sys.argv[3])
app.exitQgis()
"""


def test_load_assets_with_the_connection_saved_by_the_panel(profile, sim_factory, api_key, tmp_path):
    """No URL, auth config or environment key: the base URL (QgsSettings) and the key (auth database) the
    panel saved in this profile; the master password from QGIS_AUTH_PASSWORD_FILE, as for QGIS Server."""
    import sys

    sim = sim_factory(seed_aois=1, asset_count=7)
    aoi_id = sim.aois()[0]["aoi_id"]
    master = "qgis-process-master"
    env = _env(profile, None)
    subprocess.run([sys.executable, "-c", _SAVE_CONNECTION, master, sim.url, api_key], env=env, check=True,
                   capture_output=True, timeout=120)
    password_file = tmp_path / "master.txt"
    password_file.write_text(master)
    results = qgis_process(profile, None, "pixxel:loadassets", f"--AOI_ID={aoi_id}",
                           f"--OUTPUT={tmp_path / 'assets.gpkg'}", secret=api_key,
                           QGIS_AUTH_PASSWORD_FILE=str(password_file))["results"]
    assert results["COUNT"] == 7


def test_download_assets_with_qgis_process(profile, sim_factory, api_key, tmp_path):
    sim = sim_factory(seed_aois=1, asset_count=6, raster_size=64)
    aoi_id = sim.aois()[0]["aoi_id"]
    folder = tmp_path / "downloads"
    out = qgis_process(profile, api_key, "pixxel:downloadassets", f"--AOI_ID={aoi_id}", f"--FOLDER={folder}",
                       f"--BASE_URL={sim.url}")
    results = out["results"]
    assert results["COUNT"] == 6 and len(results["OUTPUT_LAYERS"]) == 6
    assert all(Path(p).parent == folder and Path(p).is_file() for p in results["OUTPUT_LAYERS"])
    assert all(api_key not in str(e["headers"]) + e["url"] for e in sim.storage.request_log)
