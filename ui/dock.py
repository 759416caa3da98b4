"""The Pixxel dock panel: composes its sections and runs their tasks.

Sections (one file each): connection_section (base URL, key, Save, Test), geometry_section (use selection,
mode, area/vertices, preview), aoi_form (name, project, satellite, dates, cloud, image search),
create_section (output choice, create + poll + assets, progress, cancel), existing_aois (list, refresh,
load again), asset_rasters (open the selected assets' GeoTIFFs).

The dock owns the TaskKeeper and ``shutdown()``; every network call runs in a core.tasks QgsTask started
through ``call()``/``start()``. A failure never clears what the user typed.
"""

from __future__ import annotations

from typing import Callable

from qgis.core import Qgis, QgsProject
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from ..core.tasks import ApiCallTask, LoadAssetsTask, TaskKeeper, user_message
from .aoi_form import AoiFormSection
from .asset_rasters import AssetRastersSection
from .connection_section import ConnectionSection
from .create_section import CreateSection
from .existing_aois import ExistingAoisSection
from .geometry_section import GeometrySection

TITLE = "Pixxel"


def _forward(section: str, name: str) -> property:
    """A dock attribute that is ``self.<section>.<name>`` (widgets and state live in the sections)."""
    return property(lambda self: getattr(getattr(self, section), name),
                    lambda self, value: setattr(getattr(self, section), name, value))


