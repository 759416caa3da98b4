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
    sim: Any = None  # the Pixxel API simulator (in-process)
    fields_layer: Any = None  # the polygons the AOI is made from
    raster: Any = None  # the downloaded cube shown in true colour
    panel_progress: list = field(default_factory=list)


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



# ----------------------------------------------------------------------------- the panel's whole flow
DEMO_KEY = "demo-key"
DEMO_MASTER_PASSWORD = "pixxel-demo-master"  # throw-away auth DB of the temp profile
DEMO_AOI = "Demo fields, Bengaluru"


def _wait(pred, timeout: float, what: str) -> None:
    from qgis.core import QgsApplication

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QgsApplication.processEvents()
        if pred():
            return
        time.sleep(0.02)
    raise DemoError(f"timed out after {timeout:.0f} s waiting for {what}")


def _dock_idle(ctx: Demo, timeout: float = 60.0, what: str = "the panel's tasks") -> None:
    _wait(lambda: not ctx.plugin.dock.tasks.tasks, timeout, what)


def _problems(ctx: Demo) -> str:
    from qgis.core import Qgis

    return " | ".join(ctx.iface.messageBar().texts(Qgis.Critical, Qgis.Warning)) or "no message"


def step_start_simulator(ctx: Demo) -> str:
    """start the Pixxel API simulator"""
    sys.path.insert(0, str(ROOT / "dev"))
    from pixxel_simulator import SimConfig, Simulator

    ctx.sim = Simulator(SimConfig(seed=7, api_keys=(DEMO_KEY,), asset_count=240, aoi_duration_s=3.0,
                                  seed_aois=2, raster_size=256, download_seconds=0.5), host="127.0.0.1", port=0)
    ctx.sim.start()
    ctx.report["simulator"] = ctx.sim.url
    return ctx.sim.url


def step_connect(ctx: Demo) -> str:
    """save the connection (key into the QGIS auth DB) and fill the lists"""
    from qgis.core import QgsApplication

    am = QgsApplication.authManager()
    if not (am.masterPasswordIsSet() or am.setMasterPassword(DEMO_MASTER_PASSWORD, True)):
        raise DemoError("could not unlock the temporary profile's authentication database")
    dock = ctx.plugin.dock
    dock.connection.base_url_edit.setText(ctx.sim.url)
    dock.connection.api_key_edit.setText(DEMO_KEY)
    dock.connection.save_button.click()
    _dock_idle(ctx, 30, "projects, satellites and AOIs")
    dock.connection.test_button.click()
    _dock_idle(ctx, 30, "the connection test")
    if dock.aoi_form.project_combo.count() == 0 or dock.aoi_form.satellite_combo.count() == 0:
        raise DemoError(f"the lists stayed empty: {_problems(ctx)}")
    return (f"{dock.connection.connection_status.text()} {dock.aoi_form.project_combo.count()} projects, "
            f"{dock.aoi_form.satellite_combo.count()} satellite collections, {dock.aois.proxy.rowCount()} existing AOIs")


def step_select_polygons(ctx: Demo) -> str:
    """draw fields in UTM 43N, select them, make the AOI geometry"""
    from demo_fields import fields_layer
    from qgis.core import QgsProject

    layer = fields_layer()
    from qgis.core import QgsFillSymbol, QgsSingleSymbolRenderer

    layer.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple(
        {"color": "0,0,0,0", "outline_color": "#1f3a93", "outline_width": "0.8", "outline_style": "dash"})))
    QgsProject.instance().addMapLayer(layer)
    ctx.iface.setActiveLayer(layer)
    layer.selectAll()
    ctx.fields_layer = layer
    dock = ctx.plugin.dock
    dock.aoi_geometry.use_selection_button.click()
    if not dock.aoi_geometry.shapes:
        raise DemoError(f"no AOI geometry: {dock.aoi_geometry.geometry_info.text()}")
    return dock.aoi_geometry.geometry_info.text() + (f" ({dock.aoi_geometry.geometry_notes.text()})" if dock.aoi_geometry.geometry_notes.text() else "")


