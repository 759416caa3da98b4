"""The venv made by `make venv` keeps QGIS's own numpy (built against by QGIS, GDAL, matplotlib)."""

import os
import subprocess
import sys

import numpy
import pytest

SYSTEM_PYTHON = "/usr/bin/python3"


@pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="not in a virtual environment: nothing to compare")
def test_venv_numpy_is_the_systems_numpy():
    if not os.path.exists(SYSTEM_PYTHON):
        pytest.fail(f"{SYSTEM_PYTHON} is missing: the Makefile builds the venv from it")
    out = subprocess.run([SYSTEM_PYTHON, "-c", "import numpy; print(numpy.__version__, numpy.__file__)"],
                         capture_output=True, text=True, check=True).stdout.split()
    assert [numpy.__version__, os.path.realpath(numpy.__file__)] == [out[0], os.path.realpath(out[1])]


def test_venv_has_the_generated_constraints():
    constraints = os.path.join(sys.prefix, "constraints-system.txt")
    if sys.prefix == sys.base_prefix:
        pytest.skip("not in a virtual environment")
    with open(constraints, encoding="utf-8") as handle:
        pins = handle.read()
    assert f"numpy=={numpy.__version__}" in pins
