"""The Pixxel dock panel: composes its sections in tabs and runs their tasks.

Sections (one file each), one tab each, reached as attributes of the dock (``dock.connection.save_button``):
``connection`` (connection_section: base URL, key, Save, Test), ``aoi_geometry`` (geometry_section: use
selection, mode, area/vertices, preview) and ``aoi_form`` (aoi_form: name, project, satellite) on the AOI
tab, ``images`` (image_search: dates, cloud, search, results, footprints), ``flow`` (create_section: output
choice, create + poll + assets, progress, cancel), ``aois`` (existing_aois: list, refresh, load again),
``rasters`` (asset_rasters: open the selected assets' GeoTIFFs) and ``downloads`` (downloads_section:
download assets, composites, spectral profile) on the Rasters tab, ``draw`` (draw_section: rectangle/polygon
map tools and map extent into the "Pixxel sketches" layer, on the AOI tab) and ``coverage`` (coverage_view:
share of the AOI the chosen images cover, on the Images tab).

The dock owns the TaskKeeper and ``shutdown()``; every network call runs in a core.tasks.tasks QgsTask started
through ``call()``/``start()``. A failure never clears what the user typed.
"""

from __future__ import annotations

from typing import Callable

from qgis.core import Qgis, QgsProject
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtWidgets import QFrame, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from ..core.tasks.tasks import ApiCallTask, LoadAssetsTask, TaskKeeper, user_message
from ..i18n import tr
from .aoi_form import AoiFormSection
from .asset_rasters import AssetRastersSection
from .connection_section import ConnectionSection
from .coverage_view import CoverageSection
from .create_section import CreateSection
from .downloads_section import DownloadsSection
from .draw_section import DrawSection
from .existing_aois import ExistingAoisSection
from .geometry_section import GeometrySection
from .image_search import ImageSearchSection

TITLE = "Pixxel"


def _scrolling_page(*sections) -> QScrollArea:
    """A tab page: the sections stacked, scrolling vertically only (the page is as wide as the dock)."""
    body = QWidget()
    lay = QVBoxLayout(body)
    for section in sections:
        lay.addWidget(section)
    lay.addStretch(1)
    page = QScrollArea()
    page.setWidgetResizable(True)
    page.setFrameShape(QFrame.Shape.NoFrame)
    page.setWidget(body)
    return page