def step_fill_form(ctx: Demo) -> str:
    """fill the form and search images within the AOI"""
    dock = ctx.plugin.dock
    dock.aoi_form.name_edit.setText(DEMO_AOI)
    dock.aoi_form.description_edit.setText("Three fields north of Bengaluru, made by make demo")
    dock.aoi_form.check_name()
    dock.aoi_form.project_combo.setCurrentIndex(0)
    for i in range(dock.aoi_form.satellite_combo.count()):
        if "TD1" in dock.aoi_form.satellite_combo.itemText(i):
            dock.aoi_form.satellite_combo.setCurrentIndex(i)
            break
    dock.images.search_button.click()
    _dock_idle(ctx, 30, "the image search")
    rows = dock.images.item_table.rowCount()
    if rows == 0:
        raise DemoError(f"the search found nothing: {dock.images.search_status.text()} {_problems(ctx)}")
    sel = dock.images.item_table.selectionModel()
    for row in range(min(3, rows)):
        sel.select(dock.images.item_table.model().index(row, 0), sel.Select | sel.Rows)
    return f"{dock.images.search_status.text()} {len(dock.images.item_table.selected_ids())} selected; {dock.aoi_form.name_status.text()}"


def step_create_aoi(ctx: Demo) -> str:
    """create the AOI, poll it, load its assets"""
    dock = ctx.plugin.dock
    dock.flow.output.gpkg_folder = str(ctx.workdir / "gpkg")
    ctx.panel_progress = []
    dock.flow.progress_bar.valueChanged.connect(ctx.panel_progress.append)
    dock.flow.create_button.click()
    _wait(lambda: not dock.flow.create_button.isEnabled(), 5, "the create flow to start")
    _wait(lambda: dock.flow.create_button.isEnabled() and not dock.tasks.tasks, 90, "create, poll and assets")
    if not dock.last_result:
        raise DemoError(f"no assets loaded: {dock.flow.create_status.text()} {_problems(ctx)}")
    res = dock.last_result
    ctx.report["aoi"] = f"{res['aoi'].name} ({res['aoi'].aoi_id}), status {res['aoi'].status.value}"
    ctx.report["assets"] = res["count"]
    return f"{dock.flow.create_status.text()} progress seen: {sorted(set(ctx.panel_progress))}"


def step_reload_existing(ctx: Demo) -> str:
    """load an existing AOI again from the list"""
    dock = ctx.plugin.dock
    dock.aois.refresh_aois_button.click()
    _dock_idle(ctx, 30, "the AOI list")
    for row in range(dock.aois.proxy.rowCount()):
        if dock.aois.cell(row, 0) != DEMO_AOI and dock.aois.cell(row, 1) == "success":
            dock.aois.aoi_table.selectRow(row)
            dock.aois.load_aoi_button.click()
            _dock_idle(ctx, 60, "the existing AOI's assets")
            return dock.aois.existing_status.text()
    return "no other finished AOI to load"



def _render_png(ctx: Demo, settings, name: str):
    """Render the map settings into demo-output/<name> (every picture of the demo is made this way)."""
    from qgis.core import QgsMapRendererParallelJob

    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    path = ctx.out / name
    ctx.out.mkdir(parents=True, exist_ok=True)
    if not job.renderedImage().save(str(path)):
        raise DemoError(f"could not write {path}")
    return path

def step_render_map(ctx: Demo) -> str:
    """render the AOI group to map.png"""
    from qgis.core import QgsMapSettings, QgsProject, QgsRectangle
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    res = ctx.plugin.dock.last_result
    project = QgsProject.instance()
    group_layers = [n.layer() for n in res["group"].findLayers()]
    from pixxel_qgis.core.settings import ROLE_PROPERTY

    layers = [lyr for lyr in group_layers if lyr.customProperty(ROLE_PROPERTY) == "boundary"]
    layers += [ctx.fields_layer] + [lyr for lyr in group_layers if lyr not in layers]
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(res["asset_layer"].crs())
    settings.setTransformContext(project.transformContext())
    extent = QgsRectangle(res["asset_layer"].extent())
    extent.combineExtentWith(res["boundary_layer"].extent())
    extent.scale(1.1)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(1200, 900))
    settings.setBackgroundColor(QColor("white"))
    path = _render_png(ctx, settings, "map.png")
    return f"{path} ({len(layers)} layers)"


