"""Give QGIS's own Python the venv's pydantic 2 and shapely 2, as "Install missing packages" leaves the
profile's dependency folder: links to those packages only, never to the venv's numpy (QGIS's modules are
built against the system's). Used by tests that run the real qgis / qgis_process and by the screenshot
script."""

from __future__ import annotations

import os
import site
from pathlib import Path

PACKAGES = ("pydantic", "pydantic_core", "annotated_types", "typing_extensions", "typing_inspection",
            "shapely", "shapely.libs")


def link_venv_packages(folder: Path) -> Path:
    """Create ``folder`` holding links to the venv's copies of PACKAGES; returns it."""
    folder.mkdir(parents=True)
    for sp in filter(os.path.isdir, site.getsitepackages()):
        for name in os.listdir(sp):
            stem = name[:-3] if name.endswith(".py") else name
            if stem in PACKAGES and not (folder / name).exists():
                (folder / name).symlink_to(Path(sp) / name)
    return folder