class PixxelDockWidget(QgsDockWidget):
    #: extra PixxelClient keyword arguments (tests shorten timeouts and retry budgets)
    client_options: dict = {}
    #: extra PollAoiTask (client.polling.poll_aoi) keywords; empty: its defaults (tests shorten the delays)
    poll_options: dict = {}
    _board = None

    @property
    def board(self):
        """The plugin's AOI board (core.board.manager.BoardManager), None without the plugin (tests, scripts)."""
        return self._board

    @board.setter
    def board(self, value):
        self._board = value
        aois = getattr(self, "aois", None)
        if aois is not None:  # the Existing AOIs list views the board's records
            aois.bind()

    def __init__(self, iface, parent=None):
        super().__init__(TITLE, parent)
        self.setObjectName("PixxelDockWidget")
        self.iface = iface
        self.tasks = TaskKeeper()
        self._closed = False
        self.last_result = None  # what LoadAssetsTask delivered last

        self.connection = ConnectionSection(self)
        self.aoi_geometry = GeometrySection(self)
        self.aoi_form = AoiFormSection(self, self.aoi_geometry)
        self.images = ImageSearchSection(self, self.aoi_geometry, self.aoi_form)
        self.aoi_form.images_section = self.images
        self.draw = DrawSection(self, self.aoi_geometry)
        self.coverage = CoverageSection(self, self.aoi_geometry, self.images)
        self.flow = CreateSection(self, self.aoi_form)
        self.aois = ExistingAoisSection(self)
        self.rasters = AssetRastersSection(self)
        self.downloads = DownloadsSection(self)

        self.connection.saved.connect(self.slot(self._connection_saved))
        # the boundary layer replaces the preview of the AOI geometry
        self.flow.assetsLoaded.connect(self.slot(self.aoi_geometry.preview.clear))
        # without the plugin's board the list is refreshed after a create; with it, it already shows the AOI
        self.flow.flowEnded.connect(self.slot(lambda: self.aois.refresh_aois(quiet=True) if self.board is None else None))
        self.visibilityChanged.connect(self._visibility_changed)

        # Tabs on the side: six titles side by side would not fit a dock 300 px wide.
        self.tabs = QTabWidget()
        self.tabs.setObjectName("pixxelTabs")
        self.tabs.setTabPosition(QTabWidget.TabPosition.West)
        self.tabs.setDocumentMode(True)
        from .diagnostics_dialog import diagnostics_button

        for title, sections in ((tr("Connection"), (self.connection, diagnostics_button())),
                                (tr("AOI"), (self.draw, self.aoi_geometry, self.aoi_form)),
                                (tr("Images"), (self.images, self.coverage)),
                                (tr("Create"), (self.flow,)),
                                (tr("AOIs"), (self.aois,)),
                                (tr("Rasters"), (self.rasters, self.downloads))):
            self.tabs.addTab(_scrolling_page(*sections), title)
        self.setWidget(self.tabs)

    def show_section(self, section) -> None:
        """Bring the tab holding ``section`` to the front."""
        for i in range(self.tabs.count()):
            if self.tabs.widget(i).isAncestorOf(section):
                self.tabs.setCurrentIndex(i)
                return

    # ------------------------------------------------------------------ messages
    def message(self, text: str, level=Qgis.MessageLevel.Info, duration: int = 6):
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is not None:
            bar.pushMessage(TITLE, text, level=level, duration=duration)

    def warn(self, text: str):
        self.message(text, Qgis.MessageLevel.Warning, 10)

    def error(self, text: str):
        self.message(text, Qgis.MessageLevel.Critical, 0)

    def canvas(self):
        try:
            return self.iface.mapCanvas()
        except Exception:  # noqa: BLE001 - no canvas (headless iface)
            return None

    # ------------------------------------------------------------------ running things
    def alive(self, fn: Callable) -> Callable:
        """Wrap a callback (task result, Qt signal) so that it does nothing once the panel is shut down
        and turns a bug into a message instead of an exception escaping into Qt."""

        def call(*args):
            if self._closed:
                return
            try:
                fn(*args)
            except Exception as exc:  # noqa: BLE001
                self.error(user_message(exc))

        return call

    def slot(self, fn: Callable) -> Callable:
        """``alive`` for a Qt slot that takes no arguments (the signal's arguments are dropped)."""
        guarded = self.alive(fn)
        return lambda *_args: guarded()

    def start(self, task):
        if self._closed:
            return None
        return self.tasks.start(task)

    def call(self, description: str, fn, on_done, on_error=None, buttons=()):
        """Run ``fn(client)`` in a task; the buttons are disabled meanwhile. None when there is no client."""
        client = self.connection.client()
        if client is None:
            return None
        for b in buttons:
            b.setEnabled(False)

        def restore():
            for b in buttons:
                b.setEnabled(True)

        def done(result):
            restore()
            on_done(result)

        def failed(msg):
            restore()
            (on_error or self.error)(msg)

        return self.start(ApiCallTask(description, lambda: fn(client), self.alive(done), self.alive(failed),
                                      self.alive(restore)))

    def load_task(self, client, aoi, on_done, on_error, on_cancel) -> LoadAssetsTask:
        """The task that loads an AOI's boundary and assets into the project, where the Output choice says,
        and zooms to them."""
        project = QgsProject.instance()

        def done(result):
            self.last_result = result
            canvas = self.canvas()
            if canvas is not None and result.get("boundary_layer") is not None:
                from ..core.assets import layers

                layers.zoom_to_layer(canvas, result["asset_layer"] if result.get("count") else
                                     result["boundary_layer"])
            on_done(result)

        return LoadAssetsTask(client, aoi, self.flow.output.gpkg_path(project, aoi), project, self.alive(done),
                              self.alive(on_error), self.alive(on_cancel))

    def _connection_saved(self):
        if self.board is not None:  # the board's poller uses the new key, URL and network settings
            self.board.connection_changed()
        self.aois.bind()
        self.aoi_form.refresh_reference_data()
        self.aois.refresh_aois()

    # ------------------------------------------------------------------ lifecycle
    def shutdown(self):
        """Cancel this panel's tasks and drop its canvas items; called by the plugin's unload()."""
        self._closed = True
        self.tasks.cancel_all(detach=True)
        self.downloads.shutdown()
        self.aoi_geometry.preview.clear()
        self.images.footprints.clear()
        self.draw.shutdown()
        self.coverage.clear()

    def _visibility_changed(self, visible: bool):
        """The canvas previews belong to the panel: hidden with it, shown again with it."""
        self.aoi_geometry.preview.set_visible(visible)
        self.images.footprints.set_visible(visible)
        self.coverage.set_visible(visible)

