"""`make demo`: run Pixxel for QGIS headless, step by step, and leave the evidence in demo-output/.

Today it proves the plugin loads in QGIS: QGIS starts offscreen, the plugin is loaded and started
through qgis.utils (as QGIS does at start-up) from a temporary profile's plugins folder, the panel is
opened, a report is written to <out>/plugin-loaded.txt, and the plugin is unloaded again.

To grow the demo, write a step function `def step_x(ctx: Demo) -> str` (it returns a one-line result,
raises DemoError to stop) and add it to STEPS before `step_unload_plugin`.

    .venv/bin/python scripts/demo.py --out demo-output
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = "pixxel_qgis"
sys.path.insert(0, str(Path(__file__).resolve().parent))


class DemoError(Exception):
    """A step failed; the message says what and why."""


@dataclass
class Demo:
    out: Path
    workdir: Path
    app: Any = None
    iface: Any = None
    plugin: Any = None
    errors: list = field(default_factory=list)  # exceptions QGIS reported while loading/starting
    report: dict = field(default_factory=dict)  # written to plugin-loaded.txt


# ----------------------------------------------------------------------------- steps
def step_start_qgis(ctx: Demo) -> str:
    from qgis.core import Qgis, QgsApplication

    profile = ctx.workdir / "profile"
    os.environ["QGIS_CUSTOM_CONFIG_PATH"] = str(profile)  # never touch the user's real QGIS profile
    ctx.app = QgsApplication([], True)
    ctx.app.initQgis()

    from headless_iface import HeadlessIface

    ctx.iface = HeadlessIface()
    ctx.report["qgis_version"] = Qgis.QGIS_VERSION
    return f"QGIS {Qgis.QGIS_VERSION} (platform {os.environ['QT_QPA_PLATFORM']})"


def step_load_plugin(ctx: Demo) -> str:
    import qgis.utils

    plugins_dir = ctx.workdir / "profile" / "python" / "plugins"
    plugins_dir.mkdir(parents=True, exist_ok=True)
    (plugins_dir / PLUGIN).symlink_to(ROOT, target_is_directory=True)

    def record(type_, value, tb, msg, messagebar=False, level=None):
        ctx.errors.append(f"{msg}\n{''.join(traceback.format_exception(type_, value, tb))}")

    qgis.utils.showException = record  # QGIS would open a dialog; the demo reports instead
    qgis.utils.iface = ctx.iface
    # This plugins folder is the only place pixxel_qgis may come from.
    sys.path[:] = [p for p in sys.path if not (Path(p or ".") / PLUGIN).is_dir()]
    sys.path.insert(0, str(plugins_dir))
    sys.path_importer_cache.clear()
    qgis.utils.plugin_paths[:] = [str(plugins_dir)]
    qgis.utils.home_plugin_path = str(plugins_dir)
    qgis.utils.updateAvailablePlugins()
    if PLUGIN not in qgis.utils.available_plugins:
        raise DemoError(f"QGIS does not see {PLUGIN} in {plugins_dir} (metadata.txt unreadable?)")

    loaded = qgis.utils.loadPlugin(PLUGIN) and qgis.utils.startPlugin(PLUGIN)
    if not loaded or ctx.errors:
        raise DemoError("QGIS could not load the plugin:\n" + "\n".join(ctx.errors))
    ctx.plugin = qgis.utils.plugins[PLUGIN]
    name = qgis.utils.pluginMetadata(PLUGIN, "name")
    version = qgis.utils.pluginMetadata(PLUGIN, "version")
    ctx.report.update(
        plugin=name,
        version=version,
        loaded_from=str(Path(sys.modules[PLUGIN].__file__).parent),
        active=PLUGIN in qgis.utils.active_plugins,
        missing_dependencies=", ".join(m.describe() for m in ctx.plugin.missing) or "none",
    )
    warnings = ctx.iface.messageBar().texts()
    if warnings:
        ctx.report["message_bar"] = " | ".join(warnings)
    return f"{name} {version} started (missing dependencies: {ctx.report['missing_dependencies']})"


def step_open_panel(ctx: Demo) -> str:
    ctx.plugin.action.trigger()
    dock = ctx.plugin.dock
    if dock is None or not dock.isUserVisible():
        raise DemoError("the Pixxel action did not open the panel")
    ctx.report["panel"] = f"{type(dock).__name__} '{dock.windowTitle()}' open"
    return ctx.report["panel"]


def step_write_report(ctx: Demo) -> str:
    ctx.out.mkdir(parents=True, exist_ok=True)
    path = ctx.out / "plugin-loaded.txt"
    lines = [f"{key}: {value}" for key, value in ctx.report.items()]
    path.write_text("Pixxel for QGIS: plugin loaded headless\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def step_unload_plugin(ctx: Demo) -> str:
    import qgis.utils
    from qgis.PyQt.QtCore import QCoreApplication, QEvent
    from qgis.PyQt.QtWidgets import QDockWidget, QToolBar

    if not qgis.utils.unloadPlugin(PLUGIN):
        raise DemoError("unloading failed:\n" + "\n".join(ctx.errors))
    ctx.plugin = None
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    main = ctx.iface.mainWindow()
    left = {
        "docks": len(main.findChildren(QDockWidget)),
        "toolbars": len(main.findChildren(QToolBar)),
        "menus": len(main.menuBar().actions()),
        "modules": len([m for m in sys.modules if m.split(".")[0] == PLUGIN]),
    }
    if any(left.values()):
        raise DemoError(f"unload left things behind: {left}")
    with open(ctx.out / "plugin-loaded.txt", "a", encoding="utf-8") as fh:
        fh.write("unloaded: clean (no dock, toolbar, menu or module left)\n")
    return "clean: no dock, toolbar, menu or module left"


STEPS: list[Callable[[Demo], str]] = [
    step_start_qgis,
    step_load_plugin,
    step_open_panel,
    step_write_report,
    step_unload_plugin,
]


# ----------------------------------------------------------------------------- runner
def run(out: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="pixxel-demo-") as tmp:
        ctx = Demo(out=out, workdir=Path(tmp))
        try:
            for number, step in enumerate(STEPS, 1):
                title = (step.__doc__ or step.__name__.replace("step_", "").replace("_", " ")).strip()
                started = time.monotonic()
                try:
                    result = step(ctx)
                except DemoError as exc:
                    print(f"[{number}/{len(STEPS)}] {title}: FAILED\n  {exc}", file=sys.stderr)
                    return 1
                print(f"[{number}/{len(STEPS)}] {title}: {result} ({time.monotonic() - started:.1f} s)")
        finally:
            if ctx.plugin is not None:
                import qgis.utils

                qgis.utils.unloadPlugin(PLUGIN)
            if ctx.iface is not None:
                ctx.iface.close()
            if ctx.app is not None:
                ctx.app.exitQgis()
    print(f"demo: OK, see {out}/")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run Pixxel for QGIS headless and record what happens.")
    parser.add_argument("--out", type=Path, default=ROOT / "demo-output", help="output folder")
    args = parser.parse_args(argv)
    return run(args.out.resolve())


if __name__ == "__main__":
    sys.exit(main())
