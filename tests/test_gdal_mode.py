"""core.gdal_mode: the plugin's GDAL calls choose "no exceptions" explicitly (no FutureWarning on GDAL 3.9+,
the same behaviour on GDAL 4) and leave the process-wide mode as they found it."""

import subprocess
import sys

CODE = """
import warnings
warnings.simplefilter("error")  # GDAL 3.9+'s "Neither UseExceptions() nor DontUseExceptions()" would raise
from osgeo import gdal, ogr
from pixxel_qgis.core.gdal_mode import without_exceptions
before = (gdal.GetUseExceptions(), ogr.GetUseExceptions())
with without_exceptions(gdal, ogr):
    assert gdal.OpenEx("/nonexistent/pixxel.gpkg", gdal.OF_VECTOR) is None  # a return value, not a raise
    ds = ogr.GetDriverByName("Memory").CreateDataSource("m")
    layer = ds.CreateLayer("t")
    assert layer.GetGeometryColumn() == "" and ds.GetLayerByName("missing") is None
    ds = None
assert (gdal.GetUseExceptions(), ogr.GetUseExceptions()) == before
gdal.UseExceptions()
with without_exceptions(gdal):
    assert gdal.OpenEx("/nonexistent/pixxel.gpkg", gdal.OF_VECTOR) is None
assert gdal.GetUseExceptions() == 1  # someone else's choice is restored
print("ok")
"""


def test_no_exceptions_explicitly_and_mode_restored():
    # A fresh interpreter: GDAL warns only once per process, and the mode is process-wide.
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
