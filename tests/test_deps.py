"""deps.py: missing packages are reported with the exact install command, never as a traceback."""

import sys
import types

import pytest
from pixxel_qgis import deps

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)


def test_all_present_in_the_dev_environment():
    assert deps.missing_dependencies() == []
    assert deps.check() == ([], "")


@pytest.mark.parametrize("name", ["pydantic", "shapely", "requests"])
def test_missing_module_is_named(monkeypatch, name):
    monkeypatch.setitem(sys.modules, name, None)  # makes `import name` raise ImportError
    missing = deps.missing_dependencies()
    assert [m.requirement.module for m in missing] == [name]
    text = deps.missing_message(missing, platform="linux", python="/usr/bin/python3", externally_managed=False)
    spec = missing[0].requirement.spec
    assert spec in text
    assert f'/usr/bin/python3 -m pip install --user "{spec}"' in text
    assert "restart QGIS" in text


def test_two_missing_in_one_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "pydantic", None)
    monkeypatch.setitem(sys.modules, "shapely", None)
    missing = deps.missing_dependencies()
    cmd = deps.install_command(missing, python="/usr/bin/python3", platform="linux", externally_managed=False)
    assert cmd == '/usr/bin/python3 -m pip install --user "pydantic>=2" "shapely>=2"'


def test_too_old_version_is_reported(monkeypatch):
    old = types.ModuleType("pydantic")
    old.VERSION = "1.10.4"
    monkeypatch.setitem(sys.modules, "pydantic", old)
    missing = deps.missing_dependencies()
    assert len(missing) == 1
    assert missing[0].describe() == "pydantic>=2 (found pydantic 1.10.4)"


def test_unknown_version_is_not_too_old(monkeypatch):
    # Debian testing's python3-shapely says "0+unknown" (built without version metadata): it is shapely 2.
    unknown = types.ModuleType("shapely")
    unknown.__version__ = "0+unknown"
    monkeypatch.setitem(sys.modules, "shapely", unknown)
    assert deps.missing_dependencies() == []


def test_broken_install_is_reported_not_raised():
    def explode(name):
        if name == "shapely":
            raise OSError("libgeos_c.so: cannot open shared object file")
        return types.SimpleNamespace(__version__="2.1.0")

    missing = deps.missing_dependencies(import_module=explode)
    assert [m.requirement.module for m in missing] == ["shapely"]


def test_pep668_debian_adds_break_system_packages():
    missing = [deps.Missing(deps.REQUIREMENTS[0])]
    cmd = deps.install_command(missing, python="/usr/bin/python3", platform="linux", externally_managed=True)
    assert cmd == '/usr/bin/python3 -m pip install --user --break-system-packages "pydantic>=2"'


def test_windows_command_for_osgeo4w_shell():
    missing = [deps.Missing(r) for r in deps.REQUIREMENTS[:2]]
    text = deps.missing_message(missing, platform="win32", python="python")
    assert 'In the OSGeo4W Shell run: python -m pip install "pydantic>=2" "shapely>=2"' in text


@pytest.mark.parametrize(
    ("executable", "prefix", "platform", "existing", "expected"),
    [
        ("/usr/bin/python3", "/usr", "linux", set(), "/usr/bin/python3"),
        # Inside QGIS sys.executable is the QGIS binary: look for the interpreter under the prefix.
        ("/usr/bin/qgis", "/usr", "linux", {"/usr/bin/python3"}, "/usr/bin/python3"),
        (
            "/Applications/QGIS.app/Contents/MacOS/QGIS",
            "/Applications/QGIS.app/Contents/MacOS",
            "darwin",
            {"/Applications/QGIS.app/Contents/MacOS/bin/python3"},
            "/Applications/QGIS.app/Contents/MacOS/bin/python3",
        ),
        (r"C:\OSGeo4W\bin\qgis-bin.exe", r"C:\OSGeo4W\apps\Python312", "win32", set(), "python"),
        (r"C:\OSGeo4W\bin\python3.exe", r"C:\OSGeo4W\apps\Python312", "win32", set(), r"C:\OSGeo4W\bin\python3.exe"),
    ],
)
def test_python_executable(executable, prefix, platform, existing, expected):
    got = deps.python_executable(executable, prefix, platform, exists=existing.__contains__)
    assert got == expected


def test_deps_module_does_not_import_qgis():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(deps))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
    }
    assert "qgis" not in imported