def step_write_gpkg(ctx: Demo) -> str:
    """write the layers to pixxel_demo.gpkg"""
    from pixxel_qgis.core.assets import layers as player

    res = ctx.plugin.dock.last_result
    path = ctx.out / "pixxel_demo.gpkg"
    if path.exists():
        path.unlink()
    tables = player.write_layers_to_gpkg(str(path), {"assets": res["asset_layer"], "aoi_boundary": res["boundary_layer"],
                                                    "selected_fields": ctx.fields_layer})
    return f"{path}: tables {', '.join(sorted(tables))}"


def step_draw_and_coverage(ctx: Demo) -> str:
    """drag a rectangle with the panel's map tool, search images, check their coverage -> coverage.png"""
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsFeature,
        QgsGeometry,
        QgsMapSettings,
        QgsPointXY,
        QgsProject,
        QgsRectangle,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QPoint, QSize, Qt
    from qgis.PyQt.QtGui import QColor
    from qgis.PyQt.QtTest import QTest
    from shapely.geometry import mapping, shape

    dock = ctx.plugin.dock
    canvas = ctx.iface.mapCanvas()
    canvas.window().show()
    canvas.resize(800, 600)
    utm = QgsCoordinateReferenceSystem("EPSG:32643")
    canvas.setDestinationCrs(utm)
    centre = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), utm, QgsProject.instance()).transform(
        QgsPointXY(77.6, 13.0))
    canvas.setExtent(QgsRectangle(centre.x() - 30000, centre.y() - 22500, centre.x() + 30000, centre.y() + 22500))
    QTest.qWait(50)
    dock.draw.rectangle_button.click()
    vp = canvas.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(150, 100))
    QTest.mouseMove(vp, QPoint(400, 300))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(650, 500))
    if not dock.aoi_geometry.shapes:
        raise DemoError(f"the drawn rectangle made no AOI geometry: {dock.aoi_geometry.geometry_info.text()}")
    sketch = ctx.iface.activeLayer()
    dock.images.search_button.click()
    _dock_idle(ctx, 30, "the image search")
    table = dock.images.item_table
    table.clearSelection()
    sel = table.selectionModel()
    for row in range(min(2, table.rowCount())):
        sel.select(table.model().index(row, 0), sel.Select | sel.Rows)
    result = dock.coverage.result
    if result is None:
        raise DemoError(f"no coverage figure: {dock.coverage.coverage_label.text()}")

    def memory(name, geojsons, fill, outline):
        layer = QgsVectorLayer("MultiPolygon?crs=EPSG:4326", name, "memory")
        feats = []
        for g in geojsons:
            f = QgsFeature()
            geom = QgsGeometry.fromWkt(shape(g).wkt)
            geom.convertToMultiType()
            f.setGeometry(geom)
            feats.append(f)
        layer.dataProvider().addFeatures(feats)
        from qgis.core import QgsFillSymbol, QgsSingleSymbolRenderer

        layer.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple(
            {"color": fill, "outline_color": outline, "outline_width": "0.6"})))
        return layer

    gaps = memory("not covered", [mapping(result.uncovered)], "227,26,28,150", "#e31a1c")
    feet = memory("footprints", [i.geometry for i in table.selected_items()], "31,120,180,40", "#1f78b4")
    settings = QgsMapSettings()
    settings.setLayers([sketch, gaps, feet])  # top first
    settings.setFlag(QgsMapSettings.Flag.DrawSelection, False)  # the drawn rectangle is selected
    settings.setDestinationCrs(utm)
    settings.setTransformContext(QgsProject.instance().transformContext())
    extent = QgsRectangle(sketch.extent())
    extent.scale(1.6)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(1000, 800))
    settings.setBackgroundColor(QColor("white"))
    path = _render_png(ctx, settings, "coverage.png")
    ctx.report["coverage"] = f"{result.share * 100:.1f} % of the drawn AOI by {result.image_count} images"
    canvas.window().hide()
    return f"{path}: {dock.coverage.coverage_label.text()}"