class PixxelDockWidget(QgsDockWidget):
    #: extra PixxelClient keyword arguments (tests shorten timeouts and retry budgets)
    client_options: dict = {}
    #: PollAoiTask keyword arguments (tests shorten the delays)
    poll_options = {"initial_delay": 1.0, "factor": 1.5, "max_delay": 10.0, "max_transient": 5}

    def __init__(self, iface, parent=None):
        super().__init__(TITLE, parent)
        self.setObjectName("PixxelDockWidget")
        self.iface = iface
        self.tasks = TaskKeeper()
        self._closed = False
        self.last_result = None  # what LoadAssetsTask delivered last

        self.connection_section = ConnectionSection(self)
        self.geometry_section = GeometrySection(self)
        self.form_section = AoiFormSection(self, self.geometry_section)
        self.create_section = CreateSection(self, self.form_section)
        self.existing_section = ExistingAoisSection(self)
        self.raster_section = AssetRastersSection(self)

        self.connection_section.saved.connect(self.slot(self._connection_saved))
        # the boundary layer replaces the preview of the AOI geometry
        self.create_section.assetsLoaded.connect(self.slot(self.geometry_section.preview.clear))
        self.create_section.flowEnded.connect(self.slot(lambda: self.existing_section.refresh_aois(quiet=True)))
        self.visibilityChanged.connect(self._visibility_changed)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        outer = QVBoxLayout(body)
        for section in (self.connection_section, self.geometry_section, self.form_section,
                        self.create_section, self.existing_section, self.raster_section):
            outer.addWidget(section)
        from .diagnostics_dialog import diagnostics_button

        outer.addWidget(diagnostics_button(body))
        outer.addStretch(1)
        scroll.setWidget(body)
        self.setWidget(scroll)

    # ------------------------------------------------------------------ the sections' public surface
    base_url_edit = _forward("connection_section", "base_url_edit")
    api_key_edit = _forward("connection_section", "api_key_edit")
    save_button = _forward("connection_section", "save_button")
    test_button = _forward("connection_section", "test_button")
    connection_status = _forward("connection_section", "connection_status")

    shapes = _forward("geometry_section", "shapes")
    mode_combo = _forward("geometry_section", "mode_combo")
    use_selection_button = _forward("geometry_section", "use_selection_button")
    clear_geometry_button = _forward("geometry_section", "clear_geometry_button")
    geometry_info = _forward("geometry_section", "geometry_info")
    geometry_notes = _forward("geometry_section", "geometry_notes")

    name_edit = _forward("form_section", "name_edit")
    name_status = _forward("form_section", "name_status")
    description_edit = _forward("form_section", "description_edit")
    project_combo = _forward("form_section", "project_combo")
    satellite_combo = _forward("form_section", "satellite_combo")
    provider_combo = _forward("form_section", "provider_combo")
    refresh_lists_button = _forward("form_section", "refresh_lists_button")
    start_date = _forward("form_section", "start_date")
    end_date = _forward("form_section", "end_date")
    cloud_spin = _forward("form_section", "cloud_spin")
    search_button = _forward("form_section", "search_button")
    search_status = _forward("form_section", "search_status")
    item_table = _forward("form_section", "item_table")
    footprints_button = _forward("form_section", "footprints_button")

    output_combo = _forward("output", "output_combo")
    gpkg_folder_widget = _forward("output", "gpkg_folder_widget")
    #: write the layers to a GeoPackage (False: temporary memory layers); backed by the Output choice
    save_gpkg = _forward("output", "save_gpkg")
    #: folder of the GeoPackages (None: core.layers.default_gpkg_folder(project)); backed by the Folder field
    gpkg_folder = _forward("output", "gpkg_folder")

    create_button = _forward("create_section", "create_button")
    cancel_button = _forward("create_section", "cancel_button")
    progress_bar = _forward("create_section", "progress_bar")
    create_status = _forward("create_section", "create_status")
    _flow_tasks = _forward("create_section", "_flow_tasks")

    open_raster_button = _forward("raster_section", "open_raster_button")
    raster_status = _forward("raster_section", "raster_status")

    aois = _forward("existing_section", "aois")
    aoi_table = _forward("existing_section", "aoi_table")
    refresh_aois_button = _forward("existing_section", "refresh_aois_button")
    load_aoi_button = _forward("existing_section", "load_aoi_button")
    existing_status = _forward("existing_section", "existing_status")

    @property
    def output(self):
        """The Output choice (ui.output_options.OutputOptions) of the Create section."""
        return self.create_section.output

    @property
    def _aoi_band(self):
        return self.geometry_section.preview.band

    @property
    def _fp_band(self):
        return self.form_section.footprints.band

    def client(self):
        return self.connection_section.client()

    def save_connection(self):
        self.connection_section.save_connection()

    def test_connection(self):
        self.connection_section.test_connection()

    def use_selection(self):
        self.geometry_section.use_selection()

    def clear_geometry(self):
        self.geometry_section.clear_geometry()

    def check_name(self):
        self.form_section.check_name()

    def refresh_reference_data(self):
        self.form_section.refresh_reference_data()

    def search_images(self):
        self.form_section.search_images()

    def create_aoi(self):
        self.create_section.create_aoi()

    def cancel_create(self):
        self.create_section.cancel_create()

    def refresh_aois(self, quiet: bool = False):
        self.existing_section.refresh_aois(quiet)

    def load_selected_aoi(self):
        self.existing_section.load_selected_aoi()

    def open_selected_rasters(self):
        self.raster_section.open_selected_rasters()

    # ------------------------------------------------------------------ messages
    def message(self, text: str, level=Qgis.Info, duration: int = 6):
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is not None:
            bar.pushMessage(TITLE, text, level=level, duration=duration)

    def warn(self, text: str):
        self.message(text, Qgis.Warning, 10)

    def error(self, text: str):
        self.message(text, Qgis.Critical, 0)

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
        client = self.client()
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
                from ..core import layers

                layers.zoom_to_layer(canvas, result["asset_layer"] if result.get("count") else
                                     result["boundary_layer"])
            on_done(result)

        return LoadAssetsTask(client, aoi, self.output.gpkg_path(project, aoi), project, self.alive(done),
                              self.alive(on_error), self.alive(on_cancel))

    def _connection_saved(self):
        self.form_section.refresh_reference_data()
        self.existing_section.refresh_aois()

    # ------------------------------------------------------------------ lifecycle
    def shutdown(self):
        """Cancel this panel's tasks and drop its canvas items; called by the plugin's unload()."""
        self._closed = True
        self.tasks.cancel_all(detach=True)
        self.geometry_section.preview.clear()
        self.form_section.footprints.clear()

    def _visibility_changed(self, visible: bool):
        """The canvas previews belong to the panel: hidden with it, shown again with it."""
        self.geometry_section.preview.set_visible(visible)
        self.form_section.footprints.set_visible(visible)

