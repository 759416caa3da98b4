"""Run-time dependency check: can QGIS's Python import what the Pixxel client needs?

Pure Python (no QGIS import), so it is testable anywhere and safe to run before anything else of the
plugin is imported. The check never raises: a missing or broken package is reported, not a traceback.

The check does not import the packages (that alone costs QGIS start-up ~130 ms): it asks the import system
whether each can be found (``importlib.util.find_spec``) and reads the installed version from the package
metadata. A package that is found but cannot be imported (a broken install) is therefore not caught here;
it surfaces at first use, where the client's import error is reported as a message, not a traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class Requirement:
    module: str  # import name
    spec: str  # pip requirement specifier
    min_major: Optional[int] = None  # lowest accepted major version, if any


REQUIREMENTS = (
    Requirement("pydantic", "pydantic>=2", 2),
    Requirement("shapely", "shapely>=2", 2),
    Requirement("requests", "requests"),
)


@dataclass(frozen=True)
class Missing:
    requirement: Requirement
    found: Optional[str] = None  # installed version when it is too old; None when not importable

    def describe(self) -> str:
        if self.found:
            return f"{self.requirement.spec} (found {self.requirement.module} {self.found})"
        return self.requirement.spec


def _major(version: str) -> Optional[int]:
    if version.strip().startswith("0+"):  # "0+unknown" (Debian testing's shapely): not known, so not too old
        return None
    head = version.strip().split(".", 1)[0]
    digits = "".join(ch for ch in head if ch.isdigit())
    return int(digits) if digits else None


def _module_version(module) -> str:
    for attr in ("__version__", "VERSION", "version"):
        value = getattr(module, attr, None)
        if isinstance(value, str):
            return value
    try:
        from importlib import metadata

        return metadata.version(module.__name__)
    except Exception:  # noqa: BLE001 - no metadata or a broken one: the version is unknown
        return ""


def preload_shapely() -> None:
    """Import shapely so that its bundled GEOS binds to itself, not to the GEOS QGIS already loaded.

    The QGIS programs (desktop and qgis_process) link Debian's GEOS into the global symbol scope; a shapely
    wheel imported plainly then resolves some GEOS calls to that other GEOS version and aborts ("free():
    invalid size"). RTLD_DEEPBIND makes shapely's libraries prefer their own symbols. Harmless elsewhere.
    """
    if "shapely" in sys.modules or not hasattr(os, "RTLD_DEEPBIND"):
        return
    found, version = _probe("shapely", True)
    if not found or (version and (_major(version) or 0) < 2):  # shapely 1.x counts as missing: leave it be
        return
    flags = sys.getdlopenflags()
    sys.setdlopenflags(flags | os.RTLD_DEEPBIND)
    try:
        import shapely
        import shapely.geometry  # noqa: F401
    except Exception:  # noqa: BLE001 - reported by missing_dependencies(), never raised from here
        pass
    finally:
        sys.setdlopenflags(flags)


def _probe(name: str, need_version: bool) -> tuple[bool, str]:
    """(importable?, version) without importing: an imported module is read as is; otherwise the import
    system is asked whether it can find the package and the version comes from its metadata."""
    module = sys.modules.get(name, _ABSENT)
    if module is None:  # an import of it is blocked
        return False, ""
    if module is not _ABSENT:
        return True, _module_version(module) if need_version else ""
    try:
        spec = importlib.util.find_spec(name)
    except Exception:  # noqa: BLE001 - e.g. a broken parent package or a module without a spec
        return False, ""
    if spec is None:
        return False, ""
    return True, _installed_version(name, spec) if need_version else ""


def _installed_version(name: str, spec) -> str:
    """The version in the name of the ``<name>-<version>.dist-info`` (or ``.egg-info``) folder next to the
    package (a directory listing, where importing importlib.metadata alone costs ~15 ms); else the metadata."""
    locations = list(spec.submodule_search_locations or [])
    base = os.path.dirname(locations[0] if locations else (spec.origin or ""))
    wanted = name.lower().replace("-", "_")
    try:
        entries = os.listdir(base) if base else []
    except OSError:
        entries = []
    for entry in entries:
        for suffix in (".dist-info", ".egg-info"):
            if entry.lower().endswith(suffix):
                dist, sep, version = entry[: -len(suffix)].partition("-")
                if sep and dist.lower().replace("-", "_").replace(".", "_") == wanted:
                    return version
    try:
        from importlib import metadata

        return metadata.version(name)
    except Exception:  # noqa: BLE001 - no metadata (e.g. a vendored copy): the version is unknown, not too old
        return ""


_ABSENT = object()


def missing_dependencies(
    requirements=REQUIREMENTS, import_module: Callable[[str], object] = importlib.import_module
) -> list[Missing]:
    """Return the requirements that cannot be found or are older than required (empty when all fine).

    By default nothing is imported (see the module docstring); pass another ``import_module`` to check by
    importing with it instead.
    """
    missing: list[Missing] = []
    for req in requirements:
        if import_module is importlib.import_module:
            found, version = _probe(req.module, req.min_major is not None)
            if not found:
                missing.append(Missing(req))
                continue
        else:
            try:
                module = import_module(req.module)
            except Exception:  # noqa: BLE001 - ImportError, but also a broken install raising anything else
                missing.append(Missing(req))
                continue
            version = _module_version(module) if req.min_major is not None else ""
        if req.min_major is not None:
            major = _major(version) if version else None
            if major is not None and major < req.min_major:
                missing.append(Missing(req, found=version))
    return missing


def _is_windows(platform: str) -> bool:
    return platform.startswith("win")


def python_executable(
    executable: Optional[str] = None,
    prefix: Optional[str] = None,
    platform: Optional[str] = None,
    exists: Callable[[str], bool] = os.path.isfile,
) -> str:
    """QGIS's own Python interpreter (never the first ``python3`` on PATH), as a path.

    Inside QGIS ``sys.executable`` is often the QGIS binary itself (/usr/bin/qgis, qgis-bin.exe,
    QGIS.app/Contents/MacOS/QGIS), so it is only trusted when it is named like a Python; otherwise the
    interpreter is looked up by each platform's layout: ``<prefix>/bin/python3.X`` on Linux,
    ``<prefix>/python.exe`` (OSGeo4W's ``apps/Python3x``) or ``<root>/bin/python3.exe`` on Windows,
    ``Contents/MacOS/bin/python3`` in the macOS bundle.
    """
    executable = sys.executable if executable is None else executable
    prefix = sys.exec_prefix if prefix is None else prefix
    platform = sys.platform if platform is None else platform
    windows = _is_windows(platform)
    sep = "\\" if windows else "/"
    base = executable.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if base.startswith("python"):
        return executable
    major, minor = sys.version_info[:2]
    exe_dir = executable.replace("\\", "/").rsplit("/", 1)[0].replace("/", sep) if executable else ""
    if windows:
        candidates = [f"{prefix}{sep}python.exe", f"{prefix}{sep}python3.exe"]
        if exe_dir:
            candidates += [f"{exe_dir}{sep}python3.exe", f"{exe_dir}{sep}python.exe"]
        fallback = "python"
    else:
        candidates = [f"{prefix}{sep}bin{sep}python{major}.{minor}", f"{prefix}{sep}bin{sep}python3"]
        if exe_dir:  # the macOS bundle: Contents/MacOS/QGIS next to Contents/MacOS/bin/python3
            candidates += [f"{exe_dir}{sep}bin{sep}python{major}.{minor}", f"{exe_dir}{sep}bin{sep}python3"]
        candidates.append(f"/usr/bin/python{major}.{minor}")
        fallback = "python3"
    for candidate in candidates:
        if exists(candidate):
            return candidate
    return fallback


def _quote(arg: str, platform: str) -> str:
    if arg and not any(c in arg for c in ' "\'$&;()<>|*?[]{}!`#~') and arg.replace("\\", "/") == arg.replace(
            "\\", "/").strip():
        return arg
    if _is_windows(platform):
        return '"' + arg.replace('"', '\\"') + '"'
    return "'" + arg.replace("'", "'\\''") + "'"


def install_argv(
    missing: list,
    target: str,
    python: Optional[str] = None,
    constraints: Optional[str] = None,
    wheel_dir: Optional[str] = None,
    pip: Optional[list[str]] = None,
    no_deps: bool = False,
) -> list[str]:
    """The pip command (argv) that installs ``missing`` (Missing entries or requirement strings) into
    ``target``, the plugin's own folder.

    ``pip`` is how pip is started (default ``[python, "-m", "pip"]``; see :func:`pip_launcher`);
    ``constraints`` a pip constraints file pinning what QGIS already has (see :func:`constraints_text`);
    ``wheel_dir`` a folder of wheels for an offline install (no index is contacted then); ``no_deps``
    installs the packages without their dependencies (see :func:`install_plan`).
    """
    python = python_executable() if python is None else python
    argv = list(pip) if pip else [python, "-m", "pip"]
    argv += ["install", "--target", target, "--upgrade", "--only-binary=:all:", "--disable-pip-version-check",
             "--no-input"]
    if no_deps:
        argv.append("--no-deps")
    if constraints:
        argv += ["-c", constraints]
    if wheel_dir:
        argv += ["--no-index", "--find-links", wheel_dir]
    argv += [m.requirement.spec if isinstance(m, Missing) else str(m) for m in missing]
    return argv


def _pinned_version(pins: list[str], name: str) -> Optional[str]:
    for pin in pins or []:
        dist, sep, version = pin.partition("==")
        if sep and _norm(dist) == _norm(name):
            return version
    return None


def shapely_spec(numpy_version: str) -> str:
    """shapely 2 releases that support this numpy (shapely 2.1 needs numpy >= 1.21, 2.0 numpy >= 1.14)."""
    try:
        major, minor = (int("".join(c for c in x if c.isdigit()) or 0) for x in numpy_version.split(".")[:2])
    except ValueError:
        return "shapely>=2"
    return "shapely>=2,<2.1" if (major, minor) < (1, 21) else "shapely>=2"


def install_plan(missing: list[Missing], pins: list[str]) -> list[tuple[list[str], bool]]:
    """The pip runs, as ``[(requirements, no_deps)]``.

    shapely's only dependency is numpy. Where QGIS has numpy (``pins`` holds ``numpy==<version>``) shapely
    is installed in a run of its own without dependencies, in a release that supports that numpy: numpy is
    then never downloaded nor copied into the folder (and an offline wheel folder needs no numpy wheel).
    Everything else is one normal run (with the pins as constraints)."""
    numpy = _pinned_version(pins, "numpy")
    alone = [m for m in missing if numpy and m.requirement.module == "shapely"]
    rest = [m.requirement.spec for m in missing if m not in alone]
    runs: list[tuple[list[str], bool]] = []
    if rest:
        runs.append((rest, False))
    if alone:
        runs.append(([shapely_spec(numpy)], True))
    return runs


def install_command(
    missing: list[Missing],
    python: Optional[str] = None,
    platform: Optional[str] = None,
    target: Optional[str] = None,
    constraints: Optional[list[str]] = None,
    wheel_dir: Optional[str] = None,
) -> str:
    """The exact manual command (one line, to copy) that installs the missing packages into the plugin's
    folder with QGIS's interpreter, as :func:`install_plan` says (``constraints``: what QGIS has, as
    ``name==version``; only numpy's version is used: shapely then goes without dependencies)."""
    platform = sys.platform if platform is None else platform
    python = python_executable(platform=platform) if python is None else python
    target = target or dependency_dir()
    commands = []
    for specs, no_deps in install_plan(missing, list(constraints or [])):
        argv = install_argv(specs, target, python=python, wheel_dir=wheel_dir, no_deps=no_deps)
        commands.append(" ".join(_quote(a, platform) for a in argv))
    return " && ".join(commands)


def manual_pins(distributions: Optional[dict] = None) -> list[str]:
    """``name==version`` of what QGIS has among :data:`ALWAYS_PINNED` (numpy), for the manual command."""
    distributions = qgis_distributions(exclude=dependency_dir()) if distributions is None else distributions
    return [f"{distributions[k][0]}=={distributions[k][1]}" for k in ALWAYS_PINNED if k in distributions]


def missing_message(missing: list[Missing], platform: Optional[str] = None, command: Optional[str] = None,
                    **kwargs) -> str:
    """User-facing text: what is missing and how to fix it (empty when nothing is missing): the panel's
    install button, else the exact command for QGIS's own Python."""
    if not missing:
        return ""
    names = ", ".join(m.describe() for m in missing)
    if command is None:
        try:
            command = install_command(missing, platform=platform, constraints=manual_pins(), **kwargs)
        except Exception:  # noqa: BLE001 - the message must always be produced
            command = ""
    text = (
        f"Pixxel for QGIS needs Python packages that QGIS's Python cannot import: {names}. "
        "Open the Pixxel panel (Web > Pixxel) and press \"Install missing packages\" (no restart needed)"
    )
    if command:
        text += f", or run this command and restart QGIS: {command}"
    return text + "." + system_package_hint(modules=tuple(m.requirement.module for m in missing))


# ---------------------------------------------------------------------------- the plugin's own package folder
DEPENDENCY_SUBDIR = ("python", "dependencies", "pixxel_qgis")
_settings_dir: Optional[str] = None


def dependency_dir(settings_dir: Optional[str] = None) -> str:
    """``<QGIS profile>/python/dependencies/pixxel_qgis``: where "Install missing packages" puts them.

    ``settings_dir`` is QGIS's profile folder (``QgsApplication.qgisSettingsDirPath()``); the plugin passes
    it once at start (:func:`activate`), as this module never imports QGIS.
    """
    base = settings_dir or _settings_dir or os.environ.get("PIXXEL_QGIS_PROFILE_DIR") or os.path.expanduser("~")
    return os.path.join(base, *DEPENDENCY_SUBDIR)


def activate(settings_dir: Optional[str] = None) -> str:
    """Put the plugin's package folder first on ``sys.path`` (before anything imports pydantic/shapely).

    Called by classFactory (desktop and qgis_process) and again after an install; first drops from the
    folder a numpy QGIS already has in the same version (see :func:`prune_duplicates`).
    """
    global _settings_dir
    if settings_dir:
        _settings_dir = settings_dir
    path = dependency_dir()
    if os.path.isdir(path):
        try:  # a manual install may have copied numpy there: drop it (cheap check first: a directory listing)
            pinned = tuple(f"{n}-" for n in ALWAYS_PINNED)
            if any(e.lower().startswith(pinned) and e.endswith(".dist-info") for e in os.listdir(path)):
                prune_duplicates(path)
        except OSError:
            pass
        if path not in sys.path:
            sys.path.insert(0, path)
    importlib.invalidate_caches()
    return path


def refresh_after_install(path: Optional[str] = None) -> None:
    """Make what was just installed importable in this QGIS session (no restart)."""
    activate()
    importlib.invalidate_caches()
    for name in [n for n in sys.modules if n.split(".")[0] in ("pydantic", "pydantic_core", "shapely")]:
        module = sys.modules.get(name)
        if module is None:  # a failed import remembered as None
            del sys.modules[name]
    preload_shapely()


# What the wanted packages may pull in that QGIS's own modules were built against: never replaced.
ALWAYS_PINNED = ("numpy",)


def _norm(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def qgis_distributions(exclude: Optional[str] = None) -> dict:
    """{normalized name: (name, version, compiled)} of every distribution QGIS's Python can import now,
    outside the folder ``exclude`` (the plugin's own)."""
    from importlib import metadata

    exclude_real = os.path.realpath(exclude) if exclude else None
    paths = [p for p in sys.path if not exclude_real or os.path.realpath(p or ".") != exclude_real]
    found: dict = {}
    for dist in metadata.distributions(path=paths):
        try:
            name = dist.metadata["Name"]
        except Exception:  # noqa: BLE001 - unreadable metadata: skip that distribution
            name = None
        if not name or _norm(name) in found:
            continue
        files = dist.files or []
        compiled = any(str(f).endswith((".so", ".pyd", ".dylib")) for f in files)
        found[_norm(name)] = (name, dist.version, compiled)
    return found


# Never pinned: what is being installed (an old shapely 1.8 must not hold shapely 2 back) and pydantic's
# compiled core, whose version pydantic fixes exactly.
NEVER_PINNED = ("pydantic", "pydantic_core", "shapely")


def constraints_text(distributions: dict, wanted: tuple = ()) -> list[str]:
    """``name==version`` pins for what QGIS already ships and must not be shadowed: numpy and every other
    compiled package (pure-Python ones such as typing_extensions may be installed newer when the wanted
    packages need it, since QGIS's own modules were not built against them). The packages being installed
    (``wanted``, import names) and :data:`NEVER_PINNED` are not pinned."""
    skip = {_norm(n) for n in NEVER_PINNED + tuple(wanted)}
    pins = []
    for key, (name, version, compiled) in sorted(distributions.items()):
        if key in skip:
            continue
        if version and (compiled or key in ALWAYS_PINNED):
            pins.append(f"{name}=={version}")
    return pins


def prune_duplicates(target: str, distributions: Optional[dict] = None) -> list[str]:
    """Remove from ``target`` every distribution QGIS already has in the same version outside it (e.g. the
    numpy pip copied there to satisfy shapely's dependency): QGIS's copy stays the one imported."""
    from importlib import metadata

    if not os.path.isdir(target):
        return []
    removed = []
    mine = list(metadata.distributions(path=[target]))
    if not mine:
        return []
    distributions = qgis_distributions(exclude=target) if distributions is None else distributions
    for dist in mine:
        name, version = dist.metadata["Name"] or "", dist.version
        have = distributions.get(_norm(name))
        if not have or have[1] != version:
            continue
        root = os.path.realpath(target) + os.sep
        files = [str(f) for f in dist.files or []  # read before RECORD itself is removed; never outside target
                 if os.path.realpath(os.path.join(target, str(f))).startswith(root)]
        for rel in files:
            try:
                os.remove(os.path.join(target, rel))
            except OSError:
                pass
        for top in sorted({rel.split("/")[0] for rel in files}):
            _remove_empty_tree(os.path.join(target, top))
        removed.append(f"{name}=={version}")
    return removed


def _remove_empty_tree(path: str) -> None:
    if not os.path.isdir(path):
        return
    for root, dirs, _files in os.walk(path, topdown=False):
        for d in dirs:
            full = os.path.join(root, d)
            if d == "__pycache__":
                import shutil

                shutil.rmtree(full, ignore_errors=True)
            else:
                try:
                    os.rmdir(full)
                except OSError:
                    pass
    try:
        os.rmdir(path)
    except OSError:
        pass


def pip_available(python: str, run=None) -> bool:
    """Whether ``python -m pip`` works for that interpreter."""
    import subprocess

    run = run or subprocess.run
    try:
        proc = run([python, "-m", "pip", "--version"], capture_output=True, text=True, timeout=60,
                   env=_child_env())
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


def bundled_pip_wheels(wheel_dir: Optional[str] = None) -> list[str]:
    """pip wheels already on this machine (the user's wheel folder, ensurepip's bundle, Debian's
    python3-pip-whl), newest first; pip runs straight from its wheel (``python pip.whl/pip``)."""
    import glob

    places = []
    if wheel_dir:
        places.append(wheel_dir)
    try:
        spec = importlib.util.find_spec("ensurepip")
        if spec and spec.origin:
            places.append(os.path.join(os.path.dirname(spec.origin), "_bundled"))
    except Exception:  # noqa: BLE001 - no ensurepip: the other places
        pass
    places += ["/usr/share/python-wheels", os.path.join(sys.prefix, "share", "python-wheels")]
    found = []
    for place in places:
        found += sorted(glob.glob(os.path.join(place, "pip-*.whl")), reverse=True)
    return found


def pip_launcher(python: str, pip_wheel: Optional[str] = None) -> list[str]:
    """How pip is started: ``python -m pip``, or, where that interpreter has no pip, pip run from its own
    wheel (pip is pure Python and runnable from a zip, as get-pip and ensurepip do)."""
    if not pip_wheel:
        return [python, "-m", "pip"]
    return [python, os.path.join(pip_wheel, "pip")]


def _child_env() -> dict:
    """The environment for QGIS's interpreter as a child process: no PYTHONHOME/PYTHONPATH games from a
    developer shell, no user site (nothing outside QGIS's own Python and the target is consulted)."""
    env = dict(os.environ)
    env.pop("PIP_TARGET", None)
    env.pop("PIP_PREFIX", None)
    env.pop("PIP_USER", None)
    env["PYTHONNOUSERSITE"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


child_env = _child_env


def system_package_hint(os_release: str = "/etc/os-release", modules: tuple = ("pydantic", "shapely")) -> str:
    """Where the system's package manager has the right versions (Debian 13 and later, testing and unstable
    included: they carry no VERSION_ID), say so, naming the Debian package of each missing module."""
    try:
        with open(os_release, encoding="utf-8") as fh:
            fields = dict(
                line.rstrip("\n").split("=", 1) for line in fh if "=" in line
            )
    except OSError:
        return ""
    distro = fields.get("ID", "").strip('"')
    version = fields.get("VERSION_ID", "").strip('"')
    try:
        major = int(version.split(".")[0]) if version else 99  # Debian testing/unstable: newer than any release
    except ValueError:
        return ""
    if distro == "debian" and major >= 13 and modules:
        packages = " ".join(f"python3-{m}" for m in modules)
        return f" Alternatively, Debian ships them: sudo apt install {packages} (then restart QGIS)."
    return ""


def check() -> tuple[list[Missing], str]:
    """Convenience for the plugin: (missing requirements, message text)."""
    missing = missing_dependencies()
    return missing, missing_message(missing)