def step_download_rasters(ctx: Demo) -> str:
    """download two assets, open them in true colour, render raster.png"""
    from qgis.core import QgsMapSettings, QgsRasterLayer
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    dock = ctx.plugin.dock
    assets = dock.last_result["asset_layer"]
    mosaics = [f.id() for f in assets.getFeatures() if f["asset_type"] == "mosaic" and f["status"] == "success"]
    assets.selectByIds(mosaics[:2])
    ctx.iface.setActiveLayer(assets)
    section = dock.downloads
    section.download_selected_button.click()
    _dock_idle(ctx, 120, "the downloads")
    group = dock.last_result["group"]
    rasters = [n.layer() for n in group.findLayers() if isinstance(n.layer(), QgsRasterLayer)]
    if len(rasters) < 2:
        raise DemoError(f"the downloads did not add two rasters: {section.download_status.text()} {_problems(ctx)}")
    ctx.raster = rasters[0]
    r = ctx.raster.renderer()
    settings = QgsMapSettings()
    settings.setLayers([ctx.raster])
    settings.setDestinationCrs(ctx.raster.crs())
    settings.setExtent(ctx.raster.extent())
    settings.setOutputSize(QSize(800, 800))
    settings.setBackgroundColor(QColor("white"))
    path = _render_png(ctx, settings, "raster.png")
    names = [ctx.raster.bandName(b) for b in (r.redBand(), r.greenBand(), r.blueBand())]
    ctx.report["rasters"] = ", ".join(lyr.source() for lyr in rasters)
    return f"{section.download_status.text()} {path}: true colour from {names}"


def step_spectral_profile(ctx: Demo) -> str:
    """click three pixels with the spectral profile tool, save spectrum.png and a CSV"""
    from pixxel_qgis.core.imagery.spectral import matplotlib_available, plot_png
    from qgis.core import QgsCoordinateTransform, QgsPointXY, QgsProject
    from qgis.PyQt.QtCore import Qt

    section = ctx.plugin.dock.downloads
    ctx.iface.setActiveLayer(ctx.raster)
    section.spectral_button.setChecked(True)
    tool = section.spectral_tool
    if tool is None:
        raise DemoError("the spectral profile tool did not start (no map canvas?)")
    e = ctx.raster.extent()
    # clicks are in the canvas's CRS (the first layer of the project set it: not always the cube's)
    to_canvas = QgsCoordinateTransform(ctx.raster.crs(), ctx.iface.mapCanvas().mapSettings().destinationCrs(),
                                       QgsProject.instance())
    for fx, fy in ((0.25, 0.3), (0.5, 0.5), (0.8, 0.7)):
        pt = to_canvas.transform(QgsPointXY(e.xMinimum() + fx * e.width(), e.yMinimum() + fy * e.height()))
        tool.canvasClicked.emit(pt, Qt.MouseButton.LeftButton)
    profiles = section.spectral_dock.profiles
    if len(profiles) != 3:
        raise DemoError(f"expected 3 spectral profiles, got {len(profiles)}: {_problems(ctx)}")
    path = ctx.out / "spectrum.png"
    if matplotlib_available():
        plot_png(profiles, str(path), "Spectral profiles of three pixels")
    elif not section.spectral_dock.grab_png(str(path)):
        raise DemoError(f"could not write {path}")
    csv_path = section.spectral_dock.export_csv(str(ctx.out / "spectrum.csv"))
    section.spectral_button.setChecked(False)
    return f"{path}, {csv_path}: {len(profiles)} pixels x {len(profiles[0].values)} bands"


