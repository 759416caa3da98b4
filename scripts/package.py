"""Build the release zip: dist/pixxel_qgis-<version>.zip with one top folder, pixxel_qgis/.

Only what the plugin needs at run time goes in, chosen by an allow-list (top-level files, package
folders and file extensions); tests, the simulator, benchmarks, scripts, docs and caches never do.
The zip is reproducible: sorted entries, fixed timestamps and permissions.

    .venv/bin/python scripts/package.py --out dist
"""

from __future__ import annotations

import argparse
import configparser
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_NAME = "pixxel_qgis"

TOP_FILES = ("__init__.py", "plugin.py", "deps.py", "i18n.py", "metadata.txt", "icon.svg", "icon.png", "LICENSE")
PACKAGES = ("client", "core", "ui", "processing_provider", "icons", "resources", "i18n")
EXTENSIONS = (".py", ".svg", ".png", ".ui", ".qml", ".qm", ".model3")
EXCLUDED_DIRS = {"__pycache__", "tests", "test", "dev", "bench", "scripts", "docs", ".pytest_cache", ".ruff_cache"}
FIXED_DATE = (2020, 1, 1, 0, 0, 0)


def plugin_version(root: Path = ROOT) -> str:
    parser = configparser.ConfigParser()
    parser.read(root / "metadata.txt", encoding="utf-8")
    return parser.get("general", "version")


def plugin_files(root: Path = ROOT) -> list[Path]:
    """Paths (relative to root) of every file that belongs in the zip."""
    files = [Path(name) for name in TOP_FILES if (root / name).is_file()]
    missing = [name for name in ("__init__.py", "metadata.txt", "LICENSE") if not (root / name).is_file()]
    if missing:
        raise SystemExit(f"package: required file(s) missing: {', '.join(missing)}")
    for package in PACKAGES:
        base = root / package
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(root)
            if not path.is_file() or path.suffix not in EXTENSIONS:
                continue
            if any(part in EXCLUDED_DIRS or part.startswith(".") for part in rel.parts):
                continue
            files.append(rel)
    return sorted(set(files))


def build(out_dir: Path, root: Path = ROOT) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{PLUGIN_NAME}-{plugin_version(root)}.zip"
    tmp = target.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for rel in plugin_files(root):
            info = zipfile.ZipInfo(f"{PLUGIN_NAME}/{rel.as_posix()}", date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, (root / rel).read_bytes())
    tmp.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="output folder (default: dist)")
    args = parser.parse_args(argv)
    target = build(args.out)
    with zipfile.ZipFile(target) as zf:
        count = len(zf.namelist())
    print(f"{target} ({count} files, {target.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
