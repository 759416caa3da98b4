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
import sysconfig
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
    """The Python interpreter QGIS runs, as a command a user can type.

    Inside QGIS `sys.executable` is often the QGIS binary itself (qgis, qgis-bin.exe, QGIS.app), so
    it is only trusted when it is named like a Python; otherwise look next to the interpreter prefix.
    """
    executable = sys.executable if executable is None else executable
    prefix = sys.exec_prefix if prefix is None else prefix
    platform = sys.platform if platform is None else platform
    windows = _is_windows(platform)
    sep = "\\" if windows else "/"
    base = executable.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if base.startswith("python"):
        return executable
    if windows:
        # OSGeo4W / standalone installer: the OSGeo4W Shell puts QGIS's Python first on PATH.
        return "python"
    major, minor = sys.version_info[:2]
    candidates = [
        f"{prefix}{sep}bin{sep}python{major}.{minor}",
        f"{prefix}{sep}bin{sep}python3",
        "/usr/bin/python3",
    ]
    for candidate in candidates:
        if exists(candidate):
            return candidate
    return "python3"


def _externally_managed() -> bool:
    """True when pip refuses to install into this interpreter without --break-system-packages (PEP 668)."""
    try:
        stdlib = sysconfig.get_path("stdlib")
        return bool(stdlib) and os.path.isfile(os.path.join(stdlib, "EXTERNALLY-MANAGED"))
    except Exception:  # noqa: BLE001 - an unreadable stdlib path: not externally managed
        return False


def install_command(
    missing: list[Missing],
    python: Optional[str] = None,
    platform: Optional[str] = None,
    externally_managed: Optional[bool] = None,
) -> str:
    """The exact pip command that installs the missing packages into QGIS's Python."""
    platform = sys.platform if platform is None else platform
    python = python_executable(platform=platform) if python is None else python
    specs = " ".join(f'"{m.requirement.spec}"' for m in missing)
    if _is_windows(platform):
        return f"{python} -m pip install {specs}"
    if " " in python:
        python = f'"{python}"'
    flags = "--user"
    if externally_managed if externally_managed is not None else _externally_managed():
        flags += " --break-system-packages"
    return f"{python} -m pip install {flags} {specs}"


def missing_message(missing: list[Missing], platform: Optional[str] = None, **kwargs) -> str:
    """User-facing text: what is missing and the command that fixes it (empty when nothing is missing)."""
    if not missing:
        return ""
    platform = sys.platform if platform is None else platform
    names = ", ".join(m.describe() for m in missing)
    command = install_command(missing, platform=platform, **kwargs)
    where = "In the OSGeo4W Shell run" if _is_windows(platform) else "Run"
    return (
        f"Pixxel for QGIS needs Python packages that QGIS's Python cannot import: {names}. "
        f"{where}: {command} and then restart QGIS."
    )


def check() -> tuple[list[Missing], str]:
    """Convenience for the plugin: (missing requirements, message text)."""
    missing = missing_dependencies()
    return missing, missing_message(missing)