def step_panel_png(ctx: Demo) -> str:
    """save a picture of the panel"""
    dock = ctx.plugin.dock
    dock.setFloating(True)
    dock.resize(300, 900)  # the width the panel is made for
    from qgis.core import QgsApplication

    paths = []
    for i in range(dock.tabs.count()):  # one picture per tab: panel.png (Connection), panel-2.png, ...
        dock.tabs.setCurrentIndex(i)
        for _ in range(10):  # let the layouts settle at the new width (several posted layout requests)
            QgsApplication.processEvents()
            time.sleep(0.02)
        path = ctx.out / ("panel.png" if i == 0 else f"panel-{i + 1}.png")
        if not dock.grab().save(str(path)):
            raise DemoError(f"could not write {path}")
        paths.append(path.name)
    return f"{ctx.out}: {', '.join(paths)}"


def step_stop_simulator(ctx: Demo) -> str:
    """stop the simulator"""
    ctx.plugin.dock.shutdown()
    sim, ctx.sim = ctx.sim, None
    count = len(sim.request_log)
    sim.stop()
    ctx.report["simulator_requests"] = count
    return f"{count} requests served"


def step_board_png(ctx: Demo) -> str:
    """render the AOI board layer (one feature per AOI, coloured by status) to board.png"""
    from pixxel_qgis.core.board.layer import board_layers, rows
    from qgis.core import (
        QgsMapSettings,
        QgsPalLayerSettings,
        QgsProject,
        QgsVectorLayerSimpleLabeling,
    )
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    project = QgsProject.instance()
    boards = board_layers(project)
    if not boards:
        raise DemoError("no AOI board layer in the project")
    board = boards[0]
    labels = QgsPalLayerSettings()
    labels.isExpression = True
    labels.fieldName = "\"name\" || '\\n' || \"status\" || ' ' || coalesce(round(\"progress\"), '') || '%'"
    board.setLabeling(QgsVectorLayerSimpleLabeling(labels))
    board.setLabelsEnabled(True)
    settings = QgsMapSettings()
    settings.setLayers([board, ctx.fields_layer])
    settings.setDestinationCrs(board.crs())
    settings.setTransformContext(project.transformContext())
    extent = board.extent()
    extent.scale(1.2)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(1200, 900))
    settings.setBackgroundColor(QColor("white"))
    path = _render_png(ctx, settings, "board.png")
    statuses = sorted({r["status"] for r in rows(board)})
    return f"{path}: {board.featureCount()} AOIs ({', '.join(statuses)})"


def step_model_png(ctx: Demo) -> str:
    """draw the example Processing model (search -> create -> wait -> load) to model.png"""
    from qgis.core import QgsProcessingContext, QgsProcessingModelAlgorithm
    from qgis.gui import QgsModelGraphicsScene
    from qgis.PyQt.QtCore import QRectF
    from qgis.PyQt.QtGui import QColor, QImage, QPainter

    path = ROOT / "processing_provider" / "models" / "pixxel_search_create_wait_load.model3"
    model = QgsProcessingModelAlgorithm()
    if not model.fromFile(str(path)):
        raise DemoError(f"could not read {path}")
    ok, problems = model.validate()
    if not ok:
        raise DemoError("the example model is not valid: " + "; ".join(problems))
    scene = QgsModelGraphicsScene()
    scene.setModel(model)
    scene.createItems(model, QgsProcessingContext())
    rect = scene.itemsBoundingRect().adjusted(-20, -20, 20, 20)
    image = QImage(int(rect.width() * 1.5), int(rect.height() * 1.5), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(0, 0, image.width(), image.height()), rect)
    painter.end()
    out = ctx.out / "model.png"
    if not image.save(str(out)):
        raise DemoError(f"could not write {out}")
    return f"{out}: {len(model.childAlgorithms())} steps"


STEPS: list[Callable[[Demo], str]] = [
    step_start_qgis,
    step_load_plugin,
    step_open_panel,
    step_start_simulator,
    step_connect,
    step_select_polygons,
    step_fill_form,
    step_create_aoi,
    step_reload_existing,
    step_render_map,
    step_board_png,
    step_model_png,
    step_write_gpkg,
    step_draw_and_coverage,
    step_download_rasters,
    step_spectral_profile,
    step_panel_png,
    step_stop_simulator,
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
            if ctx.sim is not None:
                ctx.sim.stop()
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
