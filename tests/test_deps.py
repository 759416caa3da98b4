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
    text = deps.missing_message(missing, platform="linux", python="/usr/bin/python3")
    spec = missing[0].requirement.spec
    assert spec in text
    assert 'press "Install missing packages"' in text
    command = text.split("run this command and restart QGIS: ", 1)[1].split(". Alternatively", 1)[0].rstrip(".")
    if "Alternatively" in text:  # Debian 13+: the system package of just what is missing
        assert text.endswith(f"sudo apt install python3-{name} (then restart QGIS).")
    assert command.startswith("/usr/bin/python3 -m pip install --target ")
    assert f"'{spec}'" in command or command.endswith(f" {spec}")


def test_two_missing_in_one_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "pydantic", None)
    monkeypatch.setitem(sys.modules, "shapely", None)
    missing = deps.missing_dependencies()
    common = "/usr/bin/python3 -m pip install --target /p/deps --upgrade --only-binary=:all: " \
             "--disable-pip-version-check --no-input"
    # QGIS has numpy: shapely goes without dependencies (numpy is never downloaded nor copied)
    cmd = deps.install_command(missing, python="/usr/bin/python3", platform="linux", target="/p/deps",
                               constraints=["numpy==1.24.2"])
    assert cmd == f"{common} 'pydantic>=2' && {common} --no-deps 'shapely>=2'"
    # without numpy in QGIS, one ordinary run
    cmd = deps.install_command(missing, python="/usr/bin/python3", platform="linux", target="/p/deps")
    assert cmd == f"{common} 'pydantic>=2' 'shapely>=2'"


@pytest.mark.parametrize(("numpy", "spec"), [("1.24.2", "shapely>=2"), ("2.1.0", "shapely>=2"),
                                             ("1.19.5", "shapely>=2,<2.1"), ("1.21.5", "shapely>=2")])
def test_shapely_release_matches_qgis_numpy(numpy, spec):
    plan = deps.install_plan([deps.Missing(deps.REQUIREMENTS[1])], [f"numpy=={numpy}", "scipy==1.10.1"])
    assert plan == [([spec], True)]


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


def test_windows_command_quotes_paths_with_spaces():
    missing = [deps.Missing(r) for r in deps.REQUIREMENTS[:2]]
    cmd = deps.install_command(missing, platform="win32", python=r"C:\Program Files\QGIS 3.34\apps\Python312\python.exe",
                               target=r"C:\Users\a b\AppData\QGIS\python\dependencies\pixxel_qgis")
    assert cmd.startswith(r'"C:\Program Files\QGIS 3.34\apps\Python312\python.exe" -m pip install --target "C:\Users')
    assert cmd.endswith('"pydantic>=2" "shapely>=2"')


def test_offline_command_uses_only_the_wheel_folder():
    argv = deps.install_argv([deps.Missing(deps.REQUIREMENTS[0])], "/t", python="/py", wheel_dir="/wheels",
                             constraints="/c.txt")
    assert argv[:3] == ["/py", "-m", "pip"]
    assert argv[argv.index("-c") + 1] == "/c.txt"
    assert "--no-index" in argv and argv[argv.index("--find-links") + 1] == "/wheels"
    assert argv[-1] == "pydantic>=2" and "--only-binary=:all:" in argv
    assert deps.pip_launcher("/py", "/w/pip-24.0-py3-none-any.whl") == ["/py", "/w/pip-24.0-py3-none-any.whl/pip"]


def test_constraints_pin_compiled_packages_and_numpy_but_not_what_is_installed():
    dists = {
        "numpy": ("numpy", "1.24.2", True),
        "scipy": ("scipy", "1.10.1", True),
        "shapely": ("Shapely", "1.8.5", True),  # the old one QGIS may have: must not hold shapely 2 back
        "pydantic_core": ("pydantic_core", "2.0.0", True),
        "typing_extensions": ("typing_extensions", "4.4.0", False),
        "six": ("six", "1.16.0", False),
    }
    assert deps.constraints_text(dists, ("pydantic", "shapely")) == ["numpy==1.24.2", "scipy==1.10.1"]
    assert deps.manual_pins(dists) == ["numpy==1.24.2"]


def test_activate_puts_the_profile_folder_first(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(deps, "_settings_dir", None)
    folder = tmp_path / "python" / "dependencies" / "pixxel_qgis"
    assert deps.activate(str(tmp_path)) == str(folder) and str(folder) not in sys.path  # not there yet
    folder.mkdir(parents=True)
    deps.activate(str(tmp_path))
    assert sys.path[0] == str(folder)
    deps.activate(str(tmp_path))
    assert sys.path.count(str(folder)) == 1


@pytest.mark.parametrize(("release", "says"), [
    ('ID=debian\nVERSION_ID="13"\n', True),
    ('ID=debian\nVERSION_ID="12"\n', False),
    ('ID=debian\nVERSION_CODENAME=forky\n', True),  # Debian testing has no VERSION_ID
    ('ID=ubuntu\nVERSION_ID="22.04"\n', False),
])
def test_system_packages_mentioned_where_they_are_new_enough(tmp_path, release, says):
    f = tmp_path / "os-release"
    f.write_text(release)
    hint = deps.system_package_hint(str(f))
    assert ("python3-pydantic python3-shapely" in hint) is says
    only_requests = deps.system_package_hint(str(f), modules=("requests",))
    assert ("apt install python3-requests (" in only_requests) is says and "pydantic" not in only_requests


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
        # OSGeo4W: sys.prefix is apps\Python3x, which holds python.exe
        (r"C:\OSGeo4W\bin\qgis-bin.exe", r"C:\OSGeo4W\apps\Python312", "win32",
         {r"C:\OSGeo4W\apps\Python312\python.exe"}, r"C:\OSGeo4W\apps\Python312\python.exe"),
        # macOS bundle: Contents/MacOS/QGIS next to Contents/MacOS/bin/python3
        ("/Applications/QGIS.app/Contents/MacOS/QGIS", "/Applications/QGIS.app/Contents/Frameworks/Python.framework",
         "darwin", {"/Applications/QGIS.app/Contents/MacOS/bin/python3"},
         "/Applications/QGIS.app/Contents/MacOS/bin/python3"),
        # never PATH's first python3 when QGIS's own interpreter is found under its prefix
        ("/usr/bin/qgis", "/usr", "linux", {"/usr/bin/python3", "/root/.pyenv/shims/python3"}, "/usr/bin/python3"),
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
